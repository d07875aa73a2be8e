"""The public edge under attack: REST credentials and limits, proxies, bad input, headers, the widget.

Every row runs against a real vikno on a real socket, on SQLite and on
MongoDB. ``edge`` starts one with the settings a row needs (trusted proxies,
an https public address, a Telegram bot against the fake Bot API).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.keys import ENGINE
from vikno.bots.telegram import SECRET_HEADER, WEBHOOK_PATH
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store

from tests.bots.fake_telegram import FakeTelegram
from tests.conftest import TEST_SECRET
from tests.handoff.conftest import CRISIS_TEXT, ConsoleSite

from .table import Attack, rows

API = "/api/v1/conversations/{}"
PROXY = {"VIKNO_TRUSTED_PROXIES": "127.0.0.1"}
PHONE = "+380501234567"
TELEGRAM_SECRET = "edge-webhook-secret_1"
Make = Callable[..., Awaitable[ConsoleSite]]


@pytest.fixture
async def edge(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[Make]:
    """``await edge(**env)``: a running vikno on ``any_store`` with those settings."""
    servers: list[TestServer] = []
    sites: list[ConsoleSite] = []
    fakes: list[FakeTelegram] = []

    async def make(*, telegram: bool = False, **env: str) -> ConsoleSite:
        environ = {"VIKNO_DATA_DIR": str(tmp_path / f"data{len(servers)}"), "VIKNO_NLU": "none", **env}
        if telegram:
            fake = FakeTelegram()
            await fake.start()
            fakes.append(fake)
            environ |= {
                "VIKNO_TELEGRAM_TOKEN": fake.token,
                "VIKNO_TELEGRAM_API": fake.url,
                "VIKNO_TELEGRAM_SECRET": TELEGRAM_SECRET,
                "VIKNO_PUBLIC_URL": env.get("VIKNO_PUBLIC_URL", "https://help.example.org"),
            }
        store = any_store
        if isinstance(any_store, MongoStore):  # the app closes its store on stop: its own client, same database
            store = MongoStore(request.getfixturevalue("mongo_uri"), any_store.db.name, secret=TEST_SECRET)
        app = build_app(load_settings(environ=environ), load_helplines(shipped_helpline_folders()), store=store)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        site = ConsoleSite(server)
        sites.append(site)
        return site

    try:
        yield make
    finally:
        for site in sites:
            for agent in site.agents:
                await agent.close()
        for server in servers:
            await server.close()
        for fake in fakes:
            await fake.close()


# --- helpers -------------------------------------------------------------------------------------


async def send(
    http: aiohttp.ClientSession,
    site: ConsoleSite,
    key: str,
    body: Any,
    *,
    token: str | None = None,
    address: str | None = None,
) -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if address is not None:
        headers["X-Forwarded-For"] = address
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post(site.base + API.format(key) + "/messages", data=data, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None), resp.headers


async def read(
    http: aiohttp.ClientSession, site: ConsoleSite, key: str, token: str | None = None
) -> tuple[int, str, aiohttp.typedefs.LooseHeaders]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with http.get(site.base + API.format(key), headers=headers) as resp:
        return resp.status, await resp.text(), resp.headers


async def stored(site: ConsoleSite, key: str) -> int:
    conv = await site.app[ENGINE].find("rest", key)
    return 0 if conv is None else await site.store.messages.count(conv.id)


async def crisis_in_queue(site: ConsoleSite) -> int:
    return await site.store.conversations.count_waiting("community-1620")


def assert_429(status: int, body: dict[str, Any], headers: Any) -> None:
    assert status == 429, (status, body)
    assert body["error"] in ("rate_limited", "too_many_conversations") and body["detail"]
    assert int(headers["Retry-After"]) >= 1


async def raw_request(site: ConsoleSite, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """One HTTP/1.1 request written byte by byte (a header no HTTP client library would send)."""
    reader, writer = await asyncio.open_connection(site.server.host, site.server.port)
    writer.write(head + b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    status = int(answer.split(b" ", 2)[1])
    return status, answer


# --- 20.6: the key is no credential; nothing is unlimited -------------------------------------------


async def guessed_key_reads_nothing(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as person, aiohttp.ClientSession() as stranger:
        status, first, _ = await send(person, site, "7", {"text": f"Привіт, мій номер {PHONE}"})
        assert status == 200 and len(first["token"]) >= 40
        token = first["token"]
        for given in (None, "7", "wrong-token", token[:-1] + ("A" if token[-1] != "A" else "B")):
            status, text, headers = await read(stranger, site, "7", given)
            assert status == 401 and PHONE not in text and "Привіт" not in text, (given, status)
            assert json.loads(text)["error"] in ("token_required", "invalid_token")
            assert headers["WWW-Authenticate"].startswith("Bearer")
        status, _, _ = await send(person, site, "8", {"text": "інша розмова"})
        assert (await read(stranger, site, "7", (await send(person, site, "9", {"text": "x"}))[1]["token"]))[0] == 401
        status, text, _ = await read(person, site, "7", token)  # the token opens its own conversation
        assert status == 200 and PHONE in text


async def guessed_key_cannot_continue(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as person, aiohttp.ClientSession() as stranger:
        status, first, _ = await send(person, site, "7", {"text": "Привіт"})
        assert status == 200
        before = await stored(site, "7")
        status, body, headers = await send(stranger, site, "7", {"text": "це я, продовжую"})
        assert status == 401 and body["error"] == "token_required" and "Bearer" in body["detail"]
        status, body, _ = await send(stranger, site, "7", {"text": "це я"}, token="guess")
        assert status == 401 and body["error"] == "invalid_token"
        assert await stored(site, "7") == before  # nothing was added to the person's conversation
        status, body, _ = await send(person, site, "7", {"button": "menu"}, token=first["token"])
        assert status == 200 and "token" not in body  # the token goes out once, with the first answer


async def crisis_flood_from_one_address(edge: Make) -> None:
    site = await edge(**PROXY)
    async with aiohttp.ClientSession() as attacker, aiohttp.ClientSession() as person:
        answers = await asyncio.gather(
            *(send(attacker, site, f"flood-{n}", {"text": CRISIS_TEXT}, address="203.0.113.7") for n in range(30))
        )
        passed = [a for a in answers if a[0] == 200]
        assert 1 <= len(passed) <= 5, [a[0] for a in answers]
        for status, body, headers in answers:
            if status != 200:
                assert_429(status, body, headers)
        assert await crisis_in_queue(site) == len(passed)
        status, body, _ = await send(person, site, "a-real-person", {"text": CRISIS_TEXT}, address="198.51.100.20")
        assert status == 200 and body["conversation"]["priority"] == "crisis"
        assert body["conversation"]["queue_position"] <= len(passed) + 1
        again = await send(attacker, site, "flood-more", {"text": CRISIS_TEXT}, address="203.0.113.7")
        assert_429(*again)


async def one_conversation_flood(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as http:
        status, first, _ = await send(http, site, "chatty", {"text": "Привіт"})
        statuses = []
        for n in range(40):
            status, body, headers = await send(http, site, "chatty", {"text": f"ще {n}"}, token=first["token"])
            statuses.append(status)
            if status != 200:
                assert_429(status, body, headers)
        assert 429 in statuses and statuses.count(200) < 40
        conv = await site.app[ENGINE].find("rest", "chatty")
        inbound = [m for m in await site.store.messages.history(conv.id) if m.direction == "in"]
        assert len(inbound) == statuses.count(200) + 1  # a refused message is not stored


async def webchat_new_conversation_flood(edge: Make) -> None:
    site = await edge()
    refused = []
    async with aiohttp.ClientSession() as http:
        for n in range(8):
            async with http.ws_connect(site.base + "/chat/ws") as ws:
                await ws.send_json({"type": "hello", "key": None, "lang": "uk", "helpline": None, "last_seen": None})
                assert (await ws.receive_json(timeout=10))["type"] == "welcome"
                await ws.send_json({"type": "message", "id": f"m{n}", "text": CRISIS_TEXT})
                answer = await ws.receive_json(timeout=10)
                if answer["type"] == "error":
                    assert answer["error"] == "too_many_conversations" and answer["id"] == f"m{n}"
                    assert answer["retry_after"] >= 1
                    refused.append(n)
                else:
                    assert answer["type"] == "ack"
    assert len(refused) >= 3
    assert await crisis_in_queue(site) == 8 - len(refused)


# --- 20.7: behind a reverse proxy -----------------------------------------------------------------


async def forwarded_for_from_anyone_is_ignored(edge: Make) -> None:
    site = await edge()  # no trusted proxies: the header is the client's word only
    async with aiohttp.ClientSession() as attacker:
        answers = [
            await send(attacker, site, f"spoof-{n}", {"text": "Привіт"}, address=f"192.0.2.{n + 1}") for n in range(10)
        ]
    assert [a[0] for a in answers].count(200) <= 5
    assert_429(*answers[-1])


async def forwarded_for_entries_left_of_the_proxy_are_ignored(edge: Make) -> None:
    site = await edge(**PROXY)
    async with aiohttp.ClientSession() as attacker:
        answers = [
            await send(attacker, site, f"prepend-{n}", {"text": "Привіт"}, address=f"192.0.2.{n + 1}, 203.0.113.9")
            for n in range(10)
        ]
    assert [a[0] for a in answers].count(200) <= 5
    assert_429(*answers[-1])


async def trusted_proxy_tells_people_apart(edge: Make) -> None:
    site = await edge(**PROXY)
    async with aiohttp.ClientSession() as proxy:
        answers = await asyncio.gather(
            *(send(proxy, site, f"person-{n}", {"text": "Привіт"}, address=f"198.51.100.{n + 1}") for n in range(12))
        )
    assert [a[0] for a in answers] == [200] * 12


async def console_login_limit_is_per_client_behind_a_proxy(edge: Make) -> None:
    site = await edge(**PROXY)

    async def wrong_password(address: str) -> int:
        async with aiohttp.ClientSession(
            headers={"X-Forwarded-For": address}, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as browser:
            page = await (await browser.get(site.base + "/console/login")).text()
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            async with browser.post(
                site.base + "/console/login",
                allow_redirects=False,
                data={"csrf": token, "login": "olena", "password": "not the password"},
            ) as resp:
                return resp.status

    answers = [await wrong_password("203.0.113.50") for _ in range(12)]
    assert answers[0] == 401 and answers[-1] == 429  # that client is refused for a while ...
    assert await wrong_password("198.51.100.60") == 401  # ... and only that one


# --- 20.15: input that is not text ----------------------------------------------------------------

SURROGATE_BODIES = [
    b'{"text": "\\ud800"}',
    b'{"text": "a\\udfffb"}',
    b'{"text": "hi", "id": "\\ud83d"}',
    b'{"button": "topic:\\udc00"}',
]


async def rest_lone_surrogates_are_400(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as http:
        for body in SURROGATE_BODIES:
            status, answer, headers = await send(http, site, "surrogate", body)
            assert (status, answer["error"]) == (400, "invalid_unicode"), (body, status, answer)
            assert "surrogate" in answer["detail"]
        status, answer, _ = await send(http, site, "deep", b"[" * 60_000)
        assert (status, answer["error"]) == (400, "too_deeply_nested"), (status, answer)
        status, answer, _ = await send(http, site, "deep", b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}")
        assert (status, answer["error"]) == (400, "too_deeply_nested"), (status, answer)
        # nothing was stored: the keys are still free for a first message
        assert (await send(http, site, "surrogate", {"text": "😀 ok"}))[0] == 200
        assert (await send(http, site, "deep", {"text": "ok"}))[0] == 200


async def webchat_lone_surrogates_and_nesting_are_refused(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as http, http.ws_connect(site.base + "/chat/ws") as ws:
        await ws.send_json({"type": "hello", "key": None, "lang": "uk", "helpline": None, "last_seen": None})
        welcome = await ws.receive_json(timeout=10)
        await ws.send_str('{"type": "message", "id": "m1", "text": "\\ud800"}')
        error = await ws.receive_json(timeout=10)
        assert (error["type"], error["error"], error.get("id")) == ("error", "invalid_unicode", "m1"), error
        await ws.send_str("[" * 20_000)  # as deep as fits in one frame
        error = await ws.receive_json(timeout=10)
        assert (error["type"], error["error"]) == ("error", "too_deeply_nested"), error
        await ws.send_json({"type": "message", "id": "m2", "text": "Привіт"})  # the socket still works
        ack = await ws.receive_json(timeout=10)
        assert ack["type"] == "ack" and ack["message"]["text"] == "Привіт"
    conv = await site.app[ENGINE].find("webchat", welcome["key"])
    assert [m.text for m in await site.store.messages.history(conv.id) if m.direction == "in"] == ["Привіт"]


async def telegram_non_ascii_secret_header_is_401(edge: Make) -> None:
    site = await edge(telegram=True)
    update = json.dumps(
        {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "text": "/start", "chat": {"id": 5, "type": "private"}},
        }
    ).encode()
    for secret in ("сек-рет".encode(), b"\xff\xfe", TELEGRAM_SECRET.encode() + b"\xe9"):
        head = (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: vikno\r\nContent-Type: application/json\r\n".encode()
            + SECRET_HEADER.encode()
            + b": "
            + secret
            + b"\r\n"
        )
        status, answer = await raw_request(site, head, update)
        assert status == 401, answer[:300]


# --- 20.20: headers -------------------------------------------------------------------------------


async def hsts_when_the_public_address_is_https(edge: Make) -> None:
    https = await edge(VIKNO_PUBLIC_URL="https://help.example.org")
    plain = await edge()
    async with aiohttp.ClientSession() as http:
        for path in ("/healthz", "/chat", "/chat/widget.js", "/console/login", API.format("nobody"), "/nowhere"):
            async with http.get(https.base + path) as resp:
                assert resp.headers.get("Strict-Transport-Security", "").startswith("max-age="), path
                assert int(resp.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
            async with http.get(plain.base + path) as resp:
                assert "Strict-Transport-Security" not in resp.headers, path


async def rest_answers_are_nosniff_and_no_store(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as http:
        status, first, headers = await send(http, site, "hdr", {"text": "Привіт"})
        answers = [(status, headers)]
        answers.append((await send(http, site, "hdr", b"{bad"))[::2])
        answers.append((await send(http, site, "hdr", {"text": "x"}))[::2])  # 401
        answers.append((await read(http, site, "hdr", first["token"]))[::2])
        answers.append((await read(http, site, "hdr"))[::2])
        async with http.get(site.base + "/api/v1/nothing-here") as resp:
            answers.append((resp.status, resp.headers))
        for _ in range(25):
            last = await send(http, site, "hdr", {"text": "x"}, token=first["token"])
        answers.append(last[::2])
    assert {a[0] for a in answers} >= {200, 400, 401, 404, 429}
    for status, headers in answers:
        assert headers["X-Content-Type-Options"] == "nosniff", status
        assert headers["Cache-Control"] == "no-store", status


# --- 20.2: quick exit from an embedded widget (the browser test is in tests/bots) -----------------


async def widget_carries_the_servers_exit_address(edge: Make) -> None:
    site = await edge(VIKNO_WEBCHAT_EXIT_URL="https://weather.example.net/today")
    async with aiohttp.ClientSession() as http, http.get(site.base + "/chat/widget.js") as resp:
        script = await resp.text()
    assert '"exitUrl": "https://weather.example.net/today"' in script


# --- attack report after issue 20: B2 (IPv6 /64), B3 (other sites, empty text, 401s), B9 (first-message race)


def in_one_64(n: int) -> str:
    """Addresses one subscriber owns: every host part of 2001:db8:1:2::/64 is theirs."""
    return f"2001:db8:1:2:{n:x}:{n * 7:x}::{n + 1:x}"


async def rest_flood_from_one_ipv6_64(edge: Make) -> None:
    site = await edge(**PROXY)
    async with aiohttp.ClientSession() as attacker, aiohttp.ClientSession() as person:
        answers = [
            await send(attacker, site, f"v6-{n}", {"text": CRISIS_TEXT}, address=in_one_64(n)) for n in range(12)
        ]
        assert [a[0] for a in answers][:5] == [200] * 5
        for answer in answers[5:]:
            assert_429(*answer)
        assert answers[-1][1]["error"] == "too_many_conversations"
        assert await crisis_in_queue(site) == 5
        mapped = await send(attacker, site, "v4-mapped", {"text": "Привіт"}, address="::ffff:198.51.100.77")
        plain = [await send(attacker, site, f"v4-{n}", {"text": "Привіт"}, address="198.51.100.77") for n in range(5)]
        assert mapped[0] == 200 and [a[0] for a in plain] == [200] * 4 + [429]  # one IPv4 however written
        status, body, _ = await send(person, site, "next-door", {"text": CRISIS_TEXT}, address="2001:db8:1:3::1")
        assert status == 200 and body["conversation"]["queue_position"] == 6  # another /64 is another client


async def webchat_flood_from_one_ipv6_64(edge: Make) -> None:
    site = await edge(**PROXY)
    refused = []
    async with aiohttp.ClientSession() as http:
        for n in range(8):
            async with http.ws_connect(site.base + "/chat/ws", headers={"X-Forwarded-For": in_one_64(n)}) as ws:
                await ws.send_json({"type": "hello", "key": None, "lang": "uk", "helpline": None, "last_seen": None})
                assert (await ws.receive_json(timeout=10))["type"] == "welcome"
                await ws.send_json({"type": "message", "id": f"m{n}", "text": CRISIS_TEXT})
                answer = await ws.receive_json(timeout=10)
                if answer["type"] == "error":
                    assert answer["error"] == "too_many_conversations"
                    refused.append(n)
    assert refused == [5, 6, 7]
    assert await crisis_in_queue(site) == 5


async def console_login_limit_counts_an_ipv6_64_as_one_client(edge: Make) -> None:
    site = await edge(**PROXY)

    async def wrong_password(address: str) -> int:
        async with aiohttp.ClientSession(
            headers={"X-Forwarded-For": address}, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as browser:
            page = await (await browser.get(site.base + "/console/login")).text()
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            async with browser.post(
                site.base + "/console/login",
                allow_redirects=False,
                data={"csrf": token, "login": "olena", "password": "not the password"},
            ) as resp:
                return resp.status

    answers = [await wrong_password(in_one_64(n)) for n in range(12)]
    assert answers[0] == 401 and answers[-1] == 429, answers  # a fresh address of the same /64 is the same client
    assert await wrong_password("2001:db8:1:3::1") == 401  # the neighbouring /64 is not locked out


async def post_as(
    http: aiohttp.ClientSession, site: ConsoleSite, key: str, data: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    async with http.post(site.base + API.format(key) + "/messages", data=data, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def rest_post_from_another_site_needs_json(edge: Make) -> None:
    site = await edge()
    body = json.dumps({"text": CRISIS_TEXT}).encode()
    simple = [
        {"Content-Type": "text/plain"},
        {"Content-Type": "text/plain;charset=UTF-8"},
        {},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data"},
    ]
    async with aiohttp.ClientSession(skip_auto_headers=["Content-Type"]) as browser:
        for n, headers in enumerate(simple):  # what a page of another site can send without a preflight
            headers = {"Origin": "https://ads.example.net", **headers}
            status, answer = await post_as(browser, site, f"csrf-{n}", body, headers)
            assert (status, answer["error"]) == (415, "unsupported_media_type"), (headers, status, answer)
            assert "application/json" in answer["detail"]
            assert await site.app[ENGINE].find("rest", f"csrf-{n}") is None  # nothing was created
        assert await crisis_in_queue(site) == 0
        preflight = {
            "Origin": "https://ads.example.net",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        async with browser.options(site.base + API.format("csrf-0") + "/messages", headers=preflight) as resp:
            assert resp.status >= 400 and not [h for h in resp.headers if h.lower().startswith("access-control-")]
        ok = await post_as(browser, site, "csrf-0", body, {"Content-Type": "application/json; charset=utf-8"})
        assert ok[0] == 200 and ok[1]["conversation"]["priority"] == "crisis"  # an app still gets in


async def rest_empty_text_is_refused(edge: Make) -> None:
    site = await edge()
    async with aiohttp.ClientSession() as http:
        for text in ("", "   ", "\n\t \r\n", "\x00\x07\x1b", " \x01 \u3000"):
            status, answer, _ = await send(http, site, "empty", {"text": text})
            assert (status, answer["error"]) == (400, "empty_message"), (text, status, answer)
        assert await site.app[ENGINE].find("rest", "empty") is None
        status, first, _ = await send(http, site, "empty", {"text": "Привіт"})
        assert status == 200
        status, answer, _ = await send(http, site, "empty", {"text": "  "}, token=first["token"])
        assert (status, answer["error"]) == (400, "empty_message")
        assert await stored(site, "empty") == 2  # the greeting and its reply, no empty message


async def rest_token_required_costs_no_new_conversation(edge: Make) -> None:
    site = await edge(**PROXY)
    async with aiohttp.ClientSession() as person, aiohttp.ClientSession() as stranger:
        status, first, _ = await send(person, site, "known-key", {"text": "Привіт"}, address="198.51.100.80")
        assert status == 200
        for _ in range(25):  # the stranger knows the key, not the token
            status, answer, _ = await send(stranger, site, "known-key", {"text": "це я"}, address="203.0.113.80")
            assert (status, answer["error"]) == (401, "token_required"), (status, answer)
        # neither the stranger's address nor the person's conversation lost any allowance
        fresh = [await send(stranger, site, f"own-{n}", {"text": "Привіт"}, address="203.0.113.80") for n in range(5)]
        assert [a[0] for a in fresh] == [200] * 5
        status, _, _ = await send(
            person, site, "known-key", {"button": "menu"}, token=first["token"], address="198.51.100.80"
        )
        assert status == 200


async def rest_first_message_race_gives_one_token(edge: Make) -> None:
    site = await edge(**PROXY)
    for round_ in range(5):
        key = f"race-{round_}"
        async with aiohttp.ClientSession() as person, aiohttp.ClientSession() as racer:
            answers = await asyncio.gather(
                send(person, site, key, {"text": "Привіт"}, address=f"198.51.100.{round_ + 1}"),
                send(racer, site, key, {"text": "я перший"}, address=f"203.0.113.{round_ + 1}"),
            )
            with_token = [a for a in answers if "token" in a[1]]
            assert len(with_token) == 1, [(a[0], a[1].get("error")) for a in answers]
            other = next(a for a in answers if "token" not in a[1])
            assert other[0] == 401 and other[1]["error"] == "token_required", other[:2]
            conv = await site.app[ENGINE].find("rest", key)
            inbound = [m.text for m in await site.store.messages.history(conv.id) if m.direction == "in"]
            assert len(inbound) == 1  # the refused one stored nothing
            status, _, _ = await send(person, site, key, {"button": "menu"}, token=with_token[0][1]["token"])
            assert status == 200


ATTACKS = [
    Attack(
        "rest-guessed-key-reads-nothing",
        "20.6",
        "a stranger reads conversation 7 by guessing its key: 401 without the token made for it",
        guessed_key_reads_nothing,
    ),
    Attack(
        "rest-guessed-key-cannot-continue",
        "20.6",
        "a stranger writes into conversation 7: 401, nothing stored",
        guessed_key_cannot_continue,
    ),
    Attack(
        "rest-crisis-flood-one-address",
        "20.6",
        "30 crisis messages at once from one address: at most 5 conversations, the rest 429 with Retry-After, "
        "a real person still gets in",
        crisis_flood_from_one_address,
    ),
    Attack(
        "rest-one-conversation-flood",
        "20.6",
        "40 messages into one conversation at once: 429 with Retry-After",
        one_conversation_flood,
    ),
    Attack(
        "webchat-new-conversation-flood",
        "20.6",
        "8 web chat sockets from one address each start a crisis conversation: the same limit as REST",
        webchat_new_conversation_flood,
    ),
    Attack(
        "xff-from-anyone-ignored",
        "20.7",
        "a client sends a different X-Forwarded-For each time to escape the limits: ignored, limited",
        forwarded_for_from_anyone_is_ignored,
    ),
    Attack(
        "xff-prepended-entries-ignored",
        "20.7",
        "behind a trusted proxy the client prepends fake addresses: the right-most untrusted one counts",
        forwarded_for_entries_left_of_the_proxy_are_ignored,
    ),
    Attack(
        "xff-trusted-proxy-people-apart",
        "20.7",
        "behind a trusted proxy, 12 people start conversations at once: none is refused",
        trusted_proxy_tells_people_apart,
    ),
    Attack(
        "console-login-limit-per-client",
        "20.7",
        "behind a trusted proxy one client's wrong passwords do not lock out another client's login",
        console_login_limit_is_per_client_behind_a_proxy,
    ),
    Attack(
        "rest-lone-surrogates-deep-nesting",
        "20.15",
        "lone surrogates in text, id or button, and 60,000 nested [: 400 with a clear error, never 500",
        rest_lone_surrogates_are_400,
    ),
    Attack(
        "webchat-lone-surrogates-deep-nesting",
        "20.15",
        "the same on the web chat socket: an error frame naming the message, the socket stays usable",
        webchat_lone_surrogates_and_nesting_are_refused,
    ),
    Attack(
        "telegram-non-ascii-secret-header",
        "20.15",
        "a Telegram webhook call with a secret header that is not ASCII: 401, not 500",
        telegram_non_ascii_secret_header_is_401,
    ),
    Attack(
        "hsts-on-https",
        "20.20",
        "a public https address: every answer carries HSTS (none on http)",
        hsts_when_the_public_address_is_https,
    ),
    Attack(
        "rest-nosniff-no-store",
        "20.20",
        "every REST answer, errors and 429 included, is nosniff and no-store",
        rest_answers_are_nosniff_and_no_store,
    ),
    Attack(
        "widget-knows-the-exit-address",
        "20.2",
        "the widget script served to other sites carries VIKNO_WEBCHAT_EXIT_URL (no /undefined)",
        widget_carries_the_servers_exit_address,
    ),
    Attack(
        "rest-flood-one-ipv6-64",
        "20.6",
        "attack B2: 12 crisis conversations from 12 addresses of one IPv6 /64: 5 pass, the rest 429; "
        "the next /64 is someone else",
        rest_flood_from_one_ipv6_64,
    ),
    Attack(
        "webchat-flood-one-ipv6-64",
        "20.6",
        "attack B2: the same over web chat sockets: the /64 shares one new-conversation allowance",
        webchat_flood_from_one_ipv6_64,
    ),
    Attack(
        "console-login-limit-ipv6-64",
        "20.7",
        "attack B2: wrong passwords from fresh addresses of one /64: locked out like one address",
        console_login_limit_counts_an_ipv6_64_as_one_client,
    ),
    Attack(
        "rest-post-from-another-site",
        "20.6",
        "attack B3: a page of another site posts text/plain, form or no type (no preflight): 415, nothing "
        "created; the preflight gets no CORS permission",
        rest_post_from_another_site_needs_json,
    ),
    Attack(
        "rest-empty-text",
        "20.6",
        "attack B3: empty, blank or control-only text: 400 empty_message, nothing stored",
        rest_empty_text_is_refused,
    ),
    Attack(
        "rest-token-required-is-free",
        "20.6",
        "attack B3: 25 tokenless posts to a known key: 401 each, no new-conversation allowance used, "
        "the person's conversation not throttled",
        rest_token_required_costs_no_new_conversation,
    ),
    Attack(
        "rest-first-message-race",
        "20.6",
        "attack B9: two first messages to one new key at once: exactly one answer carries the token, "
        "the other is 401 token_required and stores nothing",
        rest_first_message_race_gives_one_token,
    ),
]


@rows(ATTACKS)
async def test_edge_attack(attack: Attack, edge: Make) -> None:
    await attack.run(edge)
