"""In-memory limits: logins in flight, failed logins per client address, typing nudges per chat.

Per process on purpose: the lock-out per (address, login) in
``handoff.accounts`` is the durable defence (counted in the store before a
password is checked); these only bound what one address can do at once and
in a while. With several workers each keeps its own count, which still
bounds the rate.

The per-address limit is high on purpose: an office behind one address (or
a proxy whose address vikno sees for everyone) must not lock out every
operator because one of them, or one script, keeps failing. It stops one
address from spraying guesses across many logins; one login guessed from
one address is stopped far sooner, by the pair's lock-out.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable

LOGIN_FAILURES_PER_WINDOW = 50
LOGIN_WINDOW_SECONDS = 900.0
#: Passwords being checked at once, from one address (more are refused) and for one login (more wait).
IN_FLIGHT_PER_ADDRESS = 4
IN_FLIGHT_PER_LOGIN = 2
#: Seconds an attempt for a busy login waits for its turn before it is refused.
LOGIN_SLOT_WAIT = 10.0
MAX_TRACKED = 10_000  # addresses remembered at most (oldest forgotten first)


class LoginSlots:
    """How many logins are being checked now, per address and per login (``accounts.LoginSlots``).

    One address gets at most ``per_address`` at once and is refused beyond
    that (one client cannot queue up work). For one login, more than
    ``per_login`` attempts *wait* their turn (in order, up to ``wait``
    seconds) instead of being refused: a stranger who keeps a login's
    places busy from many addresses must not shut its owner out (audit:
    refusing them turned every squatted place into a 429 for the owner).
    """

    def __init__(
        self,
        per_address: int = IN_FLIGHT_PER_ADDRESS,
        per_login: int = IN_FLIGHT_PER_LOGIN,
        wait: float = LOGIN_SLOT_WAIT,
    ) -> None:
        self.per_address, self.per_login, self.wait = per_address, per_login, wait
        self._addresses: Counter[str] = Counter()
        self._logins: dict[str, tuple[asyncio.Semaphore, int]] = {}  # the login's places, and who holds or waits

    def address_busy(self, address: str) -> bool:
        return self._addresses[address] >= self.per_address

    async def enter(self, address: str, login: str) -> bool:
        if self.address_busy(address):
            return False
        self._addresses[address] += 1
        places, users = self._logins.get(login) or (asyncio.Semaphore(self.per_login), 0)
        self._logins[login] = (places, users + 1)
        try:
            await asyncio.wait_for(places.acquire(), self.wait)
        except TimeoutError:
            self._forget(address, login)
            return False
        return True

    def leave(self, address: str, login: str) -> None:
        self._logins[login][0].release()
        self._forget(address, login)

    def _forget(self, address: str, login: str) -> None:
        self._addresses[address] -= 1
        if self._addresses[address] <= 0:
            del self._addresses[address]
        places, users = self._logins[login]
        if users <= 1:
            del self._logins[login]
        else:
            self._logins[login] = (places, users - 1)


class LoginLimiter:
    def __init__(
        self,
        limit: int = LOGIN_FAILURES_PER_WINDOW,
        window: float = LOGIN_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
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
