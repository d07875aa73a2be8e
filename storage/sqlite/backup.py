"""Copies of the embedded store: a consistent backup while the server runs, and a restore into a data folder.

Copying the file with ``cp`` while vikno writes can catch a page half
written, and leaves out whatever is still in the ``-wal`` file beside it.
SQLite's online backup API copies the database as one read transaction
sees it: complete and consistent, whatever the writer does meanwhile. The
copy is a single file (journal mode DELETE, no ``-wal`` beside it), checked
before it is given a backup's name, so a half-written or damaged copy never
looks like a good one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError, StoreDamaged
from ..files import private_file
from ..identity import IdentityVault
from .migrations import SCHEMA_VERSION, version

#: What a backup summary counts (tables every schema since 1 has).
COUNTED = ("conversations", "messages", "operators")


@dataclass(frozen=True)
class Summary:
    schema_version: int
    counts: dict[str, int]

    def __str__(self) -> str:
        return f"schema {self.schema_version}: " + ", ".join(f"{n} {table}" for table, n in self.counts.items())


def _copy(source: Path, target: Path) -> None:
    """``source`` as one read transaction sees it into a new file ``target`` (mode 0600), then fsync'd."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    private_file(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def summary(path: Path) -> Summary:
    """Check the file (``PRAGMA quick_check``) and say what it holds; StoreDamaged if it is no good."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise StoreDamaged(f"{path} is damaged ({'; '.join(problems[:3])}); use another backup")
            return Summary(version(conn), {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED})
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreDamaged(f"{path} is not a vikno database ({exc})") from exc


def key_opens(path: Path, secret: bytes) -> bool | None:
    """Whether ``secret`` decrypts the stored channel addresses of ``path``; None when none is stored."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT address FROM conversations WHERE address IS NOT NULL LIMIT 1").fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    try:
        IdentityVault(secret).decrypt(row[0])
    except ConfigurationError:
        return False
    return True


def backup(database: Path, target: Path) -> Summary:
    """A consistent copy of the live ``database`` at ``target`` (written aside, checked, then renamed)."""
    partial = target.with_name(f".{target.name}.partial")
    _copy(database, partial)
    try:
        found = summary(partial)
    except StoreDamaged:
        partial.unlink()
        raise
    os.replace(partial, target)
    return found


def restore(source: Path, database: Path, *, keep_replaced_as: str) -> Summary:
    """Put the backup ``source`` in place of ``database``; call it inside :func:`exclusively` (nobody else may
    have the store open while its file is swapped).

    The backup is checked first and refused if a newer vikno wrote it. An
    existing database is kept beside it renamed ``<name><keep_replaced_as>``,
    never deleted.
    """
    found = summary(source)
    if found.schema_version > SCHEMA_VERSION:
        raise ConfigurationError(
            f"{source} was written by a newer vikno (schema {found.schema_version} > "
            f"{SCHEMA_VERSION}); restore it with that vikno"
        )
    incoming = database.with_name(f".{database.name}.restoring")
    try:
        _copy(source, incoming)
        if database.exists():
            # the old WAL belongs to the old file: fold it in before keeping the file aside
            old = sqlite3.connect(database)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                old.execute("PRAGMA journal_mode=DELETE")
            finally:
                old.close()
    except BaseException:  # nothing was moved yet: leave the folder as it was
        with contextlib.suppress(FileNotFoundError):
            incoming.unlink()
        raise
    if database.exists():
        os.replace(database, database.with_name(database.name + keep_replaced_as))
    for leftover in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            database.with_name(database.name + leftover).unlink()
    os.replace(incoming, database)
    return found
