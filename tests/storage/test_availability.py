"""Contract: who can answer now, and how long people waited lately (issue 20 item 14, the queue wait).

Two small read-only questions the dialogue asks before it tells a waiting
person anything: is any operator of this helpline (team, language) online
now and seen lately by the console (attack report B1), and how long did the
last people wait before an operator took them. Plus the two writes that keep
"seen lately" true: the console's touch of ``last_seen_at``, and the count of
an operator's live sessions that its upkeep sets absent operators offline by.
"""

from __future__ import annotations

from datetime import timedelta

from vikno.storage.models import Conversation, Event, Operator, Session, State, utcnow
from vikno.storage.port import Store

NOW = utcnow()
#: What the outlook passes: seen by the console within the last 90 s.
RECENT = NOW - timedelta(seconds=90)


def op(login: str, **kw) -> Operator:
    kw.setdefault("last_seen_at", NOW)
    return Operator(login=login, display_name=login, password_hash="$argon2id$x", **kw)


async def test_only_online_enabled_operators_in_scope_can_answer(any_store: Store) -> None:
    ops = any_store.operators
    assert await ops.count_available("line1620", seen_since=RECENT) == 0
    await ops.create(op("offline"))
    await ops.create(op("away", presence="away"))
    await ops.create(op("disabled", presence="online", disabled=True))
    await ops.create(op("elsewhere", presence="online", helplines=["line102"]))
    assert await ops.count_available("line1620", seen_since=RECENT) == 0
    assert await ops.count_available("line102", seen_since=RECENT) == 1

    await ops.create(
        op("protection_ru", presence="online", helplines=["line1620"], teams=["protection"], languages=["ru"])
    )
    assert await ops.count_available("line1620", seen_since=RECENT) == 1  # any team, any language
    assert await ops.count_available("line1620", seen_since=RECENT, team="protection", language="ru") == 1
    assert await ops.count_available("line1620", seen_since=RECENT, team="social") == 0
    assert await ops.count_available("line1620", seen_since=RECENT, language="uk") == 0

    await ops.create(op("anyone", presence="online"))  # no lists: every helpline, team and language
    assert await ops.count_available("line1620", seen_since=RECENT, team="social", language="uk") == 1
    assert await ops.count_available("line1620", seen_since=RECENT) == 2


async def test_going_offline_leaves_nobody(any_store: Store) -> None:
    o = await any_store.operators.create(op("olena", presence="online"))
    assert await any_store.operators.count_available("line1620", seen_since=RECENT) == 1
    o.presence = "offline"
    await any_store.operators.save(o)
    assert await any_store.operators.count_available("line1620", seen_since=RECENT) == 0


async def test_an_operator_online_but_not_seen_lately_cannot_answer(any_store: Store) -> None:
    ops = any_store.operators
    await ops.create(op("closed_laptop", presence="online", last_seen_at=NOW - timedelta(minutes=5)))
    await ops.create(op("never_seen", presence="online", last_seen_at=None))
    assert await ops.count_available("line1620", seen_since=RECENT) == 0
    assert await ops.count_available("line1620", seen_since=NOW - timedelta(minutes=10)) == 1

    await ops.create(op("at_the_console", presence="online", last_seen_at=RECENT))  # the boundary counts
    assert await ops.count_available("line1620", seen_since=RECENT, team="social", language="uk") == 1


async def chat(store: Store, user: str, operator_id: str | None, state: str = State.WITH_OPERATOR) -> Conversation:
    c = await store.conversations.create(Conversation(helpline="line1620", channel="rest", user_key=user))
    c.state, c.operator_id = state, operator_id
    return await store.conversations.save(c)


async def test_an_operator_with_no_free_seat_cannot_answer(any_store: Store) -> None:
    """Attack on issue 21, A5: "I am calling a specialist" while the only one online had 3 chats of 3."""
    ops = any_store.operators
    olena = await ops.create(op("olena", presence="online", capacity=2))
    assert await ops.count_available("line1620", seen_since=RECENT) == 1
    await chat(any_store, "a", olena.id)
    assert await ops.count_available("line1620", seen_since=RECENT) == 1  # one seat of two still free
    await chat(any_store, "waiting", olena.id, State.WAITING)  # not hers now (handed back): holds no seat
    await chat(any_store, "closed", olena.id, State.CLOSED)
    await chat(any_store, "someone_else", "iryna")
    assert await ops.count_available("line1620", seen_since=RECENT) == 1
    await chat(any_store, "b", olena.id)
    assert await ops.count_available("line1620", seen_since=RECENT) == 0  # full: nobody can take a new one
    assert await ops.count_available("line1620", seen_since=RECENT, team="social", language="uk") == 0

    iryna = await ops.create(op("iryna", presence="online", capacity=1, id="iryna"))  # "someone_else" is hers: full too
    assert await ops.count_available("line1620", seen_since=RECENT) == 0
    iryna.capacity = 3
    await ops.save(iryna)
    assert await ops.count_available("line1620", seen_since=RECENT) == 1

    freed = await any_store.conversations.find_by_user("line1620", "rest", "b")
    assert freed is not None
    freed.state, freed.operator_id = State.CLOSED, None
    await any_store.conversations.save(freed)
    assert await ops.count_available("line1620", seen_since=RECENT) == 2


async def test_seen_moves_last_seen_at_forward_and_touches_nothing_else(any_store: Store) -> None:
    ops = any_store.operators
    o = await ops.create(op("olena", presence="online", last_seen_at=NOW - timedelta(minutes=5), teams=["social"]))
    new = await ops.create(op("new", last_seen_at=None))
    assert await ops.count_available("line1620", seen_since=RECENT) == 0

    await ops.seen(o.id, NOW)
    await ops.seen(new.id, NOW)
    await ops.seen(o.id, NOW - timedelta(hours=1))  # a late, older touch does not move it back
    got = await ops.get(o.id)
    assert got is not None and got.last_seen_at == NOW
    assert got.presence == "online" and got.teams == ["social"] and got.login == "olena"
    assert (await ops.get(new.id)).last_seen_at == NOW  # type: ignore[union-attr]
    assert await ops.count_available("line1620", seen_since=RECENT) == 1


async def test_live_sessions_of_an_operator(any_store: Store) -> None:
    sessions = any_store.sessions
    now = utcnow()  # real time: MongoDB's TTL index drops sessions that really expired

    async def session(sid: str, operator_id: str, ends_in: timedelta) -> None:
        await sessions.create(
            Session(
                id=sid,
                operator_id=operator_id,
                csrf_token="c",
                created_at=now - timedelta(hours=1),
                expires_at=now + ends_in,
            )
        )

    assert await sessions.live_of("olena", now) == 0
    await session("s1", "olena", timedelta(minutes=-1))  # idle timeout passed
    await session("s2", "iryna", timedelta(minutes=20))
    assert await sessions.live_of("olena", now) == 0
    await session("s3", "olena", timedelta(minutes=20))
    await session("s4", "olena", timedelta(minutes=5))
    assert await sessions.live_of("olena", now) == 2
    assert await sessions.live_of("olena", now + timedelta(minutes=10)) == 1


async def test_recent_waits_are_the_newest_claims_of_the_helpline(any_store: Store) -> None:
    now = utcnow()
    events = any_store.events

    async def claimed(minutes_ago: float, wait: float | None, **kw) -> None:
        await events.add(
            Event(
                helpline=kw.pop("helpline", "line1620"),
                kind="claimed",
                at=now - timedelta(minutes=minutes_ago),
                data={"wait_seconds": wait},
                **kw,
            )
        )

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
