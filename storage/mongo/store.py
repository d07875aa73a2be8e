"""The production store: MongoDB through PyMongo's async API.

One ``AsyncMongoClient`` per process. Nothing here needs a transaction or a
change stream, so a single node, a replica set and the mongoeco test server
all work; the order of writes in :meth:`commit_turn` makes a retried turn
complete rather than duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError as DriverConfigurationError
from pymongo.errors import InvalidURI

from ..errors import ConfigurationError, StoreUnavailable
from ..models import Conversation, Event, Message
from ..port import Store
from . import conversations, events, messages, operators
from .errors import UNAVAILABLE, translated

DEFAULT_DATABASE = "vikno"


class MongoStore(Store):
    kind = "mongodb"

    def __init__(self, uri: str, database: str | None = None, *, timeout_ms: int = 5000) -> None:
        try:
            self.client: AsyncMongoClient = AsyncMongoClient(
                uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
                appname="vikno",
            )
        except (InvalidURI, DriverConfigurationError, ValueError) as exc:
            raise ConfigurationError(f"MONGODB_URI is not a valid MongoDB URI: {exc}") from exc
        try:
            default = self.client.get_default_database().name
        except DriverConfigurationError:
            default = None
        self.db = self.client[database or default or DEFAULT_DATABASE]
        self.conversations = conversations.MongoConversations(self.db["conversations"])
        self.messages = messages.MongoMessages(self.db["messages"])
        self.events = events.MongoEvents(self.db["events"])
        self.operators = operators.MongoOperators(self.db["operators"])
        self.sessions = operators.MongoSessions(self.db["sessions"])
        self.login_attempts = operators.MongoLoginAttempts(self.db["login_attempts"])
        self._indexed = False

    async def open(self) -> None:
        if self._indexed:
            return
        try:
            await self.db["conversations"].create_indexes(conversations.INDEXES)
            await self.db["messages"].create_indexes(messages.INDEXES)
            await self.db["events"].create_indexes(events.INDEXES)
            await self.db["operators"].create_indexes(operators.OPERATOR_INDEXES)
            await self.db["sessions"].create_indexes(operators.SESSION_INDEXES)
            await self.db["login_attempts"].create_indexes(operators.ATTEMPT_INDEXES)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"MongoDB is unreachable: {exc}") from exc
        self._indexed = True

    async def close(self) -> None:
        await self.client.close()

    async def ping(self) -> bool:
        try:
            await self.db.command("ping")
            return True
        except Exception:
            return False

    @translated
    async def commit_turn(
        self,
        conversation: Conversation,
        inbound: Message | None,
        replies: Sequence[Message],
        events_: Sequence[Event],
    ) -> Conversation:
        if inbound is not None:
            await messages.insert_inbound(self.db["messages"], inbound)  # the de-duplication point
        await self.conversations.save(conversation)  # the commit point of the step
        await messages.insert_ignoring_duplicates(self.db["messages"], list(replies))
        await events.insert_ignoring_duplicates(self.db["events"], list(events_))
        if inbound is not None:
            await self.db["messages"].update_one({"_id": inbound.id}, {"$set": {"handled": True}})
        return conversation
