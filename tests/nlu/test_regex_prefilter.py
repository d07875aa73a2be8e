"""The crisis prefilter may skip a rule only when the rule cannot match.

Soundness is checked two ways: on crafted patterns (what the derivation
promises for each regex construct) and on every text the project has
(training and test data in four languages, the three crisis tables, their
substrings): wherever a rule's regex matches, the text holds one of the
rule's pieces, and the detector's answer is the same with and without
the prefilter.
"""

from __future__ import annotations

import dataclasses

import random
import re
from pathlib import Path

import pytest

from tests.nlu import test_crisis, test_crisis_fresh, test_crisis_independent, test_crisis_warning_signs
from tests.nlu.crisis_table import texts
from vikno.nlu import crisis
from vikno.nlu.rasa_yaml import load_examples
from vikno.nlu.regex_prefilter import GRAM, piece_lengths, required_grams, text_grams
from vikno.nlu.textnorm import normalize

DATA = Path(crisis.__file__).parent / "data"


def _corpus() -> list[str]:
    found = [e.text for e in load_examples(DATA)]
    for table in (
        test_crisis_fresh.CRISIS,
        test_crisis_fresh.ORDINARY,
        test_crisis.CRISIS,
        test_crisis.NOT_CRISIS,
        test_crisis_independent.CRISIS,
        test_crisis_independent.NON_CRISIS,
        test_crisis_independent.AMBIGUOUS,
        test_crisis_warning_signs.WARNING_SIGNS,
        test_crisis_warning_signs.ORDINARY,
        test_crisis_warning_signs.WARNING_SIGNS_ROUND2,
        test_crisis_warning_signs.ORDINARY_ROUND2,
    ):
        found += texts(table)
    return found


CORPUS = _corpus()


def _unfiltered() -> list[crisis._Rule]:
    """The detector's rules with every field as it is (also, ask, unless...), only the prefilter's pieces off.

    Made once per test, not once per text: copying ~150 frozen rules for each of ~21,000 texts was two thirds
    of the comparison's time, and the copies are the same every time.
    """
    return [dataclasses.replace(r, grams=None) for r in crisis._RULES]


def _full_hits(norm: str, unfiltered: list[crisis._Rule]) -> list[str]:
    """The rules that fire when every regex runs (the prefilter switched off)."""
    saved = crisis._RULES
    try:
        crisis._RULES = unfiltered
        return [rule.name for _, rule in crisis._hits(norm)]
    finally:
        crisis._RULES = saved


@pytest.mark.parametrize(
    "pattern, grams",
    [
        (r"\bсамогуб\w*", {"сам"}),
        (r"\b(?:таблет\w*|pills)\s+", {"таб", "pil"}),
        (r"s[uy][iy][ct]", {"sui", "suy", "syi", "syy"}),  # the most selective window of the run
        (r"(?:не|ne)\s+хочу", {"хоч"}),  # the longer piece wins
        (r"ab", {"ab"}),
        (r"x(?:ab)+", {"ab"}),  # a repeat of at least once is needed; the longer piece wins
    ],
)
def test_pieces_of_crafted_patterns(pattern: str, grams: set[str]) -> None:
    assert required_grams(re.compile(pattern)) == grams


@pytest.mark.parametrize(
    "pattern",
    [
        r"\w+\s+\d+",  # no literal at all
        r"(?:ab|\w+)",  # one branch needs nothing known
        r"(?:abc)?",  # optional
        r"[^a]",  # a negated class
        r"[a-z]",  # a wide class
        r"(?i:hello)",  # case-insensitive group
        r"(?:abc|)",  # an empty branch
    ],
)
def test_unknown_means_always_run(pattern: str) -> None:
    assert required_grams(re.compile(pattern)) is None


def test_case_insensitive_pattern_is_never_filtered() -> None:
    assert required_grams(re.compile("hello", re.IGNORECASE)) is None


def test_text_grams_are_all_short_substrings() -> None:
    text = "я не хочу"
    expected = {text[i:j] for i in range(len(text)) for j in range(i + 1, min(i + GRAM, len(text)) + 1)}
    assert text_grams(text) == expected
    assert text_grams("") == set()
    assert text_grams("abcd", (2,)) == {"ab", "bc", "cd"}
    assert piece_lengths([frozenset({"ab", "abc"}), None, frozenset({"x"})]) == (1, 2, 3)


def test_every_rule_has_pieces() -> None:
    """Not needed for safety, but a rule without pieces would run on every message."""
    assert [r.name for r in crisis._RULES if r.grams is None] == []


def test_every_match_in_the_corpus_contains_a_piece() -> None:
    rng = random.Random(7)
    checked = 0
    for text in CORPUS:
        norm = normalize(text)
        # the message, and random slices of it: matches at the edges of a text. A message that is only
        # emoji ("👍") normalizes to "", which has no slices (sampling two cut points from one would raise).
        variants = [norm] + (
            [norm[a:b] for a, b in (sorted(rng.sample(range(len(norm) + 1), 2)) for _ in range(3)) if len(norm) > 2]
            if norm
            else []
        )
        for variant in variants:
            grams = text_grams(variant)
            for rule in crisis._RULES:
                m = rule.regex.search(variant)
                if m is None:
                    continue
                checked += 1
                assert rule.grams is None or not grams.isdisjoint(rule.grams), (rule.name, variant)
                assert not text_grams(m.group(0)).isdisjoint(rule.grams or {m.group(0)[:1]}), (rule.name, m)
    assert checked > 500  # the corpus really exercises the rules (about 800 matches)


def test_the_detector_decides_the_same_with_and_without_the_prefilter() -> None:
    differ = []
    unfiltered = _unfiltered()
    for text in CORPUS:
        norm = normalize(text)
        with_filter = [rule.name for _, rule in crisis._hits(norm)]
        if with_filter != _full_hits(norm, unfiltered):
            differ.append(text)
    assert differ == []
