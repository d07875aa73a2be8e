"""Operators and console sessions in MongoDB (sessions expire by TTL index)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import AlreadyExists
from ..models import Operator, Session
from ..port import Operators, Sessions
from .errors import translated

OPERATOR_INDEXES = [IndexModel([("login", ASCENDING)], unique=True, name="login")]
SESSION_INDEXES = [IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="ttl")]


def _doc(o: Operator) -> dict:
    doc = asdict(o)
    doc["_id"] = doc.pop("id")
    return doc


def _operator(doc: dict) -> Operator:
    doc = dict(doc)
    doc["id"] = doc.pop("_id")
    return Operator(**doc)


class MongoOperators(Operators):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def create(self, operator: Operator) -> Operator:
        try:
            await self.c.insert_one(_doc(operator))
        except DuplicateKeyError as exc:
            raise AlreadyExists(f"an operator with login {operator.login!r} exists already") from exc
        return operator

    @translated
    async def get(self, operator_id: str) -> Operator | None:
        doc = await self.c.find_one({"_id": operator_id})
        return _operator(doc) if doc else None

    @translated
    async def by_login(self, login: str) -> Operator | None:
        doc = await self.c.find_one({"login": login})
        return _operator(doc) if doc else None

    @translated
    async def save(self, operator: Operator) -> Operator:
        await self.c.replace_one({"_id": operator.id}, _doc(operator))
        return operator

    @translated
    async def all(self) -> list[Operator]:
        return [_operator(d) async for d in self.c.find({}).sort("login", ASCENDING)]

    @translated
    async def count_available(self, helpline: str, *, team: str | None = None,
                              language: str | None = None) -> int:
        admitted = [_admits("helplines", helpline)]
        if team is not None:
            admitted.append(_admits("teams", team))
        if language is not None:
            admitted.append(_admits("languages", language))
        return await self.c.count_documents({"presence": "online", "disabled": {"$ne": True}, "$and": admitted})


def _admits(field: str, value: str) -> dict:
    """An empty list admits every value; otherwise the value must be in it."""
    return {"$or": [{field: {"$size": 0}}, {field: value}]}


class MongoSessions(Sessions):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def create(self, session: Session) -> None:
        doc = asdict(session)
        doc["_id"] = doc.pop("id")
        await self.c.insert_one(doc)

    @translated
    async def get(self, session_id: str, now: datetime) -> Session | None:
        # The TTL monitor runs about once a minute: check the expiry ourselves.
        doc = await self.c.find_one({"_id": session_id, "expires_at": {"$gt": now}})
        if doc is None:
            return None
        doc["id"] = doc.pop("_id")
        return Session(**doc)

    @translated
    async def delete(self, session_id: str) -> None:
        await self.c.delete_one({"_id": session_id})

    @translated
    async def delete_expired(self, now: datetime) -> int:
        return (await self.c.delete_many({"expires_at": {"$lte": now}})).deleted_count
