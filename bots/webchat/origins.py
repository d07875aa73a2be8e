"""Which web pages may open the chat's websocket.

Browsers send ``Origin`` on every websocket handshake, and a page on any site
could otherwise open a socket to the chat and talk in a person's name (their
key is in the chat origin's storage, not readable there, but the check is
cheap and closes the door). Clients that are not browsers send no Origin;
they could forge one anyway, so they are let through.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def normalise(origin: str) -> str | None:
    """``scheme://host[:port]`` lower-cased, default ports dropped; None if not an http(s) origin."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class OriginPolicy:
    def __init__(self, allowed: list[str], public_url: str | None) -> None:
        configured = [normalise(o) for o in allowed]
        if public_url:
            configured.append(normalise(public_url))
        self.allowed = frozenset(o for o in configured if o)

    def permits(self, origin: str | None, host: str | None) -> bool:
        if origin is None:
            return True
        found = normalise(origin)
        if found is None:
            return False  # "null" (sandboxed frames, file://) and other odd origins
        if found in self.allowed:
            return True
        # the chat's own pages: same host and port as the request, either scheme
        # (behind a TLS proxy the browser says https while we see http)
        return host is not None and any(found == normalise(f"{s}://{host}") for s in ("http", "https"))

    def frame_ancestors(self) -> str:
        return " ".join(["'self'", *sorted(self.allowed)])
