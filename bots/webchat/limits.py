"""How much one connection may send: a token bucket refilled per minute.

Per connection, because a person has one or two open; a flood from one
socket must not fill the store or drown the operators. A bucket (two
numbers) rather than a list of timestamps, because thousands of idle
sockets each carry two of these. Strikes count refused or malformed
frames; enough of them and the socket is closed (1008, policy violation)
instead of being answered forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable

WINDOW_SECONDS = 60.0
STRIKES_TO_CLOSE = 10


class RateLimit:
    __slots__ = ("per_minute", "tokens", "at", "clock", "strikes")

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.tokens = float(per_minute)
        self.clock = clock
        self.at = clock()
        self.strikes = 0

    def allow(self) -> float:
        """0.0 when allowed (and counted); else seconds until one is allowed."""
        now = self.clock()
        rate = self.per_minute / WINDOW_SECONDS
        self.tokens = min(float(self.per_minute), self.tokens + (now - self.at) * rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return max(0.1, (1.0 - self.tokens) / rate)

    def strike(self) -> bool:
        """Count one offence; True when the connection should be closed."""
        self.strikes += 1
        return self.strikes >= STRIKES_TO_CLOSE
