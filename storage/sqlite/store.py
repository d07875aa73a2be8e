"""The embedded store: one SQLite file in the data folder."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from ..models import Conversation, Event, Message
from ..port import Store
from . import conversations, events, messages, operators
from .db import SqliteDatabase
from .schema import create_schema

FILENAME = "vikno.sqlite3"


class SqliteStore(Store):
    kind = "sqlite"

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILENAME
        self._db = SqliteDatabase(self.path, create_schema)
        self.conversations = conversations.SqliteConversations(self._db)
        self.messages = messages.SqliteMessages(self._db)
        self.events = events.SqliteEvents(self._db)
        self.operators = operators.SqliteOperators(self._db)
        self.sessions = operators.SqliteSessions(self._db)

    async def open(self) -> None:
        await self._db.open()

    async def close(self) -> None:
        await self._db.close()

    async def ping(self) -> bool:
        if not self._db.is_open:
            return False
        try:
            return await self._db.run(lambda conn: conn.execute("SELECT 1").fetchone()[0] == 1)
        except Exception:
            return False

    async def commit_turn(
        self,
        conversation: Conversation,
        inbound: Message | None,
        replies: Sequence[Message],
        events_: Sequence[Event],
    ) -> Conversation:
        def q(conn: sqlite3.Connection) -> Conversation:
            fresh = messages.insert_inbound_in(conn, inbound) if inbound is not None else True
            conversations.save_in(conn, conversation)
            messages.insert_ignoring_duplicates(conn, list(replies))
            events.insert_in(conn, list(events_))
            if inbound is not None and not fresh:
                conn.execute("UPDATE messages SET handled=1 WHERE id=?", (inbound.id,))
            return conversation

        version = conversation.version
        try:
            return await self._db.run(q)
        except BaseException:
            conversation.version = version  # the transaction was rolled back
            raise
