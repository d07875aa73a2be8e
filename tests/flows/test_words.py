"""One splitter of typed words for every form and phrase (flows/words.py)."""

from __future__ import annotations

import pytest

from vikno.flows.content import phrase_words
from vikno.flows.report_flow import match
from vikno.flows.report_words import about_of
from vikno.flows.words import words
from vikno.flows.messages import Button

WORDS = [
    ("Мене б'є вітчим", ["мене", "б'є", "вітчим"]),
    ("мене бʼє", ["мене", "б'є"]),  # the Ukrainian apostrophe letter
    ("мене б’є", ["мене", "б'є"]),  # a typographic one
    ("мене б`є", ["мене", "б'є"]),  # the key under Esc
    ("Ёлка, ещё!", ["елка", "еще"]),
    ("3 дні, 12:00", ["дні"]),
    ("'так'", ["так"]),  # quotes around a word are not part of it
    ("nənəm tək yaşayır", ["nənəm", "tək", "yaşayır"]),
    ("İmtina edirəm, İLHAM", ["imtina", "edirəm", "ilham"]),  # az capital İ: not "i" + a combining dot
    ("", []),
    (None, []),
]


@pytest.mark.parametrize(("typed", "want"), WORDS)
def test_typed_words(typed: str | None, want: list[str]) -> None:
    assert words(typed) == want


def test_a_phrase_and_a_typed_answer_are_split_alike() -> None:
    """Before, the topics' phrases kept "б'є" whole while the report form cut it in two."""
    assert phrase_words("мене бʼють") == tuple(words("Мене б'ють!"))
    assert about_of("мою бабусю б’ють") == "elderly"


def test_an_option_with_an_apostrophe_matches_however_it_is_typed() -> None:
    options = [Button("Кам'янка", "kamianka"), Button("Звягель", "zviahel")]
    for typed in ("Кам'янка", "камʼянка", "кам’янка", "Кам`янка"):
        assert match(typed, options) == "kamianka", typed
