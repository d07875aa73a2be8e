"""Who is alive among the processes that lease the embedded store's outbox.

Every store instance that leases holds an exclusive ``flock`` on a file of
its own, ``<database>.owners/<owner>.lock``, for as long as it is open.
The kernel drops the lock when the process ends, however it ends (``kill
-9`` included), so a process that starts after another died can tell at
once that its leases are orphaned: the lock is free (or the file is gone).
A PID could not tell that: in a container the next process usually gets
the same PID as the dead one.

The file is created under a temporary name, locked, then renamed into
place, so nobody can see an owner's file unlocked while that owner lives.
Where ``fcntl`` is missing (Windows) nobody is known dead and leases run
out instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None  # type: ignore[assignment]  # no fcntl on Windows

log = logging.getLogger(__name__)

SUFFIX = ".lock"

#: Whether this platform lets a process know another one is gone.
SUPPORTED = fcntl is not None


def new_owner() -> str:
    """An owner id: the PID for a person reading the table, a random part for uniqueness."""
    return f"{os.getpid()}-{secrets.token_hex(6)}"


class OwnerLock:
    """This process's lock file, taken on first use and dropped on :meth:`close`."""

    def __init__(self, folder: Path, owner: str) -> None:
        self.folder = folder
        self.owner = owner
        self._fd: int | None = None

    def hold(self) -> None:
        """Take the lock (idempotent); called before this owner's first lease is written."""
        if self._fd is not None or fcntl is None:
            return
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.folder / f".{self.owner}.new"
        fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.replace(temporary, self.folder / f"{self.owner}{SUFFIX}")
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        self._fd = fd

    def close(self) -> None:
        """Drop the lock and its file: a store closed is an owner gone (its pump gave its leases back)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            (self.folder / f"{self.owner}{SUFFIX}").unlink()
        os.close(fd)


def known_owners(folder: Path) -> set[str]:
    """Owners with a lock file (alive or not)."""
    try:
        return {p.name[: -len(SUFFIX)] for p in folder.iterdir() if p.name.endswith(SUFFIX)}
    except FileNotFoundError:
        return set()


def gone(folder: Path, owners: set[str]) -> dict[str, int | None]:
    """The owners among ``owners`` whose process is gone, each with its lock file's descriptor, held.

    The caller frees their leases, then calls :func:`forget` (which removes
    the files and closes the descriptors): holding the lock meanwhile keeps
    two processes from both thinking they took over the same owner's file.
    """
    if fcntl is None:
        return {}
    dead: dict[str, int | None] = {}
    for owner in owners:
        if not owner or "/" in owner or owner.startswith("."):
            continue
        try:
            fd = os.open(folder / f"{owner}{SUFFIX}", os.O_RDWR)
        except FileNotFoundError:
            dead[owner] = None  # a live owner always has its file: this one is gone
            continue
        except OSError:
            log.warning("outbox: cannot check lease owner %s", owner, exc_info=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)  # alive: its process holds the lock
            continue
        except OSError:
            os.close(fd)
            log.warning("outbox: cannot check lease owner %s", owner, exc_info=True)
            continue
        dead[owner] = fd
    return dead


def forget(folder: Path, dead: dict[str, int | None]) -> None:
    """Remove the lock files of owners whose leases were freed."""
    for owner, fd in dead.items():
        if fd is None:
            continue
        with contextlib.suppress(OSError):
            (folder / f"{owner}{SUFFIX}").unlink()
        os.close(fd)
