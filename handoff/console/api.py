"""Small JSON reads the page script re-fetches after every live nudge."""

from __future__ import annotations

from aiohttp import web

from .auth import Viewer, guard
from .context import console_of
from .queries import Denied, chat_data, figures, open_chat, queue_data
from .respond import VIEWER, fail, language_of


@guard()
async def queue_json(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    return web.json_response(await queue_data(console_of(request), viewer.operator, language_of(request)))


@guard()
async def chat_json(request: web.Request) -> web.StreamResponse:
    console, viewer = console_of(request), request[VIEWER]
    try:
        conv = await open_chat(console, viewer.operator, request.match_info["id"])
    except Denied as exc:
        return fail(request, exc.message, exc.status)
    return web.json_response(await chat_data(console, viewer.operator, conv, language_of(request)))


@guard(staff=True)
async def supervisor_json(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    return web.json_response(await figures(console_of(request), viewer.operator, language_of(request)))
