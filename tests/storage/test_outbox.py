"""Contract: outgoing messages are a durable outbox, leased atomically."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from vikno.storage.models import Message, utcnow
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore

LEASE = timedelta(seconds=30)


def out(text: str, channel: str = "telegram", conversation: str = "c1", **kw) -> Message:
    return Message(
        conversation_id=conversation,
        helpline="l1620",
        channel=channel,
        direction="out",
        sender="bot",
        text=text,
        delivery="pending",
        **kw,
    )


async def put(store: Store, *messages: Message) -> None:
    for m in messages:
        await store.messages.add_inbound(m)  # the plain insert path; commit_turn is tested too


async def test_lease_takes_whole_conversations_oldest_first_and_only_once(any_store: Store) -> None:
    await put(
        any_store,
        out("a0", conversation="a"),
        out("b0", conversation="b"),
        out("a1", conversation="a"),
        out("c0", conversation="c"),
        out("viber", channel="viber"),
        Message(
            conversation_id="a",
            helpline="l1620",
            channel="telegram",
            direction="out",
            sender="bot",
            text="not for pushing",
        ),
    )
    now = utcnow()
    first = await any_store.messages.lease_pending("telegram", now, LEASE, 2)
    assert [m.text for m in first] == ["a0", "b0", "a1"] and all(m.attempts == 1 for m in first)
    second = await any_store.messages.lease_pending("telegram", now, LEASE, 10)
    assert [m.text for m in second] == ["c0"]
    assert await any_store.messages.lease_pending("telegram", now, LEASE, 10) == []
    assert await any_store.messages.count_pending("telegram") == 4
    assert await any_store.messages.count_pending() == 5


async def test_concurrent_senders_never_share_or_split_a_conversation(any_store: Store) -> None:
    await put(any_store, *(out(f"m{i}", conversation=f"c{i % 10}") for i in range(30)))
    now = utcnow()
    batches = await asyncio.gather(*(any_store.messages.lease_pending("telegram", now, LEASE, 2) for _ in range(8)))
    ids = [m.id for batch in batches for m in batch]
    assert len(ids) == len(set(ids)) == 30
    holders = {}
    for n, batch in enumerate(batches):
        for m in batch:
            assert holders.setdefault(m.conversation_id, n) == n, "a conversation was split between senders"


async def test_a_later_message_waits_while_an_earlier_one_is_held(any_store: Store) -> None:
    await put(any_store, out("first"))
    now = utcnow()
    (first,) = await any_store.messages.lease_pending("telegram", now, LEASE, 5)
    await put(any_store, out("second"))  # written while the first is being sent elsewhere
    assert await any_store.messages.lease_pending("telegram", now, LEASE, 5) == []
    await any_store.messages.mark_sent(first.id)
    assert [m.text for m in await any_store.messages.lease_pending("telegram", now, LEASE, 5)] == ["second"]


async def test_a_lease_that_runs_out_is_taken_again(any_store: Store) -> None:
    await put(any_store, out("crashed mid-send"))
    now = utcnow()
    (m,) = await any_store.messages.lease_pending("telegram", now, LEASE, 1)
    assert await any_store.messages.lease_pending("telegram", now + LEASE / 2, LEASE, 1) == []
    # a lease runs from when it is written, a moment after ``now`` (a slow store's batch: see below)
    (again,) = await any_store.messages.lease_pending("telegram", now + LEASE + timedelta(seconds=1), LEASE, 1)
    assert again.id == m.id and again.attempts == 2


async def test_sent_failed_and_retry_later(any_store: Store) -> None:
    await put(any_store, out("a", conversation="x"), out("b", conversation="y"), out("c", conversation="z"))
    now = utcnow()
    a, b, c = await any_store.messages.lease_pending("telegram", now, LEASE, 3)
    await any_store.messages.mark_sent(a.id)
    await any_store.messages.mark_failed(b.id)
    await any_store.messages.retry_at(c.id, now + timedelta(seconds=5))
    assert (await any_store.messages.get(a.id)).delivery == "sent"
    assert (await any_store.messages.get(b.id)).delivery == "failed"
    assert await any_store.messages.lease_pending("telegram", now + timedelta(seconds=4), LEASE, 5) == []
    (again,) = await any_store.messages.lease_pending("telegram", now + timedelta(seconds=5), LEASE, 5)
    assert again.id == c.id
    await any_store.messages.retry_at(a.id, now)  # a sent message stays sent
    assert (await any_store.messages.get(a.id)).delivery == "sent"
    assert await any_store.messages.count_pending() == 1


async def test_retry_holds_back_the_rest_of_that_conversation_only(any_store: Store) -> None:
    await put(any_store, out("first"), out("second"), out("other chat", conversation="c2"))
    now = utcnow()
    leased = await any_store.messages.lease_pending("telegram", now, LEASE, 1)
    assert [m.text for m in leased] == ["first", "second"]
    await any_store.messages.retry_at(leased[0].id, now + timedelta(seconds=10))
    await any_store.messages.retry_at(leased[1].id, now + timedelta(seconds=10))
    due = await any_store.messages.lease_pending("telegram", now, LEASE, 5)
    assert [m.text for m in due] == ["other chat"]
    later = await any_store.messages.lease_pending("telegram", now + timedelta(seconds=10), LEASE, 5)
    assert [m.text for m in later] == ["first", "second"]


# --- leases have an owner: little at a time, renewed while sending, given back on a stop, taken over from the dead


def texts(messages: list[Message]) -> list[str]:
    return [m.text or "" for m in messages]


async def test_lease_takes_at_most_a_few_messages_of_each_conversation(any_store: Store, other: Store) -> None:
    await put(any_store, *(out(f"a{i}", conversation="a") for i in range(5)), out("b0", conversation="b"))
    now = utcnow()
    first = await any_store.messages.lease_pending("telegram", now, LEASE, 10, per_conversation=2)
    assert texts(first) == ["a0", "a1", "b0"]
    # the rest of "a" waits behind its leased head: nobody else may take it and overtake
    assert await other.messages.lease_pending("telegram", now, LEASE, 10, per_conversation=2) == []
    for m in first:
        await any_store.messages.mark_sent(m.id)
    assert texts(await other.messages.lease_pending("telegram", now, LEASE, 10, per_conversation=2)) == ["a2", "a3"]


async def test_leases_carry_their_owner_and_a_stop_gives_back_only_its_own(any_store: Store, other: Store) -> None:
    assert any_store.messages.owner != other.messages.owner
    await put(
        any_store, out("mine", conversation="a"), out("mine too", conversation="a"), out("theirs", conversation="b")
    )
    now = utcnow()
    mine = await any_store.messages.lease_pending("telegram", now, LEASE, 1)
    theirs = await other.messages.lease_pending("telegram", now, LEASE, 1)
    assert texts(mine) == ["mine", "mine too"] and texts(theirs) == ["theirs"]
    assert await any_store.messages.leases("telegram", now) == {any_store.messages.owner: 2, other.messages.owner: 1}
    await any_store.messages.mark_sent(mine[0].id)
    assert await any_store.messages.release_leases("telegram") == 1
    again = await other.messages.lease_pending("telegram", now, LEASE, 5)
    assert texts(again) == ["mine too"]
    assert again[0].attempts == 1, "giving a lease back is no attempt to send"
    assert (await any_store.messages.get(mine[0].id)).delivery == "sent"
    assert await any_store.messages.leases("telegram", now) == {other.messages.owner: 2}


async def test_a_renewed_lease_does_not_run_out_while_its_owner_sends(any_store: Store, other: Store) -> None:
    await put(any_store, out("slow to send"), out("postponed", conversation="c2"))
    now = utcnow()
    short = timedelta(seconds=3)
    held, postponed = await any_store.messages.lease_pending("telegram", now, short, 5)
    await any_store.messages.retry_at(postponed.id, now + timedelta(seconds=60))  # no longer leased: left alone
    assert await any_store.messages.renew_leases("telegram", now + timedelta(seconds=10)) == 1
    assert await other.messages.lease_pending("telegram", now + short, short, 5) == []
    (taken,) = await other.messages.lease_pending("telegram", now + timedelta(seconds=10), short, 5)
    assert taken.id == held.id
    assert await any_store.messages.renew_leases("telegram", now + timedelta(seconds=20)) == 0, (
        "a lease someone else took over is not renewed by its former owner"
    )


async def test_leases_of_a_live_owner_are_never_taken_over(any_store: Store, other: Store) -> None:
    await put(any_store, out("in flight"))
    now = utcnow()
    (held,) = await other.messages.lease_pending("telegram", now, LEASE, 5)
    assert await any_store.messages.take_over_leases("telegram") == 0
    assert await any_store.messages.lease_pending("telegram", now, LEASE, 5) == []
    assert (await any_store.messages.get(held.id)).delivery == "pending"


_LEASING_PROCESS = """
import asyncio, sys
from datetime import timedelta
from vikno.storage.models import utcnow

async def main(kind, where, database):
    if kind == "sqlite":
        from pathlib import Path
        from vikno.storage.sqlite.store import SqliteStore
        store = SqliteStore(Path(where), writer="thread")
    else:
        from vikno.storage.mongo.store import MongoStore
        store = MongoStore(where, database, secret=b"the tests' own secret, never a real one")
    await store.open()
    leased = await store.messages.lease_pending("telegram", utcnow(), timedelta(seconds=%(lease)d), 10)
    print(store.messages.owner, *[m.id for m in leased], flush=True)
    await asyncio.sleep(600)  # sending, until killed

asyncio.run(main(*sys.argv[1:]))
"""


def leasing_process(store: Store, mongo_uri: str | None, lease: timedelta) -> subprocess.Popen[str]:
    """Another vikno process that leases the outbox and is then in the middle of sending."""
    code = _LEASING_PROCESS % {"lease": lease.total_seconds()}
    if isinstance(store, SqliteStore):
        args = ["sqlite", str(store.path.parent), ""]
    else:
        assert isinstance(store, MongoStore) and mongo_uri
        args = ["mongo", mongo_uri, store.db.name]
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)


async def test_leases_of_a_killed_process_are_taken_over(any_store: Store, request: pytest.FixtureRequest) -> None:
    await put(any_store, out("a0", conversation="a"), out("a1", conversation="a"), out("b0", conversation="b"))
    mongo_uri = request.getfixturevalue("mongo_uri") if isinstance(any_store, MongoStore) else None
    lease = timedelta(seconds=60)
    child = leasing_process(any_store, mongo_uri, lease)
    try:
        line = await asyncio.to_thread(child.stdout.readline)
        owner, *ids = line.split()
        assert len(ids) == 3, line
        now = utcnow()
        assert await any_store.messages.take_over_leases("telegram") == 0  # alive: hands off
        assert await any_store.messages.leases("telegram", now) == {owner: 3}
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    taken = await any_store.messages.take_over_leases("telegram")
    if any_store.messages.knows_dead_owners:
        # the embedded store knows the process is gone: its leases are free at once
        assert taken == 3
        assert await any_store.messages.leases("telegram", now) == {}
        again = await any_store.messages.lease_pending("telegram", now, LEASE, 10)
    else:
        # MongoDB cannot tell a dead process from a slow one: its lease runs out
        assert taken == 0
        assert await any_store.messages.lease_pending("telegram", now, LEASE, 10) == []
        again = await any_store.messages.lease_pending("telegram", now + lease, LEASE, 10)
    assert texts(again) == ["a0", "a1", "b0"] and sorted(m.id for m in again) == sorted(ids)
    assert all(m.attempts == 2 for m in again), "the dead process may have tried to send them"


async def test_a_store_closed_without_giving_back_its_leases_is_gone(sqlite_store: SqliteStore) -> None:
    await put(sqlite_store, out("left behind"))
    now = utcnow()
    crashed = SqliteStore(sqlite_store.path.parent, writer="thread")
    await crashed.open()
    (held,) = await crashed.messages.lease_pending("telegram", now, LEASE, 5)
    await crashed.close()  # without release_leases: what a crash between lease and send leaves
    assert await sqlite_store.messages.take_over_leases("telegram") == 1
    (again,) = await sqlite_store.messages.lease_pending("telegram", now, LEASE, 5)
    assert again.id == held.id
    assert await sqlite_store.messages.take_over_leases("telegram") == 0


@pytest.mark.mongo
async def test_a_slow_store_s_leases_run_from_when_each_is_written_and_leasing_stops_in_time(
    mongo_store: MongoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leasing a batch on a slow MongoDB (a round trip or more a conversation) took longer than the lease:
    every lease ran from when leasing began, so the first ones had run out before their sends began and
    another sender could take them (a double send). Now each runs from when it is written, and leasing stops
    at half the lease with what it holds. The store's round trips are slowed in the driver, not replaced."""
    for n in range(8):
        await put(mongo_store, out(f"reply {n}", conversation=f"slow-{n}"))
    collection = mongo_store.messages.c
    slow = collection.find_one_and_update

    async def after_a_while(*args, **kwargs):
        await asyncio.sleep(0.15)
        return await slow(*args, **kwargs)

    monkeypatch.setattr(collection, "find_one_and_update", after_a_while)
    now, lease = utcnow(), timedelta(seconds=0.6)
    started = asyncio.get_running_loop().time()
    leased = await mongo_store.messages.lease_pending("telegram", now, lease, 8)
    spent = timedelta(seconds=asyncio.get_running_loop().time() - started)
    assert 1 <= len(leased) < 8, "leasing went on past half the lease"
    held = [m async for m in collection.find({"lease_owner": mongo_store.messages.owner})]
    assert len(held) == len(leased)
    # each lease ends a full lease after leasing began plus the time spent before it was written (MongoDB keeps
    # milliseconds)
    ends = sorted(d["deliver_after"].replace(tzinfo=now.tzinfo) for d in held)
    assert ends[0] >= now + lease - timedelta(milliseconds=1) and ends[-1] - ends[0] >= timedelta(seconds=0.1) * (
        len(held) - 1
    )
    assert ends[-1] <= now + lease + spent + timedelta(seconds=0.05)
