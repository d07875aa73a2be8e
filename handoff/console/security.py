"""Browser-side defences of the console: headers, cookies, CSRF, origins.

Operators read what strangers wrote, so the pages assume hostile text: no
inline script may run (CSP without 'unsafe-inline'), nothing may frame the
console, nothing is cached, and every state change needs the session's CSRF
token on top of a SameSite=Strict cookie.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from aiohttp import web

PREFIX = "/console"
SESSION_COOKIE = "vikno_console"
#: Double-submit token for the login form (there is no session yet).
LOGIN_COOKIE = "vikno_console_login"
#: The interface language the operator chose (uk, en, ...); a preference, not a secret.
LANG_COOKIE = "vikno_console_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"

PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def csp(host: str) -> str:
    """Scripts and styles from our own files only; sockets to this host only."""
    sockets = f" ws://{host} wss://{host}" if host else ""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self'{sockets}",
            "font-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every console answer, errors and redirects included."""
    if not is_console(request.path):
        return
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", csp(request.host))
    static = request.path.startswith((PREFIX + "/static/", PREFIX + "/vendor/"))
    # static files revalidate (ETag/Last-Modified); everything else is never stored
    response.headers["Cache-Control"] = "no-cache" if static else "no-store"


def set_cookie(
    response: web.StreamResponse, name: str, value: str, *, secure: bool, max_age: int | None = None
) -> None:
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict", secure=secure, max_age=max_age)


def clear_cookie(response: web.StreamResponse, name: str, *, secure: bool) -> None:
    response.del_cookie(name, path=PREFIX, secure=secure, httponly=True, samesite="Strict")


def same_token(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


async def submitted_csrf(request: web.Request) -> str | None:
    """The token from the header (fetch calls) or the hidden form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def same_origin(request: web.Request, public_origin: str | None, *, required: bool) -> bool:
    """The Origin header names this server (its Host, or the configured public address).

    A form POST from a page with ``Referrer-Policy: no-referrer`` carries
    ``Origin: null`` (Fetch standard), as does one from a non-browser client
    without the header; for forms both count as unknown, and the CSRF token
    decides. Websockets always carry the real origin, so there it is required.
    """
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return not required
    netloc = urlsplit(origin).netloc
    allowed = {request.host}
    if public_origin:
        allowed.add(urlsplit(public_origin).netloc)
    return netloc in allowed
