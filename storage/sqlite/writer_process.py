"""The SQLite writer in a process of its own, talked to over a socket pair.

Why a process: in one process, the writer thread and the event loop share
the GIL, and every statement hands it back and forth (SQLite releases it
for each step). Measured through ``vikno serve`` (bench/rest_bench.py, 2
cores), turns that skipped the store entirely ran 1.7-2x as fast as turns
written on a thread; the store's work itself is small. In its own process
the writer has its own GIL; the web process only pickles rows and reads
results, and a batch of writes costs it one send and one wake-up.

Protocol: length-prefixed pickles. The web process sends lists of
``(job id, function, args)`` (module-level functions, pickled by name);
the writer runs everything it has received in one transaction (group
commit) and answers with ``(job id, ok, result or exception)`` for each,
only after the COMMIT. ``None`` asks it to stop. When the web process
dies (even ``kill -9``), the writer reads end-of-file and exits; what it
acknowledged is committed.

It starts from multiprocessing's fork server (a clean process, never a
fork of this threaded one). Like any multiprocessing child it imports the
program's main module: a script that opens the store must keep its work
under ``if __name__ == "__main__":`` (vikno's own entry points do; without
the guard the store falls back to its writer thread).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import pickle
import select
import signal
import socket
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import StoreUnavailable
from .writer import MAX_BATCH, WriteFn, WriterCore, opening_error

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
_READY = -1  # the job id of the writer's first answer: it opened the database (or why not)


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


class _Frames:
    """Cuts a byte stream into frames."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        self.buffer += data
        out = []
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + size:
                break
            out.append(pickle.loads(self.buffer[_HEADER.size : _HEADER.size + size]))
            del self.buffer[: _HEADER.size + size]
        return out


# --- the writer process ------------------------------------------------------------


def writer_main(path: str, init: Callable[..., None], sock: socket.socket) -> None:
    """Entry point of the writer process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the web process; we stop on its word or EOF
    try:
        core = WriterCore(Path(path), init)
    except BaseException as exc:
        sock.sendall(_frame([_answer(_READY, False, opening_error(Path(path), exc))]))
        return
    sock.sendall(_frame([_answer(_READY, True, core.opened)]))
    frames = _Frames()
    try:
        while True:
            jobs, stop = _receive(sock, frames)
            for start in range(0, len(jobs), MAX_BATCH):
                chunk = jobs[start : start + MAX_BATCH]
                outcomes = core.commit([(fn, args) for _, fn, args in chunk])
                answers = [
                    (job_id, o.error is None, o.result if o.error is None else o.error)
                    for (job_id, _, _), o in zip(chunk, outcomes, strict=True)
                ]
                try:
                    frame = _frame(answers)
                except Exception:  # some answer cannot travel: find it, send the rest as they are
                    frame = _frame([_answer(*answer) for answer in answers])
                sock.sendall(frame)
            if stop:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass  # the web process is gone
    finally:
        core.close()


def _receive(sock: socket.socket, frames: _Frames) -> tuple[list[tuple[int, WriteFn, tuple]], bool]:
    """Wait for work, then take everything else already sent: one transaction for all of it."""
    jobs: list[tuple[int, WriteFn, tuple]] = []
    wait = True
    while True:
        if not wait and not select.select([sock], [], [], 0)[0]:
            return jobs, False
        data = sock.recv(1 << 20)
        if not data:  # end of file: the web process closed or died
            return jobs, True
        for batch in frames.feed(data):
            if batch is None:
                return jobs, True
            jobs.extend(batch)
        wait = not jobs


def _answer(job_id: int, ok: bool, value: Any) -> tuple[int, bool, Any]:
    try:
        pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer that cannot travel must still arrive as an error
        return job_id, False, StoreUnavailable(f"the store's answer could not be sent back: {exc!r} ({value!r})")
    return job_id, ok, value


# --- the web process's side --------------------------------------------------------------


class ProcessWriter:
    """Sends writes to the writer process; each call's future resolves after its COMMIT."""

    def __init__(self, path: Path, init: Callable[..., None]) -> None:
        self.path = path
        self._init = init
        self._sock: socket.socket | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count()
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._outbox: list[tuple[int, WriteFn, tuple]] = []
        self._unsent = bytearray()
        self._frames = _Frames()
        self._ready: asyncio.Future[Any] | None = None
        #: what the writer's opening step answered (the migrations it ran)
        self.opened: Any = None
        self._closing = False
        #: jobs sent and not answered yet; while there are any, new ones wait and go together
        self._in_flight = 0

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        context = _context()
        process = context.Process(
            target=writer_main, args=(str(self.path), self._init, theirs), name="vikno-sqlite-writer", daemon=True
        )
        try:
            process.start()
        finally:
            theirs.close()
        ours.setblocking(False)
        self._loop, self._sock, self._process = loop, ours, process
        self._ready = loop.create_future()
        self._pending[_READY] = self._ready
        loop.add_reader(ours.fileno(), self._readable)
        try:
            self.opened = await self._ready
        except BaseException:
            await self.close()
            raise

    def submit(self, fn: WriteFn, args: tuple) -> asyncio.Future[Any]:
        if self._sock is None or self._loop is None:
            raise StoreUnavailable("the SQLite store is not open")
        if asyncio.get_running_loop() is not self._loop:
            raise RuntimeError("the SQLite store is used from another event loop than the one that opened it")
        future = self._loop.create_future()
        job_id = next(self._ids)
        self._pending[job_id] = future
        if not self._outbox:  # everything asked for until the loop comes round goes in one send
            self._loop.call_soon(self._send)
        self._outbox.append((job_id, fn, args))
        return future

    async def close(self) -> None:
        sock, process = self._sock, self._process
        if sock is None:
            return
        self._closing = True
        if self._outbox:
            self._send(force=True)
        self._write(_frame(None))
        if process is not None:
            await asyncio.to_thread(process.join, 30)  # it answers what it has, then stops
            if process.is_alive():
                process.kill()
        self._shut("the SQLite store was closed")

    # --- sending and receiving ---

    def _send(self, force: bool = False) -> None:
        """Send what is waiting, unless the writer still works on the last batch.

        One batch at a time: what arrives meanwhile waits and goes as one
        (the writer would run it after the current batch anyway). Fewer,
        larger batches cost both processes fewer wake-ups and the store
        fewer commits; a send per loop iteration cost the web process ~10 %.
        """
        if self._in_flight and not force:
            return  # _readable sends when the answers are in
        jobs, self._outbox = self._outbox, []
        if not jobs or self._sock is None:
            return
        try:
            frame = _frame(jobs)
        except Exception:  # one job's arguments cannot be pickled: send the others, fail that one
            good = []
            for job in jobs:
                try:
                    pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
                    good.append(job)
                except Exception as exc:
                    self._settle(job[0], False, TypeError(f"a write's arguments cannot be sent: {exc}"))
            if not good:
                return
            frame = _frame(good)
            jobs = good
        self._in_flight += len(jobs)
        self._write(frame)

    def _write(self, data: bytes) -> None:
        sock, loop = self._sock, self._loop
        if sock is None or loop is None:
            return
        if self._unsent:
            self._unsent += data
            return
        try:
            sent = sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._shut("the SQLite writer process is gone")
            return
        if sent < len(data):
            self._unsent += data[sent:]
            loop.add_writer(sock.fileno(), self._writable)

    def _writable(self) -> None:
        sock, loop = self._sock, self._loop
        if sock is None or loop is None:
            return
        try:
            sent = sock.send(self._unsent)
        except BlockingIOError:
            return
        except OSError:
            self._shut("the SQLite writer process is gone")
            return
        del self._unsent[:sent]
        if not self._unsent:
            loop.remove_writer(sock.fileno())

    def _readable(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            data = sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            if not self._closing:
                log.error("the SQLite writer process stopped; the next write starts another")
            self._shut("the SQLite writer process stopped")
            return
        for answers in self._frames.feed(data):
            for job_id, ok, value in answers:
                if job_id != _READY:
                    self._in_flight -= 1
                self._settle(job_id, ok, value)
        if not self._in_flight and self._outbox:
            self._send()

    def _settle(self, job_id: int, ok: bool, value: Any) -> None:
        future = self._pending.pop(job_id, None)
        if future is None or future.done():  # the caller gave up (cancelled); the write stands
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def _shut(self, why: str) -> None:
        """No more writes: whoever still waits learns it was not acknowledged."""
        sock, self._sock = self._sock, None
        if sock is not None and self._loop is not None:
            self._loop.remove_reader(sock.fileno())
            self._loop.remove_writer(sock.fileno())
            sock.close()
        pending, self._pending = self._pending, {}
        self._outbox.clear()
        for future in pending.values():
            if not future.done():
                future.set_exception(StoreUnavailable(why))


def _context() -> multiprocessing.context.BaseContext:
    """forkserver: children start in milliseconds from a clean process, never a fork of a threaded one."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context
