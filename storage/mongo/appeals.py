"""Citizens' appeals in MongoDB: one document each, a status change appended with ``$push``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import AlreadyExists
from ..models import Appeal
from ..port import Appeals
from .errors import translated

INDEXES = [
    IndexModel([("number_hash", ASCENDING)], name="number_hash", unique=True),
    # one appeal per draft; appeals without a key (of before keys, an operator's) hold no such field: no clash
    IndexModel([("key", ASCENDING)], name="key", unique=True, sparse=True),
    IndexModel([("helpline", ASCENDING), ("created_at", DESCENDING)], name="helpline_created"),
    IndexModel([("helpline", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)], name="helpline_status"),
]


def _doc(a: Appeal) -> dict[str, Any]:
    doc = asdict(a)
    doc["_id"] = doc.pop("id")
    if doc["key"] is None:
        del doc["key"]  # absent, not null: the sparse unique index leaves it out
    return doc


def _appeal(doc: dict[str, Any] | None) -> Appeal | None:
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return Appeal(**doc)


class MongoAppeals(Appeals):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def add(self, appeal: Appeal) -> Appeal:
        try:
            await self.c.insert_one(_doc(appeal))
        except DuplicateKeyError:
            # the unique index on the key refused it: the appeal this draft made already (committed, since its
            # insert is what refused ours); otherwise the id or the number was taken
            made = _appeal(await self.c.find_one({"key": appeal.key})) if appeal.key is not None else None
            if made is None:
                raise AlreadyExists("an appeal with this id or number exists already") from None
            return made
        return appeal

    @translated
    async def get(self, appeal_id: str) -> Appeal | None:
        return _appeal(await self.c.find_one({"_id": appeal_id}))

    @translated
    async def by_number(self, helpline: str, number_hash: str) -> Appeal | None:
        return _appeal(await self.c.find_one({"number_hash": number_hash, "helpline": helpline}))

    @translated
    async def of_helplines(
        self, helplines: Sequence[str], *, status: str | None = None, limit: int = 100
    ) -> list[Appeal]:
        if not helplines:
            return []
        query: dict[str, Any] = {"helpline": {"$in": list(helplines)}}
        if status is not None:
            query["status"] = status
        cursor = self.c.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        return [a for a in [_appeal(doc) async for doc in cursor] if a is not None]

    @translated
    async def set_status(self, appeal_id: str, change: dict[str, Any], status: str, now: datetime) -> Appeal | None:
        return _appeal(
            await self.c.find_one_and_update(
                {"_id": appeal_id},
                {"$push": {"history": change}, "$set": {"status": status, "updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        )
