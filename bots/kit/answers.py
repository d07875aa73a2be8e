"""The JSON answers every door of the edge gives when it refuses or cannot work now."""

from __future__ import annotations

from aiohttp import web

#: What a platform (or a client) is told to wait before it sends the same request again.
RETRY_AFTER_SECONDS = 5


def error_response(status: int, error: str, detail: str) -> web.Response:
    """``{"error": code, "detail": words}``: a code a program can test and words a person can read."""
    return web.json_response({"error": error, "detail": detail}, status=status)


def retry_later(error: str, detail: str = "not processed; retry") -> web.Response:
    """503 with ``Retry-After``: nothing was kept, so the platform's retry is the message's way in.

    One shape for every channel (Telegram and Viber both retry a 5xx; the body is for the person
    reading the platform's or the proxy's log).
    """
    response = error_response(503, error, detail)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
