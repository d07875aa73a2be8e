"""What a channel adapter is, seen from the composition root.

An adapter turns platform payloads into :class:`~vikno.flows.messages.Inbound`
and :class:`~vikno.flows.messages.Outbound` replies into platform calls. It
knows nothing about storage or the dialogue: it is given ``handle`` (run the
engine on one inbound message; returns only after the message and its
replies are committed, raises ``StoreUnavailable`` when the store is down)
and implements ``send`` for the outbox pump that delivers replies.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable


from aiohttp import web

from vikno.flows.messages import Inbound, Outbound, Turn

Handle = Callable[[Inbound], Awaitable[Turn]]


class PushChannel(ABC):
    """A platform that receives webhooks (or is polled) and is pushed replies."""

    name: str
    #: Seconds between two messages to one chat, and messages a second overall.
    per_chat_interval: float = 1.0
    per_second: float = 30.0

    @abstractmethod
    def routes(self) -> list[web.RouteDef]:
        """Webhook routes (empty in polling mode)."""

    @abstractmethod
    async def start(self, handle: Handle) -> None:
        """Register the webhook with the platform, or start polling."""

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def send(self, address: str, reply: Outbound) -> None:
        """Deliver one reply to ``address`` (the platform's chat/user id).

        Raise ``bots.outbox.RetryAfter`` when the platform asks to wait,
        ``bots.outbox.Undeliverable`` when it refuses for good; any other
        exception is retried later with back-off.
        """
