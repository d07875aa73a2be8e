"""Running vikno (issue 25) under attack: what an outsider can do to the operators' log and the widget's doors.

Every row runs against a real vikno on a real socket, on SQLite and on MongoDB.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from tests.handoff.conftest import ConsoleSite

from .table import Attack, rows

REFUSAL = "web chat refused to open for the site"


@dataclass
class Target:
    site: ConsoleSite
    caplog: pytest.LogCaptureFixture

    def refusal_lines(self) -> list[str]:
        return [r.getMessage() for r in self.caplog.records if r.getMessage().startswith(REFUSAL)]


@pytest.fixture
async def target(any_site: ConsoleSite, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Target]:
    caplog.set_level("INFO", logger="vikno")
    yield Target(any_site, caplog)


async def handshake(target: Target, origin: str) -> int:
    async with aiohttp.ClientSession() as http:
        try:
            async with http.ws_connect(target.site.base + "/chat/ws", headers={"Origin": origin}):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


async def refused_sockets_under_ever_new_origins(target: Target) -> None:
    statuses = {await handshake(target, f"https://made-up-{n}.example") for n in range(60)}
    assert statuses == {403}
    lines = target.refusal_lines()
    assert len(lines) == 10  # the first ten sites by name, the rest counted, not written
    assert "'https://made-up-0.example'" in lines[0]


async def raw_handshake(target: Target, origin: bytes) -> int:
    """A websocket handshake with the Origin header exactly as these bytes (clients refuse control characters)."""
    host, port = target.site.server.host, target.site.server.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"GET /chat/ws HTTP/1.1\r\nHost: vikno\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " + origin + b"\r\n\r\n"
    )
    await writer.drain()
    status = int((await reader.readline()).split(b" ", 2)[1])
    writer.close()
    return status


async def one_refused_site_over_and_over(target: Target) -> None:
    for _ in range(30):
        assert await handshake(target, "https://forgotten.example.org") == 403
    # terminal escapes never get in: the HTTP parser refuses control characters in a header
    assert await raw_handshake(target, b"https://x.example\x1b[2K\x1b[1Gvikno: all is well") == 400
    # a right-to-left override (U+202E) that would show the line reversed is quoted as \u202e
    assert await raw_handshake(target, "https://x.example/\u202elanoitan".encode()) == 403
    first, second = target.refusal_lines()
    assert "'https://forgotten.example.org'" in first
    assert "\u202e" not in second and "\\u202e" in second


async def the_origin_check_says_no_more_than_the_page_does(target: Target) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(target.site.base + "/chat/origin", headers={"Origin": "https://evil.example"}) as resp:
            assert resp.status == 200 and await resp.json() == {"allowed": False}
            assert resp.headers.get("Access-Control-Allow-Credentials") is None  # no cookie rides along
    assert target.refusal_lines() == []  # asking is not a refusal: nothing logged


ATTACKS = [
    Attack(
        id="refused-origin-flood",
        item="25.4",
        what="a page opens sockets under 60 made-up origins to fill the journal: all refused, ten lines a minute",
        run=refused_sockets_under_ever_new_origins,
    ),
    Attack(
        id="refused-origin-repeat-and-injection",
        item="25.4",
        what="one refused origin 30 times, then origins with terminal escapes or a right-to-left override: one line each, quoted, or refused unread",
        run=one_refused_site_over_and_over,
    ),
    Attack(
        id="origin-check-probe",
        item="25.4",
        what="another site asks /chat/origin: a yes or no it could read from the chat page's CSP, no log line",
        run=the_origin_check_says_no_more_than_the_page_does,
    ),
]


@rows(ATTACKS)
async def test_ops_attack(attack: Attack, target: Target) -> None:
    await attack.run(target)
