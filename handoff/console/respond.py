"""Answers in two dialects: pages for plain forms, JSON for the page's script.

Every action works without JavaScript (a form POST, then a redirect or an
error page); the script sends the same forms with ``Accept:
application/json`` to stay on the page and show errors in place.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

JINJA = web.AppKey("vikno_console_jinja", jinja2.Environment)
VIEWER: web.RequestKey[Any] = web.RequestKey("vikno_console_viewer", object)


def wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def render(request: web.Request, template: str, context: dict[str, Any] | None = None,
           status: int = 200) -> web.Response:
    viewer = request.get(VIEWER)
    base: dict[str, Any] = {"me": viewer.operator if viewer else None,
                            "csrf": viewer.session.csrf_token if viewer else "",
                            "is_supervisor": bool(viewer and viewer.is_supervisor)}
    base.update(context or {})
    return aiohttp_jinja2.render_template(template, request, base, app_key=JINJA, status=status)


def fail(request: web.Request, message: str, status: int) -> web.Response:
    """An error the operator can act on: JSON for the script, a page otherwise."""
    if wants_json(request) or request.path.startswith("/console/api/"):
        return web.json_response({"error": message}, status=status)
    return render(request, "error.html", {"message": message, "status": status}, status=status)


def done(request: web.Request, location: str, **extra: Any) -> web.Response:
    """Success: where to go next (the script follows it, a form is redirected)."""
    if wants_json(request):
        return web.json_response({"ok": True, "redirect": location, **extra})
    return see_other(location)


def see_other(location: str) -> web.Response:
    """A 303 that can carry cookies (a raised HTTPException cannot be relied on to)."""
    return web.Response(status=303, headers={"Location": location})
