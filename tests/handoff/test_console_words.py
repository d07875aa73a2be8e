"""The console's words for the lines' own work (brigades' visits, citizens' appeals, the month-by-month figures),
as native readers of Ukrainian, Russian and Azerbaijani read them (issue 27, left from session 8).

Each test is a fault class a machine can check in every console language, so it cannot come back when a
new status or heading is added: one word for one thing, a status that says no more than is known, a hint
that quotes a label as the label says it.
"""

from __future__ import annotations

import re

import pytest

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.handoff.console.i18n import CATALOGUES

LINES = load_helplines(shipped_helpline_folders())


def test_a_visit_made_does_not_say_the_person_was_met() -> None:
    """The status after the brigade's trip is set whatever the outcome, and an outcome may be "could not meet"
    (`met: false`): "візит відбувся" / "визит состоялся" / "visited" beside "Не вдалося зустрітися" says two
    things at once. The status says the trip was made; the outcome says whether anyone was met."""
    outcomes = LINES["zhytomyr-1550"].settings.brigades.outcomes
    assert any(not outcome.met for outcome in outcomes)
    claims = {"uk": r"відбув|відвідал", "ru": r"состоял|посетил", "en": r"\bvisited\b|\bmet\b"}
    for lang, claim in claims.items():
        assert not re.search(claim, CATALOGUES[lang]["visit.status.visited"], re.IGNORECASE), lang


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_a_hint_quotes_the_status_it_names_as_the_status_says_it(lang: str) -> None:
    words = CATALOGUES[lang]
    assert words["visit.status.visited"] in words["visit.people_hint"]


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_an_appeal_s_status_is_named_alike_on_its_card_and_in_the_figures(lang: str) -> None:
    """A supervisor reads "Передано органу влади" in the weekly figures and an operator sets the same status on
    the card: one status, one name ("Передане органу влади" on the card read as a second thing)."""
    words = CATALOGUES[lang]
    for status in ("registered", "sent", "answered", "closed"):
        assert words[f"appeal.status.{status}"] == words[f"fig.col.{status}"], status


#: "Стан" / "Состояние" is a chat's state (waiting, with an operator); a report's, a visit's and an appeal's
#: status is "Статус", as the citizen's own button says ("Статус мого звернення").
STATE_WORDS = {"uk": r"\bстан(у|и|ів)?\b", "ru": r"\bсостояни[еяюй]\b"}


@pytest.mark.parametrize("lang", sorted(STATE_WORDS))
def test_a_status_is_called_status_not_state(lang: str) -> None:
    calling = [
        f"{key}: {value}"
        for key, value in CATALOGUES[lang].items()
        if key.startswith(("appeal.", "visit.", "visits.", "report.", "error.appeal", "error.visit"))
        and re.search(STATE_WORDS[lang], value, re.IGNORECASE)
    ]
    assert calling == []


def test_the_baku_child_line_s_headings_are_the_article_s_nouns_not_bare_adjectives() -> None:
    """The article counts calls on "hüquqi prosedurlar", "psixoloji", "sosial" and "digər məsələlər": a column
    headed "Hüquqi" or "Психологические" alone reads as a word missing its noun."""
    groups = LINES["az-116111"].settings.figures.topic_groups
    assert [g.name.root["az"] for g in groups] == [
        "Təhsil",
        "Hüquqi məsələlər",
        "Psixoloji məsələlər",
        "Sosial məsələlər",
        "Səhiyyə",
        "Digər məsələlər",
    ]
    assert [g.name.root["ru"] for g in groups] == [
        "Образование",
        "Правовые вопросы",
        "Психологические вопросы",
        "Социальные вопросы",
        "Здравоохранение",
        "Другие вопросы",
    ]


def test_azerbaijani_month_tables_say_by_month_and_heading_as_baku_writes_it() -> None:
    """ "Başlıqlar, aylar üzrə" is the English "Topic headings, month by month" word for word; an adult is
    "yetkin" ("böyük" is big, or older)."""
    words = CATALOGUES["az"]
    assert words["fig.t.months_by_topic"] == "Aylar və hesabat başlıqları üzrə"
    assert words["fig.age.adult"] == "Yetkin"
    assert not any(re.search(r"^\w+, aylar üzrə$", value) for value in words.values())
