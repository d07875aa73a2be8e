"""The reports collection behind the storage port, the same on both adapters (issue 26)."""

from __future__ import annotations

import asyncio

import pytest

from vikno.storage.errors import AlreadyExists
from vikno.storage.models import Report, utcnow
from vikno.storage.port import Store


def a_report(**kw) -> Report:
    values = dict(
        helpline="line1620",
        code_hash="h" * 64,
        about="child",
        place="north",
        what="Дитина сама вдома",
        urgency="soon",
        team="protection",
        priority="urgent_report",
        channel="telegram",
        language="uk",
        conversation_id="queue-1",
    )
    values.update(kw)
    return Report(**values)


async def test_a_report_is_found_by_id_code_hash_and_queue_conversation(any_store: Store) -> None:
    report = await any_store.reports.add(a_report(contact="gAAAA-encrypted"))
    got = await any_store.reports.get(report.id)
    assert got == report and not got.anonymous
    assert await any_store.reports.by_code("line1620", "h" * 64) == report
    assert await any_store.reports.by_code("another-line", "h" * 64) is None  # a code is its helpline's
    assert await any_store.reports.by_code("line1620", "x" * 64) is None
    assert await any_store.reports.by_conversation("queue-1") == report
    with pytest.raises(AlreadyExists):
        await any_store.reports.add(a_report())  # the same code hash


async def test_additions_and_outcomes_are_appended_atomically(any_store: Store) -> None:
    report = await any_store.reports.add(a_report())
    now = utcnow()
    await asyncio.gather(
        *(any_store.reports.add_information(report.id, {"text": f"n{i}", "at": "t"}, now) for i in range(5))
    )
    updated = await any_store.reports.record_outcome(
        report.id, {"outcome": "referred", "referred_to": "ЦНАП", "operator": "o1"}, "referred", now
    )
    assert sorted(a["text"] for a in updated.additions) == [f"n{i}" for i in range(5)]
    assert updated.status == "referred" and updated.outcomes[0]["referred_to"] == "ЦНАП"
    assert updated.updated_at == now
    assert await any_store.reports.add_information("nobody", {"text": "x"}, now) is None
    assert await any_store.reports.record_outcome("nobody", {}, "closed", now) is None


async def test_a_second_report_from_the_same_draft_is_refused_and_the_first_returned(any_store: Store) -> None:
    """Several workers share one store with only compare-and-set between them: a double tap of the form's last
    answer, split across two workers, made two reports (two crisis cards). The report carries its draft's key;
    the store keeps one report per key and returns it to the second writer, whatever its id and code."""
    first = await any_store.reports.add(a_report(key="draft-key-1"))
    again = await any_store.reports.add(a_report(key="draft-key-1", code_hash="g" * 64, conversation_id="queue-2"))
    assert again == first and again.conversation_id == "queue-1"
    assert await any_store.reports.by_code("line1620", "g" * 64) is None  # nothing of the second was stored
    assert await any_store.reports.by_conversation("queue-2") is None
    other_draft = await any_store.reports.add(a_report(key="draft-key-2", code_hash="k" * 64))
    assert other_draft.id != first.id and await any_store.reports.get(other_draft.id) == other_draft
    with pytest.raises(AlreadyExists):  # another draft's report may still not take a code already given
        await any_store.reports.add(a_report(key="draft-key-3"))
    # reports of before keys (and made without one) never clash with each other
    await any_store.reports.add(a_report(code_hash="m" * 64, key=None))
    await any_store.reports.add(a_report(code_hash="n" * 64, key=None))


async def test_one_report_per_draft_also_from_two_workers_at_once(any_store: Store, other: Store) -> None:
    tries = [
        store.reports.add(a_report(key="same-draft", code_hash=f"{n:064d}", conversation_id=f"queue-{n}"))
        for n, store in enumerate([any_store, other] * 4)
    ]
    made = await asyncio.gather(*tries)
    assert len({r.id for r in made}) == 1
    (kept,) = {r.code_hash for r in made}
    assert sum([await any_store.reports.by_code("line1620", f"{n:064d}") is not None for n in range(8)]) == 1
    assert (await other.reports.by_code("line1620", kept)).id == made[0].id
