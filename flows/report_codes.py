"""Reference codes of reports: what a reporter types later to add information or ask about status.

Twelve characters in three groups, e.g. ``K7MX-4TP9-HC3B``, from an
alphabet of 18 symbols: the digits 2-9 and the ten capital letters that look
the same in Latin and Cyrillic (A B C E H K M P T X). So the code can be
typed on a Ukrainian, Russian, Azerbaijani or English phone keyboard as it
is seen (a Cyrillic "К" is read as the Latin "K"), in any case, with or
without dashes and spaces, and nothing in it can be mistaken for another
symbol (no 0/O, 1/I/L, no B/8-like pairs beyond those both scripts share).

Entropy: 18**12 ≈ 1.2e15 (50 bits). Wrong guesses are limited per channel
user and per helpline each hour (flows/reports.py: at most
``GLOBAL_ATTEMPTS_PER_HOUR``); at that pace a whole year of guessing against
ten thousand open reports finds one with a chance of about 1 in 2,700.
The code is stored only as a keyed hash (``IdentityVault.code_hash``).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCEHKMPTX"
LENGTH = 12
GROUP = 4
#: Cyrillic letters (either case) that look like a letter of the alphabet, read as that letter.
#: How a code stands in the reporter's chat history: it is shown to them once and kept nowhere in clear.
MASKED_CODE = "••••-••••-••••"
_CYRILLIC = str.maketrans("АВСЕНКМРТХавсенкмртх", "ABCEHKMPTXABCEHKMPTX")
_SEPARATORS = re.compile(r"[\s\-–—_.]+")
#: A whole message that is a code as we show it (three groups of four, dashes or spaces between).
_SHAPED = re.compile(rf"[{ALPHABET}]{{{GROUP}}}([\s\-–—]?[{ALPHABET}]{{{GROUP}}}){{{LENGTH // GROUP - 1}}}")
#: The same shape as a word of a sentence (not inside a longer word).
_INSIDE = re.compile(rf"(?<![\w])(?:{_SHAPED.pattern})(?!\w)")
#: A neighbouring group of four joined to it by one separator, with a digit: then the code is part of a longer run
#: (a card number in groups of four, a serial number), not one of ours.
_GROUP_BEFORE = re.compile(r"(?:^|[^\w])(\w{4})[\s\-–—]$")
_GROUP_AFTER = re.compile(r"[\s\-–—](\w{4})(?!\w)")
_DASHES = "-–—"


def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def code_of(secret: bytes) -> str:
    """The code that secret bytes (at least 16, uniformly random to whoever lacks the key) stand for, grouped.

    128 bits or more read as one number in base 18: each symbol's bias is below 1e-30.
    """
    if len(secret) < 16:
        raise ValueError("a code needs at least 16 secret bytes")
    number, raw = int.from_bytes(secret, "big"), []
    for _ in range(LENGTH):
        number, symbol = divmod(number, len(ALPHABET))
        raw.append(ALPHABET[symbol])
    return "-".join("".join(raw[i : i + GROUP]) for i in range(0, LENGTH, GROUP))


def normalize(typed: str | None) -> str | None:
    """The code typed (any case, Cyrillic look-alikes, separators), or None if it cannot be one."""
    if not typed:
        return None
    text = _SEPARATORS.sub("", typed.strip().translate(_CYRILLIC).upper())
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def code_in(typed: str | None) -> tuple[str, str] | None:
    """A code inside a sentence ("status of my report K7MX-4TP9-HC3B"), and the message without it; or None.

    A reporter asking about their report writes the code into a sentence as often as on its own; read only
    whole, such a message was "not understood", and the code stayed in a chat that operators read. Inside a
    sentence a code must hold a letter and a digit: twelve digits or twelve look-alike letters in three groups
    are more likely something else (a number, capital words) than one of the rare codes without both.
    """
    if not typed:
        return None
    seen = typed.translate(_CYRILLIC).upper()  # one character for one: positions stay those of ``typed``
    for found in _INSIDE.finditer(seen):
        run, before, after = found.group(0), seen[: found.start()], seen[found.end() :]
        joined = [m.group(1) for m in (_GROUP_BEFORE.search(before), _GROUP_AFTER.match(after)) if m is not None]
        dashed = (after[:1], after[1:2]), (before[-1:], before[-2:-1])  # "SN-K7MX-…", "…-HC3B-2"
        if any(dash in _DASHES and next_to.isalnum() for dash, next_to in dashed if dash):
            continue
        if any(_has_digit(group) for group in joined):
            continue
        if _has_digit(run) and any(ch.isalpha() for ch in run):
            code = normalize(run)
            if code is not None:
                rest = typed[: found.start()] + " " + typed[found.end() :]
                return code, " ".join(rest.split())
    return None


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def looks_like_code(typed: str | None) -> bool:
    """A message that is nothing but a code in its shown shape (so it is read as one without asking)."""
    if not typed:
        return False
    text = typed.strip().translate(_CYRILLIC).upper()
    return bool(_SHAPED.fullmatch(text))
