"""Mobile brigades' visits in MongoDB: one document each; a move is one conditional ``find_one_and_update``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import AlreadyExists
from ..models import Visit
from ..port import Visits
from .errors import translated

INDEXES = [
    IndexModel(
        [("helpline", ASCENDING), ("team", ASCENDING), ("status", ASCENDING), ("created_at", ASCENDING)],
        name="team_status",
    ),
    IndexModel([("conversation_id", ASCENDING)], name="conversation"),
]


def _doc(v: Visit) -> dict[str, Any]:
    doc = asdict(v)
    doc["_id"] = doc.pop("id")
    return doc


def _visit(doc: dict[str, Any] | None) -> Visit | None:
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return Visit(**doc)


class MongoVisits(Visits):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def add(self, visit: Visit) -> Visit:
        try:
            await self.c.insert_one(_doc(visit))
        except DuplicateKeyError:
            raise AlreadyExists("a visit with this id exists already") from None
        return visit

    @translated
    async def get(self, visit_id: str) -> Visit | None:
        return _visit(await self.c.find_one({"_id": visit_id}))

    @translated
    async def of_teams(
        self,
        helplines: Sequence[str],
        teams: Sequence[str] | None,
        *,
        statuses: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[Visit]:
        if not helplines or (teams is not None and not teams) or (statuses is not None and not statuses):
            return []
        query: dict[str, Any] = {"helpline": {"$in": list(helplines)}}
        if teams is not None:
            query["team"] = {"$in": list(teams)}
        if statuses is not None:
            query["status"] = {"$in": list(statuses)}
        cursor = self.c.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).limit(limit)
        return [v for v in [_visit(doc) async for doc in cursor] if v is not None]

    @translated
    async def of_conversation(self, conversation_id: str) -> list[Visit]:
        cursor = self.c.find({"conversation_id": conversation_id}).sort([("created_at", ASCENDING), ("_id", ASCENDING)])
        return [v for v in [_visit(doc) async for doc in cursor] if v is not None]

    @translated
    async def move(
        self, visit_id: str, from_status: str, changes: dict[str, Any], entry: dict[str, Any], now: datetime
    ) -> Visit | None:
        return _visit(
            await self.c.find_one_and_update(
                {"_id": visit_id, "status": from_status},
                {"$set": {**changes, "updated_at": now}, "$push": {"history": entry}},
                return_document=ReturnDocument.AFTER,
            )
        )
