"""Contract: conversations behave the same in every adapter."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.storage.errors import Conflict
from vikno.storage.models import Conversation, State, utcnow
from vikno.storage.port import Store


def conv(user: str = "u1", **kw) -> Conversation:
    return Conversation(helpline="l1620", channel="rest", user_key=user, **kw)


async def test_create_then_get_roundtrips_every_field(any_store: Store) -> None:
    c = conv(language="uk", topic="disability", data={"form": {"age": 7}, "текст": "ї"}, address="enc")
    stored = await any_store.conversations.create(c)
    got = await any_store.conversations.get(c.id)
    assert got == stored == c
    assert got.created_at.tzinfo is not None


async def test_get_unknown_is_none(any_store: Store) -> None:
    assert await any_store.conversations.get("nope") is None
    assert await any_store.conversations.find_by_user("l1620", "rest", "nobody") is None


async def test_same_user_gets_one_conversation_even_when_racing(any_store: Store) -> None:
    results = await asyncio.gather(*(any_store.conversations.create(conv("racer")) for _ in range(8)))
    assert len({r.id for r in results}) == 1
    found = await any_store.conversations.find_by_user("l1620", "rest", "racer")
    assert found is not None and found.id == results[0].id


async def test_same_user_on_other_channel_or_helpline_is_another_conversation(any_store: Store) -> None:
    a = await any_store.conversations.create(conv("x"))
    b = await any_store.conversations.create(Conversation(helpline="l1620", channel="telegram", user_key="x"))
    c = await any_store.conversations.create(Conversation(helpline="l1552", channel="rest", user_key="x"))
    assert len({a.id, b.id, c.id}) == 3


async def test_save_bumps_version_and_rejects_stale_writes(any_store: Store) -> None:
    c = await any_store.conversations.create(conv())
    first = await any_store.conversations.get(c.id)
    second = await any_store.conversations.get(c.id)
    first.topic = "health"
    await any_store.conversations.save(first)
    assert first.version == 1
    second.topic = "legal"
    with pytest.raises(Conflict):
        await any_store.conversations.save(second)
    assert (await any_store.conversations.get(c.id)).topic == "health"


async def test_queue_position_orders_by_priority_then_age(any_store: Store) -> None:
    t0 = utcnow()
    specs = [
        ("old_routine", "routine", 0),
        ("request", "request", 1),
        ("crisis", "crisis", 5),
        ("new_routine", "routine", 3),
        ("report", "urgent_report", 4),
    ]
    made = {}
    for user, priority, offset in specs:
        c = await any_store.conversations.create(conv(user))
        c.state, c.priority, c.enqueued_at = State.WAITING, priority, t0 + timedelta(seconds=offset)
        made[user] = await any_store.conversations.save(c)
    positions = {u: await any_store.conversations.queue_position(c) for u, c in made.items()}
    assert positions == {"crisis": 1, "report": 2, "request": 3, "old_routine": 4, "new_routine": 5}
    assert await any_store.conversations.count_waiting("l1620") == 5
    assert await any_store.conversations.count_waiting("other") == 0
    idle = await any_store.conversations.create(conv("idle"))
    assert await any_store.conversations.queue_position(idle) is None


async def test_of_racing_creates_exactly_one_gets_its_own_conversation_back(any_store: Store) -> None:
    """How a caller knows it started the conversation: the id it gave comes back only to the inserter."""
    given = [conv("first-racer") for _ in range(8)]
    results = await asyncio.gather(*(any_store.conversations.create(c) for c in given))
    assert sum(r.id == c.id for r, c in zip(results, given, strict=True)) == 1
    again = conv("first-racer")
    assert (await any_store.conversations.create(again)).id != again.id
