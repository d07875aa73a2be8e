"""Contract: events and the figures computed inside the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vikno.storage.models import Event, utcnow
from vikno.storage.port import Store


async def test_count_by_groups_inside_the_database(any_store: Store) -> None:
    now = utcnow()
    rows = [
        ("topic_viewed", "disability", "uk"),
        ("topic_viewed", "disability", "en"),
        ("topic_viewed", "elderly_care", "uk"),
        ("handoff_requested", None, "uk"),
    ]
    for kind, topic, lang in rows:
        await any_store.events.add(Event(helpline="l1620", kind=kind, topic=topic, language=lang, at=now))
    await any_store.events.add(Event(helpline="other", kind="topic_viewed", topic="legal"))
    await any_store.events.add(Event(helpline="l1620", kind="topic_viewed", topic="legal", at=now - timedelta(days=40)))

    by_topic = await any_store.events.count_by(
        "topic", helpline="l1620", kind="topic_viewed", since=now - timedelta(days=1)
    )
    assert by_topic == {"disability": 2, "elderly_care": 1}
    by_kind = await any_store.events.count_by("kind", helpline="l1620")
    assert by_kind == {"topic_viewed": 4, "handoff_requested": 1}
    older = await any_store.events.count_by("topic", until=now - timedelta(days=1))
    assert older == {"legal": 1}


async def test_count_by_refuses_unknown_fields(any_store: Store) -> None:
    with pytest.raises(ValueError):
        await any_store.events.count_by("data; DROP TABLE events")


async def test_adding_the_same_event_twice_keeps_one(any_store: Store) -> None:
    e = Event(helpline="l1620", kind="x")
    await any_store.events.add(e)
    await any_store.events.add(e)
    assert await any_store.events.count_by("kind") == {"x": 1}
