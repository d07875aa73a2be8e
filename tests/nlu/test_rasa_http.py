"""RasaHTTPNLU against a local aiohttp server that answers like Rasa's /model/parse."""

from __future__ import annotations

import socket

from aiohttp import web

from vikno.nlu.rasa_http import RasaHTTPNLU, parse_rasa_answer
from vikno.nlu.types import FALLBACK_INTENT


async def _start(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/model/parse", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def test_maps_rasa_answer_and_keeps_local_crisis() -> None:
    seen = []

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append(body)
        return web.json_response(
            {
                "text": body["text"],
                "intent": {"name": "social_benefits", "confidence": 0.87},
                "intent_ranking": [
                    {"name": "social_benefits", "confidence": 0.87},
                    {"name": "legal", "confidence": 0.1},
                ],
                "entities": [],
            }
        )

    runner, url = await _start(handler)
    try:
        async with RasaHTTPNLU(url + "/", timeout=2) as nlu:
            p = await nlu.parse("як оформити субсидію")
            assert (p.intent, p.confidence, p.language) == ("social_benefits", 0.87, "uk")
            assert p.ranking == (("social_benefits", 0.87), ("legal", 0.1))
            assert not p.crisis
            # The remote server says "social_benefits", but the local crisis layer decides safety.
            p = await nlu.parse("не хочу жити")
            assert p.crisis and p.crisis_category == "suicide_self_harm"
        assert seen[0] == {"text": "як оформити субсидію"}
    finally:
        await runner.cleanup()


async def test_server_down_falls_back_with_crisis() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with RasaHTTPNLU(f"http://127.0.0.1:{port}", timeout=1) as nlu:
        p = await nlu.parse("I want to kill myself")
        assert p.intent == FALLBACK_INTENT and p.confidence == 0.0
        assert p.crisis and p.language == "en"


async def test_server_errors_and_garbage() -> None:
    async def handler(request: web.Request) -> web.Response:
        text = (await request.json())["text"]
        if text == "500":
            return web.Response(status=500, text="boom")
        if text == "garbage":
            return web.Response(text="not json")
        return web.json_response({"intent": None, "intent_ranking": []})

    runner, url = await _start(handler)
    try:
        async with RasaHTTPNLU(url) as nlu:
            for text in ("500", "garbage", "empty"):
                p = await nlu.parse(text)
                assert p.intent == FALLBACK_INTENT
    finally:
        await runner.cleanup()


def test_parse_rasa_answer_shapes() -> None:
    assert parse_rasa_answer({"intent": {"name": "a", "confidence": 0.5}}) == ("a", 0.5, (("a", 0.5),))
    assert parse_rasa_answer({"intent_ranking": [{"name": "b", "confidence": 0.4}]})[0] == "b"
    assert parse_rasa_answer({})[0] == FALLBACK_INTENT
