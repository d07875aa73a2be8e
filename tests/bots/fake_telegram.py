"""A small Bot API server that stands in for api.telegram.org.

It answers ``/bot<token>/<method>`` the way Telegram does (``{"ok": true,
"result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...,
"parameters": {...}}``), records every call with its fields decoded the same
way whether the client sent a form (aiogram does) or JSON, serves queued
updates through ``getUpdates`` with offsets and long polling, and can be told
to fail the next calls of a method with 429 ``retry_after``, 403, 400 or 500.

Tests use it in-process; the webhook benchmark runs it as a separate process
(``python tests/bots/fake_telegram.py --port N --token T``) as the sink of the
outbox, counting instead of recording.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

#: Fields that arrive JSON-encoded inside a form, and fields that are numbers or flags.
JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "link_preview_options", "reply_parameters", "entities"})
INT_FIELDS = frozenset({"offset", "limit", "timeout", "cache_time", "max_connections", "message_thread_id"})
BOOL_FIELDS = frozenset({"drop_pending_updates", "show_alert", "disable_notification", "protect_content"})


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    #: When the answer left (monotonic); None while the call is still at the platform.
    answered_at: float | None = None


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token_for-the-fake"
    record: bool = True
    calls: list[Call] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    offsets: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1)
        self._failures: dict[str, deque[Failure | None]] = {}
        self._delays: dict[str, float] = {}
        self._last_update_id = 1000
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.app = web.Application()
        self.app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self.app.router.add_get("/_stats", self._stats)

    # --- running -------------------------------------------------------------------------

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- scripting ---------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """After ``after`` more good calls, the next ``times`` calls of ``method`` fail like Telegram would."""
        description = description or {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user",
            400: "Bad Request: chat not found",
            500: "Internal Server Error",
        }.get(status, "error")
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(None for _ in range(after))
        queue.extend(Failure(status, description, retry_after) for _ in range(times))

    def slow(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` only ``seconds`` after it arrived (it counts as received at once)."""
        self._delays[method.lower()] = seconds

    async def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (an ``update_id`` is given if missing)."""
        update = dict(update)
        update.setdefault("update_id", self._last_update_id + 1)
        self._last_update_id = max(self._last_update_id, int(update["update_id"]))
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    # --- inspecting ----------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.of("sendMessage") if c.params.get("chat_id") == chat_id]

    async def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 5.0, chat_id: int | None = None
    ) -> list[Call]:
        """The calls of ``method`` once there are at least ``count`` (fails after ``timeout``)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            calls = self.sent_to(chat_id) if chat_id is not None else self.of(method)
            if len(calls) >= count:
                return calls
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} {method} call(s), got {len(calls)}: {calls}")
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), 0.05)
                except TimeoutError:
                    pass

    async def _stats(self, request: web.Request) -> web.Response:
        """Calls per method: how the benchmark reads what the outbox delivered."""
        return web.json_response(dict(self.counts))

    # --- the API -------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        self.counts[method] += 1
        call = Call(method, params, time.monotonic())
        if self.record:
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        delay = self._delays.get(method.lower())
        if delay:
            await asyncio.sleep(delay)
        call.answered_at = time.monotonic()
        failures = self._failures.get(method.lower())
        f = failures.popleft() if failures else None
        if f is not None:
            return _error(f.status, f.description, f.retry_after)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return await handler(params)

    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": int(self.token.split(":")[0]),
                "is_bot": True,
                "first_name": "vikno test",
                "username": "vikno_test_bot",
            }
        )

    async def _m_setwebhook(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        text = params.get("text")
        if not isinstance(text, str) or not text:
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        chat_id = params.get("chat_id")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return _ok(message)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = params.get("offset")
        self.offsets.append(offset)
        if isinstance(offset, int):  # Telegram forgets what is confirmed
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        async with self._changed:
            if not self._updates and timeout > 0:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates)), timeout)
                except TimeoutError:
                    pass
        return _ok(self._updates[:limit])


async def _params(request: web.Request) -> dict[str, Any]:
    """Fields of a form or a JSON body, decoded to what Telegram would understand."""
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    if request.method == "GET":
        raw: dict[str, Any] = dict(request.query)
    else:
        raw = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_FIELDS:
            value = json.loads(value)
        elif key in INT_FIELDS or (key == "chat_id" and value.lstrip("-").isdigit()):
            value = int(value)
        elif key in BOOL_FIELDS:
            value = value.lower() == "true"
        out[key] = value
    return out


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="a fake Telegram Bot API server (counts, does not record)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()

    async def serve() -> None:
        fake = FakeTelegram(token=args.token, record=False)
        await fake.start(args.port)
        print(f"fake telegram on {fake.url}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
