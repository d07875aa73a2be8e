"""The embedded store's writer: a batch of writes in one transaction, each with its own outcome.

Plain turns of a batch go in a few bulk statements (``_turn.bulk``); these
tests hold that to writing exactly the rows the one-by-one path writes, and
to falling back to one by one, outcome by outcome, whenever a turn of the
batch is not plain (a retry, a conflict, a row the database refuses).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from vikno.storage.errors import Conflict, Duplicate
from vikno.storage.identity import PlatformIds
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.sqlite import conversations
from vikno.storage.sqlite.schema import create_schema
from vikno.storage.sqlite.store import _turn, turn_args
from vikno.storage.sqlite.writer import WriterCore

LINE, CHANNEL = "line1620", "telegram"
IDS = PlatformIds(b"the tests' own secret, never a real one")


@pytest.fixture
def core(tmp_path: Path) -> Iterator[WriterCore]:
    writer = WriterCore(tmp_path / "w.sqlite3", create_schema)
    yield writer
    writer.close()


def _people(core: WriterCore, n: int, prefix: str = "p") -> list[Conversation]:
    convs = [Conversation(helpline=LINE, channel=CHANNEL, user_key=f"{prefix}{i}") for i in range(n)]
    outcomes = core.commit(
        [(conversations._create, (conversations.to_row(c), LINE, CHANNEL, c.user_key)) for c in convs]
    )
    assert all(o.error is None for o in outcomes)
    return [o.result for o in outcomes]


def _turn_args(conv: Conversation, n: int, *, platform_id: str | None = None, replies: int = 2) -> tuple:
    """What SqliteStore.commit_turn sends to the writer for one message; ``conv`` then holds the next version."""
    inbound = Message(
        conversation_id=conv.id,
        helpline=LINE,
        channel=CHANNEL,
        direction="in",
        sender="user",
        text=f"повідомлення {n} 🙂 مرحبا",
        platform_id=platform_id or f"{conv.user_key}:{n}",
    )
    out = [
        Message(
            id=f"{inbound.id}:{k}",
            conversation_id=conv.id,
            helpline=LINE,
            channel=CHANNEL,
            direction="out",
            sender="bot",
            text=f"відповідь {k}",
            reply_to=inbound.id,
            buttons=[{"title": "Меню", "payload": "menu"}],
        )
        for k in range(replies)
    ]
    conv.step = f"step{n}"
    args = turn_args(
        conv, inbound, out, [Event(helpline=LINE, kind="message_in", conversation_id=conv.id, channel=CHANNEL)], IDS
    )
    conv.version += 1  # as commit_turn does once the turn is stored
    return args


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("conversations", "messages", "events")
        }
    finally:
        conn.close()


def _statements(core: WriterCore) -> list[str]:
    seen: list[str] = []
    core.conn.set_trace_callback(seen.append)
    return seen


def test_plain_turns_go_in_bulk_and_write_what_one_by_one_writes(tmp_path: Path) -> None:
    bulk_core = WriterCore(tmp_path / "bulk.sqlite3", create_schema)
    single_core = WriterCore(tmp_path / "single.sqlite3", create_schema)
    try:
        people = _people(bulk_core, 6)
        assert (
            single_core.commit(
                [(conversations._create, (conversations.to_row(c), LINE, CHANNEL, c.user_key)) for c in people]
            )[0].error
            is None
        )
        batch = [(_turn, _turn_args(conv, 1, replies=i % 3)) for i, conv in enumerate(people)]
        statements = _statements(bulk_core)
        outcomes = bulk_core.commit(batch)
        assert [o.error for o in outcomes] == [None] * 6
        assert not any(s.startswith("SAVEPOINT job") for s in statements)  # the bulk path was taken
        for job in batch:  # the same writes, one transaction each
            assert single_core.commit([job])[0].error is None
        assert _rows(bulk_core.path) == _rows(single_core.path)
        assert len(_rows(bulk_core.path)["messages"]) == 6 + sum(i % 3 for i in range(6))
    finally:
        bulk_core.close()
        single_core.close()


def test_a_retry_in_the_batch_fails_alone_and_the_others_are_stored(core: WriterCore) -> None:
    first, second, third = _people(core, 3)
    assert core.commit([(_turn, _turn_args(second, 1, platform_id="tg:77"))])[0].error is None
    version = second.version
    statements = _statements(core)
    outcomes = core.commit(
        [
            (_turn, _turn_args(first, 1)),
            (_turn, _turn_args(second, 2, platform_id="tg:77")),
            (_turn, _turn_args(third, 1)),
        ]
    )
    assert outcomes[0].error is None and outcomes[2].error is None
    assert isinstance(outcomes[1].error, Duplicate)
    assert any(s.startswith("SAVEPOINT job") for s in statements)  # fell back to one by one
    rows = _rows(core.path)
    assert len(rows["messages"]) == 3 * 3  # three inbounds with two replies each; the retry added nothing
    assert len(rows["events"]) == 3
    conn = sqlite3.connect(core.path)
    try:
        assert conn.execute("SELECT version, step FROM conversations WHERE id=?", (second.id,)).fetchone() == (
            version,
            "step1",
        )  # the retry's turn did not touch the conversation
    finally:
        conn.close()


def test_two_turns_of_one_conversation_in_a_batch_conflict_and_only_the_first_is_stored(core: WriterCore) -> None:
    (person,) = _people(core, 1)
    racing = replace(person, data=dict(person.data))  # both read the same version
    outcomes = core.commit([(_turn, _turn_args(person, 1)), (_turn, _turn_args(racing, 2))])
    assert outcomes[0].error is None and isinstance(outcomes[1].error, Conflict)
    rows = _rows(core.path)
    assert len(rows["messages"]) == 3 and len(rows["events"]) == 1


def test_a_row_the_database_refuses_fails_its_turn_alone(core: WriterCore) -> None:
    first, second = _people(core, 2)
    broken = list(_turn_args(second, 1))
    reply = list(broken[2][0])
    reply[1] = None  # seq is NOT NULL
    broken[2] = [tuple(reply)]
    outcomes = core.commit([(_turn, _turn_args(first, 1)), (_turn, tuple(broken))])
    assert outcomes[0].error is None and isinstance(outcomes[1].error, sqlite3.IntegrityError)
    rows = _rows(core.path)
    assert {m[2] for m in rows["messages"]} == {first.id}  # nothing of the refused turn, not even its inbound


def test_other_writes_between_turns_keep_their_order(core: WriterCore) -> None:
    (early,) = _people(core, 1, prefix="early")
    late = Conversation(helpline=LINE, channel=CHANNEL, user_key="late")
    outcomes = core.commit(
        [
            (_turn, _turn_args(early, 1)),
            (conversations._create, (conversations.to_row(late), LINE, CHANNEL, late.user_key)),
            (_turn, _turn_args(late, 1)),  # needs the conversation the write before it created
            (_turn, _turn_args(early, 2)),
        ]
    )
    assert [o.error for o in outcomes] == [None] * 4
    rows = _rows(core.path)
    assert len(rows["messages"]) == 9 and len(rows["events"]) == 3
