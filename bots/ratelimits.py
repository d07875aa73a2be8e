"""How much one client address and one conversation may send (REST and web chat together).

A crisis message jumps the operators' queue, so anyone who can start many
conversations fast can push real people down it: 30 anonymous crisis
messages from one address would put 30 conversations on top. The limit that
matters most is therefore on *new* conversations per address (a small burst,
then a slow refill); messages per address and per conversation are bounded
too, so that one client cannot fill the store or drown the operators.

Token buckets in memory, per process, bounded in size (the least recently
seen keys are forgotten first): a restart or a second worker gives an
attacker a little more room, never a person less. Addresses come from
``bots.addresses`` (trusted proxies honoured, an IPv6 /64 counted as one).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .config import LimitSettings

MAX_TRACKED = 50_000


class Buckets:
    """One token bucket per key: ``capacity`` at once, then ``per_second`` refill."""

    def __init__(
        self,
        capacity: float,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.capacity, self.per_second, self.clock, self.max_tracked = capacity, per_second, clock, max_tracked
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def _level(self, key: Hashable, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.per_second)

    def wait(self, key: Hashable) -> float:
        """0.0 if one more is allowed now (nothing is taken); else seconds until it is."""
        tokens = self._level(key, self.clock())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.per_second

    def take(self, key: Hashable) -> None:
        now = self.clock()
        self._buckets[key] = (self._level(key, now) - 1.0, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_tracked:
            self._buckets.popitem(last=False)

    def give_back(self, key: Hashable) -> None:
        """Undo one ``take`` (never above capacity; a forgotten key is full anyway)."""
        if key in self._buckets:
            now = self.clock()
            self._buckets[key] = (min(self.capacity, self._level(key, now) + 1.0), now)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused, and when the client may try again."""

    error: str
    detail: str
    retry_after: float

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


class EdgeLimits:
    """The limits of the public edge, shared by the REST channel and the web chat."""

    def __init__(self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = settings.enabled
        per_address = settings.messages_per_address_per_minute
        per_conversation = settings.messages_per_conversation_per_minute
        self.address_messages = Buckets(per_address, per_address / 60, clock)
        self.conversation_messages = Buckets(per_conversation, per_conversation / 60, clock)
        self.address_new = Buckets(
            settings.new_conversations_per_address, settings.new_conversations_per_address_per_hour / 3600, clock
        )

    def message(self, address: str, conversation: str | None, *, new: bool) -> Refusal | None:
        """Count one message of ``address`` (to a new conversation when ``new``); None if allowed.

        Nothing is counted when the message is refused, so a client that
        honours Retry-After is let through when it comes back.
        """
        if not self.enabled:
            return None
        checks: list[tuple[Buckets, Hashable, str, str]] = [
            (self.address_messages, address, "rate_limited", "too many messages from this address")
        ]
        if new:
            checks.append(
                (self.address_new, address, "too_many_conversations", "too many new conversations from this address")
            )
        if conversation is not None:
            checks.append(
                (
                    self.conversation_messages,
                    _private(conversation),
                    "rate_limited",
                    "too many messages in this conversation",
                )
            )
        for buckets, key, error, what in checks:
            wait = buckets.wait(key)
            if wait:
                return Refusal(error, f"{what}; try again in {max(1, math.ceil(wait))} s", wait)
        for buckets, key, _, _ in checks:
            buckets.take(key)
        return None

    def started_nothing(self, address: str, conversation: str) -> None:
        """A message counted as new turned out to start nothing (the conversation exists, no token).

        Its new-conversation allowance and the conversation's allowance come
        back: a stranger knowing a key must neither use up an address's new
        conversations nor throttle the person in it. The address's message
        count stays spent, so guessing keys stays limited. The allowance is
        taken before the store decides and given back after (not checked
        after), so that concurrent requests cannot all pass one check.
        """
        if not self.enabled:
            return
        self.address_new.give_back(address)
        self.conversation_messages.give_back(_private(conversation))


def _private(conversation_key: str) -> bytes:
    """Conversation keys are secrets of their people: kept hashed even in memory."""
    return hashlib.blake2b(conversation_key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
