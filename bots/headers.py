"""HTTP headers every answer of the public edge carries.

REST answers are JSON about people in trouble: a browser must not guess
another type for them (``nosniff``) and no cache on the way may keep them
(``no-store``), errors included. When the public address is https, browsers
are told to use nothing else (HSTS), so that a network on the way cannot
strip TLS from a person's next visit to the chat or the console.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

API_PREFIX = "/api/"
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
#: Two years, the preload list's minimum; subdomains are left to the helpline's own site.
HSTS = "max-age=63072000"

Hook = Callable[[web.Request, web.StreamResponse], Awaitable[None]]


def edge_headers(public_url: str | None) -> Hook:
    """An ``on_response_prepare`` hook for this deployment."""
    https = bool(public_url and public_url.lower().startswith("https://"))

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith(API_PREFIX):
            response.headers.update(API_HEADERS)

    return add
