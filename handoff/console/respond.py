"""Answers in two dialects: pages for plain forms, JSON for the page's script.

Every action works without JavaScript (a form POST, then a redirect or an
error page); the script sends the same forms with ``Accept:
application/json`` to stay on the page and show errors in place.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from vikno.handoff.access import helplines_of
from vikno.handoff.dispatch import Brigades

from . import i18n
from .context import console_of
from .security import LANG_COOKIE

JINJA = web.AppKey("vikno_console_jinja", jinja2.Environment)
VIEWER: web.RequestKey[Any] = web.RequestKey("vikno_console_viewer", object)
LANG: web.RequestKey[str] = web.RequestKey("vikno_console_lang", str)


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def language_of(request: web.Request) -> str:
    """The interface language: the switch's cookie, else Accept-Language, else Ukrainian (i18n.choose)."""
    lang = request.get(LANG)
    if lang is None:
        lang = i18n.choose(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
        request[LANG] = lang
    return lang


def translator(request: web.Request) -> i18n.Translate:
    return i18n.translator(language_of(request))


def here(request: web.Request) -> str:
    """Where the language switch comes back to: this page, or (after a form POST) a page that can be got."""
    if request.method == "GET":
        return request.path
    return "/console/login" if request.path == "/console/login" else "/console/queue"


def render(
    request: web.Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> web.Response:
    viewer = request.get(VIEWER)
    lang = language_of(request)
    base: dict[str, Any] = {
        "me": viewer.operator if viewer else None,
        "csrf": viewer.session.csrf_token if viewer else "",
        "is_supervisor": bool(viewer and viewer.is_supervisor),
        "works_visits": bool(viewer and _works_visits(request, viewer.operator)),
        "lang": lang,
        "t": i18n.translator(lang),
        "languages": i18n.switch_choices(),
        "here": here(request),
        "script_strings": json.dumps(i18n.script_strings(lang), ensure_ascii=False),
        "appeals_nav": viewer is not None and _takes_appeals(request, viewer.operator),
    }
    base.update(context or {})
    response = aiohttp_jinja2.render_template(template, request, base, app_key=JINJA, status=status)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def _takes_appeals(request: web.Request, operator: Any) -> bool:
    """Whether one of the operator's lines takes citizens' appeals (the header then links their list)."""
    lines = console_of(request).helplines
    return any(lines[h].settings.appeals is not None for h in helplines_of(operator, lines))


def _works_visits(request: web.Request, operator: Any) -> bool:
    """Whether the menu offers the list of mobile brigades' visits (a brigade member, or a supervisor of a line
    with brigades)."""
    return Brigades(console_of(request).handoff).works_visits(operator)


def fail(request: web.Request, message: str, status: int, **values: Any) -> web.Response:
    """An error the operator can act on: JSON for the script, a page otherwise.

    ``message`` is a catalogue key (with ``values``) or a Handoff service
    message; both are shown in the operator's language (i18n.message).
    """
    text = i18n.message(language_of(request), message, **values)
    if wants_json(request) or request.path.startswith("/console/api/"):
        return web.json_response({"error": text}, status=status)
    return render(request, "error.html", {"message": text, "status": status}, status=status)


def done(request: web.Request, location: str, **extra: Any) -> web.Response:
    """Success: where to go next (the script follows it, a form is redirected)."""
    if wants_json(request):
        return web.json_response({"ok": True, "redirect": location, **extra})
    return see_other(location)


def see_other(location: str) -> web.Response:
    """A 303 that can carry cookies (a raised HTTPException cannot be relied on to)."""
    return web.Response(status=303, headers={"Location": location})
