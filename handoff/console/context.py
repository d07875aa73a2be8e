"""What every console handler needs, gathered once when the console is set up.

The console lives in ``handoff`` and must not reach into ``bots`` at import
time (ARCHITECTURE.md, the dependency rule), so the composition root's objects are
copied into one :class:`Console` under the console's own app key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from vikno.flows.channels import ChannelRegistry
from vikno.flows.content import Helpline
from vikno.handoff.accounts import IDLE_TIMEOUT, LoginKeys
from vikno.handoff.service import Handoff
from vikno.storage.port import Store

from .live import ConsoleHub
from .ratelimit import LoginLimiter, LoginSlots, Throttle

#: How long operators' marks are kept unless the helpline says otherwise (VIKNO_FEEDBACK_RETENTION_DAYS).
FEEDBACK_RETENTION = timedelta(days=365)


@dataclass
class Console:
    store: Store
    handoff: Handoff
    hub: ConsoleHub
    #: Cookies get ``Secure`` when the public address is https.
    secure_cookies: bool = False
    #: Extra origins a console socket may come from (the public address).
    public_origin: str | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    slots: LoginSlots = field(default_factory=LoginSlots)
    #: Pseudonyms of logins and (address, login) pairs (from the deployment's secret).
    login_keys: LoginKeys = field(default_factory=LoginKeys)
    #: A session nobody used (no request, no open console page) for this long ends.
    idle_timeout: timedelta = IDLE_TIMEOUT
    #: How often an open console socket re-checks its session (logout elsewhere, disabled account).
    session_check_every: timedelta = timedelta(seconds=15)
    typing: Throttle = field(default_factory=lambda: Throttle(2.0))
    #: Open console sockets and the session (id) each belongs to: closed at logout, and at
    #: shutdown so that pages reconnect to the next process at once.
    sockets: dict[web.WebSocketResponse, str] = field(default_factory=dict)
    #: The client as limits count it (trusted proxies honoured, an IPv6 /64 as one client); given
    #: by the composition root, since handoff may not import bots. None: the peer address.
    client_address: Callable[[web.Request], str] | None = None
    #: Operators' marks (labelled examples holding the person's words) older than this are deleted.
    feedback_retention: timedelta = FEEDBACK_RETENTION

    @property
    def helplines(self) -> dict[str, Helpline]:
        return self.handoff.helplines

    @property
    def channels(self) -> ChannelRegistry:
        """What each chat's channel can do (flows/channels.py): the console never names a channel."""
        return self.handoff.channels


CONSOLE = web.AppKey("vikno_console", Console)


def console_of(request: web.Request) -> Console:
    return request.app[CONSOLE]
