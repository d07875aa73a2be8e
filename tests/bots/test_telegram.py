"""The Telegram channel: recorded updates -> Inbound, replies -> Bot API requests, end to end.

The tables test the pure halves (normalising an update, rendering a reply);
the rest runs the real vikno app on a real socket, on the embedded store,
against a fake Bot API server that records every call (tests/bots/fake_telegram.py).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramServerError
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import TelegramSettings, load_settings
from vikno.bots.keys import ENGINE, HANDOFF, STORE
from vikno.bots.kit import split_text, utf16_units
from vikno.bots.outbox import RetryAfter, Undeliverable
from vikno.bots.telegram import (
    ALLOWED_UPDATES,
    MAX_CALLBACK_DATA,
    MEASURE,
    SECRET_HEADER,
    WEBHOOK_PATH,
    CallbackCodec,
    TelegramChannel,
    callback_id_of,
    inbound_of,
    render,
)
from vikno.flows.content import Helpline, ProfileSettings, load_helplines, shipped_helpline_folders
from vikno.flows.messages import Button, Inbound, Outbound

from ..first_menu import FULL_LIST, SHORT_MENU
from .fake_telegram import FakeTelegram
from .on_duty import operator_on_duty
from .telegram_payloads import CALLBACK, CHAT, PERSON, UPDATES, message

SECRET = "test-webhook-secret_42"
PUBLIC = "https://help.example.org"


# --- receive: the table of recorded updates ------------------------------------------------------


@pytest.mark.parametrize(("name", "raw", "want"), UPDATES, ids=[row[0] for row in UPDATES])
def test_update_normalises_to_the_expected_inbound(name: str, raw: Any, want: Inbound | None) -> None:
    assert inbound_of(raw) == want


def test_the_bots_helpline_is_used_unless_a_deep_link_names_another() -> None:
    assert inbound_of(message(1, text="hi"), "kids").helpline == "kids"
    assert inbound_of(message(2, text="/start community-1620"), "kids").helpline == "community-1620"
    assert inbound_of(message(3, text="/start uk"), "kids").helpline == "kids"
    assert inbound_of(CALLBACK, "kids").helpline == "kids"


def test_callback_queries_are_answered_even_when_ignored() -> None:
    assert callback_id_of(CALLBACK) == "4382bfdwdsb323b2d9"
    game = next(raw for name, raw, _ in UPDATES if name.startswith("callback without data"))
    assert inbound_of(game) is None and callback_id_of(game) == "77"
    assert callback_id_of(message(1, text="hi")) is None and callback_id_of("junk") is None


# --- send: the table of replies -> requests -------------------------------------------------------

MENU = Outbound(
    "Оберіть тему",
    (
        Button("🏚 Компенсація за пошкоджене житло", "topic:housing_compensation"),
        Button("👤 Поговорити з людиною", "person"),
        Button("☰ Меню", "menu"),
    ),
)
LONG = "Перший абзац.\n\n" + "слово " * 600 + "\n" + "я" * 3000  # 6,616 units: cut at the last line break
EMOJI_LONG = "😀" * 2049  # 4,098 UTF-16 units: one emoji too many for one message

REPLIES: list[tuple[str, Outbound, list[dict[str, Any]]]] = [
    ("plain text", Outbound("Дякуємо, що звернулися."), [{"chat_id": CHAT, "text": "Дякуємо, що звернулися."}]),
    (
        "menu: one button per row",
        MENU,
        [
            {
                "chat_id": CHAT,
                "text": "Оберіть тему",
                "reply_markup": {
                    "inline_keyboard": [
                        [{"text": "🏚 Компенсація за пошкоджене житло", "callback_data": "topic:housing_compensation"}],
                        [{"text": "👤 Поговорити з людиною", "callback_data": "person"}],
                        [{"text": "☰ Меню", "callback_data": "menu"}],
                    ]
                },
            }
        ],
    ),
    (
        "a typed question's answer with the topic it nearly was: that topic first, then the ways on",
        Outbound(
            "Чим ще можемо допомогти?\nАбо, можливо, питання було про це:",
            (
                Button("🏚 Компенсація за пошкоджене житло", "topic:housing_compensation"),
                Button("☰ Меню", "menu"),
                Button("🙋 Поговорити з людиною", "person"),
            ),
        ),
        [
            {
                "chat_id": CHAT,
                "text": "Чим ще можемо допомогти?\nАбо, можливо, питання було про це:",
                "reply_markup": {
                    "inline_keyboard": [
                        [{"text": "🏚 Компенсація за пошкоджене житло", "callback_data": "topic:housing_compensation"}],
                        [{"text": "☰ Меню", "callback_data": "menu"}],
                        [{"text": "🙋 Поговорити з людиною", "callback_data": "person"}],
                    ]
                },
            }
        ],
    ),
    (
        "long text: split, buttons on the last part",
        Outbound(LONG, (Button("☰ Меню", "menu"),)),
        [
            {"chat_id": CHAT, "text": LONG[: LONG.rindex("\n")]},
            {
                "chat_id": CHAT,
                "text": "я" * 3000,
                "reply_markup": {"inline_keyboard": [[{"text": "☰ Меню", "callback_data": "menu"}]]},
            },
        ],
    ),
    (
        "no separator: hard cut at 4096",
        Outbound("x" * 5000),
        [{"chat_id": CHAT, "text": "x" * 4096}, {"chat_id": CHAT, "text": "x" * 904}],
    ),
    (
        "emoji count double",
        Outbound(EMOJI_LONG),
        [{"chat_id": CHAT, "text": "😀" * 2048}, {"chat_id": CHAT, "text": "😀"}],
    ),
    (
        "empty title shows the payload",
        Outbound("Так?", (Button(" ", "menu"),)),
        [
            {
                "chat_id": CHAT,
                "text": "Так?",
                "reply_markup": {"inline_keyboard": [[{"text": "menu", "callback_data": "menu"}]]},
            }
        ],
    ),
    (
        "the optional question: its options and Skip, one per row",
        Outbound(
            "Стать:",
            (
                Button("жіноча", "profile:gender:female"),
                Button("чоловіча", "profile:gender:male"),
                Button("інша", "profile:gender:other"),
                Button("Пропустити", "profile:skip"),
            ),
        ),
        [
            {
                "chat_id": CHAT,
                "text": "Стать:",
                "reply_markup": {
                    "inline_keyboard": [
                        [{"text": "жіноча", "callback_data": "profile:gender:female"}],
                        [{"text": "чоловіча", "callback_data": "profile:gender:male"}],
                        [{"text": "інша", "callback_data": "profile:gender:other"}],
                        [{"text": "Пропустити", "callback_data": "profile:skip"}],
                    ]
                },
            }
        ],
    ),
    (
        "exactly 64 bytes of callback data pass as they are",
        Outbound("a", (Button("b", "t:" + "ж" * 31),)),
        [
            {
                "chat_id": CHAT,
                "text": "a",
                "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "t:" + "ж" * 31}]]},
            }
        ],
    ),
]


@pytest.mark.parametrize(("name", "reply", "want"), REPLIES, ids=[row[0] for row in REPLIES])
def test_reply_renders_to_the_expected_requests(name: str, reply: Outbound, want: list[dict[str, Any]]) -> None:
    assert render(str(CHAT), reply, CallbackCodec()) == want


def test_split_parts_stay_within_the_limit_and_lose_only_separators() -> None:
    text = ("рядок " * 50 + "\n") * 100
    parts = split_text(text, MEASURE)
    assert len(parts) > 1 and all(utf16_units(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert split_text("коротко", MEASURE) == ["коротко"]


def test_a_long_reply_is_never_cut_inside_an_emoji_sequence() -> None:
    """The kit's one splitter (bots/kit/text.py): Telegram's own cut a family emoji in two at 4,096 units."""
    family = "👨\u200d👩\u200d👧"  # one picture, 8 UTF-16 units
    text = "x" + family * 1000
    parts = [request["text"] for request in render(str(CHAT), Outbound(text), CallbackCodec())]
    assert len(parts) > 1 and "".join(parts) == text
    assert all(utf16_units(p) <= 4096 and p.endswith("👧") and p.startswith(("x", "👨")) for p in parts)


def test_long_payloads_travel_as_a_short_token_and_come_back() -> None:
    codec = CallbackCodec(size=2)
    long = "topic:" + "дуже_довга_тема" * 5
    token = codec.encode(long)
    assert len(token.encode()) <= MAX_CALLBACK_DATA and token == codec.encode(long)  # deterministic
    assert codec.decode(token) == long
    assert codec.encode("menu") == "menu" and codec.decode("menu") == "menu"
    # a short payload that looks like a token is itself tokenised, so it cannot be mistaken
    assert codec.decode(codec.encode("~h:menu")) == "~h:menu"
    # the LRU forgets (size 2): the token then reaches the engine as an unknown button
    codec.encode("a" * 70), codec.encode("b" * 70)
    assert codec.decode(token) == token


# --- end to end: the real app, a fake Bot API --------------------------------------------------------


@pytest.fixture(scope="module")
def helplines() -> dict[str, Helpline]:
    return load_helplines(shipped_helpline_folders())


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram's pace (1 s per chat, back-off from 1 s) would make the suite slow."""
    monkeypatch.setattr(TelegramChannel, "per_chat_interval", 0.0)
    monkeypatch.setattr(TelegramChannel, "retry_first", 0.05)
    monkeypatch.setattr(TelegramChannel, "retry_most", 0.2)
    monkeypatch.setattr(TelegramChannel, "poll_timeout", 1)


@asynccontextmanager
async def vikno(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], mode: str = "webhook"
) -> AsyncIterator[TestClient]:
    settings = load_settings(
        environ={
            "VIKNO_DATA_DIR": str(tmp_path / "data"),
            "VIKNO_NLU": "none",
            "VIKNO_PUBLIC_URL": PUBLIC,
            "VIKNO_TELEGRAM_TOKEN": fake.token,
            "VIKNO_TELEGRAM_API": fake.url,
            "VIKNO_TELEGRAM_MODE": mode,
            "VIKNO_TELEGRAM_SECRET": SECRET,
        }
    )
    async with TestClient(TestServer(build_app(settings, helplines))) as client:
        yield client


async def post(client: TestClient, update: Any, secret: str | None = SECRET, status: int = 200) -> Any:
    """Deliver an update as Telegram does; returns the JSON of the answer (None when empty)."""
    data = update if isinstance(update, bytes) else json.dumps(update).encode()
    headers = {"Content-Type": "application/json"} | ({SECRET_HEADER: secret} if secret is not None else {})
    resp = await client.post(WEBHOOK_PATH, data=data, headers=headers)
    body = await resp.text()
    assert resp.status == status, body
    return json.loads(body) if body else None


def start(message_id: int, chat: int = CHAT, text: str = "/start") -> dict[str, Any]:
    update = message(message_id, text=text)
    update["message"]["chat"] = {"id": chat, "type": "private"}
    return update


def press(callback_id: str, data: str, chat: int = CHAT) -> dict[str, Any]:
    cq = json.loads(json.dumps(CALLBACK["callback_query"]))
    cq.update(id=callback_id, data=data, **{"from": PERSON})
    cq["message"]["chat"] = {"id": chat, "type": "private"}
    return {"callback_query": cq}


def payloads(call: Any) -> list[str]:
    return [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def test_webhook_is_registered_with_its_secret(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    fake.fail("setWebhook", 500, times=2)  # Telegram down at start: retried in the background
    async with vikno(tmp_path, fake, helplines):
        calls = await fake.wait_for("setWebhook", 3)
    assert calls[-1].params == {
        "url": PUBLIC + WEBHOOK_PATH,
        "secret_token": SECRET,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }
    assert fake.of("deleteWebhook") == [] and fake.of("getUpdates") == []


#: Secret headers that are not ASCII (UTF-8, not UTF-8 at all, the right secret plus one odd byte).
NON_ASCII_SECRETS = ["сек-рет".encode(), b"\xff\xfe", SECRET.encode() + b"\xe9"]


async def raw_webhook(client: TestClient, secret: bytes, body: bytes) -> int:
    """One webhook call with the secret header exactly as these bytes; returns the status."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: vikno\r\nContent-Type: application/json\r\n".encode()
        + SECRET_HEADER.encode()
        + b": "
        + secret
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return int(answer.split(b" ", 2)[1])


async def test_wrong_or_missing_secret_is_401_and_nothing_is_stored(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1), secret="wrong", status=401)
        await post(client, start(2), secret=None, status=401)
        await post(client, start(3), secret=SECRET + "x", status=401)
        for raw in NON_ASCII_SECRETS:  # bytes no HTTP client library sends: written on the socket
            assert await raw_webhook(client, raw, json.dumps(start(4)).encode()) == 401, raw
        assert await client.app[ENGINE].find("telegram", str(CHAT)) is None
        assert await client.app[STORE].messages.count() == 0
        await asyncio.sleep(0.1)
    assert fake.of("sendMessage") == []


async def test_start_greets_with_the_short_menu_other_topics_lists_all_and_a_button_answers(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        greeting = (await fake.wait_for("sendMessage", 1))[0]
        assert greeting.params["chat_id"] == CHAT and "Служба підтримки 1620" in greeting.params["text"]
        # the short first menu (issue 24); "other topics" gives every topic and the way back
        assert payloads(greeting) == SHORT_MENU
        await post(client, press("cb-0", "topics"))
        full = (await fake.wait_for("sendMessage", 2))[1]
        assert payloads(full) == FULL_LIST and full.params["text"].startswith("Оберіть тему")
        # the callback query is answered in the webhook's own answer: Telegram runs that method
        assert await post(client, press("cb-1", "topic:housing_compensation")) == {
            "method": "answerCallbackQuery",
            "callback_query_id": "cb-1",
        }
        answer, after = (await fake.wait_for("sendMessage", 4))[2:]
        assert "компенсацію" in answer.params["text"] and "reply_markup" not in answer.params
        assert payloads(after) == ["menu", "person"]
        conv = await client.app[ENGINE].find("telegram", str(CHAT))
        assert conv is not None and conv.topic == "housing_compensation"
        stored = await client.app[STORE].messages.history(conv.id)
        assert [(m.direction, m.kind) for m in stored][:2] == [("in", "start"), ("out", "text")]


async def test_callbacks_can_be_answered_with_a_call_instead(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TelegramChannel, "answer_in_webhook_reply", False)
    game = next(raw for name, raw, _ in UPDATES if name.startswith("callback without data"))
    async with vikno(tmp_path, fake, helplines) as client:
        assert await post(client, press("cb-2", "menu")) is None
        assert await post(client, game) is None  # ignored, but its spinner stops too
        calls = await fake.wait_for("answerCallbackQuery", 2)
        assert sorted(c.params["callback_query_id"] for c in calls) == ["77", "cb-2"]
        assert (await fake.wait_for("sendMessage"))[0].params["text"]


async def test_deep_link_language_and_unknown_helpline(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1, chat=11, text="/start community-1620_en"))
        assert (await fake.wait_for("sendMessage", chat_id=11))[0].params["text"].startswith("Hello!")
        await post(client, start(2, chat=12, text="/start nosuchline"))  # falls back to the bot's own line
        assert (await fake.wait_for("sendMessage", chat_id=12))[0].params["text"].startswith("Вітаємо!")


async def test_media_get_a_polite_answer_and_no_file_is_kept(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    raw = next(raw for name, raw, _ in UPDATES if name == "photo with caption")
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, raw)
        reply = (await fake.wait_for("sendMessage"))[0]
        assert "лише текст і кнопки" in reply.params["text"] and payloads(reply) == ["menu"]
        conv = await client.app[ENGINE].find("telegram", str(CHAT))
        stored = (await client.app[STORE].messages.history(conv.id))[0]
        # the caption, never the file
        assert (stored.kind, stored.text, stored.buttons) == ("photo", "ось документ", [])
        assert "AgACAgIAAxkBAAIB" not in repr(stored)


async def test_429_retry_after_is_honoured_and_the_message_arrives_once(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    fake.fail("sendMessage", 429, retry_after=1)
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        refused, delivered = await fake.wait_for("sendMessage", 2, timeout=6)
        assert delivered.at - refused.at >= 0.95 and delivered.params == refused.params
        await asyncio.sleep(0.3)
        assert len(fake.of("sendMessage")) == 2
        assert await client.app[STORE].messages.count_pending("telegram") == 0


async def test_blocked_bot_and_missing_chat_give_up_without_retrying(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    fake.fail("sendMessage", 403)
    fake.fail("sendMessage", 400, "Bad Request: chat not found")
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1, chat=21))
        await fake.wait_for("sendMessage", chat_id=21)
        await post(client, start(2, chat=22))
        await fake.wait_for("sendMessage", chat_id=22)
        await asyncio.sleep(0.3)
        assert len(fake.of("sendMessage")) == 2
        assert await client.app[STORE].messages.count_pending("telegram") == 0


async def test_server_errors_are_retried_until_delivered(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vikno.bots.kit.backoff.random.random", lambda: 0.0)  # back-off 0.5 s, not up to 1 s
    fake.fail("sendMessage", 500)
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        calls = await fake.wait_for("sendMessage", 2, timeout=6)
        assert calls[0].params == calls[1].params


async def test_sending_that_works_again_is_logged(
    tmp_path: Path,
    fake: FakeTelegram,
    helplines: dict[str, Helpline],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The journal said when sends failed, never when they worked again (issue 25)."""
    monkeypatch.setattr("vikno.bots.kit.backoff.random.random", lambda: 0.0)
    fake.fail("sendMessage", 500)
    caplog.set_level("INFO", logger="vikno")
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        await fake.wait_for("sendMessage", 2, timeout=6)
        for _ in range(100):
            if "telegram outbox: sending works again (after 1 failed send(s))" in caplog.text:
                break
            await asyncio.sleep(0.02)
    assert "telegram outbox: send failed" in caplog.text
    assert "telegram outbox: sending works again (after 1 failed send(s))" in caplog.text


async def logged(caplog: pytest.LogCaptureFixture, words: str) -> None:
    for _ in range(250):
        if words in caplog.text:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{words!r} was not logged: {caplog.text}")


async def test_polling_logs_who_it_connected_as_its_errors_and_its_recovery(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], caplog: pytest.LogCaptureFixture
) -> None:
    """Polling logged nothing about Telegram, so one could not tell it connected (issue 25)."""
    caplog.set_level("INFO", logger="vikno")
    fake.fail("getMe", 500)
    fake.fail("getUpdates", 500, times=2)
    async with vikno(tmp_path, fake, helplines, mode="polling"):
        await logged(caplog, f"telegram: connected as @vikno_test_bot (polling, Bot API at {fake.url})")
        await logged(caplog, "telegram: getUpdates works again (after 2 failed attempt(s))")
    assert f"telegram: cannot reach the Bot API at {fake.url}" in caplog.text
    assert "telegram: getUpdates failed" in caplog.text
    assert fake.token not in caplog.text
    first = caplog.text.index("connected as")
    assert first < caplog.text.index("getUpdates failed") < caplog.text.index("getUpdates works again")


async def test_webhook_mode_logs_who_it_connected_as(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="vikno")
    async with vikno(tmp_path, fake, helplines):
        await logged(caplog, "telegram: webhook registered at")
    assert "telegram: connected as @vikno_test_bot (webhook" in caplog.text


async def test_a_split_reply_resumes_after_the_part_that_failed(fake: FakeTelegram) -> None:
    channel = TelegramChannel(
        TelegramSettings(token=fake.token, api_base=fake.url), public_url=None, default_secret=SECRET
    )
    reply = Outbound("x" * 5000, (Button("☰ Меню", "menu"),))
    try:
        fake.fail("sendMessage", 429, retry_after=3, after=1)  # the first part goes, the second is refused
        with pytest.raises(RetryAfter):
            await channel.send(str(CHAT), reply)
        await channel.send(str(CHAT), reply)
        sent = fake.of("sendMessage")
        assert [len(c.params["text"]) for c in sent] == [4096, 904, 904]
        assert ["reply_markup" in c.params for c in sent] == [False, True, True]
        await channel.send(str(CHAT), reply)  # the same reply again later is a new message, whole
        assert len(fake.of("sendMessage")) == 5
    finally:
        await channel.stop()


async def test_duplicate_updates_are_processed_once(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1, chat=31))
        await post(client, start(1, chat=31))
        await asyncio.gather(post(client, start(2, chat=32)), post(client, start(2, chat=32)))
        await post(client, press("cb-9", "menu", chat=31))
        await post(client, press("cb-9", "menu", chat=31))
        await fake.wait_for("sendMessage", 2, chat_id=31)
        await fake.wait_for("sendMessage", 1, chat_id=32)
        await asyncio.sleep(0.3)
        assert len(fake.sent_to(31)) == 2 and len(fake.sent_to(32)) == 1
        conv = await client.app[ENGINE].find("telegram", "31")
        assert await client.app[STORE].messages.count(conv.id) == 4  # two in, two out


async def test_store_down_is_503_and_the_retry_is_processed(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        store = client.app[STORE]
        await store.close()
        await post(client, start(1, chat=41), status=503)
        await store.open()
        assert await client.app[ENGINE].find("telegram", "41") is None
        await post(client, start(1, chat=41))  # Telegram retries the same update
        assert "Вітаємо" in (await fake.wait_for("sendMessage", chat_id=41))[0].params["text"]


ODD_BODIES = [
    b"{not json",
    b"",
    b"\xff\xfe\x00",
    b"null",
    b"[]",
    b'"text"',
    b"1e999",
    b"[" * 100_000 + b"]" * 100_000,
    json.dumps({"update_id": 1, "message": {"chat": {"id": 1e400}}}).encode(),
]


async def test_store_down_is_a_json_503_with_retry_after(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    """One 503 for every channel (bots/kit/answers.py): JSON with a code, and when to come back."""
    async with vikno(tmp_path, fake, helplines) as client:
        await client.app[STORE].close()
        data = json.dumps(start(1, chat=42)).encode()
        resp = await client.post(
            WEBHOOK_PATH, data=data, headers={"Content-Type": "application/json", SECRET_HEADER: SECRET}
        )
        assert resp.status == 503 and resp.headers["Retry-After"] == "5"
        assert (await resp.json())["error"] == "store_unavailable"
        await client.app[STORE].open()


#: Telegram's answers to sendMessage → what the outbox pump is told (telegram.SEND_OUTCOMES): the
#: same shape as Viber's table. None: sent; RetryAfter: wait; Undeliverable: give up; another
#: exception: try again later with back-off.
SEND_OUTCOMES: list[tuple[str, tuple[int, str, int | None] | None, type[Exception] | None]] = [
    ("ok", None, None),
    ("429 retry after", (429, "", 7), RetryAfter),
    ("403 bot blocked", (403, "Forbidden: bot was blocked by the user", None), Undeliverable),
    ("403 user deactivated", (403, "Forbidden: user is deactivated", None), Undeliverable),
    ("403 never started", (403, "Forbidden: bot can't initiate conversation with a user", None), Undeliverable),
    ("400 chat not found", (400, "Bad Request: chat not found", None), Undeliverable),
    ("400 peer id invalid", (400, "Bad Request: PEER_ID_INVALID", None), Undeliverable),
    ("400 no rights", (400, "Bad Request: have no rights to send a message", None), Undeliverable),
    ("400 something else", (400, "Bad Request: message text is empty", None), TelegramBadRequest),
    ("500", (500, "Internal Server Error", None), TelegramServerError),
    ("502", (502, "Bad Gateway", None), TelegramServerError),
]


@pytest.mark.parametrize(("name", "answer", "raised"), SEND_OUTCOMES, ids=[s[0] for s in SEND_OUTCOMES])
async def test_telegram_answers_map_to_outbox_outcomes(
    fake: FakeTelegram, name: str, answer: tuple[int, str, int | None] | None, raised: type[Exception] | None
) -> None:
    channel = TelegramChannel(
        TelegramSettings(token=fake.token, api_base=fake.url), public_url=None, default_secret=SECRET
    )
    try:
        if answer is not None:
            status, description, retry_after = answer
            fake.fail("sendMessage", status, description, retry_after=retry_after)
        if raised is None:
            await channel.send(str(CHAT), Outbound("hi"))
        else:
            with pytest.raises(raised) as info:
                await channel.send(str(CHAT), Outbound("hi"))
            if raised is RetryAfter:
                assert isinstance(info.value, RetryAfter) and info.value.seconds == 7
        [call] = fake.of("sendMessage")
        assert call.params["chat_id"] == CHAT and call.params["text"] == "hi"
    finally:
        await channel.stop()


async def test_odd_payloads_never_crash_nor_5xx(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        for body in ODD_BODIES:
            await post(client, body)
        for _, raw, _ in UPDATES:
            await post(client, raw)
        await post(client, message(999, text="😀" * 10_000 + "x" * 60_000))  # over the REST body limit
        answered = [want for _, _, want in UPDATES if want is not None]
        await fake.wait_for("sendMessage", len(answered) + 1, timeout=10)  # at least one reply each


async def test_polling_advances_the_offset_only_after_handling(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    first = await fake.push_update(start(1, chat=51))
    async with vikno(tmp_path, fake, helplines, mode="polling") as client:
        assert all(r.canonical != WEBHOOK_PATH for r in client.app.router.resources())
        greeting = (await fake.wait_for("sendMessage", chat_id=51))[0]
        second = await fake.push_update(press("cb-51", payloads(greeting)[0], chat=51))
        await fake.wait_for("sendMessage", 3, chat_id=51)
        await fake.wait_for("answerCallbackQuery")
        await fake.push_update({"update_id": second + 1, "poll": {"id": "x"}})  # ignored, but confirmed
        for _ in range(100):
            if second + 2 in fake.offsets:
                break
            await asyncio.sleep(0.02)
    assert fake.of("deleteWebhook")[0].params == {"drop_pending_updates": False}
    assert fake.calls.index(fake.of("deleteWebhook")[0]) < fake.calls.index(fake.of("getUpdates")[0])
    assert fake.offsets[0] is None and first + 1 in fake.offsets and second + 1 in fake.offsets
    assert second + 2 in fake.offsets
    assert fake.of("setWebhook") == []
    assert sorted(set(o for o in fake.offsets if o is not None)) == [first + 1, second + 1, second + 2]
    assert fake.of("getUpdates")[0].params["allowed_updates"] == ALLOWED_UPDATES


async def test_polling_keeps_the_update_while_the_store_is_down(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines, mode="polling") as client:
        await fake.wait_for("getUpdates")
        store = client.app[STORE]
        await store.close()
        update_id = await fake.push_update(start(1, chat=61))
        await asyncio.sleep(0.3)
        assert fake.pending_updates() and all(o is None or o <= update_id for o in fake.offsets)
        await store.open()
        await fake.wait_for("sendMessage", chat_id=61, timeout=5)


async def test_replies_reach_the_wire_exactly_as_tabled(fake: FakeTelegram) -> None:
    """What aiogram really puts on the wire (a form, JSON-encoded keyboard) is the table's request."""
    channel = TelegramChannel(
        TelegramSettings(token=fake.token, api_base=fake.url), public_url=None, default_secret=SECRET
    )
    try:
        for _, reply, want in REPLIES:
            fake.calls.clear()
            await channel.send(str(CHAT), reply)
            assert [(c.method, c.params) for c in fake.calls] == [("sendMessage", w) for w in want]
    finally:
        await channel.stop()


async def test_a_crisis_in_a_photo_caption_is_not_missed(tmp_path) -> None:
    from vikno.flows.content import load_helplines, shipped_helpline_folders
    from vikno.flows.engine import Engine
    from vikno.nlu.crisis_only import CrisisOnlyNLU
    from vikno.storage.identity import IdentityVault
    from vikno.storage.sqlite.store import SqliteStore

    store = SqliteStore(tmp_path / "data")
    await store.open()
    try:
        engine = Engine(
            store, IdentityVault(b"caption-test-secret-00"), load_helplines(shipped_helpline_folders()), CrisisOnlyNLU()
        )
        inbound = inbound_of(
            {
                "update_id": 1,
                "message": {
                    "message_id": 5,
                    "chat": {"id": 42, "type": "private"},
                    "from": {"id": 42, "language_code": "uk"},
                    "photo": [{"file_id": "x", "file_unique_id": "y"}],
                    "caption": "не хочу більше жити",
                },
            }
        )
        turn = await engine.handle(inbound)
        assert turn.conversation.priority == "crisis" and "112" in turn.replies[0].text
    finally:
        await store.close()


async def test_html_and_links_do_not_switch_a_ukrainian_chat_to_english(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    """Issue 20, item 13 over Telegram: language_code "uk", then messages holding HTML and links."""
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, message(1, text="Добрий день"))
        for n, text in enumerate(
            [
                '<b>look</b> <a href="https://example.com/help">https://example.com/help</a>',
                "https://www.example.com/page?id=1 www.example.org",
                "<i>ok ok</i> t.me/somebot",
            ],
            start=2,
        ):
            await post(client, message(n, text=text))
            conv = await client.app[ENGINE].find("telegram", str(CHAT))
            assert conv.language == "uk", text
        replies = await fake.wait_for("sendMessage", 4)
        assert all(re.search("[а-яіїєґ]", r.params["text"]) for r in replies), [r.params["text"] for r in replies]


# --- who is writing (issue 24): an operator's join, words and close as Telegram requests ---------------

#: What the person's chat gets, exactly: the join and close lines marked "ℹ️", the operator's words
#: labelled "🙋 Фахівець:", the bot's own reply as it always was (flows/content/community-1620/texts.yml).
WHO_WRITES = [
    {"chat_id": CHAT, "text": "ℹ️ До розмови приєднався фахівець: Олена."},
    {"chat_id": CHAT, "text": "🙋 Фахівець: Добрий день! Я тут, розкажіть, що сталося."},
    {"chat_id": CHAT, "text": "ℹ️ Фахівець завершив розмову. Якщо знадобиться допомога — просто напишіть, ми поруч."},
    {
        "chat_id": CHAT,
        "text": "ℹ️ Чи допомогла вам ця розмова?",
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "👍 Так", "callback_data": "survey:yes"}],
                [{"text": "👎 Ні", "callback_data": "survey:no"}],
            ]
        },
    },
]


async def test_an_operator_joining_writing_and_closing_is_told_apart_from_the_bot(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        await post(client, press("cb-1", "person"))
        queued = (await fake.wait_for("sendMessage", 2))[1]
        assert not queued.params["text"].startswith(("ℹ️", "🙋"))  # the bot's words: unlabelled
        olena = await operator_on_duty(client.app)
        conv = await client.app[HANDOFF].take_next(olena)
        assert conv is not None
        await client.app[HANDOFF].reply(olena, conv.id, "Добрий день! Я тут, розкажіть, що сталося.")
        await client.app[HANDOFF].close(olena, conv.id, category="topic:social_benefits", outcome="resolved")
        sent = (await fake.wait_for("sendMessage", 6))[2:]
        assert [c.params for c in sent] == WHO_WRITES
        stored = await client.app[STORE].messages.history(conv.id)  # the console keeps the words as written
        assert [m.text for m in stored if m.sender == "operator"] == ["Добрий день! Я тут, розкажіть, що сталося."]
        await post(client, message(2, text="дякую"))
        after = (await fake.wait_for("sendMessage", 7))[6]
        assert not after.params["text"].startswith(("ℹ️", "🙋"))


async def test_a_transfer_to_another_team_is_told_to_the_person(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline]
) -> None:
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        await post(client, press("cb-1", "person"))
        await fake.wait_for("sendMessage", 2)
        olena = await operator_on_duty(client.app)
        conv = await client.app[HANDOFF].take_next(olena)
        assert conv is not None
        await client.app[HANDOFF].transfer(olena, conv.id, to_team="protection")
        sent = (await fake.wait_for("sendMessage", 4))[2:]
        assert [c.params for c in sent] == [
            {"chat_id": CHAT, "text": "ℹ️ До розмови приєднався фахівець: Олена."},
            {
                "chat_id": CHAT,
                "text": "ℹ️ Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець.",
            },
        ]


# --- who is writing after a transfer (issue 24, outside review item 2) ---------------------------------------

JOINED_OLENA = {"chat_id": CHAT, "text": "ℹ️ До розмови приєднався фахівець: Олена."}
JOINED_PETRO = {"chat_id": CHAT, "text": "ℹ️ До розмови приєднався фахівець: Петро."}
JOINED_UNNAMED = {"chat_id": CHAT, "text": "ℹ️ До розмови приєднався фахівець."}
PASSED_ON = {
    "chat_id": CHAT,
    "text": "ℹ️ Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець.",
}
LEFT = {
    "chat_id": CHAT,
    "text": "ℹ️ Фахівець вийшов із розмови. Ви знову в черзі: вам відповість наступний вільний фахівець.",
}


def said(label: str, text: str) -> dict[str, Any]:
    return {"chat_id": CHAT, "text": f"{label} {text}"}


#: (row, how the chat moves on, the helpline's specialist_label, exactly what the person's chat gets after
#: the first operator's join line). Each new reader says who they are; the words carry the helpline's label.
TRANSFERS = [
    pytest.param(
        "team",
        "role",
        [said("🙋 Фахівець:", "Я Олена."), PASSED_ON, JOINED_PETRO, said("🙋 Фахівець:", "Я Петро.")],
        id="to-a-team-then-claimed",
    ),
    pytest.param(
        "operator",
        "role",
        [said("🙋 Фахівець:", "Я Олена."), PASSED_ON, JOINED_PETRO, said("🙋 Фахівець:", "Я Петро.")],
        id="straight-to-a-colleague",
    ),
    pytest.param(
        "team",
        "name",
        [said("🙋 Фахівець Олена:", "Я Олена."), PASSED_ON, JOINED_PETRO, said("🙋 Фахівець Петро:", "Я Петро.")],
        id="to-a-team-shown-by-name",
    ),
    pytest.param(
        "offline",
        "role",
        [said("🙋 Фахівець:", "Я Олена."), LEFT, JOINED_PETRO, said("🙋 Фахівець:", "Я Петро.")],
        id="back-to-the-queue-then-claimed",
    ),
]


def showing(label: str) -> dict[str, Helpline]:
    """The shipped helplines (a fresh copy) with ``specialist_label`` set as a helpline.yml would."""
    helplines = load_helplines(shipped_helpline_folders())
    for line in helplines.values():
        line.settings = line.settings.model_copy(update={"specialist_label": label})
    return helplines


@pytest.mark.parametrize(("how", "label", "want"), TRANSFERS)
async def test_each_new_specialist_says_who_they_are(
    tmp_path: Path, fake: FakeTelegram, how: str, label: str, want: list[dict[str, Any]]
) -> None:
    async with vikno(tmp_path, fake, showing(label)) as client:
        handoff = client.app[HANDOFF]
        await post(client, start(1))
        await post(client, press("cb-1", "person"))
        await fake.wait_for("sendMessage", 2)
        olena = await operator_on_duty(client.app)
        petro = await operator_on_duty(client.app, "petro", "Петро")
        conv = await handoff.take_next(olena)
        assert conv is not None
        await handoff.reply(olena, conv.id, "Я Олена.")
        if how == "team":
            await handoff.transfer(olena, conv.id, to_team="protection")
            assert await handoff.take_next(petro) is not None
        elif how == "operator":
            await handoff.transfer(olena, conv.id, to_operator=petro)
        else:  # Olena's console went away: her chat goes back to the queue, Petro takes it
            await handoff.set_presence(olena, "offline")
            assert await handoff.take_next(petro) is not None
        await handoff.reply(petro, conv.id, "Я Петро.")
        sent = (await fake.wait_for("sendMessage", 3 + len(want)))[2:]
        assert [c.params for c in sent] == [JOINED_OLENA, *want]
        assert not any("olena" in c.params["text"] or "petro" in c.params["text"] for c in sent)  # no login


async def test_a_colleague_without_a_display_name_joins_as_a_specialist_not_by_login(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    async with vikno(tmp_path, fake, showing("name")) as client:
        handoff = client.app[HANDOFF]
        await post(client, start(1))
        await post(client, press("cb-1", "person"))
        await fake.wait_for("sendMessage", 2)
        olena = await operator_on_duty(client.app)
        night = await operator_on_duty(client.app, "night.shift.7", "night.shift.7")  # the login as its name
        conv = await handoff.take_next(olena)
        assert conv is not None
        await handoff.transfer(olena, conv.id, to_operator=night)
        await handoff.reply(night, conv.id, "Добрий вечір.")
        sent = (await fake.wait_for("sendMessage", 6))[2:]
        assert [c.params for c in sent] == [
            JOINED_OLENA,
            PASSED_ON,
            JOINED_UNNAMED,
            said("🙋 Фахівець:", "Добрий вечір."),
        ]


#: An anonymous report in Telegram, step by step, in two languages: what the person sends (a callback or a
#: typed message), and how the bot's next message starts and which buttons it offers (issue 26).
REPORT_STEPS: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "uk": [
        ("press", "topic:report_person_in_need", "Дякуємо, що не лишаєтеся осторонь", ["report:about:child"]),
        ("type", "літня людина", "Де це?", ["report:place:north", "report:place:other", "report:back:place"]),
        ("press", "report:place:villages", "Що відбувається?", ["report:back:what", "report:cancel"]),
        ("type", "Дідусь сам, без світла й води", "Наскільки це терміново?", ["report:urgency:now"]),
        ("press", "report:urgency:now", "Якщо комусь загрожує небезпека просто зараз", []),
        ("press", "report:contact:no", "Дякуємо. Ваше повідомлення передано фахівцям", ["report:code"]),
    ],
    "en": [
        ("press", "topic:report_person_in_need", "Thank you for caring", ["report:about:violence"]),
        ("press", "report:about:violence", "Where is it?", ["report:place:centre"]),
        ("press", "report:place:other", "Write where it is", ["report:back:place_other"]),
        ("type", "Near the old mill on Sadova street", "What is happening?", ["report:cancel"]),
        (
            "type",
            "The woman next door asked us to tell the social service",
            "How urgent is it?",
            ["report:urgency:soon"],
        ),
        ("type", "it can wait", "Would you like a specialist to call you?", ["report:contact:yes"]),
        ("type", "no", "Thank you. Your report has been passed", ["report:code"]),
    ],
}


@pytest.mark.parametrize("lang", list(REPORT_STEPS))
async def test_an_anonymous_report_in_telegram_reaches_the_queue_as_a_report(
    tmp_path: Path, fake: FakeTelegram, helplines: dict[str, Helpline], lang: str
) -> None:
    chat = CHAT + (0 if lang == "uk" else 7)
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1, chat, "/start" if lang == "uk" else "/start en"))
        sent = 1
        await fake.wait_for("sendMessage", sent)
        for n, (how, what, starts, buttons) in enumerate(REPORT_STEPS[lang], start=2):
            update = press(f"cb-{n}", what, chat) if how == "press" else start(n, chat, what)
            await post(client, update)
            calls = await fake.wait_for("sendMessage", sent + 1)
            new = calls[sent:]
            assert new[0].params["text"].startswith(starts), (what, new[0].params["text"])
            offered = [p for call in new if "reply_markup" in call.params for p in payloads(call)]
            assert set(buttons) <= set(offered), (what, offered)
            await asyncio.sleep(0.05)
            sent = len(fake.of("sendMessage"))
        store = client.app[STORE]
        (queued,) = await store.conversations.waiting(["community-1620"])
        report = await store.reports.by_conversation(queued.id)
        assert queued.channel == "report" and report.anonymous and report.channel == "telegram"
        assert str(chat) not in repr(report) and report.language == lang
        if lang == "uk":
            assert (report.about, report.place, report.urgency, queued.priority) == (
                "elderly",
                "villages",
                "now",
                "crisis",
            )
        else:
            assert (report.about, report.place, report.place_text, report.urgency, report.team) == (
                "violence",
                "other",
                "Near the old mill on Sadova street",
                "can_wait",
                "protection",
            )
            # urgent_report, or urgent when the loaded crisis model reads a possible crisis in the words
            # (a full run loads one; tests/flows/test_reports.py pins that rule with a scripted check)
            assert queued.priority in ("urgent_report", "urgent") and queued.team == "protection"


async def test_the_optional_questions_in_telegram_are_buttons_with_skip_and_answers_are_events(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    """A line that asks at the start: after /start's greeting (menu kept on it), age, then gender, then skip."""
    helplines = load_helplines(shipped_helpline_folders())
    line = helplines["community-1620"]
    line.settings = line.settings.model_copy(update={"profile_questions": ProfileSettings(ask="start")})
    async with vikno(tmp_path, fake, helplines) as client:
        await post(client, start(1))
        greeting, question = (await fake.wait_for("sendMessage", 2))[:2]
        assert "topic:disability" in payloads(greeting)  # the menu stays on the greeting
        assert question.params["text"].endswith("Вік того, хто пише:")
        assert payloads(question) == ["profile:age_group:child", "profile:age_group:adult", "profile:skip"]
        await post(client, press("cb-1", "profile:age_group:child"))
        gender = (await fake.wait_for("sendMessage", 3))[2]
        assert gender.params["text"] == "Стать:" and payloads(gender)[-1] == "profile:skip"
        await post(client, press("cb-2", "profile:skip"))
        menu = (await fake.wait_for("sendMessage", 4))[3]
        assert menu.params["text"].startswith("Оберіть тему") and "topic:disability" in payloads(menu)
        store = client.app[STORE]
        assert await store.events.count_by("kind", kind="profile_answered") == {"profile_answered": 1}
        assert await store.events.count_by("language", kind="profile_answered") == {"uk": 1}
