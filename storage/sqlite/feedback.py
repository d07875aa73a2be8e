"""Operators' marks on messages (labelled examples for the crisis data) in the embedded store.

The table is made by migration 3 (``migrations.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from ..models import Feedback
from ..port import FeedbackMarks
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts
from .writer import execute

_UPSERT = (
    "INSERT INTO feedback (message_id, conversation_id, helpline, text, language, label, level, reasons, "
    "operator_id, marked_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (message_id) DO UPDATE SET label = excluded.label, level = excluded.level, "
    "reasons = excluded.reasons, operator_id = excluded.operator_id, marked_at = excluded.marked_at, "
    "text = excluded.text, language = excluded.language"
)


def _row(f: Feedback) -> tuple:
    return (
        f.message_id,
        f.conversation_id,
        f.helpline,
        f.text,
        f.language,
        f.label,
        f.level,
        dumps(f.reasons),
        f.operator_id,
        ts(f.marked_at),
    )


def _feedback(r: sqlite3.Row) -> Feedback:
    return Feedback(
        message_id=r["message_id"],
        conversation_id=r["conversation_id"],
        helpline=r["helpline"],
        text=r["text"],
        language=r["language"],
        label=r["label"],
        level=r["level"],
        reasons=loads(r["reasons"]) or [],
        operator_id=r["operator_id"],
        marked_at=dt(r["marked_at"]),
    )


class SqliteFeedback(FeedbackMarks):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def mark(self, feedback: Feedback) -> Feedback:
        await self._db.run(execute, _UPSERT, _row(feedback))
        return feedback

    async def of_conversation(self, conversation_id: str) -> list[Feedback]:
        def q(conn: sqlite3.Connection) -> list[Feedback]:
            return [
                _feedback(r)
                for r in conn.execute(
                    "SELECT * FROM feedback WHERE conversation_id = ? ORDER BY marked_at, message_id",
                    (conversation_id,),
                )
            ]

        return await self._db.read(q)

    async def since(self, since: datetime | None = None, *, helplines: Sequence[str] | None = None) -> list[Feedback]:
        where, args = [], []
        if since is not None:
            where.append("marked_at >= ?")
            args.append(ts(since))
        if helplines is not None:
            where.append(f"helpline IN ({', '.join('?' * len(helplines))})")
            args.extend(helplines)
        sql = "SELECT * FROM feedback" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY marked_at, message_id"

        def q(conn: sqlite3.Connection) -> list[Feedback]:
            return [_feedback(r) for r in conn.execute(sql, args)]

        return await self._db.read(q)

    async def delete_older(self, before: datetime) -> int:
        return await self._db.run(execute, "DELETE FROM feedback WHERE marked_at < ?", (ts(before),))
