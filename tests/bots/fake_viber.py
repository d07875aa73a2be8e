"""A small Viber REST Bot API server for tests and the benchmark.

It speaks the three calls vikno makes (``/set_webhook``, ``/send_message``,
``/get_account_info``) the way chatapi.viber.com/pa does: HTTP 200 with a
``status`` in the JSON, the ``X-Viber-Auth-Token`` header checked, and
set_webhook verifying the URL by calling it with a signed ``webhook``
callback before it answers (so the real start-up order is exercised). It
checks what Viber checks (text up to 7,000 characters, at most 24 buttons
on a 6-column grid, sender name up to 28 characters, 30 KB bodies), records
every call, and can be told to fail the next calls: a status code, an HTTP
error (429 with Retry-After, 500), or "receiver not subscribed".

    python tests/bots/fake_viber.py --port 8900 --token T   # for the benchmark
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

STATUS_MESSAGES = {
    0: "ok",
    1: "invalidUrl",
    2: "invalidAuthToken",
    3: "badData",
    4: "missingData",
    5: "receiverNotRegistered",
    6: "receiverNotSubscribed",
    11: "receiverNoSuitableDevice",
    12: "tooManyRequests",
}
MESSAGE_TYPES = {"text", "picture", "video", "file", "location", "contact", "sticker", "url", "rich_media"}
ACTION_TYPES = {"reply", "open-url", "location-picker", "share-phone", "none"}
MAX_BODY = 30 * 1024


def sign(token: str, body: bytes) -> str:
    """``X-Viber-Content-Signature`` of a callback body."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signed_headers(token: str, body: bytes) -> dict[str, str]:
    return {"X-Viber-Content-Signature": sign(token, body), "Content-Type": "application/json"}


@dataclass
class Call:
    method: str
    body: Any
    auth: str | None


@dataclass
class Reply:
    """One scripted answer: an API ``status`` (HTTP 200), or a bare HTTP error."""

    status: int = 0
    http: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FakeViber:
    def __init__(self, token: str, *, record: bool = True, verify_webhook: bool = True) -> None:
        self.token = token
        self.record = record
        self.verify_webhook = verify_webhook
        self.calls: list[Call] = []
        self.counts: dict[str, int] = {}
        self.script: dict[str, list[Reply]] = {}
        self.webhook: str | None = None
        self.event_types: list[str] = []
        self._tokens = itertools.count(5_491_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self.url = ""

    # --- scripting and inspection -------------------------------------------------------------

    def fail_next(self, method: str, *replies: Reply) -> None:
        self.script.setdefault(method, []).extend(replies)

    def bodies(self, method: str = "send_message", *, accepted_only: bool = True) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == method and (not accepted_only or c.body.get("_ok"))]

    def sent(self) -> list[dict[str, Any]]:
        """Accepted send_message bodies, as vikno sent them."""
        return [{k: v for k, v in b.items() if k != "_ok"} for b in self.bodies()]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the fake Viber server did not see what was expected in time")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.2))
            except TimeoutError:
                pass

    # --- the server ---------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.add_routes(
            [
                web.post("/pa/set_webhook", self._set_webhook),
                web.post("/pa/send_message", self._send),
                web.post("/pa/get_account_info", self._account_info),
                web.get("/_stats", self._stats),
            ]
        )
        return app

    async def _stats(self, _: web.Request) -> web.Response:
        """Not Viber's: how many calls of each kind came in (for the benchmark)."""
        return web.json_response(self.counts)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.url = f"http://{host}:{sockets[0].getsockname()[1]}/pa"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _begin(self, request: web.Request, method: str) -> tuple[Any, web.Response | None]:
        raw = await request.read()
        auth = request.headers.get("X-Viber-Auth-Token")
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"_raw": raw[:200].decode("utf-8", "replace")}
        if not isinstance(body, dict):
            body = {"_raw": body}
        self.counts[method] = self.counts.get(method, 0) + 1
        if self.record:
            self.calls.append(Call(method, body, auth))
        self._changed.set()
        if auth != self.token:
            return body, self._status(2)
        if len(raw) > MAX_BODY:
            return body, self._status(3, f"the body is {len(raw)} bytes; at most {MAX_BODY}")
        scripted = self.script.get(method)
        if scripted:
            reply = scripted.pop(0)
            if reply.http != 200:
                return body, web.Response(status=reply.http, headers=reply.headers, text="scripted")
            if reply.status:
                return body, self._status(reply.status)
        return body, None

    def _status(self, status: int, detail: str | None = None) -> web.Response:
        return web.json_response(
            {
                "status": status,
                "status_message": detail or STATUS_MESSAGES.get(status, "error"),
                "chat_hostname": "SN-FAKE_",
            }
        )

    async def _set_webhook(self, request: web.Request) -> web.Response:
        body, early = await self._begin(request, "set_webhook")
        if early is not None:
            return early
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return self._status(1)
        if self.verify_webhook and not await self._verify(url):
            return self._status(1, "Result[HttpResponse] failed to reach the webhook")
        self.webhook, self.event_types = url, list(body.get("event_types") or [])
        body["_ok"] = True
        return web.json_response({"status": 0, "status_message": "ok", "event_types": self.event_types})

    async def _verify(self, url: str) -> bool:
        raw = json.dumps(
            {
                "event": "webhook",
                "timestamp": int(time.time() * 1000),
                "chat_hostname": "SN-FAKE_",
                "message_token": next(self._tokens),
            }
        ).encode()
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
                async with session.post(url, data=raw, headers=signed_headers(self.token, raw)) as resp:
                    return resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def _send(self, request: web.Request) -> web.Response:
        body, early = await self._begin(request, "send_message")
        if early is not None:
            return early
        problem = validate_message(body)
        if problem is not None:
            return self._status(3, problem)
        body["_ok"] = True
        return web.json_response(
            {
                "status": 0,
                "status_message": "ok",
                "message_token": next(self._tokens),
                "chat_hostname": "SN-FAKE_",
                "billing_status": 0,
            }
        )

    async def _account_info(self, request: web.Request) -> web.Response:
        _, early = await self._begin(request, "get_account_info")
        if early is not None:
            return early
        return web.json_response(
            {
                "status": 0,
                "status_message": "ok",
                "id": "pa:fake",
                "name": "vikno test",
                "uri": "viknotest",
                "category": "Public Services",
                "country": "UA",
                "webhook": self.webhook,
                "event_types": self.event_types,
                "subscribers_count": 0,
                "members": [],
            }
        )


def validate_message(body: dict[str, Any], *, needs_receiver: bool = True) -> str | None:
    """What Viber would refuse in a message (None: fine). Also used on welcome messages."""
    if needs_receiver and not (isinstance(body.get("receiver"), str) and body["receiver"]):
        return "receiver is missing"
    sender = body.get("sender")
    if not isinstance(sender, dict) or not isinstance(sender.get("name"), str) or not 0 < len(sender["name"]) <= 28:
        return "sender.name must be 1-28 characters"
    if body.get("type") not in MESSAGE_TYPES:
        return f"unknown type {body.get('type')!r}"
    if body["type"] == "text":
        text = body.get("text")
        if not isinstance(text, str) or not text:
            return "text is missing"
        if len(text.encode("utf-16-le")) // 2 > 7000:
            return "text is over 7000 characters"
    keyboard = body.get("keyboard")
    if keyboard is not None:
        buttons = keyboard.get("Buttons") if isinstance(keyboard, dict) else None
        if not isinstance(buttons, list) or not 0 < len(buttons) <= 24:
            return "keyboard.Buttons must hold 1-24 buttons"
        rows, used = 0, 6
        for b in buttons:
            if not (isinstance(b, dict) and 1 <= b.get("Columns", 6) <= 6 and 1 <= b.get("Rows", 1) <= 2):
                return "a button's Columns must be 1-6 and Rows 1-2"
            if b.get("ActionType", "reply") not in ACTION_TYPES or not isinstance(b.get("ActionBody"), str):
                return "a button needs an ActionType and an ActionBody"
            if used + b.get("Columns", 6) > 6:
                rows, used = rows + b.get("Rows", 1), 0
            used += b.get("Columns", 6)
        if rows > 12:
            return f"the keyboard takes {rows} rows; at most 12 in portrait mode"
    return None


async def _serve(port: int, token: str) -> None:
    fake = FakeViber(token, record=False)
    await fake.start(port=port)
    print(f"fake viber on {fake.url}", flush=True)
    try:
        while True:
            await asyncio.sleep(3600)
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="a fake Viber REST Bot API server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port, args.token))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
