"""A possible crisis (risk "check"): the bot asks at once whether the person is safe (issue 21).

The conversation waits in the queue as ``urgent`` (above every report and
request, below a crisis); "I'm in danger", a second risk signal or no
answer within the helpline's ``safety_check_minutes`` make it a crisis. A
check never sends the person away. Both stores.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.flows.safety_check import SafetyChecks
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.models import Conversation, Message, Priority, utcnow
from vikno.storage.port import Store

from .conftest import CLOSED_HOUR, Clock, ScriptedNLU, intent, on_duty

MAYBE = "мама сказала що мене вбʼє"
MAYBE_AGAIN = "я вже не знаю що робити, мені страшно"
ORDINARY = "де взяти крісло колісне"


@pytest.fixture
def nlu() -> ScriptedNLU:
    return ScriptedNLU(dict([
        intent(MAYBE, FALLBACK_INTENT, confidence=0.2, crisis_score=0.55, risk="check",
               risk_reasons=("rule:will_kill_me", "model:0.55")),
        intent(MAYBE_AGAIN, FALLBACK_INTENT, confidence=0.2, crisis_score=0.5, risk="check",
               risk_reasons=("model:0.50",)),
        intent(ORDINARY, "disability"),
        intent("не хочу більше жити", FALLBACK_INTENT, confidence=0.2, crisis=True, crisis_score=0.97),
    ]))


def text(user: str, body: str) -> Inbound:
    return Inbound(channel="rest", user_id=user, text=body)


def press(user: str, payload: str) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON)


async def test_a_check_asks_at_once_and_queues_the_conversation_as_urgent(engine: Engine, any_store: Store) -> None:
    await on_duty(any_store)
    await engine.handle(press("early", "person"))  # someone asked for a person before: a request
    turn = await engine.handle(text("anna", MAYBE))
    (reply,) = turn.replies
    assert "Ви зараз у безпеці?" in reply.text and "☎ 112" in reply.text
    assert [b.payload for b in reply.buttons] == ["safety:danger", "safety:safe", "person"]
    conv = turn.conversation
    assert (conv.state, conv.priority) == ("waiting", "urgent")
    assert conv.queue_position == 1  # ahead of the earlier request
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("risk_check") == 1 and "crisis_detected" not in kinds


async def test_in_danger_makes_it_a_crisis_with_the_numbers_first(engine: Engine, any_store: Store) -> None:
    await on_duty(any_store)
    await engine.handle(text("anna", MAYBE))
    turn = await engine.handle(press("anna", "safety:danger"))
    assert turn.conversation.priority == "crisis"
    assert turn.replies[0].text.index("☎ 112") < turn.replies[0].text.index("кличу фахівця")
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("risk_escalated") == 1 and kinds.get("crisis_detected") == 1


async def test_a_second_risk_signal_while_the_question_is_open_is_a_crisis(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("anna", MAYBE))
    turn = await engine.handle(text("anna", MAYBE_AGAIN))
    assert turn.conversation.priority == "crisis"
    assert "☎ 112" in turn.replies[0].text


async def test_i_am_safe_keeps_the_door_open(engine: Engine, any_store: Store) -> None:
    await on_duty(any_store)
    await engine.handle(text("anna", MAYBE))
    turn = await engine.handle(press("anna", "safety:safe"))
    (reply,) = turn.replies
    assert "Дякую, що відповіли" in reply.text and "☎ 112" in reply.text
    assert [b.payload for b in reply.buttons] == ["safety:danger", "cancel_waiting"]
    assert (turn.conversation.state, turn.conversation.priority) == ("waiting", "urgent")  # still read soon
    # they can still say they are in danger later, and reach a person
    later = await engine.handle(press("anna", "safety:danger"))
    assert later.conversation.priority == "crisis"


async def test_nobody_online_is_said_plainly(engine: Engine, clock: Clock) -> None:
    clock.now = CLOSED_HOUR
    turn = await engine.handle(text("night", MAYBE))
    assert "немає онлайн" in turn.replies[0].text and "незабаром прочитає" not in turn.replies[0].text


async def test_no_answer_within_the_minutes_escalates_once(engine: Engine, any_store: Store, clock: Clock) -> None:
    await on_duty(any_store)
    asked = await engine.handle(text("quiet", MAYBE))
    answered = await engine.handle(text("talks", MAYBE))
    await engine.handle(text("talks", ORDINARY))  # anything written is an answer: they are there
    sent: list[tuple[Conversation, Message]] = []

    async def outgoing(conv: Conversation, message: Message) -> None:
        sent.append((conv, message))

    async def change(_: dict) -> None:
        return None

    helplines = load_helplines(shipped_helpline_folders())
    checks = SafetyChecks(any_store, helplines, on_outgoing=outgoing, push_channels=lambda: frozenset(),
                          on_change=change, clock=lambda: clock.now)
    clock.now += timedelta(minutes=4)
    assert await checks.sweep() == []  # not yet: the helpline gives 5 minutes
    clock.now += timedelta(minutes=2)
    escalated = await checks.sweep()
    assert [c.id for c in escalated] == [asked.conversation.id]
    assert escalated[0].priority == Priority.CRISIS
    assert len(sent) == 1 and "☎ 112" in (sent[0][1].text or "")
    assert await checks.sweep() == []  # once
    still = await any_store.conversations.get(answered.conversation.id)
    assert still is not None and still.priority == "urgent"


async def test_an_ordinary_message_is_not_checked(engine: Engine) -> None:
    turn = await engine.handle(text("anna", ORDINARY))
    assert turn.conversation.state == "bot" and turn.conversation.priority is None


async def test_a_parse_that_says_crisis_is_a_crisis_level() -> None:
    assert Parse("x", None, FALLBACK_INTENT, 0.0, crisis=True).risk == "crisis"
    assert Parse("x", None, FALLBACK_INTENT, 0.0, risk="crisis").crisis is True
    assert Parse("x", None, FALLBACK_INTENT, 0.0, risk="check").crisis is False


async def test_a_crisis_and_a_check_are_for_every_team(engine: Engine, any_store: Store) -> None:
    """A protection-only operator must see a crisis whatever team its topic had (outside attack after issue 20)."""
    await engine.handle(text("asked", ORDINARY))  # the disability topic belongs to a team
    await engine.handle(press("asked", "person"))
    crisis = await engine.handle(text("asked", "не хочу більше жити"))
    check = await engine.handle(text("maybe", MAYBE))
    for turn in (crisis, check):
        stored = await any_store.conversations.get(turn.conversation.id)
        assert stored is not None and stored.team is None
    protection = await on_duty(any_store, "protector", teams=["protection"])
    claimed = await any_store.conversations.claim_next(protection.id, helplines=["line1620"], teams=["protection"],
                                                       languages=None, now=utcnow())
    assert claimed is not None and claimed.id == crisis.conversation.id
