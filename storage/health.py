"""Whether the store's writes work, from what recent writes did.

A ping answers while every write fails (a full disk, a damaged page, a
primary that refuses writes), so ``/healthz`` also asks this: the last
write failed, and recently. Recently, because with no traffic nothing would
ever show that the fault was fixed; after :data:`REMEMBER_SECONDS` the next
write decides again.
"""

from __future__ import annotations

import time

#: A failed write counts for health this long unless a write succeeds first.
REMEMBER_SECONDS = 60.0


class WriteHealth:
    __slots__ = ("last_ok", "last_failure", "last_error")

    def __init__(self) -> None:
        self.last_ok = 0.0
        self.last_failure = 0.0
        self.last_error: str | None = None

    def ok(self) -> None:
        self.last_ok = time.monotonic()

    def failed(self, error: BaseException | str) -> None:
        self.last_failure = time.monotonic()
        self.last_error = str(error)

    @property
    def failing(self) -> bool:
        """The newest write failed, less than :data:`REMEMBER_SECONDS` ago."""
        return self.last_failure > self.last_ok and time.monotonic() - self.last_failure < REMEMBER_SECONDS
