"""Exact per-day tallies of what the figures count, kept by triggers in the writing transaction.

A busy line's month is ~500,000 messages and ~250,000 events; counting them
at every opening of the figures page cost most of its second (issue 26). The
triggers below keep, per helpline and UTC day, what the figures sum:

- ``figures_message_days``: messages in and out, by channel;
- ``figures_event_days``: events by kind and channel, and for operators'
  work (``claimed``, ``operator_reply``, ``closed``) by operator, and for
  ``closed`` by wrap-up category and outcome;
- ``figures_conversation_days``: per conversation and day, its first
  event's time and the key of its latest language (the per-conversation
  figures take the min and the max of those: a min of mins is the min);
- ``figures_event_values``: the JSON fields the figures read of a few kinds
  (waits, first responses, topics answered, the optional answers), one row
  per event in (helpline, kind, at) order, so no JSON is parsed and no
  event row is looked up when the page opens.

Why triggers and not code in the write paths: a trigger runs inside the very
statement that inserts the row, so every path that writes a message or an
event (a turn, a batch of turns, ``insert_records``, an operator's action,
whatever is added later) keeps the tally; a row not inserted (a retried turn,
a duplicate id: ``ON CONFLICT DO NOTHING``) adds nothing; and a transaction
or savepoint undone (a conflict, a crash before COMMIT) takes its tally
changes with it. Deletes and updates of those rows (nothing does them today;
erasure will) move the tallies too, so they never drift from the rows.

A period's figures sum the tallies of the UTC days wholly inside it and read
the raw rows of the partial days at its ends (a helpline's local midnight is
rarely UTC's), so any ``[since, until)`` is exact.

These statements are migration 8's (storage/sqlite/migrations.py): a database
migrated with them keeps them, so they never change here; a change is a new
migration.

``NONE`` (an empty blob, which no JSON value or text column ever is) stands
for NULL in the tallies' keys: a primary key needs a value, and keeping the
blob apart from ``''`` keeps a missing operator apart from an empty one.
"""

from __future__ import annotations

import sqlite3

DAY_MS = 86_400_000
NONE = "X''"
#: the kinds whose events are tallied by operator
WORK = "('claimed', 'operator_reply', 'closed')"


def operator(r: str) -> str:
    return f"CASE WHEN {r}kind IN {WORK} THEN coalesce(json_extract({r}data, '$.operator'), {NONE}) ELSE {NONE} END"


def closed_field(r: str, name: str) -> str:
    return f"CASE WHEN {r}kind = 'closed' THEN coalesce(json_extract({r}data, '$.{name}'), {NONE}) ELSE {NONE} END"


def event_key(r: str) -> str:
    """The tally key of an event row (``r``: ``''``, ``'NEW.'`` or ``'OLD.'``), in table column order."""
    return (
        f"{r}helpline, {r}at / {DAY_MS}, {r}kind, coalesce({r}channel, {NONE}), {operator(r)}, "
        f"{closed_field(r, 'category')}, {closed_field(r, 'outcome')}"
    )


def _fact_wanted(r: str) -> str:
    return (
        f"({r}kind IN ('claimed', 'topic_answered', 'profile_answered') "
        f"OR ({r}kind = 'operator_reply' AND json_extract({r}data, '$.first') = 1))"
    )


def _fact(r: str) -> str:
    """The value row of an event (``figures_event_values``' columns), for the events of ``_fact_wanted``."""
    a = (
        f"CASE {r}kind WHEN 'claimed' THEN json_extract({r}data, '$.wait_seconds') "
        f"WHEN 'operator_reply' THEN json_extract({r}data, '$.first_response_seconds') "
        f"WHEN 'topic_answered' THEN {r}topic WHEN 'profile_answered' THEN json_extract({r}data, '$.age_group') END"
    )
    b = f"CASE WHEN {r}kind = 'profile_answered' THEN json_extract({r}data, '$.gender') END"
    return f"{r}helpline, {r}kind, {r}at, {r}id, {r}channel, {r}conversation_id, {a}, {b}"


def language_key(r: str) -> str:
    """Sorts as the event's time, then its language: the max is the latest event's language."""
    return f"printf('%015d', {r}at) || coalesce({r}language, '')"


_TABLES = f"""
CREATE TABLE figures_message_days (
    helpline TEXT NOT NULL, day INTEGER NOT NULL, channel TEXT NOT NULL, direction TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (helpline, day, channel, direction)) WITHOUT ROWID;
CREATE TABLE figures_event_days (
    helpline TEXT NOT NULL, day INTEGER NOT NULL, kind TEXT NOT NULL,
    channel NOT NULL, operator NOT NULL, category NOT NULL, outcome NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (helpline, day, kind, channel, operator, category, outcome)) WITHOUT ROWID;
CREATE TABLE figures_conversation_days (
    helpline TEXT NOT NULL, day INTEGER NOT NULL, conversation_id TEXT NOT NULL, channel NOT NULL,
    first_at INTEGER NOT NULL, last_key TEXT NOT NULL,
    PRIMARY KEY (helpline, day, conversation_id, channel)) WITHOUT ROWID;
CREATE TABLE figures_event_values (
    helpline TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, id TEXT NOT NULL,
    channel TEXT, conversation_id TEXT, a, b,
    PRIMARY KEY (helpline, kind, at, id)) WITHOUT ROWID;

INSERT INTO figures_message_days
    SELECT helpline, created_at / {DAY_MS}, channel, direction, count(*) FROM messages
    WHERE direction IN ('in', 'out') GROUP BY 1, 2, 3, 4;
INSERT INTO figures_event_days SELECT {event_key("")}, count(*) FROM events GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO figures_conversation_days
    SELECT helpline, at / {DAY_MS}, conversation_id, coalesce(channel, {NONE}), min(at), max({language_key("")})
    FROM events WHERE conversation_id IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO figures_event_values SELECT {_fact("")} FROM events WHERE {_fact_wanted("")}
"""


def _message_add(r: str, sign: int) -> str:
    if sign > 0:
        return (
            f"INSERT INTO figures_message_days SELECT {r}helpline, {r}created_at / {DAY_MS}, {r}channel, "
            f"{r}direction, 1 WHERE {r}direction IN ('in', 'out') ON CONFLICT DO UPDATE SET n = n + 1;"
        )
    where = (
        f"helpline = {r}helpline AND day = {r}created_at / {DAY_MS} AND channel = {r}channel "
        f"AND direction = {r}direction"
    )
    return (
        f"UPDATE figures_message_days SET n = n - 1 WHERE {where};"
        f"DELETE FROM figures_message_days WHERE {where} AND n = 0;"
    )


def _event_add(r: str, sign: int) -> str:
    if sign > 0:
        return (
            f"INSERT INTO figures_event_days SELECT {event_key(r)}, 1 WHERE true "
            "ON CONFLICT DO UPDATE SET n = n + 1;"
            f"INSERT INTO figures_conversation_days SELECT {r}helpline, {r}at / {DAY_MS}, {r}conversation_id, "
            f"coalesce({r}channel, {NONE}), {r}at, {language_key(r)} WHERE {r}conversation_id IS NOT NULL "
            "ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at), "
            "last_key = max(last_key, excluded.last_key);"
            f"INSERT INTO figures_event_values SELECT {_fact(r)} WHERE {_fact_wanted(r)};"
        )
    where = f"(helpline, day, kind, channel, operator, category, outcome) = (SELECT {event_key(r)})"
    bucket = (
        f"helpline = {r}helpline AND day = {r}at / {DAY_MS} AND conversation_id = {r}conversation_id "
        f"AND channel = coalesce({r}channel, {NONE})"
    )
    # a min or max cannot be taken back: the conversation's day is read again from its remaining events
    return (
        f"UPDATE figures_event_days SET n = n - 1 WHERE {where};"
        f"DELETE FROM figures_event_days WHERE {where} AND n = 0;"
        f"DELETE FROM figures_conversation_days WHERE {bucket};"
        f"INSERT INTO figures_conversation_days SELECT helpline, at / {DAY_MS}, conversation_id, "
        f"coalesce(channel, {NONE}), min(at), max({language_key('')}) FROM events "
        f"WHERE helpline = {r}helpline AND at >= {r}at / {DAY_MS} * {DAY_MS} "
        f"AND at < ({r}at / {DAY_MS} + 1) * {DAY_MS} AND conversation_id = {r}conversation_id "
        f"AND channel IS {r}channel GROUP BY 1, 2, 3, 4;"
        f"DELETE FROM figures_event_values WHERE helpline = {r}helpline AND kind = {r}kind AND at = {r}at "
        f"AND id = {r}id;"
    )


_TRIGGERS = {
    "figures_message_added": ("AFTER INSERT ON messages", _message_add("NEW.", 1)),
    "figures_message_removed": ("AFTER DELETE ON messages", _message_add("OLD.", -1)),
    "figures_message_changed": (
        "AFTER UPDATE OF helpline, channel, direction, created_at ON messages",
        _message_add("OLD.", -1) + _message_add("NEW.", 1),
    ),
    "figures_event_added": ("AFTER INSERT ON events", _event_add("NEW.", 1)),
    "figures_event_removed": ("AFTER DELETE ON events", _event_add("OLD.", -1)),
    "figures_event_changed": ("AFTER UPDATE ON events", _event_add("OLD.", -1) + _event_add("NEW.", 1)),
}


def create(conn: sqlite3.Connection) -> None:
    """Migration 8: the tables, filled from the rows already stored, and the triggers that keep them.

    A database that has them already (made at this schema, then told it is older, as a restored
    backup's meta row can) gets them counted again from its rows: a recount is exact whatever they held.
    """
    for name in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("figures_message_days", "figures_event_days", "figures_conversation_days", "figures_event_values"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    for name, (when, body) in _TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")
