"""Contract: who can answer now, and how long people waited lately (issue 20 item 14, the queue wait).

Two small read-only questions the dialogue asks before it tells a waiting
person anything: is any operator of this helpline (team, language) online
now, and how long did the last people wait before an operator took them.
"""

from __future__ import annotations

from datetime import timedelta

from vikno.storage.models import Event, Operator, utcnow
from vikno.storage.port import Store


def op(login: str, **kw) -> Operator:
    return Operator(login=login, display_name=login, password_hash="$argon2id$x", **kw)


async def test_only_online_enabled_operators_in_scope_can_answer(any_store: Store) -> None:
    ops = any_store.operators
    assert await ops.count_available("line1620") == 0
    await ops.create(op("offline"))
    await ops.create(op("away", presence="away"))
    await ops.create(op("disabled", presence="online", disabled=True))
    await ops.create(op("elsewhere", presence="online", helplines=["line102"]))
    assert await ops.count_available("line1620") == 0
    assert await ops.count_available("line102") == 1

    await ops.create(op("protection_ru", presence="online", helplines=["line1620"], teams=["protection"],
                        languages=["ru"]))
    assert await ops.count_available("line1620") == 1  # any team, any language
    assert await ops.count_available("line1620", team="protection", language="ru") == 1
    assert await ops.count_available("line1620", team="social") == 0
    assert await ops.count_available("line1620", language="uk") == 0

    await ops.create(op("anyone", presence="online"))  # no lists: every helpline, team and language
    assert await ops.count_available("line1620", team="social", language="uk") == 1
    assert await ops.count_available("line1620") == 2


async def test_going_offline_leaves_nobody(any_store: Store) -> None:
    o = await any_store.operators.create(op("olena", presence="online"))
    assert await any_store.operators.count_available("line1620") == 1
    o.presence = "offline"
    await any_store.operators.save(o)
    assert await any_store.operators.count_available("line1620") == 0


async def test_recent_waits_are_the_newest_claims_of_the_helpline(any_store: Store) -> None:
    now = utcnow()
    events = any_store.events

    async def claimed(minutes_ago: float, wait: float | None, **kw) -> None:
        await events.add(Event(helpline=kw.pop("helpline", "line1620"), kind="claimed",
                               at=now - timedelta(minutes=minutes_ago), data={"wait_seconds": wait}, **kw))

    assert await events.recent_waits("line1620", since=now - timedelta(days=7)) == []
    await claimed(1, 60.0, priority="request")
    await claimed(2, 120.5, priority="crisis")
    await claimed(3, 600.0, priority="request")
    await claimed(4, None, priority="request")  # a claim of a conversation that never queued
    await claimed(5, 30.0, helpline="other")
    await claimed(60 * 24 * 10, 9999.0)  # too old
    await events.add(Event(helpline="line1620", kind="closed", at=now, data={"wait_seconds": 5.0}))

    since = now - timedelta(days=7)
    assert await events.recent_waits("line1620", since=since) == [60.0, 120.5, 600.0]
    assert await events.recent_waits("line1620", since=since, limit=2) == [60.0, 120.5]
    assert await events.recent_waits("line1620", since=since, priorities=["request", "routine"]) == [60.0, 600.0]
    assert await events.recent_waits("line1620", since=since, priorities=["crisis"]) == [120.5]
