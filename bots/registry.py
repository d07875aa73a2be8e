"""The channels vikno knows, one entry each, and mounting the ones the settings switch on.

A channel lives in its own module (``bots/telegram.py``, ``viber.py``,
``rest.py``, ``webchat/``): how it receives, how it sends, and what it can do
(its ``ABILITIES``, flows/channels.py). The module offers one function,
``mount(Mount) -> Mounted``: it builds the channel from the settings, adds its
routes, and says how a stored message reaches the person (a push channel's
``send``, which the outbox pump calls, or ``deliver`` on a live socket) and
whether it can show typing. Everything outside the channel asks the registry
(``flows.channels.ChannelRegistry``), never a channel's name.

Adding a channel: its module, one entry in :data:`CHANNELS`, and one test table
in the shared shape (tests/bots/channel_tables.py). ARCHITECTURE.md, "Adding a
channel".
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, cast

from aiohttp import web

from vikno.flows.channels import Abilities, Deliver, Typing
from vikno.flows.content import Helpline
from vikno.flows.engine import Engine

from .channel import PushChannel
from .config import Settings


@dataclass(frozen=True)
class Entry:
    """One channel vikno knows: its module (imported only when switched on) and what switches it on."""

    name: str
    module: str
    enabled: Callable[[Settings], bool]


#: Every channel, in the order they are mounted.
CHANNELS: tuple[Entry, ...] = (
    Entry("rest", "vikno.bots.rest", lambda settings: True),
    Entry("telegram", "vikno.bots.telegram", lambda settings: bool(settings.telegram_all())),
    Entry("viber", "vikno.bots.viber", lambda settings: bool(settings.viber_all())),
    Entry("webchat", "vikno.bots.webchat", lambda settings: settings.webchat.enabled),
)


@dataclass
class Mount:
    """What a channel is given to build itself."""

    app: web.Application
    settings: Settings
    secret: bytes
    engine: Engine
    #: Called with the helplines after a content reload (the web chat's widget carries emergency numbers).
    content_listeners: list[Callable[[dict[str, Helpline]], None]] = field(default_factory=list)

    def derived_token(self, label: str) -> str:
        """A stable per-deployment token (e.g. Telegram's webhook secret)."""
        return derived_token(self.secret, label)


@dataclass(frozen=True)
class Mounted:
    """A channel, built and routed, as the composition root wires it."""

    name: str
    abilities: Abilities
    #: A push channel: the outbox pump sends its stored replies through ``push.send``.
    push: PushChannel | None = None
    #: A live channel: gets a stored message to the person at once (the web chat's socket).
    deliver: Deliver | None = None
    typing: Typing | None = None


class ChannelModule(Protocol):
    ABILITIES: Abilities

    def mount(self, mount: Mount) -> Mounted: ...


def derived_token(secret: bytes, label: str) -> str:
    return hashlib.sha256(secret + b"\x00" + label.encode()).hexdigest()[:48]


def module_of(entry: Entry) -> ChannelModule:
    return cast(ChannelModule, importlib.import_module(entry.module))


def mount_channels(mount: Mount, entries: tuple[Entry, ...] = CHANNELS) -> list[Mounted]:
    """Build and route every channel the settings switch on."""
    mounted: list[Mounted] = []
    for entry in entries:
        if entry.enabled(mount.settings):
            channel = module_of(entry).mount(mount)
            if channel.name != entry.name:
                raise ValueError(f"the module {entry.module} mounted {channel.name!r}, not {entry.name!r}")
            mounted.append(channel)
    return mounted
