"""Text normalisation shared by the classifier and the crisis detector.

Helpline messages mix scripts inside one word (a Latin "i" or "o" typed on a
Ukrainian keyboard layout), use four different apostrophes for the Ukrainian
one, write ё or е at random and stretch words ("пліііз"). Folding all of that
before feature extraction means the training data does not have to contain
every variant.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LATIN_LOOKALIKES", "normalize", "tokens"]

# Apostrophes and ё/ґ: a regex and str.replace, not str.translate: on Cyrillic
# text translate looks every character up in a dict (~17 µs for a short message,
# twice per message), the regex scans in C and replace is a memchr.
_APOSTROPHE = re.compile("[’ʼ`´‘ʹ′]")
# Latin letters that look like Cyrillic ones, used inside otherwise Cyrillic words (public: the typed answers to
# the safety question, flows/safety_answers.py, read them the same way).
LATIN_LOOKALIKES = str.maketrans("aceiopxykmthb", "асеіорхукмтнв")
_LAT2CYR = LATIN_LOOKALIKES
_CYR2LAT = str.maketrans("асеіорхукмтнв", "aceiopxykmthb")
_CYR = re.compile(r"[а-яіїєґ]")
_LAT = re.compile(r"[a-z]")
_MIXED_WORD = re.compile(r"\b\w*(?:[а-яіїєґ]\w*[a-z]|[a-z]\w*[а-яіїєґ])\w*\b")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_NON_WORD = re.compile(r"[^\w'\s]+")
_APOS_EDGE = re.compile(r"(?<!\w)'|'(?!\w)")
_SPACES = re.compile(r"\s+")
# Invisible characters (zero-width spaces and joiners, word joiner, BOM, soft hyphen, direction marks and
# embeddings): the word pattern would cut a word at each, so "х\u200bочу вмерти" hid a crisis from the rules.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# Combining marks left over once base + mark pairs are composed (stress marks on Ukrainian words, junk).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TOKEN = re.compile(r"\w+(?:'\w+)*")


def _fix_mixed(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(_CYR.findall(word)) >= len(_LAT.findall(word)):
        return word.translate(_LAT2CYR)
    return word.translate(_CYR2LAT)


def normalize(text: str) -> str:
    """Lowercase, one apostrophe, ё→е, ґ→г, homoglyphs fixed, stretched letters shortened, punctuation dropped.

    Azerbaijani's capital İ lowers to two code points in Python ("İndi" -> "i̇ndi"); phones capitalise the
    first word of a message, so without folding the dot away most capitalised Azerbaijani messages lost
    their first word ("i ndi"), in the classifier and the crisis model alike.
    """
    t = text.lower()
    if _INVISIBLE.search(t):
        t = _INVISIBLE.sub("", t)
    if _COMBINING.search(t):
        # compose first (и + breve is й, c + cedilla is ç: letters, not marks), then drop the marks left over
        t = unicodedata.normalize("NFC", t.replace("i\u0307", "i"))
        t = _COMBINING.sub("", t)
    if "\u0307" in t:  # "İ".lower() is "i" + a combining dot, which the word pattern would cut the word at
        t = t.replace("i\u0307", "i")
    if "ё" in t:
        t = t.replace("ё", "е")
    if "ґ" in t:
        t = t.replace("ґ", "г")
    t = _APOSTROPHE.sub("'", t)
    if _CYR.search(t) and _LAT.search(t):
        t = _MIXED_WORD.sub(_fix_mixed, t)
    t = _REPEAT.sub(r"\1\1", t)
    t = _NON_WORD.sub(" ", t)
    t = _APOS_EDGE.sub(" ", t)
    return _SPACES.sub(" ", t).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of already normalised text (apostrophe kept inside words: сім'я)."""
    return _TOKEN.findall(text)
