"""Operators, console sessions and login attempts in the embedded store.

Operators are few and read whole, so they are one JSON document per row
with the login as a real unique column.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from datetime import datetime, timedelta

from ..errors import AlreadyExists
from ..models import Operator, Session
from ..port import LoginAttempts, Operators, Sessions
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts
from .writer import execute

_TIMES = ("locked_until", "last_seen_at", "created_at")


def _doc(o: Operator) -> str:
    doc = asdict(o)
    for key in _TIMES:
        doc[key] = ts(doc[key])
    return dumps(doc)


def _operator(text: str) -> Operator:
    doc = loads(text)
    for key in _TIMES:
        doc[key] = dt(doc[key])
    return Operator(**doc)


def _insert_operator(conn: sqlite3.Connection, operator_id: str, login: str, doc: str) -> None:
    try:
        conn.execute("INSERT INTO operators (id, login, doc) VALUES (?, ?, ?)", (operator_id, login, doc))
    except sqlite3.IntegrityError:
        raise AlreadyExists(f"an operator with login {login!r} exists already") from None


class SqliteOperators(Operators):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, operator: Operator) -> Operator:
        await self._db.run(_insert_operator, operator.id, operator.login, _doc(operator))
        return operator

    async def get(self, operator_id: str) -> Operator | None:
        def q(conn: sqlite3.Connection) -> Operator | None:
            r = conn.execute("SELECT doc FROM operators WHERE id=?", (operator_id,)).fetchone()
            return _operator(r[0]) if r else None

        return await self._db.read(q)

    async def by_login(self, login: str) -> Operator | None:
        def q(conn: sqlite3.Connection) -> Operator | None:
            r = conn.execute("SELECT doc FROM operators WHERE login=?", (login,)).fetchone()
            return _operator(r[0]) if r else None

        return await self._db.read(q)

    async def save(self, operator: Operator) -> Operator:
        await self._db.run(
            execute, "UPDATE operators SET login=?, doc=? WHERE id=?", (operator.login, _doc(operator), operator.id)
        )
        return operator

    async def all(self) -> list[Operator]:
        def q(conn: sqlite3.Connection) -> list[Operator]:
            return [_operator(r[0]) for r in conn.execute("SELECT doc FROM operators ORDER BY login")]

        return await self._db.read(q)

    async def count_available(
        self, helpline: str, *, seen_since: datetime, team: str | None = None, language: str | None = None
    ) -> int:
        def q(conn: sqlite3.Connection) -> int:
            return conn.execute(_AVAILABLE, (ts(seen_since), helpline, team, team, language, language)).fetchone()[0]

        return await self._db.read(q)

    async def seen(self, operator_id: str, at: datetime) -> None:
        await self._db.run(
            execute,
            "UPDATE operators SET doc = json_set(doc, '$.last_seen_at', ?) WHERE id=? "
            "AND coalesce(json_extract(doc, '$.last_seen_at') < ?, 1)",
            (ts(at), operator_id, ts(at)),
        )

    async def delete(self, operator_id: str) -> bool:
        return await self._db.run(execute, "DELETE FROM operators WHERE id=?", (operator_id,)) == 1


def _admits(field: str) -> str:
    """An empty list admits every value; otherwise the value must be in it."""
    return (
        f"(json_array_length(doc, '$.{field}') = 0 "
        f"OR EXISTS (SELECT 1 FROM json_each(doc, '$.{field}') WHERE value = ?))"
    )


_AVAILABLE = (
    "SELECT COUNT(*) FROM operators WHERE json_extract(doc, '$.presence') = 'online' "
    "AND json_extract(doc, '$.last_seen_at') >= ? "
    "AND NOT json_extract(doc, '$.disabled') "
    f"AND {_admits('helplines')} "
    f"AND (? IS NULL OR {_admits('teams')}) "
    f"AND (? IS NULL OR {_admits('languages')}) "
    # a free seat: fewer open chats than the capacity (the claim counts the same way, conversations.py _room)
    "AND (SELECT COUNT(*) FROM conversations c WHERE c.operator_id = operators.id AND c.state = 'with_operator') "
    "< json_extract(doc, '$.capacity')"
)


class SqliteSessions(Sessions):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, session: Session) -> None:
        await self._db.run(
            execute,
            "INSERT INTO sessions (id, operator_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (session.id, session.operator_id, session.csrf_token, ts(session.created_at), ts(session.expires_at)),
        )

    async def get(self, session_id: str, now: datetime) -> Session | None:
        def q(conn: sqlite3.Connection) -> Session | None:
            r = conn.execute("SELECT * FROM sessions WHERE id=? AND expires_at > ?", (session_id, ts(now))).fetchone()
            if r is None:
                return None
            return Session(
                id=r["id"],
                operator_id=r["operator_id"],
                csrf_token=r["csrf_token"],
                created_at=dt(r["created_at"]),  # type: ignore[arg-type]  # a NOT NULL column
                expires_at=dt(r["expires_at"]),  # type: ignore[arg-type]  # a NOT NULL column
            )

        return await self._db.read(q)

    async def delete(self, session_id: str) -> None:
        await self._db.run(execute, "DELETE FROM sessions WHERE id=?", (session_id,))

    async def delete_expired(self, now: datetime) -> int:
        return await self._db.run(execute, "DELETE FROM sessions WHERE expires_at <= ?", (ts(now),))

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        await self._db.run(execute, "UPDATE sessions SET expires_at=? WHERE id=?", (ts(expires_at), session_id))

    async def delete_of(self, operator_id: str) -> int:
        return await self._db.run(execute, "DELETE FROM sessions WHERE operator_id=?", (operator_id,))

    async def live_of(self, operator_id: str, now: datetime) -> int:
        def q(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "SELECT COUNT(*) FROM sessions WHERE operator_id=? AND expires_at > ?", (operator_id, ts(now))
            ).fetchone()[0]

        return await self._db.read(q)


def _hit(conn: sqlite3.Connection, key: str, login_key: str, now: int, cutoff: int) -> int:
    """One statement in the one writer: concurrent attempts are counted one after the other."""
    return conn.execute(
        "INSERT INTO login_attempts (key, login_key, n, last_at) VALUES (?, ?, 1, ?) "
        "ON CONFLICT (key) DO UPDATE SET n = CASE WHEN last_at < ? THEN 1 ELSE n + 1 END, "
        "last_at = excluded.last_at RETURNING n",
        (key, login_key, now, cutoff),
    ).fetchone()[0]


class SqliteLoginAttempts(LoginAttempts):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def hit(self, key: str, login_key: str, now: datetime, forget_after: timedelta) -> int:
        return await self._db.run(_hit, key, login_key, ts(now), ts(now - forget_after))

    async def count(self, key: str, now: datetime, forget_after: timedelta) -> int:
        def q(conn: sqlite3.Connection) -> int:
            r = conn.execute(
                "SELECT n FROM login_attempts WHERE key=? AND last_at >= ?", (key, ts(now - forget_after))
            ).fetchone()
            return r[0] if r else 0

        return await self._db.read(q)

    async def clear(self, key: str) -> None:
        await self._db.run(execute, "DELETE FROM login_attempts WHERE key=?", (key,))

    async def clear_login(self, login_key: str) -> int:
        return await self._db.run(execute, "DELETE FROM login_attempts WHERE login_key=?", (login_key,))

    async def forget_older(self, before: datetime) -> int:
        return await self._db.run(execute, "DELETE FROM login_attempts WHERE last_at < ?", (ts(before),))
