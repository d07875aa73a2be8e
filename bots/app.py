"""Composition root: builds the aiohttp application from the settings.

Everything is wired here and nowhere else: the store chosen by the settings,
the identity vault, the helplines' content, the NLU backend, the engine and
the channels. A database that is down does not stop the start: ``/healthz``
says 503 until it answers, and channels answer 503 (so platforms retry and
nothing acknowledged is lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiohttp import web

from vikno.flows.channels import ChannelRegistry
from vikno.flows.content import Helpline
from vikno.flows.engine import Engine, UnknownHelpline
from vikno.flows.queue_news import QueueNews
from vikno.flows.renamed_lines import move_renamed_lines
from vikno.flows.queue_news import run as run_queue_news
from vikno.flows.safety_check import SafetyChecks
from vikno.flows.safety_check import run as run_safety_checks
from vikno.handoff.accounts import LoginKeys
from vikno.handoff.console import setup_console
from vikno.handoff.console.context import Console
from vikno.handoff.console.live import ConsoleHub
from vikno.handoff.service import Handoff
from vikno.nlu.builtin import stop_training
from vikno.nlu.train_apart import TrainingFailed
from vikno.nlu.types import Understanding
from vikno.storage.errors import Conflict, ConfigurationError, StoreDamaged, StoreUnavailable
from vikno.storage.identity import IdentityVault
from vikno.storage.port import Store

from . import logredact
from .addresses import TrustedProxies
from .config import Settings
from .channels import start_channels, stop_channels, wire
from .headers import edge_headers
from .content_reload import ContentReload
from .keys import (
    CHANNEL_REGISTRY,
    CHANNELS,
    CLIENT_ADDRESS,
    CONSOLE_HUB,
    CONTENT_RELOAD,
    EDGE_LIMITS,
    ENGINE,
    HANDOFF,
    NLU_STATE,
    QUEUE_NEWS,
    SAFETY_CHECKS,
    SETTINGS,
    STORE,
    STORE_READY,
)
from .live import ConsoleNudges
from .ratelimits import EdgeLimits
from .registry import Mount, mount_channels
from .nlu_backend import load_nlu
from .kit import error_response, retry_later
from .stores import deployment_secret, store_for

log = logging.getLogger("vikno")

STORE_RETRY_SECONDS = 2.0


@web.middleware
async def json_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure is a JSON answer; unavailable storage is a 503 to retry."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and request.path.startswith("/api/"):
            return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
        raise
    except StoreUnavailable as exc:
        log.warning("store unavailable: %s", exc)
        return retry_later(
            "store_unavailable", "the database cannot answer now (down, full or damaged); nothing was stored, retry"
        )
    except Conflict:
        return retry_later("busy", "the conversation is busy; retry")
    except UnknownHelpline as exc:
        return error_response(404, "unknown_helpline", str(exc))
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "something went wrong on our side; nothing half-done was kept")


async def healthz(request: web.Request) -> web.Response:
    """200 only when the store answers *and* its recent writes worked and reads met no damage.

    A full disk or a page damaged while running still answers a ping.
    """
    store: Store = request.app[STORE]
    reachable = request.app[STORE_READY].is_set() and await store.ping()
    health = getattr(store, "writes", None)
    writing = not (health is not None and health.writes_failing)
    reading = not (health is not None and health.reads_failing)  # a page damaged while running
    healthy = reachable and writing and reading
    body = {
        "status": "ok" if healthy else "unavailable",
        "store": store.kind,
        "reachable": reachable,
        "writes": "ok" if writing else "failing",
        "reads": "ok" if reading else "failing",
        "nlu": request.app[NLU_STATE]["status"],
        "helplines": sorted(request.app[ENGINE].helplines),
    }
    resp = web.json_response(body, status=200 if healthy else 503)
    if not healthy:
        resp.headers["Retry-After"] = "5"
    return resp


def build_app(
    settings: Settings, helplines: dict[str, Helpline], *, store: Store | None = None, nlu: Understanding | None = None
) -> web.Application:
    logredact.install()  # conversation keys and tokens never reach a log line
    app = web.Application(middlewares=[json_errors], client_max_size=settings.rest.max_body_bytes + 1024)
    secret = deployment_secret(settings)
    store = store or store_for(settings, secret)
    vault = IdentityVault(secret)
    # what each channel can do; filled below with the channels the settings switch on (bots/registry.py)
    registry = ChannelRegistry()
    engine = Engine(store, vault, helplines, nlu, default_helpline=settings.default_helpline, channels=registry)
    app[SETTINGS] = settings
    app[STORE] = store
    app[ENGINE] = engine
    app[STORE_READY] = asyncio.Event()
    app[NLU_STATE] = {"status": "given" if nlu is not None else "loading"}
    reload = ContentReload(settings, helplines)  # every part below holds this same dict of helplines
    reload_content: Callable[[], Coroutine[Any, Any, bool]] = reload
    app[CONTENT_RELOAD] = reload_content

    # one idea of "the client" (an IPv6 /64 is one) and one set of limits for every door of the edge
    app[CLIENT_ADDRESS] = TrustedProxies(settings.trusted_proxies).limit_key
    app[EDGE_LIMITS] = EdgeLimits(settings.limits)
    app.on_response_prepare.append(edge_headers(settings.public_url))
    app.add_routes([web.get("/healthz", healthz)])
    app.cleanup_ctx.append(_store_lifecycle)
    if nlu is None:
        app.cleanup_ctx.append(_nlu_lifecycle)
    # every channel the settings switch on: built, routed, and registered with what it can do
    mounted = mount_channels(Mount(app, settings, secret, engine, content_listeners=reload.listeners))
    app[CHANNEL_REGISTRY] = registry
    app[CHANNELS] = wire(mounted, registry, engine, store, vault)
    app.cleanup_ctx.append(_channels_lifecycle)

    console = ConsoleHub()
    engine.observers.append(ConsoleNudges(console).after_turn)
    app[CONSOLE_HUB] = console
    # a message stored for a person outside a turn (an operator's words, queue news) reaches them
    # the way their channel says (registry.deliver)
    app[HANDOFF] = Handoff(
        store, helplines, channels=registry, on_outgoing=registry.deliver, on_change=console.publish, vault=vault
    )
    # waiting people hear when their place moves by a step that matters
    app[QUEUE_NEWS] = QueueNews(store, helplines, on_outgoing=registry.deliver, channels=registry)
    app.cleanup_ctx.append(_queue_news_lifecycle)
    # an unanswered "are you safe right now?" becomes a crisis
    app[SAFETY_CHECKS] = SafetyChecks(
        store, helplines, on_outgoing=registry.deliver, channels=registry, on_change=console.publish
    )
    app.cleanup_ctx.append(_safety_checks_lifecycle)
    # /console: pages, live socket, background release of unanswered chats; its parts are handed in
    # (handoff is below bots and does not read this module's app keys)
    parts = Console(
        store=store,
        handoff=app[HANDOFF],
        hub=console,
        secure_cookies=bool(settings.public_url and settings.public_url.startswith("https")),
        public_origin=settings.public_url,
        login_keys=LoginKeys(secret),
        client_address=app[CLIENT_ADDRESS],
        feedback_retention=timedelta(days=settings.feedback_retention_days),
    )
    setup_console(
        app,
        parts,
        release_every=settings.console.release_every,
        release_after=settings.console.release_after,
        idle_timeout=settings.console.idle_timeout,
    )
    return app


async def _channels_lifecycle(app: web.Application):
    await start_channels(app[CHANNELS], app[ENGINE])
    yield
    await stop_channels(app[CHANNELS])


async def _queue_news_lifecycle(app: web.Application):
    task = asyncio.create_task(run_queue_news(app[QUEUE_NEWS], app[CONSOLE_HUB].subscribe))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _safety_checks_lifecycle(app: web.Application):
    task = asyncio.create_task(run_safety_checks(app[SAFETY_CHECKS]))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _open_store_until_ready(app: web.Application) -> None:
    store: Store = app[STORE]
    while True:
        try:
            await store.open()
            await move_renamed_lines(store, app[ENGINE].helplines)
            app[STORE_READY].set()
            log.info("store ready: %s", store.kind)
            return
        except StoreUnavailable as exc:
            log.warning("store not reachable yet (%s); retrying in %.0f s", exc, STORE_RETRY_SECONDS)
            await asyncio.sleep(STORE_RETRY_SECONDS)
        except (StoreDamaged, ConfigurationError) as exc:  # retrying cannot mend it: say what to do
            log.critical("the store cannot be used: %s", exc)
            raise


async def _store_lifecycle(app: web.Application):
    task = asyncio.create_task(_open_store_until_ready(app))
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=STORE_RETRY_SECONDS * 2)
    except TimeoutError:
        pass  # keep serving: /healthz says 503 until the store answers
    # a damaged file or a wrong configuration raised out of wait_for: the start stops there
    yield
    task.cancel()
    await app[STORE].close()


async def _in_daemon_thread(fn: Any) -> Any:
    """``fn()`` on a daemon thread: a stop while the first NLU training runs must not wait for it.

    ``asyncio.to_thread`` runs on the loop's executor, which ``asyncio.run`` joins at exit, so a SIGTERM
    during a first training (seconds to a minute) kept the process alive until the training was done. The
    model file is written atomically, so a training cut short leaves nothing half-written behind.
    """
    import threading

    loop = asyncio.get_running_loop()
    fut: asyncio.Future[Any] = loop.create_future()

    def deliver(setter: Any, value: Any) -> None:
        if not fut.done():
            setter(value)

    def run() -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            setter, value = fut.set_exception, exc
        else:
            setter, value = fut.set_result, result
        with contextlib.suppress(RuntimeError):  # the loop closed while we worked: nobody is waiting
            loop.call_soon_threadsafe(deliver, setter, value)

    threading.Thread(target=run, name="vikno-nlu-load", daemon=True).start()
    return await fut


async def _nlu_lifecycle(app: web.Application):
    """Load (or first train) the NLU off the event loop; crisis rules work meanwhile."""
    settings: Settings = app[SETTINGS]
    engine: Engine = app[ENGINE]
    state = app[NLU_STATE]
    interim, loader = load_nlu(settings)
    engine.nlu = interim
    state["status"] = (
        "loading" if loader is not None else {"none": "crisis_rules_only"}.get(settings.nlu.backend, "ready")
    )

    async def finish() -> None:
        assert loader is not None
        try:
            engine.nlu = await _in_daemon_thread(loader)
            state["status"] = "ready"
            log.info("NLU ready (%s)", settings.nlu.backend)
        except TrainingFailed as exc:  # the child's own traceback, if any, is in the journal above
            state["status"] = "failed"
            log.error("%s; only crisis rules and buttons work until the next start", exc)
        except Exception:
            state["status"] = "failed"
            log.exception("the NLU model could not be loaded; only crisis rules and buttons work")

    task = asyncio.create_task(finish()) if loader is not None else None
    yield
    if task is not None:
        task.cancel()
    stop_training()  # a first training still running: its files are written whole or not at all
