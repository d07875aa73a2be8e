"""Crisis rules and language detection, without an intent model.

What the engine uses while the intent model is still loading or training
(or if it cannot be loaded): a crisis must be recognised from the first
second the process serves, whatever else is not ready yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from .risk import RiskTriage
from .language import detect_language, prepare
from .types import FALLBACK_INTENT, Parse


class CrisisOnlyNLU:
    def __init__(self, triage: RiskTriage | None = None) -> None:
        self.triage = triage or RiskTriage()
        prepare()

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        return Parse(
            text=text,
            language=detect_language(text, languages),
            intent=FALLBACK_INTENT,
            confidence=0.0,
            **self.triage.assess(text).parse_fields(),  # type: ignore[arg-type]  # crisis fields
        )
