"""An unanswered "are you safe right now?" becomes a crisis.

A possible crisis (NLU risk "check") puts the conversation in the queue as
``urgent`` and asks the person whether they are safe. Silence after such a
question is itself a warning sign: after the helpline's
``safety_check_minutes`` without any answer (no button, no word), the
conversation moves to priority ``crisis`` (the top of the queue, the
console's crisis alarm) and the person gets the numbers to call now.

A sweep runs every half minute; escalating is a compare-and-set on the
conversation, so two sweeps (or two workers) escalate it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from vikno.storage.errors import Conflict
from vikno.storage.models import Conversation, Event, Priority, State, utcnow
from vikno.storage.port import Store

from .channels import ChannelRegistry
from .content import Helpline
from .dialogue import SAFETY_CHECK
from .telling import Outgoing, tell

log = logging.getLogger(__name__)

#: The most ``urgent`` conversations looked at in one sweep (oldest first: the overdue ones).
SWEEP_LIMIT = 500


def overdue(conv: Conversation, line: Helpline, now: datetime) -> bool:
    check = conv.data.get(SAFETY_CHECK)
    if conv.state != State.WAITING or conv.priority != Priority.URGENT or not isinstance(check, dict):
        return False
    if check.get("answer") or check.get("escalated"):
        return False
    try:
        asked = datetime.fromisoformat(check["asked_at"])
    except (KeyError, TypeError, ValueError):
        return False
    return now - asked >= timedelta(minutes=line.settings.safety_check_minutes)


class SafetyChecks:
    def __init__(
        self,
        store: Store,
        helplines: dict[str, Helpline],
        *,
        on_outgoing: Outgoing,
        channels: ChannelRegistry,
        on_change: Callable[[dict], Awaitable[None]],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.helplines = helplines
        self.on_outgoing = on_outgoing
        self.channels = channels
        self.on_change = on_change
        self.clock = clock

    async def sweep(self) -> list[Conversation]:
        """Escalate every overdue safety question; returns the conversations now in crisis."""
        now = self.clock()
        escalated = []
        # only urgent ones (the only priority a question can be overdue in): a page of the whole queue,
        # crises first, hid every question behind 500 crises (attack on issue 21, B2)
        waiting = await self.store.conversations.waiting(
            list(self.helplines), limit=SWEEP_LIMIT, priorities=[Priority.URGENT]
        )
        for conv in waiting:
            line = self.helplines.get(conv.helpline)
            if line is not None and overdue(conv, line, now):
                done = await self._escalate(conv.id, line, now)
                if done is not None:
                    escalated.append(done)
        return escalated

    async def _escalate(self, conversation_id: str, line: Helpline, now: datetime) -> Conversation | None:
        for _ in range(4):
            conv = await self.store.conversations.get(conversation_id)
            if conv is None or not overdue(conv, line, now):
                return None
            conv.priority = Priority.CRISIS
            conv.data[SAFETY_CHECK]["escalated"] = "no_answer"
            try:
                conv = await self.store.conversations.save(conv)
            except Conflict:
                continue  # the person answered meanwhile: look again
            await self.store.events.add(
                Event(
                    helpline=conv.helpline,
                    kind="risk_escalated",
                    conversation_id=conv.id,
                    channel=conv.channel,
                    language=conv.language,
                    topic=conv.topic,
                    priority=Priority.CRISIS,
                    data={"reason": "no_answer"},
                    at=now,
                )
            )
            await self._tell(conv, line)
            await self.on_change(
                {"type": "queue", "conversation_id": conv.id, "priority": Priority.CRISIS, "alert": "crisis"}
            )
            return conv
        return None

    async def _tell(self, conv: Conversation, line: Helpline) -> None:
        lang = line.language_or_default(conv.language)
        text = line.say("crisis_call_now", lang, emergency=line.contact_lines(line.settings.emergency, lang))
        await tell(self.store, conv, text, channels=self.channels, on_outgoing=self.on_outgoing)


async def run(checks: SafetyChecks, every: timedelta = timedelta(seconds=30)) -> None:
    while True:
        await asyncio.sleep(every.total_seconds())
        try:
            done = await checks.sweep()
            if done:
                log.info("%d unanswered safety questions became crises", len(done))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("the safety question sweep failed; trying again", exc_info=True)
