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


async def test_lease_takes_due_messages_oldest_first_and_only_once(any_store: Store) -> None:
    await put(any_store, *(out(f"m{i}") for i in range(5)), out("viber", channel="viber"),
              Message(conversation_id="c1", helpline="l1620", channel="telegram", direction="out",
                      sender="bot", text="not for pushing"))
    now = utcnow()
    first = await any_store.messages.lease_pending("telegram", now, LEASE, 3)
    assert [m.text for m in first] == ["m0", "m1", "m2"] and all(m.attempts == 1 for m in first)
    second = await any_store.messages.lease_pending("telegram", now, LEASE, 10)
    assert [m.text for m in second] == ["m3", "m4"]
    assert await any_store.messages.lease_pending("telegram", now, LEASE, 10) == []
    assert await any_store.messages.count_pending("telegram") == 5
    assert await any_store.messages.count_pending() == 6


async def test_concurrent_senders_never_share_a_message(any_store: Store) -> None:
    await put(any_store, *(out(f"m{i}") for i in range(30)))
    now = utcnow()
    batches = await asyncio.gather(*(any_store.messages.lease_pending("telegram", now, LEASE, 4) for _ in range(10)))
    ids = [m.id for batch in batches for m in batch]
    assert len(ids) == len(set(ids)) == 30


async def test_a_lease_that_runs_out_is_taken_again(any_store: Store) -> None:
    await put(any_store, out("crashed mid-send"))
    now = utcnow()
    (m,) = await any_store.messages.lease_pending("telegram", now, LEASE, 1)
    assert await any_store.messages.lease_pending("telegram", now + LEASE / 2, LEASE, 1) == []
    (again,) = await any_store.messages.lease_pending("telegram", now + LEASE, LEASE, 1)
    assert again.id == m.id and again.attempts == 2


async def test_sent_failed_and_retry_later(any_store: Store) -> None:
    await put(any_store, out("a"), out("b"), out("c"))
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
    (first,) = await any_store.messages.lease_pending("telegram", now, LEASE, 1)
    await any_store.messages.retry_at(first.id, now + timedelta(seconds=10))
    due = await any_store.messages.lease_pending("telegram", now, LEASE, 5)
    assert [m.text for m in due] == ["other chat"]
    later = await any_store.messages.lease_pending("telegram", now + timedelta(seconds=10), LEASE, 5)
    assert [m.text for m in later] == ["first", "second"]
