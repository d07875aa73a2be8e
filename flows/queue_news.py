"""Telling waiting people that their place moved, when the move matters.

A person told "you are 6th" hears nothing for a long while otherwise, and
cannot tell a moving queue from a stuck one. Every message costs them
attention (and on a phone, a buzz), so only steps that matter are told:
reaching the front, or the place halving since they were last told, and
the latter at most once every few minutes. Moving back (a crisis went
ahead) is not announced. The dialogue records what it told in
``conversation.data["queue_told"]`` whenever it names a place.

A sweep runs after queue changes (the console's hub: a claim, a transfer,
someone leaving) and once a minute, for moves held back by the pause.
Telling is a compare-and-set on the conversation, so two sweeps (or two
workers) never tell the same move twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from vikno.storage.errors import Conflict
from vikno.storage.models import Conversation, Message, State, utcnow
from vikno.storage.port import Store

from .channels import ChannelRegistry
from .content import Helpline
from .dialogue import QUEUE_TOLD
from .outlook import QueueOutlook, wait_sentence
from .telling import Outgoing, tell

log = logging.getLogger(__name__)

#: ``subscribe()`` of the console hub: an async context manager yielding a queue of change events.
Subscribe = Callable[[], AbstractAsyncContextManager[asyncio.Queue[dict[str, Any]]]]

#: At most one "the queue moved" message in this time (reaching the front is told at once).
MIN_GAP = timedelta(minutes=3)
#: Hub events after which places may have moved.
QUEUE_CHANGES = {"claimed", "requeued", "transferred", "queue"}
#: The longest queue looked at in one sweep (places beyond it are not told).
SWEEP_LIMIT = 500


def worth_telling(told: Any, position: int | None, now: datetime, min_gap: timedelta) -> bool:
    """Whether a move from the place last told to ``position`` is a step that matters now."""
    if position is None or not isinstance(told, dict):
        return False
    before = told.get("position")
    if not isinstance(before, int) or position >= before:
        return False
    if position == 1:
        return True
    try:
        told_at = datetime.fromisoformat(told["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return position <= before // 2 and now - told_at >= min_gap


class QueueNews:
    def __init__(
        self,
        store: Store,
        helplines: dict[str, Helpline],
        *,
        on_outgoing: Outgoing,
        channels: ChannelRegistry,
        clock: Callable[[], datetime] = utcnow,
        min_gap: timedelta = MIN_GAP,
    ) -> None:
        self.store = store
        self.helplines = helplines
        self.on_outgoing = on_outgoing
        self.channels = channels
        self.clock = clock
        self.min_gap = min_gap
        self.outlook = QueueOutlook(store)

    async def sweep(self) -> list[Message]:
        """Tell everyone whose place moved by a step that matters; returns the messages sent."""
        now = self.clock()
        sent: list[Message] = []
        places: dict[str, int] = {}
        for conv in await self.store.conversations.waiting(list(self.helplines), limit=SWEEP_LIMIT):
            # the serving order gives each place cheaply; the store's own count confirms the few candidates
            places[conv.helpline] = places.get(conv.helpline, 0) + 1
            if not worth_telling(conv.data.get(QUEUE_TOLD), places[conv.helpline], now, self.min_gap):
                continue
            message = await self._tell(conv.id, now)
            if message is not None:
                sent.append(message)
        return sent

    async def _tell(self, conversation_id: str, now: datetime) -> Message | None:
        for _ in range(4):
            conv = await self.store.conversations.get(conversation_id)
            if conv is None or conv.state != State.WAITING:
                return None
            position = await self.outlook.position(conv)
            if not worth_telling(conv.data.get(QUEUE_TOLD), position, now, self.min_gap):
                return None
            conv.data[QUEUE_TOLD] = {"position": position, "at": now.isoformat()}
            try:
                conv = await self.store.conversations.save(conv)
            except Conflict:
                continue  # the person wrote meanwhile: look again
            return await self._send(conv, await self._text(conv, now))
        return None

    async def _text(self, conv: Conversation, now: datetime) -> str:
        line = self.helplines[conv.helpline]
        lang = line.language_or_default(conv.language)
        outlook = await self.outlook.of(conv, now)
        wait = wait_sentence(line, lang, outlook)
        # in the chat's topic's own words where it has them: a child on the child's path is told in "ти"
        if outlook.position == 1:
            return line.say_on_topic(conv.topic, "queue_next", lang, wait=wait)
        return line.say_on_topic(conv.topic, "queue_moved", lang, position=outlook.position, wait=wait)

    async def _send(self, conv: Conversation, text: str) -> Message:
        return await tell(self.store, conv, text, channels=self.channels, on_outgoing=self.on_outgoing)


async def run(news: QueueNews, subscribe: Subscribe, every: timedelta = timedelta(minutes=1)) -> None:
    """Sweep after every queue change (a burst of them is one sweep) and every ``every``."""
    async with subscribe() as changes:
        while True:
            try:
                event = await asyncio.wait_for(changes.get(), timeout=every.total_seconds())
                if event.get("type") not in QUEUE_CHANGES:
                    continue
                while not changes.empty():  # a burst of changes: one sweep sees them all
                    changes.get_nowait()
            except TimeoutError:
                pass
            try:
                told = await news.sweep()
                if told:
                    log.debug("told %d waiting people their new place", len(told))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("the queue news sweep failed; trying again at the next change", exc_info=True)
