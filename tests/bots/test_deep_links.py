"""The tail of a link that opens a chat (Telegram ``/start``, Viber ``context``): line, language, start word."""

from __future__ import annotations

import pytest

from vikno.bots.deep_links import deep_link, start_word


@pytest.mark.parametrize(
    ("param", "want"),
    [
        ("uk", (None, "uk")),
        ("EN", (None, "en")),
        ("community-1620", ("community-1620", None)),
        ("community-1620_en", ("community-1620", "en")),
        ("community-1620-uk", ("community-1620", "uk")),
        ("kids_line_ru", ("kids_line", "ru")),
        ("kharkiv-1552", ("kharkiv-1552", None)),
        ("az-116111_ru", ("az-116111", "ru")),
        ("kids-xy", ("kids-xy", None)),
        ("kids_xy", ("kids_xy", None)),
        ("1620", (None, None)),
        ("a" * 65, (None, None)),
        ("<x>", (None, None)),
        (None, (None, None)),
    ],
)
def test_deep_link_parameters(param: str | None, want: tuple[str | None, str | None]) -> None:
    assert deep_link(param) == want


@pytest.mark.parametrize(
    ("param", "want"),
    [
        ("kharkiv-1552_uk--child", ("kharkiv-1552_uk", "child")),
        ("uk--child", ("uk", "child")),
        ("--child", ("", "child")),
        ("--CHILD", ("", "child")),
        ("kharkiv-1552_uk", ("kharkiv-1552_uk", None)),
        ("uk--", ("uk--", None)),
        ("uk--1child", ("uk--1child", None)),
    ],
)
def test_start_words(param: str, want: tuple[str, str | None]) -> None:
    assert start_word(param) == want
