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

__all__ = ["AZ_PLAIN", "latin_spellings", "latin_twin"]

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
# The other habits people have for the same letters (language detection learns every spelling, latin_spellings):
# h for both г and х; the passport standard's ia/iu/ie/i/kh/shch; Russian habits (g, i, c, j) in Ukrainian words;
# kh/shch/ia/iu and x/j for Russian.
_UK_LETTERS = {**_COMMON, "г": "h", "ґ": "g", "є": "ye", "и": "y", "і": "i", "ї": "yi", "х": "kh"}
_RU_LETTERS = {**_COMMON, "г": "g", "ё": "yo", "и": "i", "х": "h", "ъ": "", "ы": "y", "э": "e"}


def _habit(letters: dict[str, str], changes: str) -> dict[int, str]:
    """A translation table: ``letters`` with ``changes`` ("х=h щ=sh") applied."""
    return str.maketrans({**letters, **dict(pair.split("=") for pair in changes.split())})


# How Ukrainians and Russians commonly type their letters on a Latin keyboard (chat habits, not a standard).
_UK = str.maketrans(_UK_LETTERS)
_RU = str.maketrans(_RU_LETTERS)
_UK_SPELLINGS = (
    _UK,
    _habit(_UK_LETTERS, "х=h"),
    _habit(_UK_LETTERS, "є=ie ї=i й=i щ=shch ю=iu я=ia"),
    _habit(_UK_LETTERS, "г=g є=e и=i ї=i х=h ц=c ж=j щ=sh"),
)
_RU_SPELLINGS = (
    _RU,
    _habit(_RU_LETTERS, "ё=e х=kh й=i щ=shch ю=iu я=ia ц=c"),
    _habit(_RU_LETTERS, "ё=e х=x ы=i ж=j щ=sh ь='"),
)
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


def latin_spellings(text: str, language: str) -> list[str]:
    """``text`` (Ukrainian or Russian) as people type it in Latin letters, once per common habit.

    Language detection learns Latin-typed Ukrainian and Russian from these ("ya hochu vmerty" was English): the
    habits differ between people (ya or ia, kh or h, shch or sch, y or i for и, ts or c), so every habit counts.
    """
    tables = {"uk": _UK_SPELLINGS, "ru": _RU_SPELLINGS}[language]
    low = text.lower()
    return list(dict.fromkeys(low.translate(table) for table in tables))
