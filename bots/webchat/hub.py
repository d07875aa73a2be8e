"""Who is connected to which conversation, so others can reach them.

The operator console (and a person's second tab) needs to put frames on the
sockets of one conversation: an operator's reply, "operator is typing", a
changed queue position. This is in-process only: with several web workers
the console's worker must relay events to the others (ARCHITECTURE.md, "One process,
and what several would need"); nothing here is state that matters after a crash, since every
message is in the store and the client re-reads history on reconnect.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .protocol import dumps

log = logging.getLogger(__name__)


class WebchatHub:
    def __init__(self) -> None:
        self._open: set[web.WebSocketResponse] = set()
        self._by_conversation: dict[str, set[web.WebSocketResponse]] = {}

    @property
    def connections(self) -> int:
        return len(self._open)

    def connected(self, ws: web.WebSocketResponse) -> None:
        self._open.add(ws)

    def join(self, conversation_id: str, ws: web.WebSocketResponse) -> None:
        self._by_conversation.setdefault(conversation_id, set()).add(ws)

    def leave(self, ws: web.WebSocketResponse, conversation_id: str | None) -> None:
        self._open.discard(ws)
        if conversation_id is None:
            return
        sockets = self._by_conversation.get(conversation_id)
        if sockets is not None:
            sockets.discard(ws)
            if not sockets:
                del self._by_conversation[conversation_id]

    def sockets_of(self, conversation_id: str) -> int:
        return len(self._by_conversation.get(conversation_id, ()))

    async def publish(
        self, conversation_id: str, event: dict[str, Any], exclude: web.WebSocketResponse | None = None
    ) -> int:
        """Send ``event`` to every open socket of the conversation.

        Returns how many sockets it reached; 0 means the person is not
        connected now (they will see stored messages in the history when
        they come back). A socket that fails is skipped, not fatal.
        """
        text = dumps(event)
        reached = 0
        for ws in list(self._by_conversation.get(conversation_id, ())):
            if ws is exclude or ws.closed:
                continue
            try:
                await ws.send_str(text)
                reached += 1
            except (ConnectionError, RuntimeError):
                log.debug("a web chat socket went away during publish")
        return reached

    async def close_all(self, code: int, message: bytes = b"") -> None:
        """Close every socket (server shutdown): clients reconnect by themselves."""
        for ws in list(self._open):
            try:
                await ws.close(code=code, message=message)
            except Exception:  # shutting down: one broken socket must not stop the rest
                log.debug("closing a web chat socket failed", exc_info=True)
