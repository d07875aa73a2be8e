"""The console's websocket: forwards hub nudges to one logged-in operator.

Events carry no content, only what changed (a queue change, a message in
conversation X, a crisis); the page re-reads the JSON it needs, through the
same access checks as everything else. The socket accepts only the
console's own origin and a live session, and closes when the session ends
(at logout at once; when it ends elsewhere, at its next check). Each nudge
goes only to operators the access rule (handoff/access.py) lets hear of its
conversation: the team's, the helpline's supervisors, the one who has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from vikno.handoff import accounts
from vikno.handoff.access import hears
from vikno.storage.models import Operator

from .auth import SESSION_ENDED, viewer_of
from .context import Console, console_of
from .security import SESSION_COOKIE, same_origin

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 25.0
FORWARDED = ("type", "conversation_id", "priority", "state", "presence")


async def console_socket(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    if not same_origin(request, console.public_origin, required=True):
        return web.json_response({"error": "the console socket is for the console's own pages"}, status=403)
    viewer = await viewer_of(request)
    if viewer is None:
        return web.json_response({"error": "log in first"}, status=401)
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=4096)
    await ws.prepare(request)
    token = request.cookies.get(SESSION_COOKIE)
    console.sockets[ws] = viewer.session.id
    async with console.hub.subscribe() as queue:
        await ws.send_json({"type": "hello"})
        reader = asyncio.create_task(_drain(ws))
        try:
            await _forward(ws, console, queue, reader, token, viewer.operator)
        except ConnectionResetError:
            pass  # the page went away mid-send
        finally:
            console.sockets.pop(ws, None)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            if not ws.closed:
                await ws.close(code=WSCloseCode.GOING_AWAY)
    return ws


async def _forward(
    ws: web.WebSocketResponse,
    console: Console,
    queue: asyncio.Queue[dict[str, Any]],
    reader: asyncio.Task[None],
    token: str | None,
    operator: Operator,
) -> None:
    """Nudges this operator may hear, until the page leaves or the session ends.

    The session is re-checked every ``console.session_check_every`` whatever
    the traffic (a busy queue must not keep a disabled account's socket
    open), and the operator is read again then, so a change of teams or
    helplines applies to the nudges at once.
    """
    loop = asyncio.get_running_loop()
    every = console.session_check_every.total_seconds()
    next_check = loop.time() + every
    while not ws.closed:
        getter = asyncio.ensure_future(queue.get())
        finished, _ = await asyncio.wait(
            {getter, reader}, timeout=max(0.0, next_check - loop.time()), return_when=asyncio.FIRST_COMPLETED
        )
        if getter not in finished:
            getter.cancel()
        if reader in finished:
            return
        if loop.time() >= next_check:
            found = await accounts.current(console.store, token, idle=console.idle_timeout)
            if found is None:
                await ws.close(code=SESSION_ENDED, message=b"session ended")
                return
            operator = found[0]
            next_check = loop.time() + every
        if getter in finished:
            event = getter.result()
            if hears(operator, event, console.helplines):
                await ws.send_json(_nudge(event))


def _nudge(event: dict[str, Any]) -> dict[str, Any]:
    """Only what changed, never the facts the rule looked at (teams, other operators' ids)."""
    return {k: event[k] for k in FORWARDED if k in event}


async def _drain(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what the page sends, so that a close is noticed at once."""
    async for msg in ws:
        if msg.type == WSMsgType.TEXT and msg.data == "ping":
            await ws.send_str('{"type":"pong"}')


async def close_all(console_sockets: Iterable[web.WebSocketResponse]) -> None:
    """At shutdown: say "going away" so that every page reconnects (to the next process) at once."""
    for ws in list(console_sockets):
        with contextlib.suppress(Exception):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server restarting")
