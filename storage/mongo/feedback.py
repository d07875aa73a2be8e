"""Operators' marks on messages (labelled examples for the crisis data) in MongoDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from ..models import Feedback
from ..port import FeedbackMarks
from .errors import translated

INDEXES = [
    IndexModel([("marked_at", ASCENDING)], name="marked_at"),
    IndexModel([("conversation_id", ASCENDING)], name="conversation"),
]
_ORDER = [("marked_at", ASCENDING), ("_id", ASCENDING)]


def _doc(f: Feedback) -> dict[str, Any]:
    doc = asdict(f)
    doc["_id"] = doc.pop("message_id")
    return doc


def _feedback(doc: dict[str, Any]) -> Feedback:
    doc = dict(doc)
    doc["message_id"] = doc.pop("_id")
    return Feedback(**doc)


class MongoFeedback(FeedbackMarks):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def mark(self, feedback: Feedback) -> Feedback:
        await self.c.replace_one({"_id": feedback.message_id}, _doc(feedback), upsert=True)
        return feedback

    @translated
    async def of_conversation(self, conversation_id: str) -> list[Feedback]:
        return [_feedback(d) async for d in self.c.find({"conversation_id": conversation_id}).sort(_ORDER)]

    @translated
    async def since(self, since: datetime | None = None, *, helplines: Sequence[str] | None = None) -> list[Feedback]:
        query: dict[str, Any] = {}
        if since is not None:
            query["marked_at"] = {"$gte": since}
        if helplines is not None:
            query["helpline"] = {"$in": list(helplines)}
        return [_feedback(d) async for d in self.c.find(query).sort(_ORDER)]

    @translated
    async def delete_older(self, before: datetime) -> int:
        return (await self.c.delete_many({"marked_at": {"$lt": before}})).deleted_count
