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
