"""Who a person is told is there, and what they learn of them (issue 20 items 14 and 19; attack report B1, B5).

B1: an operator who set herself online and left (closed the laptop, let the
session die) was counted as available for ever, so a person in crisis on a
closed Saturday was told "I am already calling a specialist". B5: an operator
made without ``--display-name`` was introduced to the person by her console
login. Every row runs against a real vikno on a real socket, on SQLite and on
MongoDB, with its console socket re-checking sessions and its upkeep running
every 0.2 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from vikno.bots.app import build_app
from vikno.bots.config import ConsoleSettings, load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.handoff import accounts
from vikno.handoff.console.context import CONSOLE
from vikno.handoff.console.security import SESSION_COOKIE
from vikno.storage.models import utcnow
from vikno.storage.port import Store

from tests.handoff.conftest import Agent, ConsoleSite, app_store, serving

from .table import Attack, rows

CRISIS = "не хочу більше жити"
NOBODY = "немає онлайн"  # "No specialist is online in this chat right now…"
CALLING = "кличу фахівця"  # "I am already calling a specialist…"


@pytest.fixture
async def presence_site(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[ConsoleSite]:
    store = app_store(any_store, request)
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    settings = settings.model_copy(update={"console": ConsoleSettings(release_every=timedelta(seconds=0.2))})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=store)
    app[CONSOLE].session_check_every = timedelta(seconds=0.2)
    async with serving(app) as site:
        yield site


async def online_operator(site: ConsoleSite, login: str, **kw: Any) -> Agent:
    """An operator who logs in and sets herself online through the console, as a person would."""
    await site.operator(login, online=False, **kw)
    agent = site.agent("en")
    assert (await agent.log_in(login)).status == 303
    assert (await agent.post("/console/presence", {"presence": "online"}, json_reply=True)).status == 200
    return agent


async def crisis_reply(site: ConsoleSite, key: str) -> str:
    answer = await site.agent().say(key, CRISIS)
    return answer["replies"][0]["text"]


async def eventually(check: Any, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def seen_minutes_ago(site: ConsoleSite, login: str, minutes: float) -> None:
    """Time passes: the operator's console was last seen ``minutes`` ago."""
    o = await site.store.operators.by_login(login)
    assert o is not None
    o.last_seen_at = utcnow() - timedelta(minutes=minutes)
    await site.store.operators.save(o)


# --- item 14: presence that outlives the operator -------------------------------------------------


async def session_ends_without_logout(site: ConsoleSite) -> None:
    op = await online_operator(site, "ghost")
    await site.agent().say("waiting-person", "хочу поговорити з людиною")
    await site.agent().say("waiting-person", button="person")
    assert (await op.post("/console/take-next", json_reply=True)).status == 200
    ghost = await site.store.operators.by_login("ghost")
    assert ghost is not None and len(await site.store.conversations.assigned_to(ghost.id)) == 1
    # she closes the laptop; the idle timeout passes and ends her session (nobody pressed "log out")
    token = op.http.cookie_jar.filter_cookies(URL(site.base + "/console"))[SESSION_COOKIE].value
    await site.store.sessions.touch(accounts.session_id(token), utcnow() - timedelta(seconds=1))

    async def offline() -> bool:  # presence is saved first, then her chats are released: wait for both
        o = await site.store.operators.by_login("ghost")
        return (
            o is not None and o.presence == "offline" and await site.store.conversations.assigned_to(ghost.id) == []
        )  # her chat went back to the queue

    assert await eventually(offline, seconds=15), (
        "the upkeep left an operator without a session online, or kept her chat"
    )
    reply = await crisis_reply(site, "crisis-after")
    assert NOBODY in reply and CALLING not in reply and reply.index("☎") < reply.index(NOBODY)
    assert (await op.get("/console/api/queue")).status == 401


async def laptop_closed_with_session_alive(site: ConsoleSite) -> None:
    await online_operator(site, "closed-laptop")  # session still alive, but no console page open
    await seen_minutes_ago(site, "closed-laptop", 2)
    reply = await crisis_reply(site, "saturday-crisis")
    assert NOBODY in reply and CALLING not in reply


async def open_console_keeps_her_available(site: ConsoleSite) -> None:
    op = await online_operator(site, "at-desk")
    ws = await op.http.ws_connect(op.url("/console/ws"), origin=site.base)
    try:
        assert (await ws.receive_json(timeout=5))["type"] == "hello"
        await seen_minutes_ago(site, "at-desk", 2)  # a quiet while: no clicks, only the open page

        async def seen_again() -> bool:
            o = await site.store.operators.by_login("at-desk")
            seen = o.last_seen_at if o is not None else None
            return seen is not None and utcnow() - seen < timedelta(seconds=30)

        assert await eventually(seen_again), "the open console socket did not keep last_seen_at fresh"
        reply = await crisis_reply(site, "crisis-with-someone-there")
        assert CALLING in reply and NOBODY not in reply
        o = await site.store.operators.by_login("at-desk")
        assert o is not None and o.presence == "online"  # the upkeep leaves a live session alone
    finally:
        await ws.close()


# --- item 19: the login is not a name for the person ---------------------------------------------


async def person_asks_for_a_human_and_learns_a_login(site: ConsoleSite) -> None:
    op = await online_operator(site, "opa7")  # as `vikno operator add opa7` without --display-name
    person = site.agent()
    first = await person.say("curious", "хочу поговорити з людиною")
    second = await person.say("curious", button="person")
    assert (await op.post("/console/take-next", json_reply=True)).status == 200
    cid = await site.conversation_id("curious")
    assert (
        await op.post(f"/console/c/{cid}/reply", {"text": "Добрий день, я вас слухаю."}, json_reply=True)
    ).status == 200
    third = await person.say("curious", "а як вас звати?")
    history = await person.history("curious")
    seen = str([first, second, third, history]).lower()
    assert "opa7" not in seen
    assert "До розмови приєднався фахівець." in [m["text"] for m in history]


ATTACKS = [
    Attack(
        "session-ends-without-logout",
        "20.14",
        "an operator sets herself online, takes a chat and lets her session die: the upkeep sets her offline, "
        "her chat goes back, and a crisis is told plainly that nobody is online",
        session_ends_without_logout,
    ),
    Attack(
        "laptop-closed-still-online",
        "20.14",
        "an operator marked online whose console has not been seen for two minutes is nobody: a crisis on a "
        "closed Saturday gets the numbers and 'nobody online'",
        laptop_closed_with_session_alive,
    ),
    Attack(
        "open-console-counts",
        "20.14",
        "an operator with the console page open and no clicks stays available (its socket keeps her seen)",
        open_console_keeps_her_available,
    ),
    Attack(
        "login-shown-to-person",
        "20.19",
        "a person asks for a human: the operator made without a display name is introduced as 'фахівець', "
        "never by her login",
        person_asks_for_a_human_and_learns_a_login,
    ),
]


@rows(ATTACKS)
async def test_presence_attack(attack: Attack, presence_site: ConsoleSite) -> None:
    await attack.run(presence_site)
