"""A damaged or full store is said plainly (issue 20 item 17).

A damaged database file stops the start with what to do; a store whose
writes fail (a full disk) makes channels answer 503 with Retry-After, not
500, and ``/healthz`` says so although the database still answers a ping.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.keys import STORE
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.errors import StoreDamaged
from vikno.storage.models import Conversation, Message
from vikno.storage.sqlite.store import FILENAME, SqliteStore

from ..support import free_port


async def _database_with_history(data: Path) -> Path:
    store = SqliteStore(data)
    await store.open()
    conv = await store.conversations.create(Conversation(helpline="community-1620", channel="rest", user_key="k"))
    for n in range(200):
        await store.messages.add_inbound(
            Message(
                conversation_id=conv.id,
                helpline="community-1620",
                channel="rest",
                direction="in",
                sender="user",
                text=f"повідомлення {n} " * 30,
            )
        )
    await store.close()
    return store.path


def _damage(path: Path) -> None:
    """Overwrite the middle of the file (b-tree pages of the messages) with garbage: two pages at least."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(b"\xa5" * 12288)


@pytest.mark.parametrize("writer", ["process", "thread"])
async def test_a_damaged_database_stops_the_open_with_what_to_do(tmp_path: Path, writer: str) -> None:
    path = await _database_with_history(tmp_path / "data")
    _damage(path)
    store = SqliteStore(tmp_path / "data", writer=writer)  # type: ignore[arg-type]
    with pytest.raises(StoreDamaged) as caught:
        await store.open()
    await store.close()
    why = str(caught.value)
    assert str(path) in why and "damaged" in why and "backup" in why and "\n" not in why


async def test_a_file_that_is_no_database_stops_the_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / FILENAME).write_bytes(b"not a database, a photo perhaps " * 512)
    store = SqliteStore(data)
    with pytest.raises(StoreDamaged, match="damaged"):
        await store.open()
    await store.close()


def test_serve_refuses_a_damaged_database_in_one_line(tmp_path: Path) -> None:
    import asyncio

    path = asyncio.run(_database_with_history(tmp_path / "data"))
    _damage(path)
    env = {**os.environ, "VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"}
    env.pop("MONGODB_URI", None)
    proc = subprocess.run(
        [sys.executable, "-m", "vikno.bots", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    where, *said = [line for line in proc.stderr.splitlines() if line.startswith("vikno:")]
    assert where.startswith("vikno: data folder ")  # every command names its data first (issue 25)
    assert len(said) == 1 and "is damaged" in said[0] and "restore the last backup" in said[0], proc.stderr
    assert "Traceback" not in proc.stderr


def limit_pages(conn: sqlite3.Connection, pages: int | None) -> int:
    """The writer's database may not grow past ``pages`` (None: as now): a full disk, for this connection."""
    if pages is None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    return conn.execute(f"PRAGMA max_page_count = {int(pages)}").fetchone()[0]


async def test_a_full_disk_is_503_with_retry_after_and_healthz_says_so(tmp_path: Path) -> None:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    client = TestClient(TestServer(build_app(settings, load_helplines(shipped_helpline_folders()))))
    await client.start_server()
    try:
        say = "/api/v1/conversations/anna-full-disk/messages"
        first = await client.post(say, json={"text": "привіт"})
        assert first.status == 200
        token = {"Authorization": f"Bearer {(await first.json())['token']}"}
        assert (await client.get("/healthz")).status == 200
        store = client.app[STORE]
        await store._db.run(limit_pages, None)  # the disk is full from now on
        statuses = []
        for n in range(5):  # the first may still fit in a page's free space; long texts need new pages
            resp = await client.post(say, json={"text": f"{n} " + "я" * 4000}, headers=token)
            statuses.append(resp.status)
            if resp.status == 503:
                break
        assert statuses[-1] == 503 and 500 not in statuses, statuses
        assert resp.headers["Retry-After"] and (await resp.json())["error"] == "store_unavailable"
        health = await client.get("/healthz")
        body = await health.json()
        assert health.status == 503 and body["reachable"] is True and body["writes"] == "failing", body
        await store._db.run(limit_pages, 1_000_000)  # space again
        assert (await client.post(say, json={"text": "знову я"}, headers=token)).status == 200
        health = await client.get("/healthz")
        assert health.status == 200 and (await health.json())["writes"] == "ok"
    finally:
        await client.close()


async def test_a_page_damaged_while_running_is_503_not_500(tmp_path: Path) -> None:
    """``database disk image is malformed`` on a read (REST GET) is the store failing: 503, retry."""
    settings = load_settings(
        environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none", "VIKNO_RATE_LIMITS": "off"}
    )  # 40 quick messages of one person
    client = TestClient(TestServer(build_app(settings, load_helplines(shipped_helpline_folders()))))
    await client.start_server()
    try:
        token: dict[str, str] = {}
        for n in range(40):
            resp = await client.post(
                "/api/v1/conversations/anna-damaged/messages", json={"text": f"{n} " * 300}, headers=token
            )
            assert resp.status == 200, await resp.text()
            if not token:
                token = {"Authorization": f"Bearer {(await resp.json())['token']}"}
        path = client.app[STORE].path
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, where the damage goes
        conn.close()
        with open(path, "r+b") as f:  # every page but the schema's: the history cannot be read
            f.seek(4096)
            f.write(b"\xff" * (path.stat().st_size - 4096))
        resp = await client.get("/api/v1/conversations/anna-damaged?limit=1000", headers=token)
        assert resp.status == 503, await resp.text()
        assert resp.headers["Retry-After"] and (await resp.json())["error"] == "store_unavailable"
    finally:
        await client.close()


async def test_a_page_damaged_while_running_makes_healthz_503(tmp_path: Path) -> None:
    """The reads fail before any write, and the file still answers a ping: /healthz must learn of it
    from the reads, or a load balancer keeps sending people to a store that refuses every message."""
    settings = load_settings(
        environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none", "VIKNO_RATE_LIMITS": "off"}
    )
    client = TestClient(TestServer(build_app(settings, load_helplines(shipped_helpline_folders()))))
    await client.start_server()
    try:
        token: dict[str, str] = {}
        for n in range(40):
            resp = await client.post(
                "/api/v1/conversations/anna-damaged/messages", json={"text": f"{n} " * 300}, headers=token
            )
            assert resp.status == 200, await resp.text()
            if not token:
                token = {"Authorization": f"Bearer {(await resp.json())['token']}"}
        assert (await client.get("/healthz")).status == 200
        path = client.app[STORE].path
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        with open(path, "r+b") as f:
            f.seek(4096)
            f.write(b"\xff" * (path.stat().st_size - 4096))
        resp = await client.get("/api/v1/conversations/anna-damaged?limit=1000", headers=token)
        assert resp.status == 503, await resp.text()
        health = await client.get("/healthz")
        body = await health.json()
        assert health.status == 503 and body["status"] == "unavailable" and body["reads"] == "failing", body
        assert health.headers["Retry-After"]
    finally:
        await client.close()
