"""What a person waiting for an operator can truthfully be told.

Three facts, each from the store and never from the schedule alone: their
place in the queue, whether anyone who could take their conversation is
online now (and has the console open: seen within ``SEEN_WITHIN``, and has
a free seat: fewer open chats than their capacity), and how long people
waited lately. An operator who is full is nobody for a new conversation:
the claim would refuse them (409), so "a specialist is coming" and a wait
figure would be promises nobody keeps (attack on issue 21, A5); the wait
is estimated only when someone could take the conversation. The working hours say when operators are *meant*
to be there; presence says whether they *are*. A
person in danger who is told "a specialist is coming" while nobody is
online may wait instead of calling for help (issue 20, item 14).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from vikno.storage.models import Conversation, Priority
from vikno.storage.port import Store

from .content import Helpline

#: Claims older than this say little about today's queue.
HISTORY = timedelta(days=7)
#: The newest claims looked at; their median is the estimate.
SAMPLES = 20
#: Fewer claims than this, and the bot says plainly that it cannot estimate.
MIN_SAMPLES = 3
#: Longer than this is said as "more than an hour", not as a number.
LONGEST_NUMBER = 60 * 60
#: An operator counts as there only if the console saw them this recently. The presence flag
#: alone outlives a closed laptop, a dead session or a restart (attack report B1): an open
#: console touches ``last_seen_at`` at every session check of its socket (every 15 s) and on
#: every request, so 90 s forgives a few missed checks (a slow network, a server restart) and
#: an operator who has really gone stops counting within a minute and a half.
SEEN_WITHIN = timedelta(seconds=90)


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the person may be told now about their wait."""

    position: int | None
    #: Someone online now who could take this conversation (its helpline, team, language; a free seat).
    staffed: bool
    #: The median wait of recent claims of this priority, in seconds; None when too few to judge by.
    typical_wait: float | None
    #: How long this person has waited already, in seconds.
    waited: float


class QueueOutlook:
    """Reads the three facts for one conversation (two or three small queries)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def position(self, conv: Conversation) -> int | None:
        return await self.store.conversations.queue_position(conv)

    async def staffed(self, conv: Conversation, now: datetime) -> bool:
        return (
            await self.store.operators.count_available(
                conv.helpline, seen_since=now - SEEN_WITHIN, team=conv.team, language=conv.language
            )
            > 0
        )

    async def typical_wait(self, conv: Conversation, now: datetime) -> float | None:
        waits = await self.store.events.recent_waits(
            conv.helpline, since=now - HISTORY, limit=SAMPLES, priorities=[conv.priority or Priority.REQUEST]
        )
        return statistics.median(waits) if len(waits) >= MIN_SAMPLES else None

    async def of(self, conv: Conversation, now: datetime) -> Outlook:
        position = await self.position(conv)
        staffed = await self.staffed(conv, now)
        # Nobody online: history says nothing about when the next one comes.
        typical = await self.typical_wait(conv, now) if staffed else None
        waited = (now - conv.enqueued_at).total_seconds() if conv.enqueued_at else 0.0
        return Outlook(position, staffed, typical, max(waited, 0.0))


def rounded_minutes(seconds: float) -> int:
    """Kindly rounded: up, to a number people say (1-5, then fives, then tens)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 5:
        return minutes
    if minutes <= 30:
        return 5 * math.ceil(minutes / 5)
    return 10 * math.ceil(minutes / 10)


def wait_sentence(line: Helpline, lang: str, outlook: Outlook) -> str:
    """One sentence about the expected wait.

    Honest in every case: plainly "nobody is online" when nobody is, a
    number only from enough recent history, what is left of it for someone
    who has waited a while, and an apology instead of a number once they
    have waited longer than people usually do.
    """
    if not outlook.staffed:
        return line.say("wait_nobody_online", lang)
    if outlook.typical_wait is None:
        return line.say("wait_unknown", lang)
    left = outlook.typical_wait - outlook.waited
    if outlook.waited > 0 and left <= 0:
        return line.say("wait_longer", lang)
    if left > LONGEST_NUMBER:
        return line.say("wait_over_hour", lang)
    return line.say("wait_about", lang, minutes=rounded_minutes(left))
