"""A period's figures in SQL, on the reader connection (one snapshot for every query).

Each query reads one kind of event through the (helpline, kind, at) index,
or the period's events once through (helpline, at) for the counts per
conversation; percentiles are taken by ``ORDER BY ... LIMIT 1 OFFSET`` at
the nearest rank, so no value list ever reaches Python. Local time is
``at`` plus the zone's offset, chosen by a CASE over the period's offset
changes (storage/figures.py ``Period.offsets``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ..figures import COUNTED_KINDS, PERCENTILES, WORK_KINDS, Period, Raw, rank_of
from .schema import ts


def _local_ms(column: str, period: Period) -> tuple[str, list[Any]]:
    offsets = period.offsets()
    if len(offsets) == 1:
        return f"({column} + ?)", [offsets[0][1]]
    sql, args = "CASE", []
    for (start, _), (_, before) in zip(offsets[1:], offsets, strict=False):
        sql += f" WHEN {column} < ? THEN ?"
        args += [ts(start), before]
    sql += " ELSE ? END"
    args.append(offsets[-1][1])
    return f"({column} + {sql})", args


def compute(conn: sqlite3.Connection, period: Period) -> Raw:
    where = "helpline = ? AND at >= ? AND at < ?"
    base: list[Any] = [period.helpline, ts(period.since), ts(period.until)]
    if period.channel is not None:
        where += " AND channel = ?"
        base.append(period.channel)

    def rows(sql: str, *args: Any) -> list[sqlite3.Row]:
        return conn.execute(sql, [*args]).fetchall()

    def of_kind(kind: str) -> str:
        return f"kind = '{kind}' AND {where}"  # kinds are this module's constants, never input

    raw = Raw()
    local, local_args = _local_ms("first_at", period)
    per_conversation = rows(
        f"""WITH c AS MATERIALIZED (
                SELECT conversation_id, max(channel) AS channel, min(at) AS first_at,
                       substr(max(printf('%015d', at) || coalesce(language, '')), 16) AS language
                FROM events WHERE {where} AND conversation_id IS NOT NULL GROUP BY conversation_id)
            SELECT 'channel', channel, count(*) FROM c GROUP BY channel
            UNION ALL SELECT 'language', language, count(*) FROM c GROUP BY language
            UNION ALL SELECT 'hour', {local} / 3600000, count(*) FROM c GROUP BY 2""",
        *base, *local_args)
    for group, key, n in per_conversation:
        if group == "channel":
            raw.conversations_by_channel[key] = n
        elif group == "language":
            raw.conversations_by_language[key or None] = n
        else:
            raw.conversations_by_local_hour[int(key)] = n
    kinds = ", ".join(f"'{k}'" for k in COUNTED_KINDS)
    raw.kinds = {k: n for k, n in rows(f"SELECT kind, count(*) FROM events WHERE kind IN ({kinds}) AND {where} "
                                       "GROUP BY kind", *base)}
    raw.crises = rows(f"SELECT count(DISTINCT conversation_id) FROM events WHERE {of_kind('crisis_detected')}",
                      *base)[0][0]
    raw.intent = dict(rows(f"SELECT topic, count(DISTINCT conversation_id) FROM events "
                           f"WHERE {of_kind('topic_answered')} GROUP BY topic", *base))
    raw.wrapup = dict(rows(f"SELECT json_extract(data, '$.category'), count(DISTINCT conversation_id) FROM events "
                           f"WHERE {of_kind('closed')} GROUP BY 1", *base))
    raw.outcomes = dict(rows(f"SELECT json_extract(data, '$.outcome'), count(*) FROM events "
                             f"WHERE {of_kind('closed')} GROUP BY 1", *base))
    for key, target in (("age_group", raw.age_group), ("gender", raw.gender)):
        target.update(rows(
            f"""SELECT answer, count(*) FROM (
                    SELECT substr(max(printf('%015d', at) || json_extract(data, '$.{key}')), 16) AS answer
                    FROM events WHERE {of_kind('profile_answered')}
                    AND json_extract(data, '$.{key}') IS NOT NULL GROUP BY conversation_id)
                GROUP BY answer""", *base))
    raw.wait = _percentiles(conn, f"SELECT json_extract(data, '$.wait_seconds') AS v FROM events "
                                  f"WHERE {of_kind('claimed')}", base)
    raw.first_response = _percentiles(
        conn, f"SELECT json_extract(data, '$.first_response_seconds') AS v FROM events "
              f"WHERE {of_kind('operator_reply')} AND json_extract(data, '$.first') = 1", base)
    reports = f"""WITH r AS MATERIALIZED (
            SELECT json_extract(data, '$.report_id') AS report_id,
                   max(kind = 'report_made') AS made,
                   max(CASE WHEN kind = 'report_made' THEN json_extract(data, '$.district') END) AS district,
                   max(CASE WHEN kind = 'report_made' THEN json_extract(data, '$.about') END) AS about,
                   substr(max(CASE WHEN kind = 'report_outcome'
                                   THEN printf('%015d', at) || json_extract(data, '$.outcome') END), 16) AS outcome
            FROM events WHERE kind IN ('report_made', 'report_outcome') AND {where} GROUP BY 1)
        SELECT 'district', district, count(*) FROM r WHERE made GROUP BY district
        UNION ALL SELECT 'about', about, count(*) FROM r WHERE made GROUP BY about
        UNION ALL SELECT 'outcome', outcome, count(*) FROM r WHERE made GROUP BY outcome"""
    for group, key, n in rows(reports, *base):
        getattr(raw, f"reports_by_{group}")[key] = n
    work = ", ".join(f"'{k}'" for k in WORK_KINDS)
    raw.work = {(kind, operator): n for kind, operator, n in rows(
        f"SELECT kind, json_extract(data, '$.operator'), count(*) FROM events WHERE kind IN ({work}) AND {where} "
        "GROUP BY 1, 2", *base)}
    mwhere = "helpline = ? AND created_at >= ? AND created_at < ?" + (" AND channel = ?" if period.channel else "")
    raw.messages = dict(rows(f"SELECT direction, count(*) FROM messages WHERE {mwhere} "
                             "AND direction IN ('in', 'out') GROUP BY direction", *base))
    return raw


def _percentiles(conn: sqlite3.Connection, values_sql: str, args: Sequence[Any]) -> dict[str, float | None]:
    """Nearest-rank percentiles: count, then the value at each rank, sorted inside SQLite."""
    values = f"SELECT v FROM ({values_sql}) WHERE v IS NOT NULL"
    n = conn.execute(f"SELECT count(*) FROM ({values})", list(args)).fetchone()[0]
    found: dict[str, float | None] = {}
    for p in PERCENTILES:
        key = f"p{round(p * 100)}"
        if n == 0:
            found[key] = None
            continue
        row = conn.execute(f"{values} ORDER BY v LIMIT 1 OFFSET ?", [*args, rank_of(p, n)]).fetchone()
        found[key] = None if row is None else float(row[0])
    return found
