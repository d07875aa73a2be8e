"""The REST channel through a real aiohttp server on the embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from vikno.bots.keys import STORE

from ..first_menu import FULL_LIST, SHORT_MENU

URL = "/api/v1/conversations/{}/messages"
#: key -> the token of its conversation's first answer (the client keeps it, as an app would)
TOKENS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def fresh_tokens() -> Iterator[None]:
    TOKENS.clear()
    yield
    TOKENS.clear()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[key]}"} if key in TOKENS else {}


async def post(client: TestClient, key: str, body: object, status: int = 200) -> dict:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    resp = await client.post(URL.format(key), data=data, headers={"Content-Type": "application/json", **auth(key)})
    payload = await resp.json()
    assert resp.status == status, payload
    if "token" in payload:
        TOKENS[key] = payload["token"]
    return payload


async def get(client: TestClient, path: str, key: str, **kw: Any) -> ClientResponse:
    return await client.get(path, headers=auth(key), **kw)


async def test_healthz_reports_the_store(client: TestClient) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["store"] == "sqlite"


async def test_greeting_menu_answer_with_the_documented_shape(client: TestClient) -> None:
    hello = await post(client, "app-1", {"text": "Привіт", "locale": "uk"})
    assert set(hello) == {"replies", "conversation", "token"}
    assert hello["conversation"] == {
        "state": "bot",
        "language": "uk",
        "topic": None,
        "priority": None,
        "queue_position": None,
    }
    reply = hello["replies"][0]
    assert "Служба підтримки 1620" in reply["text"]
    assert {"title", "payload"} == set(reply["buttons"][0])
    menu = await post(client, "app-1", {"button": "menu"})
    assert set(menu) == {"replies", "conversation"}  # the token goes out once
    topic = next(b["payload"] for b in menu["replies"][0]["buttons"] if b["payload"] == "topic:elderly_care")
    answer = await post(client, "app-1", {"button": topic})
    assert "старшого віку" in answer["replies"][0]["text"]
    assert answer["conversation"]["topic"] == "elderly_care"


async def test_the_greeting_offers_the_short_menu_and_other_topics_every_topic(client: TestClient) -> None:
    """Issue 24: the REST client gets the same short first menu; "topics" lists all; one of them answers."""
    hello = await post(client, "app-menu", {"text": "Привіт", "locale": "uk"})
    assert [b["payload"] for b in hello["replies"][0]["buttons"]] == SHORT_MENU
    full = await post(client, "app-menu", {"button": "topics"})
    assert [b["payload"] for b in full["replies"][0]["buttons"]] == FULL_LIST
    answer = await post(client, "app-menu", {"button": "topic:housing_compensation"})
    assert "компенсац" in answer["replies"][0]["text"]
    assert answer["conversation"]["topic"] == "housing_compensation"


async def test_get_returns_the_history_to_resume(client: TestClient) -> None:
    await post(client, "resume", {"text": "Hello", "locale": "en"})
    await post(client, "resume", {"button": "person"})
    resp = await get(client, "/api/v1/conversations/resume", "resume")
    body = await resp.json()
    assert resp.status == 200
    assert body["conversation"]["state"] == "waiting" and body["conversation"]["queue_position"] == 1
    assert body["conversation"]["priority"] == "request"
    kinds = [(m["direction"], m["sender"]) for m in body["messages"]]
    assert kinds == [("in", "user"), ("out", "bot"), ("in", "user"), ("out", "bot")]
    assert body["messages"][0]["text"] == "Hello" and body["messages"][2]["button"] == "person"
    assert body["messages"][1]["buttons"] and body["messages"][1]["at"].endswith("Z")
    limited = await (await get(client, "/api/v1/conversations/resume?limit=1", "resume")).json()
    assert len(limited["messages"]) == 1


async def test_unknown_conversation_is_404_and_reading_needs_the_token(client: TestClient) -> None:
    resp = await client.get("/api/v1/conversations/nobody-here")
    assert resp.status == 401 and (await resp.json())["error"] == "token_required"
    channel = next(
        r.handler.__self__
        for r in client.app.router.routes()
        if r.method == "GET" and r.resource is not None and r.resource.canonical == "/api/v1/conversations/{key}"
    )
    TOKENS["nobody-here"] = channel.tokens.token("community-1620", "nobody-here")  # a token for a conversation gone
    resp = await get(client, "/api/v1/conversations/nobody-here", "nobody-here")
    assert resp.status == 404 and (await resp.json())["error"] == "not_found"


BAD_BODIES = [
    (b"{not json", 400, "malformed_json"),
    (b"\xff\xfe", 400, "malformed_json"),
    (b"[1, 2]", 400, "invalid_message"),
    (b"{}", 422, "invalid_message"),
    (b'{"text": 42}', 422, "invalid_text"),
    (b'{"text": null}', 422, "invalid_text"),
    (b'{"text": ["a"]}', 422, "invalid_text"),
    (b'{"text": "a", "button": "menu"}', 422, "invalid_message"),
    (b'{"button": ""}', 422, "invalid_button"),
    (b'{"text": "hi", "locale": "fr"}', 422, "invalid_locale"),
    (b'{"text": "hi", "colour": "red"}', 422, "invalid_message"),
    (b'{"text": "hi", "id": 7}', 422, "invalid_id"),
    (json.dumps({"text": "я" * 4097}).encode(), 422, "text_too_long"),
    (json.dumps({"text": "a" * 70_000}).encode(), 413, "body_too_large"),
]


async def test_bad_requests_get_a_clear_error_and_store_nothing(client: TestClient) -> None:
    for body, status, error in BAD_BODIES:
        resp = await client.post(URL.format("bad"), data=body, headers={"Content-Type": "application/json"})
        payload = await resp.json()
        assert (resp.status, payload["error"]) == (status, error), body[:40]
        assert payload["detail"]
    await post(client, "bad", {"text": "hi"})  # no token needed: nothing was stored, not even a conversation


async def test_bad_key_and_bad_limit(client: TestClient) -> None:
    assert (await post(client, "x" * 200, {"text": "hi"}, status=400))["error"] == "bad_conversation_key"
    assert (await post(client, "with space", {"text": "hi"}, status=400))["error"] == "bad_conversation_key"
    await post(client, "lim", {"text": "hi"})
    resp = await get(client, "/api/v1/conversations/lim?limit=zero", "lim")
    assert resp.status == 400


async def test_unknown_helpline_is_404(client: TestClient) -> None:
    payload = await post(client, "hl", {"text": "hi", "helpline": "nope"}, status=404)
    assert payload["error"] == "unknown_helpline"


async def test_odd_text_is_answered_and_kept_exactly(client: TestClient) -> None:
    odd = ["😀" * 4000, "مرحبا، أحتاج مساعدة", "<script>alert(1)</script>", "ґ\u200fїє\u202e", "a\x00b\x07c"]
    for t in odd:
        body = await post(client, "odd", {"text": t})
        assert body["replies"], t[:10]
    history = (await (await get(client, "/api/v1/conversations/odd", "odd")).json())["messages"]
    said = [m["text"] for m in history if m["direction"] == "in"]
    assert said[2] == "<script>alert(1)</script>" and said[3] == "ґ\u200fїє\u202e"
    assert said[4] == "abc"  # control characters dropped, nothing else


async def test_client_message_id_makes_retries_safe(client: TestClient) -> None:
    first = await post(client, "retry", {"text": "Привіт", "id": "msg-1"})
    again = await post(client, "retry", {"text": "Привіт", "id": "msg-1"})
    assert again.get("duplicate") is True and again["replies"] == first["replies"]
    history = (await (await get(client, "/api/v1/conversations/retry", "retry")).json())["messages"]
    assert len(history) == 2


async def test_a_token_issued_before_line1620_was_renamed_still_opens_its_conversation(client: TestClient) -> None:
    """Issue 27: an app holds the token it got when the line was "line1620"; the line is community-1620 now."""
    await post(client, "before-rename", {"text": "Добрий день"})
    channel = next(
        r.handler.__self__
        for r in client.app.router.routes()
        if r.method == "GET" and r.resource is not None and r.resource.canonical == "/api/v1/conversations/{key}"
    )
    TOKENS["before-rename"] = channel.tokens.token("line1620", "before-rename")
    answer = await post(client, "before-rename", {"button": "topic:disability"})
    assert "крісел колісних" in answer["replies"][0]["text"]
    resp = await get(client, "/api/v1/conversations/before-rename", "before-rename")
    assert resp.status == 200
    TOKENS["before-rename"] = channel.tokens.token("kharkiv-1552", "before-rename")  # another line's: no
    await post(client, "before-rename", {"text": "ще"}, status=401)


async def test_an_old_menu_button_in_the_report_form_keeps_the_report(client: TestClient) -> None:
    """The outside attack's way, `vikno serve` over REST: a menu topic pressed in the middle of the report form
    dropped it without a word. The topic is answered, the form's question follows, and the report is made
    with the answers given before the press."""
    await post(client, "reporter", {"text": "Добрий день", "locale": "uk"})
    for button in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await post(client, "reporter", {"button": button})
    pressed = await post(client, "reporter", {"button": "topic:elderly_care"})
    topic, form = pressed["replies"]
    assert "старшого віку" in topic["text"] and form["text"].startswith("Ваше повідомлення ще не надіслане")
    assert [b["payload"] for b in form["buttons"]] == ["report:back:what", "report:cancel"]
    await post(client, "reporter", {"text": "Дитина часто гуляє сама допізна, у школу не ходить"})
    await post(client, "reporter", {"button": "report:urgency:soon"})
    made = await post(client, "reporter", {"button": "report:contact:no"})
    assert made["replies"][0]["text"].startswith("Дякуємо. Ваше повідомлення передано")
    store = client.app[STORE]
    (queued,) = await store.conversations.waiting(["community-1620"])
    report = await store.reports.by_conversation(queued.id)
    assert (report.about, report.place, report.what) == (
        "child",
        "north",
        "Дитина часто гуляє сама допізна, у школу не ходить",
    )
