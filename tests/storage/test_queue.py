"""Contract: the handoff queue — atomic claims, priority then age, filters."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from vikno.storage.models import Conversation, State, utcnow
from vikno.storage.port import Store


async def waiting(
    store: Store,
    user: str,
    priority: str,
    offset: int,
    *,
    team: str | None = "social",
    language: str | None = "uk",
    helpline: str = "l1620",
) -> Conversation:
    c = await store.conversations.create(Conversation(helpline=helpline, channel="rest", user_key=user))
    c.state, c.priority, c.team, c.language = State.WAITING, priority, team, language
    c.enqueued_at = utcnow() - timedelta(minutes=60) + timedelta(seconds=offset)
    return await store.conversations.save(c)


async def test_claim_next_serves_priority_then_age(any_store: Store) -> None:
    await waiting(any_store, "routine-old", "routine", 0)
    await waiting(any_store, "request", "request", 10)
    await waiting(any_store, "crisis", "crisis", 30)
    await waiting(any_store, "report", "urgent_report", 20)
    await waiting(any_store, "routine-new", "routine", 5)
    order = []
    while (
        c := await any_store.conversations.claim_next(
            "op1", helplines=["l1620"], teams=None, languages=None, now=utcnow()
        )
    ) is not None:
        assert c.state == "with_operator" and c.operator_id == "op1" and c.claimed_at is not None
        order.append(c.user_key)
    assert order == ["crisis", "report", "request", "routine-old", "routine-new"]
    assert sorted(c.user_key for c in await any_store.conversations.assigned_to("op1")) == sorted(order)


async def test_claim_next_respects_helpline_team_and_language(any_store: Store) -> None:
    await waiting(any_store, "other-line", "crisis", 0, helpline="l1552")
    await waiting(any_store, "violence-team", "crisis", 1, team="protection")
    await waiting(any_store, "azeri", "crisis", 2, language="az")
    await waiting(any_store, "no-team", "routine", 3, team=None)
    await waiting(any_store, "social-uk", "request", 4)
    claim = any_store.conversations.claim_next
    got = await claim("op", helplines=["l1620"], teams=["social"], languages=["uk", "en"], now=utcnow())
    assert got.user_key == "social-uk"
    got = await claim("op", helplines=["l1620"], teams=["social"], languages=["uk", "en"], now=utcnow())
    assert got.user_key == "no-team"
    assert await claim("op", helplines=["l1620"], teams=["social"], languages=["uk"], now=utcnow()) is None
    got = await claim("op2", helplines=["l1620"], teams=["protection"], languages=None, now=utcnow())
    assert got.user_key == "violence-team"


async def test_specific_claim_and_waiting_list(any_store: Store) -> None:
    a = await waiting(any_store, "a", "routine", 0)
    b = await waiting(any_store, "b", "crisis", 1)
    assert [c.user_key for c in await any_store.conversations.waiting(["l1620"])] == ["b", "a"]
    got = await any_store.conversations.claim(a.id, "op1", utcnow())
    assert got is not None and got.operator_id == "op1" and got.version == a.version + 1
    assert await any_store.conversations.claim(a.id, "op2", utcnow()) is None
    assert [c.user_key for c in await any_store.conversations.waiting(["l1620"])] == ["b"]
    assert await any_store.conversations.queue_position(b) == 1


async def _claim_all_concurrently(store: Store, conversations: int, claimers: int) -> None:
    for i in range(conversations):
        await waiting(
            store, f"user{i}", ("crisis", "urgent_report", "request", "routine")[i % 4], i, team=None, language=None
        )

    async def claimer(n: int) -> list[str]:
        mine = []
        while (
            c := await store.conversations.claim_next(
                f"op{n}", helplines=["l1620"], teams=None, languages=None, now=utcnow()
            )
        ) is not None:
            mine.append(c.id)
        return mine

    results = await asyncio.gather(*(claimer(n) for n in range(claimers)))
    claimed = Counter(cid for mine in results for cid in mine)
    assert len(claimed) == conversations, "a conversation was lost"
    assert max(claimed.values()) == 1, "a conversation was claimed twice"
    assert await store.conversations.count_waiting("l1620") == 0


async def test_concurrent_claims_never_double_or_lose_embedded(sqlite_store: Store) -> None:
    await _claim_all_concurrently(sqlite_store, conversations=500, claimers=50)


async def test_concurrent_claims_never_double_or_lose_mongo(mongo_store: Store) -> None:
    await _claim_all_concurrently(mongo_store, conversations=60, claimers=12)


async def test_queue_figures_are_counted_in_the_database(any_store: Store) -> None:
    empty = await any_store.conversations.queue_stats(["l1620"])
    assert empty.waiting == 0 and empty.oldest_enqueued_at is None
    first = await waiting(any_store, "a", "crisis", 0)
    await waiting(any_store, "b", "routine", 10)
    await waiting(any_store, "c", "routine", 20)
    await waiting(any_store, "elsewhere", "crisis", -100, helpline="other")
    claimed = await waiting(any_store, "d", "request", 30)
    await any_store.conversations.claim(claimed.id, "op1", utcnow())
    stats = await any_store.conversations.queue_stats(["l1620"])
    assert stats.by_priority == {"crisis": 1, "routine": 2} and stats.waiting == 3
    assert stats.oldest_enqueued_at == first.enqueued_at
    busy = await any_store.conversations.with_operators(["l1620"])
    assert [c.user_key for c in busy] == ["d"]
    assert await any_store.conversations.with_operators(["other"]) == []


# --- capacity: enforced by the claim itself (issue 20, item 12) ------------------------------


async def test_capacity_is_enforced_by_concurrent_claims_of_the_next(any_store: Store) -> None:
    """Five "take next" at once for an operator with room for one chat: exactly one chat."""
    for i in range(6):
        await waiting(any_store, f"user{i}", "request", i, team=None, language=None)
    claims = await asyncio.gather(
        *(
            any_store.conversations.claim_next(
                "op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1
            )
            for _ in range(5)
        )
    )
    assert sum(c is not None for c in claims) == 1
    assert len(await any_store.conversations.assigned_to("op1")) == 1
    assert await any_store.conversations.count_waiting("l1620") == 5
    # at capacity: no more, by either way of claiming
    assert (
        await any_store.conversations.claim_next(
            "op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1
        )
        is None
    )
    some = (await any_store.conversations.waiting(["l1620"]))[0]
    assert await any_store.conversations.claim(some.id, "op1", utcnow(), capacity=1) is None
    # another operator is not affected; without a capacity nothing is limited
    assert await any_store.conversations.claim(some.id, "op2", utcnow(), capacity=1) is not None
    assert (
        await any_store.conversations.claim_next("op1", helplines=["l1620"], teams=None, languages=None, now=utcnow())
        is not None
    )


async def test_capacity_is_enforced_by_concurrent_specific_claims(any_store: Store) -> None:
    ids = [(await waiting(any_store, f"user{i}", "request", i)).id for i in range(5)]
    claims = await asyncio.gather(*(any_store.conversations.claim(cid, "op1", utcnow(), capacity=2) for cid in ids))
    assert sum(c is not None for c in claims) == 2
    assert len(await any_store.conversations.assigned_to("op1")) == 2


async def test_a_chat_that_ends_frees_its_place(any_store: Store) -> None:
    for i in range(3):
        await waiting(any_store, f"user{i}", "request", i)
    claim = any_store.conversations.claim_next
    first = await claim("op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1)
    assert first is not None
    assert await claim("op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1) is None
    first.state, first.operator_id = State.CLOSED, None  # closed (or released, or handed to a team)
    await any_store.conversations.save(first)
    second = await claim("op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1)
    assert second is not None
    # handed to a colleague: the place is free again, and the colleague has it on top of their own
    second.operator_id = "op2"
    await any_store.conversations.save(second)
    third = await claim("op1", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1)
    assert third is not None
    assert await claim("op2", helplines=["l1620"], teams=None, languages=None, now=utcnow(), capacity=1) is None


async def test_the_waiting_list_of_some_priorities_only(any_store: Store) -> None:
    """The safety-question sweep reads only ``urgent`` conversations: no number of crises may hide them."""
    for n in range(5):
        await waiting(any_store, f"crisis{n}", "crisis", n)
    await waiting(any_store, "urgent-new", "urgent", 20)
    await waiting(any_store, "urgent-old", "urgent", 10)
    await waiting(any_store, "report", "urgent_report", 0)
    await waiting(any_store, "other-line", "urgent", 0, helpline="l1552")
    taken = await waiting(any_store, "taken", "urgent", 1)
    await any_store.conversations.claim(taken.id, "op1", utcnow())
    only = any_store.conversations.waiting
    assert [c.user_key for c in await only(["l1620"], limit=3, priorities=["urgent"])] == ["urgent-old", "urgent-new"]
    assert [c.user_key for c in await only(["l1620"], limit=1, priorities=["urgent"])] == ["urgent-old"]
    assert [c.user_key for c in await only(["l1620"], priorities=["urgent", "urgent_report"])] == [
        "urgent-old",
        "urgent-new",
        "report",
    ]
    assert [c.user_key for c in await only(["l1620", "l1552"], priorities=["urgent"])] == [
        "other-line",
        "urgent-old",
        "urgent-new",
    ]
    assert len(await only(["l1620"], limit=3)) == 3  # no priorities: the whole queue, as before
    assert await only(["l1620"], priorities=[]) == []
