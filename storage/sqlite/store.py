"""The embedded store: one SQLite file in the data folder."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from ..figures import Figures, Period, assemble
from ..errors import StoreUnavailable
from ..files import private_file, private_folder, tighten_folder
from ..identity import PlatformIds, load_or_create_secret
from ..models import Conversation, Event, Message
from ..port import Store
from . import appeals, conversations, events, feedback, messages, operators, reports, visits, writer
from . import figures as figures_sql
from .db import SqliteDatabase, WriterKind
from .inuse import InUse
from .migrations import SCHEMA_VERSION
from .schema import create_schema, dumps, loads

log = logging.getLogger(__name__)

FILENAME = "vikno.sqlite3"


class SqliteStore(Store):
    kind = "sqlite"
    schema_version = SCHEMA_VERSION

    def __init__(self, data_dir: Path, *, secret: bytes | None = None, writer: WriterKind = "process") -> None:
        """``secret``: the deployment's secret key (default: the one in the data folder, made if missing)."""
        self.path = Path(data_dir) / FILENAME
        self._secret = secret
        self._ids: PlatformIds | None = None
        self._db = SqliteDatabase(self.path, create_schema, writer=writer)
        #: held while open: a restore must not swap the file under us (storage/sqlite/inuse.py)
        self._in_use = InUse(self.path)
        self.writes = self._db.writes
        self.migrated: list[str] = []
        self.conversations = conversations.SqliteConversations(self._db)
        self.messages = messages.SqliteMessages(self._db, self._platform_ids)
        self.events = events.SqliteEvents(self._db)
        self.operators = operators.SqliteOperators(self._db)
        self.sessions = operators.SqliteSessions(self._db)
        self.login_attempts = operators.SqliteLoginAttempts(self._db)
        self.feedback = feedback.SqliteFeedback(self._db)
        self.reports = reports.SqliteReports(self._db)
        self.appeals = appeals.SqliteAppeals(self._db)
        self.visits = visits.SqliteVisits(self._db)

    def _platform_ids(self) -> PlatformIds:
        if self._ids is None:
            self._ids = PlatformIds(self._secret or load_or_create_secret(self.path.parent, None))
        return self._ids

    async def open(self) -> None:
        if self._db.is_open:
            return
        tighten_folder(private_folder(self.path.parent))
        private_file(self.path)  # SQLite gives -wal and -shm the database file's mode
        self._in_use.hold()
        self._db.init = functools.partial(create_schema, ids=self._platform_ids())
        try:
            await self._db.open()
        except BaseException:
            self._in_use.release()
            raise
        self.migrated = list(self._db.opened or [])
        for done in self.migrated:
            log.warning("migrated the SQLite store to schema %s", done)

    async def close(self) -> None:
        await self._db.close()
        self.messages.close()
        self._in_use.release()

    async def ping(self) -> bool:
        if not self._db.is_open:
            return False
        try:
            return await self._db.ask(writer.ping)
        except Exception:
            return False

    async def commit_turn(
        self,
        conversation: Conversation,
        inbound: Message | None,
        replies: Sequence[Message],
        events_: Sequence[Event],
    ) -> Conversation:
        await self._db.run(_turn, *turn_args(conversation, inbound, replies, events_, self._platform_ids()))
        conversation.version += 1
        return conversation

    async def figures(self, period: Period) -> Figures:
        if not self._db.is_open:
            raise StoreUnavailable("the SQLite store is not open")
        raw = await asyncio.get_running_loop().run_in_executor(None, figures_sql.compute_in_parallel, self.path, period)
        return assemble(period, raw)

    async def rename_helpline(self, old: str, new: str) -> int:
        return int(await self._db.run(_rename_helpline, old, new))

    async def insert_records(
        self, conversations_: Sequence[Conversation], messages_: Sequence[Message], events_: Sequence[Event]
    ) -> None:
        ids = self._platform_ids()
        await self._db.run(
            _insert_records,
            [conversations.to_row(c) for c in conversations_],
            [messages.to_row(m, ids) for m in messages_],
            [events.to_row(e) for e in events_],
        )


def _rename_helpline(conn: sqlite3.Connection, old: str, new: str) -> int:
    moved = conn.execute("UPDATE OR IGNORE conversations SET helpline = ? WHERE helpline = ?", (new, old)).rowcount
    for table in ("messages", "events", "feedback"):
        moved += conn.execute(f"UPDATE {table} SET helpline = ? WHERE helpline = ?", (new, old)).rowcount
    moved += conn.execute(
        "UPDATE reports SET helpline = ?, doc = json_set(doc, '$.helpline', ?) WHERE helpline = ?", (new, new, old)
    ).rowcount
    moved += conn.execute(
        "UPDATE appeals SET helpline = ?, doc = json_set(doc, '$.helpline', ?) WHERE helpline = ?", (new, new, old)
    ).rowcount
    moved += conn.execute(
        "UPDATE visits SET helpline = ?, doc = json_set(doc, '$.helpline', ?) WHERE helpline = ?", (new, new, old)
    ).rowcount
    rows = conn.execute(
        "SELECT id, doc FROM operators WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.helplines') WHERE value = ?)",
        (old,),
    ).fetchall()
    for operator_id, text in rows:
        doc = loads(text)
        doc["helplines"] = list(dict.fromkeys(new if h == old else h for h in doc["helplines"]))
        conn.execute("UPDATE operators SET doc = ? WHERE id = ?", (dumps(doc), operator_id))
    return moved + len(rows)


def _insert_records(
    conn: sqlite3.Connection, conversation_rows: list[tuple], message_rows: list[tuple], event_rows: list[tuple]
) -> None:
    conversations.insert_ignoring_duplicates(conn, conversation_rows)
    messages.insert_ignoring_duplicates(conn, message_rows)
    events.insert_in(conn, event_rows)


def turn_args(
    conversation: Conversation,
    inbound: Message | None,
    replies: Sequence[Message],
    events_: Sequence[Event],
    ids: PlatformIds,
) -> tuple[tuple, tuple | None, list[tuple], list[tuple]]:
    """``_turn``'s arguments: plain rows, not objects (they cross to the writer process on every message).

    Platform ids are hashed here, in the web process: the clear ones never reach the database.
    """
    inbound_args = None
    if inbound is not None:
        row = messages.to_row(inbound, ids, handled=True)
        inbound_args = (row, inbound.id, inbound.channel, row[messages.PLATFORM_ID])
    return (
        conversations.update_args(conversation),
        inbound_args,
        [messages.to_row(m, ids) for m in replies],
        [events.to_row(e) for e in events_],
    )


def _turn(
    conn: sqlite3.Connection, update: tuple, inbound: tuple | None, replies: list[tuple], events_: list[tuple]
) -> None:
    """One message's turn in one transaction: the inbound, the conversation, the replies, the events."""
    fresh = messages.insert_inbound_in(conn, *inbound) if inbound is not None else True
    conversations.update_row(conn, *update)
    messages.insert_ignoring_duplicates(conn, replies)
    events.insert_in(conn, events_)
    if inbound is not None and not fresh:
        conn.execute("UPDATE messages SET handled=1 WHERE id=?", (inbound[1],))


def _turns(conn: sqlite3.Connection, turns: list[tuple]) -> list[None] | None:
    """Several turns (``_turn``'s arguments each) in four statements; None if one of them is not plain.

    Plain: a new inbound, and a conversation nobody changed meanwhile. Then the
    rows are exactly those ``_turn`` would write one turn at a time, and
    ``executemany`` saves the per-statement cost (and the savepoint) the writer
    pays several times a message otherwise. Anything else (a platform's retry, a
    conflict, a turn without inbound) answers None: the writer undoes this
    attempt and runs the turns one by one, each with its own outcome.
    """
    if any(inbound is None for _, inbound, _, _ in turns):
        return None
    if messages.insert_ignoring_duplicates(conn, [inbound[0] for _, inbound, _, _ in turns]) != len(turns):
        return None
    if conversations.update_rows(conn, [update for update, _, _, _ in turns]) != len(turns):
        return None
    messages.insert_ignoring_duplicates(conn, [row for _, _, replies, _ in turns for row in replies])
    events.insert_in(conn, [row for _, _, _, events_ in turns for row in events_])
    return [None] * len(turns)


_turn.bulk = _turns
