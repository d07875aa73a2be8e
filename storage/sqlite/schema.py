"""Tables, indexes and row conversion for the embedded store.

Queried fields are real columns with real indexes; free-form parts (flow
slots, buttons, event data) are JSON text. Times are integer UTC epoch milliseconds.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from ..errors import StoreDamaged
from ..identity import PlatformIds
from .migrations import migrate

#: The tables of schema version 1 (before versioned migrations). Changes to
#: existing tables are migrations (``migrations.py``), not edits here.
DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    helpline TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_key TEXT NOT NULL,
    address TEXT,
    state TEXT NOT NULL,
    language TEXT,
    language_chosen INTEGER NOT NULL DEFAULT 0,
    topic TEXT,
    priority TEXT,
    priority_rank INTEGER NOT NULL DEFAULT 0,
    team TEXT,
    step TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    operator_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    enqueued_at INTEGER,
    claimed_at INTEGER,
    last_message_at INTEGER,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (helpline, channel, user_key)
);
CREATE INDEX IF NOT EXISTS conversations_queue
    ON conversations (state, helpline, priority_rank DESC, enqueued_at);
-- (helpline, updated_at) was indexed until 2026-11: no query used it, and every
-- message moved the conversation's entry (a page written per busy conversation).
DROP INDEX IF EXISTS conversations_updated;
CREATE INDEX IF NOT EXISTS conversations_operator ON conversations (operator_id) WHERE operator_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    conversation_id TEXT NOT NULL,
    helpline TEXT NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    sender TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT,
    buttons TEXT NOT NULL DEFAULT '[]',
    platform_id TEXT,
    reply_to TEXT,
    handled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    delivery TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    deliver_after INTEGER,
    lease_owner TEXT,
    UNIQUE (channel, platform_id)
);
CREATE INDEX IF NOT EXISTS messages_outbox
    ON messages (channel, deliver_after, seq) WHERE delivery = 'pending';
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, seq);

CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    helpline TEXT NOT NULL,
    kind TEXT NOT NULL,
    conversation_id TEXT,
    channel TEXT,
    language TEXT,
    topic TEXT,
    priority TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_helpline_at ON events (helpline, at);

CREATE TABLE IF NOT EXISTS operators (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS sessions_operator ON sessions (operator_id);

-- console login attempts per keyed hash of (client address, login): handoff/accounts.py
CREATE TABLE IF NOT EXISTS login_attempts (
    key TEXT PRIMARY KEY,
    login_key TEXT NOT NULL,
    n INTEGER NOT NULL,
    last_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_login ON login_attempts (login_key);
CREATE INDEX IF NOT EXISTS login_attempts_last ON login_attempts (last_at);
CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at);
"""


def create_schema(conn: sqlite3.Connection, ids: PlatformIds | None = None) -> list[str]:
    """The writer's opening step: check the file, create what is missing, migrate; what was migrated.

    ``ids`` hashes platform ids for the migrations that need it (a new, empty
    database needs none).
    """
    check_integrity(conn)
    new = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    for statement in DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    _add_missing_columns(conn)  # columns of the outbox's leases (their own idempotent step)
    done = migrate(conn, ids)
    # A new database is made at the latest schema: its version is recorded, but nothing was migrated
    # (the first start of a new line logged two "migrated" warnings).
    return [] if new else done


def check_integrity(conn: sqlite3.Connection) -> None:
    """``PRAGMA quick_check`` at open: a damaged file stops the start with what to do, not 500s later."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreDamaged(damaged_message(conn_path(conn), " ".join(" ".join(problems).split())))  # one line


def conn_path(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else "the SQLite database"


def damaged_message(path: str, why: str) -> str:
    return (
        f"the SQLite database {path} is damaged ({why}): stop vikno, move the file (and its -wal and "
        "-shm) aside and restore the last backup, or try `sqlite3 FILE .recover` into a new file"
    )


#: Columns added after a table was first shipped: (table, column, declaration).
_ADDED_COLUMNS = (
    # 2026-11: the outbox's leases carry their owner (storage/sqlite/owners.py)
    ("messages", "lease_owner", "TEXT"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """A data folder written before a column existed gets it (NULL in old rows)."""
    for table, column, declaration in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ts(value: datetime | None) -> int | None:
    """Exact integer milliseconds since the epoch (what MongoDB keeps too)."""
    # exact: times are kept to the millisecond, and ms since 1970 fit a float's 53 bits
    return None if value is None else round(value.timestamp() * 1000)


def dt(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(milliseconds=value)


def dumps(value: Any) -> str:
    # orjson: every stored message and turn writes JSON columns; the stdlib costs several times more.
    return orjson.dumps(value).decode()


def loads(value: str | None) -> Any:
    return orjson.loads(value) if value else None
