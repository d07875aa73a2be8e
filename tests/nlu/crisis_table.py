"""One table format for the crisis tests (issue 22): per language, rows of (kind, text).

A table is ``{lang: [Row(kind, text), ...]}``. ``table()`` builds one from the
literal a test file writes, where a row is ``(kind, text)`` or, in a table that
does not sort its messages by kind, the text alone (its kind is then "").
What the crisis tests ask of a table is here too, so each file reads its rows
the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.risk import Risk, RiskAssessment

LANGS = ("uk", "ru", "az", "en")


class Row(NamedTuple):
    #: what the message is (a kind of crisis, or of ordinary message); "" where the table does not say
    kind: str
    text: str


Table = dict[str, list[Row]]


def table(by_lang: Mapping[str, Sequence[str | tuple[str, str]]]) -> Table:
    return {
        lang: [Row(*item) if isinstance(item, tuple) else Row("", item) for item in items]
        for lang, items in by_lang.items()
    }


def joined(*tables: Table) -> Table:
    """The rows of several tables, language by language (e.g. a DEV and a HELD_OUT half)."""
    langs = dict.fromkeys(lang for t in tables for lang in t)
    return {lang: [row for t in tables for row in t.get(lang, [])] for lang in langs}


def texts(t: Table, lang: str | None = None) -> list[str]:
    return [row.text for code in ([lang] if lang is not None else list(t)) for row in t[code]]


def cases(t: Table) -> list[tuple[str, str]]:
    """(lang, text) of every row: the parameters of a test run once per message."""
    return [(lang, row.text) for lang, rows in t.items() for row in rows]


_DETECTOR = CrisisDetector()


def flagged(text: str) -> bool:
    return _DETECTOR.detect(text).crisis


def misses(t: Table, lang: str) -> list[Row]:
    return [row for row in t[lang] if not flagged(row.text)]


def false_alarms(t: Table, lang: str) -> list[Row]:
    return [row for row in t[lang] if flagged(row.text)]


def alarmed(found: RiskAssessment) -> bool:
    """A crisis, or the safety question (with the emergency numbers) of rules that only ask.

    The situations of the later rules (all one's money given away, legs over an edge, waiting at the tracks, a
    day chosen, a last try) are everyday life as often as a crisis: their hit is the question, the model's
    certainty the full alarm (nlu/crisis_rules.yml). A crisis they read is caught either way, never silence.
    """
    if found.level is Risk.CRISIS:
        return True
    rules = found.rules
    return (
        found.level is Risk.CHECK
        and rules is not None
        and rules.crisis
        and all(name in ASK_RULES for name in rules.matched)
    )
