"""The README's upgrade steps on a data folder of an older vikno: back up, then `vikno serve` migrates at start
(before its first message), and `vikno store migrate` afterwards finds nothing to do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bots.test_serve import start, wait_health
from vikno.storage.sqlite.migrations import SCHEMA_VERSION
from tests.storage.test_migrations import FIXTURE, FIXTURE_SECRET
from ..support import free_port

pytestmark = pytest.mark.slow


def schema_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    finally:
        conn.close()


def test_backup_then_serve_migrates_an_older_store_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE, data / "vikno.sqlite3")
    assert schema_version(data / "vikno.sqlite3") == 1
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"} | {
        "VIKNO_DATA_DIR": str(data),
        "VIKNO_SECRET_KEY": FIXTURE_SECRET.decode(),
        "VIKNO_NLU": "none",
    }

    saved = subprocess.run(
        [sys.executable, "-m", "vikno.bots", "store", "backup", str(tmp_path / "before")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert saved.returncode == 0 and "schema 1" in saved.stdout, saved.stderr

    port = free_port()
    proc = start(data, port, env={"VIKNO_SECRET_KEY": FIXTURE_SECRET.decode()})
    try:
        wait_health(port, proc)
        assert schema_version(data / "vikno.sqlite3") == SCHEMA_VERSION  # every migration, however many there are
    finally:
        proc.terminate()
        proc.wait(20)
    assert "migrated the SQLite store to schema 2" in proc.stderr.read()
    assert schema_version(tmp_path / "before" / "vikno.sqlite3") == 1  # the backup is the old store, untouched

    again = subprocess.run(
        [sys.executable, "-m", "vikno.bots", "store", "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0 and "up to date" in again.stdout
