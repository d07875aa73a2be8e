"""Live updates for the operator console, within one process.

Every open console socket subscribes; the handoff service, the engine's turn
observer and the channels publish small events (``{"type": "queue"}``,
``{"type": "message", "conversation_id": ...}``, ``{"type": "crisis", ...}``).
A subscriber that cannot keep up loses old events, not the process: the
console re-reads the state from the store on every event anyway, so an event
is only a nudge. Several workers would need a shared bus (MongoDB change
streams; ARCHITECTURE.md, "One process, and what several would need"); until
then run the console on one worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

QUEUE_SIZE = 256


class ConsoleHub:
    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def publish(self, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()  # drop the oldest nudge
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)
