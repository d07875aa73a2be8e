"""The mobile brigades of a line are configuration (``brigades:`` in helpline.yml), validated like the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.flows.content import ContentError, SHIPPED_CONTENT, load_helpline


def test_zhytomyr_ships_its_four_districts_brigades_as_the_article_counts_them() -> None:
    line = load_helpline(SHIPPED_CONTENT / "zhytomyr-1550")
    assert line.settings.brigades is not None
    assert {d.id: (d.team, d.brigades) for d in line.settings.brigades.districts} == {
        "berdychivskyi": ("brigades_berdychiv", 4),
        "zhytomyrskyi": ("brigades_zhytomyr", 30),
        "zviahelskyi": ("brigades_zviahel", 11),
        "korostenskyi": ("brigades_korosten", 8),
    }
    assert [h.id for h in line.settings.brigades.help] == [
        "social_prevention",
        "crisis_intervention",
        "psychological_help",
    ]
    for lang in line.languages:  # the person's words exist in every language of the line
        assert "{" not in line.say("visit_dispatched", lang, emergency="112")
        assert "{" not in line.say("visit_visited", lang, phones="15-50")


def test_a_line_without_brigades_has_no_brigade_teams() -> None:
    line = load_helpline(SHIPPED_CONTENT / "community-1620")
    assert line.settings.brigades is None and line.brigade_teams() == [] and line.district("north") is None


def test_a_district_of_an_unknown_team_or_listed_twice_is_an_error_with_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "line"
    shutil.copytree(SHIPPED_CONTENT / "zhytomyr-1550", folder)
    yml = folder / "helpline.yml"
    text = yml.read_text()
    text = text.replace("team: brigades_korosten, brigades: 8", "team: brigades_korostem, brigades: 8")
    text = text.replace("{id: zviahelskyi, team: brigades_zviahel", "{id: zhytomyrskyi, team: brigades_zviahel")
    yml.write_text(text)
    with pytest.raises(ContentError) as raised:
        load_helpline(folder)
    problems = "\n".join(raised.value.problems)
    assert "(brigades.districts[3].team): no team 'brigades_korostem' in teams" in problems
    assert "(brigades.districts[2].id): district 'zhytomyrskyi' is listed twice" in problems
