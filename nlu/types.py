"""The NLU boundary the dialogue engine depends on.

The engine never knows which backend answered (built-in classifier or a Rasa
server); it only sees a :class:`Parse`. Keeping this file tiny lets the engine,
the benchmarks and the tests agree on one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from collections.abc import Sequence

FALLBACK_INTENT = "nlu_fallback"
#: The built-in classifier's operating point unless a helpline sets another (``nlu.catch``,
#: ``vikno nlu train --catch``): the share of topics it was never taught that go to the fallback, as
#: measured on held-out folds of its training data. 0.75: real off-topic messages are caught more often than
#: the folds' held-out intents (at 0.75 CLINC150 val caught 86 %, the shipped test files 85-100 %); why in
#: ``classifier._Params.catch``.
CATCH_DEFAULT = 0.75
CATCH_MIN, CATCH_MAX = 0.5, 0.99  # below half it is hardly a fallback; 1.0 would send nearly everything there


@dataclass(frozen=True, slots=True)
class Parse:
    """What NLU understood of one message."""

    text: str
    language: str | None
    intent: str
    confidence: float
    crisis: bool = False
    crisis_score: float = 0.0
    # Best intents first, (intent, confidence); used for clarifying questions.
    ranking: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    # Which kind of crisis (suicide_self_harm, violence_now, child_in_danger,
    # threat_to_life) when ``crisis`` is set; lets the engine pick the right
    # emergency numbers and the queue a priority.
    crisis_category: str | None = None
    # Three levels (nlu/risk.py): "crisis", "check" (ask whether the person is
    # safe, an operator reads soon) or "none"; ``crisis`` is True exactly when
    # ``risk`` is "crisis". ``risk_reasons`` say why, for the operator
    # ("rule:no_want_live", "model:0.93").
    risk: str = "none"
    risk_reasons: tuple[str, ...] = ()
    # A message of several sentences: each sentence's best intent and confidence, for the sentences whose
    # best intent clears the fallback threshold (nlu/message_parts.py); empty for one sentence, or a backend
    # that does not read sentences apart.
    parts: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        # A backend (or a test) that only knows the flag still gets a consistent level.
        if self.crisis and self.risk != "crisis":
            object.__setattr__(self, "risk", "crisis")
        elif not self.crisis and self.risk == "crisis":
            object.__setattr__(self, "crisis", True)


class Understanding(Protocol):
    """Any NLU backend: built-in classifier or a remote Rasa server."""

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        """Understand ``text``; ``languages`` restricts language detection."""
        ...
