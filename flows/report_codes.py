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


def looks_like_code(typed: str | None) -> bool:
    """A message that is nothing but a code in its shown shape (so it is read as one without asking)."""
    if not typed:
        return False
    text = typed.strip().translate(_CYRILLIC).upper()
    return bool(_SHAPED.fullmatch(text))
