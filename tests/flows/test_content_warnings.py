"""`hours_text` is what people are told about `hours`: a disagreement is a warning (issue 25)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.flows.content import load_helpline, shipped_helpline_folders
from vikno.flows.content_warnings import content_warnings, hours_text_warnings

from .test_content import edit, line_of


@pytest.fixture
def line(tmp_path: Path) -> Path:
    target = tmp_path / "line"
    shutil.copytree(shipped_helpline_folders()[0], target)
    return target


def test_the_shipped_hours_text_agrees_with_the_hours() -> None:
    for folder in shipped_helpline_folders():
        assert hours_text_warnings(load_helpline(folder)) == []


def test_changed_hours_with_the_old_text_are_warned_about_in_every_language(line: Path) -> None:
    helpline = line / "helpline.yml"
    edit(helpline, 'fri: "08:00-15:30"', 'fri: "08:00-16:00"')
    warnings = hours_text_warnings(load_helpline(line))
    assert len(warnings) == 4  # uk, ru, az, en
    en = next(w for w in warnings if "(hours_text.en)" in w)
    assert f"helpline.yml, line {line_of(helpline, '  en: "Monday to Thursday')}" in en
    assert "does not mention 16:00 from hours" in en and "mentions 15:30, which hours does not have" in en


def test_times_written_with_a_dot_or_one_digit_count_as_the_same_time(line: Path) -> None:
    helpline = line / "helpline.yml"
    edit(
        helpline,
        'en: "Monday to Thursday 08:00–17:00, Friday 08:00–15:30',
        'en: "Monday to Thursday 8.00–17.00, Friday 8:00–15.30',
    )
    assert content_warnings({"community-1620": load_helpline(line)}) == []


def test_a_day_that_opens_later_than_the_text_says_is_found(line: Path) -> None:
    edit(line / "helpline.yml", "sat: closed", 'sat: "10:00-14:00"')
    warnings = hours_text_warnings(load_helpline(line))
    assert warnings and all("does not mention 10:00, 14:00 from hours" in w for w in warnings)
