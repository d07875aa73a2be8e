"""The optional age-group and gender questions' table of attacks (issue 26, item 5).

The answers feed the helpline's published figures; anyone can post buttons
to the REST API. A pressed answer counts only for the question the bot has
just asked that conversation, once, and only with one of the question's own
values: no forged, repeated or invented answer reaches the figures. Rows run
against a real vikno on a real socket, on both stores, with the line asking
at the start (the REST greeting then asks).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import ProfileSettings, load_helplines, shipped_helpline_folders
from vikno.storage.port import Store

from tests.handoff.conftest import ConsoleSite, app_store, serving

from .table import Attack, rows


@pytest.fixture
async def asking_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    helplines = load_helplines(shipped_helpline_folders())
    line = helplines["community-1620"]
    line.settings = line.settings.model_copy(update={"profile_questions": ProfileSettings(ask="start")})
    async with serving(build_app(settings, helplines, store=app_store(any_store, request))) as site:
        yield site


async def say(site: ConsoleSite, key: str, **body: Any) -> dict[str, Any]:
    person = site.agent()
    resp = await person.http.post(
        person.url(f"/api/v1/conversations/{key}/messages"), json=body, headers=person.rest_headers(key)
    )
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    person.tokens.setdefault(key, answer.get("token"))
    return answer


async def answers(site: ConsoleSite) -> dict[str | None, int]:
    return await site.store.events.count_by("kind", kind="profile_answered")


async def forged_answers_without_the_question(site: ConsoleSite) -> None:
    """Answers pressed in a conversation that was never asked (its first message a question) count nothing."""
    await say(site, "forge-1", text="Підкажіть, будь ласка, як оформити субсидію на житло")
    for payload in ("profile:age_group:child", "profile:gender:female", "profile:age_group:adult"):
        body = await say(site, "forge-1", button=payload)
        assert body["replies"] and not any(
            b["payload"].startswith("profile:") for r in body["replies"] for b in r["buttons"]
        )
    assert await answers(site) == {}


async def repeated_and_invented_answers(site: ConsoleSite) -> None:
    """Asked once: an answer pressed again and again, another question's values, made-up values: one counts."""
    greeting = await say(site, "repeat-1", text="Привіт")
    assert greeting["replies"][-1]["buttons"][-1]["payload"] == "profile:skip"  # asked
    await say(site, "repeat-1", button="profile:age_group:" + "x" * 200)  # invented: a skip, nothing stored
    for _ in range(5):
        await say(site, "repeat-1", button="profile:age_group:child")
    await say(site, "repeat-2", text="Привіт")
    await say(site, "repeat-2", button="profile:gender:other")  # the other question's value while age is asked
    await say(site, "repeat-2", button="profile:age_group:adult")
    await say(site, "repeat-3", text="Привіт")
    for _ in range(5):
        await say(site, "repeat-3", button="profile:age_group:adult")
    assert await answers(site) == {"profile_answered": 1}
    kinds = await site.store.events.count_by("topic", kind="profile_answered")
    assert kinds == {None: 1}


ATTACKS = [
    Attack(
        id="profile-answer-never-asked",
        item="26.5",
        what="press age and gender answers over REST in a "
        "conversation the bot never asked: nothing reaches the figures",
        run=forged_answers_without_the_question,
    ),
    Attack(
        id="profile-answer-repeated-or-invented",
        item="26.5",
        what="press one answer many times, another "
        "question's value, or a made-up value: one real answer counts once, the rest nothing",
        run=repeated_and_invented_answers,
    ),
]


@rows(ATTACKS)
async def test_profile_attack(attack: Attack, asking_site: ConsoleSite) -> None:
    await attack.run(asking_site)
