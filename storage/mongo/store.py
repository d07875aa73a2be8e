"""The production store: MongoDB through PyMongo's async API.

One ``AsyncMongoClient`` per process. Nothing here needs a transaction or a
change stream, so a single node, a replica set and the mongoeco test server
all work; the order of writes in :meth:`commit_turn` makes a retried turn
complete rather than duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError as DriverConfigurationError
from pymongo.errors import BulkWriteError, InvalidURI, OperationFailure

from ..errors import ConfigurationError, StoreUnavailable
from ..health import WriteHealth
from ..identity import PlatformIds
from ..models import Conversation, Event, Message
from ..port import Store
from ..figures import Figures, Period, assemble
from . import appeals, conversations, events, feedback, messages, migrations, operators, reports, visits
from . import figures as figures_pipelines
from .documents import conversation_doc, event_doc, message_doc
from .errors import UNAVAILABLE, translated
from .watch import ReconnectWatcher, WriteWatcher

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "vikno"
_DUPLICATE_KEY = 11000
_INDEXES = [
    ("conversations", conversations.INDEXES),
    ("messages", messages.INDEXES + figures_pipelines.MESSAGE_INDEXES),
    ("events", events.INDEXES + figures_pipelines.EVENT_INDEXES),
    ("operators", operators.OPERATOR_INDEXES),
    ("sessions", operators.SESSION_INDEXES),
    ("login_attempts", operators.ATTEMPT_INDEXES),
    ("feedback", feedback.INDEXES),
    ("reports", reports.INDEXES),
    ("appeals", appeals.INDEXES),
    ("visits", visits.INDEXES),
]


#: Indexes are checked again at most this often (before a de-duplicating write, or a health check).
INDEX_CHECK_SECONDS = 60.0


class MongoStore(Store):
    kind = "mongodb"
    schema_version = migrations.SCHEMA_VERSION

    def __init__(
        self,
        uri: str,
        database: str | None = None,
        *,
        secret: bytes,
        timeout_ms: int = 5000,
        index_check_seconds: float = INDEX_CHECK_SECONDS,
    ) -> None:
        """``secret``: the deployment's secret key (platform ids are stored keyed-hashed with it)."""
        self._ids = PlatformIds(secret)
        self.writes = WriteHealth()
        self.migrated: list[str] = []
        self.index_check_seconds = index_check_seconds
        self._indexes_checked: float | None = None  # monotonic time of the last good check; None: due
        self._indexing: asyncio.Lock | None = None
        try:
            self.client: AsyncMongoClient = AsyncMongoClient(
                uri,
                tz_aware=True,
                serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms,
                appname="vikno",
                event_listeners=[WriteWatcher(self.writes), ReconnectWatcher(self._indexes_due)],
            )
        except (InvalidURI, DriverConfigurationError, ValueError) as exc:
            raise ConfigurationError(f"MONGODB_URI is not a valid MongoDB URI: {exc}") from exc
        try:
            default = self.client.get_default_database().name
        except DriverConfigurationError:
            default = None
        self.db = self.client[database or default or DEFAULT_DATABASE]
        self.conversations = conversations.MongoConversations(self.db["conversations"])
        self.messages = messages.MongoMessages(self.db["messages"], self._ids, self._ensure_indexes_now)
        self.events = events.MongoEvents(self.db["events"])
        self.operators = operators.MongoOperators(self.db["operators"])
        self.sessions = operators.MongoSessions(self.db["sessions"])
        self.login_attempts = operators.MongoLoginAttempts(self.db["login_attempts"])
        self.feedback = feedback.MongoFeedback(self.db["feedback"])
        self.reports = reports.MongoReports(self.db["reports"])
        self.appeals = appeals.MongoAppeals(self.db["appeals"])
        self.visits = visits.MongoVisits(self.db["visits"])

    async def open(self) -> None:
        """Migrate and create the indexes, every time: a database recreated meanwhile gets them back."""
        try:
            self.migrated = await migrations.migrate(self.db, self._ids)
            await self.ensure_indexes()
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"MongoDB is unreachable: {exc}") from exc
        for done in self.migrated:
            log.warning("migrated the MongoDB store to schema %s", done)

    async def ensure_indexes(self) -> None:
        """Create the indexes that are missing (MongoDB leaves the others alone).

        Building the unique ones fails when the database holds duplicates
        (it was written without them): that is a ConfigurationError saying
        what to do, since no retry will mend it.
        """
        if self._indexing is None:
            self._indexing = asyncio.Lock()
        async with self._indexing:
            for collection, indexes in _INDEXES:
                try:
                    await self.db[collection].create_indexes(indexes)
                except UNAVAILABLE:
                    raise
                except OperationFailure as exc:
                    if exc.code != _DUPLICATE_KEY:
                        raise
                    why = (exc.details or {}).get("errmsg") or str(exc)
                    raise ConfigurationError(
                        f"MongoDB cannot build the unique indexes of {self.db.name}.{collection}: it holds "
                        f"duplicates, written while the indexes were missing ({why}); remove the duplicate "
                        f"documents of {collection} (keep the oldest of each), then start vikno again"
                    ) from exc
            self._indexes_checked = time.monotonic()

    async def _ensure_indexes_now(self) -> bool:
        """While serving: build missing indexes; False (logged, unhealthy) when MongoDB refuses."""
        try:
            await self.ensure_indexes()
            return True
        except ConfigurationError as exc:
            log.error("%s", exc)
            self.writes.failed(exc)
            return False

    def _indexes_due(self) -> None:
        """A server came back after being unreachable: check the indexes before the next write."""
        self._indexes_checked = None

    async def _indexes_if_due(self) -> None:
        checked = self._indexes_checked
        if checked is not None and time.monotonic() - checked < self.index_check_seconds:
            return
        if not await self._ensure_indexes_now():  # running: keep serving, but say it loudly and look unhealthy
            self._indexes_checked = time.monotonic()

    async def close(self) -> None:
        await self.client.close()

    async def ping(self) -> bool:
        try:
            await self.db.command("ping")
            await self._indexes_if_due()  # a health check also brings back indexes a recreated database lost
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
        await self._indexes_if_due()  # now and then: a database recreated meanwhile gets all its indexes back
        if inbound is not None:
            await messages.insert_inbound(
                self.db["messages"],
                inbound,
                self._ids,  # the de-duplication point
                self._ensure_indexes_now,
            )
        await self.conversations.save(conversation)  # the commit point of the step
        await messages.insert_ignoring_duplicates(self.db["messages"], list(replies), self._ids)
        await events.insert_ignoring_duplicates(self.db["events"], list(events_))
        if inbound is not None:
            await self.db["messages"].update_one({"_id": inbound.id}, {"$set": {"handled": True}})
        return conversation

    @translated
    async def figures(self, period: Period) -> Figures:
        return assemble(period, await figures_pipelines.compute(self.db, period))

    @translated
    async def rename_helpline(self, old: str, new: str) -> int:
        moved = 0
        conversations_ = self.db["conversations"]
        try:
            moved += (await conversations_.update_many({"helpline": old}, {"$set": {"helpline": new}})).modified_count
        except OperationFailure as exc:  # a person with a conversation under both ids: move the others one by one
            if exc.code != _DUPLICATE_KEY:
                raise
            async for doc in conversations_.find({"helpline": old}, {"_id": 1}):
                try:
                    moved += (
                        await conversations_.update_one({"_id": doc["_id"]}, {"$set": {"helpline": new}})
                    ).modified_count
                except OperationFailure as one:
                    if one.code != _DUPLICATE_KEY:
                        raise
        for name in ("messages", "events", "feedback", "reports", "appeals", "visits"):
            moved += (await self.db[name].update_many({"helpline": old}, {"$set": {"helpline": new}})).modified_count
        async for doc in self.db["operators"].find({"helplines": old}, {"helplines": 1}):
            helplines = list(dict.fromkeys(new if h == old else h for h in doc["helplines"]))
            moved += (
                await self.db["operators"].update_one({"_id": doc["_id"]}, {"$set": {"helplines": helplines}})
            ).modified_count
        return moved

    @translated
    async def insert_records(
        self, conversations_: Sequence[Conversation], messages_: Sequence[Message], events_: Sequence[Event]
    ) -> None:
        for name, docs in (
            ("conversations", [conversation_doc(c) for c in conversations_]),
            ("messages", [message_doc(m, self._ids) for m in messages_]),
            ("events", [event_doc(e) for e in events_]),
        ):
            if not docs:
                continue
            try:
                await self.db[name].insert_many(docs, ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != _DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise
