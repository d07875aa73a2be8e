"""Messages in MongoDB."""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

from ..errors import Duplicate
from ..identity import PlatformIds
from ..models import Delivery, Direction, Message
from ..port import Messages
from .documents import message_doc, message_from
from .errors import translated

DEDUP_INDEX = "dedup"
INDEXES = [
    IndexModel([("channel", ASCENDING), ("platform_id", ASCENDING)], unique=True, name=DEDUP_INDEX),
    IndexModel([("conversation_id", ASCENDING), ("seq", ASCENDING)], name="conversation"),
    IndexModel([("reply_to", ASCENDING)], name="reply_to", sparse=True),
    IndexModel(
        [("delivery", ASCENDING), ("channel", ASCENDING), ("deliver_after", ASCENDING), ("seq", ASCENDING)],
        name="outbox",
        sparse=True,
    ),
]

_DUPLICATE_KEY = 11000
_BAD_VALUE = 2  # what MongoDB answers a hint at an index that does not exist
_NOTE = Direction.INTERNAL.value


def _is_due(doc: dict, now: datetime) -> bool:
    after = doc.get("deliver_after")
    if after is not None and after.tzinfo is None:
        after = after.replace(tzinfo=now.tzinfo)
    return after is None or after <= now


async def insert_ignoring_duplicates(collection: AsyncCollection, messages: list[Message], ids: PlatformIds) -> None:
    """Insert all; the ones already there (a retried turn) are left as they are."""
    if not messages:
        return
    try:
        await collection.insert_many([message_doc(m, ids) for m in messages], ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
            raise


#: Builds the missing indexes now; False when MongoDB refused (the store has said why, loudly).
EnsureIndexes = Callable[[], Awaitable[bool]]


async def insert_once(collection: AsyncCollection, doc: dict, ensure_indexes: EnsureIndexes) -> dict | None:
    """Store a message once per (channel, platform id): None when stored now, else the copy stored before.

    One upsert, hinted at the unique ``dedup`` index: when the index is
    missing (the database was dropped or restored without it under a running
    vikno) the server refuses the hint instead of storing a duplicate, and the
    indexes are built again before the one retry. Should MongoDB refuse to
    build them, the message is still stored (a helpline must keep answering),
    by the same upsert without the hint. Raises DuplicateKeyError only when
    the message id is taken by a message of another platform id.
    """
    query = {"channel": doc["channel"], "platform_id": doc["platform_id"]}
    hint: str | None = DEDUP_INDEX
    for attempt in range(2):
        try:
            result = await collection.update_one(query, {"$setOnInsert": doc}, upsert=True, hint=hint)
        except DuplicateKeyError:  # the message id is stored (a retried turn), or a racing twin won
            found = await collection.find_one(query)
            if found is None:
                raise
            return found
        except OperationFailure as exc:
            if attempt or not _missing_index(exc):
                raise
            if not await ensure_indexes():
                hint = None
            continue
        if result.upserted_id is not None:
            return None
        return await collection.find_one(query) or doc
    raise AssertionError("unreachable")


def _missing_index(exc: OperationFailure) -> bool:
    return exc.code == _BAD_VALUE and "hint" in str(exc).lower()


async def insert_inbound(
    collection: AsyncCollection, message: Message, ids: PlatformIds, ensure_indexes: EnsureIndexes
) -> None:
    """Insert the inbound of a turn, or raise Duplicate for another copy of it."""
    try:
        doc = await insert_once(collection, message_doc(message, ids), ensure_indexes)
    except DuplicateKeyError:
        return  # the same id is stored: a retry of this very turn
    if doc is None:
        return
    existing = message_from(doc)
    if existing.id != message.id or existing.handled:
        raise Duplicate(existing)


class MongoMessages(Messages):
    #: A process elsewhere cannot be asked whether it lives: leases are short and renewed instead.
    knows_dead_owners = False

    def __init__(self, collection: AsyncCollection, ids: PlatformIds, ensure_indexes: EnsureIndexes) -> None:
        self.c = collection
        self.ids = ids
        self._ensure_indexes = ensure_indexes
        self.owner = f"{socket.gethostname()}/{os.getpid()}-{secrets.token_hex(6)}"

    @translated
    async def add_inbound(self, message: Message) -> tuple[Message, bool]:
        doc = await insert_once(self.c, message_doc(message, self.ids), self._ensure_indexes)
        return (message, True) if doc is None else (message_from(doc), False)

    @translated
    async def get(self, message_id: str) -> Message | None:
        doc = await self.c.find_one({"_id": message_id})
        return message_from(doc) if doc else None

    @translated
    async def by_platform_id(self, channel: str, platform_id: str) -> Message | None:
        doc = await self.c.find_one({"channel": channel, "platform_id": self.ids(platform_id)})
        return message_from(doc) if doc else None

    @translated
    async def history(
        self, conversation_id: str, limit: int | None = None, *, include_notes: bool = False
    ) -> list[Message]:
        query: dict = {"conversation_id": conversation_id}
        if not include_notes:
            query["direction"] = {"$ne": _NOTE}
        if limit is None:
            cursor = self.c.find(query).sort("seq", ASCENDING)
            return [message_from(d) async for d in cursor]
        cursor = self.c.find(query).sort("seq", DESCENDING).limit(limit)
        return [message_from(d) async for d in cursor][::-1]

    @translated
    async def replies_to(self, message_id: str) -> list[Message]:
        cursor = self.c.find({"reply_to": message_id, "direction": {"$ne": _NOTE}}).sort("seq", ASCENDING)
        return [message_from(d) async for d in cursor]

    @translated
    async def count(self, conversation_id: str | None = None, *, include_notes: bool = False) -> int:
        query: dict[str, Any] = {} if conversation_id is None else {"conversation_id": conversation_id}
        if not include_notes:
            query["direction"] = {"$ne": _NOTE}
        return await self.c.count_documents(query)

    @translated
    async def lease_pending(
        self, channel: str, now: datetime, lease: timedelta, limit: int, *, per_conversation: int | None = None
    ) -> list[Message]:
        # Per conversation: lease its oldest pending message atomically (the race
        # is decided there), then the next of that conversation's due messages.
        # Another sender skips a conversation whose oldest pending message it
        # does not hold, so no two senders interleave one person's messages.
        #
        # Each lease runs from when it is written, not from when leasing began, and leasing stops once half the
        # lease has gone by: on a slow store (a round trip or more a conversation) a batch took longer to lease
        # than the lease lasts, and its first messages were free for another sender before their sends began
        # (a double send). The sender renews what it holds as soon as this returns.
        started = time.monotonic()
        pending = {"delivery": Delivery.PENDING.value, "channel": channel}
        due = {**pending, "$or": [{"deliver_after": None}, {"deliver_after": {"$lte": now}}]}

        def update() -> dict[str, Any]:
            until = now + lease + timedelta(seconds=time.monotonic() - started)
            return {"$set": {"deliver_after": until, "lease_owner": self.owner}, "$inc": {"attempts": 1}}

        leased: list[Message] = []
        seen: set[str] = set()
        taken = 0
        cursor = self.c.find(due, {"conversation_id": 1, "seq": 1}).sort("seq", ASCENDING).limit(limit * 20)
        async for candidate in cursor:
            conversation = candidate["conversation_id"]
            if taken >= limit or (leased and time.monotonic() - started > lease.total_seconds() / 2):
                break
            if conversation in seen:
                continue
            seen.add(conversation)
            earlier = await self.c.find_one(
                {**pending, "conversation_id": conversation, "seq": {"$lt": candidate["seq"]}}, {"_id": 1}
            )
            if earlier is not None:
                continue  # someone else holds the head of this conversation
            head = await self.c.find_one_and_update(
                {**due, "_id": candidate["_id"]}, update(), return_document=ReturnDocument.AFTER
            )
            if head is None:
                continue  # another sender was quicker
            leased.append(message_from(head))
            taken += 1
            if per_conversation == 1:
                continue
            # the rest waits behind the head we hold: nobody else can take it meanwhile
            rest = {**pending, "conversation_id": conversation, "seq": {"$gt": head["seq"]}}
            followers = self.c.find(rest).sort("seq", ASCENDING)
            if per_conversation is not None:
                followers = followers.limit(per_conversation - 1)
            ids = [d["_id"] for d in await followers.to_list() if _is_due(d, now)]
            if ids:
                await self.c.update_many({"_id": {"$in": ids}, **due}, update())
                leased.extend(
                    [message_from(d) async for d in self.c.find({"_id": {"$in": ids}, "lease_owner": self.owner})]
                )
        return sorted(leased, key=lambda m: m.seq)

    @translated
    async def renew_leases(self, channel: str, until: datetime) -> int:
        result = await self.c.update_many(
            {"delivery": Delivery.PENDING.value, "channel": channel, "lease_owner": self.owner},
            {"$set": {"deliver_after": until}},
        )
        return result.modified_count

    @translated
    async def release_leases(self, channel: str) -> int:
        result = await self.c.update_many(
            {"delivery": Delivery.PENDING.value, "channel": channel, "lease_owner": self.owner},
            {"$set": {"deliver_after": None, "lease_owner": None}, "$inc": {"attempts": -1}},
        )
        return result.modified_count

    async def take_over_leases(self, channel: str) -> int:
        return 0  # nobody is known dead here: a dead owner's short lease runs out

    @translated
    async def leases(self, channel: str, now: datetime) -> dict[str, int]:
        held: dict[str, int] = {}
        async for doc in self.c.find(
            {
                "delivery": Delivery.PENDING.value,
                "channel": channel,
                "lease_owner": {"$ne": None},
                "deliver_after": {"$gt": now},
            },
            {"lease_owner": 1},
        ):
            held[doc["lease_owner"]] = held.get(doc["lease_owner"], 0) + 1
        return held

    @translated
    async def mark_sent(self, message_id: str) -> None:
        await self.c.update_one(
            {"_id": message_id},
            {"$set": {"delivery": Delivery.SENT.value, "deliver_after": None, "lease_owner": None, "sealed": None}},
        )

    @translated
    async def mark_failed(self, message_id: str) -> None:
        await self.c.update_one(
            {"_id": message_id},
            {"$set": {"delivery": Delivery.FAILED.value, "deliver_after": None, "lease_owner": None, "sealed": None}},
        )

    @translated
    async def retry_at(self, message_id: str, when: datetime) -> None:
        doc = await self.c.find_one({"_id": message_id}, {"conversation_id": 1, "channel": 1, "seq": 1})
        if doc is None:
            return
        await self.c.update_one(
            {"_id": message_id, "delivery": Delivery.PENDING.value},
            {"$set": {"deliver_after": when, "lease_owner": None}},
        )
        await self.c.update_many(
            {
                "delivery": Delivery.PENDING.value,
                "conversation_id": doc["conversation_id"],
                "channel": doc["channel"],
                "seq": {"$gt": doc["seq"]},
                "$or": [{"deliver_after": None}, {"deliver_after": {"$lt": when}}],
            },
            {"$set": {"deliver_after": when, "lease_owner": None}},
        )

    @translated
    async def count_pending(self, channel: str | None = None) -> int:
        query: dict = {"delivery": Delivery.PENDING.value}
        if channel is not None:
            query["channel"] = channel
        return await self.c.count_documents(query)
