"""Content validation: a broken file names the file, the line and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.flows.content import (
    COMMON_TEXTS,
    SHIPPED_CONTENT,
    ContentError,
    load_helpline,
    load_helplines,
    shipped_helpline_folders,
)

SHIPPED = SHIPPED_CONTENT / "community-1620"


@pytest.fixture
def line(tmp_path: Path) -> Path:
    """A copy of community-1620 whose texts.yml holds every text (the common ones too), to edit any of them.

    It is loaded without the common texts (``common=None``): the folder stands alone, as a line that
    overrides every shared text does, so removing a text from it is a missing text.
    """
    target = tmp_path / "line"
    shutil.copytree(SHIPPED, target)
    own = (SHIPPED / "texts.yml").read_text(encoding="utf-8")
    (target / "texts.yml").write_text(own + "\n" + COMMON_TEXTS.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return n
    raise AssertionError(needle)


def problems(folder: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_helpline(folder, common=None)
    return str(info.value)


def test_shipped_content_loads_with_every_topic_in_every_language() -> None:
    for folder in shipped_helpline_folders():
        line = load_helpline(folder)
        assert line.topics and line.languages
        for topic in line.topics.values():
            assert set(line.languages) <= set(topic.answer.root)


def test_missing_translation_names_file_line_and_language(line: Path) -> None:
    topics = line / "topics.yml"
    edit(topics, '      en: "We advise on social services', '      xx_removed: "')
    message = problems(line)
    assert "topics.yml" in message
    assert f"line {line_of(topics, 'xx_removed') - 2}" in message or "unknown language 'xx_removed'" in message


def test_missing_language_in_a_topic_is_reported_at_that_topic(line: Path) -> None:
    topics = line / "topics.yml"
    text = topics.read_text(encoding="utf-8").replace(', en: "♿ Disability, technical aids (wheelchairs)"}', "}")
    topics.write_text(text, encoding="utf-8")
    message = problems(line)
    assert f"topics.yml, line {line_of(topics, '♿ Інвалідність')} (topics[2].title): missing the en text" in message


def test_unknown_placeholder_is_reported_with_the_allowed_ones(line: Path) -> None:
    texts = line / "texts.yml"
    edit(texts, "фахівцю. Ваше місце в черзі — {position}", "фахівцю. Ваше місце в черзі — {place}")
    message = problems(line)
    assert f"texts.yml, line {line_of(texts, '{place}')} (handoff_queued.uk): unknown placeholder {{place}}" in message
    assert "{position}" in message


def test_broken_yaml_gives_the_line(line: Path) -> None:
    helpline = line / "helpline.yml"
    edit(helpline, "timezone: Europe/Kyiv", "timezone: [Europe/Kyiv")
    message = problems(line)
    assert "helpline.yml, line" in message and "not valid YAML" in message


def test_bad_hours_timezone_and_team_are_all_reported_at_once(line: Path) -> None:
    helpline = line / "helpline.yml"
    edit(helpline, 'fri: "08:00-15:30"', 'fri: "8 till 3"')
    edit(helpline, "timezone: Europe/Kyiv", "timezone: Europe/Kiev_Nowhere")
    message = problems(line)
    assert f"line {line_of(helpline, '8 till 3')} (hours.fri): cannot read hours '8 till 3'" in message
    assert f"line {line_of(helpline, 'Kiev_Nowhere')} (timezone): unknown time zone" in message


def test_topic_routed_to_an_unknown_team(line: Path) -> None:
    topics = line / "topics.yml"
    edit(topics, "    team: protection", "    team: nobody")
    assert f"topics.yml, line {line_of(topics, 'team: nobody')} (topics[5].team): no team 'nobody'" in problems(line)


def test_duplicate_keys_and_unknown_fields(line: Path) -> None:
    helpline = line / "helpline.yml"
    edit(helpline, "default_team: social", "default_team: social\ndefault_team: protection\ncolour: blue")
    message = problems(line)
    assert "duplicate key 'default_team'" in message
    assert "(colour): unknown field" in message


def test_missing_file_and_missing_text(line: Path) -> None:
    texts = line / "texts.yml"
    text = texts.read_text(encoding="utf-8")
    start = text.index("goodbye_reply:")
    end = text.index("unsupported_kind:")
    texts.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "missing text 'goodbye_reply'" in problems(line)
    (line / "topics.yml").unlink()
    assert "missing topics.yml" in problems(line)


def test_two_folders_with_the_same_helpline_id(line: Path) -> None:
    with pytest.raises(ContentError, match="already used"):
        load_helplines([SHIPPED, line])


def test_canned_replies_are_validated(line: Path) -> None:
    shipped = load_helpline(line, common=None)
    assert [c.id for c in shipped.canned][:2] == ["hello", "documents"]
    canned = line / "canned.yml"
    edit(canned, "мене звати {operator}", "мене звати {name}")
    message = problems(line)
    assert f"canned.yml, line {line_of(canned, '{name}')} (canned[0].text.uk): unknown placeholder {{name}}" in message


@pytest.mark.parametrize("written", ['"24.08.2026"', '"2026-13-01"', '"August 24"', "2026-08-24T10:00"])
def test_a_wrong_holiday_says_how_to_write_a_date(line: Path, written: str) -> None:
    """pydantic said "invalid character in year" (issue 25); the README gives the format, the error does too."""
    helpline = line / "helpline.yml"
    edit(helpline, "holidays: []", f"holidays: [{written}]")
    message = problems(line)
    assert (
        f"helpline.yml, line {line_of(helpline, 'holidays:')} (holidays[0]): cannot read this date; "
        "write it as YYYY-MM-DD, e.g. 2026-08-24" in message
    )


def test_first_menu_names_known_topics_at_most_five_once_each_and_needs_its_button(line: Path) -> None:
    helpline = line / "helpline.yml"
    menu = "first_menu: [social_benefits, disability, elderly_care, domestic_violence, report_person_in_need]"
    edit(helpline, menu, "first_menu: [social_benefits, nosuch]")
    assert f"helpline.yml, line {line_of(helpline, 'first_menu')} (first_menu[1]): no topic 'nosuch'" in problems(line)
    edit(helpline, "first_menu: [social_benefits, nosuch]", "first_menu: [legal, health, legal]")
    assert "a topic is listed twice" in problems(line)
    edit(
        helpline,
        "first_menu: [legal, health, legal]",
        "first_menu: [legal, health, veterans, idp_support, homelessness, education]",
    )
    assert "(first_menu): List should have at most 5 items" in problems(line)
    edit(helpline, "first_menu: [legal, health, veterans, idp_support, homelessness, education]", menu)
    texts = line / "texts.yml"
    edit(texts, "button_more_topics:", "unused_more_topics:")
    found = problems(line)
    assert "missing text 'button_more_topics'" in found and "unknown text 'unused_more_topics'" in found


def test_a_helpline_without_first_menu_or_the_newer_optional_texts_still_loads(line: Path) -> None:
    """Folders written before the short menu and the Telegram/Viber labels keep working as they did."""
    edit(line / "helpline.yml", "first_menu: [", "# first_menu: [")
    settings = line / "helpline.yml"  # and before the report form and the short questions (issue 26)
    settings.write_text(
        settings.read_text(encoding="utf-8").split("# The anonymous report about someone")[0], encoding="utf-8"
    )
    texts = line / "texts.yml"
    kept = texts.read_text(encoding="utf-8").split("# The short first menu's way to every topic")[0]
    texts.write_text(kept, encoding="utf-8")
    loaded = load_helpline(line, common=None)
    assert loaded.settings.first_menu == [] and "operator_label" not in loaded.texts
