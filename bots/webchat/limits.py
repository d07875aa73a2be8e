"""How much one connection may send: a sliding one-minute window.

Per connection, because a person has one or two open; a flood from one
socket must not fill the store or drown the operators. Strikes count
refused or malformed frames; enough of them and the socket is closed
(1008, policy violation) instead of answering forever.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
STRIKES_TO_CLOSE = 10


class RateLimit:
    __slots__ = ("per_minute", "_sent", "_clock", "strikes")

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._sent: deque[float] = deque()
        self._clock = clock
        self.strikes = 0

    def allow(self) -> float:
        """0.0 when allowed (and counted); else seconds until one is allowed."""
        now = self._clock()
        while self._sent and now - self._sent[0] >= WINDOW_SECONDS:
            self._sent.popleft()
        if len(self._sent) < self.per_minute:
            self._sent.append(now)
            return 0.0
        return max(0.1, WINDOW_SECONDS - (now - self._sent[0]))

    def strike(self) -> bool:
        """Count one offence; True when the connection should be closed."""
        self.strikes += 1
        return self.strikes >= STRIKES_TO_CLOSE
