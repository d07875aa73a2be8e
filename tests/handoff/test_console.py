"""The operator console over HTTP: a real server, real cookies, the embedded store.

People write through the REST channel; operators use the console's forms
(with and without the script's JSON dialect) and its JSON reads. What a
browser adds (the live socket, rendering) is in test_console_browser.py.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
from datetime import timedelta
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from vikno.bots.keys import ENGINE
from vikno.bots.webchat import WEBCHAT_HUB
from vikno.flows.content import Text
from vikno.flows.messages import Inbound, Kind
from vikno.handoff.console import RELEASE_AFTER, RELEASE_EVERY, i18n, setup_console
from vikno.handoff.console.ratelimit import LOGIN_FAILURES_PER_WINDOW

from .conftest import CRISIS_TEXT, Agent, ConsoleSite, console_app

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


async def with_chat(
    site: ConsoleSite, login: str = "olena", key: str = "anna", lang: str | None = None, **kw
) -> tuple[Agent, str]:
    """An operator logged in (browser language ``lang``), holding the chat of a person who asked for someone.

    She logs in, then goes online, as in the console: the console's upkeep sets an operator
    online without a live session offline.
    """
    await site.operator(login, online=False, **kw)
    await site.agent().say(key, button="person")
    op = site.agent(lang)
    assert (await op.log_in(login)).status == 303
    assert (await op.post("/console/presence", {"presence": "online"}, json_reply=True)).status == 200
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 200, await resp.text()
    return op, (await resp.json())["conversation_id"]


async def texts(site: ConsoleSite, cid: str) -> list[tuple[str, str, str | None]]:
    return [(m.direction, m.sender, m.text) for m in await site.store.messages.history(cid, include_notes=True)]


# --- logging in and out ---------------------------------------------------------


async def test_login_sets_a_strict_http_only_cookie_and_logout_ends_the_session(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent()
    assert (await op.get("/console/queue")).headers["Location"] == "/console/login"
    resp = await op.log_in("olena")
    assert resp.status == 303 and resp.headers["Location"] == "/console/queue"
    cookie = resp.cookies["vikno_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    assert not cookie["secure"]  # plain http in the test; https public_url turns it on (below)
    assert (await op.get("/console/queue")).status == 200
    token = cookie.value
    resp = await op.post("/console/logout")
    assert resp.status == 303 and resp.headers["Location"] == "/console/login"
    assert (await op.get("/console/queue")).status == 303
    assert (await op.get("/console/api/queue")).status == 401
    # the old token is dead on the server, not only forgotten by this client
    replay = site.agent()
    replay.http.cookie_jar.update_cookies({"vikno_console": token})
    assert (await replay.get("/console/api/queue")).status == 401
    assert (await site.store.operators.by_login("olena")).presence == "offline"


async def test_cookie_is_secure_behind_an_https_public_url(tmp_path: Path) -> None:
    server = TestServer(console_app(tmp_path / "data", VIKNO_PUBLIC_URL="https://help.example.org"), host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    try:
        await site.operator("olena")
        op = site.agent()
        page = await op.get("/console/login")
        assert page.cookies["vikno_console_login"]["secure"]
        # a Secure cookie is not sent back over http, so this log-in attempt must fail the form check
        token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        resp = await op.http.post(
            op.url("/console/login"),
            allow_redirects=False,
            data={"csrf": token, "login": "olena", "password": "correct horse battery"},
            cookies={"vikno_console_login": token},
        )
        assert resp.status == 303 and resp.cookies["vikno_console"]["secure"]
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()


async def test_wrong_password_then_the_login_locks_from_that_address(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent("en")
    resp = await op.log_in("olena", "not the password")
    assert resp.status == 401 and "Wrong login or password" in await resp.text()
    assert "vikno_console" not in resp.cookies
    for _ in range(4):
        await op.log_in("olena", "still not it")
    resp = await op.log_in("olena")  # the right password, but refused unchecked now, in the same words
    assert resp.status == 429 and int(resp.headers["Retry-After"]) > 0
    assert "Wrong login or password, or too many attempts" in await resp.text()
    assert (await op.get("/console/api/queue")).status == 401


async def test_failures_from_one_address_do_not_lock_out_other_logins(site: ConsoleSite) -> None:
    """Item 3: an office behind one address; one noisy colleague (or script) must not lock out everyone."""
    await site.operator("olena")
    op = site.agent("en")
    for n in range(10):
        assert (await op.log_in(f"nobody{n}", "guess-guess-guess")).status == 401
    for _ in range(6):
        await op.log_in("petro", "guess-guess-guess")
    assert (await op.log_in("olena")).status == 303
    # spraying many logins from one address is stopped, in the same words
    sprayer = site.agent("en")
    for n in range(LOGIN_FAILURES_PER_WINDOW - 10):
        await sprayer.log_in(f"spray{n}", "guess-guess-guess")
    resp = await sprayer.log_in("olena")
    assert resp.status == 429 and "Wrong login or password, or too many attempts" in await resp.text()


async def test_the_login_form_needs_its_own_token(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent()
    resp = await op.http.post(
        op.url("/console/login"), allow_redirects=False, data={"login": "olena", "password": "correct horse battery"}
    )
    assert resp.status == 403 and "vikno_console" not in resp.cookies


# --- CSRF, origins, headers -------------------------------------------------------


async def test_posts_without_or_with_a_wrong_csrf_token_change_nothing(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    before = await texts(site, cid)
    await site.agent().say("bora", button="person")
    for csrf in ("", "forged-token"):
        for path, data in [
            (f"/console/c/{cid}/reply", {"text": "hello"}),
            (f"/console/c/{cid}/note", {"text": "note"}),
            (f"/console/c/{cid}/close", {"category": "violence", "outcome": "resolved"}),
            (f"/console/c/{cid}/block", {"duration": "24h"}),
            ("/console/presence", {"presence": "offline"}),
            ("/console/take-next", {}),
        ]:
            resp = await op.post(path, data, csrf=csrf)
            assert resp.status == 403, (path, csrf)
    # the token is right but the form came from another site
    resp = await op.post(f"/console/c/{cid}/reply", {"text": "hello"}, headers={"Origin": "https://evil.example"})
    assert resp.status == 403
    assert await texts(site, cid) == before
    conv = await site.store.conversations.get(cid)
    assert conv.state == "with_operator"
    assert (await site.store.operators.by_login("olena")).presence == "online"
    assert len((await op.queue())["queue"]) == 1  # the other person still waits
    # the header works as well as the field (the script's way)
    resp = await op.http.post(
        op.url(f"/console/c/{cid}/reply"),
        data={"text": "via header"},
        headers={"X-CSRF-Token": op.csrf, "Accept": "application/json"},
    )
    assert resp.status == 200


async def test_security_headers_on_every_console_answer(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    paths = [
        "/console/login",
        "/console/queue",
        f"/console/c/{cid}",
        "/console/api/queue",
        f"/console/api/c/{cid}",
        "/console/static/console.js",
        "/console/c/nope",
        "/console/supervisor",
    ]
    for path in paths:
        resp = await op.get(path)
        h = resp.headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, path
        assert h["X-Frame-Options"] == "DENY" and h["Referrer-Policy"] == "no-referrer", path
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Cache-Control"] in ("no-store", "no-cache"), path
        if "static" not in path:
            assert h["Cache-Control"] == "no-store", path
        if h.get("Content-Type", "").startswith("text/html"):
            html = await resp.text()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path  # no inline script
            assert not re.search(r"<[^>]+\son[a-z]+=", html), path  # no inline event handlers
    assert (await site.agent().get("/console/login")).headers["X-Frame-Options"] == "DENY"


# --- who may see and do what ---------------------------------------------------------


async def test_an_operator_cannot_open_or_act_on_another_operators_chat(site: ConsoleSite) -> None:
    _, cid = await with_chat(site, "olena")
    await site.operator("petro")
    petro = site.agent()
    await petro.log_in("petro")
    before = await texts(site, cid)
    assert (await petro.get(f"/console/c/{cid}")).status == 403
    assert (await petro.get(f"/console/api/c/{cid}")).status == 403
    for path, data in [
        (f"/console/c/{cid}/reply", {"text": "mine now"}),
        (f"/console/c/{cid}/note", {"text": "sneaky"}),
        (f"/console/c/{cid}/transfer", {"target": "team:protection"}),
        (f"/console/c/{cid}/close", {"category": "violence", "outcome": "resolved"}),
        (f"/console/c/{cid}/block", {"duration": "24h"}),
        (f"/console/c/{cid}/takeover", {}),
        (f"/console/c/{cid}/typing", {}),
    ]:
        resp = await petro.post(path, data, json_reply=True)
        assert resp.status == 403, path
        assert "error" in await resp.json()
    assert (await petro.get("/console/supervisor")).status == 403
    assert (await petro.get("/console/api/supervisor")).status == 403
    assert await texts(site, cid) == before
    conv = await site.store.conversations.get(cid)
    assert conv.state == "with_operator" and conv.operator_id == (await site.store.operators.by_login("olena")).id
    assert (await petro.get("/console/c/not-a-conversation")).status == 404


async def test_a_supervisor_sees_every_chat_takes_over_and_reassigns(site: ConsoleSite) -> None:
    olena_agent, cid = await with_chat(site, "olena")
    petro = await site.operator("petro")
    await site.operator("sofia", role="supervisor")
    sup = site.agent("en")
    await sup.log_in("sofia")
    page = await sup.get(f"/console/c/{cid}")
    assert page.status == 200 and "Take over this chat" in await page.text()
    await site.agent().say("waiting-1", button="person")
    await site.agent().say("waiting-2", text=CRISIS_TEXT)
    figures = await (await sup.get("/console/api/supervisor")).json()
    assert figures["online"] == 3 and [c["id"] for c in figures["chats"]] == [cid]
    assert {o["name"]: o["chats"] for o in figures["operators"]}["olena"] == 1
    counts = {p["priority"]: p["count"] for p in figures["by_priority"]}
    assert figures["waiting"] == 2 and counts["crisis"] == 1 and counts["request"] == 1
    assert figures["longest_wait_seconds"] is not None
    resp = await sup.post(f"/console/c/{cid}/takeover", json_reply=True)
    assert resp.status == 200, await resp.text()
    sofia = await site.store.operators.by_login("sofia")
    assert (await site.store.conversations.get(cid)).operator_id == sofia.id
    assert (await olena_agent.get(f"/console/api/c/{cid}")).status == 403  # no longer hers
    resp = await sup.post(f"/console/c/{cid}/reply", {"text": "Supervisor here."}, json_reply=True)
    assert resp.status == 200
    resp = await sup.post(
        f"/console/c/{cid}/transfer", {"target": f"operator:{petro.id}", "note": "for you"}, json_reply=True
    )
    assert resp.status == 200 and (await resp.json())["redirect"] == "/console/queue"
    assert (await site.store.conversations.get(cid)).operator_id == petro.id


async def test_the_supervisor_page_flags_a_waiting_chat_nobody_online_can_take(site: ConsoleSite) -> None:
    """A chat in a language nobody online speaks waited unnoticed (issue 25): the supervisor sees it, and why."""
    await site.operator("olena", languages=["uk"], teams=["social"])
    await site.operator("sofia", role="supervisor", languages=["uk"], teams=["social"])
    await site.agent().say("uk-1", text="Доброго дня, мені потрібна допомога з субсидією")
    await site.agent().say("uk-1", button="person")
    await site.agent().say("en-1", text="Hello, I need help with my housing benefit please")
    await site.agent().say("en-1", button="person")
    sup = site.agent("en")
    await sup.log_in("sofia")
    figures = await (await sup.get("/console/api/supervisor")).json()
    assert figures["waiting"] == 2
    (stranded,) = figures["stranded"]
    english = await site.store.conversations.get(stranded["id"])
    assert english.language == "en" and stranded["why"] == "nobody online speaks English"
    html = unescape(await (await sup.get("/console/supervisor")).text())
    assert "Waiting, and nobody online can take them" in html and "nobody online speaks English" in html
    # someone who speaks English comes online: nothing is flagged any more
    await site.operator("john", languages=["en"])
    figures = await (await sup.get("/console/api/supervisor")).json()
    assert figures["stranded"] == []
    html = await (await sup.get("/console/supervisor")).text()
    assert '<section id="stranded-box" class="stranded" hidden>' in html


async def test_the_supervisor_page_says_when_a_team_or_the_whole_line_has_nobody_online(site: ConsoleSite) -> None:
    await site.operator("sofia", role="supervisor", teams=["social"], online=False)
    await site.agent().say("w-1", button="person")
    sup = site.agent("uk")
    await sup.log_in("sofia")
    (flagged,) = (await (await sup.get("/console/api/supervisor")).json())["stranded"]
    assert flagged["why"] == "нікого з цієї лінії немає онлайн"
    conv = await site.store.conversations.get(flagged["id"])  # routed to the other team
    conv.team = "protection"
    await site.store.conversations.save(conv)
    await site.operator("petro", teams=["social"])
    (flagged,) = (await (await sup.get("/console/api/supervisor")).json())["stranded"]
    assert flagged["why"] == "ніхто онлайн не працює в команді «Захист від насильства та кризові випадки»"


async def test_two_operators_pick_the_same_chat_and_one_gets_a_clear_error(site: ConsoleSite) -> None:
    await site.operator("olena")
    await site.operator("petro")
    await site.agent().say("anna", button="person")
    a, b = site.agent("en"), site.agent("en")
    await a.log_in("olena")
    await b.log_in("petro")
    cid = (await a.queue())["queue"][0]["id"]
    first, second = await asyncio.gather(
        a.post(f"/console/c/{cid}/pick", json_reply=True), b.post(f"/console/c/{cid}/pick", json_reply=True)
    )
    statuses = sorted([first.status, second.status])
    assert statuses == [200, 409]
    loser = first if first.status == 409 else second
    assert "another operator has taken it" in (await loser.json())["error"]
    # without the script: an error page, escaped, with the same words
    resp = await b.post(f"/console/c/{cid}/pick")
    assert resp.status == 409 and "another operator has taken it" in await resp.text()


async def test_presence_controls_taking_and_going_offline_requeues(site: ConsoleSite) -> None:
    op, cid = await with_chat(site, lang="en")
    resp = await op.post("/console/presence", {"presence": "away"}, json_reply=True)
    assert resp.status == 200
    await site.agent().say("bora", button="person")
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 409 and "online" in (await resp.json())["error"]
    assert (await op.post("/console/presence", {"presence": "invisible"}, json_reply=True)).status == 422
    await op.post("/console/presence", {"presence": "offline"})
    conv = await site.store.conversations.get(cid)
    assert conv.state == "waiting" and conv.operator_id is None


# --- what is shown ------------------------------------------------------------------------


async def test_user_text_is_escaped_in_the_chat_page(site: ConsoleSite) -> None:
    await site.operator("olena")
    person = site.agent()
    await person.say("mallory", button="person")
    for payload in XSS:
        await person.say("mallory", text=payload)
    op = site.agent()
    await op.log_in("olena")
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    html = await (await op.get(f"/console/c/{cid}")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    data = await (await op.get(f"/console/api/c/{cid}")).json()
    assert [m["text"] for m in data["messages"] if m["sender"] == "user"][-2:] == XSS  # raw in JSON, as text


async def test_a_sticker_or_photo_shows_what_it_was_not_an_empty_bubble(site: ConsoleSite) -> None:
    """A sticker showed as an empty bubble (issue 25): nothing of it is kept, but the operator sees
    that something came, in the console's language, and a photo's caption with it."""
    op, cid = await with_chat(site, lang="uk")
    engine = site.app[ENGINE]
    await engine.handle(Inbound(channel="rest", user_id="anna", kind=Kind.STICKER, platform_id="anna:s1"))
    await engine.handle(
        Inbound(channel="rest", user_id="anna", kind=Kind.PHOTO, text="це моя довідка", platform_id="anna:p1")
    )
    await engine.handle(Inbound(channel="rest", user_id="anna", kind=Kind.OTHER, platform_id="anna:o1"))
    data = await (await op.get(f"/console/api/c/{cid}")).json()
    shown = [m["text"] for m in data["messages"] if m["sender"] == "user"][-3:]
    assert shown == ["[стікер]", "[фото] це моя довідка", "[повідомлення не текстом]"]
    html = unescape(await (await op.get(f"/console/c/{cid}")).text())
    assert '<p class="text" dir="auto">[стікер]</p>' in html
    english = site.agent("en")
    await english.log_in("olena")
    data = await (await english.get(f"/console/api/c/{cid}")).json()
    assert [m["text"] for m in data["messages"] if m["sender"] == "user"][-3:] == [
        "[sticker]",
        "[photo] це моя довідка",
        "[a message that is not text]",
    ]


async def test_the_chat_shows_a_pseudonym_never_the_channel_id(site: ConsoleSite) -> None:
    op, cid = await with_chat(site, key="tel-380501234567")
    html = await (await op.get(f"/console/c/{cid}")).text()
    conv = await site.store.conversations.get(cid)
    assert "380501234567" not in html and conv.user_key not in html and conv.address not in html
    assert re.search(r"#[0-9A-F]{4}-[0-9A-F]{4}", html)
    queue = await op.queue()
    assert "380501234567" not in str(queue) and conv.user_key not in str(queue)


async def test_canned_replies_in_the_conversation_language(site: ConsoleSite, monkeypatch) -> None:
    line = site.handoff.helplines["community-1620"]
    monkeypatch.setattr(
        line,
        "canned",
        [
            SimpleNamespace(
                id="hello",
                title=Text({"uk": "Привітання", "en": "Greeting", "ru": "Привет", "az": "Salam"}),
                text=Text(
                    {
                        "uk": "Вітаю, {helpline}, це {operator}.",
                        "en": "Hi, {operator} of {helpline} here.",
                        "ru": "Здравствуйте, {operator}.",
                        "az": "Salam, {operator}.",
                    }
                ),
            )
        ],
        raising=False,
    )
    op, cid = await with_chat(site, display_name="Олена")
    html = await (await op.get(f"/console/c/{cid}")).text()
    assert "Привітання" in html and 'data-text="Вітаю, Служба підтримки 1620, це Олена."' in html


# --- closing, transferring, notes, blocking ------------------------------------------------


async def test_closing_needs_a_valid_category_and_outcome_then_the_bot_is_back(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    for data in [
        {"outcome": "resolved"},
        {"category": "made_up", "outcome": "resolved"},
        {"category": "violence"},
        {"category": "violence", "outcome": "happy"},
    ]:
        resp = await op.post(f"/console/c/{cid}/close", data, json_reply=True)
        assert resp.status == 422, data
        assert (await site.store.conversations.get(cid)).state == "with_operator"
    resp = await op.post(
        f"/console/c/{cid}/close",
        {"category": "topic:elderly_care", "outcome": "referred", "note": "sent to the social service"},
    )
    assert resp.status == 303 and resp.headers["Location"] == "/console/queue"
    conv = await site.store.conversations.get(cid)
    assert conv.state == "closed" and conv.data["wrapup"]["category"] == "topic:elderly_care"
    reply = await site.agents[0].say("anna", text="ще питання")
    assert reply["conversation"]["state"] == "bot" and reply["replies"]


async def test_transfer_to_a_team_and_to_an_online_colleague(site: ConsoleSite) -> None:
    op, cid = await with_chat(site, "olena", lang="en")
    olena = await site.store.operators.by_login("olena")
    await site.operator("offline-one", online=False)
    off = await site.store.operators.by_login("offline-one")
    resp = await op.post(f"/console/c/{cid}/transfer", {"target": f"operator:{off.id}"}, json_reply=True)
    assert resp.status == 422 and "not online" in (await resp.json())["error"]
    assert (await op.post(f"/console/c/{cid}/transfer", {"target": "team:nope"}, json_reply=True)).status == 422
    resp = await op.post(
        f"/console/c/{cid}/transfer", {"target": "team:protection", "note": "violence at home"}, json_reply=True
    )
    assert resp.status == 200 and (await resp.json())["redirect"] == "/console/queue"
    conv = await site.store.conversations.get(cid)
    assert conv.state == "waiting" and conv.team == "protection"
    assert ("internal", "operator", "violence at home") in await texts(site, cid)
    await site.operator("petro", teams=["protection"])
    petro = site.agent()
    await petro.log_in("petro")
    assert [c["id"] for c in (await petro.queue())["queue"]] == [cid]
    assert (await petro.post("/console/take-next", json_reply=True)).status == 200
    resp = await petro.post(f"/console/c/{cid}/transfer", {"target": f"operator:{olena.id}"}, json_reply=True)
    assert resp.status == 200
    assert (await site.store.conversations.get(cid)).operator_id == olena.id


async def test_an_internal_note_is_never_shown_to_the_person(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    assert (await op.post(f"/console/c/{cid}/note", {"text": "neighbour, needs a social worker"})).status == 303
    assert (await op.post(f"/console/c/{cid}/reply", {"text": "Добрий день!"})).status == 303
    person = site.agents[0]
    history = [m["text"] for m in await person.history("anna")]
    assert "Добрий день!" in history
    assert not any("neighbour" in (t or "") for t in history)
    chat = await (await op.get(f"/console/api/c/{cid}")).json()
    notes = [m for m in chat["messages"] if m["sender"] == "note"]
    assert notes[0]["text"] == "neighbour, needs a social worker" and notes[0]["author"] == "olena"


async def test_blocking_closes_and_keeps_the_person_out_of_the_queue(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    assert (await op.post(f"/console/c/{cid}/block", {"duration": "forever"}, json_reply=True)).status == 422
    assert (await op.post(f"/console/c/{cid}/block", {"duration": "24h"}, json_reply=True)).status == 200
    conv = await site.store.conversations.get(cid)
    assert conv.state == "closed" and conv.data["blocked_until"]
    again = await site.agents[0].say("anna", button="person")
    assert again["conversation"]["state"] == "closed"


# --- live: the socket and the typing indicator --------------------------------------------


async def test_the_socket_needs_a_session_and_the_same_origin_and_forwards_crises(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent()
    ws_url = op.url("/console/ws")
    with pytest.raises(aiohttp.WSServerHandshakeError) as anonymous:
        await op.http.ws_connect(ws_url, origin=site.base)
    assert anonymous.value.status == 401
    await op.log_in("olena")
    with pytest.raises(aiohttp.WSServerHandshakeError) as foreign:
        await op.http.ws_connect(ws_url, origin="https://evil.example")
    assert foreign.value.status == 403
    async with op.http.ws_connect(ws_url, origin=site.base) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "hello"
        await site.agent().say("bob", text=CRISIS_TEXT)
        seen = []
        while not any(n["type"] == "crisis" for n in seen):
            seen.append(await ws.receive_json(timeout=5))
        crisis = next(n for n in seen if n["type"] == "crisis")
        assert set(crisis) <= {"type", "conversation_id", "priority", "state", "presence"}
    queue = (await op.queue())["queue"]
    assert queue[0]["priority"] == "crisis"


async def test_typing_reaches_an_open_web_chat_at_most_every_two_seconds(site: ConsoleSite) -> None:
    await site.operator("olena")
    await site.app[ENGINE].handle(Inbound(channel="webchat", user_id="w1", button="person", kind=Kind.BUTTON))
    sent: list[tuple[str, dict]] = []

    async def publish(conversation_id: str, event: dict) -> None:
        sent.append((conversation_id, event))

    site.app[WEBCHAT_HUB].publish = publish  # type: ignore[method-assign]  # the hub the web chat's entry publishes on
    op = site.agent()
    await op.log_in("olena")
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    sent.clear()  # "operator joined" went out on the same hook
    for _ in range(3):
        assert (await op.post(f"/console/c/{cid}/typing", json_reply=True)).status == 204
    assert sent == [(cid, {"type": "typing", "who": "operator", "on": True})]


async def test_unanswered_chats_go_back_to_the_queue_in_the_background(tmp_path: Path) -> None:
    assert RELEASE_EVERY == timedelta(seconds=30) and RELEASE_AFTER == timedelta(minutes=10)
    app = console_app(
        tmp_path / "data", console={"release_every": timedelta(seconds=0.05), "release_after": timedelta(seconds=0.2)}
    )
    setup_console(app)  # a second call (build_app may make one) changes nothing
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    site = ConsoleSite(server)
    try:
        op, cid = await with_chat(site)
        for _ in range(100):
            if (await site.store.conversations.get(cid)).state == "waiting":
                break
            await asyncio.sleep(0.05)
        conv = await site.store.conversations.get(cid)
        assert conv.state == "waiting" and conv.operator_id is None
        assert [c["id"] for c in (await op.queue())["queue"]] == [cid]
    finally:
        for agent in site.agents:
            await agent.close()
        await server.close()


# --- the interface language -----------------------------------------------------------------

TEMPLATES = Path(i18n.__file__).parent / "templates"
SCRIPT = Path(i18n.__file__).parent / "static" / "console.js"
CONSOLE_CODE = Path(i18n.__file__).parent


async def test_the_console_speaks_ukrainian_by_default(site: ConsoleSite) -> None:
    op = site.agent()  # no Accept-Language, no choice made
    resp = await op.get("/console/login")
    html = await resp.text()
    assert '<html lang="uk">' in html and resp.headers["Content-Language"] == "uk"
    assert "Консоль оператора" in html and ">Увійти</button>" in html and "Пароль" in html
    assert "Operator console" not in html
    await site.operator("olena")
    resp = await op.log_in("olena", "not the password")
    assert resp.status == 401 and "Неправильний логін або пароль, або забагато спроб." in await resp.text()
    assert (await op.log_in("olena")).status == 303
    html = await (await op.get("/console/queue")).text()
    assert '<html lang="uk">' in html
    assert 'id="take-next">Взяти наступний</button>' in html and "Ніхто не очікує." in html
    assert ">Онлайн</button>" in html and "(оператор)" in html and "Take next" not in html
    # the script's words come in the same language, as data (the CSP allows no inline script)
    strings = re.search(r'data-strings="([^"]*)"', html).group(1)
    assert json.loads(unescape(strings)) == i18n.script_strings("uk")
    # JSON reads and errors too: labels and the Handoff service's messages
    await site.agent().say("anna", text=CRISIS_TEXT)
    item = (await op.queue())["queue"][0]
    assert item["priority_label"] == "Криза" and item["language_label"] == "Українська"
    assert item["channel_label"] == "Застосунок (REST)"
    await op.post("/console/presence", {"presence": "away"})
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 409 and (await resp.json())["error"] == "щоб брати розмови, встановіть статус «Онлайн»"
    resp = await op.get("/console/c/not-a-conversation")  # an error page, not only JSON
    assert resp.status == 404 and "такої розмови немає" in await resp.text()


async def test_the_chat_page_and_its_errors_in_ukrainian(site: ConsoleSite) -> None:
    op, cid = await with_chat(site)
    html = await (await op.get(f"/console/c/{cid}")).text()
    assert '<html lang="uk">' in html
    for words in (
        "Закрити чат",
        "Внутрішня нотатка",
        "Оберіть…",
        "Насильство",
        "Вирішено",
        "24 години",
        'placeholder="Відповідь людині…"',
        'data-confirm="Заблокувати цю людину й закрити чат?"',
        'aria-label="Мова інтерфейсу"',
        "з оператором",
    ):
        assert words in html, words
    assert "Close chat" not in html and "Violence" not in html
    resp = await op.post(f"/console/c/{cid}/close", {"outcome": "resolved"}, json_reply=True)
    assert (await resp.json())["error"] == "оберіть категорію підсумку зі списку"
    resp = await op.post(f"/console/c/{cid}/close", {"category": "violence", "outcome": "happy"}, json_reply=True)
    assert (await resp.json())["error"].startswith("оберіть результат: Вирішено, Скеровано")
    resp = await op.post(f"/console/c/{cid}/block", {"duration": "forever"}, json_reply=True)
    assert (await resp.json())["error"] == "оберіть, на скільки заблокувати: 1 годину, 24 години, 7 днів, 30 днів"
    resp = await op.post(f"/console/c/{cid}/note", {"text": "  "}, json_reply=True)
    assert (await resp.json())["error"] == "нотатка порожня"
    # the same in English for an English-speaking browser
    op.http.headers["Accept-Language"] = "en-GB,en;q=0.9"
    html = await (await op.get(f"/console/c/{cid}")).text()
    assert '<html lang="en">' in html and "Close chat" in html and "Violence" in html and "24 hours" in html
    resp = await op.post(f"/console/c/{cid}/close", {"outcome": "resolved"}, json_reply=True)
    assert (await resp.json())["error"] == "choose a wrap-up category from the list"


async def test_accept_language_english_gives_english(site: ConsoleSite) -> None:
    html = await (await site.agent("en").get("/console/login")).text()
    assert '<html lang="en">' in html and "Operator console" in html and ">Log in</button>" in html
    assert "Консоль оператора" not in html
    await site.operator("olena")
    op = site.agent("en-US,en;q=0.9,uk;q=0.5")
    await op.log_in("olena")
    resp = await op.get("/console/queue")
    html = await resp.text()
    assert resp.headers["Content-Language"] == "en" and 'id="take-next">Take next</button>' in html
    resp = await op.post("/console/take-next", json_reply=True)
    assert (await resp.json())["error"] == "nobody is waiting whom you can take right now"
    # the browser's order and weights decide; unsupported languages are skipped; else Ukrainian
    for header, lang in [
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("uk-UA", "uk"),
        ("en;q=0.4,uk;q=0.8", "uk"),
        ("de", "uk"),
        ("en;q=0", "uk"),
        ("*", "uk"),
        ("fr, EN-gb;q=0.3", "en"),
        ("", "uk"),
        ("ru", "ru"),
        ("ru-RU,ru;q=0.9,uk;q=0.8", "ru"),
        ("az-Latn-AZ,az;q=0.9,ru;q=0.8", "az"),
        ("tr, az;q=0.7, ru;q=0.9", "ru"),
        ("az-AZ", "az"),
    ]:
        assert i18n.choose(None, header) == lang, header
        resp = await site.agent(header or None).get("/console/login")
        assert f'<html lang="{lang}">' in await resp.text(), header


async def test_the_language_switch_is_remembered_in_a_cookie(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent("en")  # the browser asks for English...
    html = await (await op.get("/console/login")).text()
    assert 'href="/console/lang?lang=uk&amp;next=/console/login"' in html
    resp = await op.get("/console/lang?lang=uk&next=/console/login")  # ...the operator picks Ukrainian
    assert resp.status == 303 and resp.headers["Location"] == "/console/login"
    cookie = resp.cookies["vikno_console_lang"]
    assert cookie.value == "uk" and cookie["path"] == "/console" and cookie["samesite"] == "Strict"
    assert cookie["httponly"] and int(cookie["max-age"]) > 30 * 24 * 3600
    assert '<html lang="uk">' in await (await op.get("/console/login")).text()
    await op.log_in("olena")
    html = await (await op.get("/console/queue")).text()
    assert '<html lang="uk">' in html and "Взяти наступний" in html
    assert 'href="/console/lang?lang=en&amp;next=/console/queue"' in html
    resp = await op.post("/console/take-next", json_reply=True)  # the script's calls carry the cookie too
    assert (await resp.json())["error"] == "зараз немає нікого в черзі, кого ви можете взяти"
    # logging out keeps the choice (it belongs to the browser, not to the session)
    await op.post("/console/logout")
    assert '<html lang="uk">' in await (await op.get("/console/login")).text()
    # and back to English
    resp = await op.get("/console/lang?lang=en&next=/console/queue")
    assert resp.cookies["vikno_console_lang"].value == "en"
    assert '<html lang="en">' in await (await op.get("/console/login")).text()
    # an unknown language changes nothing; the way back never leaves the console
    resp = await op.get("/console/lang?lang=xx&next=/console/login")
    assert resp.status == 303 and "vikno_console_lang" not in resp.cookies
    for target in [
        "https://evil.example/",
        "//evil.example/console",
        "/console/../x",
        "/elsewhere",
        "/console/queue?x=1",
        "/console\\evil",
        "",
    ]:
        resp = await op.get(f"/console/lang?lang=uk&next={quote(target)}")
        assert resp.status == 303 and resp.headers["Location"] == "/console/queue", target
    # a cookie with a language the console does not have is ignored
    other = site.agent("en")
    other.http.cookie_jar.update_cookies({"vikno_console_lang": "xx"})
    assert '<html lang="en">' in await (await other.get("/console/login")).text()


async def test_accept_language_azerbaijani_gives_azerbaijani(site: ConsoleSite) -> None:
    resp = await site.agent("az-Latn-AZ,az;q=0.9,ru;q=0.8").get("/console/login")
    html = await resp.text()
    assert '<html lang="az">' in html and resp.headers["Content-Language"] == "az"
    assert "Operator konsolu" in html and ">Daxil ol</button>" in html and "Şifrə" in html
    assert "Консоль оператора" not in html and "Operator console" not in html
    # the switch lists every language, each under its own name, in the catalogues' order
    switch = re.findall(
        r'<a href="/console/lang\?lang=([a-z]+)&amp;next=/console/login" lang="\1" hreflang="\1" '
        r'title="([^"]+)"( aria-current="true")?>([^<]+)</a>',
        html,
    )
    assert [(code, name, short) for code, name, _, short in switch] == [
        ("uk", "Українська", "УКР"),
        ("ru", "Русский", "РУС"),
        ("az", "Azərbaycanca", "AZ"),
        ("en", "English", "EN"),
    ]
    assert [code for code, _, current, _ in switch if current] == ["az"]
    op, cid = await with_chat(site, lang="az")
    html = await (await op.get("/console/queue")).text()
    assert '<html lang="az">' in html and "Mənim çatlarım" in html and 'id="take-next">Növbətini götür</button>' in html
    assert ">Onlayn</button>" in html and "(operator)" in html and "Take next" not in html
    strings = re.search(r'data-strings="([^"]*)"', html).group(1)
    assert json.loads(unescape(strings)) == i18n.script_strings("az")
    resp = await op.get(f"/console/c/{cid}")
    html = await resp.text()
    assert '<html lang="az">' in html and resp.headers["Content-Language"] == "az"
    for words in (
        "Çatı bağla",
        "Daxili qeyd",
        "Seçin…",
        "Zorakılıq",
        "Ailə münasibətləri",
        "Həll edildi",
        "Sonrakı müşayiət tələb olunur",
        "24 saat",
        'placeholder="Müraciət edənə cavab…"',
        'data-confirm="Bu şəxs bloklansın və çat bağlansın?"',
        'aria-label="İnterfeys dili"',
        "operatorla",
    ):
        assert words in html, words
    assert "Close chat" not in html and "Закрити чат" not in html and "Violence" not in html
    resp = await op.post(f"/console/c/{cid}/close", {"outcome": "resolved"}, json_reply=True)
    assert (await resp.json())["error"] == "siyahıdan yekun kateqoriyasını seçin"
    resp = await op.post(f"/console/c/{cid}/close", {"category": "violence", "outcome": "happy"}, json_reply=True)
    assert (await resp.json())["error"] == (
        "nəticəni seçin: Həll edildi, Yönləndirildi, Sonrakı müşayiət tələb olunur, Təhqiramiz söhbət"
    )
    resp = await op.post(f"/console/c/{cid}/block", {"duration": "forever"}, json_reply=True)
    assert (await resp.json())["error"] == "bloklama müddətini seçin: 1 saat, 24 saat, 7 gün, 30 gün"
    resp = await op.get("/console/c/not-a-conversation")  # a Handoff service message, on an error page
    assert resp.status == 404 and "belə söhbət yoxdur" in await resp.text()


async def test_russian_chosen_in_the_switch_beats_the_browser(site: ConsoleSite) -> None:
    await site.operator("olena")
    op = site.agent("az")  # the browser asks for Azerbaijani...
    resp = await op.get("/console/lang?lang=ru&next=/console/login")  # ...the operator picks Russian
    assert resp.status == 303 and resp.cookies["vikno_console_lang"].value == "ru"
    resp = await op.get("/console/login")
    html = await resp.text()
    assert '<html lang="ru">' in html and resp.headers["Content-Language"] == "ru"
    assert "Консоль оператора" in html and ">Войти</button>" in html and "Operator konsolu" not in html
    resp = await op.log_in("olena", "not the password")
    assert resp.status == 401 and "Неверный логин или пароль, или слишком много попыток." in await resp.text()
    assert (await op.log_in("olena")).status == 303
    html = await (await op.get("/console/queue")).text()
    assert '<html lang="ru">' in html and 'id="take-next">Взять следующий</button>' in html
    assert "Никто не ожидает." in html and ">Онлайн</button>" in html and "(оператор)" in html
    assert "Взяти наступний" not in html and "Növbətini götür" not in html
    strings = re.search(r'data-strings="([^"]*)"', html).group(1)
    assert json.loads(unescape(strings)) == i18n.script_strings("ru")
    resp = await op.post("/console/take-next", json_reply=True)
    assert (await resp.json())["error"] == "сейчас в очереди нет никого, кого вы можете взять"
    await site.agent().say("anna", text=CRISIS_TEXT)
    item = (await op.queue())["queue"][0]
    assert item["priority_label"] == "Кризис" and item["language_label"] == "Украинский"
    assert item["channel_label"] == "Приложение (REST)"
    await op.post("/console/presence", {"presence": "away"})
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 409 and (await resp.json())["error"] == "чтобы брать разговоры, установите статус «Онлайн»"
    await op.post("/console/presence", {"presence": "online"})
    resp = await op.post("/console/take-next", json_reply=True)
    cid = (await resp.json())["conversation_id"]
    html = await (await op.get(f"/console/c/{cid}")).text()
    for words in (
        "Закрыть чат",
        "Внутренняя заметка",
        "Выберите…",
        "Насилие",
        "Отношения со сверстниками",
        "Решено",
        "24 часа",
        'placeholder="Ответ абоненту…"',
        'aria-label="Язык интерфейса"',
        'data-confirm="Заблокировать этого человека и закрыть чат?"',
        "с оператором",
    ):
        assert words in html, words
    resp = await op.post(f"/console/c/{cid}/close", {"category": "violence", "outcome": "happy"}, json_reply=True)
    assert (await resp.json())["error"] == (
        "выберите результат: Решено, Перенаправлено, Требуется дальнейшее сопровождение, Оскорбительный разговор"
    )
    resp = await op.post(f"/console/c/{cid}/block", {"duration": "forever"}, json_reply=True)
    assert (await resp.json())["error"] == "выберите, на сколько заблокировать: 1 час, 24 часа, 7 дней, 30 дней"
    # the cookie as a browser sends it, whatever the browser's languages
    other = site.agent("az,en;q=0.5")
    other.http.cookie_jar.update_cookies({"vikno_console_lang": "ru"})
    assert '<html lang="ru">' in await (await other.get("/console/login")).text()
    assert i18n.choose("ru", "az") == "ru" and i18n.choose("az", "ru") == "az"


def test_every_catalogue_has_the_same_keys_and_placeholders() -> None:
    assert i18n.DEFAULT == "uk" and i18n.FALLBACK == "en"
    assert list(i18n.CATALOGUES) == ["uk", "ru", "az", "en"]  # the switch's order
    reference = i18n.CATALOGUES["en"]
    for lang, catalogue in i18n.CATALOGUES.items():
        assert set(catalogue) == set(reference), (lang, set(catalogue) ^ set(reference))
        for key, text in catalogue.items():
            assert text.strip(), (lang, key)
            assert i18n.placeholders(text) == i18n.placeholders(reference[key]), (lang, key)
            assert "<" not in text and ">" not in text.replace("->", ""), (lang, key)  # plain text, never markup
    assert set(i18n.SCRIPT_KEYS) <= set(reference)
    # translated, not copied: only names and international words may stay as in English
    for lang, catalogue in i18n.CATALOGUES.items():
        if lang != "en":
            same = [key for key in reference if catalogue[key] == reference[key]]
            assert len(same) <= 12, (lang, same)
    assert not [k for k, v in i18n.AZ.items() if re.search("[\u0400-\u04ff]", v)]  # Latin script only
    assert not [k for k, v in i18n.RU.items() if re.search("[іїєґʼ]", v, re.I)]  # no Ukrainian letters
    choices = i18n.switch_choices()
    assert len({short for _, short, _ in choices}) == len({name for _, _, name in choices}) == len(i18n.CATALOGUES)


def test_every_wrapup_category_and_outcome_has_a_label_in_every_language() -> None:
    from vikno.handoff.wrapup import CHI_CATEGORIES, OUTCOME_LABELS, Outcome

    assert set(OUTCOME_LABELS) == set(Outcome) and len(CHI_CATEGORIES) == 10
    for kind, table in [("category", CHI_CATEGORIES), ("outcome", OUTCOME_LABELS)]:
        for code, labels in table.items():
            assert set(labels) == set(i18n.CATALOGUES), (kind, code, labels)
            for lang, label in labels.items():
                assert label.strip() == label and label, (kind, code, lang)
                assert "<" not in label and ">" not in label, (kind, code, lang)
        for lang in i18n.CATALOGUES:  # two choices never look the same
            assert len({labels[lang] for labels in table.values()}) == len(table), (kind, lang)
    assert [i18n.chi_label("violence", lang) for lang in ("uk", "ru", "az", "en")] == [
        "Насильство",
        "Насилие",
        "Zorakılıq",
        "Violence",
    ]
    assert [i18n.outcome_label(Outcome.REFERRED, lang) for lang in ("uk", "ru", "az", "en")] == [
        "Скеровано",
        "Перенаправлено",
        "Yönləndirildi",
        "Referred",
    ]
    assert i18n.chi_label("violence", "xx") == "Violence"  # a language the console lacks: English


def test_every_key_the_console_uses_is_in_the_catalogue() -> None:
    keys = set(i18n.CATALOGUES["en"])
    used: dict[str, set[str]] = {}
    for path in TEMPLATES.glob("*.html"):
        used[path.name] = set(re.findall(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""", path.read_text()))
    used["console.js"] = set(re.findall(r'\bT\("([a-z0-9_.]+)"\s*[,)]', SCRIPT.read_text()))
    for path in CONSOLE_CODE.glob("*.py"):
        code = path.read_text()
        used[path.name] = (
            set(re.findall(r'fail\(request, "([a-z0-9_.]+)"', code))
            | set(re.findall(r'Denied\(\d+, "([a-z0-9_.]+)"', code))
            | set(re.findall(r'\bt\("([a-z0-9_.]+)"', code))
            | set(re.findall(r'translator\(request\)\("([a-z0-9_.]+)"', code))
        )
    for name, found in used.items():
        assert found <= keys, (name, found - keys)
    assert sum(map(len, used.values())) > 100  # the scan found the uses
    assert used["console.js"] <= set(i18n.SCRIPT_KEYS)  # the script only gets these
    for prefix, codes in [
        ("priority", ["crisis", "urgent_report", "request", "routine"]),
        ("state", ["bot", "waiting", "with_operator", "closed"]),
        ("presence", ["online", "away", "offline"]),
        ("role", ["operator", "supervisor", "admin"]),
        ("sender", ["note", "operator", "bot", "system"]),
        ("block", ["1h", "24h", "7d", "30d"]),
    ]:
        assert {f"{prefix}.{c}" for c in codes} <= keys, prefix


def test_every_handoff_refusal_carries_a_code_the_console_translates() -> None:
    """A HandoffError says what went wrong as a catalogue key with values; its English words are for logs
    (issue 22: the console used to match those words back with regular expressions)."""
    from vikno.handoff import service

    tree = ast.parse(Path(service.__file__).read_text())
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "HandoffError"
    ]
    assert len(calls) >= 20
    codes = set()
    for call in calls:
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        assert isinstance(code, ast.Constant) and isinstance(code.value, str), ast.unparse(call)
        codes.add(code.value)
    for code in codes:
        assert all(code in catalogue for catalogue in i18n.CATALOGUES.values()), code
        english = i18n.message("en", code, n=3)
        for lang in i18n.CATALOGUES:
            assert lang == "en" or i18n.message(lang, code, n=3) != english, (lang, code)
    assert i18n.message("uk", "error.capacity", n=4) == "ви вже маєте стільки відкритих чатів, скільки можна: 4"
    assert "Offline" in i18n.message("en", "error.presence") or "offline" in i18n.message("en", "error.presence")
    assert i18n.message("uk", "something nobody translated") == "something nobody translated"  # shown as it is


def _visible_text(template: str) -> tuple[list[str], list[str]]:
    """(text between tags, values of attributes people see) with every Jinja construct removed."""
    bare = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", template, flags=re.S)
    attributes = re.findall(r'\b(?:placeholder|title|aria-label|label|alt|data-confirm)="([^"]*)"', bare)
    texts = re.sub(r"<[^>]*>", "\n", bare).split("\n")
    return [t.strip() for t in texts if t.strip()], [a.strip() for a in attributes if a.strip()]


def test_templates_and_the_script_have_no_hard_coded_english() -> None:
    allowed = {"vikno", "·", "—", "/", "(", ")", "←"}
    for path in TEMPLATES.glob("*.html"):
        texts, attributes = _visible_text(path.read_text())
        for text in texts + attributes:
            words = [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in allowed]
            assert not words, (path.name, text)
    # the heuristic sees through markup: a label written into the template would be caught
    assert _visible_text('<button>{{ t("x") }}</button><b>Take next</b><p title="Hi {{ x }}">')[0] == ["Take next"]
    assert _visible_text('<input placeholder="Reply…">')[1] == ["Reply…"]
    script = SCRIPT.read_text()
    shown = re.findall(r'(?:textContent\s*=|flash\(|Notification\(|el\("[a-z]+",\s*[^,()]+,)\s*"([^"]*)"', script)
    assert [s for s in shown if re.search(r"[A-Za-z]", s)] == []
    assert not re.search(r'"[A-Z][a-z]+ [a-z]+[^"]*"', script)  # no English sentence in a string at all
