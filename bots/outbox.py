"""Pushes pending outgoing messages to a platform, in order, within its limits.

Replies for Telegram and Viber are written to the store (the outbox) in the
same commit as the turn that made them; this pump leases them, sends them
through the channel's ``send`` function and marks them sent. A crash between
sending and marking re-sends at most the one message in flight once the
lease runs out; nothing is ever dropped. Per conversation the order is kept
and a minimum interval respected (Telegram: about one message a second per
chat); overall a token bucket caps the rate (Telegram: about 30/s per bot).

Run one pump per channel per deployment (several would keep every message
but could interleave one person's messages); DESIGN.md §8.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from vikno.storage.errors import StoreUnavailable
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Message, utcnow
from vikno.storage.port import Store

log = logging.getLogger(__name__)


class SendError(Exception):
    """Base of what a channel's ``send`` raises on purpose."""


class RetryAfter(SendError):
    """The platform asked us to wait (HTTP 429 ``retry_after``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = max(0.0, float(seconds))


class Undeliverable(SendError):
    """The platform refuses this message for good (bot blocked, chat gone)."""


#: ``send(address, message)``: deliver one message to the platform or raise.
SendFunction = Callable[[str, Message], Awaitable[None]]


class RateLimiter:
    """Token bucket: at most ``rate`` sends a second, short bursts allowed."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        self.rate = rate
        self.capacity = float(burst or max(1, int(rate)))
        self.tokens = self.capacity
        self.updated = asyncio.get_running_loop().time() if _has_loop() else 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


def _has_loop() -> bool:
    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        return False


class OutboxPump:
    def __init__(
        self,
        store: Store,
        vault: IdentityVault,
        channel: str,
        send: SendFunction,
        *,
        per_chat_interval: float = 1.0,
        per_second: float = 30.0,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 100,
        max_attempts: int = 20,
        idle_poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.vault = vault
        self.channel = channel
        self.send = send
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second
        self.lease = lease
        self.batch = batch
        self.max_attempts = max_attempts
        self.idle_poll = idle_poll
        self.clock = clock
        self._wake = asyncio.Event()
        self._last_sent: dict[str, float] = {}
        self._limiter: RateLimiter | None = None
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was just committed: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"outbox-{self.channel}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def run(self) -> None:
        while True:
            try:
                sent = await self.drain_once()
            except StoreUnavailable as exc:
                log.warning("%s outbox: store unavailable (%s); retrying", self.channel, exc)
                sent = 0
            except Exception:
                log.exception("%s outbox: unexpected error; retrying", self.channel)
                sent = 0
            if sent:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.idle_poll)
            except TimeoutError:
                pass

    async def drain_once(self) -> int:
        """Lease one batch and deliver it; returns how many messages went out."""
        if self._limiter is None:
            self._limiter = RateLimiter(self.per_second)
        leased = await self.store.messages.lease_pending(self.channel, self.clock(), self.lease, self.batch)
        if not leased:
            return 0
        by_conversation: dict[str, list[Message]] = {}
        for message in leased:
            by_conversation.setdefault(message.conversation_id, []).append(message)
        results = await asyncio.gather(*(self._deliver_conversation(cid, msgs)
                                         for cid, msgs in by_conversation.items()))
        return sum(results)

    async def _deliver_conversation(self, conversation_id: str, messages: list[Message]) -> int:
        conversation = await self.store.conversations.get(conversation_id)
        if conversation is None or not conversation.address:
            for m in messages:
                log.error("%s outbox: message %s has no conversation address; giving up", self.channel, m.id)
                await self.store.messages.mark_failed(m.id)
            return 0
        address = self.vault.decrypt(conversation.address)
        sent = 0
        loop = asyncio.get_running_loop()
        for index, message in enumerate(messages):
            wait = self._last_sent.get(conversation_id, 0.0) + self.per_chat_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            assert self._limiter is not None
            await self._limiter.acquire()
            try:
                await self.send(address, message)
            except RetryAfter as exc:
                log.info("%s outbox: platform asks to wait %.1f s", self.channel, exc.seconds)
                await self._postpone(messages[index:], self.clock() + timedelta(seconds=exc.seconds))
                return sent
            except Undeliverable as exc:
                log.warning("%s outbox: message %s cannot be delivered: %s", self.channel, message.id, exc)
                await self.store.messages.mark_failed(message.id)
                continue
            except Exception as exc:  # network trouble or a 5xx: try again later
                if message.attempts >= self.max_attempts:
                    log.error("%s outbox: giving up on %s after %d attempts: %s", self.channel, message.id,
                              message.attempts, exc)
                    await self.store.messages.mark_failed(message.id)
                    continue
                delay = min(300.0, 2.0 ** message.attempts) * (0.5 + random.random() / 2)
                log.warning("%s outbox: send failed (%s); retry in %.1f s", self.channel, exc, delay)
                await self._postpone(messages[index:], self.clock() + timedelta(seconds=delay))
                return sent
            self._last_sent[conversation_id] = loop.time()
            await self.store.messages.mark_sent(message.id)
            sent += 1
        return sent

    async def _postpone(self, messages: list[Message], when: datetime) -> None:
        """This message and the rest of its conversation's batch wait, in order."""
        for message in messages:
            await self.store.messages.retry_at(message.id, when)
