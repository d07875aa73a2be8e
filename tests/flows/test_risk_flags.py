"""The dialogue remembers which message the crisis layer flagged, at what level and why (issue 21 item 3).

The console shows it to the operator and lets them mark that message; the
flag names the stored message (its id), never copies its text. Both stores.
"""

from __future__ import annotations

import pytest

from vikno.flows.dialogue import DANGER_PRESSED, RISK_FLAGS, RISK_FLAGS_KEPT
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.nlu.types import FALLBACK_INTENT
from vikno.storage.port import Store

from .conftest import ScriptedNLU, intent

MAYBE = "мама сказала що мене вбʼє"
CRISIS = "не хочу більше жити"
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
                    CRISIS,
                    FALLBACK_INTENT,
                    confidence=0.2,
                    crisis=True,
                    crisis_score=0.97,
                    risk_reasons=("rule:no_want_live", "model:0.97"),
                ),
                intent(ORDINARY, "disability"),
            ]
        )
    )


def text(body: str, user: str = "anna") -> Inbound:
    return Inbound(channel="rest", user_id=user, text=body)


async def said(store: Store, conversation_id: str, body: str) -> str:
    (m,) = [m for m in await store.messages.history(conversation_id) if m.direction == "in" and m.text == body]
    return m.id


async def test_a_check_and_then_a_crisis_are_flagged_with_their_message_level_and_reasons(
    engine: Engine, any_store: Store
) -> None:
    await engine.handle(text(ORDINARY))
    first = await engine.handle(text(MAYBE))
    await engine.handle(Inbound(channel="rest", user_id="anna", button="safety:danger", kind=Kind.BUTTON))
    await engine.handle(text(CRISIS))
    conv = await any_store.conversations.get(first.conversation.id)
    assert conv is not None
    flags = conv.data[RISK_FLAGS]
    assert [(f["message_id"], f["level"], f["reasons"], f["score"]) for f in flags] == [
        (await said(any_store, conv.id, MAYBE), "check", ["rule:will_kill_me", "model:0.55"], 0.55),
        (await said(any_store, conv.id, CRISIS), "crisis", ["rule:no_want_live", "model:0.97"], 0.97),
    ]
    assert all(f["at"] for f in flags)
    assert conv.data["safety_check"]["escalated"] == "danger_answered"  # the button is no flag of its own


async def test_ordinary_messages_are_not_flagged_and_the_flags_are_bounded(engine: Engine, any_store: Store) -> None:
    turn = await engine.handle(text(ORDINARY))
    conv = await any_store.conversations.get(turn.conversation.id)
    assert conv is not None and RISK_FLAGS not in conv.data
    for _ in range(RISK_FLAGS_KEPT + 2):
        await engine.handle(text(CRISIS))
    conv = await any_store.conversations.get(turn.conversation.id)
    assert conv is not None and len(conv.data[RISK_FLAGS]) == RISK_FLAGS_KEPT
    ids = [f["message_id"] for f in conv.data[RISK_FLAGS]]
    newest = [m.id for m in await any_store.messages.history(conv.id) if m.direction == "in"][-RISK_FLAGS_KEPT:]
    assert ids == newest


async def test_in_danger_is_remembered_with_its_time_also_when_nothing_was_asked(
    engine: Engine, any_store: Store, clock
) -> None:
    """Attack on issue 21, B1: "safety:danger" on a fresh conversation is a crisis (always honoured), but
    the console said "no risk found": nothing on the conversation said why."""
    pressed = Inbound(channel="rest", user_id="stranger", button="safety:danger", kind=Kind.BUTTON)
    turn = await engine.handle(pressed)
    assert turn.conversation.priority == "crisis"
    conv = await any_store.conversations.get(turn.conversation.id)
    assert conv is not None and "safety_check" not in conv.data and RISK_FLAGS not in conv.data
    first = conv.data[DANGER_PRESSED]
    assert first["times"] == 1 and first["first_at"] == first["at"]
    assert first["at"] <= clock.now.isoformat()

    await engine.handle(pressed)
    conv = await any_store.conversations.get(turn.conversation.id)
    assert conv is not None
    again = conv.data[DANGER_PRESSED]
    assert again["times"] == 2 and again["first_at"] == first["at"] and again["at"] > first["at"]
