"""The figures stay exact however the rows arrive; on SQLite the per-day tallies equal a recount of the raw rows.

The embedded store sums tallies kept by triggers (storage/sqlite/tallies.py)
instead of counting a month of rows. Here the generated traffic is written
as the engine writes it, a turn at a time, with each turn's conflict and
platform retry (which must add nothing), and by ``insert_records`` twice;
the figures must still equal the independent reading of the definitions
(tests/storage/test_figures.py ``expected``) on both adapters, in a zone
whose days begin mid-hour, and the tallies must equal a count of the rows
themselves, also after rows are deleted or changed and after a migration
fills them from rows stored before.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.storage.test_figures import _compare, expected, spec
from vikno.bots.demo_traffic import Batch, generate
from vikno.storage.errors import Conflict, Duplicate
from vikno.storage.figures import Period
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import FILENAME, SqliteStore

FIRST = date(2026, 3, 27)  # Kyiv moves its clocks on the 29th
DAYS = 4
#: Kathmandu is 5:45 ahead of UTC: its days begin and end mid-hour, in the tallies' partial days
PERIODS = [
    Period("line1620", FIRST, FIRST + timedelta(days=DAYS - 1), "Europe/Kyiv"),
    Period("line1620", FIRST + timedelta(days=1), FIRST + timedelta(days=2), "Asia/Kathmandu"),
    Period("line1620", FIRST + timedelta(days=1), FIRST + timedelta(days=1), "Asia/Kathmandu", channel="telegram"),
]


def _traffic(per_day: int) -> Batch:
    records = Batch()
    for batch in generate(dataclasses.replace(spec(per_day), seed=7), FIRST - timedelta(days=1), DAYS + 2):
        records.extend(batch)
    return records


def _turns(messages: list[Message]) -> list[tuple[Message | None, list[Message]]]:
    """A conversation's messages as the engine's turns: an inbound and what followed it until the next one."""
    turns: list[tuple[Message | None, list[Message]]] = []
    for m in sorted(messages, key=lambda m: m.seq):
        if m.direction == "in":
            turns.append((dataclasses.replace(m, handled=False), []))  # as a channel hands it to the engine
        elif turns:
            turns[-1][1].append(m)
        else:
            turns.append((None, [m]))
    return turns


async def _write_as_turns(store: Store, records: Batch) -> None:
    """Every conversation a turn at a time; each turn first conflicts, then commits, then is retried."""
    messages: dict[str, list[Message]] = {}
    for m in records.messages:
        messages.setdefault(m.conversation_id, []).append(m)
    events: dict[str | None, list[Event]] = {}
    for e in records.events:
        events.setdefault(e.conversation_id, []).append(e)
    await store.insert_records(records.conversations, [], events.pop(None, []))
    for c in records.conversations:
        conv = await store.conversations.get(c.id)
        assert conv is not None
        left = list(events.get(c.id, []))
        for n, (inbound, replies) in enumerate(_turns(messages.get(c.id, []))):
            turn_events = left if n == 0 else []  # the conversation's events ride on its first turn
            stale = dataclasses.replace(conv, version=conv.version + 7)
            with pytest.raises(Conflict):  # undone whole: its inbound, replies and events count nowhere
                await store.commit_turn(stale, inbound, replies, turn_events)
            await store.commit_turn(conv, inbound, replies, turn_events)
            if inbound is not None:
                with pytest.raises(Duplicate):  # the platform sends it again
                    await store.commit_turn(conv, inbound, replies, turn_events)
            else:  # written again as a whole: the same rows, stored once
                await store.commit_turn(conv, None, replies, turn_events)


@pytest.fixture
def records(any_store: Store) -> Batch:
    return _traffic(2 if isinstance(any_store, MongoStore) else 25)


async def test_figures_of_traffic_written_turn_by_turn_with_conflicts_and_retries_are_exact(
    any_store: Store, records: Batch
) -> None:
    await _write_as_turns(any_store, records)
    for period in PERIODS:
        wanted = expected(records, period)
        assert wanted["conversations"] > 0 and wanted["messages_in"] > 0, period
        _compare((await any_store.figures(period)).as_json(), wanted)
    if isinstance(any_store, SqliteStore):
        assert _tallies(any_store.path) == _recount(any_store.path)


async def test_figures_of_traffic_inserted_twice_are_exact(any_store: Store, records: Batch) -> None:
    """``insert_records`` (the demo generator's bulk write) run twice: the second run adds nothing."""
    for _ in range(2):
        step = 40 if isinstance(any_store, MongoStore) else 500
        for i in range(0, max(len(records.messages), len(records.events), len(records.conversations)), step):
            await any_store.insert_records(
                records.conversations[i : i + step], records.messages[i : i + step], records.events[i : i + step]
            )
    for period in PERIODS:
        _compare((await any_store.figures(period)).as_json(), expected(records, period))
    if isinstance(any_store, SqliteStore):
        assert _tallies(any_store.path) == _recount(any_store.path)


# --- SQLite: the tallies themselves --------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


_DAY = 86_400_000


def _recount(path: Path) -> dict[str, Counter]:
    """The tallies' contents counted from the raw rows, written out independently of tallies.py."""
    conn = _connect(path)
    try:
        messages = Counter(
            {
                row[:-1]: row[-1]
                for row in conn.execute(
                    f"SELECT helpline, created_at / {_DAY}, channel, direction, count(*) FROM messages "
                    "WHERE direction IN ('in', 'out') GROUP BY 1, 2, 3, 4"
                )
            }
        )
        events: Counter = Counter()
        for helpline, at, kind, channel, data in conn.execute("SELECT helpline, at, kind, channel, data FROM events"):
            fields = json.loads(data)
            operator = fields.get("operator") if kind in ("claimed", "operator_reply", "closed") else None
            category, outcome = (fields.get("category"), fields.get("outcome")) if kind == "closed" else (None, None)
            events[(helpline, at // _DAY, kind, channel, operator, category, outcome)] += 1
        conversations = Counter(
            {
                row[:-2]: row[-2:]
                for row in conn.execute(
                    f"SELECT helpline, at / {_DAY}, conversation_id, channel, min(at), "
                    "max(printf('%015d', at) || coalesce(language, '')) FROM events "
                    "WHERE conversation_id IS NOT NULL GROUP BY 1, 2, 3, 4"
                )
            }
        )
        values = Counter()
        for row in conn.execute("SELECT helpline, kind, at, id, channel, conversation_id, topic, data FROM events"):
            kind, data = row[1], json.loads(row[-1])
            if kind == "claimed":
                values[(*row[:6], data.get("wait_seconds"), None)] += 1
            elif kind == "operator_reply" and data.get("first") is True:
                values[(*row[:6], data.get("first_response_seconds"), None)] += 1
            elif kind == "topic_answered":
                values[(*row[:6], row[6], None)] += 1
            elif kind == "profile_answered":
                values[(*row[:6], data.get("age_group"), data.get("gender"))] += 1
        return {"messages": messages, "events": events, "conversations": conversations, "values": values}
    finally:
        conn.close()


def _tallies(path: Path) -> dict[str, Counter]:
    conn = _connect(path)
    none = "X''"
    try:
        return {
            "messages": Counter(
                {
                    row[:-1]: row[-1]
                    for row in conn.execute("SELECT helpline, day, channel, direction, n FROM figures_message_days")
                }
            ),
            "events": Counter(
                {
                    row[:-1]: row[-1]
                    for row in conn.execute(
                        f"SELECT helpline, day, kind, nullif(channel, {none}), nullif(operator, {none}), "
                        f"nullif(category, {none}), nullif(outcome, {none}), n FROM figures_event_days"
                    )
                }
            ),
            "conversations": Counter(
                {
                    row[:-2]: row[-2:]
                    for row in conn.execute(
                        f"SELECT helpline, day, conversation_id, nullif(channel, {none}), first_at, last_key "
                        "FROM figures_conversation_days"
                    )
                }
            ),
            "values": Counter(
                conn.execute(
                    "SELECT helpline, kind, at, id, channel, conversation_id, a, b FROM figures_event_values"
                ).fetchall()
            ),
        }
    finally:
        conn.close()


async def _stored(tmp_path: Path, per_day: int = 20) -> tuple[SqliteStore, Batch]:
    store = SqliteStore(tmp_path / "data", writer="thread")
    await store.open()
    records = _traffic(per_day)
    await store.insert_records(records.conversations, records.messages, records.events)
    return store, records


async def test_sqlite_tallies_follow_rows_deleted_and_changed(tmp_path: Path) -> None:
    """Nothing deletes or changes these rows today; erasure will, and the tallies must not drift then."""
    store, records = await _stored(tmp_path)
    await store.close()
    path = tmp_path / "data" / FILENAME
    conn = _connect(path)
    try:
        conn.execute("DELETE FROM messages WHERE rowid % 7 = 0")
        conn.execute("DELETE FROM events WHERE rowid % 5 = 0")
        conn.execute("UPDATE events SET at = at + 3600000, language = 'az' WHERE rowid % 11 = 0")
        conn.execute(
            "UPDATE events SET data = json_set(data, '$.operator', 'op-z', '$.first', json('false')) "
            "WHERE kind IN ('claimed', 'operator_reply', 'closed') AND rowid % 3 = 0"
        )
        conn.execute("UPDATE messages SET direction = 'internal' WHERE rowid % 13 = 0")
        conn.execute("UPDATE messages SET created_at = created_at - 86400000 WHERE rowid % 17 = 0")
        assert conn.execute("SELECT count(*) FROM figures_event_days WHERE operator = 'op-z'").fetchone()[0] > 0
    finally:
        conn.close()
    assert _tallies(path) == _recount(path)


async def test_sqlite_a_turn_undone_by_a_failure_leaves_the_tallies_as_they_were(tmp_path: Path) -> None:
    """The turn's inbound goes in before the conversation is found changed meanwhile: the whole turn is
    undone, and with it what the triggers added for its rows."""
    store, _ = await _stored(tmp_path, per_day=3)
    before = _tallies(store.path)
    c = await store.conversations.create(Conversation(helpline="line1620", channel="viber", user_key="u-1"))
    m = Message(
        conversation_id=c.id, helpline="line1620", channel="viber", direction="in", sender="user", text="допоможіть"
    )
    stale = dataclasses.replace(c, version=c.version + 1)
    with pytest.raises(Conflict):
        await store.commit_turn(
            stale,
            m,
            [],
            [
                Event(
                    helpline="line1620",
                    kind="claimed",
                    conversation_id=c.id,
                    channel="viber",
                    data={"operator": "op-a", "wait_seconds": 5},
                )
            ],
        )
    assert _tallies(store.path) == before == _recount(store.path)
    await store.close()


async def test_sqlite_a_migration_fills_the_tallies_from_rows_stored_before(tmp_path: Path) -> None:
    """A data folder of schema 7 (no tallies) with a month in it: migration 8 counts what is there."""
    store, records = await _stored(tmp_path)
    await store.close()
    path = tmp_path / "data" / FILENAME
    conn = _connect(path)
    try:
        for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'figures_%' AND type IN ('table', 'trigger')"
        ).fetchall():
            conn.execute(f"DROP {kind} IF EXISTS {name}")
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    finally:
        conn.close()
    again = SqliteStore(tmp_path / "data", writer="thread")
    await again.open()
    try:
        assert [m.split(":")[0] for m in again.migrated][0] == "8"  # and the later ones
        assert _tallies(path) == _recount(path) and sum(_tallies(path)["messages"].values()) > 1000
        _compare((await again.figures(PERIODS[1])).as_json(), expected(records, PERIODS[1]))
    finally:
        await again.close()


async def test_sqlite_a_database_told_it_is_older_gets_its_tallies_counted_again(tmp_path: Path) -> None:
    """A restored backup's meta row can say 7 of a file that has the tallies: migration 8 recounts them."""
    store, _ = await _stored(tmp_path, per_day=5)
    await store.close()
    path = tmp_path / "data" / FILENAME
    conn = _connect(path)
    try:
        conn.execute("UPDATE figures_message_days SET n = n + 5")  # whatever they held
        conn.execute("DELETE FROM figures_event_values")
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    finally:
        conn.close()
    again = SqliteStore(tmp_path / "data", writer="thread")
    await again.open()
    try:
        assert [m.split(":")[0] for m in again.migrated][0] == "8"  # and the later ones
        assert _tallies(path) == _recount(path)
    finally:
        await again.close()
