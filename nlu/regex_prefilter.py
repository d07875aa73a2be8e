"""Which crisis rules could match a text, without running them.

Python's ``re`` has no multi-pattern matching: the crisis layer used to run
every one of its ~100 rules over every message, which made it the most
expensive step of a typed message. Each rule's regex, though, can only match
a text that contains some literal piece of it ("самогуб", "suicid",
"таблет"...). This module derives such a set of pieces from the regex's own
parse tree, shortened to at most three characters, so a single pass over the
message's 1-3 character substrings tells which rules are worth running.

The derivation is sound by construction (every match of the regex contains
one of the pieces) and falls back to "always run" wherever it is unsure
(case-insensitive groups, negated or wide character classes, optional parts).
So the prefilter never changes a crisis decision, it only skips regexes
that cannot match; the tests compare both ways over every text we have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from math import prod
from re import _constants as C  # type: ignore[attr-defined]  # re's own parser (sre) is not in typeshed
from re import _parser  # type: ignore[attr-defined]  # (same)
from typing import Any

__all__ = ["GRAM", "piece_lengths", "required_grams", "text_grams"]

#: The longest piece kept. Three characters already select well (a rare
#: trigram of a stem) and keep the message's piece set small.
GRAM = 3
#: A character class is expanded into its characters only when it is this small.
_SMALL_CLASS = 8
#: A run of small classes offers at most this many pieces (else it is not worth a set).
_MAX_PIECES = 64

_Grams = frozenset[str]


def required_grams(pattern: re.Pattern[str]) -> _Grams | None:
    """Pieces of at most ``GRAM`` characters, one of which every match contains; None if unknown."""
    if pattern.flags & re.IGNORECASE:
        return None
    grams = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    if grams is None or not grams:
        return None
    return frozenset(g[:GRAM] for g in grams)


def text_grams(text: str, lengths: Iterable[int] = range(1, GRAM + 1)) -> set[str]:
    """Every substring of ``text`` of the given lengths (by default 1 to ``GRAM`` characters).

    Ask only for the lengths the pieces have: this runs on every message.
    """
    grams: set[str] = set()
    for width in lengths:
        grams.update({text[i : i + width] for i in range(len(text) - width + 1)})
    return grams


def piece_lengths(pieces: Iterable[frozenset[str] | None]) -> tuple[int, ...]:
    """The lengths ``text_grams`` must produce to test all these piece sets."""
    return tuple(sorted({len(p) for group in pieces if group for p in group}))


def _better(a: _Grams | None, b: _Grams | None) -> _Grams | None:
    """The more selective of two alternatives (longer shortest piece, then fewer pieces)."""
    if a is None:
        return b
    if b is None:
        return a

    def score(s: _Grams) -> tuple[int, int]:
        return (min(min(len(g), GRAM) for g in s), -len(s))

    return a if score(a) >= score(b) else b


def _sequence(items: list | _parser.SubPattern) -> _Grams | None:
    """A concatenation needs what any one of its parts needs: keep the best part.

    Consecutive literals and small classes ("s[uy][iy]") form a run; every
    window of it is needed, so the run offers its most selective window.
    """
    best: _Grams | None = None
    run: list[frozenset[str]] = []
    for op, av in items:
        chars = frozenset(chr(av)) if op is C.LITERAL else _small_class(av) if op is C.IN else None
        if chars is not None:
            run.append(chars)
            continue
        best = _better(best, _run_grams(run))
        run = []
        best = _better(best, _node(op, av))
    return _better(best, _run_grams(run))


def _run_grams(run: list[frozenset[str]]) -> _Grams | None:
    if not run:
        return None
    width = min(GRAM, len(run))
    windows = [run[i : i + width] for i in range(len(run) - width + 1)]
    window = min(windows, key=lambda w: prod(len(chars) for chars in w))
    if prod(len(chars) for chars in window) > _MAX_PIECES:
        return None
    return frozenset("".join(p) for p in product(*window))


def _node(op: object, av: Any) -> _Grams | None:  # av: sre's argument of op, untyped
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & C.SRE_FLAG_IGNORECASE else _sequence(sub)
    if op is C.ATOMIC_GROUP:
        return _sequence(av)
    if op is C.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            grams = _sequence(branch)
            if grams is None:  # one branch may match without any known piece
                return None
            union |= grams
        return frozenset(union)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    if op is C.IN:
        return _small_class(av)
    # AT, ANY, NOT_LITERAL, CATEGORY, ASSERT, ASSERT_NOT, GROUPREF...: nothing certain.
    return None


def _small_class(items: list[tuple[object, Any]]) -> _Grams | None:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            low, high = av
            if high - low >= _SMALL_CLASS:
                return None
            chars.update(chr(c) for c in range(low, high + 1))
        else:  # NEGATE, CATEGORY, ...
            return None
        if len(chars) > _SMALL_CLASS:
            return None
    return frozenset(chars) if chars else None
