"""The console's websocket: forwards hub nudges to one logged-in operator.

Events carry no content, only what changed (a queue change, a message in
conversation X, a crisis); the page re-reads the JSON it needs, through the
same access checks as everything else. The socket accepts only the
console's own origin and a live session, and closes when the session ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from vikno.handoff import accounts

from .auth import viewer_of
from .context import console_of
from .queries import scope
from .security import SESSION_COOKIE, same_origin

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 25.0
#: How often an open socket re-checks that its session still exists.
SESSION_CHECK_SECONDS = 60.0
SESSION_ENDED = 4401
FORWARDED = ("type", "conversation_id", "priority", "state", "presence")


async def console_socket(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    if not same_origin(request, console.public_origin, required=True):
        return web.json_response({"error": "the console socket is for the console's own pages"}, status=403)
    viewer = await viewer_of(request)
    if viewer is None:
        return web.json_response({"error": "log in first"}, status=401)
    lines = set(scope(console, viewer.operator))
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=4096)
    await ws.prepare(request)
    token = request.cookies.get(SESSION_COOKIE)
    console.sockets.add(ws)
    async with console.hub.subscribe() as queue:
        await ws.send_json({"type": "hello"})
        reader = asyncio.create_task(_drain(ws))
        try:
            while not ws.closed:
                getter = asyncio.ensure_future(queue.get())
                finished, _ = await asyncio.wait({getter, reader}, timeout=SESSION_CHECK_SECONDS,
                                                 return_when=asyncio.FIRST_COMPLETED)
                if getter not in finished:
                    getter.cancel()
                    if reader in finished:
                        break
                    if await accounts.current(console.store, token) is None:
                        await ws.close(code=SESSION_ENDED, message=b"session ended")
                        break
                    continue
                event = getter.result()
                if event.get("helpline") not in (None, *lines):
                    continue
                await ws.send_json(_nudge(event))
        except ConnectionResetError:
            pass  # the page went away mid-send
        finally:
            console.sockets.discard(ws)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            if not ws.closed:
                await ws.close(code=WSCloseCode.GOING_AWAY)
    return ws


def _nudge(event: dict[str, Any]) -> dict[str, Any]:
    return {k: event[k] for k in FORWARDED if k in event}


async def _drain(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what the page sends, so that a close is noticed at once."""
    async for msg in ws:
        if msg.type == WSMsgType.TEXT and msg.data == "ping":
            await ws.send_str('{"type":"pong"}')


async def close_all(console_sockets: set[web.WebSocketResponse]) -> None:
    """At shutdown: say "going away" so that every page reconnects (to the next process) at once."""
    for ws in list(console_sockets):
        with contextlib.suppress(Exception):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server restarting")
