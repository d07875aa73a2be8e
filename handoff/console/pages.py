"""The console's pages: queue, one chat, supervisor overview.

Rendered on the server with the same data the JSON endpoints return, so the
first paint needs no script; ``console.js`` then keeps them fresh.
"""

from __future__ import annotations

from aiohttp import web

from .auth import Viewer, guard
from .context import console_of
from .queries import Denied, chat_data, chat_forms, figures, open_chat, queue_data
from .respond import VIEWER, fail, render, see_other


async def home(request: web.Request) -> web.StreamResponse:
    return see_other("/console/queue")


@guard()
async def queue_page(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    data = await queue_data(console_of(request), viewer.operator)
    return render(request, "queue.html", {"page": "queue", "data": data})


@guard()
async def chat_page(request: web.Request) -> web.StreamResponse:
    console, viewer = console_of(request), request[VIEWER]
    try:
        conv = await open_chat(console, viewer.operator, request.match_info["id"])
    except Denied as exc:
        return fail(request, exc.message, exc.status)
    data = await chat_data(console, viewer.operator, conv)
    forms = await chat_forms(console, viewer.operator, conv)
    mine = (await queue_data(console, viewer.operator))["mine"]
    return render(request, "chat.html", {"page": "chat", "chat": data, "forms": forms, "mine": mine,
                                         "conversation": data["conversation"]})


@guard(staff=True)
async def supervisor_page(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    data = await figures(console_of(request), viewer.operator)
    return render(request, "supervisor.html", {"page": "supervisor", "figures": data})
