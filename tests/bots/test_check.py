"""`vikno check`: what it refuses and what it only warns about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.bots.cli import main
from vikno.flows.content import shipped_helpline_folders


def test_check_warns_when_hours_text_and_hours_disagree_but_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = tmp_path / "line"
    shutil.copytree(shipped_helpline_folders()[0], line)
    path = line / "helpline.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('mon: "08:00-17:00"', 'mon: "09:00-17:00"'), encoding="utf-8"
    )
    assert main(["check", str(line)]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("ok: 1 helpline(s): community-1620")
    assert out.err.count("warning: ") == 4 and "does not mention 09:00 from hours" in out.err


def test_check_of_the_shipped_content_has_no_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "warning" not in capsys.readouterr().err


TOKEN = "123456:" + "A" * 35


@pytest.mark.parametrize(
    ("environ", "warned"),
    [
        (
            {"VIKNO_TELEGRAM_TOKEN": TOKEN, "VIKNO_PUBLIC_URL": "http://help.example.org"},
            "Telegram sends webhooks only",
        ),
        ({"VIKNO_VIBER_TOKEN": "viber-token", "VIKNO_PUBLIC_URL": "http://help.example.org"}, "Viber calls only https"),
        ({"VIKNO_TELEGRAM_TOKEN": TOKEN, "VIKNO_PUBLIC_URL": "https://help.example.org"}, None),
        ({"VIKNO_TELEGRAM_TOKEN": TOKEN, "VIKNO_PUBLIC_URL": "http://x", "VIKNO_TELEGRAM_MODE": "polling"}, None),
    ],
)
def test_check_warns_about_an_http_public_url_with_webhooks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], environ: dict[str, str], warned: str | None
) -> None:
    """An http:// public URL was accepted without a word, although Telegram needs HTTPS (issue 25)."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    if warned is None:
        assert "warning" not in err
    else:
        assert "warning: public_url (VIKNO_PUBLIC_URL) is 'http://help.example.org'" in err and warned in err


def test_check_refuses_an_unknown_topic_in_first_menu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The short first menu names topics of topics.yml: a typo is an error with the line, not a missing button."""
    line = tmp_path / "line"
    shutil.copytree(shipped_helpline_folders()[0], line)
    path = line / "helpline.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("first_menu: [social_benefits,", "first_menu: [social_benefit,"),
        encoding="utf-8",
    )
    assert main(["check", str(line)]) != 0
    err = capsys.readouterr().err
    assert "helpline.yml, line" in err and "(first_menu[0]): no topic 'social_benefit' in topics.yml" in err
