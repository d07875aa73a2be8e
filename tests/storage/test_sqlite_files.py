"""What only the embedded store does with its files: WAL checkpoints off the commit path."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from vikno.storage.models import Conversation, Event, Message
from vikno.storage.sqlite import db as sqlite_db
from vikno.storage.sqlite.store import SqliteStore


async def _turns(store: SqliteStore, count: int) -> None:
    conv = await store.conversations.create(Conversation(helpline="line1620", channel="rest", user_key="k"))
    for n in range(count):
        inbound = Message(conversation_id=conv.id, helpline="line1620", channel="rest", direction="in",
                          sender="user", text=f"повідомлення {n} " * 20)
        await store.commit_turn(conv, inbound, [], [Event(helpline="line1620", kind="message_in")])


def _frames_not_in_database(path: Path) -> int:
    """WAL frames written but not yet copied into the database file (a PASSIVE no-op check)."""
    conn = sqlite3.connect(path)
    try:
        _busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return logged - copied


async def test_the_checkpointer_copies_the_wal_into_the_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sqlite_db, "_CHECKPOINT_EVERY_COMMITS", 20)
    store = SqliteStore(tmp_path)
    await store.open()
    try:
        size_before = store.path.stat().st_size
        await _turns(store, 60)
        for _ in range(50):  # the checkpointer works on its own thread
            if store.path.stat().st_size > size_before + 20_000:
                break
            await asyncio.sleep(0.05)
        assert store.path.stat().st_size > size_before + 20_000  # ~60 messages of ~400 bytes moved in
        # and the writer never waited for it: every turn was acknowledged and is readable
        assert await store.messages.count() == 60
    finally:
        await store.close()
    assert _frames_not_in_database(store.path) == 0  # closing leaves nothing behind in the WAL


async def test_history_survives_reopening_after_checkpoints(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sqlite_db, "_CHECKPOINT_EVERY_COMMITS", 5)
    store = SqliteStore(tmp_path)
    await store.open()
    await _turns(store, 40)
    await store.close()
    again = SqliteStore(tmp_path)
    await again.open()
    try:
        assert await again.messages.count() == 40
    finally:
        await again.close()


async def test_a_failing_write_leaves_nothing_and_spares_the_others(tmp_path: Path) -> None:
    """Alone in its transaction or grouped with others, a job that fails half-way is undone entirely."""
    store = SqliteStore(tmp_path)
    await store.open()
    db = store._db

    def insert_then(fail: bool, key: str):
        def job(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (key,))
            if fail:
                raise ValueError(key)
            return key
        return job

    try:
        with pytest.raises(ValueError):
            await db.run(insert_then(True, "alone"))
        results = await asyncio.gather(db.run(insert_then(False, "a")), db.run(insert_then(True, "b")),
                                       db.run(insert_then(False, "c")), return_exceptions=True)
        assert results[0] == "a" and isinstance(results[1], ValueError) and results[2] == "c"
        keys = await db.read(lambda conn: {r[0] for r in conn.execute("SELECT key FROM meta")})
        assert {"a", "c"} <= keys and not {"alone", "b"} & keys
    finally:
        await store.close()
