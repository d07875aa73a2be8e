"""Contract: outgoing messages are a durable outbox, leased atomically."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from vikno.storage.models import Message, utcnow
from vikno.storage.port import Store

LEASE = timedelta(seconds=30)


def out(text: str, channel: str = "telegram", conversation: str = "c1", **kw) -> Message:
    return Message(conversation_id=conversation, helpline="l1620", channel=channel, direction="out",
                   sender="bot", text=text, delivery="pending", **kw)


async def put(store: Store, *messages: Message) -> None:
    for m in messages:
        await store.messages.add_inbound(m)  # the plain insert path; commit_turn is tested too


async def test_lease_takes_whole_conversations_oldest_first_and_only_once(any_store: Store) -> None:
    await put(any_store, out("a0", conversation="a"), out("b0", conversation="b"), out("a1", conversation="a"),
              out("c0", conversation="c"), out("viber", channel="viber"),
              Message(conversation_id="a", helpline="l1620", channel="telegram", direction="out",
                      sender="bot", text="not for pushing"))
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
    (again,) = await any_store.messages.lease_pending("telegram", now + LEASE, LEASE, 1)
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
