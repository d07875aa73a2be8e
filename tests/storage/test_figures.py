"""Contract: a period's figures, computed inside the database, equal the figures computed here in plain Python.

The traffic is the demo generator's (bots/demo_traffic.py): a month that
crosses a daylight-saving change of the helpline's zone, with a few days
either side that must not count. ``expected`` is a second, independent
reading of the definitions in storage/figures.py over the generated
records themselves (not over the store).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from vikno.bots.demo_traffic import Batch, Spec, generate
from vikno.storage.figures import Period
from vikno.storage.models import Event
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store

ZONE = "Europe/Kyiv"
TOPICS = [
    "social_benefits",
    "idp_support",
    "disability",
    "elderly_care",
    "housing_compensation",
    "psychological_support",
    "domestic_violence",
    "report_person_in_need",
    "legal",
]
#: March 2026: Kyiv moves its clocks on the 29th
MARCH = Period("line1620", date(2026, 3, 1), date(2026, 3, 31), ZONE)


def spec(per_day: int) -> Spec:
    return Spec(
        helpline="line1620",
        topics=TOPICS,
        languages=["uk", "ru", "az", "en"],
        zone=ZONE,
        districts=("kharkivskyi", "izumskyi", "chuhuivskyi"),
        operators=("op-a", "op-b", "op-c"),
        per_day=per_day,
        shelling_share=0.2,
    )


def traffic(per_day: int) -> Batch:
    records = Batch()
    for batch in generate(spec(per_day), date(2026, 2, 26), 36):
        records.extend(batch)
    return records


async def store_traffic(store: Store, records: Batch) -> None:
    step = 25 if isinstance(store, MongoStore) else 2000  # the test server scans on every insert: small batches
    for i in range(0, max(len(records.messages), len(records.events), len(records.conversations)), step):
        await store.insert_records(
            records.conversations[i : i + step], records.messages[i : i + step], records.events[i : i + step]
        )


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(1, math.ceil(p * len(ordered))) - 1], 1)


def _ranked(counter: Counter) -> dict[str, int]:
    return dict(sorted(((k, v) for k, v in counter.items()), key=lambda kv: (-kv[1], kv[0])))


def expected(records: Batch, period: Period) -> dict[str, Any]:
    """The definitions of storage/figures.py, read once more, over plain lists."""
    tz = ZoneInfo(period.zone)
    since = datetime.combine(period.first, datetime.min.time(), tz)
    until = datetime.combine(period.last + timedelta(days=1), datetime.min.time(), tz)

    def inside(e: Event) -> bool:
        return (
            e.helpline == period.helpline
            and since <= e.at < until
            and (period.channel is None or e.channel == period.channel)
        )

    events = sorted((e for e in records.events if inside(e)), key=lambda e: e.at)
    of = defaultdict(list)
    for e in events:
        of[e.kind].append(e)
    per_conv: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.conversation_id is not None:
            per_conv[e.conversation_id].append(e)
    by_hour, by_weekday, by_day = [0] * 24, [0] * 7, Counter()
    for evs in per_conv.values():
        local = evs[0].at.astimezone(tz)
        by_hour[local.hour] += 1
        by_weekday[local.weekday()] += 1
        by_day[local.date().isoformat()] += 1

    def latest_answers(key: str) -> Counter:
        latest: dict[str, str] = {}
        for e in of["profile_answered"]:
            if key in e.data:
                latest[e.conversation_id] = e.data[key]
        found = Counter(latest.values())
        found["unknown"] = len(per_conv) - sum(found.values())
        return Counter({k: v for k, v in found.items() if v})

    reports: dict[str, dict[str, Any]] = {}
    for e in events:
        if e.kind == "report_made":
            reports.setdefault(e.data["report_id"], {}).update(made=e.data)
        elif e.kind == "report_outcome":
            reports.setdefault(e.data["report_id"], {})["outcome"] = e.data["outcome"]
    made = [r for r in reports.values() if "made" in r]
    work: dict[str, dict[str, Any]] = {}
    for kind, key in (("claimed", "claimed"), ("closed", "closed"), ("operator_reply", "replies")):
        for e in of[kind]:
            row = work.setdefault(
                e.data["operator"], {"operator": e.data["operator"], "claimed": 0, "closed": 0, "replies": 0}
            )
            row[key] += 1
    outcomes = Counter(e.data["outcome"] for e in of["closed"])
    in_messages = [
        m
        for m in records.messages
        if m.helpline == period.helpline
        and since <= m.created_at < until
        and (period.channel is None or m.channel == period.channel)
    ]
    return {
        "conversations": len(per_conv),
        "new_conversations": len(of["conversation_started"]),
        "messages_in": sum(1 for m in in_messages if m.direction == "in"),
        "messages_out": sum(1 for m in in_messages if m.direction == "out"),
        "by_topic": {
            "intent": _ranked(Counter(t for t, _ in {(e.topic, e.conversation_id) for e in of["topic_answered"]})),
            "wrapup": _ranked(Counter(e.data["category"] for e in of["closed"])),
        },
        "by_channel": _ranked(Counter(evs[0].channel for evs in per_conv.values())),
        "by_language": _ranked(Counter(evs[-1].language or "unknown" for evs in per_conv.values())),
        "by_age_group": _ranked(latest_answers("age_group")),
        "by_gender": _ranked(latest_answers("gender")),
        "by_hour": by_hour,
        "by_weekday": by_weekday,
        "by_day": dict(sorted(by_day.items())),
        "handoffs": len(of["handoff_requested"]),
        "crises": len({e.conversation_id for e in of["crisis_detected"]}),
        "wait_s": {
            "p50": _pct([e.data["wait_seconds"] for e in of["claimed"]], 0.5),
            "p90": _pct([e.data["wait_seconds"] for e in of["claimed"]], 0.9),
        },
        "first_response_s": {
            "p50": _pct([e.data["first_response_seconds"] for e in of["operator_reply"] if e.data["first"]], 0.5),
            "p90": _pct([e.data["first_response_seconds"] for e in of["operator_reply"] if e.data["first"]], 0.9),
        },
        "abandoned": len(of["handoff_cancelled"]),
        "closed": len(of["closed"]),
        "resolved": outcomes["resolved"],
        "referred": outcomes["referred"],
        "reports": len(of["report_made"]),
        "reports_by_district": _ranked(Counter(r["made"]["district"] for r in made)),
        "reports_by_about": _ranked(Counter(r["made"]["about"] for r in made)),
        "reports_by_outcome": _ranked(Counter(r.get("outcome", "pending") for r in made)),
        "operators": sorted(work.values(), key=lambda r: (-r["claimed"], -r["replies"], r["operator"])),
    }


def _compare(found: dict[str, Any], wanted: dict[str, Any]) -> None:
    for key, value in wanted.items():
        assert found[key] == value, key


@pytest.fixture
def month(any_store: Store) -> Batch:
    # the MongoDB test server scans a collection on every insert: a smaller month there
    return traffic(2 if isinstance(any_store, MongoStore) else 30)


async def test_a_generated_month_s_figures_equal_the_figures_computed_independently(
    any_store: Store, month: Batch
) -> None:
    await store_traffic(any_store, month)
    wanted = expected(month, MARCH)
    assert wanted["conversations"] > 40 and wanted["reports"] > 0 and wanted["abandoned"] > 0  # a real month
    assert sum(wanted["by_day"].values()) == wanted["conversations"] and len(wanted["by_day"]) == 31
    found = (await any_store.figures(MARCH)).as_json()
    _compare(found, wanted)
    assert found["timezone"] == ZONE and (found["since"], found["until"]) == ("2026-03-01", "2026-03-31")

    telegram = Period("line1620", MARCH.first, MARCH.last, ZONE, channel="telegram")  # one channel's figures
    found = (await any_store.figures(telegram)).as_json()
    _compare(found, expected(month, telegram))
    assert list(found["by_channel"]) == ["telegram"] and 0 < found["conversations"] < wanted["conversations"]


async def test_another_helpline_s_traffic_and_an_empty_period_count_nothing(any_store: Store) -> None:
    records = Batch()
    for batch in generate(Spec(helpline="other", topics=TOPICS, languages=["uk"], per_day=2), date(2026, 3, 1), 3):
        records.extend(batch)
    await store_traffic(any_store, records)
    found = (await any_store.figures(MARCH)).as_json()
    assert found["conversations"] == found["messages_in"] == found["handoffs"] == 0
    assert found["wait_s"] == {"p50": None, "p90": None} and found["by_hour"] == [0] * 24
    assert found["by_age_group"] == {} and found["operators"] == []


async def test_local_hours_follow_the_helpline_s_daylight_saving(any_store: Store) -> None:
    """A conversation at 21:30 UTC is at 23:30 in Kyiv in winter and at 00:30 (next day) in summer."""
    winter = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)
    summer = datetime(2026, 3, 30, 21, 30, tzinfo=UTC)
    for n, at in enumerate((winter, summer)):
        await any_store.events.add(
            Event(helpline="line1620", kind="conversation_started", conversation_id=f"c{n}", channel="rest", at=at)
        )
    found = (await any_store.figures(MARCH)).as_json()
    assert found["by_hour"][23] == 1 and found["by_hour"][0] == 1
    assert found["by_day"] == {"2026-03-10": 1, "2026-03-31": 1}
    assert found["by_weekday"][1] == 2  # Tuesdays both, in local time
