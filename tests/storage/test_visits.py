"""Mobile brigades' visits behind the storage port, the same on both adapters (issue 27, zhytomyr-1550)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.storage.errors import AlreadyExists
from vikno.storage.models import Visit, utcnow
from vikno.storage.port import Store


def a_visit(**kw) -> Visit:
    values = dict(
        helpline="zhytomyr-1550",
        district="korostenskyi",
        team="brigades_korosten",
        urgency="soon",
        consent="yes",
        conversation_id="chat-1",
        dispatched_by="op-1",
        address="gAAAA-encrypted",
    )
    values.update(kw)
    return Visit(**values)


async def test_a_visit_is_found_by_id_by_its_conversation_and_in_its_teams_list(any_store: Store) -> None:
    now = utcnow()
    first = await any_store.visits.add(a_visit(created_at=now - timedelta(minutes=2)))
    other_team = await any_store.visits.add(a_visit(team="brigades_zhytomyr", district="zhytomyrskyi", created_at=now))
    other_line = await any_store.visits.add(a_visit(helpline="kharkiv-1552", conversation_id="chat-2"))
    assert await any_store.visits.get(first.id) == first
    assert await any_store.visits.get("nobody") is None
    assert [v.id for v in await any_store.visits.of_conversation("chat-1")] == [first.id, other_team.id]
    mine = await any_store.visits.of_teams(["zhytomyr-1550"], ["brigades_korosten"])
    assert [v.id for v in mine] == [first.id]
    every = await any_store.visits.of_teams(["zhytomyr-1550"], None)
    assert [v.id for v in every] == [first.id, other_team.id]  # oldest first, never another line's
    assert other_line.id not in {v.id for v in every}
    assert await any_store.visits.of_teams(["zhytomyr-1550"], []) == []
    assert await any_store.visits.of_teams([], None) == []
    assert await any_store.visits.of_teams(["zhytomyr-1550"], None, statuses=["closed"]) == []
    with pytest.raises(AlreadyExists):
        await any_store.visits.add(a_visit(id=first.id))


async def test_a_move_happens_only_from_the_status_it_was_asked_from_and_keeps_every_change(any_store: Store) -> None:
    visit = await any_store.visits.add(a_visit())
    now = utcnow()
    racing = await asyncio.gather(
        *(
            any_store.visits.move(
                visit.id, "assigned", {"status": "on_the_way"}, {"status": "on_the_way", "operator": f"b{i}"}, now
            )
            for i in range(4)
        )
    )
    won = [v for v in racing if v is not None]
    assert len(won) == 1 and won[0].status == "on_the_way" and len(won[0].history) == 1
    visited = await any_store.visits.move(
        visit.id,
        "on_the_way",
        {"status": "visited", "outcome": "helped", "help": ["crisis_intervention"], "people": 2},
        {"status": "visited", "outcome": "helped", "operator": "b9"},
        now,
    )
    assert visited is not None and visited.status == "visited" and visited.people == 2
    assert visited.help == ["crisis_intervention"] and visited.updated_at == now
    assert [h["status"] for h in visited.history] == ["on_the_way", "visited"]
    assert await any_store.visits.move(visit.id, "on_the_way", {"status": "closed"}, {}, now) is None
    assert await any_store.visits.move("nobody", "assigned", {"status": "closed"}, {}, now) is None
    open_ = await any_store.visits.of_teams(["zhytomyr-1550"], None, statuses=["assigned", "on_the_way", "visited"])
    assert [v.id for v in open_] == [visit.id]
    assert (await any_store.visits.get(visit.id)) == visited


async def test_a_renamed_line_keeps_its_visits(any_store: Store) -> None:
    visit = await any_store.visits.add(a_visit(helpline="line1550"))
    assert await any_store.rename_helpline("line1550", "zhytomyr-1550") >= 1
    assert (await any_store.visits.get(visit.id)).helpline == "zhytomyr-1550"
    assert [v.id for v in await any_store.visits.of_teams(["zhytomyr-1550"], None)] == [visit.id]


async def test_the_figures_count_visits_made_and_people_helped_by_district_and_kind_of_help(any_store: Store) -> None:
    from datetime import UTC, date, datetime

    from vikno.storage.figures import Period
    from vikno.storage.models import Event

    at = datetime(2026, 3, 10, 12, tzinfo=UTC)

    def event(kind: str, visit: str, **data) -> Event:
        return Event(
            helpline="zhytomyr-1550",
            kind=kind,
            conversation_id=f"c-{visit}",
            channel="webchat",
            at=at,
            data={"visit_id": visit, **data},
        )

    for e in (
        event("visit_dispatched", "v1", district="korostenskyi"),
        event("visit_dispatched", "v2", district="korostenskyi"),
        event("visit_dispatched", "v3", district="zhytomyrskyi"),
        event("visit_status", "v1", district="korostenskyi", status="on_the_way"),
        event(
            "visit_status",
            "v1",
            district="korostenskyi",
            status="visited",
            people=3,
            help=["crisis_intervention", "psychological_help"],
        ),
        event("visit_status", "v2", district="korostenskyi", status="visited", people=1, help=["psychological_help"]),
        event("visit_status", "v3", district="zhytomyrskyi", status="closed", outcome="declined"),
        event("visit_status", "v1", district="korostenskyi", status="closed"),
    ):
        await any_store.events.add(e)
    other = Event(helpline="kharkiv-1552", kind="visit_status", at=at, data={"status": "visited", "people": 9})
    await any_store.events.add(other)
    found = await any_store.figures(Period("zhytomyr-1550", date(2026, 3, 1), date(2026, 3, 31), "Europe/Kyiv"))
    assert found.visits_dispatched == 3 and found.visits == 2 and found.people_helped == 4
    assert found.visits_by_district == {"korostenskyi": {"visits": 2, "people": 4}}
    assert found.visits_by_help == {"psychological_help": 2, "crisis_intervention": 1}
    april = await any_store.figures(Period("zhytomyr-1550", date(2026, 4, 1), date(2026, 4, 30), "Europe/Kyiv"))
    assert april.visits == april.visits_dispatched == 0 and april.visits_by_district == {}
