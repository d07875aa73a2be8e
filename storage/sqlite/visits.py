"""Mobile brigades' visits in the embedded store (the table is made by migration 9).

The visit is one JSON document; the columns beside it are what lists are
read by: the helpline, the brigade's team, the status, the conversation it
was dispatched from. A move is checked and written inside the writer's
transaction, so of two brigade members moving one visit at once only the
first wins.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..errors import AlreadyExists
from ..models import Visit
from ..port import Visits
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts

_TIMES = ("created_at", "updated_at")


def _doc(v: Visit) -> str:
    doc = asdict(v)
    for key in _TIMES:
        doc[key] = ts(doc[key])
    return dumps(doc)


def _visit(text: str) -> Visit:
    doc = loads(text)
    for key in _TIMES:
        doc[key] = dt(doc[key])
    return Visit(**doc)


def _insert(conn: sqlite3.Connection, row: tuple) -> None:
    try:
        conn.execute(
            "INSERT INTO visits (id, helpline, team, status, conversation_id, created_at, doc) VALUES (?,?,?,?,?,?,?)",
            row,
        )
    except sqlite3.IntegrityError:
        raise AlreadyExists("a visit with this id exists already") from None


def _move(
    conn: sqlite3.Connection, visit_id: str, from_status: str, changes: dict[str, Any], entry: dict[str, Any], now: int
) -> str | None:
    row = conn.execute("SELECT doc FROM visits WHERE id = ? AND status = ?", (visit_id, from_status)).fetchone()
    if row is None:
        return None
    doc = loads(row[0])
    doc.update(changes)
    doc["history"] = [*(doc.get("history") or []), entry]
    doc["updated_at"] = now
    text = dumps(doc)
    conn.execute("UPDATE visits SET doc = ?, status = ? WHERE id = ?", (text, doc["status"], visit_id))
    return text


class SqliteVisits(Visits):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def add(self, visit: Visit) -> Visit:
        row = (
            visit.id,
            visit.helpline,
            visit.team,
            str(visit.status),
            visit.conversation_id,
            ts(visit.created_at),
            _doc(visit),
        )
        await self._db.run(_insert, row)
        return visit

    async def get(self, visit_id: str) -> Visit | None:
        def q(conn: sqlite3.Connection) -> Visit | None:
            r = conn.execute("SELECT doc FROM visits WHERE id = ?", (visit_id,)).fetchone()
            return _visit(r[0]) if r else None

        return await self._db.read(q)

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
        where = f"helpline IN ({','.join('?' * len(helplines))})"
        args: list[Any] = list(helplines)
        if teams is not None:
            where += f" AND team IN ({','.join('?' * len(teams))})"
            args += list(teams)
        if statuses is not None:
            where += f" AND status IN ({','.join('?' * len(statuses))})"
            args += list(statuses)

        def q(conn: sqlite3.Connection) -> list[Visit]:
            rows = conn.execute(
                f"SELECT doc FROM visits WHERE {where} ORDER BY created_at, id LIMIT ?", [*args, limit]
            ).fetchall()
            return [_visit(r[0]) for r in rows]

        return await self._db.read(q)

    async def of_conversation(self, conversation_id: str) -> list[Visit]:
        def q(conn: sqlite3.Connection) -> list[Visit]:
            rows = conn.execute(
                "SELECT doc FROM visits WHERE conversation_id = ? ORDER BY created_at, id", (conversation_id,)
            ).fetchall()
            return [_visit(r[0]) for r in rows]

        return await self._db.read(q)

    async def move(
        self, visit_id: str, from_status: str, changes: dict[str, Any], entry: dict[str, Any], now: datetime
    ) -> Visit | None:
        text = await self._db.run(_move, visit_id, from_status, changes, entry, ts(now))
        return _visit(text) if text else None
