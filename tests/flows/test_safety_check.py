"""A possible crisis (risk "check"): the bot asks at once whether the person is safe (issue 21).

The conversation waits in the queue as ``urgent`` (above every report and
request, below a crisis); "I'm in danger", a second risk signal or no
answer within the helpline's ``safety_check_minutes`` make it a crisis. A
check never sends the person away. Both stores.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.flows.channels import ChannelRegistry
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.flows.safety_check import SafetyChecks
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.models import Conversation, Message, Priority, State, utcnow
from vikno.storage.port import Store

from .conftest import CLOSED_HOUR, Clock, ScriptedNLU, intent, on_duty

MAYBE = "мама сказала що мене вбʼє"
MAYBE_AGAIN = "я вже не знаю що робити, мені страшно"
ORDINARY = "де взяти крісло колісне"


@pytest.fixture
def nlu() -> ScriptedNLU:
    return ScriptedNLU(
        dict(
            [
                intent(
                    MAYBE,
                    FALLBACK_INTENT,
                    confidence=0.2,
                    crisis_score=0.55,
                    risk="check",
                    risk_reasons=("rule:will_kill_me", "model:0.55"),
                ),
                intent(
                    MAYBE_AGAIN,
                    FALLBACK_INTENT,
                    confidence=0.2,
                    crisis_score=0.5,
                    risk="check",
                    risk_reasons=("model:0.50",),
                ),
                intent(ORDINARY, "disability"),
                intent("не хочу більше жити", FALLBACK_INTENT, confidence=0.2, crisis=True, crisis_score=0.97),
            ]
        )
    )


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
    assert [b.payload for b in reply.buttons] == ["safety:danger"]  # no "cancel waiting" for a possible crisis
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
    await engine.handle(text("talks", "так"))  # "yes" answers it (small talk does not: see below)
    sent: list[tuple[Conversation, Message]] = []

    async def outgoing(conv: Conversation, message: Message) -> None:
        sent.append((conv, message))

    async def change(_: dict) -> None:
        return None

    helplines = load_helplines(shipped_helpline_folders())
    checks = SafetyChecks(
        any_store,
        helplines,
        on_outgoing=outgoing,
        channels=ChannelRegistry(),
        on_change=change,
        clock=lambda: clock.now,
    )
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


async def test_no_number_of_crises_waiting_hides_an_unanswered_question(
    engine: Engine, any_store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack on issue 21, B2: the sweep read the first SWEEP_LIMIT waiting conversations, crises first; with
    that many crises waiting no ``urgent`` one was looked at and silent questions never escalated."""
    from vikno.flows import safety_check

    monkeypatch.setattr(safety_check, "SWEEP_LIMIT", 8)  # the same query and order; fewer rows to write
    for n in range(safety_check.SWEEP_LIMIT + 2):  # more crises than one sweep reads, all older
        crisis = await any_store.conversations.create(
            Conversation(helpline="community-1620", channel="rest", user_key=f"crisis-{n}")
        )
        crisis.state, crisis.priority, crisis.enqueued_at = State.WAITING, Priority.CRISIS, clock.now
        await any_store.conversations.save(crisis)
    asked = await engine.handle(text("quiet", MAYBE))
    assert asked.conversation.priority == "urgent"

    async def nothing(*_: object) -> None:
        return None

    checks = SafetyChecks(
        any_store,
        load_helplines(shipped_helpline_folders()),
        on_outgoing=nothing,
        channels=ChannelRegistry(),
        on_change=nothing,
        clock=lambda: clock.now,
    )
    clock.now += timedelta(minutes=6)
    assert [c.id for c in await checks.sweep()] == [asked.conversation.id]


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
    claimed = await any_store.conversations.claim_next(
        protection.id, helplines=["community-1620"], teams=["protection"], languages=None, now=utcnow()
    )
    assert claimed is not None and claimed.id == crisis.conversation.id


# --- attack after issue 21: typed answers, a crisis told to an operator, "cancel waiting", a further signal ---

#: Typed replies to "are you safe right now?" that say "no, I am not" (attack A3): each is "in danger".
TYPED_DANGER = [
    "ні",
    "Ні!!!",
    "не",
    "no",
    "Nooo",
    "нет",
    "yox",
    "NOT safe",
    "I'm not safe",
    "help",
    "help me please",
    "не в безпеці",
    "я не в безпеці",
    "допоможіть",
    "помогите",
    "kömək edin",
    "Komek edin",
    "SOS",
    "нi",
]  # the last with a Latin i, as a phone with two keyboards types it
#: Typed replies that say "yes, I am safe".
TYPED_SAFE = [
    "так",
    "Так.",
    "yes",
    "да",
    "hə",
    "he",
    "я в безпеці",
    "I'm safe",
    "I’m safe",
    "все добре",
    "ok",
    "Mən təhlükəsizəm",
    "всё хорошо",
]
#: Neither: the question stays open and its timer keeps running.
UNDECIDED_TEXT = [ORDINARY, "не знаю", "ні, все добре", "hello", "🙂"]
UNDECIDED_BUTTONS = [
    "SAFETY:DANGER",
    "safety:",
    " safety:danger",
    "safety:danger\u200b",
    "safety:danger;drop",
    "topic:disability",
    "menu",
    "survey:yes",
    "lang:xx",
]


@pytest.mark.parametrize("typed", TYPED_DANGER)
async def test_a_typed_no_to_the_safety_question_is_in_danger(engine: Engine, any_store: Store, typed: str) -> None:
    await on_duty(any_store)
    await engine.handle(text("anna", MAYBE))
    turn = await engine.handle(text("anna", typed))
    assert (turn.conversation.state, turn.conversation.priority) == ("waiting", "crisis")
    first = turn.replies[0].text
    assert first.index("☎ 112") < first.index("кличу фахівця")  # the numbers at once, exactly as the button
    stored = await any_store.conversations.get(turn.conversation.id)
    assert stored is not None
    assert stored.data["safety_check"]["answer"] == "danger"
    assert stored.data["safety_check"]["escalated"] == "danger_answered"
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("risk_escalated") == 1 and kinds.get("crisis_detected") == 1


@pytest.mark.parametrize("typed", TYPED_SAFE)
async def test_a_typed_yes_to_the_safety_question_is_safe(engine: Engine, any_store: Store, typed: str) -> None:
    await on_duty(any_store)
    await engine.handle(text("anna", MAYBE))
    turn = await engine.handle(text("anna", typed))
    (reply,) = turn.replies
    assert "Дякую, що відповіли" in reply.text and "☎ 112" in reply.text
    assert (turn.conversation.state, turn.conversation.priority) == ("waiting", "urgent")
    stored = await any_store.conversations.get(turn.conversation.id)
    assert stored is not None and stored.data["safety_check"]["answer"] == "safe"


async def sweep_after(any_store: Store, clock: Clock, minutes: int) -> tuple[list[Conversation], list[Message]]:
    sent: list[Message] = []

    async def outgoing(_: Conversation, message: Message) -> None:
        sent.append(message)

    async def change(_: dict) -> None:
        return None

    checks = SafetyChecks(
        any_store,
        load_helplines(shipped_helpline_folders()),
        on_outgoing=outgoing,
        channels=ChannelRegistry(),
        on_change=change,
        clock=lambda: clock.now,
    )
    clock.now += timedelta(minutes=minutes)
    return await checks.sweep(), sent


async def test_anything_else_leaves_the_question_open_and_its_timer_running(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Small talk, an unknown or malformed button, an old topic button: none of them says "I am safe"."""
    await on_duty(any_store)
    asked = await engine.handle(text("anna", MAYBE))
    for body in UNDECIDED_TEXT:
        turn = await engine.handle(text("anna", body))
        assert turn.conversation.priority == "urgent", body
    for payload in UNDECIDED_BUTTONS:
        turn = await engine.handle(press("anna", payload))
        assert turn.conversation.priority == "urgent", payload
        assert all(b.payload != "cancel_waiting" for r in turn.replies for b in r.buttons)
    stored = await any_store.conversations.get(asked.conversation.id)
    assert stored is not None and stored.data["safety_check"]["answer"] is None  # still open
    assert "risk_check_answered" not in await any_store.events.count_by("kind")
    escalated, sent = await sweep_after(any_store, clock, 6)
    assert [c.id for c in escalated] == [asked.conversation.id] and escalated[0].priority == "crisis"
    assert len(sent) == 1 and "☎ 112" in (sent[0].text or "")


async def test_an_old_question_belongs_to_its_own_contact(engine: Engine, any_store: Store) -> None:
    """After the chat was closed, a typed "ні" (to the survey, say) is no answer to last time's question, and a
    warning sign in a later contact is asked about again rather than taken as that question's second signal."""
    await engine.handle(text("anna", MAYBE))
    conv = await engine.find("rest", "anna")
    assert conv is not None
    conv.state, conv.priority, conv.enqueued_at = State.CLOSED, None, None
    await any_store.conversations.save(conv)
    turn = await engine.handle(text("anna", "ні"))
    assert turn.conversation.priority is None and "☎ 112" not in turn.replies[0].text
    later = await engine.handle(text("anna", MAYBE_AGAIN))
    assert later.conversation.priority == "urgent" and "Ви зараз у безпеці?" in later.replies[0].text


async def test_a_further_risk_signal_after_i_am_safe_is_a_crisis(engine: Engine, any_store: Store) -> None:
    """The question is asked once per contact; a new warning sign after "I'm safe" escalates (attack A1b)."""
    await on_duty(any_store)
    await engine.handle(text("anna", MAYBE))
    await engine.handle(press("anna", "safety:safe"))
    turn = await engine.handle(text("anna", MAYBE_AGAIN))
    assert turn.conversation.priority == "crisis"
    assert turn.replies[0].text.index("☎ 112") < turn.replies[0].text.index("кличу фахівця")
    assert not any("Ви зараз у безпеці?" in r.text for r in turn.replies)  # not asked again
    stored = await any_store.conversations.get(turn.conversation.id)
    assert stored is not None
    assert stored.data["safety_check"]["answer"] == "safe"
    assert stored.data["safety_check"]["escalated"] == "second_signal"
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("risk_check") == 1 and kinds.get("risk_escalated") == 1 and kinds.get("crisis_detected") == 1


async def test_no_cancel_waiting_for_a_flagged_conversation(engine: Engine, any_store: Store) -> None:
    """Urgent and crisis chats are never taken out of the queue by "cancel waiting" (attack A3b)."""
    await on_duty(any_store)
    for user, first in (("maybe", MAYBE), ("crisis", "не хочу більше жити")):
        turns = [
            await engine.handle(text(user, first)),
            await engine.handle(text(user, ORDINARY)),
            await engine.handle(press(user, "person")),
        ]
        offered = [b.payload for t in turns for r in t.replies for b in r.buttons]
        assert "cancel_waiting" not in offered, user
        before = turns[-1].conversation
        kept = await engine.handle(press(user, "cancel_waiting"))  # sent anyway
        (reply,) = kept.replies
        assert "фахівець обовʼязково прочитає" in reply.text and "☎ 112" in reply.text
        assert "cancel_waiting" not in [b.payload for b in reply.buttons]
        after = kept.conversation
        assert (after.state, after.priority, after.queue_position) == (
            "waiting",
            before.priority,
            before.queue_position,
        )
    assert "handoff_cancelled" not in await any_store.events.count_by("kind")
    # an ordinary request may still leave the queue
    await engine.handle(press("plain", "person"))
    left = await engine.handle(press("plain", "cancel_waiting"))
    assert (left.conversation.state, left.conversation.priority) == ("bot", None)


async def claimed(engine: Engine, any_store: Store, user: str) -> Conversation:
    """The person asked for a person about a team's topic, and an operator of that team took the chat."""
    await engine.handle(text(user, ORDINARY))  # the disability topic belongs to the social team
    await engine.handle(press(user, "person"))
    operator = await on_duty(any_store, "social", teams=["social"])
    conv = await any_store.conversations.claim_next(
        operator.id, helplines=["community-1620"], teams=["social"], languages=None, now=utcnow()
    )
    assert conv is not None and (conv.state, conv.priority, conv.team) == ("with_operator", "request", "social")
    return conv


async def back_to_the_queue(any_store: Store, conv_id: str) -> Conversation:
    """What the console does when the operator goes offline or the chat is released: the chat waits again."""
    conv = await any_store.conversations.get(conv_id)
    assert conv is not None
    conv.state, conv.operator_id, conv.claimed_at = State.WAITING, None, None
    await any_store.conversations.save(conv)
    again = await any_store.conversations.get(conv_id)
    assert again is not None
    return again


async def test_a_crisis_told_to_an_operator_makes_the_conversation_a_crisis(engine: Engine, any_store: Store) -> None:
    """Attack A7: a stated plan made to an operator who then left came back as a request at the bottom."""
    conv = await claimed(engine, any_store, "anna")
    for user in ("u1", "u2"):  # others wait meanwhile, one with a possible crisis
        await engine.handle(press(user, "person"))
    await engine.handle(text("u3", MAYBE))
    turn = await engine.handle(text("anna", "не хочу більше жити"))
    (reply,) = turn.replies
    assert reply.text.index("☎ 112") < reply.text.index("Фахівець, з яким ви листуєтеся")
    assert "кличу фахівця" not in reply.text  # one is already in the chat
    stored = await any_store.conversations.get(conv.id)
    assert stored is not None
    assert (stored.state, stored.priority, stored.team) == ("with_operator", "crisis", None)
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("crisis_detected") == 1 and kinds.get("crisis_alert") == 1
    assert (await any_store.events.count_by("kind", kind="priority_raised")).get("priority_raised") == 1
    again = await back_to_the_queue(any_store, conv.id)
    assert (await engine.view(again)).queue_position == 1  # at the top, ahead of the urgent check


async def test_a_check_told_to_an_operator_makes_the_conversation_urgent(engine: Engine, any_store: Store) -> None:
    conv = await claimed(engine, any_store, "anna")
    await engine.handle(press("u1", "person"))
    turn = await engine.handle(text("anna", MAYBE))
    assert turn.replies == ()  # the operator is there and answers; no bot question in their chat
    stored = await any_store.conversations.get(conv.id)
    assert stored is not None
    assert (stored.state, stored.priority, stored.team) == ("with_operator", "urgent", None)
    kinds = await any_store.events.count_by("kind")
    assert kinds.get("risk_check") == 1 and kinds.get("risk_check_alert") == 1
    again = await back_to_the_queue(any_store, conv.id)
    assert (await engine.view(again)).queue_position == 1
