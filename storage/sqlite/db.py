"""The embedded store's connections: writes to one writer, reads on a reader thread.

Writes go to the writer process (``writer_process.py``, the default) or to
a writer thread in this process (``writer="thread"``); both run
``writer.WriterCore``: group commit, a savepoint per write, checkpoints on
their own thread. A write is a module-level function ``fn(connection,
*args)`` with plain arguments, so that it can travel to the process; its
caller's future resolves only after the COMMIT.

Reads run here, on one read-only connection of their own (WAL: a read never
waits for a commit), as closures.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from ..errors import ConfigurationError, StoreDamaged, StoreUnavailable
from ..health import WriteHealth
from .writer import MAX_BATCH, WriteFn, WriterCore, means_trouble, opening_error, unavailable
from .writer_process import ProcessWriter

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()
#: The reader maps this much of the database file instead of reading it page by page.
_READER_MMAP_BYTES = 1024 * 1024 * 1024

WriterKind = Literal["process", "thread"]


class _Job:
    __slots__ = ("fn", "args", "loop", "future", "result", "error")

    def __init__(
        self, fn: Callable[..., Any], args: tuple, loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]
    ) -> None:
        self.fn = fn
        self.args = args
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
    def __init__(
        self, path: Path, init: Callable[[sqlite3.Connection], Any], *, writer: WriterKind = "process"
    ) -> None:
        self.path = path
        self.init = init
        self.writer_kind = writer
        self._process: ProcessWriter | None = None
        self._restarting: asyncio.Lock | None = None
        self._closed = True
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._reads: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reader: threading.Thread | None = None
        #: what the writer's opening step answered the last time (the migrations it ran)
        self.opened: Any = None
        #: outcomes of recent writes (what /healthz reports besides a ping)
        self.writes = WriteHealth()

    @property
    def is_open(self) -> bool:
        return not self._closed

    async def open(self) -> None:
        if self.is_open:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.writer_kind == "process":
            try:
                process = ProcessWriter(self.path, self.init)
                await process.open()
                self._process = process
                self.opened = process.opened
            except (StoreDamaged, ConfigurationError):
                raise  # the thread would fail the same way: stop the start with the reason
            except Exception as exc:
                # e.g. a program without an ``if __name__ == "__main__":`` guard, or no
                # way to start processes here: the thread does the same job, only slower
                log.warning("the SQLite writer process did not start (%s); writing from a thread", exc)
                self.writer_kind = "thread"
        if self.writer_kind == "thread":
            await self._start_thread()
        self._reader = threading.Thread(target=self._read_main, name="vikno-sqlite-read", daemon=True)
        self._reader.start()
        self._closed = False

    async def close(self) -> None:
        self._closed = True
        reader, self._reader = self._reader, None
        if reader is not None:
            self._reads.put(_STOP)
            await asyncio.to_thread(reader.join)
        process, self._process = self._process, None
        if process is not None:
            await process.close()
        thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(_STOP)
            await asyncio.to_thread(thread.join)

    async def run(self, fn: WriteFn, *args: Any) -> Any:
        """Run the write ``fn(connection, *args)`` in a transaction; resolve after its COMMIT."""
        try:
            result = await self._run(fn, *args)
        except StoreUnavailable as exc:
            self.writes.failed(exc)
            raise
        except Exception:
            self.writes.ok()  # the database answered (a duplicate, a conflict): it works
            raise
        self.writes.ok()
        return result

    async def ask(self, fn: WriteFn, *args: Any) -> Any:
        """Run ``fn`` on the writer like a write, but not counted as one (a ping says nothing of the disk)."""
        return await self._run(fn, *args)

    async def _run(self, fn: WriteFn, *args: Any) -> Any:
        if self._process is not None:
            process = self._process if self._process.is_open else await self._restart_writer()
            return await process.submit(fn, args)
        if self._thread is None:
            raise StoreUnavailable("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._jobs.put(_Job(fn, args, loop, future))
        return await future

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only ``fn(connection)`` on the reader connection.

        It sees everything committed before it starts (WAL snapshot); it
        must not write.
        """
        if self._reader is None:
            raise StoreUnavailable("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._reads.put(_Job(fn, (), loop, future))
        return await future

    async def _restart_writer(self) -> ProcessWriter:
        """The writer process died (killed, out of memory): start another for the next writes.

        Writes that were in flight failed unacknowledged (the channels answer
        with an error, so the platforms send them again); committed ones stand.
        """
        if self._closed:
            raise StoreUnavailable("the SQLite store is not open")
        if self._restarting is None:
            self._restarting = asyncio.Lock()
        async with self._restarting:
            if self._process is not None and self._process.is_open:
                return self._process
            log.warning("restarting the SQLite writer process")
            process = ProcessWriter(self.path, self.init)
            try:
                await process.open()
            except Exception as exc:
                raise StoreUnavailable(f"the SQLite writer process cannot be restarted: {exc}") from exc
            self._process = process
            return process

    # --- the reader thread -------------------------------------------------------

    def _read_main(self) -> None:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
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
                    if means_trouble(exc):
                        self.writes.read_failed(exc)  # a damaged page answers a ping: tell /healthz
                    job.error = unavailable(exc)
                job.loop.call_soon_threadsafe(_deliver, job)
        finally:
            conn.close()

    # --- the writer thread (writer="thread") -----------------------------------------

    async def _start_thread(self) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(target=self._write_main, args=(loop, ready), name="vikno-sqlite", daemon=True)
        self._thread.start()
        try:
            await ready
        except BaseException:
            self._thread = None
            raise

    def _write_main(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            core = WriterCore(self.path, self.init)
        except BaseException as exc:  # report the real reason to open()
            err = opening_error(self.path, exc)
            loop.call_soon_threadsafe(lambda: ready.done() or ready.set_exception(err))
            return
        self.opened = core.opened
        loop.call_soon_threadsafe(lambda: ready.done() or ready.set_result(None))
        try:
            while True:
                first = self._jobs.get()
                if first is _STOP:
                    break
                batch = [first]
                stop = False
                while len(batch) < MAX_BATCH:
                    try:
                        nxt = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    batch.append(nxt)
                for job, outcome in zip(batch, core.commit([(job.fn, job.args) for job in batch]), strict=True):
                    job.result, job.error = outcome.result, outcome.error
                # One wake-up per event loop for the whole batch, not one per job.
                by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
                for job in batch:
                    by_loop.setdefault(job.loop, []).append(job)
                for job_loop, jobs in by_loop.items():
                    job_loop.call_soon_threadsafe(_deliver_all, jobs)
                if stop:
                    break
        finally:
            core.close()
