"""Build the push channels the settings switch on, and run them.

Each enabled channel gets its webhook routes, an outbox pump that delivers
its replies, and a ``handle`` that runs the engine and then wakes the pump.
A channel's module is imported only when it is configured.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from aiohttp import web

from vikno.flows.engine import Engine
from vikno.flows.messages import Button, Inbound, Outbound, Turn
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Message
from vikno.storage.port import Store

from .channel import PushChannel
from .config import Settings
from .outbox import OutboxPump
from .who_writes import labelled, needs_label

log = logging.getLogger(__name__)


@dataclass
class RunningChannel:
    channel: PushChannel
    pump: OutboxPump


def build_channels(settings: Settings, secret: bytes) -> list[PushChannel]:
    channels: list[PushChannel] = []
    if settings.telegram.token:
        from .telegram import TelegramChannel

        channels.append(TelegramChannel(settings.telegram, public_url=settings.public_url,
                                        default_secret=derived_token(secret, "telegram-webhook")))
    if settings.viber.token:
        from .viber import ViberChannel

        channels.append(ViberChannel(settings.viber, public_url=settings.public_url))
    return channels


def derived_token(secret: bytes, label: str) -> str:
    """A stable per-deployment token (e.g. Telegram's webhook secret)."""
    return hashlib.sha256(secret + b"\x00" + label.encode()).hexdigest()[:48]


def outbound_of(message: Message) -> Outbound:
    return Outbound(text=message.text or "",
                    buttons=tuple(Button(b.get("title", ""), b.get("payload", "")) for b in message.buttons))


async def _as_seen(message: Message, engine: Engine, store: Store) -> Outbound:
    """An operator's words or a line about the chat carry who writes (bots/who_writes.py); the bot's do not."""
    reply = outbound_of(message)
    if not needs_label(message):
        return reply
    conversation = await store.conversations.get(message.conversation_id)
    return labelled(message, reply, engine.helplines.get(message.helpline),
                    conversation.language if conversation is not None else None)


def wire(app: web.Application, channels: list[PushChannel], engine: Engine, store: Store,
         vault: IdentityVault) -> list[RunningChannel]:
    running: list[RunningChannel] = []
    for channel in channels:
        async def send(address: str, message: Message, channel: PushChannel = channel) -> None:
            await channel.send(address, await _as_seen(message, engine, store))

        pump = OutboxPump(store, vault, channel.name, send, per_chat_interval=channel.per_chat_interval,
                          per_second=channel.per_second)
        app.add_routes(channel.routes())
        running.append(RunningChannel(channel, pump))
    engine.push_channels = frozenset(r.channel.name for r in running) | engine.push_channels
    return running


async def start_channels(running: list[RunningChannel], engine: Engine) -> None:
    for item in running:
        async def handle(inbound: Inbound, pump: OutboxPump = item.pump) -> Turn:
            turn = await engine.handle(inbound)
            pump.wake()
            return turn

        item.pump.start()
        try:
            await item.channel.start(handle)
        except Exception:
            log.exception("%s: could not start (webhook registration or polling); "
                          "replies stay in the outbox until it works", item.channel.name)


async def stop_channels(running: list[RunningChannel]) -> None:
    for item in running:
        await item.pump.stop()  # first, so nothing is mid-send when the client closes
        await item.channel.stop()
