"""Operators' marks as Rasa NLU training data, for a helpline to fold into its crisis corpus.

The console keeps every "crisis" / "not a crisis" mark an operator gives a
message (issue 21 item 3); ``vikno nlu export-feedback`` writes them with
this module as Rasa YAML (``version: "3.1"``) in the shape of the shipped
corpus (``nlu/data/<lang>/crisis.yml``): intents ``crisis__feedback`` and
``safe__feedback``, one pair per language, each with its ``metadata``
(label, kind, language) and a comment saying where it goes. So a helpline
copies a language's part into that language's ``crisis.yml`` and the crisis
model learns from what its own operators saw.

A person's message becomes one example line. First what can be found
reliably and could lead to them is replaced by a placeholder (phone
numbers, e-mail addresses, links, @handles, long numbers: ``redact.py``);
names and street addresses cannot be, so the file says it must be read
before it is shared. Then line breaks and other
whitespace become single spaces, characters YAML cannot hold are dropped,
and ``[words](x)`` is kept from reading as a Rasa entity. The same text
marked twice in one language is one example, with its latest label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from .redact import redact

__all__ = ["LabelledText", "INTENTS", "example_line", "feedback_yaml"]

#: The marks' labels (storage's FeedbackLabel values) → the corpus's intents and metadata labels.
INTENTS = {"crisis": ("crisis__feedback", "crisis"), "not_crisis": ("safe__feedback", "safe")}
#: What YAML may hold (PyYAML's printable set, tab and line breaks aside: they become spaces anyway).
_NOT_PRINTABLE = re.compile("[^\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: ``[text](entity)`` / ``[text]{...}`` would be read as an entity annotation and lose its brackets' content.
_ENTITY_OPENING = re.compile(r"\]\s*([({])")


class LabelledText(Protocol):
    """What a mark needs to be an example (storage.models.Feedback has it; nlu may not import storage)."""

    text: str
    label: str
    language: str | None


def example_line(text: str) -> str:
    """One example line's text: a single line of printable characters, never an entity annotation."""
    one_line = " ".join(text.split())  # every whitespace, line breaks included (\u2028, \x85 too)
    printable = " ".join(_NOT_PRINTABLE.sub("", one_line).split())
    return _ENTITY_OPENING.sub(r"] \1", printable)


def feedback_yaml(
    marks: Iterable[LabelledText], *, exported_at: datetime | None = None, since: datetime | None = None
) -> str:
    """The marks (oldest first, as the store gives them) as one Rasa NLU YAML file, by language."""
    latest: dict[str, dict[str, str]] = {}  # language -> example text -> label (latest wins)
    for mark in marks:
        if mark.label not in INTENTS:
            continue
        line = example_line(redact(mark.text))
        if not line:
            continue
        by_text = latest.setdefault(mark.language or "unknown", {})
        by_text.pop(line, None)  # a later mark moves the example to its new place
        by_text[line] = mark.label
    out = [
        "# Operators' marks on people's messages (vikno nlu export-feedback"
        + (f", {exported_at:%Y-%m-%d %H:%M} UTC" if exported_at else "")
        + (f", marks since {since:%Y-%m-%d}" if since else "")
        + ").",
        "# Personal data: people's own words. Keep this file private and delete it once folded in.",
        "# Phone numbers, e-mail addresses, links, @handles and long numbers are replaced (<phone>, <email>,",
        "# <link>, <handle>, <number>); names and addresses cannot be found reliably and are still here.",
        "# Read every line (take out any name or address) before sharing it or adding each language's part",
        "# to nlu/data/<lang>/crisis.yml.",
        'version: "3.1"',
        "nlu:",
    ]
    if not latest:
        out[-1] = "nlu: []"
    for lang in sorted(latest):
        counts = {label: sum(1 for v in latest[lang].values() if v == label) for label in INTENTS}
        out.append(
            f"# {lang}: {counts['crisis']} crisis, {counts['not_crisis']} not a crisis -> nlu/data/{lang}/crisis.yml"
        )
        for label, (intent, corpus_label) in INTENTS.items():
            lines = [text for text, given in latest[lang].items() if given == label]
            if not lines:
                continue
            out.append(f"- intent: {intent}")
            out.append(f"  metadata: {{label: {corpus_label}, kind: feedback, lang: {_plain(lang)}}}")
            out.append("  examples: |")
            out.extend(f"    - {line}" for line in lines)
    return "\n".join(out) + "\n"


def _plain(lang: str) -> str:
    """A language code as a plain YAML scalar (codes are letters; anything else is quoted)."""
    return lang if re.fullmatch(r"[A-Za-z][A-Za-z_-]*", lang) else '"' + re.sub(r'["\\]', "", lang) + '"'
