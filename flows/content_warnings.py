"""Content that loads but is probably not what the helpline means: warnings, not errors.

``hours`` decides when operators are on the line; ``hours_text`` is what a
person is told about it. They are written apart, so a changed schedule whose
text was forgotten tells people the old hours. Words differ from language to
language, but the opening and closing times are written the same way in all
of them, so the check compares times: every time in ``hours`` must appear in
every language's ``hours_text``, and a time the text names must be one that
``hours`` has. ("24h" and "closed" days bring no times; their words are not
checked.)
"""

from __future__ import annotations

import re

from .content import Helpline, confirmation_target
from .yaml_lines import ContentError, Located, load_located

#: 8:00, 08:00, 8.00, 08.00 (the minutes always two digits, the hour 0-24).
_TIME = re.compile(r"(?<![\d:.])([01]?\d|2[0-4])[:.]([0-5]\d)(?![\d:])")
_SPEC_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _times(text: str, pattern: re.Pattern[str]) -> set[str]:
    return {f"{int(h):02d}:{m}" for h, m in pattern.findall(text)}


def hours_text_warnings(line: Helpline) -> list[str]:
    """One line per language whose ``hours_text`` disagrees with ``hours``, naming the times."""
    scheduled = set().union(*(_times(spec, _SPEC_TIME) for spec in line.settings.hours.values()))
    where = _locator(line)
    warnings = []
    for lang in line.languages:
        text = line.settings.hours_text.root.get(lang)
        if text is None:
            continue
        said = _times(text, _TIME)
        missing, stale = sorted(scheduled - said), sorted(said - scheduled)
        if not missing and not stale:
            continue
        parts = []
        if missing:
            parts.append(f"does not mention {', '.join(missing)} from hours")
        if stale:
            parts.append(f"mentions {', '.join(stale)}, which hours does not have")
        warnings.append(
            f"{where(('hours_text', lang))}: hours_text {' and '.join(parts)} "
            f"(hours: {_schedule(line)}); people are told these words, so edit the two together"
        )
    return warnings


def _schedule(line: Helpline) -> str:
    return ", ".join(f"{day} {spec}" for day, spec in line.settings.hours.items())


def _locator(line: Helpline, name: str = "helpline.yml"):
    path = line.folder / name
    try:
        located = load_located(path)
    except ContentError:
        return lambda keys: f"{path} ({'.'.join(keys)})"
    return located.where


def content_warnings(helplines: dict[str, Helpline]) -> list[str]:
    """Everything ``vikno check`` (and a content reload) warns about, over all helplines."""
    return [w for line in helplines.values() for w in hours_text_warnings(line)]


def confirm_warnings(line: Helpline) -> list[str]:
    """Every value the helpline must confirm, with file, line and what it is.

    A profile written from a news article states what the article says and marks the rest
    (``confirm: true`` where a value stands, or a ``confirm:`` note naming it); these stay warnings, not
    errors, so a line runs meanwhile, but ``vikno helpline validate`` never lets them go unseen.
    """
    hl = _locator(line)
    tp = _locator(line, "topics.yml")
    settings = line.settings
    default = settings.default_language
    out: list[str] = []
    for group in ("phones", "emergency"):
        for i, contact in enumerate(getattr(settings, group)):
            if contact.confirm:
                out.append(
                    f"{hl((group, i))}: confirm {contact.number} "
                    f"({contact.label.get(default, default)}): the sources do not state it"
                )
    if settings.reports is not None:
        for i, place in enumerate(settings.reports.places):
            if place.confirm:
                out.append(
                    f"{hl(('reports', 'places', i))}: confirm the place {place.id!r} "
                    f"({place.name.get(default, default)}): put in the line's own places"
                )
        for i, route in enumerate(settings.reports.routes):
            if route.confirm:
                out.append(f"{hl(('reports', 'routes', i))}: confirm that team {route.team!r} takes these reports")
    if settings.appeals is not None:
        for i, authority in enumerate(settings.appeals.authorities):
            if authority.confirm:
                out.append(
                    f"{hl(('appeals', 'authorities', i))}: confirm the authority {authority.id!r} "
                    f"({authority.name.get(default, default)}): put in the body that takes these appeals"
                )
        for i, appeal_topic in enumerate(settings.appeals.topics):
            if appeal_topic.confirm:
                out.append(
                    f"{hl(('appeals', 'topics', i))}: confirm that appeals about {appeal_topic.id!r} go to "
                    f"authority {appeal_topic.authority!r}"
                )
    if settings.brigades is not None:
        for i, district in enumerate(settings.brigades.districts):
            if district.confirm:
                out.append(
                    f"{hl(('brigades', 'districts', i))}: confirm the brigades of {district.id!r} "
                    f"(team {district.team!r}, {district.brigades})"
                )
        for group in ("help", "outcomes"):
            for i, choice in enumerate(getattr(settings.brigades, group)):
                if choice.confirm:
                    out.append(
                        f"{hl(('brigades', group, i))}: confirm the {group} entry {choice.id!r} "
                        f"({choice.name.get(default, default)}): the sources do not state it"
                    )
    for i, topic_id in enumerate(line.topic_order):
        if line.topics[topic_id].confirm:
            out.append(
                f"{tp(('topics', i))}: confirm the answer of topic {topic_id!r}: it names services or "
                "numbers the sources do not state"
            )
    located = {name: _located(line, name) for name in ("helpline.yml", "topics.yml", "texts.yml", "canned.yml")}
    for note in settings.confirm:
        where = confirmation_target(note.at, {k: v for k, v in located.items() if v is not None})
        out.append(f"{where or note.at}: confirm: {note.why}")
    return out


def _located(line: Helpline, name: str) -> Located | None:
    try:
        return load_located(line.folder / name) if (line.folder / name).is_file() else None
    except ContentError:
        return None
