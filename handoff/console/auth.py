"""Who is asking: login, logout, and the guard every console handler wears.

Passwords are checked by ``handoff.accounts`` (argon2; attempts counted in
the store before the check, lock-out per address and login); this adds the
caps on logins in flight, a per-address limit on failures, the login form's
CSRF (double-submit: there is no session yet) and the session cookie.

Every refused login gets the same words, whether the login exists or not,
the password was wrong or the attempts were too many (only the status
differs: 429 when nothing was checked), and is logged with a pseudonym of
the login, never the login typed (often a password in the wrong field).
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from vikno.handoff import accounts
from vikno.handoff.service import HandoffError
from vikno.storage.models import Operator, Presence, Role, Session

from .context import Console, console_of
from .respond import VIEWER, fail, render, see_other, translator
from .security import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    same_origin,
    same_token,
    set_cookie,
    submitted_csrf,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})
#: Close code of a console socket whose session ended (the page goes to the login form).
SESSION_ENDED = 4401


@dataclass(frozen=True, slots=True)
class Viewer:
    operator: Operator
    session: Session

    @property
    def is_supervisor(self) -> bool:
        return self.operator.role in STAFF


async def viewer_of(request: web.Request) -> Viewer | None:
    console = console_of(request)
    found = await accounts.current(console.store, request.cookies.get(SESSION_COOKIE), idle=console.idle_timeout)
    return Viewer(*found) if found else None


def guard(*, staff: bool = False) -> Callable[[Handler], Handler]:
    """Logged in (and supervisor/admin when ``staff``); POSTs need the CSRF token.

    A page asked for without a session goes to the login form; the script's
    calls get 401 so that it can send the operator there.
    """

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            viewer = await viewer_of(request)
            if viewer is None:
                if request.method == "GET" and not request.path.startswith("/console/api/"):
                    raise web.HTTPSeeOther("/console/login")
                return fail(request, "error.session_ended", 401)
            request[VIEWER] = viewer
            if request.method not in ("GET", "HEAD"):
                if not same_origin(request, console_of(request).public_origin, required=False):
                    return fail(request, "error.other_site", 403)
                if not same_token(await submitted_csrf(request), viewer.session.csrf_token):
                    return fail(request, "error.form_expired", 403)
            if staff and not viewer.is_supervisor:
                return fail(request, "error.staff_only", 403)
            return await handler(request)

        return guarded

    return wrap


def client_address(request: web.Request) -> str:
    """The client's address, as every limit of the edge sees it.

    The composition root's function (``bots.addresses``) believes
    X-Forwarded-For only from the configured trusted proxies; without one,
    the peer address (anyone can send the header).
    """
    resolve = console_of(request).client_address
    return resolve(request) if resolve is not None else request.remote or "unknown"


async def login_page(request: web.Request) -> web.StreamResponse:
    if await viewer_of(request) is not None:
        raise web.HTTPSeeOther("/console/queue")
    return _login_form(request)


def _login_form(request: web.Request, error: str | None = None, status: int = 200, login: str = "") -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "error": error, "login": login}, status)
    set_cookie(response, LOGIN_COOKIE, token, secure=console_of(request).secure_cookies, max_age=3600)
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    address = client_address(request)
    form = await request.post()
    if not same_origin(request, console.public_origin, required=False) or not same_token(
        _text(form, CSRF_FIELD), request.cookies.get(LOGIN_COOKIE)
    ):
        return _login_form(request, translator(request)("login.expired"), 403)
    login = _text(form, "login")[:64]
    if console.limiter.retry_after(address) is not None:  # this address failed with too many logins
        _log_refusal(console, login, address, "too many failures from the address")
        return _refused(request, login, 429)
    result = await accounts.log_in(
        console.store,
        login,
        _text(form, "password")[:1024],
        address=address,
        keys=console.login_keys,
        slots=console.slots,
        idle=console.idle_timeout,
    )
    if result.operator is None or result.token is None or result.session is None:
        if result.refused:
            _log_refusal(console, login, address, f"not checked (attempt {result.attempt})")
            return _refused(request, login, 429)
        console.limiter.failed(address)
        _log_refusal(console, login, address, f"wrong login or password (attempt {result.attempt})")
        return _refused(request, login, 401)
    log.info("console login: %s", result.operator.login)
    response = see_other("/console/queue")
    max_age = int(accounts.SESSION_LIFETIME.total_seconds())
    set_cookie(response, SESSION_COOKIE, result.token, secure=console.secure_cookies, max_age=max_age)
    clear_cookie(response, LOGIN_COOKIE, secure=console.secure_cookies)
    return response


def _refused(request: web.Request, login: str, status: int) -> web.Response:
    """One answer for every refusal: it must not tell which logins exist, nor which are locked."""
    response = _login_form(request, translator(request)("login.failed"), status, login=login)
    if status == 429:
        response.headers["Retry-After"] = str(int(accounts.LOCK_QUIET.total_seconds()))
    return response


def _log_refusal(console: Console, login: str, address: str, why: str) -> None:
    log.warning("console login refused: %s from %s: %s", console.login_keys.pseudonym(login), address, why)


@guard()
async def logout(request: web.Request) -> web.StreamResponse:
    """Leaving the console sets the operator offline: open chats go back to the queue."""
    console = console_of(request)
    viewer: Viewer = request[VIEWER]
    try:
        await console.handoff.set_presence(viewer.operator, Presence.OFFLINE)
    except HandoffError:  # pragma: no cover - offline is always allowed
        pass
    await accounts.log_out(console.store, request.cookies.get(SESSION_COOKIE, ""))
    await close_sockets_of(console, viewer.session.id)
    response = see_other("/console/login")
    clear_cookie(response, SESSION_COOKIE, secure=console.secure_cookies)
    return response


async def close_sockets_of(console: Console, session_id: str) -> None:
    """The live sockets of an ended session close now, not at their next check."""
    for ws, sid in list(console.sockets.items()):
        if sid == session_id:
            await ws.close(code=SESSION_ENDED, message=b"session ended")


def _text(form: Mapping[str, object], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
