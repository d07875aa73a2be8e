"""Contract: one dialogue step is recorded whole, or not at all."""

from __future__ import annotations

import pytest

from vikno.storage.errors import Conflict, Duplicate
from vikno.storage.models import Conversation, Event, Message
from vikno.storage.port import Store


async def _setup(store: Store) -> tuple[Conversation, Message]:
    c = await store.conversations.create(Conversation(helpline="l1620", channel="rest", user_key="u"))
    m, _ = await store.messages.add_inbound(
        Message(conversation_id=c.id, helpline="l1620", channel="rest", direction="in", sender="user", text="hi")
    )
    return c, m


def _reply(c: Conversation, m: Message, n: int) -> Message:
    return Message(
        id=f"{m.id}:{n}",
        conversation_id=c.id,
        helpline="l1620",
        channel="rest",
        direction="out",
        sender="bot",
        text=f"reply {n}",
        reply_to=m.id,
    )


async def test_commit_turn_writes_everything(any_store: Store) -> None:
    c, m = await _setup(any_store)
    c.step = "menu"
    await any_store.commit_turn(
        c, m, [_reply(c, m, 0), _reply(c, m, 1)], [Event(helpline="l1620", kind="greeted", conversation_id=c.id)]
    )
    assert c.version == 1
    assert (await any_store.conversations.get(c.id)).step == "menu"
    assert [r.text for r in await any_store.messages.replies_to(m.id)] == ["reply 0", "reply 1"]
    assert (await any_store.messages.get(m.id)).handled
    assert await any_store.events.count_by("kind") == {"greeted": 1}


async def test_conflicting_turn_writes_nothing(any_store: Store) -> None:
    c, m = await _setup(any_store)
    stale = await any_store.conversations.get(c.id)
    await any_store.conversations.save(c)
    stale.step = "stale"
    with pytest.raises(Conflict):
        await any_store.commit_turn(stale, m, [_reply(stale, m, 0)], [Event(helpline="l1620", kind="x")])
    assert stale.version == 0
    assert await any_store.messages.replies_to(m.id) == []
    assert not (await any_store.messages.get(m.id)).handled
    assert await any_store.events.count_by("kind") == {}


async def test_a_handled_message_cannot_be_committed_twice(any_store: Store) -> None:
    c, m = await _setup(any_store)
    await any_store.commit_turn(c, m, [_reply(c, m, 0)], [])
    with pytest.raises(Duplicate) as info:
        await any_store.commit_turn(c, m, [_reply(c, m, 0)], [])
    assert info.value.existing.id == m.id and info.value.existing.handled
    assert len(await any_store.messages.replies_to(m.id)) == 1


async def test_a_platform_retry_of_a_new_message_is_a_duplicate(any_store: Store) -> None:
    c = await any_store.conversations.create(Conversation(helpline="l1620", channel="telegram", user_key="u"))
    first = Message(
        conversation_id=c.id,
        helpline="l1620",
        channel="telegram",
        direction="in",
        sender="user",
        text="hi",
        platform_id="42:7",
    )
    await any_store.commit_turn(c, first, [_reply(c, first, 0)], [])
    retry = Message(
        conversation_id=c.id,
        helpline="l1620",
        channel="telegram",
        direction="in",
        sender="user",
        text="hi",
        platform_id="42:7",
    )
    with pytest.raises(Duplicate) as info:
        await any_store.commit_turn(c, retry, [_reply(c, retry, 0)], [])
    assert info.value.existing.id == first.id
    assert await any_store.messages.by_platform_id("telegram", "42:7") == await any_store.messages.get(first.id)
    assert await any_store.messages.count(c.id) == 2


async def test_a_turn_retried_after_a_conflict_completes_once(any_store: Store) -> None:
    c = await any_store.conversations.create(Conversation(helpline="l1620", channel="rest", user_key="u"))
    m = Message(conversation_id=c.id, helpline="l1620", channel="rest", direction="in", sender="user", text="hi")
    stale = await any_store.conversations.get(c.id)
    await any_store.conversations.save(c)
    with pytest.raises(Conflict):
        await any_store.commit_turn(stale, m, [_reply(stale, m, 0)], [])
    fresh = await any_store.conversations.get(c.id)
    await any_store.commit_turn(fresh, m, [_reply(fresh, m, 0)], [])
    assert (await any_store.messages.get(m.id)).handled
    assert len(await any_store.messages.replies_to(m.id)) == 1
