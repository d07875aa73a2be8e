"""Canned replies of a helpline, in the language of the conversation.

``Helpline.canned`` (optional ``canned.yml``) is a list of entries with
``id``, ``title`` and ``text`` (Text: one string per language). Placeholders
``{operator}`` and ``{helpline}`` are replaced literally, not with
``str.format``, so a stray brace in content cannot break the console.
``{operator}`` is the name the person may see (handoff/names.py: never the
login): the text goes to the person as it is when the operator sends it.
"""

from __future__ import annotations

from typing import Any

from vikno.flows.content import Helpline
from vikno.handoff.names import name_for_person
from vikno.storage.models import Operator


def canned_replies(line: Helpline | None, language: str | None, operator: Operator) -> list[dict[str, str]]:
    if line is None:
        return []
    entries: list[Any] = list(getattr(line, "canned", None) or [])
    lang = line.language_or_default(language)
    name = line.local(line.settings.name, lang)
    operator_name = name_for_person(operator, lang)
    out = []
    for entry in entries:
        try:
            text = line.local(entry.text, lang)
            title = line.local(entry.title, lang)
        except (AttributeError, KeyError):
            continue
        out.append(
            {
                "id": str(getattr(entry, "id", "")),
                "title": title,
                "text": text.replace("{operator}", operator_name).replace("{helpline}", name),
            }
        )
    return out
