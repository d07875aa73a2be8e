"""The files a browser loads: the full-page chat, the widget script, its CSS.

The page carries no inline script or style, so its Content-Security-Policy
can forbid both: a message that smuggled markup through would still not run.
The widget files are cached briefly (and revalidated by ETag) so that an
update reaches every embedding site within minutes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

import jinja2
from aiohttp import web

#: Headers on everything the chat serves.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
WIDGET_CACHE = "public, max-age=600, must-revalidate"


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def load(cls, name: str, content_type: str) -> "Asset":
        body = resources.files(__package__).joinpath("static", name).read_bytes()
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')

    def response(self, request: web.Request) -> web.Response:
        headers = {**COMMON_HEADERS, "Cache-Control": WIDGET_CACHE, "ETag": self.etag,
                   # embedding sites load it from another origin
                   "Cross-Origin-Resource-Policy": "cross-origin", "Access-Control-Allow-Origin": "*"}
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=self.body, headers={**headers, "Content-Type": self.content_type})

    @property
    def version(self) -> str:
        return self.etag.strip('"')[:10]


def templates() -> jinja2.Environment:
    """A private Jinja environment (autoescape on), apart from the console's."""
    return jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def page_csp(host: str, frame_ancestors: str) -> str:
    """Scripts, styles and sockets from this server only; no inline anything."""
    sockets = f"ws://{host} wss://{host}" if host else ""
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        f"connect-src 'self' {sockets}".strip(), "font-src 'self'", "base-uri 'none'", "form-action 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])
