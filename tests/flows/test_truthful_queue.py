"""What a person asking for a person is told is true (issue 20, item 14, and the queue wait).

Whether someone can answer now is who is online and may take the
conversation, not only the schedule; the expected wait comes from recent
claims, or the bot says plainly that it cannot estimate. Both stores.
"""

from __future__ import annotations

from datetime import timedelta

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.storage.models import Event, Priority

from .conftest import CLOSED_HOUR, OPEN_HOUR, Clock, on_duty

CRISIS = "не хочу більше жити"
# What the old texts promised whoever was (or was not) there.
COMING = ("кличу фахівця", "скоро відповість")


def text(user: str, body: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id=user, text=body, **kw)


def press(user: str, payload: str) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON)


async def claims(store, waits: list[float], at, priority: str = Priority.REQUEST) -> None:
    """Recent history: people taken by an operator after ``waits`` seconds."""
    for n, wait in enumerate(waits):
        await store.events.add(
            Event(
                helpline="community-1620",
                kind="claimed",
                priority=priority,
                at=at - timedelta(minutes=30 + n),
                data={"wait_seconds": wait},
            )
        )


async def test_crisis_at_night_with_nobody_online_gets_the_numbers_first_and_the_truth(
    engine: Engine, clock: Clock
) -> None:
    clock.now = CLOSED_HOUR  # Saturday, 23:00 in Kyiv
    await engine.handle(press("early", "person"))
    turn = await engine.handle(text("night", CRISIS))
    (reply,) = turn.replies
    # the numbers to call now come first, before anything else is said
    assert reply.text.index("☎ 112") < reply.text.index("немає онлайн")
    assert reply.text.split("\n")[0].startswith("Якщо є загроза життю")
    assert not any(p in reply.text for p in COMING) and "Ваше місце в черзі — 1" not in reply.text
    # and the conversation still waits at the top of the queue for the next person on duty
    assert turn.conversation.state == "waiting" and turn.conversation.priority == "crisis"
    assert turn.conversation.queue_position == 1


async def test_crisis_with_someone_online_calls_them_at_any_hour(engine: Engine, clock: Clock, any_store) -> None:
    clock.now = CLOSED_HOUR
    await on_duty(any_store)
    turn = await engine.handle(text("night", CRISIS))
    assert "☎ 112" in turn.replies[0].text and "кличу фахівця" in turn.replies[0].text
    assert "Ваше місце в черзі — 1" in turn.replies[1].text
    assert "сказати не можу" not in turn.replies[1].text  # no "cannot estimate" in a crisis


async def test_crisis_on_a_closed_saturday_with_an_operator_marked_online_who_has_gone_gets_the_truth(
    engine: Engine, clock: Clock, any_store
) -> None:
    """Attack report B1: the flag said "online", but her console has not been seen for two minutes."""
    clock.now = CLOSED_HOUR
    await on_duty(any_store, "gone_home", last_seen_at=CLOSED_HOUR - timedelta(minutes=2))
    turn = await engine.handle(text("night", CRISIS))
    (reply,) = turn.replies
    assert reply.text.index("☎ 112") < reply.text.index("немає онлайн")
    assert not any(p in reply.text for p in COMING) and "Ваше місце в черзі — 1" not in reply.text
    assert turn.conversation.state == "waiting" and turn.conversation.priority == "crisis"

    await on_duty(any_store, "at_the_console", last_seen_at=clock.now - timedelta(seconds=30))
    later = await engine.handle(text("night-2", CRISIS))
    assert "кличу фахівця" in later.replies[0].text


async def test_saturday_request_with_an_operator_online_is_told_someone_will_answer(
    engine: Engine, clock: Clock, any_store
) -> None:
    clock.now = CLOSED_HOUR
    await on_duty(any_store)
    turn = await engine.handle(press("sat", "person"))
    (reply,) = turn.replies
    assert "Передаю вашу розмову фахівцю" in reply.text and "Ваше місце в черзі — 1" in reply.text
    assert "не працюють" not in reply.text and "наступної зміни" not in reply.text


async def test_weekday_hours_with_nobody_online_are_told_the_truth(engine: Engine, clock: Clock) -> None:
    clock.now = OPEN_HOUR  # Wednesday, 10:00: inside the hours
    turn = await engine.handle(press("wed", "person"))
    (reply,) = turn.replies
    assert "немає онлайн" in reply.text and "місце 1" in reply.text and "☎ 112" in reply.text
    assert "Передаю вашу розмову фахівцю" not in reply.text
    again = await engine.handle(press("wed", "person"))
    assert "немає онлайн" in again.replies[0].text
    assert not any(p in again.replies[0].text for p in COMING)
    assert turn.conversation.state == "waiting"


async def test_an_operator_who_may_not_take_it_is_nobody_for_this_conversation(engine: Engine, any_store) -> None:
    await on_duty(any_store, "rustam", languages=["az"])
    await on_duty(any_store, "other_line", helplines=["line102"])
    await on_duty(any_store, "away", presence="away")
    await on_duty(any_store, "gone", disabled=True)
    turn = await engine.handle(press("uk-person", "person"))
    assert "немає онлайн" in turn.replies[0].text
    await on_duty(any_store, "olena", languages=["uk", "ru"], teams=["social"])
    later = await engine.handle(press("uk-person-2", "person"))
    assert "Передаю вашу розмову фахівцю" in later.replies[0].text


async def test_the_expected_wait_comes_from_recent_claims(engine: Engine, clock: Clock, any_store) -> None:
    await on_duty(any_store)
    await claims(any_store, [400, 500, 900], clock.now)  # median 500 s: 9 minutes, said as "about 10"
    await claims(any_store, [5, 5, 5], clock.now, priority=Priority.CRISIS)  # crises say nothing about requests
    turn = await engine.handle(press("est", "person"))
    assert "близько 10 хв" in turn.replies[0].text
    again = await engine.handle(press("est", "person"))
    assert "ваше місце — 1" in again.replies[0].text and "близько 10 хв" in again.replies[0].text


async def test_too_little_history_is_said_plainly(engine: Engine, clock: Clock, any_store) -> None:
    await on_duty(any_store)
    await claims(any_store, [400, 500], clock.now)
    turn = await engine.handle(press("few", "person"))
    assert "сказати не можу" in turn.replies[0].text and "хв." not in turn.replies[0].text


async def test_the_wait_is_said_in_the_conversations_language(engine: Engine, clock: Clock, any_store) -> None:
    await on_duty(any_store)
    await claims(any_store, [60, 120, 180], clock.now)
    for lang, phrase in [("en", "about 2 min"), ("ru", "около 2 мин"), ("az", "təqribən 2 dəq")]:
        await engine.handle(press(f"p-{lang}", f"lang:{lang}"))
        turn = await engine.handle(press(f"p-{lang}", "person"))
        assert phrase in turn.replies[0].text, turn.replies[0].text


def test_waits_are_rounded_up_to_numbers_people_say() -> None:
    from vikno.flows.outlook import rounded_minutes

    assert [rounded_minutes(s) for s in (1, 59, 61, 300, 301, 540, 1500, 1860, 3000)] == [
        1,
        1,
        2,
        5,
        10,
        10,
        25,
        40,
        50,
    ]


def test_the_wait_sentence_is_honest_as_time_goes_by() -> None:
    from vikno.flows.outlook import Outlook, wait_sentence

    line = load_helplines(shipped_helpline_folders())["community-1620"]

    def say(typical: float | None, waited: float, staffed: bool = True) -> str:
        return wait_sentence(line, "en", Outlook(position=2, staffed=staffed, typical_wait=typical, waited=waited))

    assert say(600, 0) == "Expected wait: about 10 min."
    assert say(600, 360) == "Expected wait: about 4 min."  # what is left of it
    assert "longer than usual" in say(600, 700)  # an apology, not a number
    assert "longer than an hour" in say(5 * 3600, 0)
    assert "cannot say" in say(None, 0)
    assert "No specialist is online" in say(600, 0, staffed=False)


async def test_an_operator_online_but_full_is_nobody_for_a_new_crisis(engine: Engine, clock: Clock, any_store) -> None:
    """Attack on issue 21, A5: the only operator online had 3 chats of 3 (take-next: 409), yet a crisis
    was told "I am already calling a specialist" and "about 10 min". A full operator cannot take it."""
    olena = await on_duty(any_store, capacity=1, last_seen_at=clock.now + timedelta(minutes=5))
    await claims(any_store, [400, 500, 900], clock.now, priority=Priority.CRISIS)
    await engine.handle(press("first", "person"))
    taken = await any_store.conversations.claim_next(
        olena.id, helplines=["community-1620"], teams=None, languages=None, now=clock.now, capacity=olena.capacity
    )
    assert taken is not None  # her one seat is taken

    turn = await engine.handle(text("crisis", CRISIS))
    (reply,) = turn.replies
    assert reply.text.index("☎ 112") < reply.text.index("немає онлайн")
    assert not any(p in reply.text for p in COMING) and "хв" not in reply.text  # no promise, no wait figure
    assert turn.conversation.state == "waiting" and turn.conversation.priority == "crisis"
    request = await engine.handle(press("request", "person"))
    assert "немає онлайн" in request.replies[0].text and "Передаю вашу розмову фахівцю" not in request.replies[0].text

    taken.state, taken.operator_id = "closed", None  # she closes her chat: a seat is free again
    await any_store.conversations.save(taken)
    later = await engine.handle(text("crisis-2", CRISIS))
    assert "кличу фахівця" in later.replies[0].text and "близько 10 хв" in later.replies[1].text
