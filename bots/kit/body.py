"""Reading a request body without letting a forger make us read more than a limit."""

from __future__ import annotations

from aiohttp import web

CHUNK = 64 * 1024


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The raw body (signatures are over these exact bytes), or None when it is over ``limit``.

    A declared length over the limit is refused unread; a chunked body is read piece by piece
    and given up as soon as it passes the limit (``content.read(n)`` alone may stop at the
    first chunk, so the loop is needed).
    """
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
