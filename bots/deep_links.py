"""What a link that opens a chat carries: a line, a language, a topic's start word.

Telegram hands it over as ``/start <param>``, Viber as the ``context`` of
``conversation_started``. One reading for both, so a family-care service
writes the same tail (``kharkiv-1552_uk--child``) whichever messenger the
child has.
"""

from __future__ import annotations

import re

from vikno.flows.content import SUPPORTED_LANGUAGES

_DEEP_LINK = re.compile(r"^(?P<line>[a-z][a-z0-9_-]{0,63}?)(?:[_-](?P<lang>[a-z]{2}))?$")
_PARAM = re.compile(r"[A-Za-z0-9_-]{1,64}")


def deep_link(param: str | None) -> tuple[str | None, str | None]:
    """``(helpline, language)`` named by a ``/start`` parameter: ``uk``, ``community-1620`` or ``community-1620_en``."""
    if not param or not _PARAM.fullmatch(param):
        return None, None
    param = param.lower()
    if param in SUPPORTED_LANGUAGES:
        return None, param
    match = _DEEP_LINK.match(param)
    if match is None:
        return None, None
    lang = match["lang"]
    if lang is not None and lang not in SUPPORTED_LANGUAGES:  # "kids_xy": the whole is the helpline id
        return (param if re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", param) else None), None
    return match["line"], lang


def start_word(param: str) -> tuple[str, str | None]:
    """A ``/start`` parameter without its topic's start word (after ``--``), and the word: ``uk--child``."""
    head, sep, word = param.partition("--")
    if sep and re.fullmatch(r"[a-z][a-z0-9_]{0,31}", word.lower()):
        return head, word.lower()
    return param, None
