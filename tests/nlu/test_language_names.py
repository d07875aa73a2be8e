"""A language named in a message: a refusal, and a language clause that must not dilute a crisis after it."""

from __future__ import annotations

import pytest

from vikno.nlu.language_names import language_refused, without_language_clause
from vikno.nlu.risk import Risk, RiskTriage


@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("я не розумію українською", "uk"),
        ("не розумію української мови", "uk"),  # the genitive, as most people say it (session 18's attack)
        ("не по-русски", "ru"),
        ("не русский язык", "ru"),
        ("я не понимаю украинского языка", "uk"),
        ("I don't speak English well", "en"),
        ("ingilis dilini bilmirəm", "en"),
        ("я не русский", None),  # who one is, not a language refused
        ("не русский", None),
        ("I understand English", None),
        ("я не розумію", None),
        ("не хочу жити, українською не розумію нічого", None),
    ],
)
def test_a_refused_language(typed: str, refused: str | None) -> None:
    assert language_refused(typed) == refused


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("не розумію українською, мені дуже погано, не хочу жити", "мені дуже погано, не хочу жити"),
        ("English please. he is hitting me", "he is hitting me"),
        ("по-русски пожалуйста - он меня бьёт", "он меня бьёт"),
        ("я не розумію, що робити, не хочу жити", "я не розумію, що робити, не хочу жити"),  # no language named
        ("мама каже, що вб'є мене", "мама каже, що вб'є мене"),
        ("Українською будь ласка", "Українською будь ласка"),  # nothing after it
        ("в школі українська мова, а я не встигаю", "в школі українська мова, а я не встигаю"),
        # typed without punctuation (session 18's second attack): after the last name and its polite words
        ("не розумію українською мені дуже погано не хочу жити", "мені дуже погано не хочу жити"),
        ("English please he is hitting me", "he is hitting me"),
        ("по-русски не хочу жити", "не хочу жити"),  # the "не" is what follows
        ("I dont speak ukrainian I want to die", "I want to die"),
        ("не розумію, не хочу жити", "не розумію, не хочу жити"),
    ],
)
def test_a_language_clause_is_left_out_of_what_the_triage_reads(typed: str, read: str) -> None:
    assert without_language_clause(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "не розумію українською, мені дуже погано, не хочу жити",
        "не понимаю по-украински, он меня бьёт, мне страшно",
        "English please, I want to kill myself",
        "не розумію українською мені дуже погано не хочу жити",
        "не розумію українською вбити себе хочу",
    ],
)
def test_a_crisis_after_a_language_clause_is_a_crisis(triage: RiskTriage, typed: str) -> None:
    """Session 18's attack: the refusal's words lowered the model's score of the rest (0.05 against 0.29) and a
    crisis the same words made without them was only asked about."""
    assert triage.assess(typed).level is Risk.CRISIS
