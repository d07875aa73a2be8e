"""Reference numbers of citizens' appeals: what a citizen reads out on the phone or types to ask for status.

Sixteen digits in four groups, e.g. ``4821-0937-5512-0846``: fifteen random
digits and a check digit (Damm's algorithm). Digits only, because a citizen
of a contact centre asks on the phone as often as in a chat: digits are read
out the same way in Ukrainian, Russian and English, typed on a phone's number
pad (and one day on a phone line's keypad), and look the same on every
keyboard and in every script (no Cyrillic look-alikes, no 0/O). Four groups of
four is the shape people already read out and type without losing their
place (a bank card's). The check digit catches every single mistyped digit
and every swap of two neighbours before any lookup: the citizen is told
"check the number" at once, and such a number costs no attempt (it cannot be
anyone's, and whoever guesses computes check digits anyway).

Not a counter ("ЧК-2026-004213"): a status answer tells whoever has the
number how an appeal stands and to which authority it went, and a counter
would hand every appeal to anyone who counts. Fifteen random digits are
10**15 numbers (50 bits, as many as a report's code: flows/report_codes.py);
attempts are limited per person and per line (flows/appeals.py), so a year
of guessing at the line's whole ceiling against 30,000 appeals (two years of
300 a week) finds one with a chance of about 1 in 1,900.

A message of sixteen digits could also be a bank card's number; only lines
with appeals read one as an appeal's number, and a card's is answered "no
such appeal" (or "check the number") like any other. Phone numbers have at
most fifteen digits, so none is ever read as one.

The number is stored only as a keyed hash (``IdentityVault.code_hash``),
with its last four digits for operators to match what a caller says.
"""

from __future__ import annotations

import re
import secrets

DIGITS = 16
GROUP = 4
#: Damm's quasigroup of order 10: a check digit that catches all single errors and adjacent swaps.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
#: What may stand before a number ("№ 4821…", "#4821…", "N4821…") and between its digits.
_PREFIX = re.compile(r"^\s*(?:№|#|n|no\.?|nr\.?)?\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-–—_./]+")
#: A whole message that is a number as people write it: sixteen digits, in groups or not.
_SHAPED = re.compile(r"\d{4}(?:[\s\-–—./]?\d{4}){3}")
#: The same inside a sentence: no digit joined to it on either side.
_INSIDE = re.compile(r"(?<![\d\-–—./])(?<!\d\s)" + _SHAPED.pattern + r"(?![\d]|[\s\-–—./]\d)")


def _interim(digits: str) -> int:
    at = 0
    for ch in digits:
        at = _DAMM[at][ord(ch) - 48]
    return at


def check_digit(digits: str) -> str:
    return str(_interim(digits))


def grouped(digits: str) -> str:
    return "-".join(digits[i : i + GROUP] for i in range(0, DIGITS, GROUP))


def new_number() -> str:
    """A fresh number, grouped for reading: ``XXXX-XXXX-XXXX-XXXX``."""
    body = "".join(secrets.choice("0123456789") for _ in range(DIGITS - 1))
    return grouped(body + check_digit(body))


def number_of(secret: bytes) -> str:
    """The number that secret bytes (at least 16, uniformly random to whoever lacks the key) stand for, grouped.

    128 bits or more read as one number in base 10 for the fifteen digits: each digit's bias is below 1e-20.
    A draft's number comes from it (``IdentityVault.appeal_number_bytes``), so whichever worker finds the
    draft's appeal made tells the number it was made with.
    """
    if len(secret) < 16:
        raise ValueError("a number needs at least 16 secret bytes")
    body = str(int.from_bytes(secret, "big") % 10 ** (DIGITS - 1)).zfill(DIGITS - 1)
    return grouped(body + check_digit(body))


def digits_of(typed: str | None) -> str | None:
    """The sixteen digits of a typed number (a "№" before, spaces, dashes or dots between), or None."""
    if not typed:
        return None
    text = _SEPARATORS.sub("", _PREFIX.sub("", typed.strip(), count=1))
    if len(text) != DIGITS or not text.isascii() or not text.isdigit():
        return None
    return text


def normalize(typed: str | None) -> str | None:
    """The number as shown (grouped), when the typed one has sixteen digits and its check digit is right."""
    digits = digits_of(typed)
    if digits is None or _interim(digits) != 0:
        return None
    return grouped(digits)


def looks_like_number(typed: str | None) -> bool:
    """A message that is nothing but sixteen digits (with "№", spaces or dashes): read as a number unasked."""
    if not typed:
        return False
    return bool(_SHAPED.fullmatch(_PREFIX.sub("", typed.strip(), count=1).strip()))


def number_in(typed: str | None) -> str | None:
    """Sixteen digits standing as one run inside a sentence ("мій номер 4821-0937-5512-0846, дякую"), or None.

    Read only where the number was asked for (a card's number in a sentence is also sixteen digits): there a
    sentence around it was taken for a question and the number step ended.
    """
    if not typed:
        return None
    runs = [m.group(0) for m in _INSIDE.finditer(typed) if m.group(0).isascii()]
    return runs[0] if len(runs) == 1 else None


def tail(number: str) -> str:
    """The last four digits: what the console shows of a number (operators match a caller's by it)."""
    return number[-GROUP:]
