"""Mounting the console on the application, and its background upkeep.

``setup_console(app, console)`` is all the composition root calls: templates, static
files, routes, security headers, and one task that every
``RELEASE_EVERY`` puts chats whose operator has not answered for
``RELEASE_AFTER`` back in the queue, sets operators whose every session
has ended offline (their chats go back too), and drops expired sessions and
forgotten login attempts (and, every ``FEEDBACK_SWEEP_EVERY``, operators'
marks older than the helpline's retention time).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from vikno.handoff.accounts import LOCK_QUIET
from vikno.storage.models import utcnow

from . import actions, api, appeals, auth, figures, pages, visits
from .context import CONSOLE, Console
from .i18n import DEFAULT
from .respond import JINJA
from .security import add_security_headers
from .socket import close_all, console_socket
from .views import duration, iso

log = logging.getLogger(__name__)

#: How often marks past the retention time are deleted (and once at start).
FEEDBACK_SWEEP_EVERY = timedelta(hours=1)
#: How often the no-answer release runs.
RELEASE_EVERY = timedelta(seconds=30)
#: A chat whose operator has not written for this long goes back to the queue.
RELEASE_AFTER = timedelta(minutes=10)
STATIC = Path(__file__).parent / "static"


def console_routes() -> list[web.RouteDef]:
    """Every console route (all under /console); static files are added by setup_console."""
    return [
        web.get("/console", pages.home),
        web.get("/console/", pages.home),
        web.get("/console/login", auth.login_page),
        web.get("/console/lang", pages.choose_language),
        web.post("/console/login", auth.login_submit),
        web.post("/console/logout", auth.logout),
        web.get("/console/queue", pages.queue_page),
        web.get("/console/supervisor", pages.supervisor_page),
        web.get("/console/c/{id}", pages.chat_page),
        web.get("/console/api/queue", api.queue_json),
        web.get("/console/api/c/{id}", api.chat_json),
        web.get("/console/api/supervisor", api.supervisor_json),
        web.get("/console/ws", console_socket),
        web.post("/console/presence", actions.presence),
        web.post("/console/take-next", actions.take_next),
        web.post("/console/c/{id}/pick", actions.pick),
        web.post("/console/c/{id}/reply", actions.reply),
        web.post("/console/c/{id}/note", actions.note),
        web.post("/console/c/{id}/transfer", actions.transfer),
        web.post("/console/c/{id}/takeover", actions.take_over),
        web.post("/console/c/{id}/close", actions.close),
        web.post("/console/c/{id}/block", actions.block),
        web.post("/console/c/{id}/mark", actions.mark),
        web.post("/console/c/{id}/typing", actions.typing),
        *figures.routes(),
        *appeals.routes(),
        web.post("/console/c/{id}/report/outcome", actions.report_outcome),
        web.post("/console/c/{id}/report/contact", actions.report_contact),
        *visits.routes(),
    ]


def setup_console(
    app: web.Application,
    console: Console | None = None,
    *,
    release_every: timedelta = RELEASE_EVERY,
    release_after: timedelta = RELEASE_AFTER,
    idle_timeout: timedelta | None = None,
) -> None:
    """Mount the console with its parts, which the composition root (``bots.app.build_app``) gathers.

    The parts are handed in, not looked up under the composition root's app
    keys: handoff is below bots (ARCHITECTURE.md, the dependency rule).
    Calling it again is harmless (the second call does nothing), so tests can
    call it whether or not build_app already did.
    """
    if CONSOLE in app:
        return
    if console is None:
        raise TypeError("setup_console(app, console): the first call needs the console's parts")
    app[CONSOLE] = console
    if idle_timeout is not None:
        app[CONSOLE].idle_timeout = idle_timeout
    versions = _static_versions()
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader(__package__, "templates"),
        app_key=JINJA,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        default_helpers=False,
    )
    env.globals["static"] = lambda name: f"/console/static/{name}?v={versions.get(name, '0')}"
    env.filters["iso"] = iso
    env.filters["duration"] = jinja2.pass_context(lambda ctx, seconds: duration(seconds, ctx.get("lang", DEFAULT)))
    # (form value, catalogue key of the label): the template says t(key)
    env.globals["block_choices"] = [(k, v[0]) for k, v in actions.BLOCK_CHOICES.items()]
    app.router.add_routes(console_routes())
    app.router.add_static("/console/static", STATIC, append_version=False)
    app.on_response_prepare.append(add_security_headers)
    app.cleanup_ctx.append(_upkeep(release_every, release_after))
    app.on_shutdown.append(_close_sockets)


async def _close_sockets(app: web.Application) -> None:
    await close_all(app[CONSOLE].sockets)


def _static_versions() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10] for p in STATIC.iterdir() if p.is_file()}


def _upkeep(every: timedelta, after: timedelta):
    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_release_loop(app[CONSOLE], every, after))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


async def _release_loop(console: Console, every: timedelta, after: timedelta) -> None:
    swept: float | None = None  # monotonic time of the last retention sweep of marks
    while True:
        await asyncio.sleep(every.total_seconds())
        now = asyncio.get_running_loop().time()
        if swept is None or now - swept >= FEEDBACK_SWEEP_EVERY.total_seconds():
            try:
                forgotten = await console.store.feedback.delete_older(utcnow() - console.feedback_retention)
                swept = now
                if forgotten:
                    log.info("%d operator mark(s) past the retention time deleted", forgotten)
            except Exception:  # the store may be down for a while; try again next round
                log.warning("deleting old operator marks failed; retrying in %s", every, exc_info=True)
        try:
            released = await console.handoff.release_unanswered(after)
            if released:
                log.info("%d unanswered chat(s) went back to the queue", len(released))
            gone = await console.handoff.set_absent_offline()
            if gone:
                log.info("%d operator(s) without a live session set offline", len(gone))
            await console.store.sessions.delete_expired(utcnow())
            await console.store.login_attempts.forget_older(utcnow() - LOCK_QUIET)
        except Exception:  # the store may be down for a while; try again next round
            log.warning("no-answer release failed; retrying in %s", every, exc_info=True)
