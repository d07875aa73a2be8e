"""What the console shows of a conversation, as plain data for pages and JSON.

The one place that decides what an operator may see: a pseudonym, never the
channel's user id or the encrypted address; internal notes marked as such.
Templates and the script render these dicts and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vikno.flows.content import Helpline
from vikno.storage.identity import IdentityVault
from vikno.storage.models import PRIORITY_RANK, Conversation, Message, Operator, utcnow

from ..wrapup import CHI_CATEGORIES, OUTCOME_LABELS

#: The console speaks English for now; content comes in the helpline's languages.
UI_LANGUAGE = "en"
PRIORITY_LABELS = {"crisis": "Crisis", "urgent_report": "Urgent report", "request": "Request",
                   "routine": "Routine"}
CHANNEL_LABELS = {"telegram": "Telegram", "viber": "Viber", "webchat": "Web chat", "rest": "App (REST)"}
LANGUAGE_LABELS = {"uk": "Ukrainian", "ru": "Russian", "az": "Azerbaijani", "en": "English"}
NOTE_DIRECTION = "internal"


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def topic_title(line: Helpline | None, topic: str | None) -> str | None:
    if line is None or topic is None or topic not in line.topics:
        return topic
    return line.local(line.topics[topic].title, UI_LANGUAGE)


def conversation_view(conv: Conversation, line: Helpline | None, now: datetime | None = None,
                      operators: dict[str, Operator] | None = None) -> dict[str, Any]:
    now = now or utcnow()
    since = conv.enqueued_at if conv.state == "waiting" else conv.claimed_at
    operator = (operators or {}).get(conv.operator_id or "")
    return {
        "id": conv.id,
        "helpline": conv.helpline,
        "helpline_name": line.local(line.settings.name, UI_LANGUAGE) if line else conv.helpline,
        "state": str(conv.state),
        "priority": conv.priority,
        "priority_label": PRIORITY_LABELS.get(conv.priority or "", "—"),
        "rank": PRIORITY_RANK.get(conv.priority or "", 0),
        "topic": conv.topic,
        "topic_title": topic_title(line, conv.topic),
        "language": conv.language,
        "language_label": LANGUAGE_LABELS.get(conv.language or "", conv.language or "—"),
        "channel": conv.channel,
        "channel_label": CHANNEL_LABELS.get(conv.channel, conv.channel),
        "pseudonym": IdentityVault.pseudonym(conv.user_key),
        "team": conv.team,
        "operator_id": conv.operator_id,
        "operator_name": operator.display_name if operator else None,
        "enqueued_at": iso(conv.enqueued_at),
        "since": iso(since),
        "seconds": max(0, int((now - since).total_seconds())) if since else None,
        "last_message_at": iso(conv.last_message_at),
    }


def message_view(m: Message) -> dict[str, Any]:
    note = m.direction == NOTE_DIRECTION
    text = m.text
    if text is None and m.buttons:
        first = m.buttons[0]
        text = f"[button: {first.get('title') or first.get('payload') or ''}]"
    return {
        "id": m.id,
        "sender": "note" if note else str(m.sender),
        "author": (m.buttons[0].get("operator") if note and m.buttons else None),
        "text": text or "",
        "kind": m.kind,
        "buttons": [] if note else [b.get("title", "") for b in m.buttons if b.get("title")],
        "at": iso(m.created_at),
    }


def wrapup_choices(line: Helpline) -> dict[str, Any]:
    """Categories (CHI first, then the helpline's topics) and outcomes for the close form."""
    return {
        "chi": [(cid, labels[1]) for cid, labels in CHI_CATEGORIES.items()],
        "topics": [(f"topic:{t}", topic_title(line, t)) for t in line.topic_order],
        "outcomes": [(str(o), labels[1]) for o, labels in OUTCOME_LABELS.items()],
    }


def teams_of(line: Helpline) -> list[tuple[str, str]]:
    return [(t.id, line.local(t.name, UI_LANGUAGE)) for t in line.settings.teams]


def duration(seconds: int | float | None) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min`` (console.js formats the same way)."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
