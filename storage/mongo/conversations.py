"""Conversations in MongoDB."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import Conflict
from ..models import Conversation, State, utcnow
from ..port import Conversations, QueueStats
from .documents import conversation_doc, conversation_from
from .errors import translated

INDEXES = [
    IndexModel([("helpline", ASCENDING), ("channel", ASCENDING), ("user_key", ASCENDING)],
               unique=True, name="user"),
    IndexModel([("state", ASCENDING), ("helpline", ASCENDING), ("priority_rank", DESCENDING),
                ("enqueued_at", ASCENDING)], name="queue"),
    IndexModel([("operator_id", ASCENDING)], name="operator", sparse=True),
]

_MUTABLE = ("address", "state", "language", "language_chosen", "topic", "priority", "priority_rank", "team",
            "step", "data", "operator_id", "updated_at", "enqueued_at", "claimed_at", "last_message_at")
_QUEUE_ORDER = [("priority_rank", DESCENDING), ("enqueued_at", ASCENDING), ("_id", ASCENDING)]


class MongoConversations(Conversations):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def get(self, conversation_id: str) -> Conversation | None:
        doc = await self.c.find_one({"_id": conversation_id})
        return conversation_from(doc) if doc else None

    @translated
    async def find_by_user(self, helpline: str, channel: str, user_key: str) -> Conversation | None:
        doc = await self.c.find_one({"helpline": helpline, "channel": channel, "user_key": user_key})
        return conversation_from(doc) if doc else None

    @translated
    async def create(self, conversation: Conversation) -> Conversation:
        try:
            await self.c.insert_one(conversation_doc(conversation))
            return conversation
        except DuplicateKeyError:
            doc = await self.c.find_one({"helpline": conversation.helpline, "channel": conversation.channel,
                                         "user_key": conversation.user_key})
            if doc is None:  # the duplicate was on _id, not on the user: a caller bug
                raise
            return conversation_from(doc)

    @translated
    async def save(self, conversation: Conversation) -> Conversation:
        conversation.updated_at = utcnow()
        doc = conversation_doc(conversation)
        result = await self.c.update_one(
            {"_id": conversation.id, "version": conversation.version},
            {"$set": {k: doc[k] for k in _MUTABLE}, "$inc": {"version": 1}},
        )
        if result.matched_count != 1:
            raise Conflict(f"conversation {conversation.id} changed since it was read "
                           f"(version {conversation.version})")
        conversation.version += 1
        return conversation

    @translated
    async def queue_position(self, conversation: Conversation) -> int | None:
        if conversation.state != State.WAITING or conversation.enqueued_at is None:
            return None
        rank, at = conversation.priority_rank, conversation.enqueued_at
        ahead = await self.c.count_documents({
            "state": "waiting",
            "helpline": conversation.helpline,
            "$or": [
                {"priority_rank": {"$gt": rank}},
                {"priority_rank": rank, "enqueued_at": {"$lt": at}},
                {"priority_rank": rank, "enqueued_at": at, "_id": {"$lt": conversation.id}},
            ],
        })
        return ahead + 1

    @translated
    async def count_waiting(self, helpline: str) -> int:
        return await self.c.count_documents({"state": "waiting", "helpline": helpline})

    @translated
    async def claim_next(
        self,
        operator_id: str,
        *,
        helplines: Sequence[str],
        teams: Sequence[str] | None,
        languages: Sequence[str] | None,
        now: datetime,
    ) -> Conversation | None:
        doc = await self.c.find_one_and_update(
            _queue_filter(helplines, teams, languages),
            {"$set": {"state": "with_operator", "operator_id": operator_id, "claimed_at": now, "updated_at": now},
             "$inc": {"version": 1}},
            sort=_QUEUE_ORDER, return_document=ReturnDocument.AFTER,
        )
        return conversation_from(doc) if doc else None

    @translated
    async def claim(self, conversation_id: str, operator_id: str, now: datetime) -> Conversation | None:
        doc = await self.c.find_one_and_update(
            {"_id": conversation_id, "state": "waiting"},
            {"$set": {"state": "with_operator", "operator_id": operator_id, "claimed_at": now, "updated_at": now},
             "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return conversation_from(doc) if doc else None

    @translated
    async def waiting(self, helplines: Sequence[str], limit: int = 200) -> list[Conversation]:
        cursor = self.c.find(_queue_filter(helplines, None, None)).sort(_QUEUE_ORDER).limit(limit)
        return [conversation_from(d) async for d in cursor]

    @translated
    async def assigned_to(self, operator_id: str) -> list[Conversation]:
        cursor = self.c.find({"operator_id": operator_id, "state": "with_operator"}).sort("claimed_at", ASCENDING)
        return [conversation_from(d) async for d in cursor]

    @translated
    async def with_operators(self, helplines: Sequence[str]) -> list[Conversation]:
        cursor = self.c.find({"state": "with_operator", "helpline": {"$in": list(helplines)}}).sort(
            "claimed_at", ASCENDING)
        return [conversation_from(d) async for d in cursor]

    @translated
    async def queue_stats(self, helplines: Sequence[str]) -> QueueStats:
        cursor = await self.c.aggregate([
            {"$match": {"state": "waiting", "helpline": {"$in": list(helplines)}}},
            {"$group": {"_id": "$priority", "n": {"$sum": 1}, "oldest": {"$min": "$enqueued_at"}}},
        ])
        rows = [d async for d in cursor]
        oldest = min((r["oldest"] for r in rows if r.get("oldest") is not None), default=None)
        return QueueStats({r["_id"] or "routine": r["n"] for r in rows}, oldest)


def _queue_filter(helplines: Sequence[str], teams: Sequence[str] | None,
                  languages: Sequence[str] | None) -> dict[str, Any]:
    query: dict[str, Any] = {"state": "waiting", "helpline": {"$in": list(helplines)}}
    ands = []
    if teams is not None:
        ands.append({"$or": [{"team": None}, {"team": {"$in": list(teams)}}]})
    if languages is not None:
        ands.append({"$or": [{"language": None}, {"language": {"$in": list(languages)}}]})
    if ands:
        query["$and"] = ands
    return query
