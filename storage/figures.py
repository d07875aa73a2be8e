"""A helpline's figures for a period: what both adapters compute, and how they are defined.

The adapters answer grouped counts and two percentiles from inside the
database (SQL in SQLite, aggregation pipelines in MongoDB); this module
holds what they share: the definitions, the local-time buckets, and the
assembly of their grouped rows into one :class:`Figures`. Nothing here
reads an event.

Definitions (every count is over the helpline's events with ``at`` in
``[since, until)``, and of one channel when ``channel`` is given):

- ``conversations``: conversations with at least one event in the period
  (a conversation is one person on one channel; a person who comes back
  next month counts in both months). ``new_conversations``: of them, those
  whose first message ever came in the period (``conversation_started``).
- ``by_channel``, ``by_language``: conversations by channel, and by the
  language of the conversation's latest event in the period (``None``
  when it had none: unknown).
- ``by_hour`` (24 numbers, hour 0 first), ``by_weekday`` (7, Monday
  first) and ``by_day`` (local date → n): conversations by the helpline's
  *local* time (its ``timezone``, daylight saving included) of their first
  event in the period.
- ``by_topic``: two tables. ``intent``: conversations per help topic the bot
  answered (``topic_answered``: from a button or an understood message);
  ``wrapup``: wrap-ups per category (``closed`` events: a conversation
  closed twice in the period, two contacts, counts twice).
- ``by_age_group``, ``by_gender``: conversations by their latest answer to
  the optional question (``profile_answered``) in the period; the rest are
  ``unknown``.
- ``handoffs``: requests for a person (``handoff_requested`` events).
  ``crises``: conversations where a crisis was detected.
- ``wait_s``: seconds from entering the queue to an operator taking the
  conversation (``claimed.wait_seconds``); ``first_response_s``: seconds
  from that to the operator's first reply (``operator_reply`` with
  ``first``). Each as ``{p50, p90}``: nearest-rank percentiles (the value
  at rank ``ceil(p * n)`` of the sorted values), ``None`` with no values.
- ``abandoned``: people who asked for a person and then left the queue
  themselves ("cancel waiting", a ``handoff_cancelled`` event) before an
  operator took the conversation; ``handoff_cancelled`` is only written for
  a waiting conversation, i.e. one no operator has. Someone who simply
  stops writing stays in the queue and is counted when an operator takes
  the conversation (the store cannot tell them from a patient person).
- ``closed``, ``resolved``, ``referred``: wrap-ups in the period, and of
  them those with outcome ``resolved`` / ``referred``.
- ``reports``: reports made (``report_made``); ``reports_by_district`` and
  ``reports_by_about``; ``reports_by_outcome``: by the latest
  ``report_outcome`` of each report made in the period recorded before
  ``until`` (``pending`` when there is none).
- ``appeals``: citizens' appeals registered (``appeal_registered``);
  ``appeals_by_topic`` and ``appeals_by_authority`` of them;
  ``appeals_answered`` / ``appeals_closed``: appeals whose status was set
  to answered / closed in the period (``appeal_status``: an appeal
  registered last month and answered this month counts this month);
  ``appeals_by_week``: per week of the helpline's local calendar (Monday
  first) that the period touches, ``{"week": its Monday, "registered",
  "sent", "answered", "closed"}``, the weeks at the period's ends counted
  only within it (a contact centre reports some 300 appeals a week).
- ``visits_dispatched``: mobile brigades' visits dispatched (``visit_dispatched``);
  ``visits``: visits made (``visit_status`` events moving a visit to
  ``visited``: a visit is visited once, it never goes back);
  ``people_helped``: the people those visits helped (their ``people``);
  ``visits_by_district`` ({district: {"visits", "people"}}) and
  ``visits_by_help`` (a visit that gave several kinds of help counts in
  each), both of the visits made in the period.
- ``operators``: per operator id, conversations taken (``claimed``), closed
  (``closed``) and replies written (``operator_reply``). Ids only: the
  console maps them to display names for supervisors.
- ``messages_in`` / ``messages_out``: stored messages of the period, from
  the person / to the person (notes are neither).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: Event kinds counted as they are (how many of each in the period).
COUNTED_KINDS = ("conversation_started", "handoff_requested", "handoff_cancelled", "report_made", "visit_dispatched")
#: Event kinds of an operator's work: kind → the key in ``operators``.
WORK_KINDS = {"claimed": "claimed", "closed": "closed", "operator_reply": "replies"}
#: The percentiles reported.
PERCENTILES = (0.5, 0.9)
UNKNOWN = "unknown"
PENDING = "pending"
_HOUR_MS = 3_600_000
_STEP = timedelta(minutes=15)  # every time zone's offsets change on a quarter hour


@dataclass(frozen=True, slots=True)
class Period:
    """The helpline's local dates ``[first, last]`` as UTC instants ``[since, until)``."""

    helpline: str
    first: date
    last: date
    zone: str = "UTC"
    channel: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), self.tz).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), self.tz).astimezone(UTC)

    def offsets(self) -> list[tuple[datetime | None, int]]:
        """The zone's UTC offsets over the period: ``[(None, ms), (from, ms), ...]``.

        The adapters turn it into one CASE (or ``$switch``) that shifts an
        instant to local time inside the database: an instant before the
        second entry's ``from`` has the first offset, and so on.
        """
        tz, at, end = self.tz, self.since, self.until
        current = _offset_ms(at, tz)
        found: list[tuple[datetime | None, int]] = [(None, current)]
        while at < end:
            at += _STEP
            offset = _offset_ms(at, tz)
            if offset != current:
                found.append((at, offset))
                current = offset
        return found


def _offset_ms(at: datetime, tz: ZoneInfo) -> int:
    delta = at.astimezone(tz).utcoffset() or timedelta(0)
    return int(delta.total_seconds() * 1000)


def local_hour_of(at: datetime, zone: str) -> int:
    """The index of ``at``'s local hour since the epoch (what the adapters group by)."""
    ms = round(at.timestamp() * 1000) + _offset_ms(at, ZoneInfo(zone))
    return ms // _HOUR_MS


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The value at rank ``ceil(p * n)`` of the sorted values (what the adapters compute)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(p * len(ordered))) - 1])


def rank_of(p: float, n: int) -> int:
    """0-based index of the nearest-rank percentile among ``n`` sorted values."""
    return max(1, math.ceil(p * n)) - 1


@dataclass(slots=True)
class Raw:
    """What an adapter computes in its database: grouped counts and percentiles, no events."""

    conversations_by_channel: dict[str, int] = field(default_factory=dict)
    conversations_by_language: dict[str | None, int] = field(default_factory=dict)
    conversations_by_local_hour: dict[int, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    crises: int = 0
    intent: dict[str | None, int] = field(default_factory=dict)
    wrapup: dict[str | None, int] = field(default_factory=dict)
    outcomes: dict[str | None, int] = field(default_factory=dict)
    age_group: dict[str | None, int] = field(default_factory=dict)
    gender: dict[str | None, int] = field(default_factory=dict)
    wait: dict[str, float | None] = field(default_factory=dict)
    first_response: dict[str, float | None] = field(default_factory=dict)
    reports_by_district: dict[str | None, int] = field(default_factory=dict)
    reports_by_about: dict[str | None, int] = field(default_factory=dict)
    reports_by_outcome: dict[str | None, int] = field(default_factory=dict)
    #: (local day index since the epoch, "registered" or the status set) → n, of the appeals' events
    appeal_days: dict[tuple[int, str], int] = field(default_factory=dict)
    appeals_by_topic: dict[str | None, int] = field(default_factory=dict)
    appeals_by_authority: dict[str | None, int] = field(default_factory=dict)
    #: district → (visits made, people helped)
    visits_by_district: dict[str | None, tuple[int, int]] = field(default_factory=dict)
    visits_by_help: dict[str | None, int] = field(default_factory=dict)
    #: (kind, operator id) → n, for the kinds of WORK_KINDS
    work: dict[tuple[str, str | None], int] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Figures:
    """One period's figures; ``as_json()`` is the object ``vikno figures --json`` prints."""

    helpline: str
    since: str
    until: str
    timezone: str
    channel: str | None
    conversations: int
    new_conversations: int
    messages_in: int
    messages_out: int
    by_topic: dict[str, dict[str, int]]
    by_channel: dict[str, int]
    by_language: dict[str, int]
    by_age_group: dict[str, int]
    by_gender: dict[str, int]
    by_hour: list[int]
    by_weekday: list[int]
    by_day: dict[str, int]
    handoffs: int
    crises: int
    first_response_s: dict[str, float | None]
    wait_s: dict[str, float | None]
    abandoned: int
    closed: int
    resolved: int
    referred: int
    reports: int
    reports_by_district: dict[str, int]
    reports_by_about: dict[str, int]
    reports_by_outcome: dict[str, int]
    operators: list[dict[str, Any]]
    appeals: int = 0
    appeals_answered: int = 0
    appeals_closed: int = 0
    appeals_by_week: list[dict[str, Any]] = field(default_factory=list)
    appeals_by_topic: dict[str, int] = field(default_factory=dict)
    appeals_by_authority: dict[str, int] = field(default_factory=dict)
    visits_dispatched: int = 0
    visits: int = 0
    people_helped: int = 0
    visits_by_district: dict[str, dict[str, int]] = field(default_factory=dict)
    visits_by_help: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _named(counts: Mapping[str | None, int], missing: str = UNKNOWN) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in counts.items():
        name = missing if key is None or key == "" else str(key)
        out[name] = out.get(name, 0) + int(n)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _with_unknown(known: Mapping[str | None, int], total: int) -> dict[str, int]:
    out = _named({k: v for k, v in known.items() if k is not None})
    rest = total - sum(out.values())
    if rest > 0:
        out[UNKNOWN] = rest
    return out


def assemble(period: Period, raw: Raw) -> Figures:
    """The figures from an adapter's grouped rows (small: groups, never events)."""
    total = sum(raw.conversations_by_channel.values())
    by_hour, by_weekday, by_day = [0] * 24, [0] * 7, {}
    epoch = datetime(1970, 1, 1)
    for index, n in sorted(raw.conversations_by_local_hour.items()):
        local = epoch + timedelta(hours=int(index))
        by_hour[local.hour] += n
        by_weekday[local.weekday()] += n
        day = local.date().isoformat()
        by_day[day] = by_day.get(day, 0) + n
    work: dict[str, dict[str, Any]] = {}
    for (kind, operator), n in raw.work.items():
        if operator is None or kind not in WORK_KINDS:
            continue
        row = work.setdefault(operator, {"operator": operator, "claimed": 0, "closed": 0, "replies": 0})
        row[WORK_KINDS[kind]] += n
    outcomes = _named(raw.outcomes)
    return Figures(
        helpline=period.helpline,
        since=period.first.isoformat(),
        until=period.last.isoformat(),
        timezone=period.zone,
        channel=period.channel,
        conversations=total,
        new_conversations=raw.kinds.get("conversation_started", 0),
        messages_in=raw.messages.get("in", 0),
        messages_out=raw.messages.get("out", 0),
        by_topic={"intent": _named(raw.intent), "wrapup": _named(raw.wrapup)},
        by_channel=_named(raw.conversations_by_channel),
        by_language=_named(raw.conversations_by_language),
        by_age_group=_with_unknown(raw.age_group, total),
        by_gender=_with_unknown(raw.gender, total),
        by_hour=by_hour,
        by_weekday=by_weekday,
        by_day=dict(sorted(by_day.items())),
        handoffs=raw.kinds.get("handoff_requested", 0),
        crises=raw.crises,
        first_response_s=_percentiles(raw.first_response),
        wait_s=_percentiles(raw.wait),
        abandoned=raw.kinds.get("handoff_cancelled", 0),
        closed=sum(outcomes.values()),
        resolved=outcomes.get("resolved", 0),
        referred=outcomes.get("referred", 0),
        reports=raw.kinds.get("report_made", 0),
        reports_by_district=_named(raw.reports_by_district),
        reports_by_about=_named(raw.reports_by_about),
        reports_by_outcome=_named(raw.reports_by_outcome, PENDING),
        operators=sorted(work.values(), key=lambda r: (-r["claimed"], -r["replies"], r["operator"])),
        visits_dispatched=raw.kinds.get("visit_dispatched", 0),
        visits=sum(int(v) for v, _ in raw.visits_by_district.values()),
        people_helped=sum(int(p or 0) for _, p in raw.visits_by_district.values()),
        visits_by_district=_districts(raw.visits_by_district),
        visits_by_help=_named(raw.visits_by_help),
        appeals=sum(n for (_, what), n in raw.appeal_days.items() if what == APPEAL_REGISTERED),
        appeals_answered=sum(n for (_, what), n in raw.appeal_days.items() if what == "answered"),
        appeals_closed=sum(n for (_, what), n in raw.appeal_days.items() if what == "closed"),
        appeals_by_week=_weeks(period, raw.appeal_days),
        appeals_by_topic=_named(raw.appeals_by_topic),
        appeals_by_authority=_named(raw.appeals_by_authority),
    )


#: What a week of appeals counts: registered, and each status an appeal was moved to.
APPEAL_REGISTERED = "registered"
APPEAL_WEEK_COLUMNS = (APPEAL_REGISTERED, "sent", "answered", "closed")


def _weeks(period: Period, days: Mapping[tuple[int, str], int]) -> list[dict[str, Any]]:
    """Every local week (Monday first) the period touches, quiet ones as 0, from per-day counts."""
    epoch = date(1970, 1, 1)
    first = period.first - timedelta(days=period.first.weekday())
    weeks: dict[date, dict[str, Any]] = {}
    monday = first
    while monday <= period.last:
        weeks[monday] = {"week": monday.isoformat(), **{c: 0 for c in APPEAL_WEEK_COLUMNS}}
        monday += timedelta(days=7)
    for (index, what), n in days.items():
        day = epoch + timedelta(days=int(index))
        row = weeks.get(day - timedelta(days=day.weekday()))
        if row is not None and what in APPEAL_WEEK_COLUMNS:
            row[what] += int(n)
    return list(weeks.values())


def _districts(found: Mapping[str | None, tuple[int, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, (visits, people) in found.items():
        name = UNKNOWN if key is None or key == "" else str(key)
        row = out.setdefault(name, {"visits": 0, "people": 0})
        row["visits"] += int(visits)
        row["people"] += int(people or 0)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1]["visits"], kv[0])))


def _percentiles(found: Mapping[str, float | None]) -> dict[str, float | None]:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(float(value), 1)

    return {"p50": rounded(found.get("p50")), "p90": rounded(found.get("p90"))}
