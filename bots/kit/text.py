"""A person's text in, a reply's text out: cleaning, measuring, cutting to a platform's measure."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: Control characters nobody means to send (tab, newline and carriage return stay).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: A surrogate that is not half of a pair (JSON's ``\ud83d`` alone): nothing can store it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")


def clean_text(text: str, *, replacement: str = "\ufffd") -> str:
    """Text safe to store and show: no control characters, no lone surrogates.

    A pair of surrogates (an emoji written as two ``\\u`` escapes) becomes the one character it
    names; a lone one becomes ``replacement``.
    """
    if _SURROGATE.search(text):
        text = _LONE_SURROGATE.sub(replacement, text)
        text = text.encode("utf-16", "surrogatepass").decode("utf-16")
    return _CONTROL.sub("", text)


def cut_text(text: str, limit: int, channel: str) -> str:
    """At most ``limit`` characters: longer cannot come from the platform, so a forged one is cut, not stored."""
    if len(text) <= limit:
        return text
    log.info("%s: a text of %d characters was cut to %d", channel, len(text), limit)
    return text[:limit]


def utf16_units(text: str) -> int:
    """Length as Telegram and Viber count it: UTF-16 code units (an emoji is usually two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Measure:
    """How much one message of a platform may hold.

    ``units``: UTF-16 code units of the text. ``json_bytes``: when given, also the bytes the text
    takes inside a JSON string written as UTF-8 (Viber limits the whole request body).
    """

    units: int
    json_bytes: int | None = None

    def fitting(self, text: str) -> int:
        """How many characters of ``text`` fit."""
        units = size = 0
        most_bytes = self.json_bytes
        for index, ch in enumerate(text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if most_bytes is not None:
                size += _json_bytes(ch)
                if size > most_bytes:
                    return index
            if units > self.units:
                return index
        return len(text)


def _json_bytes(ch: str) -> int:
    """Bytes ``ch`` takes inside a JSON string encoded as UTF-8 (json.dumps, ensure_ascii=False)."""
    if ch in '"\\\n\r\t\b\f':
        return 2
    if ord(ch) < 0x20:
        return 6
    return len(ch.encode("utf-8", "replace"))


#: Where a long text is best cut, best first: a paragraph, a line, a sentence, a word.
_SEPARATORS = ("\n\n", "\n", ". ", "! ", "? ", " ")


def split_text(text: str, measure: Measure) -> list[str]:
    """Parts that each fit ``measure``, cut at a paragraph, line, sentence or word when one is near.

    The blank of the separator at a cut is dropped (it would only show as blank space; a
    sentence's full stop stays); a word longer than half a message is cut hard, but never inside
    a character sequence that shows as one (an emoji with skin tone or a family, a letter with its
    accent).
    """
    parts: list[str] = []
    rest = text
    while rest:
        fit = measure.fitting(rest)
        if fit == len(rest):
            parts.append(rest)
            break
        cut, skip = _nice_cut(rest, max(1, fit))
        head, rest = rest[:cut], rest[cut + skip :]
        if head:
            parts.append(head)
    return parts or [""]


def _nice_cut(text: str, limit: int) -> tuple[int, int]:
    """Where to cut, and how many blank characters there to drop."""
    window = text[:limit]
    for separator in _SEPARATORS:
        at = window.rfind(separator)
        if at >= limit // 2:
            kept = len(separator.rstrip())
            return at + kept, len(separator) - kept
    cut = limit
    while cut > 1 and (_joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut, 0


def _joins_previous(ch: str) -> bool:
    """A character that belongs to the one before it (never cut just before it)."""
    return (
        ch in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
    )
