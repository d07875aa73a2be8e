"""Text normalisation: what the classifier and the crisis rules see of a message."""

from __future__ import annotations

import pytest

from vikno.nlu.textnorm import normalize, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the four (and more) apostrophes of Ukrainian become one, kept inside words
        ("сім’я", "сім'я"),
        ("сімʼя", "сім'я"),
        ("сім`я", "сім'я"),
        ("сім´я", "сім'я"),
        ("сім‘я", "сім'я"),
        ("сімʹя", "сім'я"),
        ("сім′я", "сім'я"),
        # ...and dropped at word edges
        ("‘цитата’", "цитата"),
        # ё/е and ґ/г are written at random
        ("Ещё ЁЛКА", "еще елка"),
        ("Ґанок ґудзик", "ганок гудзик"),
        # Latin look-alikes inside a Cyrillic word, and the other way round
        ("мeнi погaно", "мені погано"),
        ("hеlp", "help"),
        # stretched letters (two are kept: "сумм", "плііз"), punctuation, spaces
        ("пліііііз!!!", "плііз"),
        ("  що   робити?\n\tдопоможіть…  ", "що робити допоможіть"),
        ("", ""),
        ("🙂🙂", ""),
        ("Мамі 82 роки", "мамі 82 роки"),
        # Azerbaijani capital İ lowers to i + a combining dot; the word stays whole (phones capitalise it)
        ("İndi işləyirsiniz?", "indi işləyirsiniz"),
        ("İŞƏ QƏBUL", "işə qəbul"),
        ("Mən İsmayıllıdayam", "mən ismayıllıdayam"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_tokens_keep_the_apostrophe_inside_words() -> None:
    assert tokens(normalize("Моя сім’я, п'ять")) == ["моя", "сім'я", "п'ять"]
