"""The write side of the embedded store: one connection, group commit, checkpoints.

Used in the writer process (the default, ``writer_process.py``) and on the
writer thread (``db.py``). A write is a module-level function
``fn(connection, *args)``; a batch of them runs in one transaction, each in
its own SAVEPOINT when there are several (so one failure does not undo the
others). A function may have a ``bulk`` form for a run of its writes in a
batch (``_turn``, the write of every message, does): a few ``executemany``
instead of a few statements each, undone and replaced by the one-by-one
path when any of them is not plain. Nobody is told a write succeeded
before that COMMIT: an acknowledged write is on disk in the WAL, and
survives a ``kill -9``
(``synchronous=NORMAL`` risks only the last transactions on power loss,
never corruption).

Checkpoints (copying the WAL back into the database file, with an fsync)
run on a thread of their own, not in the writer's commits: their cost grows
with the number of distinct pages touched since the last one, which grows
with the history (each busy conversation's index entries sit on their own
page once the index is large). Left to SQLite's auto-checkpoint in the
writer, a store of 100,000 messages wrote 27-33 % slower than one of 1,000
(bench/store_bench.py); with the checkpointer, 12-21 %.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, StoreDamaged, StoreUnavailable
from .schema import damaged_message

log = logging.getLogger(__name__)

#: Upper bound of jobs per transaction, so one commit never grows unbounded.
MAX_BATCH = 512
#: The checkpointer runs after this many commits, and at least every second there was one.
_CHECKPOINT_EVERY_COMMITS = 200
_CHECKPOINT_EVERY_SECONDS = 1.0
#: The writer checkpoints by itself only past this many pages (the checkpointer fell behind).
_BACKSTOP_PAGES = 10_000
#: After a checkpoint the WAL file is cut back to this size.
_WAL_LIMIT_BYTES = 64 * 1024 * 1024

#: A write: ``fn(connection, *args)``, module-level so that it can travel to the writer process.
WriteFn = Callable[..., Any]


class Outcome:
    """What became of one write: its result, or the error it raised."""

    __slots__ = ("result", "error")

    def __init__(self) -> None:
        self.result: Any = None
        self.error: BaseException | None = None


def execute(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> int:
    """One statement; the number of rows it changed."""
    return conn.execute(sql, params).rowcount


def ping(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1").fetchone()[0] == 1


def unavailable(exc: BaseException) -> BaseException:
    """A database's own failure (disk full, I/O error, damaged page, locked) as StoreUnavailable.

    Callers then answer 503 "not stored, retry" instead of 500. Constraint
    violations and mistakes in a statement stay what they are: retrying
    would not help.
    """
    if isinstance(exc, (sqlite3.OperationalError, sqlite3.InternalError)) or type(exc) is sqlite3.DatabaseError:
        return StoreUnavailable(f"the SQLite database failed: {exc}")
    return exc


#: SQLite's errors that mean the file or the disk is in trouble, not a busy database or a wrong statement.
_TROUBLE = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL")


def means_trouble(exc: BaseException) -> bool:
    """The database file or its disk failed (damaged page, I/O error): a store's health must say so.

    By SQLite's error name (extended ones too: ``SQLITE_IOERR_READ``,
    ``SQLITE_CORRUPT_INDEX``); ``database is locked`` passes by itself.
    """
    name = getattr(exc, "sqlite_errorname", "") if isinstance(exc, sqlite3.DatabaseError) else ""
    return name.startswith(_TROUBLE)


def opening_error(path: Path, exc: BaseException) -> BaseException:
    """Why the writer could not open the database, as the port's error.

    A damaged file or a wrong configuration stops the start (StoreDamaged,
    ConfigurationError); anything else may pass (StoreUnavailable: retried).
    """
    if isinstance(exc, (StoreDamaged, ConfigurationError)):
        return exc
    if isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in (
        "SQLITE_CORRUPT",
        "SQLITE_NOTADB",
    ):
        return StoreDamaged(damaged_message(str(path), str(exc)))
    return StoreUnavailable(f"cannot open SQLite store at {path}: {exc}")


def connect(path: Path, init: Callable[[sqlite3.Connection], Any]) -> tuple[sqlite3.Connection, Any]:
    """The writer's connection, after ``init`` (schema, migrations) ran in one transaction; and init's result."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA cache_size=-32000")
    conn.execute(f"PRAGMA wal_autocheckpoint={_BACKSTOP_PAGES}")
    conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        opened = init(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.close()  # rolls the half-done opening back
        raise
    return conn, opened


class WriterCore:
    """The writer connection and its checkpointer; used from one thread at a time."""

    def __init__(self, path: Path, init: Callable[[sqlite3.Connection], Any]) -> None:
        self.path = path
        #: what ``init`` answered (the schema step: the migrations it ran)
        self.conn, self.opened = connect(path, init)
        self._commits = 0
        self._signalled_at = 0
        self._checkpoint_due = threading.Event()
        self._closing = False
        self._checkpointer = threading.Thread(target=self._checkpoint_main, name="vikno-sqlite-checkpoint", daemon=True)
        self._checkpointer.start()

    def close(self) -> None:
        self._closing = True
        self._checkpoint_due.set()
        self._checkpointer.join()
        self.conn.close()

    def commit(self, batch: Sequence[tuple[WriteFn, tuple[Any, ...]]]) -> list[Outcome]:
        """Run the writes in one transaction; every outcome is final once this returns."""
        conn = self.conn
        outcomes = [Outcome() for _ in batch]
        try:
            conn.execute("BEGIN IMMEDIATE")
            if len(batch) == 1:  # alone in its transaction: no savepoint needed to undo it alone
                (fn, args), outcome = batch[0], outcomes[0]
                try:
                    outcome.result = fn(conn, *args)
                except BaseException as exc:
                    outcome.error = unavailable(exc)
            else:
                start = 0
                while start < len(batch):
                    fn = batch[start][0]
                    end = start + 1
                    bulk = getattr(fn, "bulk", None)
                    if bulk is not None:
                        while end < len(batch) and batch[end][0] is fn:
                            end += 1
                    if bulk is None or end - start == 1 or not self._bulk(bulk, batch[start:end], outcomes[start:end]):
                        for (fn, args), outcome in zip(batch[start:end], outcomes[start:end], strict=True):
                            self._one(fn, args, outcome)
                    start = end
            if len(batch) == 1 and outcomes[0].error is not None:
                conn.execute("ROLLBACK")
            else:
                conn.execute("COMMIT")
                self._committed()
        except BaseException as exc:  # the commit itself failed: nobody is acknowledged
            log.exception("SQLite commit failed")
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            for outcome in outcomes:
                outcome.result, outcome.error = None, StoreUnavailable(f"SQLite commit failed: {exc}")
        return outcomes

    def _one(self, fn: WriteFn, args: tuple, outcome: Outcome) -> None:
        """One write in a savepoint of its own: its failure undoes it alone."""
        conn = self.conn
        conn.execute("SAVEPOINT job")
        try:
            outcome.result = fn(conn, *args)
        except BaseException as exc:
            conn.execute("ROLLBACK TO job")
            outcome.error = unavailable(exc)
        conn.execute("RELEASE job")

    def _bulk(
        self,
        bulk: Callable[[sqlite3.Connection, list[tuple]], list[Any] | None],
        run: Sequence[tuple[WriteFn, tuple[Any, ...]]],
        outcomes: Sequence[Outcome],
    ) -> bool:
        """Consecutive writes of one function at once, if it has a ``bulk`` form and they are plain.

        ``fn.bulk(connection, [args, ...])`` returns one result per write, or
        None when one of them is not plain (it would fail, or needs its own
        outcome); then, as when it raises, the attempt is undone and the
        writes run one by one. Measured (bench/): 5-8 % less server CPU per
        REST message, ~30 % more writes/s through the store.
        """
        conn = self.conn
        conn.execute("SAVEPOINT bulk")
        try:
            results = bulk(conn, [args for _, args in run])
        except Exception:
            log.debug("a bulk write failed; running its writes one by one", exc_info=True)
            results = None
        if results is None or len(results) != len(run):
            conn.execute("ROLLBACK TO bulk")
            conn.execute("RELEASE bulk")
            return False
        conn.execute("RELEASE bulk")
        for outcome, result in zip(outcomes, results, strict=True):
            outcome.result = result
        return True

    def _committed(self) -> None:
        self._commits += 1
        if self._commits - self._signalled_at >= _CHECKPOINT_EVERY_COMMITS:
            self._signalled_at = self._commits
            self._checkpoint_due.set()

    def _checkpoint_main(self) -> None:
        """Copy the WAL into the database whenever the writer says it has grown."""
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
        except sqlite3.Error:
            log.warning("no WAL checkpointer; the writer's backstop checkpoints instead", exc_info=True)
            return
        done = 0
        try:
            while True:
                self._checkpoint_due.wait(_CHECKPOINT_EVERY_SECONDS)
                self._checkpoint_due.clear()
                if self._closing:
                    break
                if self._commits == done:
                    continue
                done = self._commits
                try:
                    # PASSIVE: never waits for the writer or the readers, and the
                    # writer goes on appending while the pages are copied.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    log.warning("WAL checkpoint failed; the writer's backstop will retry", exc_info=True)
        finally:
            conn.close()
