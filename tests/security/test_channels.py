"""The channels' shared edge under attack: bodies over the limit, on every channel alike (bots/kit/).

Every channel reads its request body through one reader (``kit.read_body``):
a forger who sends more than the channel's limit, without a length or in
pieces, is refused (or, for Telegram, which retries a refusal for ever,
acknowledged and ignored) without being read further and without anything
stored. Rows run against a real vikno with Telegram and Viber switched on
(local fakes of their APIs), on SQLite and on MongoDB.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.bots.keys import ENGINE
from vikno.bots.telegram import SECRET_HEADER
from vikno.bots.viber import SIGNATURE_HEADER
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.storage.port import Store

from tests.bots.fake_telegram import FakeTelegram
from tests.bots.fake_viber import FakeViber, sign
from tests.handoff.conftest import ConsoleSite, app_store, serving

from .table import Attack, rows

TELEGRAM_SECRET = "channels-webhook-secret_7"
VIBER_TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f"


@dataclass
class Channels:
    site: ConsoleSite

    async def post_chunked(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """``body`` in 64 kB pieces without a Content-Length (chunked), as a forger can send it."""

        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 64 * 1024):
                yield body[start : start + 64 * 1024]

        async with aiohttp.ClientSession() as http:
            async with http.post(self.site.base + path, data=pieces(), headers=headers) as resp:
                return resp.status, await resp.text()

    async def conversation(self, channel: str, user_id: str) -> object:
        return await self.site.app[ENGINE].find(channel, user_id)


@pytest.fixture
async def channels(tmp_path: Path, any_store: Store, request: pytest.FixtureRequest) -> AsyncIterator[Channels]:
    telegram, viber = FakeTelegram(), FakeViber(VIBER_TOKEN, verify_webhook=False)
    await telegram.start()
    await viber.start()
    settings = load_settings(
        environ={
            "VIKNO_DATA_DIR": str(tmp_path / "data"),
            "VIKNO_NLU": "none",
            "VIKNO_PUBLIC_URL": "https://help.example.org",
            "VIKNO_TELEGRAM_TOKEN": telegram.token,
            "VIKNO_TELEGRAM_API": telegram.url,
            "VIKNO_TELEGRAM_SECRET": TELEGRAM_SECRET,
            "VIKNO_VIBER_TOKEN": VIBER_TOKEN,
            "VIKNO_VIBER_API": viber.url,
        }
    )
    app = build_app(settings, load_helplines(shipped_helpline_folders()), store=app_store(any_store, request))
    try:
        async with serving(app) as site:
            yield Channels(site)
    finally:
        await telegram.close()
        await viber.stop()


def _padded(payload: dict, size: int) -> bytes:
    """A valid payload that only the spaces after it make too big: read whole, it would be answered."""
    body = json.dumps(payload).encode()
    return body + b" " * (size - len(body))


async def telegram_body_over_the_limit(c: Channels) -> None:
    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 1, "text": "/start", "chat": {"id": 7001, "type": "private"}},
    }
    status, _ = await c.post_chunked(
        "/telegram/webhook",
        _padded(update, 2 * 1024 * 1024),
        {"Content-Type": "application/json", SECRET_HEADER: TELEGRAM_SECRET},
    )
    assert status == 200  # acknowledged and ignored: Telegram would retry a refusal for ever
    assert await c.conversation("telegram", "7001") is None


async def viber_body_over_the_limit(c: Channels) -> None:
    callback = {
        "event": "message",
        "timestamp": 1,
        "message_token": 1,
        "sender": {"id": "v-big"},
        "message": {"type": "text", "text": "Привіт"},
    }
    body = _padded(callback, 300 * 1024)
    status, _ = await c.post_chunked(
        "/viber/webhook", body, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(VIBER_TOKEN, body)}
    )
    assert status == 413
    assert await c.conversation("viber", "v-big") is None


async def rest_body_over_the_limit(c: Channels) -> None:
    status, text = await c.post_chunked(
        "/api/v1/conversations/big-body-key/messages",
        _padded({"text": "Привіт"}, 200 * 1024),
        {"Content-Type": "application/json"},
    )
    assert status == 413 and json.loads(text)["error"] == "body_too_large"
    assert await c.conversation("rest", "big-body-key") is None


ATTACKS = [
    Attack(
        "telegram-chunked-body-over-the-limit",
        "22.kit",
        "a forged Telegram update of 2 MB in pieces, with the right secret: acknowledged, nothing read past "
        "1 MB, nothing stored",
        telegram_body_over_the_limit,
    ),
    Attack(
        "viber-chunked-body-over-the-limit",
        "22.kit",
        "a signed Viber callback of 300 kB without a length: 413, nothing stored",
        viber_body_over_the_limit,
    ),
    Attack(
        "rest-chunked-body-over-the-limit",
        "22.kit",
        "a REST message of 200 kB in pieces: 413 body_too_large, nothing stored",
        rest_body_over_the_limit,
    ),
]


@rows(ATTACKS)
async def test_channel_edge(channels: Channels, attack: Attack) -> None:
    await attack.run(channels)
