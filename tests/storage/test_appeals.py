"""The appeals collection behind the storage port, the same on both adapters (issue 27, cherkasy-1545)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from vikno.storage.errors import AlreadyExists
from vikno.storage.models import Appeal, utcnow
from vikno.storage.port import Store


def an_appeal(**kw) -> Appeal:
    values = dict(
        helpline="cherkasy-1545",
        number_hash="n" * 64,
        number_tail="0846",
        topic="communal",
        authority="communal_services",
        text="Немає гарячої води з понеділка, вул. Шевченка 12",
        channel="telegram",
        language="uk",
        conversation_id="chat-1",
    )
    values.update(kw)
    return Appeal(**values)


async def test_an_appeal_is_found_by_id_and_by_its_numbers_hash_in_its_own_line(any_store: Store) -> None:
    appeal = await any_store.appeals.add(an_appeal())
    assert await any_store.appeals.get(appeal.id) == appeal
    assert await any_store.appeals.by_number("cherkasy-1545", "n" * 64) == appeal
    assert await any_store.appeals.by_number("community-1620", "n" * 64) is None  # a number is its line's
    assert await any_store.appeals.by_number("cherkasy-1545", "x" * 64) is None
    assert await any_store.appeals.get("nobody") is None
    with pytest.raises(AlreadyExists):
        await any_store.appeals.add(an_appeal())  # the same number's hash


async def test_status_changes_are_appended_atomically(any_store: Store) -> None:
    appeal = await any_store.appeals.add(an_appeal())
    now = utcnow()
    await asyncio.gather(
        *(
            any_store.appeals.set_status(appeal.id, {"status": "sent", "operator": f"o{i}", "at": "t"}, "sent", now)
            for i in range(5)
        )
    )
    updated = await any_store.appeals.set_status(
        appeal.id, {"status": "answered", "operator": "o9", "note": "лист №5", "at": "t"}, "answered", now
    )
    assert updated is not None and updated.status == "answered" and updated.updated_at == now
    assert sorted(h["operator"] for h in updated.history) == [f"o{i}" for i in range(5)] + ["o9"]
    assert await any_store.appeals.get(appeal.id) == updated
    assert await any_store.appeals.set_status("nobody", {}, "closed", now) is None


async def test_the_newest_appeals_of_a_line_and_of_a_status(any_store: Store) -> None:
    start = utcnow()
    made = []
    for i in range(4):
        made.append(
            await any_store.appeals.add(
                an_appeal(number_hash=f"{i}" * 64, created_at=start + timedelta(minutes=i), text=f"a{i}")
            )
        )
    await any_store.appeals.add(an_appeal(helpline="community-1620", number_hash="o" * 64))
    await any_store.appeals.set_status(made[1].id, {"status": "sent"}, "sent", start)
    listed = await any_store.appeals.of_helplines(["cherkasy-1545"])
    assert [a.text for a in listed] == ["a3", "a2", "a1", "a0"]
    assert [a.text for a in await any_store.appeals.of_helplines(["cherkasy-1545"], limit=2)] == ["a3", "a2"]
    assert [a.text for a in await any_store.appeals.of_helplines(["cherkasy-1545"], status="sent")] == ["a1"]
    assert [a.text for a in await any_store.appeals.of_helplines(["cherkasy-1545"], status="registered")] == [
        "a3",
        "a2",
        "a0",
    ]
    assert await any_store.appeals.of_helplines([]) == []
    assert len(await any_store.appeals.of_helplines(["cherkasy-1545", "community-1620"])) == 5


async def test_a_renamed_line_keeps_its_appeals(any_store: Store) -> None:
    appeal = await any_store.appeals.add(an_appeal(helpline="cherkasy"))
    assert await any_store.rename_helpline("cherkasy", "cherkasy-1545") >= 1
    moved = await any_store.appeals.by_number("cherkasy-1545", appeal.number_hash)
    assert moved is not None and moved.helpline == "cherkasy-1545"


async def test_the_figures_count_appeals_by_local_week_topic_and_authority(any_store: Store) -> None:
    from datetime import UTC, date, datetime

    from vikno.storage.figures import Period
    from vikno.storage.models import Event

    def event(kind: str, at: datetime, **data) -> Event:
        return Event(helpline="cherkasy-1545", kind=kind, channel="telegram", at=at, data=data)

    # Kyiv is UTC+2 in March until the 29th: Sunday 22:30 UTC on 2026-03-15 is already Monday the 16th there
    registered = [
        (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), "communal", "community"),
        (datetime(2026, 3, 11, 9, 0, tzinfo=UTC), "communal", "community"),
        (datetime(2026, 3, 15, 22, 30, tzinfo=UTC), "health", "health"),
    ]
    events = [event("appeal_registered", at, appeal_topic=t, authority=a) for at, t, a in registered]
    events += [
        event("appeal_status", datetime(2026, 3, 12, 9, 0, tzinfo=UTC), status="sent"),
        event("appeal_status", datetime(2026, 3, 17, 9, 0, tzinfo=UTC), status="answered"),
        event("appeal_status", datetime(2026, 3, 18, 9, 0, tzinfo=UTC), status="closed"),
        event("appeal_registered", datetime(2026, 4, 2, 9, 0, tzinfo=UTC), appeal_topic="idp", authority="idp"),
    ]
    events.append(Event(helpline="community-1620", kind="appeal_registered", at=registered[0][0], data={}))
    await any_store.insert_records([], [], events)
    f = await any_store.figures(Period("cherkasy-1545", date(2026, 3, 1), date(2026, 3, 31), "Europe/Kyiv"))
    assert f.appeals == 3 and f.appeals_answered == 1 and f.appeals_closed == 1
    assert f.appeals_by_topic == {"communal": 2, "health": 1}
    assert f.appeals_by_authority == {"community": 2, "health": 1}
    weeks = {w["week"]: w for w in f.appeals_by_week}
    assert list(weeks) == ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    assert weeks["2026-03-09"] == {"week": "2026-03-09", "registered": 2, "sent": 1, "answered": 0, "closed": 0}
    assert weeks["2026-03-16"] == {"week": "2026-03-16", "registered": 1, "sent": 0, "answered": 1, "closed": 1}
    assert weeks["2026-03-30"]["registered"] == 0  # April's appeal is another period's


async def test_a_second_appeal_from_the_same_draft_is_refused_and_the_first_returned(any_store: Store) -> None:
    """Outside attack: the appeal's last text sent twice at once to two workers on one store registered two
    appeals with two numbers. The appeal carries its draft's key; the store keeps one appeal per key and returns
    it to the second writer, whatever its id and number."""
    first = await any_store.appeals.add(an_appeal(key="draft-key-1"))
    again = await any_store.appeals.add(an_appeal(key="draft-key-1", number_hash="g" * 64, text="другий раз"))
    assert again == first and again.text.startswith("Немає гарячої води")
    assert await any_store.appeals.by_number("cherkasy-1545", "g" * 64) is None  # nothing of the second stored
    other_draft = await any_store.appeals.add(an_appeal(key="draft-key-2", number_hash="k" * 64))
    assert other_draft.id != first.id and await any_store.appeals.get(other_draft.id) == other_draft
    with pytest.raises(AlreadyExists):  # another draft's appeal may still not take a number already given
        await any_store.appeals.add(an_appeal(key="draft-key-3"))
    # appeals of before keys, and operators' (no draft), never clash with each other
    await any_store.appeals.add(an_appeal(number_hash="m" * 64, key=None))
    await any_store.appeals.add(an_appeal(number_hash="p" * 64, key=None))
    assert len(await any_store.appeals.of_helplines(["cherkasy-1545"])) == 4


async def test_one_appeal_per_draft_also_from_two_workers_at_once(any_store: Store, other: Store) -> None:
    tries = [
        store.appeals.add(an_appeal(key="same-draft", number_hash=f"{n:064d}"))
        for n, store in enumerate([any_store, other] * 4)
    ]
    made = await asyncio.gather(*tries)
    assert len({a.id for a in made}) == 1
    (kept,) = {a.number_hash for a in made}
    assert len(await any_store.appeals.of_helplines(["cherkasy-1545"])) == 1
    assert (await other.appeals.by_number("cherkasy-1545", kept)).id == made[0].id
