"""Versioned migrations of the embedded store, run at every open (and by ``vikno store migrate``).

``meta.schema_version`` says which migrations a database has had. Version 1
is the schema of before versioned migrations (``schema.DDL``, which every
open creates if missing); each migration moves a database one version up,
in the writer's opening transaction, so that it is done, whole, before the
first write is taken, and never half. A database already at the newest
version is left alone: running them again changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigurationError
from ..identity import PlatformIds
from . import tallies

#: The schema of before versioned migrations.
BASELINE = 1


@dataclass(frozen=True)
class Migration:
    version: int
    what: str
    apply: Callable[[sqlite3.Connection, PlatformIds | None], None]


def _hash_platform_ids(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Platform message ids in clear become keyed hashes (issue 20 item 4).

    A web chat message's client id (after ``<key>:``) moves to its own column
    first: the client needs it back, and it names nobody. ``secure_delete``
    overwrites the clear values in the pages they leave instead of leaving
    them in the file.
    """
    conn.execute("ALTER TABLE messages ADD COLUMN client_id TEXT")
    conn.execute(
        "UPDATE messages SET client_id = substr(platform_id, instr(platform_id, ':') + 1) "
        "WHERE channel = 'webchat' AND direction = 'in' AND instr(platform_id, ':') > 0"
    )
    if conn.execute("SELECT 1 FROM messages WHERE platform_id IS NOT NULL LIMIT 1").fetchone() is None:
        return
    if ids is None:
        raise ConfigurationError("the store needs the secret key to migrate stored platform ids")
    conn.execute("PRAGMA secure_delete=ON")
    try:
        conn.create_function("vikno_platform_id", 1, ids, deterministic=True)
        conn.execute("UPDATE messages SET platform_id = vikno_platform_id(platform_id) WHERE platform_id IS NOT NULL")
    finally:
        conn.execute("PRAGMA secure_delete=OFF")


def _feedback_table(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Operators' marks on messages, the labelled examples of the crisis data (issue 21 item 3).

    Written out here, not imported: a migration's statements must stay what
    they were when databases were migrated with them.
    """
    conn.execute("""CREATE TABLE IF NOT EXISTS feedback (
        message_id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        helpline TEXT NOT NULL,
        text TEXT NOT NULL,
        language TEXT,
        label TEXT NOT NULL,
        level TEXT NOT NULL,
        reasons TEXT NOT NULL DEFAULT '[]',
        operator_id TEXT NOT NULL,
        marked_at INTEGER NOT NULL)""")
    conn.execute("CREATE INDEX IF NOT EXISTS feedback_marked_at ON feedback (marked_at)")
    conn.execute("CREATE INDEX IF NOT EXISTS feedback_conversation ON feedback (conversation_id)")


def _figures_indexes(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """What the figures read (issue 26): one kind of event of a helpline over a period, and the
    period's messages counted from the index alone (direction and channel are in it).

    The messages index costs one more index entry per stored message; without it a month's count
    read every message the helpline ever had.
    """
    conn.execute("CREATE INDEX IF NOT EXISTS events_helpline_kind_at ON events (helpline, kind, at)")
    # the figures' count per conversation reads these columns of every event of the period: from the index alone
    conn.execute(
        "CREATE INDEX IF NOT EXISTS events_helpline_at_conversation "
        "ON events (helpline, at, conversation_id, channel, language)"
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS messages_helpline_created ON messages (helpline, created_at, direction, channel)"
    )


def _shown_name(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """The name an operator's message is shown with (issue 24): older messages have none (the role).

    A column is added once: a database that has it already (made new at this schema, then told it is
    older, as a restored backup's meta row can) is left as it is.
    """
    if "shown_name" not in {row[1] for row in conn.execute("PRAGMA table_info(messages)")}:
        conn.execute("ALTER TABLE messages ADD COLUMN shown_name TEXT")


def _reports_table(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Reports about someone in danger (issue 26): a JSON document, looked up by its code's hash."""
    conn.execute("""CREATE TABLE IF NOT EXISTS reports (
        id TEXT PRIMARY KEY,
        helpline TEXT NOT NULL,
        code_hash TEXT NOT NULL UNIQUE,
        conversation_id TEXT,
        created_at INTEGER NOT NULL,
        doc TEXT NOT NULL)""")
    conn.execute("CREATE INDEX IF NOT EXISTS reports_conversation ON reports (conversation_id)")


def _sealed(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """The clear words of a masked message until it is delivered (a report's code; models.Message.sealed)."""
    if "sealed" not in {row[1] for row in conn.execute("PRAGMA table_info(messages)")}:
        conn.execute("ALTER TABLE messages ADD COLUMN sealed TEXT")


def _figures_tallies(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Per-day tallies of messages, events and conversations, kept by triggers (issue 26's 1 s page).

    Filled from the rows stored so far in this same transaction; storage/sqlite/tallies.py says why.
    """
    tallies.create(conn)


def _appeals_table(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Citizens' appeals (issue 27, cherkasy-1545): a JSON document, looked up by its number's hash,
    listed per helpline, newest first, and by status."""
    conn.execute("""CREATE TABLE IF NOT EXISTS appeals (
        id TEXT PRIMARY KEY,
        helpline TEXT NOT NULL,
        number_hash TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        doc TEXT NOT NULL)""")
    conn.execute("CREATE INDEX IF NOT EXISTS appeals_helpline_created ON appeals (helpline, created_at)")
    conn.execute("CREATE INDEX IF NOT EXISTS appeals_helpline_status ON appeals (helpline, status, created_at)")


def _visits_table(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """Mobile brigades' visits (issue 27, zhytomyr-1550): a JSON document, listed by line, team and status."""
    conn.execute("""CREATE TABLE IF NOT EXISTS visits (
        id TEXT PRIMARY KEY,
        helpline TEXT NOT NULL,
        team TEXT NOT NULL,
        status TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        doc TEXT NOT NULL)""")
    conn.execute("CREATE INDEX IF NOT EXISTS visits_team_status ON visits (helpline, team, status, created_at)")
    conn.execute("CREATE INDEX IF NOT EXISTS visits_conversation ON visits (conversation_id)")


def _report_keys(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """One report per draft (session 15's outside attack: a double tap split across two workers made two
    reports): the draft's key beside the report, unique. Reports of before have none (NULLs never clash)."""
    if "key" not in {row[1] for row in conn.execute("PRAGMA table_info(reports)")}:
        conn.execute("ALTER TABLE reports ADD COLUMN key TEXT")
    conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS reports_key ON reports (key)")


def _appeal_keys(conn: sqlite3.Connection, ids: PlatformIds | None) -> None:
    """One appeal per draft (session 15's outside attack: the last text sent twice to two workers made two
    appeals with two numbers): the draft's key beside the appeal, unique. Appeals of before, and operators',
    have none (NULLs never clash)."""
    if "key" not in {row[1] for row in conn.execute("PRAGMA table_info(appeals)")}:
        conn.execute("ALTER TABLE appeals ADD COLUMN key TEXT")
    conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS appeals_key ON appeals (key)")


MIGRATIONS = [
    Migration(2, "platform message ids are stored as keyed hashes; web chat client ids apart", _hash_platform_ids),
    Migration(3, "operators' crisis marks (feedback)", _feedback_table),
    Migration(4, "indexes for the helpline's figures", _figures_indexes),
    Migration(5, "the name an operator's message is shown with", _shown_name),
    Migration(6, "reports about someone in danger", _reports_table),
    Migration(7, "a masked message's words kept sealed until delivered", _sealed),
    Migration(8, "per-day tallies for the helpline's figures", _figures_tallies),
    Migration(9, "mobile brigades' visits", _visits_table),
    Migration(10, "citizens' appeals", _appeals_table),
    Migration(11, "one report per draft (the draft's key, unique)", _report_keys),
    Migration(12, "one appeal per draft (the draft's key, unique)", _appeal_keys),
]
#: The version this vikno writes.
SCHEMA_VERSION = MIGRATIONS[-1].version if MIGRATIONS else BASELINE


def version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return BASELINE if row is None else int(row[0])


def migrate(conn: sqlite3.Connection, ids: PlatformIds | None) -> list[str]:
    """Bring the database to :data:`SCHEMA_VERSION` inside the caller's transaction; what was done."""
    current = version(conn)
    if current > SCHEMA_VERSION:
        raise ConfigurationError(
            f"this data folder was written by a newer vikno (schema {current} > {SCHEMA_VERSION}); "
            "upgrade vikno or point VIKNO_DATA_DIR elsewhere"
        )
    done = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        migration.apply(conn, ids)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(migration.version),),
        )
        done.append(f"{migration.version}: {migration.what}")
    return done
