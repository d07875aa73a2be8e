"""`vikno store backup` while `vikno serve` runs, and `vikno store restore` into a fresh data folder (issue 25:
"back up the key with the data" was all the README said; no method, no restore)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .test_serve import request, start, wait_health
from ..support import free_port

pytestmark = pytest.mark.slow


def vikno(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "VIKNO_SECRET_KEY")}
    environ |= {"VIKNO_DATA_DIR": str(data), "VIKNO_NLU": "none", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", *args], env=environ, capture_output=True, text=True, timeout=60
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_while_serving_then_restore_into_a_fresh_folder(tmp_path: Path) -> None:
    live, saved, fresh = tmp_path / "live", tmp_path / "backup", tmp_path / "fresh"
    port = free_port()
    proc = start(live, port)
    try:
        wait_health(port, proc)
        status, hello = request(
            port, "POST", "/api/v1/conversations/backup-key-1/messages", {"text": "Привіт", "id": "client-1"}
        )
        assert status == 200
        token = hello["token"]
        request(
            port, "POST", "/api/v1/conversations/backup-key-1/messages", {"button": "menu", "id": "client-2"}, token
        )

        made = vikno(live, "store", "backup", str(saved))  # the server keeps running meanwhile
        assert made.returncode == 0, made.stderr
        assert f"to {saved / 'vikno.sqlite3'}" in made.stdout and "1 conversations" in made.stdout
        assert f"secret key copied to {saved / 'secret.key'}" in made.stdout
        assert sorted(p.name for p in saved.iterdir()) == ["secret.key", "vikno.sqlite3"]  # one file, no -wal
        assert mode(saved) == 0o700 and mode(saved / "vikno.sqlite3") == mode(saved / "secret.key") == 0o600
        assert (saved / "secret.key").read_bytes() == (live / "secret.key").read_bytes()

        refused = vikno(live, "store", "restore", str(saved), "--force")  # never under a running server
        assert refused.returncode == 2 and "in use: stop `vikno serve`" in refused.stderr, refused.stderr
        again = vikno(live, "store", "backup", str(saved))
        assert again.returncode == 2 and "not an empty folder" in again.stderr
    finally:
        proc.terminate()
        proc.wait(20)

    restored = vikno(fresh, "store", "restore", str(saved))
    assert restored.returncode == 0, restored.stderr
    assert f"restored {fresh / 'vikno.sqlite3'}" in restored.stdout and "secret key restored" in restored.stdout
    assert (fresh / "secret.key").read_bytes().strip() == (live / "secret.key").read_bytes().strip()
    assert mode(fresh) == 0o700 and mode(fresh / "vikno.sqlite3") == mode(fresh / "secret.key") == 0o600

    proc = start(fresh, port)
    try:
        wait_health(port, proc)
        status, body = request(port, "GET", "/api/v1/conversations/backup-key-1", token=token)  # key → same token
        assert status == 200, body
        assert [m["text"] for m in body["messages"] if m["direction"] == "in"] == ["Привіт", None]
        # the platform id is stored as a hash keyed with the secret: a retry is still recognised
        status, retry = request(
            port, "POST", "/api/v1/conversations/backup-key-1/messages", {"text": "Привіт", "id": "client-1"}, token
        )
        assert status == 200 and retry["duplicate"] is True
    finally:
        proc.terminate()
        proc.wait(20)

    kept = vikno(fresh, "store", "restore", str(saved))
    assert kept.returncode == 2 and "holds a store already: add --force" in kept.stderr
    forced = vikno(fresh, "store", "restore", str(saved), "--force")
    assert forced.returncode == 0, forced.stderr
    aside = [p.name for p in fresh.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and aside[0].startswith("vikno.sqlite3.before-restore-")  # the replaced one is kept


def _stored_once(data: Path) -> None:
    port = free_port()
    proc = start(data, port)
    try:
        wait_health(port, proc)
        assert request(port, "POST", "/api/v1/conversations/k/messages", {"text": "Привіт"})[0] == 200
    finally:
        proc.terminate()
        proc.wait(20)


def test_restore_refuses_a_backup_it_cannot_read(tmp_path: Path) -> None:
    live, saved = tmp_path / "live", tmp_path / "backup"
    _stored_once(live)
    assert vikno(live, "store", "backup", str(saved)).returncode == 0
    key = (saved / "secret.key").read_text().strip()

    other = vikno(tmp_path / "a", "store", "restore", str(saved), env={"VIKNO_SECRET_KEY": "another-key-" * 3})
    assert other.returncode == 2 and "is not VIKNO_SECRET_KEY" in other.stderr
    (saved / "secret.key").unlink()
    keyless = vikno(tmp_path / "b", "store", "restore", str(saved))
    assert keyless.returncode == 2 and "holds no secret.key and VIKNO_SECRET_KEY is not set" in keyless.stderr
    wrong = vikno(tmp_path / "c", "store", "restore", str(saved), env={"VIKNO_SECRET_KEY": "another-key-" * 3})
    assert wrong.returncode == 2 and "does not open this backup's data" in wrong.stderr
    right = vikno(tmp_path / "d", "store", "restore", str(saved), env={"VIKNO_SECRET_KEY": key})
    assert right.returncode == 0, right.stderr
    assert "it is read with VIKNO_SECRET_KEY" in right.stdout and not (tmp_path / "d" / "secret.key").exists()
    for refused in ("a", "b", "c"):
        assert not (tmp_path / refused / "vikno.sqlite3").exists()

    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(saved / "vikno.sqlite3", broken / "vikno.sqlite3")
    with open(broken / "vikno.sqlite3", "r+b") as f:
        f.seek(0)
        f.write(b"not a database at all, sorry")
    damaged = vikno(tmp_path / "e", "store", "restore", str(broken))
    assert damaged.returncode == 2 and "not a vikno database" in damaged.stderr


def test_restore_refuses_a_backup_of_a_newer_vikno(tmp_path: Path) -> None:
    live, saved = tmp_path / "live", tmp_path / "backup"
    _stored_once(live)
    assert vikno(live, "store", "backup", str(saved)).returncode == 0
    conn = sqlite3.connect(saved / "vikno.sqlite3")
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    done = vikno(tmp_path / "new", "store", "restore", str(saved))
    assert done.returncode == 2 and "written by a newer vikno" in done.stderr
    assert not (tmp_path / "new" / "vikno.sqlite3").exists()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_mongodb_the_commands_name_mongodump_and_the_key(tmp_path: Path, command: str) -> None:
    done = vikno(
        tmp_path / "data",
        "store",
        command,
        str(tmp_path / "out"),
        env={"MONGODB_URI": "mongodb://127.0.0.1:9/vikno", "VIKNO_SECRET_KEY": "k" * 32},
    )
    assert done.returncode == 2
    assert "mongodump" in done.stderr and "mongorestore" in done.stderr and "VIKNO_SECRET_KEY" in done.stderr
    assert not (tmp_path / "out").exists()
