"""The web chat's websocket protocol through a real aiohttp server on the embedded store."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import WebchatSettings, load_settings
from vikno.bots.keys import ENGINE
from vikno.bots.webchat import WEBCHAT_HUB, WebchatChannel, WebchatHub
from vikno.bots.webchat.protocol import parse_frame, ProtocolError
from vikno.flows.content import load_helplines, shipped_helpline_folders

from ..first_menu import FULL_LIST, SHORT_MENU

EMBEDDER = "https://help.example.org"
Factory = Callable[..., Awaitable[TestClient]]


def with_webchat(app: Any, settings: Any) -> Any:
    """Mount the web chat unless build_app already does (it will, once wired)."""
    if not any(r.resource is not None and r.resource.canonical == "/chat/ws" for r in app.router.routes()):
        WebchatChannel(settings.webchat, settings.public_url, exit_url="http://127.0.0.1:9/exit").install(app)
    return app


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[Factory]:
    clients: list[TestClient] = []

    async def make(**webchat: Any) -> TestClient:
        settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
        settings = settings.model_copy(
            update={"webchat": WebchatSettings(**{"allowed_origins": [EMBEDDER], **webchat})}
        )
        app = with_webchat(build_app(settings, load_helplines(shipped_helpline_folders())), settings)
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.close()


@pytest.fixture
async def client(make_client: Factory) -> TestClient:
    return await make_client()


async def frame(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    msg = await ws.receive(timeout=10)
    assert msg.type == WSMsgType.TEXT, (msg.type, msg.data, msg.extra)
    return json.loads(msg.data)


async def hello(
    client: TestClient, key: str | None = None, **extra: Any
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    ws = await client.ws_connect("/chat/ws")
    await ws.send_json({"type": "hello", "key": key, "lang": "uk", "helpline": None, "last_seen": None, **extra})
    welcome = await frame(ws)
    assert welcome["type"] == "welcome", welcome
    return ws, welcome


async def turn(ws: aiohttp.ClientWebSocketResponse, body: dict[str, Any]) -> tuple[dict, list[dict], dict]:
    """Send one message; returns (ack, replies, conversation) in the order they must come."""
    await ws.send_json(body)
    ack = await frame(ws)
    assert ack["type"] == "ack" and ack["id"] == body["id"], ack
    replies = []
    while (f := await frame(ws))["type"] == "reply":
        assert f["in_reply_to"] == body["id"]
        replies.append(f["message"])
    assert f["type"] == "conversation", f
    return ack, replies, f["conversation"]


async def stored_count(client: TestClient, key: str) -> int:
    engine = client.app[ENGINE]
    conv = await engine.find("webchat", key)
    return 0 if conv is None else await engine.store.messages.count(conv.id)


async def test_hello_without_a_key_gets_a_new_secret_key(client: TestClient) -> None:
    ws, welcome = await hello(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", welcome["key"])
    assert welcome["conversation"] == {
        "state": "bot",
        "language": "uk",
        "topic": None,
        "priority": None,
        "queue_position": None,
    }
    assert welcome["history"] == [] and welcome["helpline"]["id"] == "community-1620"
    assert welcome["helpline"]["languages"] == list(client.app[ENGINE].helpline("community-1620").languages)
    other = (await hello(client))[1]
    assert other["key"] != welcome["key"]
    await ws.close()


async def test_message_is_acked_then_answered_with_a_greeting_and_buttons(client: TestClient) -> None:
    ws, welcome = await hello(client)
    ack, replies, conv = await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    assert ack["duplicate"] is False
    assert ack["message"]["text"] == "Привіт" and ack["message"]["client_id"] == "m1"
    assert ack["message"]["direction"] == "in" and ack["message"]["seq"].isdigit()
    assert len(replies) == 1 and "Служба підтримки 1620" in replies[0]["text"]
    assert {"title", "payload"} == set(replies[0]["buttons"][0])
    assert [b["payload"] for b in replies[0]["buttons"]] == SHORT_MENU  # issue 24: the short first menu
    assert replies[0]["id"] and replies[0]["sender"] == "bot"
    assert conv["state"] == "bot" and conv["language"] == "uk"
    assert await stored_count(client, welcome["key"]) == 2  # committed before the ack


async def test_the_queue_place_goes_when_an_operator_joins(client: TestClient) -> None:
    """The chat kept showing "In queue: 1" after an operator joined (issue 25): the join told the
    person in words, but no new state of the conversation reached the socket."""
    from vikno.bots.keys import HANDOFF
    from vikno.handoff.accounts import create_operator
    from vikno.storage.models import utcnow

    ws, _ = await hello(client)
    await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    _, _, conv = await turn(ws, {"type": "button", "id": "b1", "payload": "person"})
    assert conv["state"] == "waiting" and conv["queue_position"] == 1
    store = client.app[ENGINE].store
    operator = await create_operator(store, "olena", "a long enough password 1", display_name="Олена")
    operator.presence, operator.last_seen_at = "online", utcnow()
    operator = await store.operators.save(operator)
    assert await client.app[HANDOFF].take_next(operator) is not None
    joined = await frame(ws)
    assert joined["type"] == "system_message" and "Олена" in joined["message"]["text"]
    state = await frame(ws)
    assert state == {
        "type": "conversation",
        "conversation": {
            "state": "with_operator",
            "language": "uk",
            "topic": None,
            "priority": "request",
            "queue_position": None,
        },
    }
    await ws.close()


async def test_other_topics_gives_every_topic_and_one_of_them_answers(client: TestClient) -> None:
    ws, _ = await hello(client)
    await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    _, replies, _ = await turn(ws, {"type": "button", "id": "b1", "payload": "topics"})
    assert [b["payload"] for b in replies[0]["buttons"]] == FULL_LIST
    _, replies, conv = await turn(ws, {"type": "button", "id": "b2", "payload": "topic:housing_compensation"})
    assert "компенсац" in replies[0]["text"] and conv["topic"] == "housing_compensation"
    await ws.close()


async def test_button_gets_the_topic_answer(client: TestClient) -> None:
    ws, _ = await hello(client)
    await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    ack, replies, conv = await turn(ws, {"type": "button", "id": "b1", "payload": "topic:elderly_care"})
    assert ack["message"]["button"] == "topic:elderly_care"
    assert "старшого віку" in replies[0]["text"] and conv["topic"] == "elderly_care"
    assert replies[-1]["buttons"]


async def test_reconnect_with_the_key_gets_the_history(client: TestClient) -> None:
    ws, welcome = await hello(client)
    key = welcome["key"]
    _, r1, _ = await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    topic = next(b for b in r1[0]["buttons"] if b["payload"].startswith("topic:"))
    _, r2, _ = await turn(ws, {"type": "button", "id": "b1", "payload": topic["payload"]})
    await ws.close()
    ws2, again = await hello(client, key=key)
    assert again["key"] == key and again["reset"] is True and again["complete"] is True
    history = again["history"]
    assert [(m["direction"], m["sender"]) for m in history] == [
        ("in", "user"),
        ("out", "bot"),
        ("in", "user"),
        ("out", "bot"),
        ("out", "bot"),
    ]
    assert history[0]["client_id"] == "m1" and history[2]["client_id"] == "b1"
    assert history[2]["title"] == topic["title"]  # a pressed button comes back by its title
    assert [m["id"] for m in history[1:2] + history[3:]] == [r["id"] for r in r1 + r2]
    assert all(key not in json.dumps(m) for m in history)  # the key never travels inside messages
    # a client that already holds 4 gets the newest with an overlap, merged by id
    ws3, partial = await hello(client, key=key, last_seen=4)
    assert partial["reset"] is False and [m["id"] for m in partial["history"]] == [m["id"] for m in history]
    ws4, stale = await hello(client, key=key, last_seen=99)
    assert stale["reset"] is True
    for w in (ws2, ws3, ws4):
        await w.close()


async def test_resending_an_unacknowledged_message_makes_no_second_step(client: TestClient) -> None:
    ws, welcome = await hello(client)
    key = welcome["key"]
    _, first, _ = await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    await ws.close()  # say the ack was lost with the connection
    ws2, _ = await hello(client, key=key)
    ack, again, _ = await turn(ws2, {"type": "message", "id": "m1", "text": "Привіт"})
    assert ack["duplicate"] is True
    assert [r["id"] for r in again] == [r["id"] for r in first]  # the client merges by id: nothing shown twice
    assert await stored_count(client, key) == 2


async def test_other_origins_are_refused_before_the_upgrade(client: TestClient) -> None:
    for origin in ("https://evil.example.com", "null", "http://help.example.org"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await client.ws_connect("/chat/ws", headers={"Origin": origin})
        assert caught.value.status == 403, origin
    own = f"http://{client.host}:{client.port}"
    for origin in (EMBEDDER, EMBEDDER + ":443", own):
        ws = await client.ws_connect("/chat/ws", headers={"Origin": origin})
        await ws.send_json({"type": "ping"})
        assert (await frame(ws))["type"] == "pong"
        await ws.close()


async def test_a_refused_origin_is_named_in_the_log_once_a_minute(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The log line said only "origin not allowed": the technical person could not tell which site (issue 25)."""
    caplog.set_level("INFO", logger="vikno")
    for _ in range(3):  # a widget retrying, or a page opening sockets in a loop
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await client.ws_connect("/chat/ws", headers={"Origin": "https://forgotten.example.org"})
    lines = [r for r in caplog.records if "forgotten.example.org" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "WARNING"
    assert "'https://forgotten.example.org'" in lines[0].getMessage()
    assert "webchat.allowed_origins (VIKNO_WEBCHAT_ORIGINS)" in lines[0].getMessage()


async def test_the_origin_check_tells_a_page_whether_its_site_may_open_the_chat(client: TestClient) -> None:
    """A browser does not tell a page why a handshake failed; the widget asks here (issue 25)."""
    for origin, allowed in (("https://forgotten.example.org", False), ("null", False), (EMBEDDER, True)):
        resp = await client.get("/chat/origin", headers={"Origin": origin})
        assert resp.status == 200 and await resp.json() == {"allowed": allowed}
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Cache-Control"] == "no-store"
    resp = await client.get("/chat/origin")  # the chat's own page: same-origin, no Origin header
    assert await resp.json() == {"allowed": True}


async def test_oversize_message_is_an_error_and_nothing_is_stored(make_client: Factory) -> None:
    client = await make_client(max_message_chars=100)
    ws, welcome = await hello(client)
    await ws.send_json({"type": "message", "id": "big", "text": "я" * 101})
    err = await frame(ws)
    assert (err["type"], err["error"], err["id"]) == ("error", "text_too_long", "big")
    assert await client.app[ENGINE].find("webchat", welcome["key"]) is None
    ack, _, _ = await turn(ws, {"type": "message", "id": "ok", "text": "я" * 100})  # the socket still works
    assert ack["message"]["text"] == "я" * 100
    # a frame beyond the transport limit closes the socket (1009) and stores nothing
    await ws.send_str(json.dumps({"type": "message", "id": "huge", "text": "x" * 10_000}))
    msg = await ws.receive(timeout=10)
    assert msg.type == WSMsgType.CLOSE and msg.data == 1009
    assert await stored_count(client, welcome["key"]) == 2


BAD_FRAMES: list[tuple[str | bytes, str]] = [
    ("{not json", "malformed_json"),
    ("[1, 2]", "invalid_frame"),
    ('"hello"', "invalid_frame"),
    ('{"type": "shout"}', "unknown_type"),
    ('{"text": "no type"}', "unknown_type"),
    ('{"type": "message", "text": "no id"}', "invalid_id"),
    ('{"type": "message", "id": 7, "text": "x"}', "invalid_id"),
    ('{"type": "message", "id": "a b", "text": "x"}', "invalid_id"),
    ('{"type": "message", "id": "t1", "text": 42}', "invalid_text"),
    ('{"type": "message", "id": "t2", "text": null}', "invalid_text"),
    ('{"type": "message", "id": "t3", "text": "  \\u0000 "}', "empty_message"),
    ('{"type": "button", "id": "b1", "payload": ""}', "invalid_button"),
    ('{"type": "button", "id": "b2", "payload": ["menu"]}', "invalid_button"),
    ('{"type": "hello", "key": null}', "already_greeted"),
    (b"\x00\x01binary", "text_frames_only"),
]


async def test_malformed_frames_get_error_frames_never_a_crash(make_client: Factory) -> None:
    client = await make_client(messages_per_minute=100)
    ws = await client.ws_connect("/chat/ws")
    await ws.send_json({"type": "message", "id": "early", "text": "hi"})
    assert (await frame(ws))["error"] == "hello_first"
    await ws.send_json({"type": "hello", "key": None, "lang": None, "helpline": None, "last_seen": None})
    assert (await frame(ws))["type"] == "welcome"
    for n, (raw, error) in enumerate(BAD_FRAMES):
        if n and n % 8 == 0:  # strikes close abusers; open a fresh socket now and then
            await ws.close()
            ws, _ = await hello(client)
        if isinstance(raw, bytes):
            await ws.send_bytes(raw)
        else:
            await ws.send_str(raw)
        err = await frame(ws)
        assert (err["type"], err["error"]) == ("error", error), raw
        assert err["detail"]
    await ws.send_json({"type": "ping"})
    assert (await frame(ws))["type"] == "pong"


async def test_unknown_helpline_is_refused(client: TestClient) -> None:
    ws = await client.ws_connect("/chat/ws")
    await ws.send_json({"type": "hello", "key": None, "lang": "uk", "helpline": "nope", "last_seen": None})
    assert (await frame(ws))["error"] == "unknown_helpline"
    assert (await ws.receive(timeout=5)).type == WSMsgType.CLOSE


async def test_rate_limit_then_close_for_abuse(make_client: Factory) -> None:
    client = await make_client(messages_per_minute=3)
    ws, welcome = await hello(client)
    for n in range(3):
        await turn(ws, {"type": "message", "id": f"m{n}", "text": f"повідомлення {n}"})
    await ws.send_json({"type": "message", "id": "m3", "text": "ще"})
    err = await frame(ws)
    assert (err["error"], err["id"]) == ("rate_limited", "m3") and err["retry_after"] > 0
    closed = None
    for n in range(4, 30):
        await ws.send_json({"type": "message", "id": f"m{n}", "text": "ще"})
        msg = await ws.receive(timeout=10)
        if msg.type == WSMsgType.CLOSE:
            closed = msg.data
            break
        assert json.loads(msg.data)["error"] == "rate_limited"
    assert closed == 1008
    assert await stored_count(client, welcome["key"]) == 6  # 3 messages and their 3 replies, nothing more


async def test_xss_text_is_stored_verbatim_and_returned_as_text(client: TestClient) -> None:
    payload = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    ws, welcome = await hello(client)
    ack, _, _ = await turn(ws, {"type": "message", "id": "x1", "text": payload})
    assert ack["message"]["text"] == payload
    ws2, again = await hello(client, key=welcome["key"])
    assert again["history"][0]["text"] == payload


async def test_hub_publish_reaches_every_socket_of_the_conversation(client: TestClient) -> None:
    hub: WebchatHub = client.app[WEBCHAT_HUB]
    ws, welcome = await hello(client)
    _, _, _ = await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
    tab2, _ = await hello(client, key=welcome["key"])
    conv = await client.app[ENGINE].find("webchat", welcome["key"])
    assert conv is not None and hub.sockets_of(conv.id) == 2
    typing = {"type": "typing", "who": "operator", "on": True}
    assert await hub.publish(conv.id, typing) == 2
    assert await frame(ws) == typing and await frame(tab2) == typing
    event = {"type": "operator_message", "message": {"id": "op1", "sender": "operator", "text": "Добрий день"}}
    await hub.publish(conv.id, event)
    assert await frame(ws) == event and await frame(tab2) == event
    # what one tab sends, the other tab sees (merged by id there)
    ack, replies, _ = await turn(tab2, {"type": "message", "id": "t2", "text": "ще раз"})
    sync = await frame(ws)
    assert sync["type"] == "sync" and [m["id"] for m in sync["messages"]] == [ack["message"]["id"]] + [
        r["id"] for r in replies
    ]
    assert (await frame(ws))["type"] == "conversation"
    await tab2.close()
    await ws.close()
    assert await hub.publish("no-such-conversation", typing) == 0


async def test_widget_files_and_page_headers(client: TestClient) -> None:
    js = await client.get("/chat/widget.js")
    assert js.status == 200 and js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "max-age" in js.headers["Cache-Control"] and js.headers["X-Content-Type-Options"] == "nosniff"
    again = await client.get("/chat/widget.js", headers={"If-None-Match": js.headers["ETag"]})
    assert again.status == 304
    css = await client.get("/chat/widget.css")
    assert css.status == 200 and css.headers["Content-Type"] == "text/css; charset=utf-8"
    page = await client.get("/chat?lang=en")
    html = await page.text()
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'self' " + EMBEDDER in csp
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    assert '<html lang="en">' in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script
    assert (await client.get("/chat?helpline=nope")).status == 404
    hostile = await (await client.get('/chat?lang="><script>alert(1)</script>')).text()
    assert "<script>alert" not in hostile


def test_parse_frame_limits() -> None:
    with pytest.raises(ProtocolError):
        parse_frame("[" * 100_000, 100)  # deep nesting is an error frame, not a RecursionError
    hello = parse_frame('{"type":"hello","key":"short","lang":"EN-gb","last_seen":true}', 100)
    assert hello.key is None and hello.lang == "en" and hello.last_seen is None  # type: ignore[union-attr]


async def test_shutdown_closes_sockets_so_clients_reconnect(make_client: Factory) -> None:
    client = await make_client()
    ws, _ = await hello(client)
    await client.server.runner.shutdown()  # what AppRunner.cleanup runs on a restart
    msg = await ws.receive(timeout=10)
    assert msg.type == WSMsgType.CLOSE and msg.data == 1001  # "going away": the widget reconnects


async def test_the_optional_question_comes_as_buttons_with_skip_and_a_typed_message_skips_it(tmp_path: Path) -> None:
    """A line that asks at the start (issue 26): the web chat shows the options and Skip like any buttons;
    an answer is an event, and writing something else is answered as usual and asks nothing more."""
    from vikno.flows.content import ProfileSettings

    helplines = load_helplines(shipped_helpline_folders())
    line = helplines["community-1620"]
    line.settings = line.settings.model_copy(update={"profile_questions": ProfileSettings(ask="start")})
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data"), "VIKNO_NLU": "none"})
    async with TestClient(TestServer(with_webchat(build_app(settings, helplines), settings))) as client:
        ws, first = await hello(client)
        first_key = first["key"]
        _, replies, _ = await turn(ws, {"type": "message", "id": "m1", "text": "Привіт"})
        assert "Служба підтримки 1620" in replies[0]["text"] and len(replies) == 2
        assert [(b["title"], b["payload"]) for b in replies[1]["buttons"]] == [
            ("до 18", "profile:age_group:child"),
            ("18 і старше", "profile:age_group:adult"),
            ("Пропустити", "profile:skip"),
        ]
        ack, replies, _ = await turn(ws, {"type": "button", "id": "b1", "payload": "profile:age_group:adult"})
        assert ack["message"]["kind"] == "profile_answer" and ack["message"]["button"] is None  # the event only
        assert replies[0]["text"] == "Стать:" and replies[0]["buttons"][-1]["payload"] == "profile:skip"
        _, replies, conv = await turn(ws, {"type": "message", "id": "m2", "text": "Де отримати допомогу?"})
        assert replies and not any(b["payload"].startswith("profile:") for r in replies for b in r["buttons"])
        assert conv["state"] == "bot"
        store = client.app[ENGINE].store
        assert await store.events.count_by("kind", kind="profile_answered") == {"profile_answered": 1}
        other, _ = await hello(client)
        _, replies, _ = await turn(other, {"type": "message", "id": "m1", "text": "Привіт"})
        _, replies, _ = await turn(other, {"type": "message", "id": "m2", "text": "skip"})
        assert replies[0]["text"].startswith("Оберіть тему")
        assert await store.events.count_by("kind", kind="profile_answered") == {"profile_answered": 1}
        again, welcome = await hello(client, key=first_key)
        kept = [m for m in welcome["history"] if m["direction"] == "in"]
        assert [m["kind"] for m in kept] == ["text", "profile_answer", "text"] and kept[1]["button"] is None
        assert "adult" not in json.dumps(kept) and "18 і" not in json.dumps(kept, ensure_ascii=False)
        for sock in (ws, other, again):
            await sock.close()
