"""The queue wait end to end over REST and the console: an honest estimate, then news of the place moving.

A real vikno on a real socket, on both stores: people ask for a person
through the REST channel, an operator takes the first of them in the
console, and the one behind is told (in their history, as a REST client
reads it) that they are next, with the expected wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.models import Event, utcnow
from vikno.storage.port import Store

from tests.handoff.conftest import ConsoleSite, app_store, serving


@pytest.fixture
async def site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=app_store(any_store, request))
    async with serving(app) as s:
        yield s


async def system_texts(site: ConsoleSite, key: str) -> list[str]:
    return [m["text"] for m in await site.agent().history(key) if m["sender"] == "system"]


async def eventually(site: ConsoleSite, key: str, count: int) -> list[str]:
    """The person's system messages once there are ``count`` of them (the news is sent in the background)."""
    for _ in range(200):
        texts = await system_texts(site, key)
        if len(texts) >= count:
            return texts
        await asyncio.sleep(0.05)
    return await system_texts(site, key)


async def test_the_wait_is_estimated_and_the_next_in_line_is_told(site: ConsoleSite) -> None:
    now = utcnow()
    for minutes, wait in [(20, 240.0), (40, 300.0), (60, 420.0)]:  # lately people waited 4-7 minutes
        await site.store.events.add(
            Event(
                helpline="community-1620",
                kind="claimed",
                priority="request",
                at=now - timedelta(minutes=minutes),
                data={"wait_seconds": wait},
            )
        )
    await site.operator("olena", display_name="Олена")
    person = site.agent()
    first = await person.say("first", button="person")
    assert "близько 5 хв" in first["replies"][0]["text"]  # the median, 300 s
    second = await person.say("second", button="person")
    assert second["conversation"]["queue_position"] == 2 and "близько 5 хв" in second["replies"][0]["text"]

    op = site.agent()
    assert (await op.log_in("olena")).status == 303
    taken = await op.post("/console/take-next", json_reply=True)
    assert taken.status == 200, await taken.text()

    (news,) = await eventually(site, "second", 1)
    assert news.startswith("Ви наступні в черзі.") and "хв." in news
    assert (await person.say("second", text="дякую"))["conversation"]["queue_position"] == 1
    # the one taken heard that a specialist joined, not queue news
    assert [t for t in await system_texts(site, "first") if "черз" in t] == []


async def test_with_nobody_online_no_number_is_promised(site: ConsoleSite) -> None:
    now = utcnow()
    for n in range(5):
        await site.store.events.add(
            Event(
                helpline="community-1620",
                kind="claimed",
                priority="request",
                at=now - timedelta(minutes=n + 1),
                data={"wait_seconds": 60.0},
            )
        )
    body: dict[str, Any] = await site.agent().say("alone", button="person")
    text = body["replies"][0]["text"]
    # inside the hours "nobody is online", outside them "not at work": either way no number, no promise
    assert ("немає онлайн" in text or "не працюють" in text) and "хв." not in text
    assert "Передаю вашу розмову фахівцю" not in text
