"""A message from the helpline to the person outside a dialogue step (queue news, an escalated safety question).

Stored first (as a pending outbox message on channels that push, as the
registry says), then handed to ``on_outgoing`` for delivery, exactly as the
turn's own replies are; one function so that every sweep that speaks to
people does it alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from vikno.storage.models import Conversation, Delivery, Direction, Message, Sender
from vikno.storage.port import Store

from .channels import ChannelRegistry

Outgoing = Callable[[Conversation, Message], Awaitable[None]]


async def tell(
    store: Store, conv: Conversation, text: str, *, channels: ChannelRegistry, on_outgoing: Outgoing
) -> Message:
    message = Message(
        conversation_id=conv.id,
        helpline=conv.helpline,
        channel=conv.channel,
        direction=Direction.OUT,
        sender=Sender.SYSTEM,
        text=text,
        delivery=Delivery.PENDING if channels.pushes(conv.channel) else None,
    )
    await store.messages.add_inbound(message)
    await on_outgoing(conv, message)
    return message
