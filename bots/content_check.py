"""The checks of ``vikno check``, shared by the start, the command and a content reload.

One place, so that a reload of a running server refuses exactly what
``vikno check`` and a fresh start would refuse.
"""

from __future__ import annotations

from pathlib import Path

from vikno.flows.content import ContentError, Helpline, load_helplines, shipped_helpline_folders

from .config import Settings


def content_folders(settings: Settings) -> list[Path]:
    return settings.helplines or shipped_helpline_folders()


def helpline_references(settings: Settings, helplines: dict[str, Helpline]) -> list[str]:
    """Settings that name a helpline none of the folders has."""
    return [
        f"{name}: no helpline {value!r}; loaded: {', '.join(helplines)}"
        for name, value in (
            ("default_helpline", settings.default_helpline),
            ("telegram.helpline", settings.telegram.helpline),
            ("viber.helpline", settings.viber.helpline),
            ("webchat.helpline", settings.webchat.helpline),
            *((f"telegram_bots[{i}].helpline", bot.helpline) for i, bot in enumerate(settings.telegram_bots)),
            *((f"viber_bots[{i}].helpline", bot.helpline) for i, bot in enumerate(settings.viber_bots)),
        )
        if value and value not in helplines
    ]


def checked_helplines(settings: Settings, folders: list[Path] | None = None) -> dict[str, Helpline]:
    """The helplines of ``folders`` (default: the configured ones), or ContentError with every problem."""
    helplines = load_helplines(content_folders(settings) if folders is None else folders)
    wrong = helpline_references(settings, helplines)
    if wrong:
        raise ContentError(wrong)
    return helplines
