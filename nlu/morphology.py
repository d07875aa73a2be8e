"""A word's base form, so that an inflected form the training data never had meets the forms it had.

Ukrainian, Russian and Azerbaijani put the grammar at the end of the word: "допомога / допомогу / допомогою",
"помощь / помощи", "uşaq / uşağa / uşaqlarımız". The classifier's character n-grams and its five-letter
prefixes catch part of that; they miss what changes the word's start or its length ("хочу / хотіти",
"бьют / бить", "мене / я"), and a short data set has one or two forms of each word. The base-form block of
the classifier (``IntentClassifier`` ``base_weight``) adds a feature for each word's base (an Azerbaijani word's
stems: each of them).

- Ukrainian and Russian: the lemma from ``pymorphy3`` with the OpenCorpora / VESUM dictionaries of
  ``pymorphy3-dicts-ru`` and ``pymorphy3-dicts-uk`` (installed from PyPI with their data; nothing is fetched
  at run time). There is no Ukrainian Snowball stemmer, and a dictionary also knows the irregular forms.
  ~60-80 µs a word, so lemmas are remembered (:data:`CACHE_WORDS`), and the classifier keeps its training
  words' lemmas inside the model: at parse only words training never saw ask the analyser.
- Azerbaijani: no analyser or encoder on PyPI knows it, so :func:`az_stems` strips a short, documented list
  of its case, possessive, plural, personal and common verb endings (:data:`AZ_SUFFIXES`), on the word with
  its special letters folded to plain ones, so "uşağa" and "usaga" get one base.
- English and other languages: no base (the block is empty for them).
"""

from __future__ import annotations

import threading
from typing import Any

from .noise import AZ_PLAIN
from .textnorm import tokens

__all__ = [
    "AZ_SUFFIXES",
    "CACHE_WORDS",
    "MAX_LOOKUPS",
    "CYRILLIC",
    "available",
    "az_stems",
    "base_grams",
    "cyrillic_language",
    "lemma",
    "loaded",
]

_AZ_FOLD = str.maketrans(AZ_PLAIN)

#: Azerbaijani endings by their place in the word, last first, written with the special letters folded (ı i ü u
#: -> i u, ə -> e: vowel harmony's variants then differ only in a/e and i/u). A noun is root + plural +
#: possessive + case + copula or person; a verb root + negation + tense + person; each place gives up at most
#: one ending (the longest that fits), so "uşaqlarımızda" is uşaq-lar-ımız-da and not cut past its root.
# fmt: off
AZ_SUFFIXES: tuple[tuple[str, ...], ...] = (
    # copula and person: is, I am, you are, you (pl.) are; (-ıq "we are" is left out: it is the end of hüquq)
    ("dir", "dur", "tir", "tur", "am", "em", "yam", "yem", "san", "sen", "siniz", "sunuz"),
    # case: genitive, dative, accusative, locative, ablative, instrumental (n after a possessive);
    # tense: present, past, future, perfect, conditional, infinitive, want-to, must
    (
        "nin", "nun", "in", "un", "a", "e", "i", "u", "ni", "nu", "da", "de", "ta", "te", "nda", "nde",
        "dan", "den", "tan", "ten", "ndan", "nden", "la", "le", "ile",
        "ir", "ur", "mir", "mur", "di", "du", "ti", "tu", "acaq", "ecek", "mis", "mus", "sa", "se",
        "maq", "mek", "maliyam", "meliyem", "mali", "meli",
    ),
    # possessive: my, your, his/her, our, your (pl.), their; negation
    (
        "im", "um", "m", "in", "un", "n", "i", "u", "si", "su", "imiz", "umuz", "miz", "muz",
        "iniz", "unuz", "niz", "nuz", "lari", "leri", "ma", "me",
    ),
    # plural
    ("lar", "ler"),
)
# fmt: on
_BY_LENGTH = tuple(tuple(sorted(set(place), key=lambda s: (-len(s), s))) for place in AZ_SUFFIXES)
_VOWELS = frozenset("aeiou")
_MIN_STEM = 3


def _restore(stem: str) -> str:
    """The consonant an ending softened put back: uşaq -> uşağ-a, kömək -> köməy-ə (folded: g -> q, y -> k)."""
    if len(stem) > _MIN_STEM and stem[-2] in _VOWELS:
        if stem[-1] == "g":
            return stem[:-1] + "q"
        if stem[-1] == "y":
            return stem[:-1] + "k"
    return stem


def az_stems(word: str) -> list[str]:
    """The Azerbaijani word and its stems, each ending off in turn (a table: tests/nlu/test_morphology.py).

    Special letters folded, so "uşağa" and "usaga" give the same. Without a dictionary an ending and the last
    letters of a root look alike ("müəllim" ends like "my"), so every stem on the way is a base, not only the
    shortest: "müəllimə" -> müəllimə, müəllim, müəll; "müəllim" -> müəllim, müəll; the forms of one word meet at
    one of them,
    and a stem that is not a word meets nothing. A stem keeps at least three letters and a vowel (four for a
    one-letter ending), so short roots (ev, su, iş) stay whole.
    """
    w = word.lower().translate(_AZ_FOLD)
    out = [_restore(w)]
    for place in _BY_LENGTH:
        for suf in place:
            rest = w[: -len(suf)]
            if (
                w.endswith(suf)
                and len(rest) >= (_MIN_STEM + 1 if len(suf) == 1 else _MIN_STEM)
                and not _VOWELS.isdisjoint(rest)
            ):
                w = rest
                out.append(_restore(w))
                break
    return out


# ----------------------------------------------------------------------------- Ukrainian and Russian lemmas
#: Words whose lemma is remembered per language (a few MB); the memory starts over when full.
CACHE_WORDS = 50_000
#: Dictionary look-ups (words not remembered) one message may ask for; its other words get no base. A message of
#: a thousand made-up Cyrillic words would otherwise cost ~70 ms of a core; 40 cost under 3 ms, and a real
#: message has a handful of words the training data never had.
MAX_LOOKUPS = 40
_lock = threading.Lock()
_analysers: dict[str, Any] = {}  # pymorphy3.MorphAnalyzer by language
_lemmas: dict[str, dict[str, str]] = {"uk": {}, "ru": {}}
_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")
CYRILLIC = frozenset("абвгдежзийклмнопрстуфхцчшщьюяіїєґыэъё")


def available() -> bool:
    """Whether the analyser and both dictionaries are installed (they are dependencies)."""
    try:
        import pymorphy3  # noqa: F401
        import pymorphy3_dicts_ru  # noqa: F401
        import pymorphy3_dicts_uk  # noqa: F401
    except ImportError:
        return False
    return True


def loaded() -> list[str]:
    """Languages whose dictionary is in memory (~28 MB uk, ~18 MB ru)."""
    return sorted(_analysers)


def _analyser(lang: str) -> Any:
    a = _analysers.get(lang)
    if a is None:
        with _lock:
            a = _analysers.get(lang)
            if a is None:
                import pymorphy3

                a = pymorphy3.MorphAnalyzer(lang=lang)
                _analysers[lang] = a
    return a


def lemma(word: str, lang: str) -> str:
    """The dictionary form of a lower-case Cyrillic ``word`` in ``lang`` ("uk" or "ru"), remembered."""
    memo = _lemmas[lang]
    out = memo.get(word)
    if out is None:
        out = _analyser(lang).parse(word)[0].normal_form.replace("ё", "е").replace("ґ", "г")
        if len(memo) >= CACHE_WORDS:
            memo.clear()
        memo[word] = out
    return out


def cyrillic_language(word: str, language: str | None) -> str:
    """Which dictionary reads a Cyrillic word: the message's language if uk or ru, else the word's letters."""
    if language in ("uk", "ru"):
        return language
    return "uk" if not _UK_ONLY.isdisjoint(word) else "ru"


def base_grams(norm: str, language: str | None, known: dict[str, str] | None = None) -> list[str]:
    """The base-form block's grams of a normalised message: ``=base`` for each word that has one.

    ``language`` is the message's (as detected): Cyrillic words get their uk/ru lemma (Russian words in an
    Azerbaijani message too), Latin words in an Azerbaijani message their :func:`az_stems`; English words and
    Latin-typed Ukrainian or Russian get none. ``known`` ("lang:word" -> base, e.g. the training words') is
    looked up before the analyser, which is asked :data:`MAX_LOOKUPS` times at most.
    """
    out: list[str] = []
    budget = MAX_LOOKUPS
    for w in tokens(norm):
        if w[0] in CYRILLIC:
            lang = cyrillic_language(w, language)
            base = known.get(f"{lang}:{w}") if known is not None else None
            if base is None:
                base = _lemmas[lang].get(w)
            if base is None and budget > 0:
                budget -= 1
                base = lemma(w, lang)
            if base is not None:
                out.append("=" + base)
        elif language == "az" and w.isalpha():
            out.extend("=" + stem for stem in az_stems(w))
    return out
