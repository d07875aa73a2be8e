"""Operators, console sessions and login attempts in MongoDB (sessions and attempts expire by TTL index)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..errors import AlreadyExists
from ..models import Operator, Session
from ..port import LoginAttempts, Operators, Sessions
from .errors import translated

#: The collection whose open chats fill an operator's seats (the store names it so, store.py).
CONVERSATIONS = "conversations"
OPERATOR_INDEXES = [IndexModel([("login", ASCENDING)], unique=True, name="login")]
SESSION_INDEXES = [
    IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="ttl"),
    IndexModel([("operator_id", ASCENDING)], name="operator"),
]
#: Attempts nobody repeated for a day are dropped by MongoDB itself (the console forgets them much sooner).
ATTEMPT_INDEXES = [
    IndexModel([("last_at", ASCENDING)], expireAfterSeconds=24 * 3600, name="ttl"),
    IndexModel([("login_key", ASCENDING)], name="login"),
]


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
    async def count_available(
        self, helpline: str, *, seen_since: datetime, team: str | None = None, language: str | None = None
    ) -> int:
        admitted = [_admits("helplines", helpline)]
        if team is not None:
            admitted.append(_admits("teams", team))
        if language is not None:
            admitted.append(_admits("languages", language))
        cursor = await self.c.aggregate(
            [
                {
                    "$match": {
                        "presence": "online",
                        "last_seen_at": {"$gte": seen_since},
                        "disabled": {"$ne": True},
                        "$and": admitted,
                    }
                },
                # a free seat: fewer open chats than the capacity (what the claim allows, conversations.py),
                # counted by the database from the conversations' operator index
                {
                    "$lookup": {
                        "from": CONVERSATIONS,
                        "localField": "_id",
                        "foreignField": "operator_id",
                        "pipeline": [{"$match": {"state": "with_operator"}}, {"$project": {"_id": 1}}],
                        "as": "open_chats",
                    }
                },
                {"$match": {"$expr": {"$lt": [{"$size": "$open_chats"}, "$capacity"]}}},
                {"$count": "n"},
            ]
        )
        counted = [d async for d in cursor]
        return int(counted[0]["n"]) if counted else 0

    @translated
    async def seen(self, operator_id: str, at: datetime) -> None:
        await self.c.update_one(
            {"_id": operator_id, "$or": [{"last_seen_at": None}, {"last_seen_at": {"$lt": at}}]},
            {"$set": {"last_seen_at": at}},
        )

    async def delete(self, operator_id: str) -> bool:
        return (await self.c.delete_one({"_id": operator_id})).deleted_count == 1


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

    @translated
    async def touch(self, session_id: str, expires_at: datetime) -> None:
        await self.c.update_one({"_id": session_id}, {"$set": {"expires_at": expires_at}})

    @translated
    async def delete_of(self, operator_id: str) -> int:
        return (await self.c.delete_many({"operator_id": operator_id})).deleted_count

    @translated
    async def live_of(self, operator_id: str, now: datetime) -> int:
        return await self.c.count_documents({"operator_id": operator_id, "expires_at": {"$gt": now}})


class MongoLoginAttempts(LoginAttempts):
    def __init__(self, collection: AsyncCollection) -> None:
        self.c = collection

    @translated
    async def hit(self, key: str, login_key: str, now: datetime, forget_after: timedelta) -> int:
        # Two atomic steps, no transaction: a stale count starts again, then one $inc per attempt.
        # Once any attempt has refreshed last_at, no later reset can match, so no attempt is lost.
        await self.c.update_one({"_id": key, "last_at": {"$lt": now - forget_after}}, {"$set": {"n": 0}})
        doc = await self.c.find_one_and_update(
            {"_id": key},
            {"$inc": {"n": 1}, "$set": {"last_at": now, "login_key": login_key}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(doc["n"]) if doc is not None else 1  # an upsert returning AFTER always has the document

    @translated
    async def count(self, key: str, now: datetime, forget_after: timedelta) -> int:
        doc = await self.c.find_one({"_id": key, "last_at": {"$gte": now - forget_after}})
        return int(doc["n"]) if doc else 0

    @translated
    async def clear(self, key: str) -> None:
        await self.c.delete_one({"_id": key})

    @translated
    async def clear_login(self, login_key: str) -> int:
        return (await self.c.delete_many({"login_key": login_key})).deleted_count

    @translated
    async def forget_older(self, before: datetime) -> int:
        return (await self.c.delete_many({"last_at": {"$lt": before}})).deleted_count
