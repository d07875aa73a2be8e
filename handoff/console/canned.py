"""Canned replies of a helpline, in the language of the conversation.

``Helpline.canned`` (optional ``canned.yml``) is a list of entries with
``id``, ``title`` and ``text`` (Text: one string per language). Placeholders
``{operator}`` and ``{helpline}`` are replaced literally, not with
``str.format``, so a stray brace in content cannot break the console.
"""

from __future__ import annotations

from typing import Any

from vikno.flows.content import Helpline


def canned_replies(line: Helpline | None, language: str | None, operator_name: str) -> list[dict[str, str]]:
    if line is None:
        return []
    entries: list[Any] = list(getattr(line, "canned", None) or [])
    lang = line.language_or_default(language)
    name = line.local(line.settings.name, lang)
    out = []
    for entry in entries:
        try:
            text = line.local(entry.text, lang)
            title = line.local(entry.title, lang)
        except (AttributeError, KeyError):
            continue
        out.append({"id": str(getattr(entry, "id", "")), "title": title,
                    "text": text.replace("{operator}", operator_name).replace("{helpline}", name)})
    return out
