"""Versioned migrations of the MongoDB store, run at every open (and by ``vikno store migrate``).

The ``meta`` collection's ``{_id: "schema", version}`` says which
migrations a database has had; a database without it is at version 1 (the
documents of before versioned migrations). MongoDB gives no transaction
here, so each migration is idempotent document by document: several
workers starting at once, or a start that died half-way, finish the same
work without doing any of it twice. The version moves up only after a
migration has finished.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from ..errors import ConfigurationError
from ..identity import HASHED_PLATFORM_ID, LOCAL_PREFIX, PlatformIds

BASELINE = 1
_SCHEMA = {"_id": "schema"}


@dataclass(frozen=True)
class Migration:
    version: int
    what: str
    apply: Callable[[AsyncDatabase, PlatformIds], Awaitable[None]]


async def _hash_platform_ids(db: AsyncDatabase, ids: PlatformIds) -> None:
    """Platform message ids in clear become keyed hashes (issue 20 item 4).

    A web chat message's client id (after ``<key>:``) is kept apart first:
    the client needs it back, and it names nobody. Each document is changed
    only if it still holds the clear id it was read with.
    """
    messages = db["messages"]
    async for doc in messages.find(
        {"platform_id": {"$type": "string"}}, {"_id": 1, "platform_id": 1, "channel": 1, "direction": 1}
    ):
        clear = doc["platform_id"]
        if clear.startswith(LOCAL_PREFIX) or HASHED_PLATFORM_ID.fullmatch(clear):
            continue
        change = {"platform_id": ids(clear)}
        if doc.get("channel") == "webchat" and doc.get("direction") == "in" and ":" in clear:
            change["client_id"] = clear.split(":", 1)[1]
        await messages.update_one({"_id": doc["_id"], "platform_id": clear}, {"$set": change})


MIGRATIONS = [
    Migration(2, "platform message ids are stored as keyed hashes; web chat client ids apart", _hash_platform_ids),
]
SCHEMA_VERSION = MIGRATIONS[-1].version if MIGRATIONS else BASELINE


async def version(db: AsyncDatabase) -> int:
    doc = await db["meta"].find_one(_SCHEMA)
    return BASELINE if doc is None else int(doc["version"])


async def migrate(db: AsyncDatabase, ids: PlatformIds) -> list[str]:
    """Bring the database to :data:`SCHEMA_VERSION`; what was done."""
    current = await version(db)
    if current > SCHEMA_VERSION:
        raise ConfigurationError(
            f"this MongoDB database was written by a newer vikno (schema {current} > {SCHEMA_VERSION}); "
            "upgrade vikno or point VIKNO_MONGODB_DATABASE elsewhere"
        )
    done = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        await migration.apply(db, ids)
        await db["meta"].update_one(_SCHEMA, {"$max": {"version": migration.version}}, upsert=True)
        done.append(f"{migration.version}: {migration.what}")
    return done
