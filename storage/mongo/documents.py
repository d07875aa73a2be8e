"""Mapping between the port's dataclasses and BSON documents."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..identity import PlatformIds
from ..models import Conversation, Direction, Event, Message


def conversation_doc(c: Conversation) -> dict[str, Any]:
    doc = asdict(c)
    doc["_id"] = doc.pop("id")
    doc["state"] = str(c.state)
    doc["priority_rank"] = c.priority_rank
    return doc


def conversation_from(doc: dict[str, Any]) -> Conversation:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    doc.pop("priority_rank", None)
    doc.pop("seat", None)  # the adapter's own bookkeeping of capacity (conversations.py)
    return Conversation(**doc)


def message_doc(m: Message, ids: PlatformIds) -> dict[str, Any]:
    """The document of a message; its platform id keyed-hashed by ``ids`` (never stored in clear)."""
    doc = asdict(m)
    doc["_id"] = doc.pop("id")
    doc["platform_id"] = ids(m.platform_id)
    doc["direction"] = str(m.direction)
    doc["sender"] = str(m.sender)
    if m.direction == Direction.INTERNAL:  # a note is never pending: the outbox cannot lease it
        doc["delivery"] = None
    return doc


def message_from(doc: dict[str, Any]) -> Message:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    doc.pop("lease_owner", None)  # the outbox's bookkeeping (messages.py), not part of a message
    return Message(**doc)


def event_doc(e: Event) -> dict[str, Any]:
    doc = asdict(e)
    doc["_id"] = doc.pop("id")
    return doc
