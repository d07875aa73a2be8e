"""The channel kit (bots/kit/): the jobs every channel shares, tested once here.

The channels' own tables (test_telegram.py, test_viber.py, test_rest.py) show the kit at work on
each platform's payloads; these rows pin the kit's own promises.
"""

from __future__ import annotations

import json

import pytest

from vikno.bots.kit import Backoff, Measure, as_shown, clean_text, cut_text, split_text, utf16_units
from vikno.flows.channels import Abilities
from vikno.flows.messages import Button, Outbound

CLEANED = [
    ("control characters go, tab and newlines stay", "a\x00b\x07c\x1b\x7f\n\t\r", "abc\n\t\r"),
    ("a lone high surrogate is replaced", "a\ud83db", "a\ufffdb"),
    ("a lone low surrogate is replaced", "a\ude00b", "a\ufffdb"),
    ("a surrogate pair becomes its character", "a\ud83d\ude00b", "a😀b"),
    ("plain text is untouched", "Привіт 😀 مرحبا", "Привіт 😀 مرحبا"),
]


@pytest.mark.parametrize(("name", "raw", "want"), CLEANED, ids=[row[0] for row in CLEANED])
def test_clean_text(name: str, raw: str, want: str) -> None:
    assert clean_text(raw) == want


def test_clean_text_can_replace_with_another_mark() -> None:
    assert clean_text("a\ud800b", replacement="?") == "a?b"


def test_cut_text_keeps_short_text_and_cuts_long_text() -> None:
    assert cut_text("abc", 3, "test") == "abc" and cut_text("abcd", 3, "test") == "abc"


def test_measure_counts_utf16_units_and_json_bytes() -> None:
    assert utf16_units("a😀") == 3
    assert Measure(units=4).fitting("a😀😀") == 2  # 1 + 2 fit, the next emoji would make 5
    # a quote takes two bytes in a JSON string, a Cyrillic letter two, an emoji four
    assert Measure(units=100, json_bytes=6).fitting('"ж😀') == 2


def test_split_by_json_bytes_keeps_each_part_within_the_body() -> None:
    text = "ж" * 5000
    parts = split_text(text, Measure(units=7000, json_bytes=3000))
    assert "".join(parts) == text
    assert all(len(json.dumps(p, ensure_ascii=False).encode()) - 2 <= 3000 for p in parts)


def test_split_prefers_a_paragraph_then_a_sentence_then_a_word() -> None:
    assert split_text("один два.\n\nтри", Measure(units=12)) == ["один два.", "три"]
    assert split_text("one two. three", Measure(units=12)) == ["one two.", "three"]
    assert split_text("one two three", Measure(units=10)) == ["one two", "three"]


def test_backoff_doubles_to_its_ceiling_with_jitter_and_resets() -> None:
    backoff = Backoff(1.0, 4.0)
    delays = [backoff.next() for _ in range(5)]
    ceilings = [1.0, 2.0, 4.0, 4.0, 4.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    backoff.reset()
    assert 0.5 <= backoff.next() <= 1.0


def test_backoff_jitter_spreads_the_waits() -> None:
    """Many chats failing at one moment must not all come back at one moment."""
    waits = {Backoff(10.0, 60.0).next() for _ in range(50)}
    assert len(waits) > 40


def _buttons(*payloads: str) -> tuple[Button, ...]:
    return tuple(Button(p.title(), p) for p in payloads)


def test_buttons_fit_the_room_and_the_essential_ones_stay() -> None:
    reply = Outbound("Оберіть", _buttons(*(f"topic:{n}" for n in range(5)), "person", "menu"))
    shown = as_shown(reply, Abilities(max_buttons=4), "test")
    assert [b.payload for b in shown.buttons] == ["topic:0", "topic:1", "person", "menu"]
    assert as_shown(reply, Abilities(), "test") is reply  # no limit: the reply as it is


def test_a_channel_without_buttons_gets_their_titles_as_text() -> None:
    shown = as_shown(
        Outbound("Оберіть", (Button("☰ Меню", "menu"), Button("👤 Людина", "person"))),
        Abilities(max_buttons=0),
        "test",
    )
    assert shown == Outbound("Оберіть\n\n• ☰ Меню\n• 👤 Людина")
