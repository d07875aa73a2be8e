"""The Viber channel: recorded callbacks → Inbound, replies → exact requests, then end to end.

Courier's style (ARCHITECTURE.md, "Tests and benchmarks"): one table of raw Viber callbacks (the
shapes of developers.viber.com/docs/api/rest-bot-api/#callbacks) and the
normalised message each must become; one table of replies and the exact
``send_message`` bodies they must produce. Then the real vikno app on a
real socket, on the embedded store, against a fake Viber API server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import ViberSettings, load_settings
from vikno.bots.keys import ENGINE, HANDOFF, STORE
from vikno.bots.outbox import RetryAfter, Undeliverable
from vikno.bots.kit import Measure, split_text, utf16_units
from vikno.bots.viber import (
    BUTTON_BG,
    KEYBOARD_BG,
    MAX_BODY_BYTES,
    Renderer,
    ViberApiError,
    ViberChannel,
    inbound_of,
    signature_ok,
)
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.messages import Button, Inbound, Kind, Outbound

from ..first_menu import FULL_LIST, SHORT_MENU
from .fake_viber import FakeViber, Reply, sign, signed_headers, validate_message
from .on_duty import operator_on_duty

TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f"
USER = "01234567890A="
TS = 1457764197627


def message(msg: dict[str, Any], *, token: Any = 4912661846655238145, sender: Any = None) -> dict[str, Any]:
    """A ``message`` callback as Viber sends it (sender without name/avatar: we set send_name false)."""
    return {
        "event": "message",
        "timestamp": TS,
        "chat_hostname": "SN-376_",
        "message_token": token,
        "sender": sender if sender is not None else {"id": USER, "language": "uk", "country": "UA", "api_version": 10},
        "message": msg,
        "silent": False,
    }


def inbound(**kw: Any) -> Inbound:
    kw.setdefault("user_id", USER)
    kw.setdefault("locale_hint", "uk")  # the device's language: a hint, not a choice
    kw.setdefault("platform_id", "4912661846655238145")
    return Inbound(channel="viber", **kw)


EMOJI = "😀" * 10_000
RTL = "مرحبا، أحتاج مساعدة ‏שלום"

# --- recorded callbacks → the Inbound they must become (None: acknowledged, nothing for the engine) ----------

CALLBACKS: list[tuple[str, Any, Inbound | None]] = [
    (
        "webhook verification",
        {"event": "webhook", "timestamp": TS, "chat_hostname": "SN-376_", "message_token": 241256543215},
        None,
    ),
    (
        "conversation_started",
        {
            "event": "conversation_started",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "message_token": 4912661846655238145,
            "type": "open",
            "context": "context information",
            "user": {
                "id": USER,
                "name": "John McClane",
                "avatar": "http://avatar.example.com",
                "country": "UA",
                "language": "uk",
                "api_version": 1,
            },
            "subscribed": False,
        },
        inbound(kind=Kind.START, direct_reply=True),
    ),
    (
        "conversation_started, English device, en-GB",
        {
            "event": "conversation_started",
            "timestamp": TS,
            "message_token": 17,
            "type": "open",
            "user": {"id": USER, "language": "en-GB", "api_version": 7},
            "subscribed": True,
        },
        inbound(kind=Kind.START, direct_reply=True, locale_hint="en", platform_id="17"),
    ),
    (
        "conversation_started from a child's link (context: line, language, start word)",
        {
            "event": "conversation_started",
            "timestamp": TS,
            "message_token": 18,
            "type": "open",
            "context": "kharkiv-1552_uk--child",
            "user": {"id": USER, "language": "ru", "api_version": 7},
            "subscribed": False,
        },
        inbound(
            kind=Kind.START, direct_reply=True, locale="uk", button="start:child", platform_id="18", locale_hint="ru"
        ),
    ),
    (
        "conversation_started from a link with a language only",
        {"event": "conversation_started", "message_token": 19, "context": "en", "user": {"id": USER}},
        inbound(kind=Kind.START, direct_reply=True, locale="en", platform_id="19", locale_hint=None),
    ),
    (
        "conversation_started with a context that is no link's",
        {"event": "conversation_started", "message_token": 20, "context": "<b>--child", "user": {"id": USER}},
        inbound(kind=Kind.START, direct_reply=True, button="start:child", platform_id="20", locale_hint=None),
    ),
    (
        "conversation_started with a context that is not text",
        {"event": "conversation_started", "message_token": 21, "context": ["uk--child"], "user": {"id": USER}},
        inbound(kind=Kind.START, direct_reply=True, platform_id="21", locale_hint=None),
    ),
    (
        "subscribed",
        {
            "event": "subscribed",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "user": {"id": USER, "country": "UA", "language": "uk", "api_version": 1},
            "message_token": 4912661846655238145,
        },
        None,
    ),
    (
        "unsubscribed",
        {
            "event": "unsubscribed",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "user_id": USER,
            "message_token": 4912661846655238145,
        },
        None,
    ),
    (
        "delivered",
        {
            "event": "delivered",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "message_token": 4912661846655238145,
            "user_id": USER,
        },
        None,
    ),
    (
        "seen",
        {
            "event": "seen",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "message_token": 4912661846655238145,
            "user_id": USER,
        },
        None,
    ),
    (
        "failed",
        {
            "event": "failed",
            "timestamp": TS,
            "chat_hostname": "SN-376_",
            "message_token": 4912661846655238145,
            "user_id": USER,
            "desc": "failure description",
        },
        None,
    ),
    (
        "text",
        message({"type": "text", "text": "Добрий день, потрібна допомога", "tracking_data": "t"}),
        inbound(text="Добрий день, потрібна допомога"),
    ),
    (
        "keyboard press",
        message({"type": "text", "text": "vikno:topic:disability"}),
        inbound(kind=Kind.BUTTON, button="topic:disability"),
    ),
    (
        "keyboard press: language",
        message({"type": "text", "text": "vikno:lang:uk"}),
        inbound(kind=Kind.BUTTON, button="lang:uk"),
    ),
    ("a typed payload without our marker is text", message({"type": "text", "text": "menu"}), inbound(text="menu")),
    ("the marker alone is text", message({"type": "text", "text": "vikno:"}), inbound(text="vikno:")),
    (
        "picture with a caption",
        message(
            {
                "type": "picture",
                "text": "look",
                "media": "https://dl.viber.com/x.jpg",
                "thumbnail": "https://dl.viber.com/t.jpg",
                "file_name": "x.jpg",
            }
        ),
        inbound(kind=Kind.PHOTO, text="look"),
    ),
    (
        "video",
        message({"type": "video", "media": "https://dl.viber.com/v.mp4", "size": 10000, "duration": 5}),
        inbound(kind=Kind.VIDEO),
    ),
    (
        "file",
        message({"type": "file", "media": "https://dl.viber.com/d.pdf", "size": 10000, "file_name": "довідка.pdf"}),
        inbound(kind=Kind.DOCUMENT),
    ),
    ("sticker", message({"type": "sticker", "sticker_id": 46105}), inbound(kind=Kind.STICKER)),
    (
        "contact",
        message({"type": "contact", "contact": {"name": "Itamar", "phone_number": "+972511123123"}}),
        inbound(kind=Kind.CONTACT),
    ),
    ("location", message({"type": "location", "location": {"lat": 50.45, "lon": 30.52}}), inbound(kind=Kind.LOCATION)),
    ("url", message({"type": "url", "media": "http://www.example.com"}), inbound(kind=Kind.OTHER)),
    ("an unknown message type", message({"type": "hologram"}), inbound(kind=Kind.OTHER)),
    ("unknown event", {"event": "client_status", "timestamp": TS, "user_id": USER}, None),
    ("event of the wrong type", {"event": 42, "timestamp": TS}, None),
    ("not an object", ["event", "message"], None),
    ("no sender", {"event": "message", "message_token": 1, "message": {"type": "text", "text": "hi"}}, None),
    ("sender is a string", message({"type": "text", "text": "hi"}, sender="01234567890A="), None),
    ("sender id is a number", message({"type": "text", "text": "hi"}, sender={"id": 12345}), None),
    ("message is a string", message("hi"), None),  # type: ignore[arg-type]
    ("conversation_started without a user", {"event": "conversation_started", "message_token": 1}, None),
    ("text is a number", message({"type": "text", "text": 42}), inbound(kind=Kind.OTHER)),
    ("type is a list", message({"type": ["text"], "text": "hi"}), inbound(kind=Kind.OTHER, text="hi")),
    (
        "token is a list, language a number",
        message({"type": "text", "text": "hi"}, token=[1], sender={"id": USER, "language": 7}),
        inbound(text="hi", locale_hint=None, platform_id=None),
    ),
    ("token as a string", message({"type": "text", "text": "hi"}, token="77"), inbound(text="hi", platform_id="77")),
    ("empty text", message({"type": "text", "text": ""}), inbound(text="")),
    ("10,000 emoji are cut to Viber's 7,000", message({"type": "text", "text": EMOJI}), inbound(text="😀" * 7000)),
    ("right-to-left text is kept as is", message({"type": "text", "text": RTL}), inbound(text=RTL)),
    ("control characters are dropped", message({"type": "text", "text": "a\x00b\x07c\nd"}), inbound(text="abc\nd")),
    ("a lone surrogate cannot be stored", message({"type": "text", "text": "a\ud800b"}), inbound(text="a?b")),
]


@pytest.mark.parametrize(("name", "callback", "expected"), CALLBACKS, ids=[c[0] for c in CALLBACKS])
def test_callback_becomes_the_expected_inbound(name: str, callback: Any, expected: Inbound | None) -> None:
    assert inbound_of(callback) == expected


def test_helpline_comes_from_the_settings() -> None:
    got = inbound_of(message({"type": "text", "text": "hi"}), "community-1620")
    assert got is not None and got.helpline == "community-1620"


def test_signature_is_hmac_sha256_of_the_raw_body_keyed_with_the_token() -> None:
    body = b'{"event":"webhook","timestamp":1457764197627,"message_token":241256543215}'
    good = sign(TOKEN, body)
    assert len(good) == 64 and signature_ok(TOKEN, body, good) and signature_ok(TOKEN, body, good.upper())
    assert not signature_ok(TOKEN, body + b" ", good)
    assert not signature_ok("another-token", body, good)
    assert not signature_ok(TOKEN, body, None) and not signature_ok(TOKEN, body, "")
    assert not signature_ok(TOKEN, body, "ї" * 64)  # non-ASCII must not raise


# --- replies → the exact send_message bodies ------------------------------------------------------------------

SENDER = {"name": "Лінія 1620"}
R = Renderer("Лінія 1620")


def text_message(text: str, **extra: Any) -> dict[str, Any]:
    return {"receiver": USER, "min_api_version": 1, "sender": SENDER, "type": "text", "text": text, **extra}


def button(text: str, payload: str, columns: int = 6) -> dict[str, Any]:
    return {
        "Columns": columns,
        "Rows": 1,
        "BgColor": BUTTON_BG,
        "ActionType": "reply",
        "ActionBody": "vikno:" + payload,
        "Text": text,
        "Silent": True,
        "TextSize": "regular",
        "TextVAlign": "middle",
        "TextHAlign": "center",
    }


def keyboard(*buttons: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "keyboard", "DefaultHeight": False, "BgColor": KEYBOARD_BG, "Buttons": list(buttons)}


REPLIES: list[tuple[str, Outbound, list[dict[str, Any]]]] = [
    ("plain text", Outbound("Дякуємо, що звернулися."), [text_message("Дякуємо, що звернулися.")]),
    (
        "a keyboard: long titles get a row, two short ones share one",
        Outbound(
            "Оберіть тему",
            (
                Button("💳 Виплати, пільги, матеріальна допомога", "topic:social_benefits"),
                Button("Меню", "menu"),
                Button("English", "lang:en"),
                Button("Поговорити з фахівцем", "person"),
            ),
        ),
        [
            text_message(
                "Оберіть тему",
                keyboard=keyboard(
                    button("💳 Виплати, пільги, матеріальна допомога", "topic:social_benefits"),
                    button("Меню", "menu", 3),
                    button("English", "lang:en", 3),
                    button("Поговорити з фахівцем", "person"),
                ),
            )
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
            text_message(
                "Чим ще можемо допомогти?\nАбо, можливо, питання було про це:",
                keyboard=keyboard(
                    button("🏚 Компенсація за пошкоджене житло", "topic:housing_compensation"),
                    button("☰ Меню", "menu"),
                    button("🙋 Поговорити з людиною", "person"),
                ),
            )
        ],
    ),
    (
        "a short title alone takes the whole row",
        Outbound("Меню?", (Button("Меню", "menu"),)),
        [text_message("Меню?", keyboard=keyboard(button("Меню", "menu")))],
    ),
    (
        "angle brackets in a title cannot become Viber markup",
        Outbound("x", (Button("<b>Help</b>", "menu"),)),
        [text_message("x", keyboard=keyboard(button("‹b›Help‹/b›", "menu")))],
    ),
    (
        "buttons without text still need a carrier",
        Outbound("", (Button("Меню", "menu"),)),
        [text_message("…", keyboard=keyboard(button("Меню", "menu")))],
    ),
    ("nothing to say, nothing sent", Outbound(""), []),
    ("7,000 characters fit in one message", Outbound("я" * 7000), [text_message("я" * 7000)]),
    (
        "7,001 are split at a word, keyboard on the last part",
        Outbound("я" * 6990 + " " + "ю" * 10, (Button("Меню", "menu"),)),
        [text_message("я" * 6990), text_message("ю" * 10, keyboard=keyboard(button("Меню", "menu")))],
    ),
    (
        "paragraphs are split between paragraphs",
        Outbound("а" * 5000 + "\n\n" + "б" * 5000),
        [text_message("а" * 5000), text_message("б" * 5000)],
    ),
    ("emoji count twice, as in UTF-16", Outbound("😀" * 3600), [text_message("😀" * 3500), text_message("😀" * 100)]),
    ("control characters are not sent", Outbound("a\x00b"), [text_message("ab")]),
]


@pytest.mark.parametrize(("name", "reply", "expected"), REPLIES, ids=[r[0] for r in REPLIES])
def test_reply_becomes_the_exact_send_message_bodies(
    name: str, reply: Outbound, expected: list[dict[str, Any]]
) -> None:
    got = R.messages(USER, reply)
    assert got == expected
    for body in got:
        assert validate_message(body) is None
        assert len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_BODY_BYTES


def test_avatar_is_sent_when_configured() -> None:
    got = Renderer("vikno", "https://help.example.org/a.png").messages(USER, Outbound("hi"))
    assert got[0]["sender"] == {"name": "vikno", "avatar": "https://help.example.org/a.png"}


def test_more_than_24_buttons_keep_the_way_to_a_person_and_the_menu() -> None:
    topics = [Button(f"Тема номер {n} з довгою назвою", f"topic:t{n}") for n in range(30)]
    reply = Outbound("Оберіть", (*topics, Button("Поговорити з фахівцем", "person"), Button("Меню", "menu")))
    [body] = R.messages(USER, reply)
    bodies = [b["ActionBody"] for b in body["keyboard"]["Buttons"]]
    assert len(bodies) == 24 and validate_message(body) is None
    assert bodies[:22] == [f"vikno:topic:t{n}" for n in range(22)]
    assert bodies[22:] == ["vikno:person", "vikno:menu"]
    laid_out = body["keyboard"]["Buttons"]
    assert {b["Columns"] for b in laid_out} == {3}  # 24 in 12 rows
    assert {b["TextSize"] for b in laid_out} == {"small"}


def test_a_long_menu_goes_two_to_a_row_to_stay_within_12_rows() -> None:
    topics = [Button(f"Тема номер {n} з довгою назвою", f"topic:t{n}") for n in range(14)]
    reply = Outbound(
        "Оберіть",
        (*topics, Button("Поговорити з фахівцем", "person"), Button("Години", "hours"), Button("Мова", "language")),
    )
    [body] = R.messages(USER, reply)
    widths = [b["Columns"] for b in body["keyboard"]["Buttons"]]
    assert widths == [3] * 16 + [6] and validate_message(body) is None
    assert body["keyboard"]["Buttons"][-1]["TextSize"] == "regular"  # a short title in a whole row


def test_huge_text_with_a_big_keyboard_stays_under_30_kb() -> None:
    text = "中文字" * 5000  # 3 bytes a character: the byte limit bites before the character one
    buttons = tuple(Button("Кнопка з дуже довгою назвою " * 8, f"topic:{n}") for n in range(24))
    bodies = R.messages(USER, Outbound(text, buttons))
    assert "".join(b["text"] for b in bodies) == text
    for body in bodies:
        assert validate_message(body) is None
        assert len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_BODY_BYTES
    assert "keyboard" in bodies[-1] and all("keyboard" not in b for b in bodies[:-1])


def test_split_never_cuts_inside_an_emoji_sequence() -> None:
    family = "👨\u200d👩\u200d👧"  # 5 code points, 8 UTF-16 units, one picture
    parts = split_text(family * 1000, Measure(units=7000, json_bytes=MAX_BODY_BYTES))
    assert "".join(parts) == family * 1000
    assert all(p.startswith("👨") and p.endswith("👧") and utf16_units(p) <= 7000 for p in parts)


def test_welcome_joins_the_replies_into_one_message_without_receiver() -> None:
    welcome = R.welcome([Outbound("Вітаємо!"), Outbound("Оберіть тему", (Button("Меню", "menu"),))])
    assert welcome == {
        "min_api_version": 1,
        "sender": SENDER,
        "type": "text",
        "text": "Вітаємо!\n\nОберіть тему",
        "keyboard": keyboard(button("Меню", "menu")),
    }
    assert R.welcome([]) is None
    long = R.welcome([Outbound("я" * 8000)])
    assert long is not None and utf16_units(long["text"]) <= 7000 and long["text"].endswith("…")


# --- send(): Viber's answers → what the outbox pump is told -----------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeViber]:
    server = FakeViber(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def channel(fake: FakeViber) -> AsyncIterator[ViberChannel]:
    ch = ViberChannel(
        ViberSettings(token=TOKEN, api_base=fake.url, sender_name="Лінія 1620"), public_url="https://help.example.org"
    )
    yield ch
    await ch.stop()


SEND_OUTCOMES: list[tuple[str, Reply, type[Exception] | None]] = [
    ("ok", Reply(0), None),
    ("receiver not registered", Reply(5), Undeliverable),
    ("receiver not subscribed", Reply(6), Undeliverable),
    ("no suitable device", Reply(11), Undeliverable),
    ("bad data", Reply(3), Undeliverable),
    ("too many requests (status 12)", Reply(12), RetryAfter),
    ("HTTP 429", Reply(http=429, headers={"Retry-After": "7"}), RetryAfter),
    ("HTTP 500", Reply(http=500), ViberApiError),
    ("HTTP 502", Reply(http=502), ViberApiError),
    ("account suspended", Reply(9), ViberApiError),
    ("invalid token", Reply(2), ViberApiError),
    ("an unknown status", Reply(999), ViberApiError),
]


@pytest.mark.parametrize(("name", "answer", "raised"), SEND_OUTCOMES, ids=[s[0] for s in SEND_OUTCOMES])
async def test_viber_answers_map_to_outbox_outcomes(
    fake: FakeViber, channel: ViberChannel, name: str, answer: Reply, raised: type[Exception] | None
) -> None:
    fake.fail_next("send_message", answer)
    if raised is None:
        await channel.send(USER, Outbound("hi"))
    else:
        with pytest.raises(raised) as info:
            await channel.send(USER, Outbound("hi"))
        if name == "HTTP 429":
            assert info.value.seconds == 7  # type: ignore[attr-defined]
    [call] = fake.calls
    assert call.auth == TOKEN and call.body["receiver"] == USER


async def test_network_trouble_is_retried_later(channel: ViberChannel) -> None:
    channel.api_base = "http://127.0.0.1:9/pa"  # nothing listens on the discard port
    with pytest.raises(Exception) as info:
        await channel.send(USER, Outbound("hi"))
    assert not isinstance(info.value, (Undeliverable, RetryAfter))


async def test_wrong_token_is_refused_by_the_fake_too(fake: FakeViber) -> None:
    ch = ViberChannel(ViberSettings(token="wrong", api_base=fake.url), public_url="https://x.example")
    try:
        with pytest.raises(ViberApiError):
            await ch.send(USER, Outbound("hi"))
    finally:
        await ch.stop()


# --- end to end: the real app on a real socket ------------------------------------------------------------------


@dataclass
class Env:
    client: TestClient
    fake: FakeViber
    app: web.Application

    async def post(
        self,
        payload: Any,
        *,
        signature: str | None = "good",
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers = signed_headers(TOKEN, body)
        elif signature == "bad":
            headers["X-Viber-Content-Signature"] = sign(TOKEN, body + b"x")
        resp = await self.client.post("/viber/webhook", data=body, headers=headers)
        text = await resp.text()
        return resp.status, (json.loads(text) if text and resp.content_type == "application/json" else text)

    def sent_to(self, user: str) -> list[dict[str, Any]]:
        return [b for b in self.fake.sent() if b["receiver"] == user]

    async def conversation(self, user: str):  # type: ignore[no-untyped-def]
        return await self.app[ENGINE].find("viber", user)


def user_message(user: str, text: str, token: int, language: str = "uk") -> dict[str, Any]:
    return message({"type": "text", "text": text}, token=token, sender={"id": user, "language": language})


def started(user: str, token: int, language: str = "uk", context: str | None = None) -> dict[str, Any]:
    callback = {
        "event": "conversation_started",
        "timestamp": TS,
        "message_token": token,
        "type": "open",
        "user": {"id": user, "language": language, "api_version": 10},
        "subscribed": False,
    }
    if context is not None:
        callback["context"] = context
    return callback


@pytest.fixture
async def env(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeViber,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Env]:
    """A running vikno with the Viber bot on the fake Viber; ``indirect`` parameters add to its environment."""
    caplog.set_level("INFO", logger="vikno")  # the start's connection lines
    monkeypatch.setattr(ViberChannel, "per_chat_interval", 0.0)
    monkeypatch.setattr(ViberChannel, "register_backoff", (0.05, 0.2))
    monkeypatch.setattr(ViberChannel, "too_many_requests_wait", 0.0)
    # Viber is flaky at first: set_webhook is retried until it works
    fake.fail_next("set_webhook", Reply(http=500), Reply(1))
    server = TestServer(web.Application(), host="127.0.0.1")  # only to pick a free port the app can announce
    await server.start_server()
    port = server.port
    await server.close()
    settings = load_settings(
        environ={
            "VIKNO_DATA_DIR": str(tmp_path / "data"),
            "VIKNO_NLU": "none",
            "VIKNO_VIBER_TOKEN": TOKEN,
            "VIKNO_VIBER_API": fake.url,
            "VIKNO_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "VIKNO_VIBER_NAME": "Лінія 1620",
            **getattr(request, "param", {}),
        }
    )
    app = build_app(settings, load_helplines(shipped_helpline_folders()))
    async with TestClient(TestServer(app, host="127.0.0.1", port=port)) as client:
        await fake.wait_until(lambda: fake.webhook is not None)
        yield Env(client, fake, app)


async def test_start_registers_the_webhook_after_retries(env: Env) -> None:
    calls = [c for c in env.fake.calls if c.method == "set_webhook"]
    assert len(calls) >= 3 and all(c.auth == TOKEN for c in calls)
    assert calls[-1].body == {
        "url": f"{env.fake.webhook}",
        "event_types": ["conversation_started", "subscribed", "unsubscribed", "delivered", "seen", "failed"],
        "send_name": False,
        "send_photo": False,
        "_ok": True,
    }
    assert env.fake.webhook is not None and env.fake.webhook.endswith("/viber/webhook")


async def test_start_logs_which_account_it_connected_as(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    """Connection state at start, as for Telegram (issue 25): the set_webhook failures, then who it is."""
    started = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "viber: set_webhook failed" in started
    assert (
        f"viber: connected as 'vikno test' (viber://pa?chatURI=viknotest); webhook set to {env.fake.webhook}"
    ) in started
    assert TOKEN not in started


async def test_conversation_started_gets_the_welcome_and_keyboard_in_the_response(env: Env) -> None:
    status, body = await env.post(started("u-start", 101))
    assert status == 200
    assert validate_message(body, needs_receiver=False) is None
    assert "Служба підтримки 1620" in body["text"] and body["sender"] == {"name": "Лінія 1620"}
    actions = [b["ActionBody"] for b in body["keyboard"]["Buttons"]]
    assert actions == ["vikno:" + p for p in SHORT_MENU]  # the short first menu (issue 24)
    # not queued: the person is not subscribed yet, send_message would fail
    await asyncio.sleep(0.2)
    assert env.sent_to("u-start") == [] and await env.app[STORE].messages.count_pending() == 0
    again_status, again = await env.post(started("u-start", 101))  # Viber retries: same welcome
    assert again_status == 200 and again == body


async def test_opening_the_chat_again_keeps_an_open_report_form_and_comes_back_to_it(env: Env) -> None:
    """Outside attack: Viber sends ``conversation_started`` whenever the person opens the chat; in the middle of
    the report form it dropped the form (its answers gone, nothing said). Now the welcome is the form's open
    question, said to be unfinished, with its keyboard, and the report is made with the answers given before."""
    token = iter(range(301, 400))
    await env.post(user_message("u-form", "Привіт", next(token)))
    for press in ("topic:report_person_in_need", "report:about:elderly", "report:place:north"):
        await env.post(user_message("u-form", f"vikno:{press}", next(token)))
    status, body = await env.post(started("u-form", next(token)))
    assert status == 200 and validate_message(body, needs_receiver=False) is None
    assert body["text"] == (
        "Ваше повідомлення ще не надіслане. Продовжимо з того місця, де ви зупинилися:\n"
        "Що відбувається? Напишіть своїми словами, що ви бачили або чули."
    )
    assert [b["ActionBody"] for b in body["keyboard"]["Buttons"]] == ["vikno:report:back:what", "vikno:report:cancel"]
    await env.post(user_message("u-form", "Сусідка не виходить з дому третій день", next(token)))
    await env.post(user_message("u-form", "vikno:report:urgency:soon", next(token)))
    await env.post(user_message("u-form", "vikno:report:contact:no", next(token)))
    (card,) = await env.app[STORE].conversations.waiting(["community-1620"])
    report = await env.app[STORE].reports.by_conversation(card.id)
    assert (report.about, report.place) == ("elderly", "north") and report.what.startswith("Сусідка")


@pytest.mark.parametrize("env", [{"VIKNO_DEFAULT_HELPLINE": "kharkiv-1552"}], indirect=True)
async def test_a_child_s_link_welcomes_with_the_numbers_and_queues_at_the_child_s_first_words(env: Env) -> None:
    """``viber://pa?chatURI=…&context=kharkiv-1552_uk--child``, the child's path as on Telegram and the web chat.

    Viber lets nobody write to the person before they write, so the welcome has the child line numbers and the
    topic's button, and nothing is queued yet (an operator's answer could not be delivered, and "a grown-up will
    answer you here" would not be true); the child's first words, whatever they are, put the chat at the top of
    the queue and get the path's own "ти" text."""
    status, body = await env.post(started("u-child", 111, language="ru", context="kharkiv-1552_uk--child"))
    assert status == 200 and validate_message(body, needs_receiver=False) is None
    assert body["text"].startswith("Добре, що ти нам пишеш.") and "116 111" in body["text"]
    assert [b["ActionBody"] for b in body["keyboard"]["Buttons"]] == ["vikno:topic:child_help"]
    await asyncio.sleep(0.2)
    store = env.app[STORE]
    assert env.sent_to("u-child") == [] and await store.conversations.waiting(["kharkiv-1552"]) == []
    status, _ = await env.post(user_message("u-child", "привіт", 112))
    assert status == 200
    await env.fake.wait_until(lambda: len(env.sent_to("u-child")) >= 1)
    (waiting,) = await store.conversations.waiting(["kharkiv-1552"])
    assert waiting.topic == "child_help" and waiting.priority == "crisis" and waiting.team is None
    assert "Напиши, що сталося" in env.sent_to("u-child")[0]["text"]


async def test_message_reply_and_keyboard_press_go_out_through_send_message(env: Env) -> None:
    status, _ = await env.post(user_message("u-1", "Привіт", 201))
    assert status == 200
    await env.fake.wait_until(lambda: len(env.sent_to("u-1")) >= 1)
    [greeting] = env.sent_to("u-1")
    assert "Служба підтримки 1620" in greeting["text"] and greeting["sender"] == {"name": "Лінія 1620"}
    press = next(
        b["ActionBody"] for b in greeting["keyboard"]["Buttons"] if b["ActionBody"] == "vikno:topic:elderly_care"
    )
    status, _ = await env.post(user_message("u-1", press, 202))
    assert status == 200
    await env.fake.wait_until(lambda: len(env.sent_to("u-1")) >= 3)
    answer, after = env.sent_to("u-1")[1:]
    assert "старшого віку" in answer["text"] and "keyboard" not in answer
    assert {b["ActionBody"] for b in after["keyboard"]["Buttons"]} == {"vikno:person", "vikno:menu"}
    conv = await env.conversation("u-1")
    assert conv is not None and conv.topic == "elderly_care"


async def test_other_topics_gives_every_topic_and_one_of_them_answers(env: Env) -> None:
    """Issue 24: the short first menu's "other topics" in Viber: all 18 buttons fit (no trimming), one answers."""
    await env.post(user_message("u-more", "Привіт", 211))
    await env.fake.wait_until(lambda: len(env.sent_to("u-more")) >= 1)
    [greeting] = env.sent_to("u-more")
    assert [b["ActionBody"] for b in greeting["keyboard"]["Buttons"]] == ["vikno:" + p for p in SHORT_MENU]
    await env.post(user_message("u-more", "vikno:topics", 212))
    await env.fake.wait_until(lambda: len(env.sent_to("u-more")) >= 2)
    full = env.sent_to("u-more")[1]
    assert validate_message(full) is None
    assert [b["ActionBody"] for b in full["keyboard"]["Buttons"]] == ["vikno:" + p for p in FULL_LIST]
    await env.post(user_message("u-more", "vikno:topic:housing_compensation", 213))
    await env.fake.wait_until(lambda: len(env.sent_to("u-more")) >= 4)
    assert "компенсац" in env.sent_to("u-more")[2]["text"]
    conv = await env.conversation("u-more")
    assert conv is not None and conv.topic == "housing_compensation"


def viber_text(user: str, text: str) -> dict[str, Any]:
    return {"receiver": user, "min_api_version": 1, "sender": {"name": "Лінія 1620"}, "type": "text", "text": text}


async def test_an_operator_joining_writing_closing_and_transferring_is_told_apart_from_the_bot(env: Env) -> None:
    """Issue 24: in Viber every message comes from the bot's name; the lines and the label say who writes."""
    await env.post(user_message("u-op", "Привіт", 221))
    await env.post(user_message("u-op", "vikno:person", 222))
    await env.fake.wait_until(lambda: len(env.sent_to("u-op")) >= 2)
    assert not env.sent_to("u-op")[1]["text"].startswith(("ℹ️", "🙋"))  # the bot's words: unlabelled
    olena = await operator_on_duty(env.app)
    handoff = env.app[HANDOFF]
    conv = await handoff.take_next(olena)
    assert conv is not None
    await handoff.reply(olena, conv.id, "Добрий день! Я тут, розкажіть, що сталося.")
    await handoff.close(olena, conv.id, category="topic:social_benefits", outcome="resolved")
    await env.fake.wait_until(lambda: len(env.sent_to("u-op")) >= 6)
    join, words, closed, survey = env.sent_to("u-op")[2:6]
    assert [join, words, closed] == [
        viber_text("u-op", "ℹ️ До розмови приєднався фахівець: Олена."),
        viber_text("u-op", "🙋 Фахівець: Добрий день! Я тут, розкажіть, що сталося."),
        viber_text("u-op", "ℹ️ Фахівець завершив розмову. Якщо знадобиться допомога — просто напишіть, ми поруч."),
    ]
    assert survey["text"] == "ℹ️ Чи допомогла вам ця розмова?"
    assert [b["ActionBody"] for b in survey["keyboard"]["Buttons"]] == ["vikno:survey:yes", "vikno:survey:no"]
    # a new contact, then a transfer to the other team: told through the same path as the join
    await env.post(user_message("u-op", "vikno:person", 223))
    await env.fake.wait_until(lambda: len(env.sent_to("u-op")) >= 7)
    conv = await handoff.take_next(olena)
    assert conv is not None
    await handoff.transfer(olena, conv.id, to_team="protection")
    await env.fake.wait_until(lambda: len(env.sent_to("u-op")) >= 9)
    assert env.sent_to("u-op")[7:9] == [
        viber_text("u-op", "ℹ️ До розмови приєднався фахівець: Олена."),
        viber_text("u-op", "ℹ️ Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець."),
    ]


#: (how the chat moves on, the helpline's specialist_label, exactly what the person gets after Olena's join line)
PASSED_ON = "ℹ️ Фахівець передає розмову колезі. Зачекайте, будь ласка: вам відповість інший фахівець."
LEFT = "ℹ️ Фахівець вийшов із розмови. Ви знову в черзі: вам відповість наступний вільний фахівець."
JOINED_PETRO = "ℹ️ До розмови приєднався фахівець: Петро."
TRANSFERS = [
    pytest.param(
        "team",
        "role",
        ["🙋 Фахівець: Я Олена.", PASSED_ON, JOINED_PETRO, "🙋 Фахівець: Я Петро."],
        id="to-a-team-then-claimed",
    ),
    pytest.param(
        "operator",
        "name",
        ["🙋 Фахівець Олена: Я Олена.", PASSED_ON, JOINED_PETRO, "🙋 Фахівець Петро: Я Петро."],
        id="straight-to-a-colleague-by-name",
    ),
    pytest.param(
        "offline",
        "role",
        ["🙋 Фахівець: Я Олена.", LEFT, JOINED_PETRO, "🙋 Фахівець: Я Петро."],
        id="back-to-the-queue-then-claimed",
    ),
]


@pytest.mark.parametrize(("how", "label", "want"), TRANSFERS)
async def test_each_new_specialist_says_who_they_are(env: Env, how: str, label: str, want: list[str]) -> None:
    """Issue 24 (outside review): after a transfer every specialist looked the same and the new one said nothing."""
    handoff = env.app[HANDOFF]
    for line in handoff.helplines.values():  # as helpline.yml's specialist_label would set it
        line.settings = line.settings.model_copy(update={"specialist_label": label})
    await env.post(user_message("u-tr", "Привіт", 231))
    await env.post(user_message("u-tr", "vikno:person", 232))
    await env.fake.wait_until(lambda: len(env.sent_to("u-tr")) >= 2)
    olena = await operator_on_duty(env.app)
    petro = await operator_on_duty(env.app, "petro", "Петро")
    conv = await handoff.take_next(olena)
    assert conv is not None
    await handoff.reply(olena, conv.id, "Я Олена.")
    if how == "team":
        await handoff.transfer(olena, conv.id, to_team="protection")
        assert await handoff.take_next(petro) is not None
    elif how == "operator":
        await handoff.transfer(olena, conv.id, to_operator=petro)
    else:
        await handoff.set_presence(olena, "offline")
        assert await handoff.take_next(petro) is not None
    await handoff.reply(petro, conv.id, "Я Петро.")
    await env.fake.wait_until(lambda: len(env.sent_to("u-tr")) >= 3 + len(want))
    assert env.sent_to("u-tr")[2:] == [
        viber_text("u-tr", t) for t in ["ℹ️ До розмови приєднався фахівець: Олена.", *want]
    ]


async def test_a_retried_message_token_is_answered_once(env: Env) -> None:
    for _ in range(3):
        assert (await env.post(user_message("u-dup", "Привіт", 301)))[0] == 200
    await env.fake.wait_until(lambda: len(env.sent_to("u-dup")) >= 1)
    await asyncio.sleep(0.3)
    assert len(env.sent_to("u-dup")) == 1
    conv = await env.conversation("u-dup")
    assert await env.app[STORE].messages.count(conv.id) == 2  # one in, one out


@pytest.mark.parametrize(
    "failure",
    [Reply(http=429, headers={"Retry-After": "0"}), Reply(12), Reply(http=500)],
    ids=["HTTP 429", "status 12", "HTTP 500"],
)
async def test_rate_limit_or_server_error_is_retried_and_delivered_once(env: Env, failure: Reply) -> None:
    env.fake.fail_next("send_message", failure)
    assert (await env.post(user_message("u-retry", "Привіт", 401)))[0] == 200
    await env.fake.wait_until(lambda: len(env.sent_to("u-retry")) >= 1, timeout=15)
    await asyncio.sleep(0.3)
    assert len(env.sent_to("u-retry")) == 1
    tried = [c for c in env.fake.calls if c.method == "send_message" and c.body.get("receiver") == "u-retry"]
    assert len(tried) == 2
    assert await env.app[STORE].messages.count_pending() == 0


async def test_receiver_not_subscribed_is_given_up_not_retried(env: Env) -> None:
    env.fake.fail_next("send_message", Reply(6))
    assert (await env.post(user_message("u-gone", "Привіт", 501)))[0] == 200
    await env.fake.wait_until(lambda: any(c.body.get("receiver") == "u-gone" for c in env.fake.calls))
    conv = await env.conversation("u-gone")
    for _ in range(50):
        out = [m for m in await env.app[STORE].messages.history(conv.id) if m.direction == "out"]
        if out and out[0].delivery == "failed":
            break
        await asyncio.sleep(0.05)
    assert [m.delivery for m in out] == ["failed"]
    assert env.sent_to("u-gone") == []


async def test_store_down_is_503_and_the_retry_is_processed(env: Env) -> None:
    store = env.app[STORE]
    await store.close()
    try:
        status, _ = await env.post(user_message("u-down", "Привіт", 601))
        assert status == 503
        status, _ = await env.post(started("u-down", 602))
        assert status == 503
    finally:
        await store.open()
    assert env.sent_to("u-down") == []
    assert (await env.post(user_message("u-down", "Привіт", 601)))[0] == 200  # Viber's retry
    await env.fake.wait_until(lambda: len(env.sent_to("u-down")) == 1)


async def test_store_down_is_a_json_503_with_retry_after(env: Env) -> None:
    """The same 503 as every channel (bots/kit/answers.py): Viber's was plain text."""
    store = env.app[STORE]
    await store.close()
    try:
        body = json.dumps(user_message("u-down2", "Привіт", 603), ensure_ascii=False).encode()
        resp = await env.client.post("/viber/webhook", data=body, headers=signed_headers(TOKEN, body))
        assert resp.status == 503 and resp.headers["Retry-After"] == "5"
        assert (await resp.json())["error"] == "store_unavailable"
    finally:
        await store.open()


@pytest.mark.parametrize("signature", ["bad", None], ids=["wrong signature", "unsigned"])
async def test_unsigned_or_wrongly_signed_callbacks_are_403_and_store_nothing(env: Env, signature: str | None) -> None:
    for payload in (user_message("u-forged", "Привіт", 701), started("u-forged", 702)):
        status, _ = await env.post(payload, signature=signature)
        assert status == 403
    status, _ = await env.post(None, raw=b"{not json", signature=signature)
    assert status == 403
    assert await env.conversation("u-forged") is None


ODD: list[tuple[str, bytes]] = [
    ("malformed JSON", b"{not json"),
    ("not UTF-8", b"\xff\xfe{}"),
    ("empty body", b""),
    ("a JSON list", b"[1,2,3]"),
    ("absurd nesting", b"[" * 100_000),
    ("a 5,000-digit message token", b'{"event":"message","message_token":' + b"9" * 5000 + b"}"),
    ("unknown event", json.dumps({"event": "client_status", "user_id": "u-odd"}).encode()),
    ("wrong field types", json.dumps(message({"type": "text", "text": 42}, sender={"id": 5})).encode()),
    ("subscribed", json.dumps({"event": "subscribed", "user": {"id": "u-odd"}, "message_token": 1}).encode()),
    ("unsubscribed", json.dumps({"event": "unsubscribed", "user_id": "u-odd", "message_token": 2}).encode()),
    ("delivered", json.dumps({"event": "delivered", "user_id": "u-odd", "message_token": 3}).encode()),
    ("seen", json.dumps({"event": "seen", "user_id": "u-odd", "message_token": 4}).encode()),
    ("failed", json.dumps({"event": "failed", "user_id": "u-odd", "message_token": 5, "desc": "x"}).encode()),
]


async def test_odd_signed_callbacks_are_acknowledged_never_5xx(env: Env) -> None:
    for name, raw in ODD:
        status, _ = await env.post(None, raw=raw)
        assert status == 200, name
    assert await env.conversation("u-odd") is None


async def test_odd_texts_get_a_polite_answer_and_are_stored_cleaned(env: Env) -> None:
    odd = {"u-empty": "", "u-emoji": EMOJI, "u-rtl": RTL, "u-ctrl": "a\x00b\x07c"}
    for n, (user, text) in enumerate(odd.items()):
        assert (await env.post(user_message(user, text, 800 + n)))[0] == 200
    sticker = message({"type": "sticker", "sticker_id": 46105}, token=810, sender={"id": "u-sticker"})
    assert (await env.post(sticker))[0] == 200
    users = [*odd, "u-sticker"]
    await env.fake.wait_until(lambda: all(env.sent_to(u) for u in users))
    stored = {u: (await env.app[STORE].messages.history((await env.conversation(u)).id))[0] for u in users}
    assert stored["u-ctrl"].text == "abc" and stored["u-rtl"].text == RTL
    assert stored["u-emoji"].text == "😀" * 7000 and stored["u-sticker"].kind == "sticker"


async def test_an_oversized_body_is_refused_unread(env: Env) -> None:
    status, _ = await env.post(None, raw=b" " * (300 * 1024))
    assert status == 413
