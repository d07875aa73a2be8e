"""The data folder is private (issue 20 item 8): the folder 0700, every file in it 0600.

Checked with ``os.stat`` on what a running vikno leaves there (the SQLite
database, its -wal and -shm, the secret key), for a fresh folder and for one
an older vikno left readable by everyone.
"""

from __future__ import annotations

import os
import stat
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.identity import SECRET_FILENAME, load_or_create_secret
from vikno.storage.sqlite.store import FILENAME


@pytest.fixture(autouse=True)
def lax_umask() -> Iterator[None]:
    """The usual umask, under which files are created readable by everyone unless asked otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return found


async def _serve_one_message(data: Path) -> dict[str, int]:
    """Run vikno on ``data``, have a person write, and look at the folder while it runs."""
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(data), "VIKNO_NLU": "none"})
    client = TestClient(TestServer(build_app(settings, load_helplines(shipped_helpline_folders()))))
    await client.start_server()
    try:
        resp = await client.post("/api/v1/conversations/anna-file-modes/messages", json={"text": "привіт"})
        assert resp.status == 200, await resp.text()
        return modes(data)
    finally:
        await client.close()


async def test_a_new_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    found = await _serve_one_message(data)
    for name in (SECRET_FILENAME, FILENAME, FILENAME + "-wal", FILENAME + "-shm"):
        assert name in found, found
    assert found == {name: 0o700 if name == "." else 0o600 for name in found}


async def test_an_existing_loose_data_folder_is_tightened_on_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    load_or_create_secret(data, None)
    (data / SECRET_FILENAME).chmod(0o644)
    conn = sqlite3.connect(data / FILENAME)  # a database an older vikno made under umask 022
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE leftover (x)")
    (data / "nlu").mkdir(mode=0o755)
    (data / "nlu" / "model.pkl").write_bytes(b"old model")
    os.chmod(data / "nlu", 0o755)
    os.chmod(data, 0o755)
    assert modes(data)[FILENAME] == 0o644 and modes(data)[FILENAME + "-wal"] == 0o644
    found = await _serve_one_message(data)
    conn.close()
    assert found[SECRET_FILENAME] == 0o600 and found[FILENAME] == 0o600
    assert found[FILENAME + "-wal"] == 0o600 and found[FILENAME + "-shm"] == 0o600
    assert found == {name: 0o700 if name in (".", "nlu") else 0o600 for name in found}
