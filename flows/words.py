"""The words of what a person typed, split one way for every flow that reads typed answers.

The report form (options, about whom, urgency), the appeal form, the optional questions and the topics'
``phrases`` each had a splitter of their own, and they disagreed on apostrophes: "б'є" was one word for
one of them and two ("б", "є") for another, so a phrase with an apostrophe could never match a typed
answer split the other way. Here a word is a run of letters, an apostrophe inside a word is kept and
written as ' whichever of the four a keyboard gave, and ё is read as е (people type either). The
Azerbaijani capital İ is read as i: Python lowers it to "i" and a combining dot, which split "İmtina" into
"i" and "mtina" (session 16's attack).
"""

from __future__ import annotations

import re

_FOLD = str.maketrans({"ʼ": "'", "’": "'", "‘": "'", "`": "'", "ё": "е"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)


def words(text: str | None) -> list[str]:
    """The words of a text in lower case, an apostrophe inside a word kept (as '), ё as е."""
    return _WORD.findall((text or "").replace("İ", "i").lower().translate(_FOLD))


def says_only(text: str | None, vocabulary: set[str]) -> bool:
    """A message that is one of these words or phrases (and nothing else but punctuation and emoji)."""
    return " ".join(words(text)) in vocabulary
