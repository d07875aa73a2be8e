"""Whether a vikno process has the embedded store open.

Every open :class:`~vikno.storage.sqlite.store.SqliteStore` (the server, an
operator command) holds a shared ``flock`` on ``<database>.inuse`` for as
long as it is open; a restore takes it exclusively, so it can never swap a
database under a running server (which would keep writing into the file
it had open, and lose everything written after), and no store opens while
a restore is half done. The kernel drops the lock when its process ends,
``kill -9`` included, so a crashed server never blocks a restore.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import ConfigurationError
from ..files import private_file

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS: nobody is known to use the store
    fcntl = None  # type: ignore[assignment]  # no fcntl on Windows

SUFFIX = ".inuse"


class StoreInUse(ConfigurationError):
    """Another process has the store open (or is restoring it)."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


class InUse:
    """The shared lock of one open store."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    def hold(self) -> None:
        if self._fd is not None or fcntl is None:
            return
        fd = os.open(private_file(self.path), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreInUse(
                f"{self.path.parent / self.path.stem} is being restored from a backup; "
                "start vikno again when `vikno store restore` has finished"
            ) from None
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def exclusively(database: Path) -> Iterator[None]:
    """Hold the store alone, or raise :class:`StoreInUse` naming what to stop."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(private_file(lock_path(database)), os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreInUse(
                f"{database} is in use: stop `vikno serve` (and any other vikno command using this data folder) first"
            ) from None
        yield
    finally:
        os.close(fd)
