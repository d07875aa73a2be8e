"""A longer message's sentences, each read on its own, for a topic that one sentence names and the whole hides.

"Дякую. А ще чоловік підіймає на мене руку" is read as a whole as thanks (0.30, violence at home 0.26), and
"коли ви працюєте? чоловік б'є" as the hours (violence at home at 0.12 of it): the pleasantry or the question
carries most of the words the model knows, and the person in danger would be told "you're welcome" or the
hours. Each sentence alone is what a person would have read. The engine decides what a sentence's topic is
worth (flows/see_also.py: only a safety topic, only where the whole message was answered with something else);
here a sentence counts only when its own topic clears the language's fallback threshold, so a sentence the
model is unsure of adds nothing.

Cost: one more ranking a sentence by the n-grams alone (never the sentence encoder: ``rank_words``), for
messages of two sentences or more only (most are one), at most ``MAX_PARTS`` of them (a long story's first
sentences; the crisis layer reads stories on its own).
"""

from __future__ import annotations

from collections.abc import Callable

from .risk import SENTENCE_ENDS  # where a sentence ends: the crisis layer's split, so both read the same sentences

#: The sentences read, from the start of the message.
MAX_PARTS = 4
#: A sentence shorter than this is no topic of its own ("Дякую.", "Hi!").
MIN_WORDS = 2


def sentences(text: str) -> list[str]:
    """The message's first sentences of at least ``MIN_WORDS`` words; empty when it has fewer than two."""
    cut = [s.strip() for s in SENTENCE_ENDS.split(text.strip()) if s.strip()]
    if len(cut) < 2:
        return []
    return [s for s in cut[:MAX_PARTS] if len(s.split()) >= MIN_WORDS]


def read_parts(
    text: str, rank: Callable[[str], list[tuple[str, float]]], threshold: float
) -> tuple[tuple[str, float], ...]:
    """Each sentence's best topic and its confidence, for the sentences whose best topic clears ``threshold``."""
    parts = []
    for sentence in sentences(text):
        ranking = rank(sentence)
        if ranking and ranking[0][1] >= threshold:
            parts.append(ranking[0])
    return tuple(parts)
