"""The console's pages: queue, one chat, supervisor overview; and the language switch.

Rendered on the server with the same data the JSON endpoints return, so the
first paint needs no script; ``console.js`` then keeps them fresh.
"""

from __future__ import annotations

import re

from aiohttp import web

from . import i18n
from .auth import Viewer, guard
from .context import console_of
from .queries import Denied, chat_data, chat_forms, figures, open_chat, queue_data
from .respond import VIEWER, fail, language_of, render, see_other
from .security import LANG_COOKIE, set_cookie

#: A console page the switch may send the operator back to (a plain path, never another site).
RETURN_PATH = re.compile(r"/console(/[A-Za-z0-9_-]+)*/?")
LANG_COOKIE_AGE = 365 * 24 * 3600


async def home(request: web.Request) -> web.StreamResponse:
    return see_other("/console/queue")


async def choose_language(request: web.Request) -> web.StreamResponse:
    """``GET /console/lang?lang=en&next=/console/queue``: remember the choice in a cookie, go back.

    A GET because it changes nothing on the server (a preference of this
    browser, like a bookmark), so it also works on the login page where
    there is no session to carry a CSRF token. An unknown language is
    ignored; ``next`` must be a console path, anything else goes to the queue.
    """
    target = request.query.get("next", "")
    if not RETURN_PATH.fullmatch(target):
        target = "/console/queue"
    response = see_other(target)
    lang = i18n.supported(request.query.get("lang"))
    if lang is not None:
        set_cookie(response, LANG_COOKIE, lang, secure=console_of(request).secure_cookies, max_age=LANG_COOKIE_AGE)
    return response


@guard()
async def queue_page(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    data = await queue_data(console_of(request), viewer.operator, language_of(request))
    return render(request, "queue.html", {"page": "queue", "data": data})


@guard()
async def chat_page(request: web.Request) -> web.StreamResponse:
    return await render_chat(request)


async def render_chat(request: web.Request, contact: str | None = None) -> web.StreamResponse:
    """The chat page; ``contact``: a report's contact the operator asked to see (never rendered otherwise)."""
    console, viewer, lang = console_of(request), request[VIEWER], language_of(request)
    try:
        conv = await open_chat(console, viewer.operator, request.match_info["id"])
    except Denied as exc:
        return fail(request, exc.message, exc.status)
    data = await chat_data(console, viewer.operator, conv, lang)
    forms = await chat_forms(console, viewer.operator, conv, lang)
    mine = (await queue_data(console, viewer.operator, lang))["mine"]
    response = render(
        request,
        "chat.html",
        {
            "page": "chat",
            "chat": data,
            "forms": forms,
            "mine": mine,
            "conversation": data["conversation"],
            "contact": contact,
        },
    )
    if contact is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@guard(staff=True)
async def supervisor_page(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    data = await figures(console_of(request), viewer.operator, language_of(request))
    return render(request, "supervisor.html", {"page": "supervisor", "figures": data})
