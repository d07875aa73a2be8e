"""The channel registry: what each channel can do, asked by everyone who is not a channel.

The engine (are replies pushed from the outbox or handed back?), the handoff
service and the sweeps that speak to people (the same question, and "get this
stored message to the person now"), the console ("can this chat show that the
operator is typing?") ask the registry; none of them names a channel. Each
channel declares its :class:`Abilities` in its own module and the composition
root (``bots/registry.py``) fills the registry with the channels it mounted.
A channel nobody mounted (a Telegram conversation on a server whose Telegram
is switched off) can do nothing: its replies are kept, never queued.

It lives in ``flows`` because the engine is its first reader and ``handoff``
may import ``flows`` (ARCHITECTURE.md, the dependency rule); it knows no
channel, only the shape of one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from vikno.storage.models import Conversation, Direction, Message

log = logging.getLogger(__name__)


class TextMeasure(StrEnum):
    """How a platform counts the length of a text."""

    CHARACTERS = "characters"
    #: UTF-16 code units: an emoji is usually two (Telegram, Viber).
    UTF16 = "utf16"


@dataclass(frozen=True, slots=True)
class Abilities:
    """What a channel can do. Declared by the channel, in its own module."""

    #: Replies wait in the outbox and a pump pushes them to the platform (Telegram, Viber);
    #: otherwise they are handed back on the request or socket that asked (REST, web chat).
    pushes: bool = False
    #: Buttons a message can carry: None for no limit, 0 for none at all (they become text).
    max_buttons: int | None = None
    #: The longest text of one message (a longer one is split), and how it is counted.
    max_text: int | None = None
    measure: TextMeasure = TextMeasure.CHARACTERS
    #: Can show "the operator is typing".
    typing: bool = False
    #: Can take back a message it delivered.
    deletes: bool = False


NOTHING = Abilities()

#: ``deliver(conversation, message)``: a stored message for the person, to get to them now.
Deliver = Callable[[Conversation, Message], Awaitable[None]]
#: ``typing(conversation id, on)``: show or hide "the operator is typing".
Typing = Callable[[str, bool], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Channel:
    """One mounted channel as the rest of vikno sees it."""

    name: str
    abilities: Abilities
    #: Gets a stored message on its way: wakes the outbox pump, or sends it on an open socket.
    deliver: Deliver | None = None
    #: Shows "the operator is typing" (only with ``abilities.typing``).
    typing: Typing | None = None


class ChannelRegistry:
    """The mounted channels by name; every question about a channel goes here."""

    def __init__(self, channels: Iterable[Channel] = ()) -> None:
        self._channels: dict[str, Channel] = {}
        for channel in channels:
            self.add(channel)

    def add(self, channel: Channel) -> None:
        if channel.name in self._channels:
            raise ValueError(f"the channel {channel.name!r} is registered twice")
        self._channels[channel.name] = channel

    def __contains__(self, name: object) -> bool:
        return name in self._channels

    def names(self) -> list[str]:
        return list(self._channels)

    def get(self, name: str) -> Channel | None:
        return self._channels.get(name)

    def abilities(self, name: str) -> Abilities:
        channel = self._channels.get(name)
        return channel.abilities if channel is not None else NOTHING

    def pushes(self, name: str) -> bool:
        """Whether a reply on this channel is stored pending, for the outbox pump to send."""
        return self.abilities(name).pushes

    async def deliver(self, conversation: Conversation, message: Message) -> None:
        """A message for the person was stored: get it to them (the channel decides how)."""
        if message.direction == Direction.INTERNAL:  # an operators' note is staff-only: never sent
            log.error("refused to deliver an internal note to conversation %s", conversation.id)
            return
        channel = self._channels.get(conversation.channel)
        if channel is not None and channel.deliver is not None:
            await channel.deliver(conversation, message)

    def shows_typing(self) -> bool:
        """Whether any mounted channel can show "the operator is typing"."""
        return any(c.abilities.typing and c.typing is not None for c in self._channels.values())

    async def typing(self, conversation: Conversation, *, on: bool) -> None:
        """Show the person that the operator is typing, where the channel can; never fails the caller."""
        channel = self._channels.get(conversation.channel)
        if channel is None or channel.typing is None or not channel.abilities.typing:
            return
        try:
            await channel.typing(conversation.id, on)
        except Exception:  # a typing hint is never worth failing a reply
            log.exception("typing indicator not delivered")
