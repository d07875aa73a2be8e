"""Messages in the embedded store."""

from __future__ import annotations

import sqlite3
from typing import Any
from collections.abc import Callable
from datetime import datetime, timedelta

from ..errors import Duplicate
from ..identity import PlatformIds
from ..models import Delivery, Direction, Message
from ..port import Messages
from . import owners
from .db import SqliteDatabase
from .schema import dt, dumps, loads, ts

_COLUMNS = (
    "id, seq, conversation_id, helpline, channel, direction, sender, kind, text, buttons, "
    "platform_id, reply_to, handled, created_at, delivery, attempts, deliver_after, client_id, shown_name, sealed"
)
_NAMES = tuple(name.strip() for name in _COLUMNS.split(","))
_INSERT = f"INSERT INTO messages ({_COLUMNS}) VALUES ({','.join('?' * len(_NAMES))})"
#: Where a row of ``to_row`` holds the (hashed) platform id.
PLATFORM_ID = _NAMES.index("platform_id")


_LOCAL = "local:"
_NOTE = Direction.INTERNAL.value


def to_row(m: Message, ids: PlatformIds, handled: bool | None = None) -> tuple:
    """The row of a message; its platform id keyed-hashed by ``ids`` (never stored in clear)."""
    # A note is never pending delivery: the outbox cannot lease what it never holds.
    # A local id ("local:<id>") is only a stand-in: storing NULL keeps it out of
    # the de-duplication index (SQLite lets NULLs repeat in a UNIQUE index).
    platform_id = None if (m.platform_id or "").startswith(_LOCAL) else ids(m.platform_id)
    return (
        m.id,
        m.seq,
        m.conversation_id,
        m.helpline,
        m.channel,
        str(m.direction),
        str(m.sender),
        m.kind,
        m.text,
        dumps(m.buttons),
        platform_id,
        m.reply_to,
        int(m.handled if handled is None else handled),
        ts(m.created_at),
        None if m.direction == _NOTE else m.delivery,
        m.attempts,
        ts(m.deliver_after),
        m.client_id,
        m.shown_name,
        m.sealed,
    )


def from_row(r: sqlite3.Row | dict[str, Any]) -> Message:
    return Message(
        id=r["id"],
        seq=r["seq"],
        conversation_id=r["conversation_id"],
        helpline=r["helpline"],
        channel=r["channel"],
        direction=r["direction"],
        sender=r["sender"],
        kind=r["kind"],
        text=r["text"],
        buttons=loads(r["buttons"]) or [],
        platform_id=r["platform_id"],
        reply_to=r["reply_to"],
        handled=bool(r["handled"]),
        created_at=dt(r["created_at"]),  # type: ignore[arg-type]  # a NOT NULL column
        delivery=r["delivery"],
        attempts=r["attempts"],
        deliver_after=dt(r["deliver_after"]),
        client_id=r["client_id"],
        shown_name=r["shown_name"],
        sealed=r["sealed"],
    )


def insert_inbound_in(
    conn: sqlite3.Connection, row: tuple, message_id: str, channel: str, platform_id: str | None
) -> bool:
    """Insert the inbound of a turn (``to_row(message, ids, handled=True)``); False when it was stored before.

    Raises Duplicate for another copy of it (same channel and platform id) or
    when this very message was handled already.
    """
    existing = _add_inbound(conn, row, message_id, channel, platform_id)
    if existing is None:
        return True
    if existing.id != message_id or existing.handled:
        raise Duplicate(existing)
    return False  # stored unanswered by an earlier attempt: this turn answers it


def insert_ignoring_duplicates(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Rows of ``to_row``; how many were stored. A row whose id or platform id is
    there already is left alone (writing a turn again is harmless)."""
    return conn.executemany(_INSERT + " ON CONFLICT DO NOTHING", rows).rowcount


# --- writes: module-level, so that they can run in the writer process ---------------


def _add_inbound(
    conn: sqlite3.Connection, row: tuple, message_id: str, channel: str, platform_id: str | None
) -> Message | None:
    """None when stored now; else the copy stored before (same id, or same platform message)."""
    cur = conn.execute(_INSERT + " ON CONFLICT DO NOTHING", row)
    if cur.rowcount == 1:
        return None
    r = conn.execute(f"SELECT {_COLUMNS} FROM messages WHERE id=?", (message_id,)).fetchone()
    if r is None:
        r = conn.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE channel=? AND platform_id=?", (channel, platform_id)
        ).fetchone()
    return from_row(r)


#: ``per_conversation`` not given: every due message of a conversation.
_EVERY = 2**62

_DUE = "(deliver_after IS NULL OR deliver_after <= :now)"


def _lease(
    conn: sqlite3.Connection, channel: str, now: int, until: int, limit: int, per_conversation: int, owner: str
) -> list[tuple]:
    # heads: the conversations whose oldest pending message is due (the oldest heads first);
    # of each, its oldest ``per_conversation`` pending messages, those that are due.
    rows = conn.execute(
        "WITH heads AS ("
        "  SELECT m.conversation_id FROM messages m "
        f" WHERE m.delivery = 'pending' AND m.channel = :channel AND {_DUE.replace('deliver_after', 'm.deliver_after')}"
        "  AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.conversation_id = m.conversation_id "
        "                  AND e.delivery = 'pending' AND e.channel = :channel AND e.seq < m.seq)"
        "  ORDER BY m.seq LIMIT :limit), "
        "ranked AS ("
        "  SELECT id, deliver_after, ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY seq) AS n "
        "  FROM messages WHERE delivery = 'pending' AND channel = :channel "
        "  AND conversation_id IN (SELECT conversation_id FROM heads)) "
        "UPDATE messages SET deliver_after = :until, attempts = attempts + 1, lease_owner = :owner "
        f"WHERE id IN (SELECT id FROM ranked WHERE n <= :per AND {_DUE}) "
        f"RETURNING {_COLUMNS}",
        {"until": until, "channel": channel, "now": now, "limit": limit, "per": per_conversation, "owner": owner},
    ).fetchall()
    return [tuple(r) for r in rows]  # tuples cross from the writer process ten times cheaper than objects


def _renew(conn: sqlite3.Connection, channel: str, owner: str, until: int) -> int:
    return conn.execute(
        "UPDATE messages SET deliver_after = ? WHERE delivery = 'pending' AND channel = ? AND lease_owner = ?",
        (until, channel, owner),
    ).rowcount


def _release(conn: sqlite3.Connection, channel: str, owners: list[str], undo_attempt: bool) -> int:
    """The owners' leased messages of a channel are due now and nobody's."""
    attempts = "MAX(attempts - 1, 0)" if undo_attempt else "attempts"
    marks = ",".join("?" * len(owners))
    return conn.execute(
        f"UPDATE messages SET deliver_after = NULL, lease_owner = NULL, attempts = {attempts} "
        f"WHERE delivery = 'pending' AND channel = ? AND lease_owner IN ({marks})",
        (channel, *owners),
    ).rowcount


def _set_delivery(conn: sqlite3.Connection, message_id: str, delivery: str) -> None:
    # sealed: the clear words of a masked message live no longer than its delivery (models.Message)
    conn.execute(
        "UPDATE messages SET delivery = ?, deliver_after = NULL, lease_owner = NULL, sealed = NULL WHERE id = ?",
        (delivery, message_id),
    )


def _retry_at(conn: sqlite3.Connection, message_id: str, when: int) -> None:
    row = conn.execute("SELECT conversation_id, channel, seq FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        return
    conn.execute(
        "UPDATE messages SET deliver_after = ?, lease_owner = NULL WHERE id = ? AND delivery = 'pending'",
        (when, message_id),
    )
    conn.execute(
        "UPDATE messages SET deliver_after = ?, lease_owner = NULL WHERE delivery = 'pending' "
        "AND conversation_id = ? AND channel = ? AND seq > ? AND (deliver_after IS NULL OR deliver_after < ?)",
        (when, row["conversation_id"], row["channel"], row["seq"], when),
    )


class SqliteMessages(Messages):
    knows_dead_owners = owners.SUPPORTED

    def __init__(self, db: SqliteDatabase, ids: Callable[[], PlatformIds]) -> None:
        self._db = db
        self._ids = ids
        self.owner = owners.new_owner()
        self._owners = db.path.with_name(db.path.name + ".owners")
        self._lock = owners.OwnerLock(self._owners, self.owner)

    def close(self) -> None:
        """The store closes: this owner is gone (what it still leases, others may take over)."""
        self._lock.close()

    async def add_inbound(self, message: Message) -> tuple[Message, bool]:
        row = to_row(message, self._ids())
        stored = await self._db.run(_add_inbound, row, message.id, message.channel, row[PLATFORM_ID])
        return (message, True) if stored is None else (stored, False)

    async def get(self, message_id: str) -> Message | None:
        def q(conn: sqlite3.Connection) -> Message | None:
            r = conn.execute(f"SELECT {_COLUMNS} FROM messages WHERE id=?", (message_id,)).fetchone()
            return from_row(r) if r else None

        return await self._db.read(q)

    async def by_platform_id(self, channel: str, platform_id: str) -> Message | None:
        if platform_id.startswith(_LOCAL):
            found = await self.get(platform_id[len(_LOCAL) :])
            return found if found is not None and found.channel == channel else None

        hashed = self._ids()(platform_id)

        def q(conn: sqlite3.Connection) -> Message | None:
            r = conn.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE channel=? AND platform_id=?", (channel, hashed)
            ).fetchone()
            return from_row(r) if r else None

        return await self._db.read(q)

    async def history(
        self, conversation_id: str, limit: int | None = None, *, include_notes: bool = False
    ) -> list[Message]:
        where = "conversation_id=?" if include_notes else f"conversation_id=? AND direction != '{_NOTE}'"

        def q(conn: sqlite3.Connection) -> list[Message]:
            if limit is None:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM messages WHERE {where} ORDER BY seq", (conversation_id,)
                ).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM messages WHERE {where} ORDER BY seq DESC LIMIT ?",
                    (conversation_id, limit),
                ).fetchall()[::-1]
            return [from_row(r) for r in rows]

        return await self._db.read(q)

    async def replies_to(self, message_id: str) -> list[Message]:
        def q(conn: sqlite3.Connection) -> list[Message]:
            # replies are stored as "<message id>:<n>": a primary-key range, no extra index
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM messages WHERE id > ? AND id < ? AND reply_to = ? "
                f"AND direction != '{_NOTE}' ORDER BY seq",
                (message_id + ":", message_id + ";", message_id),
            ).fetchall()
            return [from_row(r) for r in rows]

        return await self._db.read(q)

    async def count(self, conversation_id: str | None = None, *, include_notes: bool = False) -> int:
        notes = "" if include_notes else f" AND direction != '{_NOTE}'"

        def q(conn: sqlite3.Connection) -> int:
            if conversation_id is None:
                return conn.execute(f"SELECT COUNT(*) FROM messages WHERE 1{notes}").fetchone()[0]
            return conn.execute(
                f"SELECT COUNT(*) FROM messages WHERE conversation_id=?{notes}", (conversation_id,)
            ).fetchone()[0]

        return await self._db.read(q)

    async def lease_pending(
        self, channel: str, now: datetime, lease: timedelta, limit: int, *, per_conversation: int | None = None
    ) -> list[Message]:
        self._lock.hold()  # before the first lease is written: a live owner always holds its lock
        rows = await self._db.run(
            _lease, channel, ts(now), ts(now + lease), limit, per_conversation or _EVERY, self.owner
        )
        return sorted((from_row(dict(zip(_NAMES, r, strict=True))) for r in rows), key=lambda m: m.seq)

    async def renew_leases(self, channel: str, until: datetime) -> int:
        return await self._db.run(_renew, channel, self.owner, ts(until))

    async def release_leases(self, channel: str) -> int:
        return await self._db.run(_release, channel, [self.owner], True)

    async def take_over_leases(self, channel: str) -> int:
        def holders(conn: sqlite3.Connection) -> set[str]:
            return {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT lease_owner FROM messages WHERE delivery = 'pending' AND channel = ? "
                    "AND lease_owner IS NOT NULL",
                    (channel,),
                )
            }

        candidates = (await self._db.read(holders) | owners.known_owners(self._owners)) - {self.owner}
        dead = owners.gone(self._owners, candidates)
        if not dead:
            return 0
        try:
            return await self._db.run(_release, channel, sorted(dead), False)
        finally:
            owners.forget(self._owners, dead)

    async def leases(self, channel: str, now: datetime) -> dict[str, int]:
        def q(conn: sqlite3.Connection) -> dict[str, int]:
            return {
                r[0]: r[1]
                for r in conn.execute(
                    "SELECT lease_owner, COUNT(*) FROM messages WHERE delivery = 'pending' AND channel = ? "
                    "AND lease_owner IS NOT NULL AND deliver_after > ? GROUP BY lease_owner",
                    (channel, ts(now)),
                )
            }

        return await self._db.read(q)

    async def mark_sent(self, message_id: str) -> None:
        await self._db.run(_set_delivery, message_id, Delivery.SENT.value)

    async def mark_failed(self, message_id: str) -> None:
        await self._db.run(_set_delivery, message_id, Delivery.FAILED.value)

    async def retry_at(self, message_id: str, when: datetime) -> None:
        await self._db.run(_retry_at, message_id, ts(when))

    async def count_pending(self, channel: str | None = None) -> int:
        def q(conn: sqlite3.Connection) -> int:
            if channel is None:
                return conn.execute("SELECT COUNT(*) FROM messages WHERE delivery = 'pending'").fetchone()[0]
            return conn.execute(
                "SELECT COUNT(*) FROM messages WHERE delivery = 'pending' AND channel = ?", (channel,)
            ).fetchone()[0]

        return await self._db.read(q)
