"""In-memory limits: failed logins per client address, typing nudges per chat.

Per process on purpose: the account lock-out in ``handoff.accounts`` is the
durable defence (it lives in the store); this one only stops one address
from spraying passwords across many accounts. With several workers each
keeps its own count, which still bounds the rate.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

LOGIN_FAILURES_PER_WINDOW = 10
LOGIN_WINDOW_SECONDS = 300.0
MAX_TRACKED = 10_000  # addresses remembered at most (oldest forgotten first)


class LoginLimiter:
    def __init__(self, limit: int = LOGIN_FAILURES_PER_WINDOW, window: float = LOGIN_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, address: str) -> float | None:
        """Seconds until this address may try again, or None when it may now."""
        times = self._recent(address)
        if len(times) < self.limit:
            return None
        return max(1.0, times[0] + self.window - self.clock())

    def failed(self, address: str) -> None:
        times = self._recent(address)
        times.append(self.clock())
        self._failures[address] = times
        self._failures.move_to_end(address)
        while len(self._failures) > MAX_TRACKED:
            self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float]:
        times = self._failures.get(address, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times


class Throttle:
    """Lets one thing per key through every ``interval`` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._last: OrderedDict[Hashable, float] = OrderedDict()

    def allow(self, key: Hashable) -> bool:
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return False
        self._last[key] = now
        self._last.move_to_end(key)
        while len(self._last) > MAX_TRACKED:
            self._last.popitem(last=False)
        return True
