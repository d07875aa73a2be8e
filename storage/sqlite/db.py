"""One SQLite connection on its own thread, with group commit.

SQLite allows one writer at a time and a commit costs far more than a row,
so every call is queued to a single thread that takes whatever is waiting,
runs each piece in its own SAVEPOINT (so one failure does not undo the
others) and commits them together. A caller's future resolves only after
that COMMIT: an acknowledged write is on disk in the WAL, and survives a
``kill -9`` of the process (``synchronous=NORMAL`` risks only the last
transactions on power loss, never corruption).

Checkpoints (copying the WAL back into the database file, with an fsync)
run on a third thread, not in the writer's commits: their cost grows with
the number of distinct pages touched since the last one, which grows with
the history (each busy conversation's index entries sit on their own page
once the index is large). Left to SQLite's auto-checkpoint in the writer,
a store of 100,000 messages wrote 27-33 % slower than one of 1,000
(bench/store_bench.py); with the checkpointer, 12-20 %.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()
#: Upper bound of jobs per transaction, so one commit never grows unbounded.
_MAX_BATCH = 512
#: The checkpointer runs after this many commits, and at least every second there was one.
_CHECKPOINT_EVERY_COMMITS = 200
_CHECKPOINT_EVERY_SECONDS = 1.0
#: The writer checkpoints by itself only past this many pages (the checkpointer fell behind).
_BACKSTOP_PAGES = 10_000
#: The reader maps this much of the database file instead of reading it page by page.
_READER_MMAP_BYTES = 1024 * 1024 * 1024
#: After a checkpoint the WAL file is cut back to this size.
_WAL_LIMIT_BYTES = 64 * 1024 * 1024


class _Job:
    __slots__ = ("fn", "loop", "future", "result", "error")

    def __init__(self, fn: Callable[[sqlite3.Connection], Any], loop: asyncio.AbstractEventLoop,
                 future: asyncio.Future[Any]) -> None:
        self.fn = fn
        self.loop = loop
        self.future = future
        self.result: Any = None
        self.error: BaseException | None = None


def _deliver(job: _Job) -> None:
    if job.future.done():  # the caller gave up (cancelled); the write stands
        return
    if job.error is not None:
        job.future.set_exception(job.error)
    else:
        job.future.set_result(job.result)


def _deliver_all(jobs: list[_Job]) -> None:
    for job in jobs:
        _deliver(job)


class SqliteDatabase:
    """Runs callables against one connection on a dedicated thread."""

    def __init__(self, path: Path, init: Callable[[sqlite3.Connection], None]) -> None:
        self.path = path
        self._init = init
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._reads: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reader: threading.Thread | None = None
        self._checkpoint_due = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self._closing = False
        self._commits = 0  # written by the writer thread only
        self._signalled_at = 0

    async def open(self) -> None:
        if self._thread is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._main, args=(loop, ready), name="vikno-sqlite",
                                        daemon=True)
        self._thread.start()
        try:
            await ready
        except BaseException:
            self._thread = None
            raise
        # WAL lets readers work beside the writer: reads never wait for a commit.
        self._reader = threading.Thread(target=self._read_main, name="vikno-sqlite-read", daemon=True)
        self._reader.start()
        self._closing = False
        self._checkpointer = threading.Thread(target=self._checkpoint_main, name="vikno-sqlite-checkpoint",
                                              daemon=True)
        self._checkpointer.start()

    async def close(self) -> None:
        thread, self._thread = self._thread, None
        reader, self._reader = self._reader, None
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            self._closing = True
            self._checkpoint_due.set()
            await asyncio.to_thread(checkpointer.join)
        if reader is not None:
            self._reads.put(_STOP)
            await asyncio.to_thread(reader.join)
        if thread is None:
            return
        self._jobs.put(_STOP)
        await asyncio.to_thread(thread.join)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only ``fn(connection)`` on the reader connection.

        It sees everything committed before it starts (WAL snapshot); it
        must not write.
        """
        if self._reader is None:
            raise StoreUnavailable("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._reads.put(_Job(fn, loop, future))
        return await future

    def _read_main(self) -> None:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA cache_size=-32000")
        # Every commit of the writer empties this connection's page cache (SQLite
        # starts each read of a changed database afresh), so without a mapping each
        # read walks its B-tree with a system call per page, deeper as history grows.
        conn.execute(f"PRAGMA mmap_size={_READER_MMAP_BYTES}")
        try:
            while True:
                job = self._reads.get()
                if job is _STOP:
                    break
                try:
                    job.result = job.fn(conn)
                except BaseException as exc:
                    job.error = exc
                job.loop.call_soon_threadsafe(_deliver, job)
        finally:
            conn.close()

    def _checkpoint_main(self) -> None:
        """Copy the WAL into the database whenever the writer says it has grown."""
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
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

    @property
    def is_open(self) -> bool:
        return self._thread is not None

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` inside a transaction; resolve after commit."""
        if self._thread is None:
            raise StoreUnavailable("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(fn, loop, future))
        return await future

    # --- the writer thread -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-32000")
        conn.execute(f"PRAGMA wal_autocheckpoint={_BACKSTOP_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
        conn.execute("BEGIN IMMEDIATE")
        self._init(conn)
        conn.execute("COMMIT")
        return conn

    def _main(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # report the real reason to open()
            err = StoreUnavailable(f"cannot open SQLite store at {self.path}: {exc}")
            loop.call_soon_threadsafe(lambda: ready.done() or ready.set_exception(err))
            return
        loop.call_soon_threadsafe(lambda: ready.done() or ready.set_result(None))
        try:
            while True:
                first = self._jobs.get()
                if first is _STOP:
                    break
                batch = [first]
                stop = False
                while len(batch) < _MAX_BATCH:
                    try:
                        nxt = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    batch.append(nxt)
                self._run_batch(conn, batch)
                if stop:
                    break
        finally:
            conn.close()

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            if len(batch) == 1:  # alone in its transaction: no savepoint needed to undo it alone
                job = batch[0]
                try:
                    job.result = job.fn(conn)
                except BaseException as exc:
                    job.error = exc
            else:
                for job in batch:
                    conn.execute("SAVEPOINT job")
                    try:
                        job.result = job.fn(conn)
                    except BaseException as exc:
                        conn.execute("ROLLBACK TO job")
                        job.error = exc
                    conn.execute("RELEASE job")
            if len(batch) == 1 and batch[0].error is not None:
                conn.execute("ROLLBACK")
            else:
                conn.execute("COMMIT")
                self._commits += 1
                if self._commits - self._signalled_at >= _CHECKPOINT_EVERY_COMMITS:
                    self._signalled_at = self._commits
                    self._checkpoint_due.set()
        except BaseException as exc:  # the commit itself failed: nobody is acknowledged
            log.exception("SQLite commit failed")
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            for job in batch:
                job.error = StoreUnavailable(f"SQLite commit failed: {exc}")
        # One wake-up per event loop for the whole batch, not one per job.
        by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        for job in batch:
            by_loop.setdefault(job.loop, []).append(job)
        for loop, jobs in by_loop.items():
            loop.call_soon_threadsafe(_deliver_all, jobs)
