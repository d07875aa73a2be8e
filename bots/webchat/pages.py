"""The files a browser loads: the full-page chat, the widget script, its CSS.

The page carries no inline script or style, so its Content-Security-Policy
can forbid both: a message that smuggled markup through would still not run.
The widget files are cached briefly (and revalidated by ETag) so that an
update reaches every embedding site within minutes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from importlib import resources

import jinja2
from aiohttp import web

#: Headers on everything the chat serves.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
WIDGET_CACHE = "public, max-age=600, must-revalidate"
SETTINGS_MARKER = "/*vikno:settings*/{}/*end*/"


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def load(cls, name: str, content_type: str, settings: dict[str, Any] | None = None) -> Asset:
        """A static file; ``settings`` (JSON) replace the script's ``/*vikno:settings*/{}/*end*/``.

        The embed tag a helpline copies has no exit address on it, so the
        widget must carry the server's: it is written into the file once at
        start, and the ETag changes with it.
        """
        body = resources.files(__package__).joinpath("static", name).read_bytes()
        if settings is not None:
            marker = SETTINGS_MARKER.encode()
            if marker not in body:
                raise ValueError(f"{name} has no {SETTINGS_MARKER} to fill in")
            body = body.replace(marker, f"/*vikno:settings*/{json.dumps(settings)}/*end*/".encode(), 1)
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')

    def response(self, request: web.Request) -> web.Response:
        headers = {
            **COMMON_HEADERS,
            "Cache-Control": WIDGET_CACHE,
            "ETag": self.etag,
            # embedding sites load it from another origin
            "Cross-Origin-Resource-Policy": "cross-origin",
            "Access-Control-Allow-Origin": "*",
        }
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=self.body, headers={**headers, "Content-Type": self.content_type})

    @property
    def version(self) -> str:
        return self.etag.strip('"')[:10]


def templates() -> jinja2.Environment:
    """A private Jinja environment (autoescape on), apart from the console's."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )


def page_csp(host: str, frame_ancestors: str) -> str:
    """Scripts, styles and sockets from this server only; no inline anything."""
    sockets = f"ws://{host} wss://{host}" if host else ""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {sockets}".strip(),
            "font-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )
