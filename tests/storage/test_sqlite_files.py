"""What only the embedded store does: its writer (a process or a thread), checkpoints, failed writes."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from vikno.storage.errors import StoreUnavailable
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.sqlite.store import SqliteStore

WRITERS = ["process", "thread"]


async def _turns(store: SqliteStore, count: int) -> None:
    conv = await store.conversations.create(Conversation(helpline="line1620", channel="rest", user_key="k"))
    for n in range(count):
        inbound = Message(
            conversation_id=conv.id,
            helpline="line1620",
            channel="rest",
            direction="in",
            sender="user",
            text=f"повідомлення {n} " * 20,
        )
        await store.commit_turn(conv, inbound, [], [Event(helpline="line1620", kind="message_in")])


def _frames_not_in_database(path: Path) -> int:
    """WAL frames written but not yet copied into the database file."""
    conn = sqlite3.connect(path)
    try:
        _busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return logged - copied


@pytest.mark.parametrize("writer", WRITERS)
async def test_the_checkpointer_copies_the_wal_into_the_database(tmp_path: Path, writer: str) -> None:
    store = SqliteStore(tmp_path, writer=writer)  # type: ignore[arg-type]
    await store.open()
    try:
        size_before = store.path.stat().st_size
        await _turns(store, 60)
        for _ in range(100):  # the checkpointer works on its own thread, at least once a second
            if store.path.stat().st_size > size_before + 20_000:
                break
            await asyncio.sleep(0.05)
        assert store.path.stat().st_size > size_before + 20_000  # ~60 messages of ~400 bytes moved in
        assert await store.messages.count() == 60  # and every acknowledged turn is there
    finally:
        await store.close()
    assert _frames_not_in_database(store.path) == 0  # closing leaves nothing behind in the WAL


def insert_then(conn: sqlite3.Connection, key: str, fail: bool) -> str:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (key,))
    if fail:
        raise ValueError(key)
    return key


@pytest.mark.parametrize("writer", WRITERS)
async def test_a_failing_write_leaves_nothing_and_spares_the_others(tmp_path: Path, writer: str) -> None:
    """Alone in its transaction or grouped with others, a write that fails half-way is undone entirely."""
    store = SqliteStore(tmp_path, writer=writer)  # type: ignore[arg-type]
    await store.open()
    db = store._db
    try:
        with pytest.raises(ValueError):
            await db.run(insert_then, "alone", True)
        results = await asyncio.gather(
            db.run(insert_then, "a", False),
            db.run(insert_then, "b", True),
            db.run(insert_then, "c", False),
            return_exceptions=True,
        )
        assert results[0] == "a" and isinstance(results[1], ValueError) and results[2] == "c"
        keys = await db.read(lambda conn: {r[0] for r in conn.execute("SELECT key FROM meta")})
        assert {"a", "c"} <= keys and not {"alone", "b"} & keys
    finally:
        await store.close()


async def test_history_survives_reopening(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    await store.open()
    await _turns(store, 40)
    await store.close()
    again = SqliteStore(tmp_path, writer="thread")  # either writer reads what the other wrote
    await again.open()
    try:
        assert await again.messages.count() == 40
    finally:
        await again.close()


async def test_a_dead_writer_process_is_replaced_and_what_it_acknowledged_stays(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    await store.open()
    try:
        await _turns(store, 5)
        process = store._db._process._process  # type: ignore[union-attr]
        os.kill(process.pid, signal.SIGKILL)
        await asyncio.to_thread(process.join, 10)
        outcomes = []
        for _ in range(20):  # a write in flight fails unacknowledged; the next ones go to a new writer
            try:
                await store.events.add(Event(helpline="line1620", kind="message_in"))
                outcomes.append("ok")
            except StoreUnavailable:
                outcomes.append("unavailable")
            await asyncio.sleep(0.02)
        assert outcomes[-1] == "ok" and outcomes.count("unavailable") <= 1
        assert store._db._process._process.pid != process.pid  # type: ignore[union-attr]
        assert await store.ping() is True
        assert await store.messages.count() == 5
    finally:
        await store.close()


async def test_without_a_writer_process_the_store_writes_from_a_thread(tmp_path: Path, monkeypatch) -> None:
    from vikno.storage.sqlite import writer_process

    async def cannot_start(self) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(writer_process.ProcessWriter, "open", cannot_start)
    store = SqliteStore(tmp_path)
    await store.open()
    try:
        assert store._db.writer_kind == "thread"
        await _turns(store, 3)
        assert await store.messages.count() == 3
    finally:
        await store.close()


def returns_a_row(conn: sqlite3.Connection) -> object:
    return conn.execute("SELECT 1 AS one").fetchone()  # a sqlite3.Row cannot be pickled


async def test_what_cannot_cross_to_or_from_the_writer_process_fails_alone(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path)
    await store.open()
    db = store._db
    try:
        results = await asyncio.gather(
            db.run(insert_then, "kept", False),
            db.run(insert_then, lambda: 0, False),
            db.run(returns_a_row),
            return_exceptions=True,
        )
        assert results[0] == "kept"
        assert isinstance(results[1], TypeError)  # its arguments could not be sent
        assert isinstance(results[2], StoreUnavailable) and "could not be sent back" in str(results[2])
        assert await store.ping() is True  # and the writer carries on
    finally:
        await store.close()
