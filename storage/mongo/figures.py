"""A period's figures as aggregation pipelines (definitions in storage/figures.py).

Every pipeline starts with a ``$match`` on (helpline, at) or (helpline,
kind, at), which the indexes below serve, and ends in a few grouped
documents. Percentiles: the period's values are sorted and gathered into
one array inside the server, and only the value at each nearest rank
comes back (``$arrayElemAt``), so no list of values reaches Python; this
works on every MongoDB version, where ``$percentile`` needs 7.0. Local
time is ``at`` plus the zone's offset, chosen by a ``$switch`` over the
period's offset changes.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from ..figures import COUNTED_KINDS, PERCENTILES, WORK_KINDS, Period, Raw

EVENT_INDEXES = [IndexModel([("helpline", ASCENDING), ("kind", ASCENDING), ("at", ASCENDING)], name="helpline_kind_at")]
MESSAGE_INDEXES = [IndexModel([("helpline", ASCENDING), ("created_at", ASCENDING)], name="helpline_created")]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _local_ms(field: str, period: Period) -> Any:
    offsets = period.offsets()
    ms: Any = {"$subtract": [field, _EPOCH]}
    if len(offsets) == 1:
        return {"$add": [ms, offsets[0][1]]}
    branches = [
        {"case": {"$lt": [field, start]}, "then": before}
        for (start, _), (_, before) in zip(offsets[1:], offsets, strict=False)
    ]
    return {"$add": [ms, {"$switch": {"branches": branches, "default": offsets[-1][1]}}]}


async def compute(db: AsyncDatabase, period: Period) -> Raw:
    events, messages = db["events"], db["messages"]
    base: dict[str, Any] = {"helpline": period.helpline, "at": {"$gte": period.since, "$lt": period.until}}
    if period.channel is not None:
        base["channel"] = period.channel

    def of(kind: str | dict[str, Any], **more: Any) -> dict[str, Any]:
        return {"$match": {**base, "kind": kind, **more}}

    async def run(collection: Any, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        cursor = await collection.aggregate(pipeline, allowDiskUse=True)
        return [doc async for doc in cursor]

    def grouped(docs: list[dict[str, Any]]) -> dict[Any, int]:
        return {doc["_id"]: doc["n"] for doc in docs}

    count = {"$sum": 1}
    per_conversation = [
        {"$match": {**base, "conversation_id": {"$ne": None}}},
        {"$sort": {"at": 1}},
        {
            "$group": {
                "_id": "$conversation_id",
                "channel": {"$max": "$channel"},
                "first": {"$min": "$at"},
                "language": {"$last": "$language"},
            }
        },
        {
            "$facet": {
                "channel": [{"$group": {"_id": "$channel", "n": count}}],
                "language": [{"$group": {"_id": "$language", "n": count}}],
                "hour": [
                    {"$group": {"_id": {"$floor": {"$divide": [_local_ms("$first", period), 3_600_000]}}, "n": count}}
                ],
            }
        },
    ]

    def distinct_per(key: str, kind: str) -> list[dict[str, Any]]:
        return [
            of(kind),
            {"$group": {"_id": {"k": key, "c": "$conversation_id"}}},
            {"$group": {"_id": "$_id.k", "n": count}},
        ]

    def latest_answer(key: str) -> list[dict[str, Any]]:
        return [
            of("profile_answered", **{f"data.{key}": {"$ne": None}}),
            {"$sort": {"at": 1}},
            {"$group": {"_id": "$conversation_id", "answer": {"$last": f"$data.{key}"}}},
            {"$group": {"_id": "$answer", "n": count}},
        ]

    def percentiles(kind: str, key: str, **more: Any) -> list[dict[str, Any]]:
        field = f"$data.{key}"
        ranks = {
            f"p{round(p * 100)}": {
                "$arrayElemAt": [
                    "$v",
                    {"$subtract": [{"$max": [1, {"$ceil": {"$multiply": [p, {"$size": "$v"}]}}]}, 1]},
                ]
            }
            for p in PERCENTILES
        }
        return [
            of(kind, **{f"data.{key}": {"$ne": None}}, **more),
            {"$sort": {f"data.{key}": 1}},
            {"$group": {"_id": None, "v": {"$push": field}}},
            {"$project": {"_id": 0, **ranks}},
        ]

    reports = [
        {"$match": {**base, "kind": {"$in": ["report_made", "report_outcome"]}}},
        {"$sort": {"at": 1}},
        {
            "$group": {
                "_id": "$data.report_id",
                "made": {"$max": {"$cond": [{"$eq": ["$kind", "report_made"]}, 1, 0]}},
                "district": {"$max": {"$cond": [{"$eq": ["$kind", "report_made"]}, "$data.district", None]}},
                "about": {"$max": {"$cond": [{"$eq": ["$kind", "report_made"]}, "$data.about", None]}},
                "outcomes": {"$push": {"$cond": [{"$eq": ["$kind", "report_outcome"]}, "$data.outcome", "$$REMOVE"]}},
            }
        },
        {"$match": {"made": 1}},
        {"$project": {"district": 1, "about": 1, "outcome": {"$arrayElemAt": ["$outcomes", -1]}}},
        {"$facet": {name: [{"$group": {"_id": f"${name}", "n": count}}] for name in ("district", "about", "outcome")}},
    ]
    appeal_days = [
        of({"$in": ["appeal_registered", "appeal_status"]}),
        {
            "$group": {
                "_id": {
                    "d": {"$floor": {"$divide": [_local_ms("$at", period), 86_400_000]}},
                    "w": {"$cond": [{"$eq": ["$kind", "appeal_registered"]}, "registered", "$data.status"]},
                },
                "n": count,
            }
        },
    ]
    appeal_groups = [
        of("appeal_registered"),
        {
            "$facet": {
                "topic": [{"$group": {"_id": "$data.appeal_topic", "n": count}}],
                "authority": [{"$group": {"_id": "$data.authority", "n": count}}],
            }
        },
    ]
    visited = [
        of("visit_status", **{"data.status": "visited"}),
        {
            "$facet": {
                "district": [
                    {
                        "$group": {
                            "_id": "$data.district",
                            "n": count,
                            "people": {"$sum": {"$ifNull": ["$data.people", 0]}},
                        }
                    }
                ],
                "help": [{"$unwind": "$data.help"}, {"$group": {"_id": "$data.help", "n": count}}],
            }
        },
    ]
    mmatch: dict[str, Any] = {
        "helpline": period.helpline,
        "created_at": {"$gte": period.since, "$lt": period.until},
        "direction": {"$in": ["in", "out"]},
    }
    if period.channel is not None:
        mmatch["channel"] = period.channel

    (
        conv,
        kinds,
        crises,
        intent,
        wrapup,
        outcomes,
        age,
        gender,
        wait,
        first,
        report,
        work,
        message,
        appeal_day,
        appeal_group,
        visit,
    ) = await asyncio.gather(
        run(events, per_conversation),
        run(events, [of({"$in": list(COUNTED_KINDS)}), {"$group": {"_id": "$kind", "n": count}}]),
        run(events, [of("crisis_detected"), {"$group": {"_id": "$conversation_id"}}, {"$count": "n"}]),
        run(events, distinct_per("$topic", "topic_answered")),
        run(events, [of("closed"), {"$group": {"_id": "$data.category", "n": count}}]),
        run(events, [of("closed"), {"$group": {"_id": "$data.outcome", "n": count}}]),
        run(events, latest_answer("age_group")),
        run(events, latest_answer("gender")),
        run(events, percentiles("claimed", "wait_seconds")),
        run(events, percentiles("operator_reply", "first_response_seconds", **{"data.first": True})),
        run(events, reports),
        run(
            events,
            [of({"$in": list(WORK_KINDS)}), {"$group": {"_id": {"k": "$kind", "o": "$data.operator"}, "n": count}}],
        ),
        run(messages, [{"$match": mmatch}, {"$group": {"_id": "$direction", "n": count}}]),
        run(events, appeal_days),
        run(events, appeal_groups),
        run(events, visited),
    )
    appeal_facets = appeal_group[0] if appeal_group else {"topic": [], "authority": []}
    visit_facets = visit[0] if visit else {"district": [], "help": []}
    facets = conv[0] if conv else {"channel": [], "language": [], "hour": []}
    report_facets = report[0] if report else {"district": [], "about": [], "outcome": []}
    return Raw(
        conversations_by_channel=grouped(facets["channel"]),
        conversations_by_language=grouped(facets["language"]),
        conversations_by_local_hour={int(k): n for k, n in grouped(facets["hour"]).items()},
        kinds=grouped(kinds),
        crises=crises[0]["n"] if crises else 0,
        intent=grouped(intent),
        wrapup=grouped(wrapup),
        outcomes=grouped(outcomes),
        age_group=grouped(age),
        gender=grouped(gender),
        wait=wait[0] if wait else {},
        first_response=first[0] if first else {},
        reports_by_district=grouped(report_facets["district"]),
        reports_by_about=grouped(report_facets["about"]),
        reports_by_outcome=grouped(report_facets["outcome"]),
        work={(doc["_id"]["k"], doc["_id"].get("o")): doc["n"] for doc in work},
        messages=grouped(message),
        appeal_days={
            (int(doc["_id"]["d"]), str(doc["_id"]["w"])): doc["n"]
            for doc in appeal_day
            if doc["_id"].get("w") is not None
        },
        appeals_by_topic=grouped(appeal_facets["topic"]),
        appeals_by_authority=grouped(appeal_facets["authority"]),
        visits_by_district={doc["_id"]: (doc["n"], doc["people"]) for doc in visit_facets["district"]},
        visits_by_help=grouped(visit_facets["help"]),
    )
