"""Several bots of one channel in one process, one line each, seen by the outbox as one push channel.

A regional contact centre runs several lines side by side, each with its own
Telegram or Viber bot. The outbox has one pump per channel and knows where a
reply goes only by the conversation's stored address, and a bot can write
only to people who wrote to that bot. So the bot that receives a person's
first message puts its key in front of the address (``key~chat``), and a
reply leaves from exactly that bot, even when a deep link made the chat one
of another line.

The key is a short hash of the bot's token: stable across restarts and
reordering of the settings, and telling nothing about the token. An address
without a key was stored before the deployment had keys (one bot): it
belongs to the first bot, the one of the ``telegram:`` / ``viber:`` section.
An address whose bot is no longer configured cannot be delivered by any
other bot (a stranger's bot writing would be worse than silence): it is
given up, and the journal says why.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace

from aiohttp import web

from vikno.flows.messages import Inbound, Outbound, Turn

from .channel import Handle, PushChannel
from .kit import Undeliverable

log = logging.getLogger(__name__)

SEPARATOR = "~"
_KEY_CHARS = 10


def bot_key(token: str) -> str:
    """The key of a bot in the addresses it receives (``b`` and 10 hex digits of the token's hash)."""
    return "b" + hashlib.sha256(token.encode()).hexdigest()[:_KEY_CHARS]


def tagged(key: str, address: str) -> str:
    return f"{key}{SEPARATOR}{address}"


def untagged(address: str) -> tuple[str | None, str]:
    """``(bot key, platform address)``; no key for an address stored before keys."""
    key, sep, rest = address.partition(SEPARATOR)
    if sep and len(key) == _KEY_CHARS + 1 and key.startswith("b"):
        return key, rest
    return None, address


class BotSet(PushChannel):
    """The bots of one channel: their routes, start and stop together; a reply leaves from its own bot."""

    def __init__(self, name: str, bots: Sequence[tuple[str, PushChannel]]) -> None:
        if not bots:
            raise ValueError(f"{name}: a bot set needs at least one bot")
        self.name = name
        self.bots = dict(bots)
        if len(self.bots) != len(bots):
            raise ValueError(f"{name}: two bots with the same token")
        self.first = bots[0][1]
        # the pump paces one channel: as slow per chat as the slowest bot, as few a second as the fewest
        self.per_chat_interval = max(bot.per_chat_interval for _, bot in bots)
        self.per_second = min(bot.per_second for _, bot in bots)

    def routes(self) -> list[web.RouteDef]:
        return [route for bot in self.bots.values() for route in bot.routes()]

    async def start(self, handle: Handle) -> None:
        for key, bot in self.bots.items():
            await bot.start(self._tagging(key, handle))

    @staticmethod
    def _tagging(key: str, handle: Handle) -> Handle:
        async def tagged_handle(inbound: Inbound) -> Turn:
            return await handle(replace(inbound, address=tagged(key, inbound.address or inbound.user_id)))

        return tagged_handle

    async def stop(self) -> None:
        for bot in self.bots.values():
            await bot.stop()

    async def send(self, address: str, reply: Outbound) -> None:
        key, platform_address = untagged(address)
        bot = self.first if key is None else self.bots.get(key)
        if bot is None:
            raise Undeliverable(
                f"{self.name}: the bot this person wrote to is no longer configured; no other bot may write to them"
            )
        await bot.send(platform_address, reply)
