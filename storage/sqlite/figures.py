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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..figures import COUNTED_KINDS, PERCENTILES, Period, Raw
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


def _filters(period: Period) -> tuple[str, list[Any]]:
    where = "helpline = ? AND at >= ? AND at < ?"
    base: list[Any] = [period.helpline, ts(period.since), ts(period.until)]
    if period.channel is not None:
        where += " AND channel = ?"
        base.append(period.channel)
    return where, base


def _of_kind(kind: str, where: str) -> str:
    return f"kind = '{kind}' AND {where}"  # kinds are this module's constants, never input


def per_conversation(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Conversations by channel, language and local hour: one pass over the period's events (index only)."""
    where, base = _filters(period)
    local, local_args = _local_ms("first_at", period)
    found = conn.execute(
        f"""WITH c AS MATERIALIZED (
                SELECT conversation_id, max(channel) AS channel, min(at) AS first_at,
                       substr(max(printf('%015d', at) || coalesce(language, '')), 16) AS language
                FROM events INDEXED BY events_helpline_at_conversation
                WHERE {where} AND conversation_id IS NOT NULL GROUP BY conversation_id)
            SELECT 'channel', channel, count(*) FROM c GROUP BY channel
            UNION ALL SELECT 'language', language, count(*) FROM c GROUP BY language
            UNION ALL SELECT 'hour', {local} / 3600000, count(*) FROM c GROUP BY 2""",
        [*base, *local_args]).fetchall()
    for group, key, n in found:
        if group == "channel":
            raw.conversations_by_channel[key] = n
        elif group == "language":
            raw.conversations_by_language[key or None] = n
        else:
            raw.conversations_by_local_hour[int(key)] = n
    kinds = ", ".join(f"'{k}'" for k in COUNTED_KINDS)
    raw.kinds = dict(conn.execute(f"SELECT kind, count(*) FROM events WHERE kind IN ({kinds}) AND {where} "
                                  "GROUP BY kind", base).fetchall())
    raw.crises = conn.execute(f"SELECT count(DISTINCT conversation_id) FROM events "
                              f"WHERE {_of_kind('crisis_detected', where)}", base).fetchone()[0]


def operators_and_times(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Operators' work, waits and first responses: the events of operators' actions."""
    where, base = _filters(period)
    raw.work = {(kind, operator): n for kind, operator, n in conn.execute(
        f"SELECT kind, json_extract(data, '$.operator'), count(*) FROM events "
        f"WHERE kind IN ('claimed', 'operator_reply') AND {where} GROUP BY 1, 2", base)}
    raw.wait = _percentiles(conn, f"SELECT json_extract(data, '$.wait_seconds') AS v FROM events "
                                  f"WHERE {_of_kind('claimed', where)}", base)
    raw.first_response = _percentiles(
        conn, f"SELECT json_extract(data, '$.first_response_seconds') AS v FROM events "
              f"WHERE {_of_kind('operator_reply', where)} AND json_extract(data, '$.first') = 1", base)


def topics_and_the_rest(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Messages, topics, wrap-ups, the optional answers and reports."""
    where, base = _filters(period)
    mwhere = "helpline = ? AND created_at >= ? AND created_at < ?" + (" AND channel = ?" if period.channel else "")
    raw.messages = dict(conn.execute(f"SELECT direction, count(*) FROM messages WHERE {mwhere} "
                                     "AND direction IN ('in', 'out') GROUP BY direction", base).fetchall())
    raw.intent = dict(conn.execute(f"SELECT topic, count(DISTINCT conversation_id) FROM events "
                                   f"WHERE {_of_kind('topic_answered', where)} GROUP BY topic", base).fetchall())
    for category, outcome, operator, n in conn.execute(
            f"SELECT json_extract(data, '$.category'), json_extract(data, '$.outcome'), "
            f"json_extract(data, '$.operator'), count(*) FROM events WHERE {_of_kind('closed', where)} "
            "GROUP BY 1, 2, 3", base):
        raw.wrapup[category] = raw.wrapup.get(category, 0) + n
        raw.outcomes[outcome] = raw.outcomes.get(outcome, 0) + n
        raw.work[("closed", operator)] = raw.work.get(("closed", operator), 0) + n
    for age, gender, n in conn.execute(
            f"""SELECT age, gender, count(*) FROM (
                    SELECT substr(max(CASE WHEN json_extract(data, '$.age_group') IS NOT NULL
                                      THEN printf('%015d', at) || json_extract(data, '$.age_group') END), 16) AS age,
                           substr(max(CASE WHEN json_extract(data, '$.gender') IS NOT NULL
                                      THEN printf('%015d', at) || json_extract(data, '$.gender') END), 16) AS gender
                    FROM events WHERE {_of_kind('profile_answered', where)} GROUP BY conversation_id)
                GROUP BY 1, 2""", base):
        if age is not None:
            raw.age_group[age] = raw.age_group.get(age, 0) + n
        if gender is not None:
            raw.gender[gender] = raw.gender.get(gender, 0) + n
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
    for group, key, n in conn.execute(reports, base):
        getattr(raw, f"reports_by_{group}")[key] = n


#: The three parts, of about equal cost, that may run at once on three connections.
PARTS = (per_conversation, operators_and_times, topics_and_the_rest)


def compute(conn: sqlite3.Connection, period: Period) -> Raw:
    """Every part on one connection (one snapshot)."""
    raw = Raw()
    for part in PARTS:
        part(conn, period, raw)
    return raw


def compute_in_parallel(path: Path, period: Period) -> Raw:
    """The parts at once, each on its own read-only connection: a month of a busy line is about
    three equal scans, and SQLite runs each without the GIL. Each part sees the data as committed
    when it starts; a past period does not change, and for the current one a message written
    meanwhile may be counted in one table and not yet in another."""
    raw = Raw()
    work: dict[tuple[str, str | None], int] = {}

    def run(part: Any) -> None:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute(f"PRAGMA mmap_size={1024 * 1024 * 1024}")
            mine = Raw()
            part(conn, period, mine)
        finally:
            conn.close()
        for name in mine.__slots__:  # type: ignore[attr-defined]  # a slots dataclass; mypy does not see __slots__
            value = getattr(mine, name)
            if name == "work":
                for key, n in value.items():
                    work[key] = work.get(key, 0) + n
            elif value:
                setattr(raw, name, value)

    with ThreadPoolExecutor(len(PARTS), thread_name_prefix="vikno-figures") as pool:
        for done in [pool.submit(run, part) for part in PARTS]:
            done.result()
    raw.work = work
    return raw


def _percentiles(conn: sqlite3.Connection, values_sql: str, args: Sequence[Any]) -> dict[str, float | None]:
    """Nearest-rank percentiles in one query: the values sorted and numbered inside SQLite, two rows back."""
    ranks = {f"p{round(p * 100)}": round(p * 100) for p in PERCENTILES}
    wanted = ", ".join(f"max(1, ({r} * n + 99) / 100)" for r in ranks.values())
    sql = (f"SELECT rn, n, v FROM (SELECT v, row_number() OVER (ORDER BY v) AS rn, count(*) OVER () AS n "
           f"FROM ({values_sql}) WHERE v IS NOT NULL) WHERE rn IN ({wanted})")
    rows = conn.execute(sql, list(args)).fetchall()
    if not rows:
        return {key: None for key in ranks}
    n = rows[0][1]
    at = {rn: float(v) for rn, _, v in rows}
    return {key: at[max(1, (r * n + 99) // 100)] for key, r in ranks.items()}
