"""Text shaped to slip past the NLU or to cost it a core (issue 23's attack round): invisible characters inside
crisis words, and messages whose length would make the sentence encoder the bottleneck."""

from __future__ import annotations

import pytest

import numpy as np

from vikno.nlu import sentence
from vikno.nlu.risk import RiskTriage
from vikno.nlu.textnorm import normalize

CRISIS = "хочу вмерти"


def _between_letters(text: str, mark: str) -> str:
    return "".join(c + mark if c.isalpha() else c for c in text)


@pytest.mark.parametrize(
    "mark",
    [
        "\u200b",  # zero-width space (copied text, some keyboards)
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte-order mark / zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u0301",  # combining acute: a stress mark, as Ukrainian text often has
    ],
    ids=["zwsp", "zwnj", "zwj", "wj", "bom", "shy", "stress"],
)
def test_invisible_characters_inside_a_crisis_do_not_hide_it(mark: str) -> None:
    text = _between_letters(CRISIS, mark)
    assert normalize(text) == CRISIS
    assert RiskTriage().assess(text).level == "crisis"


def test_letters_that_are_a_base_and_a_mark_stay_the_letters_people_meant() -> None:
    # й and ї typed as и/і + a combining mark are the letters, not и/і; Azerbaijani ç/ş likewise
    assert normalize("зи\u0306ди") == "зйди" == normalize("зйди")
    assert normalize("\u0456\u0308жа") == normalize("їжа") == "їжа"
    assert normalize("c\u0327ox s\u0327ey") == "çox şey"
    assert normalize("İndi") == "indi"


def test_the_sentence_encoder_reads_a_bounded_beginning_of_a_long_message() -> None:
    # the encoder's cost grows with the text (a 4,096-character message took ~200 ms, a short one 2 ms);
    # its vector is of the beginning, the n-gram model and the crisis layer still read all of it
    head = "Допоможіть будь ласка з пенсією, я не знаю куди звернутися. " * 30
    long = head + "щ" * 6000
    assert len(head) > sentence.MAX_CHARS
    assert (sentence.embed_one(long) == sentence.embed_one(head[: sentence.MAX_CHARS])).all()
    # training embeds in batches (nlu/sentence_batch.py): the same vector to float rounding, of the same beginning
    assert np.abs(sentence.embed([long])[0] - sentence.embed_one(long)).max() < 1e-5


def test_a_message_of_made_up_cyrillic_words_asks_the_dictionary_a_bounded_number_of_times() -> None:
    """Red before the cap (round 7): every word the model never saw was looked up (~70 µs each), so a message of
    a thousand made-up words cost ~70 ms of a core. Now at most MAX_LOOKUPS a message; real words still get
    their lemma."""
    import random

    from vikno.nlu import morphology

    rng = random.Random(5)
    letters = "бвгджзклмнпрстфхцчшщ"
    words = ["".join(rng.choice(letters) + "а" + rng.choice(letters) + "о" for _ in range(3)) for _ in range(1000)]
    memo = morphology._lemmas["ru"]
    before = len(memo)
    grams = morphology.base_grams(" ".join(["помощи", *words]), "ru")
    assert len(memo) - before <= morphology.MAX_LOOKUPS
    assert grams[0] == "=помощь"
    assert len(grams) - 1 <= morphology.MAX_LOOKUPS  # "помощи" may be remembered from before: no look-up
