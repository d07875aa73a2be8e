"""What every console handler needs, gathered once when the console is set up.

The console lives in ``handoff`` and must not reach into ``bots`` at import
time (DESIGN.md §2, dependency rule), so the composition root's objects are
copied into one :class:`Console` under the console's own app key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from vikno.flows.content import Helpline
from vikno.handoff.service import Handoff
from vikno.storage.port import Store

from .live import ConsoleHub
from .ratelimit import LoginLimiter, Throttle

#: ``publish(conversation_id, event)`` of the web chat, when one is mounted.
WebPublish = Callable[[str, dict[str, Any]], Awaitable[Any]]


@dataclass
class Console:
    store: Store
    handoff: Handoff
    hub: ConsoleHub
    #: bots.live.Delivery (duck-typed: only ``web_publish`` is used).
    delivery: Any = None
    #: Cookies get ``Secure`` when the public address is https.
    secure_cookies: bool = False
    #: Extra origins a console socket may come from (the public address).
    public_origin: str | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    typing: Throttle = field(default_factory=lambda: Throttle(2.0))
    #: Open console sockets, closed at shutdown so that pages reconnect to the next process at once.
    sockets: set[web.WebSocketResponse] = field(default_factory=set)

    @property
    def helplines(self) -> dict[str, Helpline]:
        return self.handoff.helplines

    @property
    def web_publish(self) -> WebPublish | None:
        return getattr(self.delivery, "web_publish", None)


CONSOLE = web.AppKey("vikno_console", Console)


def console_of(request: web.Request) -> Console:
    return request.app[CONSOLE]
