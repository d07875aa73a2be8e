"""Optional backend: a Rasa server's ``POST /model/parse`` over HTTP.

Only intents come from the remote server. Language detection and, above all,
the crisis layer stay local: safety must not depend on a remote model that may
be down, slow, or trained without crisis data. Any failure of the server
(down, timeout, bad JSON) yields the local crisis result + ``nlu_fallback``;
nothing is raised into the dialogue engine.
"""

from __future__ import annotations

import logging
from typing import Any
from collections.abc import Sequence

import aiohttp

from .risk import RiskTriage
from .language import detect_language
from .types import FALLBACK_INTENT, Parse

__all__ = ["RasaHTTPNLU", "parse_rasa_answer"]

log = logging.getLogger(__name__)


def parse_rasa_answer(answer: Any) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """(intent, confidence, ranking) from Rasa's JSON; raises ValueError on an unexpected shape."""
    if not isinstance(answer, dict):
        raise ValueError("answer is not a JSON object")
    intent = answer.get("intent") or {}
    name = intent.get("name") if isinstance(intent, dict) else None
    conf = float(intent.get("confidence") or 0.0) if isinstance(intent, dict) else 0.0
    ranking: list[tuple[str, float]] = []
    for item in answer.get("intent_ranking") or []:
        if isinstance(item, dict) and item.get("name"):
            ranking.append((str(item["name"]), float(item.get("confidence") or 0.0)))
    if not name:
        name = ranking[0][0] if ranking else FALLBACK_INTENT
        conf = ranking[0][1] if ranking else 0.0
    if not ranking:
        ranking = [(str(name), conf)]
    return str(name), conf, tuple(ranking)


class RasaHTTPNLU:
    """Implements :class:`vikno.nlu.types.Understanding` by asking a Rasa server."""

    def __init__(
        self, url: str, timeout: float = 3.0, languages: Sequence[str] | None = None, triage: RiskTriage | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.languages = tuple(languages) if languages else None
        self.triage = triage or RiskTriage()
        self._session: aiohttp.ClientSession | None = None

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        language = detect_language(text, languages or self.languages)
        risk = self.triage.assess(text).parse_fields()
        try:
            session = await self._get_session()
            async with session.post(f"{self.url}/model/parse", json={"text": text}) as resp:
                if resp.status != 200:
                    raise ValueError(f"HTTP {resp.status}")
                answer = await resp.json(content_type=None)
            intent, conf, ranking = parse_rasa_answer(answer)
        except Exception as exc:  # noqa: BLE001 - the engine must always get a Parse
            log.warning("Rasa server %s unavailable (%s); using nlu_fallback", self.url, exc)
            return Parse(text, language, FALLBACK_INTENT, 0.0, **risk)  # type: ignore[arg-type]  # crisis fields
        return Parse(text, language, intent, conf, ranking=ranking, **risk)  # type: ignore[arg-type]  # crisis fields

    async def __aenter__(self) -> RasaHTTPNLU:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
