"""The operator console's table of attacks (issue 20 items 3, 5, 12, 16, 19).

Every row runs against a real vikno on a real socket, on SQLite and on
MongoDB, serving two helplines (the shipped line 1620 and a copy of it as
line 2000), with its console socket re-checking sessions every 0.2 s.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.keys import CONSOLE_HUB as HUB
from vikno.bots.keys import ENGINE
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.handoff import accounts
from vikno.handoff.console.context import CONSOLE
from vikno.handoff.console.ratelimit import LOGIN_FAILURES_PER_WINDOW
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store

from tests.conftest import TEST_SECRET
from tests.handoff.conftest import Agent, ConsoleSite

from .table import Attack, rows

OTHER_LINE = "line2000"
#: The console tells people apart only by address: a second loopback address is a second computer.
OTHER_COMPUTER = "127.0.0.2"
_ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)


@pytest.fixture
async def console_site(
    tmp_path: Path, any_store: Store, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> AsyncIterator[ConsoleSite]:
    caplog.set_level(logging.INFO)
    store = any_store
    if isinstance(any_store, MongoStore):  # the app closes its store's client at shutdown: give it its own
        store = MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
    other = tmp_path / "line2000"
    shutil.copytree(shipped_helpline_folders()[0], other)
    spec = other / "helpline.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("id: community-1620", f"id: {OTHER_LINE}"), encoding="utf-8"
    )
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    app = build_app(settings, load_helplines([*shipped_helpline_folders(), other]), store=store)
    app[CONSOLE].session_check_every = timedelta(seconds=0.2)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    site.caplog = caplog  # type: ignore[attr-defined]
    try:
        yield site
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()


def from_other_computer(site: ConsoleSite) -> Agent:
    agent = site.agent("en")
    agent.http = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(local_addr=(OTHER_COMPUTER, 0)),
        headers={"Accept-Language": "en"},
    )
    return agent


async def login_form_post(agent: Agent, login: str, password: str) -> aiohttp.ClientResponse:
    """One login POST with a fresh form token (what a script firing many at once does)."""
    page = await (await agent.get("/console/login")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    return await agent.http.post(
        agent.url("/console/login"),
        allow_redirects=False,
        data={"csrf": token.group(1), "login": login, "password": password},
    )


async def ask_for_person(site: ConsoleSite, key: str, helpline: str = "community-1620") -> str:
    resp = await site.agent().http.post(
        site.base + f"/api/v1/conversations/{key}/messages", json={"button": "person", "helpline": helpline}
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["conversation"]["state"] == "waiting"
    conv = await site.store.conversations.find_by_user(helpline, "rest", site.app[ENGINE].vault.user_key("rest", key))
    assert conv is not None
    return conv.id


async def logged_in(site: ConsoleSite, login: str, **kw: Any) -> Agent:
    await site.operator(login, **kw)
    agent = site.agent("en")
    assert (await agent.log_in(login)).status == 303
    return agent


# --- item 3: login limits under parallel requests ------------------------------------------------


async def forty_wrong_passwords_at_once(site: ConsoleSite) -> None:
    await site.operator("olena")
    attacker = site.agent("en")
    answers = await asyncio.gather(*(login_form_post(attacker, "olena", f"guess-{n:02d}-guess") for n in range(40)))
    statuses = [a.status for a in answers]
    assert statuses.count(429) >= 40 - accounts.FREE_FAILURES, statuses
    assert statuses.count(401) <= accounts.FREE_FAILURES and 303 not in statuses
    pair = site.app[CONSOLE].login_keys.pair("127.0.0.1", "olena")
    assert await site.store.login_attempts.count(pair, accounts.utcnow(), accounts.LOCK_QUIET) == 40
    # the operator at another computer still logs in with her password
    assert (await from_other_computer(site).log_in("olena")).status == 303


async def noisy_address_does_not_lock_out_the_others(site: ConsoleSite) -> None:
    await site.operator("olena")
    office = site.agent("en")
    for n in range(10):
        assert (await office.log_in(f"typo{n}", "guess-guess-guess")).status == 401
    assert (await office.log_in("olena")).status == 303  # was 429 for every login of that address


# --- item 5: team and helpline routing --------------------------------------------------------


async def pick_and_read_another_teams_chat(site: ConsoleSite) -> None:
    cid = await ask_for_person(site, "social-person")  # "talk to a person" routes to the social team
    outsider = await logged_in(site, "prot", teams=["protection"])
    assert [c["id"] for c in (await outsider.queue())["queue"]] == []
    for method, path in (
        ("post", f"/console/c/{cid}/pick"),
        ("get", f"/console/api/c/{cid}"),
        ("get", f"/console/c/{cid}"),
        ("post", f"/console/c/{cid}/reply"),
    ):
        if method == "post":
            resp = await outsider.post(path, {"text": "hello"}, json_reply=True)
        else:
            resp = await outsider.get(path)
        assert resp.status in (403, 404), (path, resp.status)
    conv = await site.store.conversations.get(cid)
    assert conv.state == "waiting" and conv.operator_id is None
    elsewhere = await logged_in(site, "far", helplines=[OTHER_LINE])
    assert (await elsewhere.post(f"/console/c/{cid}/pick", json_reply=True)).status == 404
    assert (await site.store.conversations.get(cid)).state == "waiting"


async def socket_hears_only_its_own_teams_and_helplines(site: ConsoleSite) -> None:
    protection = await logged_in(site, "prot", teams=["protection"])
    other_line = await logged_in(site, "far", helplines=[OTHER_LINE])
    social = await logged_in(site, "soc", teams=["social"])
    sockets = {}
    for name, agent in (("prot", protection), ("far", other_line), ("soc", social)):
        sockets[name] = await agent.http.ws_connect(agent.url("/console/ws"), origin=site.base)
        assert (await sockets[name].receive_json(timeout=5))["type"] == "hello"
    try:
        cid = await ask_for_person(site, "social-person")  # line 1620, social team
        heard = await sockets["soc"].receive_json(timeout=5)
        assert heard["conversation_id"] == cid
        await (await social.post(f"/console/c/{cid}/pick", json_reply=True)).release()
        # each outsider's first nudge after that must be one about themselves
        for name, agent in (("prot", protection), ("far", other_line)):
            assert (await agent.post("/console/presence", {"presence": "away"}, json_reply=True)).status == 200
            first = await sockets[name].receive_json(timeout=5)
            assert first == {"type": "presence", "presence": "away"}, (name, first)
    finally:
        for ws in sockets.values():
            await ws.close()


# --- item 12: capacity under concurrency -------------------------------------------------------


async def five_tabs_take_next_at_once(site: ConsoleSite) -> None:
    for n in range(5):
        await ask_for_person(site, f"person-{n}")
    tabs = await logged_in(site, "solo", capacity=1)
    answers = await asyncio.gather(*(tabs.post("/console/take-next", json_reply=True) for _ in range(5)))
    assert sorted(a.status for a in answers) == [200, 409, 409, 409, 409]
    solo = await site.store.operators.by_login("solo")
    assert len(await site.store.conversations.assigned_to(solo.id)) == 1


# --- item 16: the socket outlives nothing ------------------------------------------------------


async def socket_closes_at_logout(site: ConsoleSite) -> None:
    op = await logged_in(site, "olena")
    ws = await op.http.ws_connect(op.url("/console/ws"), origin=site.base)
    assert (await ws.receive_json(timeout=5))["type"] == "hello"
    other_tab = site.agent("en")
    token = op.http.cookie_jar.filter_cookies(URL(site.base + "/console"))["vikno_console"].value
    other_tab.http.cookie_jar.update_cookies({"vikno_console": token})
    other_tab.csrf = op.csrf
    site.app[CONSOLE].session_check_every = timedelta(hours=1)  # at once, not at the next check
    assert (await other_tab.post("/console/logout")).status == 303
    assert await closed_by_server(ws) == 4401


async def closed_by_server(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    """Read past any nudges to the close; its code."""
    for _ in range(50):
        message = await ws.receive(timeout=5)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            break
    return ws.close_code


async def socket_closes_when_the_account_is_disabled(site: ConsoleSite) -> None:
    op = await logged_in(site, "olena")
    ws = await op.http.ws_connect(op.url("/console/ws"), origin=site.base)
    assert (await ws.receive_json(timeout=5))["type"] == "hello"
    await accounts.disable(site.store, "olena")  # what `vikno operator disable olena` does

    async def busy_queue() -> None:  # nudges keep flowing: a busy queue must not keep the socket open
        for n in range(20):
            await site.app[HUB].publish(
                {"type": "queue", "conversation_id": f"c{n}", "helpline": "community-1620", "state": "waiting"}
            )
            await asyncio.sleep(0.05)

    noise = asyncio.create_task(busy_queue())
    try:
        assert await closed_by_server(ws) == 4401
    finally:
        noise.cancel()
    assert (await op.get("/console/api/queue")).status == 401


# --- item 19: what the login answers and what the logs keep ---------------------------------------


async def login_answers_do_not_tell_which_logins_exist(site: ConsoleSite) -> None:
    await site.operator("olena")
    answers = []
    for login, password in [("olena", "wrong-wrong-wrong"), ("ghost", "wrong-wrong-wrong")]:
        resp = await site.agent("en").log_in(login, password)
        answers.append((resp.status, _ERROR.search(await resp.text()).group(1)))
    locker = site.agent("en")
    for login in ("olena", "ghost"):
        for _ in range(accounts.FREE_FAILURES):
            await locker.log_in(login, "wrong-wrong-wrong")
        resp = await locker.log_in(login, "wrong-wrong-wrong")
        answers.append((resp.status, _ERROR.search(await resp.text()).group(1)))
    assert [s for s, _ in answers] == [401, 401, 429, 429]
    assert len({text for _, text in answers}) == 1, answers


async def failed_login_is_logged_with_a_pseudonym(site: ConsoleSite) -> None:
    caplog: pytest.LogCaptureFixture = site.caplog  # type: ignore[attr-defined]
    await site.operator("olena")
    typed = "olena-MySecretPass1"  # a password typed into the login field
    await site.agent("en").log_in(typed, "whatever-whatever")
    lines = [r.getMessage() for r in caplog.records if "console login refused" in r.getMessage()]
    assert len(lines) == 1 and typed.lower() not in lines[0] and typed not in lines[0]
    assert site.app[CONSOLE].login_keys.pseudonym(typed) in lines[0]


async def conversation_key_never_reaches_a_log_line(site: ConsoleSite) -> None:
    caplog: pytest.LogCaptureFixture = site.caplog  # type: ignore[attr-defined]
    key = "k3y-0f-a-ch1ld-2f9a7c"
    person = site.agent()
    await person.say(key, text="привіт")
    await person.http.get(person.url(f"/api/v1/conversations/{key}?limit=5"))
    await person.http.post(person.url(f"/api/v1/conversations/{key}/messages"), data=b"{not json")
    logged = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records])
    assert "/api/v1/conversations/" in logged  # the access log did print the paths...
    assert key not in logged  # ...without the key


ATTACKS = [
    Attack(
        "forty-wrong-passwords-at-once",
        "20.3",
        "40 wrong passwords for one login at once from one address: at most 5 are checked, every one is "
        "counted, the rest get 429; the operator at another computer still logs in",
        forty_wrong_passwords_at_once,
    ),
    Attack(
        "noisy-address-keeps-others-in",
        "20.3",
        "10 failed logins from one address (an office behind one NAT) must not lock out another login's right password",
        noisy_address_does_not_lock_out_the_others,
    ),
    Attack(
        "pick-and-read-another-teams-chat",
        "20.5",
        "an operator of another team or another helpline picks or reads a waiting conversation by its id: "
        "403/404, it stays waiting",
        pick_and_read_another_teams_chat,
    ),
    Attack(
        "socket-hears-other-teams",
        "20.5",
        "the console socket of another team's or another helpline's operator hears nothing of a "
        "conversation that is not theirs",
        socket_hears_only_its_own_teams_and_helplines,
    ),
    Attack(
        "five-tabs-take-next",
        "20.12",
        "an operator with capacity 1 presses 'Take next' in 5 tabs at once: exactly one chat",
        five_tabs_take_next_at_once,
    ),
    Attack(
        "socket-outlives-logout",
        "20.16",
        "logging out in one tab closes the console socket of that session at once (4401)",
        socket_closes_at_logout,
    ),
    Attack(
        "socket-outlives-disable",
        "20.16",
        "`vikno operator disable` closes the account's open console socket at its next check",
        socket_closes_when_the_account_is_disabled,
    ),
    Attack(
        "login-answers-tell-logins",
        "20.19",
        "wrong password, unknown login, locked login and locked unknown login all get the same words",
        login_answers_do_not_tell_which_logins_exist,
    ),
    Attack(
        "failed-login-logged-in-clear",
        "20.19",
        "a failed login is logged, with a pseudonym of the login typed, never the text itself",
        failed_login_is_logged_with_a_pseudonym,
    ),
    Attack(
        "conversation-key-in-logs",
        "20.19",
        "requests with a REST conversation key in the path leave no key in any log line",
        conversation_key_never_reaches_a_log_line,
    ),
]


@rows(ATTACKS)
async def test_console_attack(attack: Attack, console_site: ConsoleSite) -> None:
    await attack.run(console_site)


def test_the_table_covers_the_consoles_items() -> None:
    assert {a.item for a in ATTACKS} == {"20.3", "20.5", "20.12", "20.16", "20.19"}
    assert LOGIN_FAILURES_PER_WINDOW > 10  # the per-address limit is for spraying, not for an office
