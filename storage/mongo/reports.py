"""Reports about someone in danger in MongoDB: one document each, appended to with ``$push``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import AlreadyExists
from ..models import Report
from ..port import Reports
from .errors import translated

INDEXES = [
    IndexModel([("code_hash", ASCENDING)], name="code_hash", unique=True),
    # one report per draft; reports without a key (of before keys) hold no such field and never clash
    IndexModel([("key", ASCENDING)], name="key", unique=True, sparse=True),
    IndexModel([("conversation_id", ASCENDING)], name="conversation"),
]


def _doc(r: Report) -> dict[str, Any]:
    doc = asdict(r)
    doc["_id"] = doc.pop("id")
    if doc["key"] is None:
        del doc["key"]  # absent, not null: the sparse unique index leaves it out
    return doc


def _report(doc: dict[str, Any] | None) -> Report | None:
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return Report(**doc)


class MongoReports(Reports):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def add(self, report: Report) -> Report:
        try:
            await self.c.insert_one(_doc(report))
        except DuplicateKeyError:
            # the unique index on the key refused it: the report this draft made already (committed, since its
            # insert is what refused ours); otherwise the id or the code was taken
            made = _report(await self.c.find_one({"key": report.key})) if report.key is not None else None
            if made is None:
                raise AlreadyExists("a report with this id or code exists already") from None
            return made
        return report

    @translated
    async def get(self, report_id: str) -> Report | None:
        return _report(await self.c.find_one({"_id": report_id}))

    @translated
    async def by_code(self, helpline: str, code_hash: str) -> Report | None:
        return _report(await self.c.find_one({"code_hash": code_hash, "helpline": helpline}))

    @translated
    async def by_conversation(self, conversation_id: str) -> Report | None:
        return _report(await self.c.find_one({"conversation_id": conversation_id}))

    @translated
    async def add_information(self, report_id: str, addition: dict[str, Any], now: datetime) -> Report | None:
        return _report(
            await self.c.find_one_and_update(
                {"_id": report_id},
                {"$push": {"additions": addition}, "$set": {"updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        )

    @translated
    async def record_outcome(
        self, report_id: str, outcome: dict[str, Any], status: str, now: datetime
    ) -> Report | None:
        return _report(
            await self.c.find_one_and_update(
                {"_id": report_id},
                {"$push": {"outcomes": outcome}, "$set": {"status": status, "updated_at": now}},
                return_document=ReturnDocument.AFTER,
            )
        )
