"""A period's figures in SQL, on read-only connections.

Counts are sums of the per-day tallies the store's triggers keep
(storage/sqlite/tallies.py) over the UTC days wholly inside the period, plus
the raw rows of the partial days at its ends; the per-conversation figures
group one row per conversation and day instead of every event; waits, first
responses, topics and the optional answers read the narrow
``figures_event_values`` instead of parsing each event's JSON. Percentiles
are taken at the nearest rank inside SQLite, so no value list ever reaches
Python. Local time is ``at`` plus the zone's offset, chosen by a CASE over
the period's offset changes (storage/figures.py ``Period.offsets``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..figures import COUNTED_KINDS, PERCENTILES, WORK_KINDS, Period, Raw
from . import tallies
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


def _spans(period: Period) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """The period as whole UTC days ``[first, end)`` (None if it holds none) and its partial ends in ms."""
    since, until = ts(period.since), ts(period.until)
    assert since is not None and until is not None
    first, end = -(-since // tallies.DAY_MS), until // tallies.DAY_MS
    if first >= end:
        return None, [(since, until)]
    ends = [(since, first * tallies.DAY_MS), (end * tallies.DAY_MS, until)]
    return (first, end), [(a, b) for a, b in ends if a < b]


def _tallied(period: Period, tally: str, raw: str, at: str) -> tuple[str, list[Any]]:
    """``tally``'s rows of the period's whole days UNION ALL ``raw``'s rows of its partial ends.

    ``tally`` and ``raw`` are SELECTs ending in their WHERE (``raw``'s columns named as ``tally``'s);
    the helpline, the days (or the times in ``at``) and the channel are added here.
    """
    days, ends = _spans(period)
    channel = " AND channel = ?" if period.channel is not None else ""
    extra = [period.channel] if period.channel is not None else []
    parts, args = [], []
    if days is not None:
        parts.append(f"{tally} helpline = ? AND day >= ? AND day < ?{channel}")
        args += [period.helpline, *days, *extra]
    for since, until in ends:
        parts.append(f"{raw} helpline = ? AND {at} >= ? AND {at} < ?{channel}")
        args += [period.helpline, since, until, *extra]
    return " UNION ALL ".join(parts), args


def per_conversation(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Conversations by channel, language and local hour: from the per-conversation days.

    One row per conversation and day it wrote in (storage/sqlite/tallies.py), raw events only in
    the partial days at the period's ends: a fifth of the rows of the period's events.
    """
    where, base = _filters(period)
    local, local_args = _local_ms("first_at", period)
    parts, args = _tallied(
        period,
        f"SELECT conversation_id, nullif(channel, {tallies.NONE}) AS channel, first_at, last_key "
        "FROM figures_conversation_days WHERE",
        f"SELECT conversation_id, channel, at AS first_at, {tallies.language_key('')} AS last_key FROM events "
        "INDEXED BY events_helpline_at_conversation WHERE conversation_id IS NOT NULL AND",
        "at",
    )
    found = conn.execute(
        f"""WITH c AS MATERIALIZED (
                SELECT conversation_id, max(channel) AS channel, min(first_at) AS first_at,
                       substr(max(last_key), 16) AS language
                FROM ({parts}) GROUP BY conversation_id)
            SELECT 'channel', channel, count(*) FROM c GROUP BY channel
            UNION ALL SELECT 'language', language, count(*) FROM c GROUP BY language
            UNION ALL SELECT 'hour', {local} / 3600000, count(*) FROM c GROUP BY 2""",
        [*args, *local_args],
    ).fetchall()
    for group, key, n in found:
        if group == "channel":
            raw.conversations_by_channel[key] = n
        elif group == "language":
            raw.conversations_by_language[key or None] = n
        else:
            raw.conversations_by_local_hour[int(key)] = n
    raw.crises = conn.execute(
        f"SELECT count(DISTINCT conversation_id) FROM events WHERE {_of_kind('crisis_detected', where)}", base
    ).fetchone()[0]


def counts(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Events by kind, operators' work, wrap-ups and messages in and out: sums of the per-day tallies."""
    none = tallies.NONE
    parts, args = _tallied(
        period,
        "SELECT kind, operator, category, outcome, n FROM figures_event_days WHERE",
        f"SELECT kind, {tallies.operator('')} AS operator, {tallies.closed_field('', 'category')} AS category, "
        f"{tallies.closed_field('', 'outcome')} AS outcome, 1 AS n FROM events WHERE",
        "at",
    )
    for kind, operator, category, outcome, n in conn.execute(
        f"SELECT kind, nullif(operator, {none}), nullif(category, {none}), nullif(outcome, {none}), sum(n) "
        f"FROM ({parts}) GROUP BY 1, 2, 3, 4",
        args,
    ):
        if kind in COUNTED_KINDS:
            raw.kinds[kind] = raw.kinds.get(kind, 0) + n
        if kind in WORK_KINDS:
            raw.work[(kind, operator)] = raw.work.get((kind, operator), 0) + n
        if kind == "closed":
            raw.wrapup[category] = raw.wrapup.get(category, 0) + n
            raw.outcomes[outcome] = raw.outcomes.get(outcome, 0) + n
    parts, args = _tallied(
        period,
        "SELECT direction, n FROM figures_message_days WHERE",
        "SELECT direction, 1 AS n FROM messages WHERE direction IN ('in', 'out') AND",
        "created_at",
    )
    raw.messages = dict(conn.execute(f"SELECT direction, sum(n) FROM ({parts}) GROUP BY direction", args).fetchall())


def _values(period: Period, kind: str, columns: str) -> tuple[str, list[Any]]:
    """The period's rows of ``kind`` in ``figures_event_values`` (storage/sqlite/tallies.py)."""
    sql = (
        f"SELECT {columns} FROM figures_event_values "
        f"WHERE helpline = ? AND kind = '{kind}' AND at >= ? AND at < ?"
    )  # kinds: constants, never input
    args: list[Any] = [period.helpline, ts(period.since), ts(period.until)]
    if period.channel is not None:
        sql += " AND channel = ?"
        args.append(period.channel)
    return sql, args


def times(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Waits and first responses: the values of the period's claims and first replies."""
    raw.wait = _percentiles(conn, *_values(period, "claimed", "a AS v"))
    raw.first_response = _percentiles(conn, *_values(period, "operator_reply", "a AS v"))


def topics_and_the_rest(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Topics, the optional answers and reports."""
    where, base = _filters(period)
    sql, args = _values(period, "topic_answered", "a, count(DISTINCT conversation_id)")
    raw.intent = dict(conn.execute(f"{sql} GROUP BY a", args).fetchall())
    sql, args = _values(
        period,
        "profile_answered",
        "substr(max(CASE WHEN a IS NOT NULL THEN printf('%015d', at) || a END), 16) AS age, "
        "substr(max(CASE WHEN b IS NOT NULL THEN printf('%015d', at) || b END), 16) AS gender",
    )
    for age, gender, n in conn.execute(
        f"SELECT age, gender, count(*) FROM ({sql} GROUP BY conversation_id) GROUP BY 1, 2", args
    ):
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


def appeals(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Citizens' appeals: per local day, registered and each status set; registered by topic and authority.

    A few hundred events a week of two kinds, read through the (helpline, kind, at) index: no tally needed.
    """
    where, base = _filters(period)
    local, shift = _local_ms("at", period)
    per_day = (
        f"SELECT {local} / {tallies.DAY_MS}, CASE kind WHEN 'appeal_registered' THEN 'registered' "
        f"ELSE json_extract(data, '$.status') END, count(*) FROM events "
        f"WHERE kind IN ('appeal_registered', 'appeal_status') AND {where} GROUP BY 1, 2"
    )
    for day, what, n in conn.execute(per_day, [*shift, *base]):
        if what is not None:
            raw.appeal_days[(int(day), str(what))] = n
    grouped = f"""SELECT 'topic', json_extract(data, '$.appeal_topic'), count(*) FROM events
            WHERE {_of_kind("appeal_registered", where)} GROUP BY 2
        UNION ALL SELECT 'authority', json_extract(data, '$.authority'), count(*) FROM events
            WHERE {_of_kind("appeal_registered", where)} GROUP BY 2"""
    for group, key, n in conn.execute(grouped, [*base, *base]):
        getattr(raw, f"appeals_by_{group}")[key] = n


def visits(conn: sqlite3.Connection, period: Period, raw: Raw) -> None:
    """Mobile brigades' visits made in the period, by district (and the people they helped) and by kind of
    help: the few ``visit_status`` events of the period, through the (helpline, kind, at) index."""
    where, base = _filters(period)
    visited = f"{_of_kind('visit_status', where)} AND json_extract(data, '$.status') = 'visited'"
    for district, n, people in conn.execute(
        f"SELECT json_extract(data, '$.district'), count(*), sum(coalesce(json_extract(data, '$.people'), 0)) "
        f"FROM events INDEXED BY events_helpline_kind_at WHERE {visited} GROUP BY 1",
        base,
    ):
        raw.visits_by_district[district] = (n, people)
    raw.visits_by_help = dict(
        conn.execute(
            f"SELECT help.value, count(*) FROM events INDEXED BY events_helpline_kind_at, "
            f"json_each(events.data, '$.help') AS help WHERE {visited} GROUP BY 1",
            base,
        ).fetchall()
    )


#: The parts, which may run at once on connections of their own.
PARTS = (per_conversation, counts, times, topics_and_the_rest, appeals, visits)


def compute(conn: sqlite3.Connection, period: Period) -> Raw:
    """Every part on one connection (one snapshot)."""
    raw = Raw()
    for part in PARTS:
        part(conn, period, raw)
    return raw


def compute_in_parallel(path: Path, period: Period) -> Raw:
    """The parts at once, each on its own read-only connection: SQLite runs each without the GIL,
    so the per-conversation grouping (the largest) overlaps the rest on a second core. Each part sees
    the data as committed when it starts; a past period does not change, and for the current one a
    message written meanwhile may be counted in one table and not yet in another."""
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
    sql = (
        f"SELECT rn, n, v FROM (SELECT v, row_number() OVER (ORDER BY v) AS rn, count(*) OVER () AS n "
        f"FROM ({values_sql}) WHERE v IS NOT NULL) WHERE rn IN ({wanted})"
    )
    rows = conn.execute(sql, list(args)).fetchall()
    if not rows:
        return {key: None for key in ranks}
    n = rows[0][1]
    at = {rn: float(v) for rn, _, v in rows}
    return {key: at[max(1, (r * n + 99) // 100)] for key, r in ranks.items()}
