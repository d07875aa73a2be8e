"""Reports about someone in danger in the embedded store (the table is made by migration 6, its draft key by 11).

The report is one JSON document; the columns beside it are what is looked
up by: the code's hash (unique), the draft's key (unique: one report per
draft), the queue conversation, the helpline. Additions and outcomes are
appended inside the writer's transaction, so two at once both stay.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from ..errors import AlreadyExists
from ..models import Report
from ..port import Reports
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts

_TIMES = ("created_at", "updated_at")


def _doc(r: Report) -> str:
    doc = asdict(r)
    for key in _TIMES:
        doc[key] = ts(doc[key])
    return dumps(doc)


def _report(text: str) -> Report:
    doc = loads(text)
    for key in _TIMES:
        doc[key] = dt(doc[key])
    return Report(**doc)


def _insert(
    conn: sqlite3.Connection,
    report_id: str,
    helpline: str,
    code_hash: str,
    key: str | None,
    conversation_id: str | None,
    created_at: int,
    doc: str,
) -> str | None:
    """Insert the report; None when inserted, else the document of the report its key already made."""
    try:
        inserted = conn.execute(
            "INSERT INTO reports (id, helpline, code_hash, key, conversation_id, created_at, doc) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (key) DO NOTHING",
            (report_id, helpline, code_hash, key, conversation_id, created_at, doc),
        ).rowcount
    except sqlite3.IntegrityError:
        raise AlreadyExists("a report with this id or code exists already") from None
    if inserted:
        return None
    return conn.execute("SELECT doc FROM reports WHERE key = ?", (key,)).fetchone()[0]


def _append(
    conn: sqlite3.Connection, report_id: str, key: str, item: dict[str, Any], status: str | None, now: int
) -> str | None:
    row = conn.execute("SELECT doc FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        return None
    doc = loads(row[0])
    doc[key] = [*(doc.get(key) or []), item]
    if status is not None:
        doc["status"] = status
    doc["updated_at"] = now
    text = dumps(doc)
    conn.execute("UPDATE reports SET doc = ? WHERE id = ?", (text, report_id))
    return text


class SqliteReports(Reports):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def add(self, report: Report) -> Report:
        made = await self._db.run(
            _insert,
            report.id,
            report.helpline,
            report.code_hash,
            report.key,
            report.conversation_id,
            ts(report.created_at),
            _doc(report),
        )
        return report if made is None else _report(made)

    async def _one(self, where: str, *args: Any) -> Report | None:
        def q(conn: sqlite3.Connection) -> Report | None:
            r = conn.execute(f"SELECT doc FROM reports WHERE {where}", args).fetchone()
            return _report(r[0]) if r else None

        return await self._db.read(q)

    async def get(self, report_id: str) -> Report | None:
        return await self._one("id = ?", report_id)

    async def by_code(self, helpline: str, code_hash: str) -> Report | None:
        return await self._one("code_hash = ? AND helpline = ?", code_hash, helpline)

    async def by_conversation(self, conversation_id: str) -> Report | None:
        return await self._one("conversation_id = ?", conversation_id)

    async def add_information(self, report_id: str, addition: dict[str, Any], now: datetime) -> Report | None:
        text = await self._db.run(_append, report_id, "additions", addition, None, ts(now))
        return _report(text) if text else None

    async def record_outcome(
        self, report_id: str, outcome: dict[str, Any], status: str, now: datetime
    ) -> Report | None:
        text = await self._db.run(_append, report_id, "outcomes", outcome, status, ts(now))
        return _report(text) if text else None
