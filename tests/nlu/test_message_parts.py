"""A longer message's sentences read on their own (nlu/message_parts.py), and what the built-in NLU reports."""

from __future__ import annotations

import pytest

from vikno.nlu.builtin import BuiltinNLU
from vikno.nlu.message_parts import MAX_PARTS, read_parts, sentences


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("чоловік бʼє", []),  # one sentence: the whole message is the sentence
        ("дякую. а ще чоловік підіймає руку", ["а ще чоловік підіймає руку"]),  # "дякую." is one word
        ("коли ви працюєте? чоловік бʼє", ["коли ви працюєте?", "чоловік бʼє"]),
        ("Hi!\nmy dad hits my mum", ["my dad hits my mum"]),
        ("salam; ərim məni vurur… kömək edin", ["ərim məni vurur…", "kömək edin"]),
        ("a. b. c d. e f. g h. i j. k l", ["c d.", "e f."]),  # only the first sentences are read
        ("   ", []),
        ("3.5 тисячі на дитину, це все?", []),  # a decimal point is no sentence end
    ],
)
def test_a_message_is_cut_where_its_sentences_end(text: str, want: list[str]) -> None:
    assert sentences(text) == want
    assert len(sentences(text)) <= MAX_PARTS


def test_a_sentence_counts_only_when_its_own_topic_clears_the_threshold() -> None:
    read = {"коли ви працюєте?": [("working_hours", 0.9)], "чоловік бʼє": [("domestic_violence", 0.2)]}
    assert read_parts("коли ви працюєте? чоловік бʼє", lambda s: read[s], 0.3) == (("working_hours", 0.9),)
    assert read_parts("коли ви працюєте? чоловік бʼє", lambda s: read[s], 0.1) == (
        ("working_hours", 0.9),
        ("domestic_violence", 0.2),
    )
    assert read_parts("коли ви працюєте", lambda s: read[s], 0.1) == ()  # one sentence: nothing read apart


@pytest.mark.parametrize(
    "text",
    [
        # session 14's outside attack: violence at home far behind the hours, or under a thanks
        "доброго дня. коли ви працюєте? чоловік бʼє",
        "дякую. а ще чоловік підіймає руку",
        "спасибо за ответ. муж опять поднял на меня руку",
        "sağ olun. ərim yenə məni döydü",
        "hello. when are you open? my dad hits my mum",
    ],
)
def test_the_shipped_model_reads_the_violence_in_one_sentence(shipped_nlu: BuiltinNLU, text: str) -> None:
    parse = shipped_nlu.parse_sync(text)
    assert "domestic_violence" in [topic for topic, _ in parse.parts], (parse.ranking, parse.parts)


def test_one_sentence_has_no_parts(shipped_nlu: BuiltinNLU) -> None:
    assert shipped_nlu.parse_sync("чоловік бʼє мене").parts == ()
