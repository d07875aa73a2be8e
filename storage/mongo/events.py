"""Events in MongoDB; figures come from aggregation pipelines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from ..models import Event
from ..port import GROUPABLE_EVENT_FIELDS, Events
from .documents import event_doc
from .errors import translated

INDEXES = [
    IndexModel([("helpline", ASCENDING), ("at", ASCENDING)], name="helpline_at"),
    IndexModel([("kind", ASCENDING), ("at", ASCENDING)], name="kind_at"),
]


async def insert_ignoring_duplicates(collection: AsyncCollection, events: list[Event]) -> None:
    if not events:
        return
    try:
        await collection.insert_many([event_doc(e) for e in events], ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
            raise


class MongoEvents(Events):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def add(self, event: Event) -> None:
        await insert_ignoring_duplicates(self.c, [event])

    @translated
    async def count_by(
        self,
        field: str,
        *,
        helpline: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str | None, int]:
        if field not in GROUPABLE_EVENT_FIELDS:
            raise ValueError(f"cannot group events by {field!r}; choose one of {GROUPABLE_EVENT_FIELDS}")
        match: dict[str, Any] = {}
        if helpline is not None:
            match["helpline"] = helpline
        if kind is not None:
            match["kind"] = kind
        if since is not None or until is not None:
            match["at"] = {}
            if since is not None:
                match["at"]["$gte"] = since
            if until is not None:
                match["at"]["$lt"] = until
        pipeline = [{"$match": match}, {"$group": {"_id": f"${field}", "n": {"$sum": 1}}}]
        cursor = await self.c.aggregate(pipeline)
        return {doc["_id"]: doc["n"] async for doc in cursor}

    @translated
    async def recent_waits(
        self,
        helpline: str,
        *,
        since: datetime,
        limit: int = 50,
        priorities: Sequence[str] | None = None,
    ) -> list[float]:
        query: dict[str, Any] = {
            "helpline": helpline,
            "at": {"$gte": since},
            "kind": "claimed",
            "data.wait_seconds": {"$ne": None},
        }
        if priorities is not None:
            query["priority"] = {"$in": list(priorities)}
        cursor = self.c.find(query, {"data.wait_seconds": 1}).sort([("at", DESCENDING), ("_id", DESCENDING)])
        return [float(doc["data"]["wait_seconds"]) async for doc in cursor.limit(limit)]
