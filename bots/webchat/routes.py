"""The web chat channel: its pages and its websocket, ready to mount.

Unlike Telegram and Viber, the web chat is not a push channel: replies go
back on the socket that asked, and the store's history is how a client that
was away catches up. ``install`` mounts the routes, exposes the hub (the
operator console publishes through it) and closes sockets at shutdown so
that clients reconnect to the next process at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, web

from vikno.flows.channels import Abilities
from vikno.flows.content import SUPPORTED_LANGUAGES, Helpline
from vikno.flows.engine import Engine
from vikno.storage.models import Conversation, Message

from ..config import WebchatSettings
from ..addresses import direct_address
from ..keys import CLIENT_ADDRESS, EDGE_LIMITS, ENGINE
from ..registry import Mount, Mounted
from .hub import WebchatHub
from .origins import OriginPolicy
from .pages import COMMON_HEADERS, Asset, page_csp, templates
from .protocol import message_json
from .session import CHANNEL, Session

log = logging.getLogger(__name__)

WEBCHAT_HUB = web.AppKey("webchat_hub", WebchatHub)
DEFAULT_EXIT_URL = "https://www.google.com/"
HEARTBEAT_SECONDS = 30.0
#: What this channel can do (flows/channels.py): replies go back on the socket that asked, an
#: operator's words and "the operator is typing" reach an open chat at once.
ABILITIES = Abilities(pushes=False, typing=True)
#: Page titles stay neutral: they end up in the browser's history.
PAGE_TITLES = {"uk": "Чат", "ru": "Чат", "az": "Çat", "en": "Chat"}


def emergency_settings(helplines: dict[str, Helpline], default_helpline: str | None) -> dict[str, Any]:
    """Each helpline's emergency numbers with their labels in every language, for widget.js.

    The widget shows them when it cannot connect at all (a site vikno
    refuses, vikno down): the one moment it cannot ask the server for them.
    """
    if not helplines:
        return {}
    default = default_helpline if default_helpline in helplines else next(iter(helplines))
    return {
        "helpline": default,
        "language": helplines[default].settings.default_language,
        "emergency": {
            line.id: [
                {"number": c.number, "label": {lang: line.local(c.label, lang) for lang in SUPPORTED_LANGUAGES}}
                for c in line.settings.emergency
            ]
            for line in helplines.values()
        },
    }


class RefusalLog:
    """A refused origin is logged by name: once a minute per origin, ten lines a minute in all.

    The technical person who forgot to allow the helpline's site needs to read
    which site was refused; a page that opens sockets in a loop (under ever new
    made-up origins) must not fill the journal: beyond the ten, one line says
    how many more were refused. The origin is the browser's word, cut short
    and quoted.
    """

    EVERY_SECONDS = 60.0
    LINES_PER_MINUTE = 10

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.logged: dict[str, float] = {}  # origin -> when, within the current minute
        self.minute_began = float("-inf")
        self.unlogged = 0

    def log(self, origin: str) -> None:
        origin = origin[:200]
        now = self.clock()
        if now - self.minute_began >= self.EVERY_SECONDS:
            if self.unlogged:
                log.warning(
                    "web chat refused %d more socket(s) of sites not allowed in the last minute "
                    "(not logged one by one)",
                    self.unlogged,
                )
            self.minute_began, self.logged, self.unlogged = now, {}, 0
        if origin in self.logged:
            return
        if len(self.logged) >= self.LINES_PER_MINUTE:
            self.unlogged += 1
            return
        self.logged[origin] = now
        log.warning(
            "web chat refused to open for the site %r: it is not in webchat.allowed_origins "
            "(VIKNO_WEBCHAT_ORIGINS) and not public_url; add it if the helpline embeds the chat there",
            origin,
        )


class WebchatChannel:
    def __init__(
        self,
        settings: WebchatSettings,
        public_url: str | None,
        *,
        exit_url: str | None = None,
        hub: WebchatHub | None = None,
        helplines: dict[str, Helpline] | None = None,
        default_helpline: str | None = None,
    ) -> None:
        # a neutral site for quick exit: the argument, else webchat.exit_url once settings have it
        exit_url = exit_url or getattr(settings, "exit_url", None) or DEFAULT_EXIT_URL
        if urlsplit(exit_url).scheme not in ("http", "https"):
            raise ValueError("exit_url must be an http(s) address (the neutral site quick exit goes to)")
        self.settings = settings
        self.public_url = public_url
        self.exit_url = exit_url
        self.hub = hub or WebchatHub()
        self.origins = OriginPolicy(settings.allowed_origins, public_url)
        self.refusals = RefusalLog()
        self.default_helpline = default_helpline
        self.content_changed(helplines or {})
        self.style = Asset.load("widget.css", "text/css; charset=utf-8")
        self.jinja = templates()
        # Room for max_message_chars of any script in JSON (\uXXXX escapes at worst).
        self.max_frame = settings.max_message_chars * 6 + 4096

    def content_changed(self, helplines: dict[str, Helpline]) -> None:
        """Write the helplines' emergency numbers into the widget script (again, after a content reload)."""
        self.script = Asset.load(
            "widget.js",
            "text/javascript; charset=utf-8",
            {
                "exitUrl": self.exit_url,
                "maxChars": self.settings.max_message_chars,
                **emergency_settings(helplines, self.default_helpline),
            },
        )

    def routes(self) -> list[web.RouteDef]:
        if not self.settings.enabled:
            return []
        return [
            web.get("/chat", self.page),
            web.get("/chat/widget.js", self.widget_js),
            web.get("/chat/widget.css", self.widget_css),
            web.get("/chat/ws", self.socket),
            web.get("/chat/origin", self.origin_check),
            # one line's own page in a deployment of several (issue 27): /chat/kharkiv-1552
            web.get("/chat/{helpline}", self.page),
        ]

    def install(self, app: web.Application) -> None:
        app.add_routes(self.routes())
        app[WEBCHAT_HUB] = self.hub
        app.on_shutdown.append(self._shutdown)

    async def _shutdown(self, _: web.Application) -> None:
        await self.hub.close_all(WSCloseCode.GOING_AWAY, b"server restarting")

    async def widget_js(self, request: web.Request) -> web.Response:
        return self.script.response(request)

    async def widget_css(self, request: web.Request) -> web.Response:
        return self.style.response(request)

    async def page(self, request: web.Request) -> web.Response:
        engine: Engine = request.app[ENGINE]
        helpline = (
            request.match_info.get("helpline")
            or request.query.get("helpline")
            or self.settings.helpline
            or engine.default_helpline
        )
        if helpline not in engine.helplines:
            return web.Response(status=404, text="no such helpline", headers=COMMON_HEADERS)
        line = engine.helplines[helpline]
        # ?lang= is a choice (a link the helpline published for one language); without it the page only
        # speaks the default language until the person writes, and the person's own words decide.
        chosen = request.query.get("lang", "")
        if chosen not in SUPPORTED_LANGUAGES or chosen not in line.languages:
            chosen = ""
        lang = chosen or line.settings.default_language
        # ?start= opens the chat on a topic (a link a family-care service gives a child): only a start word the
        # line's topics know reaches the page, so the attribute never carries anything else
        start = request.query.get("start", "").lower()
        start = start if line.topic_started(start) is not None else ""
        html = self.jinja.get_template("chat.html").render(
            lang=lang,
            chosen=chosen,
            start=start,
            title=PAGE_TITLES.get(lang, "Chat"),
            helpline=helpline,
            script_version=self.script.version,
            style_version=self.style.version,
        )
        headers = {
            **COMMON_HEADERS,
            "Cache-Control": "no-store",
            "Content-Security-Policy": page_csp(request.host, self.origins.frame_ancestors()),
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)

    async def origin_check(self, request: web.Request) -> web.Response:
        """Whether the asking page's site may open the chat.

        A browser tells a page nothing about why a websocket handshake failed,
        so without this the widget on a site nobody allowed said "No
        connection. Retrying…" for ever. What it answers is no secret: the
        chat page's frame-ancestors lists the same sites.
        """
        allowed = self.origins.permits(request.headers.get("Origin"), request.host)
        return web.json_response(
            {"allowed": allowed},
            headers={**COMMON_HEADERS, "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"},
        )

    async def socket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not self.origins.permits(origin, request.host):
            self.refusals.log(origin or "")
            raise web.HTTPForbidden(
                text="this site may not open the chat; add it to webchat.allowed_origins (VIKNO_WEBCHAT_ORIGINS)",
                headers=COMMON_HEADERS,
            )
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=self.max_frame, compress=False)
        await ws.prepare(request)
        address = request.app[CLIENT_ADDRESS](request) if CLIENT_ADDRESS in request.app else direct_address(request)
        await Session(
            ws, request.app[ENGINE], self.hub, self.settings, address=address, limits=request.app.get(EDGE_LIMITS)
        ).run()
        return ws


# --- the channel's entry in the registry (bots/registry.py) ----------------------------------------


def mount(mount: Mount) -> Mounted:
    settings, engine = mount.settings, mount.engine
    webchat = WebchatChannel(
        settings.webchat, settings.public_url, helplines=engine.helplines, default_helpline=engine.default_helpline
    )
    webchat.install(mount.app)  # routes, the socket hub, closing sockets on shutdown
    mount.content_listeners.append(webchat.content_changed)  # the widget script carries the emergency numbers
    hub = webchat.hub

    async def deliver(conversation: Conversation, message: Message) -> None:
        """An operator's words or a line about the chat, on the person's open socket (the history keeps it)."""
        kind = "operator_message" if message.sender == "operator" else "system_message"
        await hub.publish(conversation.id, {"type": kind, "message": message_json(message)})
        # what was said usually comes with a change the chat shows (an operator joined: no more
        # "In queue: 1"; the place moved; closed), and nothing else tells the socket of it
        view = await engine.view(conversation)
        await hub.publish(conversation.id, {"type": "conversation", "conversation": view.as_json()})

    async def typing(conversation_id: str, on: bool) -> None:
        await hub.publish(conversation_id, {"type": "typing", "who": "operator", "on": on})

    return Mounted(CHANNEL, ABILITIES, deliver=deliver, typing=typing)
