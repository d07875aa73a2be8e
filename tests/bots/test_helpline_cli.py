"""`vikno helpline list` and `vikno helpline validate DIR` (issue 27)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.bots.cli import main
from vikno.flows.content import SHIPPED_CONTENT, shipped_helpline_folders


def test_list_shows_every_shipped_line_with_its_languages_hours_zone_and_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIKNO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VIKNO_HELPLINES", raising=False)
    assert main(["helpline", "list"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["id", "name", "languages", "hours", "time", "zone", "folder"]
    by_id = {row.split()[0]: row for row in rows[1:]}
    assert list(by_id) == [folder.name for folder in shipped_helpline_folders()]  # community-1620 first
    assert "Служба підтримки 1620" in by_id["community-1620"]
    assert "mon-thu 08:00-17:00, fri 08:00-15:30, sat-sun closed" in by_id["community-1620"]
    assert "az,ru,en" in by_id["az-116111"] and "Asia/Baku" in by_id["az-116111"]
    assert "daily 24h" in by_id["az-116111"] and "daily 09:00-20:00" in by_id["kharkiv-1552"]
    assert by_id["kharkiv-1552"].endswith(str(SHIPPED_CONTENT / "kharkiv-1552"))


def test_validate_passes_every_shipped_line_and_lists_what_it_must_confirm(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["helpline", "validate", *map(str, shipped_helpline_folders())]) == 0
    out = capsys.readouterr().out
    assert "error" not in out
    assert "community-1620: ok: community-1620 (Служба підтримки 1620);" in out
    assert "helpline.yml, line" in out and "(emergency[0]): confirm 112" in out
    assert "(phones[0].label): confirm: the tariff wording" in out


def test_validate_names_file_place_and_fix_of_every_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = tmp_path / "line"
    shutil.copytree(SHIPPED_CONTENT / "kharkiv-1552", line)
    spec = line / "helpline.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8")
        .replace("timezone: Europe/Kyiv", "timezone: Europe/Kharkiv")
        .replace("default_team: social", "default_team: nobody"),
        encoding="utf-8",
    )
    topics = line / "topics.yml"
    topics.write_text(
        topics.read_text(encoding="utf-8").replace("    team: idp\n", "    team: idps\n"), encoding="utf-8"
    )
    assert main(["helpline", "validate", str(line), str(SHIPPED_CONTENT / "az-116111")]) == 1
    out = capsys.readouterr().out
    assert f"{line}: 1 error(s):" in out  # the time zone stops the load before the cross-references
    assert (
        f"error: {spec}, line 13 (timezone): unknown time zone 'Europe/Kharkiv'; "
        "use a name like Europe/Kyiv or Asia/Baku"
    ) in out
    assert "az-116111: ok" in out  # the other folder is still checked
    spec.write_text(spec.read_text(encoding="utf-8").replace("Europe/Kharkiv", "Europe/Kyiv"), encoding="utf-8")
    assert main(["helpline", "validate", str(line)]) == 1
    out = capsys.readouterr().out
    assert f"error: {spec}, line " in out and "(default_team): no team 'nobody' in teams" in out
    assert f"error: {topics}, line " in out and "(topics[1].team): no team 'idps' in helpline.yml teams" in out
