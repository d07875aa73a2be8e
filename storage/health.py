"""Whether the store works, from what recent writes and reads met.

A ping answers while every write fails (a full disk, a damaged page, a
primary that refuses writes), so ``/healthz`` also asks this: the last
write failed, and recently. Recently, because with no traffic nothing would
ever show that the fault was fixed; after :data:`REMEMBER_SECONDS` the next
write decides again.

Reads are recorded too, but only their failures that mean the database
itself is in trouble (a page damaged while running, an I/O error): such a
file answers a ping and may still take some writes, while every read of the
damaged pages fails. Other reads of undamaged pages succeed meanwhile, so a
success does not clear such a failure; it counts for :data:`REMEMBER_SECONDS`
after the last one, and steady traffic to a damaged store keeps it unhealthy.
"""

from __future__ import annotations

import time

#: A failed write (or a read that met damage) counts for health this long unless a write succeeds first.
REMEMBER_SECONDS = 60.0


class WriteHealth:
    __slots__ = ("last_ok", "last_failure", "last_error", "last_read_failure", "last_read_error")

    def __init__(self) -> None:
        self.last_ok = 0.0
        self.last_failure = 0.0
        self.last_error: str | None = None
        self.last_read_failure = 0.0
        self.last_read_error: str | None = None

    def ok(self) -> None:
        self.last_ok = time.monotonic()

    def failed(self, error: BaseException | str) -> None:
        self.last_failure = time.monotonic()
        self.last_error = str(error)

    def read_failed(self, error: BaseException | str) -> None:
        """A read met a damaged page or an I/O error (not a busy database, not a wrong query)."""
        self.last_read_failure = time.monotonic()
        self.last_read_error = str(error)

    @property
    def writes_failing(self) -> bool:
        """The newest write failed, less than :data:`REMEMBER_SECONDS` ago."""
        return self.last_failure > self.last_ok and time.monotonic() - self.last_failure < REMEMBER_SECONDS

    @property
    def reads_failing(self) -> bool:
        """A read met damage or an I/O error less than :data:`REMEMBER_SECONDS` ago."""
        return self.last_read_failure > 0 and time.monotonic() - self.last_read_failure < REMEMBER_SECONDS

    @property
    def failing(self) -> bool:
        """The store is in trouble although it may answer a ping: ``/healthz`` says 503."""
        return self.writes_failing or self.reads_failing
