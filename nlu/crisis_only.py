"""Crisis rules and language detection, without an intent model.

What the engine uses while the intent model is still loading or training
(or if it cannot be loaded): a crisis must be recognised from the first
second the process serves, whatever else is not ready yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from .crisis import CrisisDetector
from .language import detect_language, prepare
from .types import FALLBACK_INTENT, Parse


class CrisisOnlyNLU:
    def __init__(self) -> None:
        self.crisis = CrisisDetector()
        prepare()

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        found = self.crisis.detect(text)
        return Parse(text=text, language=detect_language(text, languages), intent=FALLBACK_INTENT, confidence=0.0,
                     crisis=found.crisis, crisis_score=found.score,
                     crisis_category=found.category if found.crisis else None)
