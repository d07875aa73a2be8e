"""Pushes pending outgoing messages to a platform, in order, within its limits.

Replies for Telegram and Viber are written to the store (the outbox) in the
same commit as the turn that made them; this pump leases them, sends them
through the channel's ``send`` function and marks them sent. Nothing is
ever dropped, and a restart neither holds replies back nor repeats one
(see :class:`OutboxPump`); only a ``kill -9`` may re-send the messages that
were at the platform at that moment. Per conversation the order is kept
and a minimum interval respected (Telegram: about one message a second per
chat); overall a token bucket caps the rate (Telegram: about 30/s per bot).

Run one pump per channel per deployment (several would keep every message
but could interleave one person's messages); ARCHITECTURE.md, "One process, and what several would need".
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from vikno.storage.errors import StoreUnavailable
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Message, utcnow
from vikno.storage.port import Store

from .kit import RetryAfter, SendError, Undeliverable, jittered

__all__ = ["OutboxPump", "RateLimiter", "RetryAfter", "SendError", "SendFunction", "Undeliverable"]

log = logging.getLogger(__name__)

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


#: The pace assumed for leasing when a channel sets none per chat.
_FLOOR_INTERVAL = 0.2


class OutboxPump:
    """One channel's sender: leases a little, sends it at the platform's pace, marks it.

    Restarts hold nothing back and repeat nothing finished:

    * it leases only what it can send within ``horizon`` (``per_second`` ×
      ``horizon`` messages at most, and of each conversation only what its
      per-chat pace lets out in that time), so little is ever held;
    * its leases are short and renewed while it sends, so a dead sender's
      run out soon (MongoDB); on start it takes over the leases of senders
      the store knows are gone (the embedded store knows at once);
    * :meth:`stop` stops leasing, lets the sends in flight finish and marks
      them (waiting at most ``stop_timeout``), sends nothing more, and gives
      the rest back, due at once for the next process.

    Only a ``kill -9`` (or a send still unanswered at ``stop_timeout``) can
    make a message arrive twice: the ones that were at the platform right
    then, whose answer never came back (Telegram has no idempotency key).
    """

    def __init__(
        self,
        store: Store,
        vault: IdentityVault,
        channel: str,
        send: SendFunction,
        *,
        per_chat_interval: float = 1.0,
        per_second: float = 30.0,
        lease: timedelta = timedelta(seconds=5),
        horizon: timedelta = timedelta(seconds=2),
        max_attempts: int = 20,
        idle_poll: float = 1.0,
        stop_timeout: float = 10.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.vault = vault
        self.channel = channel
        self.send = send
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second
        self.lease = lease
        self.horizon = horizon
        self.max_attempts = max_attempts
        self.idle_poll = idle_poll
        self.stop_timeout = stop_timeout
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._taken_over = False
        self._last_sent: dict[str, float] = {}
        self._limiter: RateLimiter | None = None
        self._task: asyncio.Task[None] | None = None
        self._marking: set[asyncio.Task[None]] = set()
        #: Sends failed since the last one that worked (network trouble, 5xx): logged when it ends.
        self._failed_sends = 0

    @property
    def per_conversation(self) -> int:
        """How many messages of one conversation its pace lets out within the horizon.

        Unpaced chats (``per_chat_interval`` 0) count as 5 a second, so that a
        long queue of one person does not take the whole batch.
        """
        budget = max(1, int(self.per_second * self.horizon.total_seconds()))
        interval = max(self.per_chat_interval, _FLOOR_INTERVAL)
        return max(1, min(budget, int(self.horizon.total_seconds() / interval)))

    @property
    def batch(self) -> int:
        """Conversations per lease: together no more than the rate lets out within the horizon."""
        budget = max(1, int(self.per_second * self.horizon.total_seconds()))
        return max(1, budget // self.per_conversation)

    def wake(self) -> None:
        """Something was just committed: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name=f"outbox-{self.channel}")

    async def stop(self) -> None:
        """Finish the sends in flight, send nothing more, give back every lease.

        Never cancels between a send and its mark: a send that finishes is
        marked sent, one not begun is given back. Only a send still
        unanswered after ``stop_timeout`` is cancelled; the platform may have
        it, so it may arrive again after the restart (logged).
        """
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        done, _ = await asyncio.wait({task}, timeout=self.stop_timeout)
        if not done:
            log.warning(
                "%s outbox: a send did not finish within %.0f s of the stop; it is given back and "
                "may reach the person twice",
                self.channel,
                self.stop_timeout,
            )
            task.cancel()
            await asyncio.wait({task})
        elif not task.cancelled() and task.exception() is not None:
            log.error("%s outbox: the pump had stopped with an error", self.channel, exc_info=task.exception())
        if self._marking:  # marks of sends that finished while the task was cancelled
            await asyncio.wait(set(self._marking))
        try:
            given_back = await self.store.messages.release_leases(self.channel)
        except Exception as exc:
            log.warning(
                "%s outbox: leases not given back on stop (%s); they run out or are taken over", self.channel, exc
            )
        else:
            if given_back:
                log.info("%s outbox: %d unsent message(s) given back for the next start", self.channel, given_back)

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await self.drain_once()
            except StoreUnavailable as exc:
                log.warning("%s outbox: store unavailable (%s); retrying", self.channel, exc)
                sent = 0
            except Exception:
                log.exception("%s outbox: unexpected error; retrying", self.channel)
                sent = 0
            if sent or self._stopping.is_set():
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.idle_poll)
            except TimeoutError:
                pass

    async def drain_once(self) -> int:
        """Lease one small batch and deliver it; returns how many messages went out."""
        if self._limiter is None:
            self._limiter = RateLimiter(self.per_second)
        if not self._taken_over:
            taken = await self.store.messages.take_over_leases(self.channel)
            if taken:
                log.warning(
                    "%s outbox: took over %d message(s) leased by a process that is gone; the ones it "
                    "was sending may reach the person twice",
                    self.channel,
                    taken,
                )
            self._taken_over = True
        if self._stopping.is_set():
            return 0
        leased = await self.store.messages.lease_pending(
            self.channel, self.clock(), self.lease, self.batch, per_conversation=self.per_conversation
        )
        if not leased:
            return 0
        by_conversation: dict[str, list[Message]] = {}
        for message in leased:
            by_conversation.setdefault(message.conversation_id, []).append(message)
        renewing = asyncio.create_task(self._renew_while_sending())
        try:
            results = await asyncio.gather(
                *(self._deliver_conversation(cid, msgs) for cid, msgs in by_conversation.items())
            )
        finally:
            renewing.cancel()
        return sum(results)

    async def _renew_while_sending(self) -> None:
        """Keep this batch's leases from running out while it is being sent.

        The first renewal is at once: a lease runs from the moment leasing began, and leasing a batch on a
        slow store (a round trip or more a conversation) took longer than the 5 s lease under load, so its
        first messages' leases had run out before their sends began (test_outbox's horizon test, mongo).
        """
        every = self.lease.total_seconds() / 3
        while True:
            try:
                await self.store.messages.renew_leases(self.channel, self.clock() + self.lease)
            except Exception as exc:
                log.warning("%s outbox: leases not renewed (%s)", self.channel, exc)
            await asyncio.sleep(every)

    async def _pause(self, seconds: float) -> None:
        """Wait, but not past a stop."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    async def _mark_sent(self, message_id: str) -> None:
        """Mark it even if the pump is cancelled meanwhile: a finished send must never be repeated."""
        marking = asyncio.ensure_future(self.store.messages.mark_sent(message_id))
        self._marking.add(marking)
        marking.add_done_callback(self._marking.discard)
        await asyncio.shield(marking)

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
                await self._pause(wait)
            if self._stopping.is_set():
                return sent  # not begun: given back on stop, sent by the next process
            assert self._limiter is not None
            await self._limiter.acquire()
            if self._stopping.is_set():
                return sent
            try:
                await self.send(address, unsealed(message, self.vault))
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
                    log.error(
                        "%s outbox: giving up on %s after %d attempts: %s",
                        self.channel,
                        message.id,
                        message.attempts,
                        exc,
                    )
                    await self.store.messages.mark_failed(message.id)
                    continue
                delay = jittered(min(300.0, 2.0**message.attempts))
                log.warning("%s outbox: send failed (%s); retry in %.1f s", self.channel, exc, delay)
                self._failed_sends += 1
                await self._postpone(messages[index:], self.clock() + timedelta(seconds=delay))
                return sent
            if self._failed_sends:  # the journal says when the platform answers again, not only that it did not
                log.info("%s outbox: sending works again (after %d failed send(s))", self.channel, self._failed_sends)
                self._failed_sends = 0
            self._last_sent[conversation_id] = loop.time()
            await self._mark_sent(message.id)
            sent += 1
        return sent

    async def _postpone(self, messages: list[Message], when: datetime) -> None:
        """This message and the rest of its conversation's batch wait, in order."""
        for message in messages:
            await self.store.messages.retry_at(message.id, when)


def unsealed(message: Message, vault: IdentityVault) -> Message:
    """The message with the words the person is to see: a masked message's sealed words (models.Message.sealed)."""
    if message.sealed is None:
        return message
    return dataclasses.replace(message, text=vault.decrypt(message.sealed), sealed=None)
