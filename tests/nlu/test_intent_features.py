"""The intent classifier's text features (issue 23, round 2): tables of inputs and the n-grams they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from vikno.nlu.classifier import IntentClassifier, phrase_grams, stem_grams


@pytest.mark.parametrize(
    ("norm", "lo", "hi", "grams"),
    [
        # Only the n-grams with a space inside them (not at their edges): the joints between words.
        ("ab cd", 3, 4, ["b c", "ab c", "b cd"]),
        ("a b", 3, 5, ["a b", " a b", "a b ", " a b "]),
        ("one", 3, 6, []),  # one word: no joint, nothing the character block does not already have
        ("", 3, 6, []),
        ("мені погано", 3, 3, ["і п"]),
        ("yox ana", 3, 4, ["x a", "ox a", "x an"]),
    ],
)
def test_phrase_grams_are_the_joints_between_words(norm: str, lo: int, hi: int, grams: list[str]) -> None:
    assert sorted(phrase_grams(norm, lo, hi)) == sorted(grams)


def test_phrase_grams_keep_a_pair_whose_endings_change() -> None:
    """Two inflections of one phrase share their joint although neither word is spelled the same."""
    a = set(phrase_grams("допомогу з житлом"))
    b = set(phrase_grams("допомоги з житла"))
    assert {"у з ж", "и з ж"} & a == {"у з ж"}
    assert " з ж" in a & b and " з житл" not in a  # at most six characters


@pytest.mark.parametrize(
    ("norm", "keep", "grams"),
    [
        ("допомогу з житлом", 5, ["~допом", "~з", "~житло", "~допом з", "~з житло"]),
        ("допомоги з житла", 5, ["~допом", "~з", "~житла", "~допом з", "~з житла"]),
        ("usaqlarim ucun", 4, ["~usaq", "~ucun", "~usaq ucun"]),  # folded Azerbaijani: uşaqlarım üçün
        ("cancelling bookings", 6, ["~cancel", "~bookin", "~cancel bookin"]),
        ("", 5, []),
    ],
)
def test_stem_grams_cut_words_to_their_first_letters(norm: str, keep: int, grams: list[str]) -> None:
    assert stem_grams(norm, keep) == grams


def test_stems_are_apart_from_whole_words() -> None:
    """A short word and its own stem are two features: "~мама" (any form of it) is not the word "мама"."""
    assert "мама" not in stem_grams("мама") and "~мама" in stem_grams("мама")


DATA = {
    "cancel_booking": [
        "cancel my booking",
        "cancel the reservation",
        "i want to cancel my booking please",
        "please cancel the booking for friday",
    ],
    "book_table": [
        "book a table",
        "reserve a table for two",
        "i want to book a table tonight",
        "make a reservation for four",
    ],
    "weather": ["what is the weather", "will it rain tomorrow", "weather forecast please", "is it sunny today"],
    "greet": ["hello", "hi there", "good morning", "hey"],
}


def _fit(**params: object) -> IntentClassifier:
    pairs = [(t, i) for i, ts in DATA.items() for t in ts]
    return IntentClassifier(**params).fit([t for t, _ in pairs], [i for _, i in pairs])


def test_phrase_block_is_saved_and_loaded(tmp_path: Path) -> None:
    clf = _fit()
    assert len(clf._blocks) == 3
    clf.save(tmp_path / "m.pkl")
    back = IntentClassifier.load(tmp_path / "m.pkl")
    for text in ("cancelling my bookings", "table for two", "rain"):
        assert back.rank(text) == clf.rank(text)


def test_phrase_block_can_be_left_out() -> None:
    clf = _fit(phrase_weight=0.0, stem_letters=0)
    assert len(clf._blocks) == 2
    assert not any(f.startswith("~") for f in clf._blocks[0].vocab)
    assert clf.rank("cancel my booking")[0][0] == "cancel_booking"
