"""Citizens' appeals in the embedded store (the table is made by migration 10, its draft key by 12).

The appeal is one JSON document; the columns beside it are what is looked
up or listed by: the number's hash (unique), the draft's key (unique: one
appeal per draft), the helpline and time, and the status (the console lists "registered" ones, the work still to do). A
status change is appended inside the writer's transaction, so two at once
both stay.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..errors import AlreadyExists
from ..models import Appeal
from ..port import Appeals
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts

_TIMES = ("created_at", "updated_at")


def _doc(a: Appeal) -> str:
    doc = asdict(a)
    for key in _TIMES:
        doc[key] = ts(doc[key])
    return dumps(doc)


def _appeal(text: str) -> Appeal:
    doc = loads(text)
    for key in _TIMES:
        doc[key] = dt(doc[key])
    return Appeal(**doc)


def _insert(conn: sqlite3.Connection, row: tuple, key: str | None) -> str | None:
    """Insert the appeal; None when inserted, else the document of the appeal its key already made."""
    try:
        inserted = conn.execute(
            "INSERT INTO appeals (id, helpline, number_hash, status, created_at, doc, key) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT (key) DO NOTHING",
            (*row, key),
        ).rowcount
    except sqlite3.IntegrityError:
        raise AlreadyExists("an appeal with this id or number exists already") from None
    if inserted:
        return None
    return conn.execute("SELECT doc FROM appeals WHERE key = ?", (key,)).fetchone()[0]


def _set_status(conn: sqlite3.Connection, appeal_id: str, change: dict[str, Any], status: str, now: int) -> str | None:
    row = conn.execute("SELECT doc FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    if row is None:
        return None
    doc = loads(row[0])
    doc["history"] = [*(doc.get("history") or []), change]
    doc["status"], doc["updated_at"] = status, now
    text = dumps(doc)
    conn.execute("UPDATE appeals SET doc = ?, status = ? WHERE id = ?", (text, status, appeal_id))
    return text


class SqliteAppeals(Appeals):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def add(self, appeal: Appeal) -> Appeal:
        row = (appeal.id, appeal.helpline, appeal.number_hash, appeal.status, ts(appeal.created_at), _doc(appeal))
        made = await self._db.run(_insert, row, appeal.key)
        return appeal if made is None else _appeal(made)

    async def _one(self, where: str, *args: Any) -> Appeal | None:
        def q(conn: sqlite3.Connection) -> Appeal | None:
            r = conn.execute(f"SELECT doc FROM appeals WHERE {where}", args).fetchone()
            return _appeal(r[0]) if r else None

        return await self._db.read(q)

    async def get(self, appeal_id: str) -> Appeal | None:
        return await self._one("id = ?", appeal_id)

    async def by_number(self, helpline: str, number_hash: str) -> Appeal | None:
        return await self._one("number_hash = ? AND helpline = ?", number_hash, helpline)

    async def of_helplines(
        self, helplines: Sequence[str], *, status: str | None = None, limit: int = 100
    ) -> list[Appeal]:
        lines = list(helplines)
        if not lines:
            return []
        where = f"helpline IN ({', '.join('?' * len(lines))})"
        args: list[Any] = list(lines)
        if status is not None:
            where += " AND status = ?"
            args.append(status)

        def q(conn: sqlite3.Connection) -> list[Appeal]:
            rows = conn.execute(
                f"SELECT doc FROM appeals WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?", (*args, limit)
            ).fetchall()
            return [_appeal(r[0]) for r in rows]

        return await self._db.read(q)

    async def set_status(self, appeal_id: str, change: dict[str, Any], status: str, now: datetime) -> Appeal | None:
        text = await self._db.run(_set_status, appeal_id, change, status, ts(now))
        return _appeal(text) if text else None
