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
