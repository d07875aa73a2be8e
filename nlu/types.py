"""The NLU boundary the dialogue engine depends on.

The engine never knows which backend answered (built-in classifier or a Rasa
server); it only sees a :class:`Parse`. Keeping this file tiny lets the engine,
the benchmarks and the tests agree on one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

FALLBACK_INTENT = "nlu_fallback"


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


class Understanding(Protocol):
    """Any NLU backend: built-in classifier or a remote Rasa server."""

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        """Understand ``text``; ``languages`` restricts language detection."""
        ...
