"""Messages in MongoDB."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from ..models import Message
from ..port import Messages
from .documents import message_doc, message_from
from .errors import translated

INDEXES = [
    IndexModel([("channel", ASCENDING), ("platform_id", ASCENDING)], unique=True, name="dedup"),
    IndexModel([("conversation_id", ASCENDING), ("seq", ASCENDING)], name="conversation"),
    IndexModel([("reply_to", ASCENDING)], name="reply_to", sparse=True),
]

_DUPLICATE_KEY = 11000


async def insert_ignoring_duplicates(collection: AsyncCollection, messages: list[Message]) -> None:
    """Insert all; the ones already there (a retried turn) are left as they are."""
    if not messages:
        return
    try:
        await collection.insert_many([message_doc(m) for m in messages], ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
            raise


class MongoMessages(Messages):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def add_inbound(self, message: Message) -> tuple[Message, bool]:
        try:
            await self.c.insert_one(message_doc(message))
            return message, True
        except DuplicateKeyError:
            doc = await self.c.find_one({"channel": message.channel, "platform_id": message.platform_id})
            if doc is None:
                raise
            return message_from(doc), False

    @translated
    async def get(self, message_id: str) -> Message | None:
        doc = await self.c.find_one({"_id": message_id})
        return message_from(doc) if doc else None

    @translated
    async def history(self, conversation_id: str, limit: int | None = None) -> list[Message]:
        if limit is None:
            cursor = self.c.find({"conversation_id": conversation_id}).sort("seq", ASCENDING)
            return [message_from(d) async for d in cursor]
        cursor = self.c.find({"conversation_id": conversation_id}).sort("seq", DESCENDING).limit(limit)
        return [message_from(d) async for d in cursor][::-1]

    @translated
    async def replies_to(self, message_id: str) -> list[Message]:
        cursor = self.c.find({"reply_to": message_id}).sort("seq", ASCENDING)
        return [message_from(d) async for d in cursor]

    @translated
    async def count(self, conversation_id: str | None = None) -> int:
        if conversation_id is None:
            return await self.c.count_documents({})
        return await self.c.count_documents({"conversation_id": conversation_id})
