"""``vikno reload`` and the running server's side of it: a pid file and SIGHUP.

The command checks the content first (the same checks as ``vikno check``),
so a mistake is shown to the person who made it, in their terminal, rather
than only in the server's log; then it signals the ``vikno serve`` that
uses the same data folder. The server checks again (the files may change
in between) and keeps its old content if they are wrong. A signal needs no
open port, no password and no new way in: only the server's own user (or
root) may send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from .config import Settings
from .keys import CONTENT_RELOAD

log = logging.getLogger("vikno.content")

PID_FILE = "vikno.pid"


def pid_path(settings: Settings) -> Path:
    return settings.data_dir / PID_FILE


def install_reload_signal(app: web.Application, settings: Settings) -> None:
    """SIGHUP reloads the content; the pid file tells ``vikno reload`` whom to signal."""
    path = pid_path(settings)
    tasks: set[asyncio.Task] = set()

    def on_hangup() -> None:
        task = asyncio.get_running_loop().create_task(app[CONTENT_RELOAD]())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def started(_: web.Application) -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_hangup)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"{os.getpid()}\n")

    async def stopped(_: web.Application) -> None:
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        with contextlib.suppress(OSError, ValueError):
            if int(path.read_text().strip()) == os.getpid():  # not a newer server's file
                path.unlink()

    app.on_startup.append(started)
    app.on_cleanup.append(stopped)


def _serving(pid: int) -> str | None:
    """None when ``pid`` is a running ``vikno serve``, else why not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"process {pid} is not running (a stale pid file: vikno serve stopped without removing it)"
    except PermissionError:
        return f"process {pid} belongs to another user: run vikno reload as the user vikno serve runs as"
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            return None
        if b"serve" not in words or not any(b"vikno" in w for w in words):
            return f"process {pid} is not vikno serve (a stale pid file, its number taken by another program)"
    return None


def run_reload_command(settings: Settings) -> int:
    path = pid_path(settings)
    try:
        pid = int(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        print(
            f"vikno: no vikno serve is running on the data folder {settings.data_dir.resolve()} (no {PID_FILE} "
            "there); give vikno reload the same --config or VIKNO_DATA_DIR as vikno serve",
            file=sys.stderr,
        )
        return 1
    except (OSError, ValueError) as exc:
        print(f"vikno: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    why_not = _serving(pid)
    if why_not is not None:
        print(f"vikno: {why_not}", file=sys.stderr)
        return 1
    os.kill(pid, signal.SIGHUP)
    print(
        f"vikno: the content is correct; asked vikno serve (pid {pid}) to load it. It checks it again and "
        "logs 'content reloaded' (or why it kept the old content)."
    )
    return 0
