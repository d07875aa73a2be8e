"""Conversations in the embedded store."""

from __future__ import annotations

import sqlite3
from typing import Any
from collections.abc import Sequence
from datetime import datetime

from ..errors import Conflict
from ..models import PRIORITY_RANK, Conversation, State, utcnow
from ..port import Conversations, QueueStats
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts

_COLUMNS = (
    "id, helpline, channel, user_key, address, state, language, language_chosen, topic, priority, "
    "priority_rank, team, step, data, operator_id, created_at, updated_at, enqueued_at, "
    "claimed_at, last_message_at, version"
)


def to_row(c: Conversation) -> tuple:
    return (
        c.id,
        c.helpline,
        c.channel,
        c.user_key,
        c.address,
        str(c.state),
        c.language,
        int(c.language_chosen),
        c.topic,
        c.priority,
        c.priority_rank,
        c.team,
        c.step,
        dumps(c.data),
        c.operator_id,
        ts(c.created_at),
        ts(c.updated_at),
        ts(c.enqueued_at),
        ts(c.claimed_at),
        ts(c.last_message_at),
        c.version,
    )


def from_row(r: sqlite3.Row | dict[str, Any]) -> Conversation:
    return Conversation(
        id=r["id"],
        helpline=r["helpline"],
        channel=r["channel"],
        user_key=r["user_key"],
        address=r["address"],
        state=r["state"],
        language=r["language"],
        language_chosen=bool(r["language_chosen"]),
        topic=r["topic"],
        priority=r["priority"],
        team=r["team"],
        step=r["step"],
        data=loads(r["data"]) or {},
        operator_id=r["operator_id"],
        created_at=dt(r["created_at"]),  # type: ignore[arg-type]  # a NOT NULL column
        updated_at=dt(r["updated_at"]),  # type: ignore[arg-type]  # a NOT NULL column
        enqueued_at=dt(r["enqueued_at"]),
        claimed_at=dt(r["claimed_at"]),
        last_message_at=dt(r["last_message_at"]),
        version=r["version"],
    )


def update_args(c: Conversation) -> tuple[tuple, str, int]:
    """What ``update_row`` needs (plain values: they may travel to the writer process)."""
    c.updated_at = utcnow()
    row = to_row(c)
    return row[4:15] + row[16:20], c.id, c.version


_UPDATE = (
    "UPDATE conversations SET address=?, state=?, language=?, language_chosen=?, topic=?, "
    "priority=?, priority_rank=?, team=?, step=?, data=?, operator_id=?, updated_at=?, "
    "enqueued_at=?, claimed_at=?, last_message_at=?, version=version+1 WHERE id=? AND version=?"
)


def update_row(conn: sqlite3.Connection, values: tuple, conversation_id: str, version: int) -> None:
    cur = conn.execute(_UPDATE, values + (conversation_id, version))
    if cur.rowcount != 1:
        raise Conflict(f"conversation {conversation_id} changed since it was read (version {version})")


def update_rows(conn: sqlite3.Connection, updates: list[tuple[tuple, str, int]]) -> int:
    """Several ``update_args``; how many conversations were still at the version read (the others: none)."""
    return conn.executemany(
        _UPDATE, [values + (conversation_id, version) for values, conversation_id, version in updates]
    ).rowcount


def insert_ignoring_duplicates(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Rows of ``to_row`` (generated traffic); one whose id or user is stored already is left alone."""
    return conn.executemany(
        f"INSERT INTO conversations ({_COLUMNS}) VALUES ({','.join('?' * 21)}) ON CONFLICT DO NOTHING", rows
    ).rowcount


def _create(conn: sqlite3.Connection, row: tuple, helpline: str, channel: str, user_key: str) -> Conversation:
    conn.execute(
        f"INSERT INTO conversations ({_COLUMNS}) VALUES ({','.join('?' * 21)}) "
        "ON CONFLICT (helpline, channel, user_key) DO NOTHING",
        row,
    )
    r = conn.execute(
        f"SELECT {_COLUMNS} FROM conversations WHERE helpline=? AND channel=? AND user_key=?",
        (helpline, channel, user_key),
    ).fetchone()
    return from_row(r)


def _claimed(conn: sqlite3.Connection, sql: str, args: tuple) -> tuple | None:
    """The claimed row as a plain tuple: tuples cross from the writer process ten times cheaper than objects."""
    r = conn.execute(sql, args).fetchone()
    return tuple(r) if r else None


_NAMES = tuple(name.strip() for name in _COLUMNS.split(","))


def from_tuple(values: tuple | None) -> Conversation | None:
    return None if values is None else from_row(dict(zip(_NAMES, values, strict=True)))


class SqliteConversations(Conversations):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def get(self, conversation_id: str) -> Conversation | None:
        def q(conn: sqlite3.Connection) -> Conversation | None:
            r = conn.execute(f"SELECT {_COLUMNS} FROM conversations WHERE id=?", (conversation_id,)).fetchone()
            return from_row(r) if r else None

        return await self._db.read(q)

    async def find_by_user(self, helpline: str, channel: str, user_key: str) -> Conversation | None:
        def q(conn: sqlite3.Connection) -> Conversation | None:
            r = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE helpline=? AND channel=? AND user_key=?",
                (helpline, channel, user_key),
            ).fetchone()
            return from_row(r) if r else None

        return await self._db.read(q)

    async def create(self, conversation: Conversation) -> Conversation:
        return await self._db.run(
            _create, to_row(conversation), conversation.helpline, conversation.channel, conversation.user_key
        )

    async def save(self, conversation: Conversation) -> Conversation:
        await self._db.run(update_row, *update_args(conversation))
        conversation.version += 1
        return conversation

    async def queue_position(self, conversation: Conversation) -> int | None:
        if conversation.state != State.WAITING or conversation.enqueued_at is None:
            return None
        rank, at = conversation.priority_rank, ts(conversation.enqueued_at)

        def q(conn: sqlite3.Connection) -> int:
            (n,) = conn.execute(
                "SELECT COUNT(*) FROM conversations WHERE state='waiting' AND helpline=? AND "
                "(priority_rank > ? OR (priority_rank = ? AND enqueued_at < ?) "
                " OR (priority_rank = ? AND enqueued_at = ? AND id < ?))",
                (conversation.helpline, rank, rank, at, rank, at, conversation.id),
            ).fetchone()
            return n + 1

        return await self._db.read(q)

    async def count_waiting(self, helpline: str) -> int:
        def q(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "SELECT COUNT(*) FROM conversations WHERE state='waiting' AND helpline=?", (helpline,)
            ).fetchone()[0]

        return await self._db.read(q)

    async def claim_next(
        self,
        operator_id: str,
        *,
        helplines: Sequence[str],
        teams: Sequence[str] | None,
        languages: Sequence[str] | None,
        now: datetime,
        capacity: int | None = None,
    ) -> Conversation | None:
        where, args = _queue_filter(helplines, teams, languages)
        room, room_args = _room(operator_id, capacity)
        sql = (
            "UPDATE conversations SET state='with_operator', operator_id=?, claimed_at=?, updated_at=?, "
            "version=version+1 WHERE id = (SELECT id FROM conversations WHERE "
            + where
            + " ORDER BY priority_rank DESC, enqueued_at, id LIMIT 1) AND state='waiting'"
            + room
            + f" RETURNING {_COLUMNS}"
        )

        return from_tuple(await self._db.run(_claimed, sql, (operator_id, ts(now), ts(now), *args, *room_args)))

    async def claim(
        self, conversation_id: str, operator_id: str, now: datetime, capacity: int | None = None
    ) -> Conversation | None:
        room, room_args = _room(operator_id, capacity)
        return from_tuple(
            await self._db.run(
                _claimed,
                "UPDATE conversations SET state='with_operator', operator_id=?, claimed_at=?, updated_at=?, "
                f"version=version+1 WHERE id=? AND state='waiting'{room} RETURNING {_COLUMNS}",
                (operator_id, ts(now), ts(now), conversation_id, *room_args),
            )
        )

    async def waiting(
        self, helplines: Sequence[str], limit: int = 200, priorities: Sequence[str] | None = None
    ) -> list[Conversation]:
        where, args = _queue_filter(helplines, None, None)
        if priorities is not None:
            # by rank, as the queue index is (state, helpline, priority_rank, enqueued_at); the name too,
            # so that a priority without a rank of its own (rank 0) is not mistaken for another
            ranks = sorted({PRIORITY_RANK.get(p, 0) for p in priorities})
            where += (
                f" AND priority_rank IN ({','.join('?' * len(ranks))})"
                f" AND priority IN ({','.join('?' * len(priorities))})"
            )
            args = [*args, *ranks, *priorities]

        def q(conn: sqlite3.Connection) -> list[Conversation]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE {where} "
                "ORDER BY priority_rank DESC, enqueued_at, id LIMIT ?",
                (*args, limit),
            ).fetchall()
            return [from_row(r) for r in rows]

        return await self._db.read(q)

    async def assigned_to(self, operator_id: str) -> list[Conversation]:
        def q(conn: sqlite3.Connection) -> list[Conversation]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE operator_id=? AND state='with_operator' "
                "ORDER BY claimed_at",
                (operator_id,),
            ).fetchall()
            return [from_row(r) for r in rows]

        return await self._db.read(q)

    async def with_operators(self, helplines: Sequence[str]) -> list[Conversation]:
        def q(conn: sqlite3.Connection) -> list[Conversation]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE state='with_operator' AND {_in(helplines)} "
                "ORDER BY claimed_at",
                tuple(helplines),
            ).fetchall()
            return [from_row(r) for r in rows]

        return await self._db.read(q)

    async def queue_stats(self, helplines: Sequence[str]) -> QueueStats:
        def q(conn: sqlite3.Connection) -> QueueStats:
            rows = conn.execute(
                f"SELECT priority, COUNT(*), MIN(enqueued_at) FROM conversations "
                f"WHERE state='waiting' AND {_in(helplines)} GROUP BY priority",
                tuple(helplines),
            ).fetchall()
            oldest = min((r[2] for r in rows if r[2] is not None), default=None)
            return QueueStats({r[0] or "routine": r[1] for r in rows}, dt(oldest))

        return await self._db.read(q)


def _room(operator_id: str, capacity: int | None) -> tuple[str, tuple[object, ...]]:
    """The claim's own capacity check: one writer runs the UPDATE, so counting inside it is atomic."""
    if capacity is None:
        return "", ()
    return (
        " AND (SELECT COUNT(*) FROM conversations WHERE operator_id=? AND state='with_operator') < ?",
        (operator_id, capacity),
    )


def _in(helplines: Sequence[str]) -> str:
    return f"helpline IN ({','.join('?' * len(helplines))})"


def _queue_filter(
    helplines: Sequence[str], teams: Sequence[str] | None, languages: Sequence[str] | None
) -> tuple[str, list[object]]:
    clauses = ["state='waiting'", f"helpline IN ({','.join('?' * len(helplines))})"]
    args: list[object] = list(helplines)
    if teams is not None:
        clauses.append(f"(team IS NULL OR team IN ({','.join('?' * len(teams))}))")
        args.extend(teams)
    if languages is not None:
        clauses.append(f"(language IS NULL OR language IN ({','.join('?' * len(languages))}))")
        args.extend(languages)
    return " AND ".join(clauses), args
