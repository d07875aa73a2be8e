"""Wire the mounted channels: an outbox pump for each push channel, and every channel into the registry.

A push channel's replies are stored pending in the turn's commit; its pump
leases, sends (through the channel's ``send``) and marks them. Each push
channel gets a ``handle`` that runs the engine and then wakes its pump. The
registry (flows/channels.py) learns every channel's abilities and how a
stored message reaches the person: for a push channel, by waking its pump.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from vikno.flows.channels import Abilities, Channel, ChannelRegistry
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Outbound, Turn
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation, Message
from vikno.storage.port import Store

from .channel import PushChannel
from .kit import as_shown
from .outbox import OutboxPump
from .registry import Mounted
from .who_writes import labelled, needs_label

log = logging.getLogger(__name__)


@dataclass
class RunningChannel:
    channel: PushChannel
    pump: OutboxPump


async def _as_seen(message: Message, engine: Engine, store: Store) -> Outbound:
    """An operator's words or a line about the chat carry who writes (bots/who_writes.py); the bot's do not."""
    reply = Outbound.of(message)
    if not needs_label(message):
        return reply
    conversation = await store.conversations.get(message.conversation_id)
    return labelled(
        message,
        reply,
        engine.helplines.get(message.helpline),
        conversation.language if conversation is not None else None,
    )


def wire(
    mounted: list[Mounted], registry: ChannelRegistry, engine: Engine, store: Store, vault: IdentityVault
) -> list[RunningChannel]:
    """Give each push channel its pump, and register every channel; returns the push channels to run."""
    running: list[RunningChannel] = []
    for item in mounted:
        deliver = item.deliver
        if item.push is not None:
            channel = item.push

            async def send(
                address: str, message: Message, channel: PushChannel = channel, abilities: Abilities = item.abilities
            ) -> None:
                # the one representation (Outbound), labelled with who writes, its buttons fitted to the channel
                reply = as_shown(await _as_seen(message, engine, store), abilities, channel.name)
                await channel.send(address, reply)

            pump = OutboxPump(
                store,
                vault,
                channel.name,
                send,
                per_chat_interval=channel.per_chat_interval,
                per_second=channel.per_second,
            )
            running.append(RunningChannel(channel, pump))

            async def wake(_: Conversation, __: Message, pump: OutboxPump = pump) -> None:
                pump.wake()

            deliver = wake
        registry.add(Channel(item.name, item.abilities, deliver=deliver, typing=item.typing))
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
            log.exception(
                "%s: could not start (webhook registration or polling); replies stay in the outbox until it works",
                item.channel.name,
            )


async def stop_channels(running: list[RunningChannel]) -> None:
    for item in running:
        await item.pump.stop()  # first, so nothing is mid-send when the client closes
        await item.channel.stop()
