"""An engine on a real store, with a scripted NLU where a test needs one.

The NLU double is the engine's boundary (the ``Understanding`` protocol),
not our storage: the store is always a real adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Operator, Presence
from vikno.storage.port import Store

# A Wednesday, 10:00 in Kyiv: the line is open.
OPEN_HOUR = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
# A Saturday, 23:00 in Kyiv: the line is closed.
CLOSED_HOUR = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)


class ScriptedNLU:
    """Answers from a table; unknown text is out of scope."""

    def __init__(self, table: dict[str, Parse] | None = None) -> None:
        self.table = table or {}

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        return self.table.get(text, Parse(text=text, language=None, intent=FALLBACK_INTENT, confidence=0.1))


def intent(text: str, name: str, language: str = "uk", confidence: float = 0.9, **kw) -> tuple[str, Parse]:
    return text, Parse(text=text, language=language, intent=name, confidence=confidence, **kw)


class Clock:
    """Fixed time that moves one second per reading, as real time would."""

    def __init__(self, now: datetime = OPEN_HOUR) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def nlu() -> ScriptedNLU:
    return ScriptedNLU(
        dict(
            [
                intent("де взяти крісло колісне", "disability"),
                intent("хочу поговорити з людиною", "human_handoff"),
                intent("дякую", "thanks"),
                intent("привіт", "greet"),
                intent("коли ви працюєте", "working_hours"),
                intent("I need a wheelchair", "disability", language="en"),
                intent("не хочу більше жити", FALLBACK_INTENT, confidence=0.2, crisis=True, crisis_score=0.97),
                intent(
                    "щось про гроші і житло",
                    FALLBACK_INTENT,
                    confidence=0.3,
                    ranking=(("social_benefits", 0.31), ("housing_compensation", 0.28), ("greet", 0.2)),
                ),
            ]
        )
    )


@pytest.fixture
def engine(any_store: Store, nlu: ScriptedNLU, clock: Clock) -> Engine:
    helplines = load_helplines(shipped_helpline_folders())
    return Engine(any_store, IdentityVault(b"test-secret-key-0123456789"), helplines, nlu, clock=clock)


async def on_duty(store: Store, login: str = "olena", **kw) -> Operator:
    """An operator who is online now (and so can answer), as the console leaves one after "online".

    The console touches ``last_seen_at`` while it is open; by default this one was seen at the
    latest of the fixed times the tests run at (pass ``last_seen_at`` for one who has gone).
    """
    kw.setdefault("presence", Presence.ONLINE)
    kw.setdefault("last_seen_at", CLOSED_HOUR)
    return await store.operators.create(
        Operator(login=login, display_name=login.title(), password_hash="$argon2id$x", **kw)
    )
