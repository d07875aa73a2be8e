"""Conversations in MongoDB.

An operator's capacity is enforced by the claim, without transactions: a
claimed conversation takes one of the operator's numbered *seats*
(``seat: "<operator id>:<n>"``, ``n`` below the capacity) under a unique
index, so two concurrent claims can never take the same place, and an
operator can never hold more seats than the capacity. A conversation leaves
its seat when it leaves the operator (``save`` drops it with any other
state); one handed to a colleague keeps a stale seat, which the next claim
of its former operator frees.
"""

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
    IndexModel([("helpline", ASCENDING), ("channel", ASCENDING), ("user_key", ASCENDING)], unique=True, name="user"),
    IndexModel(
        [("state", ASCENDING), ("helpline", ASCENDING), ("priority_rank", DESCENDING), ("enqueued_at", ASCENDING)],
        name="queue",
    ),
    IndexModel([("operator_id", ASCENDING)], name="operator", sparse=True),
    IndexModel([("seat", ASCENDING)], unique=True, sparse=True, name="seat"),
]

_MUTABLE = (
    "address",
    "state",
    "language",
    "language_chosen",
    "topic",
    "priority",
    "priority_rank",
    "team",
    "step",
    "data",
    "operator_id",
    "updated_at",
    "enqueued_at",
    "claimed_at",
    "last_message_at",
)
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
            doc = await self.c.find_one(
                {"helpline": conversation.helpline, "channel": conversation.channel, "user_key": conversation.user_key}
            )
            if doc is None:  # the duplicate was on _id, not on the user: a caller bug
                raise
            return conversation_from(doc)

    @translated
    async def save(self, conversation: Conversation) -> Conversation:
        conversation.updated_at = utcnow()
        doc = conversation_doc(conversation)
        update: dict[str, Any] = {"$set": {k: doc[k] for k in _MUTABLE}, "$inc": {"version": 1}}
        if conversation.state != State.WITH_OPERATOR:
            update["$unset"] = {"seat": ""}  # off the operator: the place is free
        result = await self.c.update_one({"_id": conversation.id, "version": conversation.version}, update)
        if result.matched_count != 1:
            raise Conflict(f"conversation {conversation.id} changed since it was read (version {conversation.version})")
        conversation.version += 1
        return conversation

    @translated
    async def queue_position(self, conversation: Conversation) -> int | None:
        if conversation.state != State.WAITING or conversation.enqueued_at is None:
            return None
        rank, at = conversation.priority_rank, conversation.enqueued_at
        ahead = await self.c.count_documents(
            {
                "state": "waiting",
                "helpline": conversation.helpline,
                "$or": [
                    {"priority_rank": {"$gt": rank}},
                    {"priority_rank": rank, "enqueued_at": {"$lt": at}},
                    {"priority_rank": rank, "enqueued_at": at, "_id": {"$lt": conversation.id}},
                ],
            }
        )
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
        capacity: int | None = None,
    ) -> Conversation | None:
        return await self._claim(_queue_filter(helplines, teams, languages), operator_id, now, capacity)

    @translated
    async def claim(
        self, conversation_id: str, operator_id: str, now: datetime, capacity: int | None = None
    ) -> Conversation | None:
        return await self._claim({"_id": conversation_id, "state": "waiting"}, operator_id, now, capacity)

    async def _claim(
        self, query: dict[str, Any], operator_id: str, now: datetime, capacity: int | None
    ) -> Conversation | None:
        taking: dict[str, Any] = {
            "state": "with_operator",
            "operator_id": operator_id,
            "claimed_at": now,
            "updated_at": now,
        }
        if capacity is None:
            doc = await self.c.find_one_and_update(
                query, {"$set": taking, "$inc": {"version": 1}}, sort=_QUEUE_ORDER, return_document=ReturnDocument.AFTER
            )
            return conversation_from(doc) if doc else None
        for seat in await self._free_seats(operator_id, capacity):
            try:
                doc = await self.c.find_one_and_update(
                    query,
                    {"$set": {**taking, "seat": seat}, "$inc": {"version": 1}},
                    sort=_QUEUE_ORDER,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue  # a concurrent claim of the same operator took this place first
            return conversation_from(doc) if doc else None
        return None

    async def _free_seats(self, operator_id: str, capacity: int) -> list[str]:
        """The operator's places not held now, in order; stale holders (chats gone elsewhere) are freed."""
        seats = [f"{operator_id}:{n}" for n in range(capacity)]
        held: set[str] = set()
        async for doc in self.c.find({"seat": {"$in": seats}}, {"seat": 1, "state": 1, "operator_id": 1}):
            if doc.get("state") == "with_operator" and doc.get("operator_id") == operator_id:
                held.add(doc["seat"])
            else:
                await self.c.update_one(
                    {
                        "_id": doc["_id"],
                        "seat": doc["seat"],
                        "$or": [{"state": {"$ne": "with_operator"}}, {"operator_id": {"$ne": operator_id}}],
                    },
                    {"$unset": {"seat": ""}},
                )
        # chats without a place of this operator (handed over by a colleague) fill places too
        unseated = await self.c.count_documents({"operator_id": operator_id, "state": "with_operator"}) - len(held)
        return [seat for seat in seats if seat not in held][max(0, unseated) :]

    @translated
    async def waiting(
        self, helplines: Sequence[str], limit: int = 200, priorities: Sequence[str] | None = None
    ) -> list[Conversation]:
        query = _queue_filter(helplines, None, None)
        if priorities is not None:
            query["priority"] = {"$in": list(priorities)}
        cursor = self.c.find(query).sort(_QUEUE_ORDER).limit(limit)
        return [conversation_from(d) async for d in cursor]

    @translated
    async def assigned_to(self, operator_id: str) -> list[Conversation]:
        cursor = self.c.find({"operator_id": operator_id, "state": "with_operator"}).sort("claimed_at", ASCENDING)
        return [conversation_from(d) async for d in cursor]

    @translated
    async def with_operators(self, helplines: Sequence[str]) -> list[Conversation]:
        cursor = self.c.find({"state": "with_operator", "helpline": {"$in": list(helplines)}}).sort(
            "claimed_at", ASCENDING
        )
        return [conversation_from(d) async for d in cursor]

    @translated
    async def queue_stats(self, helplines: Sequence[str]) -> QueueStats:
        cursor = await self.c.aggregate(
            [
                {"$match": {"state": "waiting", "helpline": {"$in": list(helplines)}}},
                {"$group": {"_id": "$priority", "n": {"$sum": 1}, "oldest": {"$min": "$enqueued_at"}}},
            ]
        )
        rows = [d async for d in cursor]
        oldest = min((r["oldest"] for r in rows if r.get("oldest") is not None), default=None)
        return QueueStats({r["_id"] or "routine": r["n"] for r in rows}, oldest)


def _queue_filter(
    helplines: Sequence[str], teams: Sequence[str] | None, languages: Sequence[str] | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"state": "waiting", "helpline": {"$in": list(helplines)}}
    ands = []
    if teams is not None:
        ands.append({"$or": [{"team": None}, {"team": {"$in": list(teams)}}]})
    if languages is not None:
        ands.append({"$or": [{"language": None}, {"language": {"$in": list(languages)}}]})
    if ands:
        query["$and"] = ands
    return query
