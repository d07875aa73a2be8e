"""The spelling people use when their keyboard is not the language's: Latin for Cyrillic, no special letters.

Children and adults write Ukrainian and Russian in Latin letters ("mne ochen
ploho", "ne mozhu zhyty") and Azerbaijani without ə ı ö ü ğ ş ç
("yasamaq istemirem"). Training data written by people has far fewer such
messages than real chats, and unevenly: a corpus with transliterated crises
but few transliterated everyday questions teaches a model that Latin-script
Ukrainian *is* a crisis ("seychas rabotaete?" became a safety question).
A twin of every example in the other spelling, with the same label, takes
the script out of the evidence and teaches both spellings of every phrase.
"""

from __future__ import annotations

import re

__all__ = ["AZ_PLAIN", "latin_twin"]

_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sch",
    "ь": "",
    "ю": "yu",
    "я": "ya",
    "'": "",
    "’": "",
    "ʼ": "",
}
# How Ukrainians and Russians commonly type their letters on a Latin keyboard (chat habits, not a standard).
_UK = str.maketrans({**_COMMON, "г": "h", "ґ": "g", "є": "ye", "и": "y", "і": "i", "ї": "yi", "х": "kh"})
_RU = str.maketrans({**_COMMON, "г": "g", "ё": "yo", "и": "i", "х": "h", "ъ": "", "ы": "y", "э": "e"})
#: Azerbaijani's own letters and the plain Latin letters typed for them on a phone (also read by risk_context.py
#: and flows/safety_answers.py, so that every part of vikno folds them alike).
AZ_PLAIN = {"ə": "e", "ı": "i", "ö": "o", "ü": "u", "ğ": "g", "ş": "s", "ç": "c"}
_AZ = str.maketrans(AZ_PLAIN)
_CYR = re.compile(r"[а-яёіїєґ]")
_UK_ONLY = re.compile(r"[іїєґ]")
_RU_ONLY = re.compile(r"[ёъыэ]")
_AZ_LETTERS = re.compile(f"[{''.join(AZ_PLAIN)}]")


def latin_twin(text: str) -> str | None:
    """The same message as typed without the language's own letters, or None when it has none to lose.

    Ukrainian or Russian is told by the letters only one of them has (і ї є ґ,
    ё ъ ы э); a message with neither follows Russian habits, a guess either
    way, and a twin for training need not be perfect, only plausible.
    """
    low = text.lower()
    if _CYR.search(low):
        table = _UK if _UK_ONLY.search(low) and not _RU_ONLY.search(low) else _RU
        return low.translate(table)
    if _AZ_LETTERS.search(low):
        return low.translate(_AZ)
    return None
