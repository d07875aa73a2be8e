"""Events (the raw material of the figures) in the embedded store."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ..models import Event
from ..port import GROUPABLE_EVENT_FIELDS, Events
from .db import SqliteDatabase
from .schema import dumps, ts

_INSERT = (
    "INSERT INTO events (id, helpline, kind, conversation_id, channel, language, topic, priority, data, at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING"
)


def to_row(e: Event) -> tuple:
    return (
        e.id,
        e.helpline,
        e.kind,
        e.conversation_id,
        e.channel,
        e.language,
        e.topic,
        e.priority,
        dumps(e.data),
        ts(e.at),
    )


def insert_in(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Rows of ``to_row``."""
    conn.executemany(_INSERT, rows)


class SqliteEvents(Events):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def add(self, event: Event) -> None:
        await self._db.run(insert_in, [to_row(event)])

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
        where, args = [], []
        for column, value in (("helpline", helpline), ("kind", kind)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("at >= ?")
            args.append(ts(since))
        if until is not None:
            where.append("at < ?")
            args.append(ts(until))
        sql = f"SELECT {field}, COUNT(*) FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" GROUP BY {field}"

        def q(conn: sqlite3.Connection) -> dict[str | None, int]:
            return {row[0]: row[1] for row in conn.execute(sql, args)}

        return await self._db.read(q)

    async def recent_waits(
        self,
        helpline: str,
        *,
        since: datetime,
        limit: int = 50,
        priorities: Sequence[str] | None = None,
    ) -> list[float]:
        sql = (
            "SELECT json_extract(data, '$.wait_seconds') FROM events "
            "WHERE helpline = ? AND at >= ? AND kind = 'claimed' "
            "AND json_extract(data, '$.wait_seconds') IS NOT NULL"
        )
        args: list = [helpline, ts(since)]
        if priorities is not None:
            sql += f" AND priority IN ({', '.join('?' * len(priorities))})"
            args.extend(priorities)
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        args.append(limit)

        def q(conn: sqlite3.Connection) -> list[float]:
            return [float(row[0]) for row in conn.execute(sql, args)]

        return await self._db.read(q)
