"""Citizens' appeals (issue 27, cherkasy-1545): registered with a reference number, routed to an authority,
their status asked for with the number from any channel.

What the dialogue asks is in flows/appeal_flow.py, what operators do in
handoff/appeals.py; this is what both do in the store. An appeal is its own
record (``storage.models.Appeal``), not a place in the queue: it is back-office
work an operator takes up in the console's appeals list (route it, mark it sent,
answered, closed), at any hour after the chat has ended. Which authority takes
an appeal is the line's configuration (``appeals:`` in helpline.yml: its
authorities, and which topic goes to which).

The number is the only way from a channel back to an appeal, so it is a
bearer secret (flows/appeal_numbers.py): stored as a keyed hash, and every
attempt to use one counts against the channel user (``USER_ATTEMPTS`` in
``USER_WINDOW``) and against the line (``GLOBAL_ATTEMPTS_PER_HOUR`` a clock
hour; the journal is told from ``GLOBAL_ALERT_PER_HOUR``), counted *before*
the lookup in the store's login-attempts collection, as reports' codes are
(flows/reports.py), so that parallel guesses cannot slip past the limit and a
guesser holding one real number cannot reset the count with it. A number
whose check digit is wrong is refused before that: it cannot be anyone's.

An appeal of the bot's form is registered once per draft, whoever registers
it: it carries a keyed hash of its draft (the citizen's conversation and the
draft's random id) and the store refuses a second appeal with that key,
returning the first; its number is made from the draft too, so a second
worker on the same store (the last text sent twice at once), or a retry
after ``kill -9``, tells the same number, as a report's code
(flows/reports.py). An operator's appeal has no draft: a random number.

What the citizen is told is the status and the authority's name, never who
changed it or their note (those are staff-only, in ``Appeal.history``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from vikno.storage.errors import AlreadyExists
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Appeal, AppealStatus, Event
from vikno.storage.port import Store

from .appeal_numbers import digits_of, new_number, normalize, number_of, tail
from .content import Helpline
from .guess_limits import may_try

log = logging.getLogger(__name__)

#: Number attempts one channel user may make, and how long after their last one they are forgotten.
USER_ATTEMPTS, USER_WINDOW = 5, timedelta(minutes=30)
#: Number attempts a line takes in one clock hour from everyone together (guessing from many accounts).
#: A ceiling, not a budget: the line gets some 300 appeals a week and a handful of status questions an
#: hour. At 2,000 an hour a year of guessing against 30,000 appeals finds one with a chance of about
#: 1 in 1,900 (flows/appeal_numbers.py), and locking honest citizens out for the hour takes 400 accounts
#: (who can still call 15-45: the limited answer gives the line's numbers).
GLOBAL_ATTEMPTS_PER_HOUR = 2000
#: Attempts in one clock hour that are told to the journal as suspected guessing (once that hour).
GLOBAL_ALERT_PER_HOUR = 100
#: The login-attempts "login" all appeal-number keys are counted under (so they can be cleared together).
ATTEMPTS_GROUP = "appeal-number"
#: Numbers a draft may give in turn when one is taken already (each 1 in 10^15 per appeal).
NUMBER_DRAWS = 5
#: The statuses in the order an appeal usually goes through them.
STATUSES: tuple[str, ...] = tuple(AppealStatus)
#: The longest text an appeal keeps (a long letter; the console shows it whole).
MAX_TEXT = 4000
#: Shortest description worth sending to an authority, in letters (a word or two is asked again).
MIN_LETTERS = 15


def untimed_id() -> str:
    """An id with no time in it (the store's ids start with the millisecond they were made in, which would
    point to the message that registered the appeal)."""
    return secrets.token_hex(16)


@dataclass(frozen=True, slots=True)
class Registration:
    appeal: Appeal
    #: the reference number, in clear: told to the citizen once, never stored
    number: str
    #: the ``appeal_registered`` event to write with the turn (also for an appeal of the draft made before: one
    #: turn of the conversation commits it, so the figures count it once)
    event: Event


class AppealDesk:
    def __init__(self, store: Store, vault: IdentityVault) -> None:
        self.store = store
        self.vault = vault

    def number_hash(self, number: str) -> str:
        return self.vault.code_hash(f"appeal:{number}")  # apart from reports' codes, whatever their shapes

    async def register(
        self,
        line: Helpline,
        *,
        topic: str,
        text: str,
        channel: str | None,
        language: str | None,
        conversation_id: str | None,
        now: datetime,
        operator_id: str | None = None,
        seed: str | None = None,
    ) -> Registration:
        """Store a new appeal routed to its topic's authority; the number is returned, never stored.

        The ``appeal_registered`` event is returned, not written: the caller writes it with its own
        commit (the dialogue's turn), or adds it (an operator's action).

        ``seed`` names the bot form's draft (the citizen's conversation and the draft's random id): the
        appeal carries its keyed hash and the store keeps one appeal per key, so the draft registered again
        returns the appeal made, with the number it was made with (``appeal_number_bytes``) and no event.
        """
        chosen = line.appeal_topic(topic)
        if chosen is None:
            raise ValueError(f"no appeal topic {topic!r} in {line.id}")
        key = self.vault.appeal_key(seed) if seed is not None else None
        for draw in range(NUMBER_DRAWS):
            number = number_of(self.vault.appeal_number_bytes(seed, draw)) if seed is not None else new_number()
            appeal = Appeal(
                id=untimed_id(),
                helpline=line.id,
                number_hash=self.number_hash(number),
                number_tail=tail(number),
                topic=chosen.id,
                authority=chosen.authority,
                text=text.strip()[:MAX_TEXT],
                channel=channel,
                language=language,
                conversation_id=conversation_id,
                registered_by=operator_id,
                key=key,
                history=[{"status": AppealStatus.REGISTERED.value, "operator": operator_id, "at": now.isoformat()}],
                created_at=now,
                updated_at=now,
            )
            try:
                stored = await self.store.appeals.add(appeal)
                break
            except AlreadyExists:  # a number taken already (1 in 10^15 per appeal): the draft's next one
                continue
        else:
            raise RuntimeError("could not draw an unused appeal number")
        if stored.id != appeal.id:
            # this draft's appeal, made before: its own number, and its event again. A worker killed between
            # storing the appeal and its turn's commit never wrote the event (the figures were one short); a
            # second worker racing the same draft cannot write it twice, since only one turn of the citizen's
            # conversation commits with the draft open (the other re-runs without it)
            assert seed is not None
            return Registration(stored, self._number_made(stored, seed), _registered(stored))
        return Registration(appeal, number, _registered(appeal))

    def _number_made(self, appeal: Appeal, seed: str) -> str:
        for draw in range(NUMBER_DRAWS):
            number = number_of(self.vault.appeal_number_bytes(seed, draw))
            if self.number_hash(number) == appeal.number_hash:
                return number
        raise RuntimeError("an appeal of this draft holds a number the draft does not give (the secret key changed?)")

    async def lookup(
        self, line: Helpline, user_key: str, typed: str, now: datetime
    ) -> Appeal | Literal["limited", "mistyped", "unknown"]:
        """The appeal of a typed number; "mistyped" (no attempt counted), "limited" or "unknown" otherwise."""
        if digits_of(typed) is None:
            return "mistyped"
        number = normalize(typed)
        if number is None:
            return "mistyped"  # a wrong check digit: nobody's number, so no attempt and no lookup
        if not await may_try(
            self.store,
            ATTEMPTS_GROUP,
            line.id,
            user_key,
            now,
            per_person=USER_ATTEMPTS,
            window=USER_WINDOW,
            per_hour=GLOBAL_ATTEMPTS_PER_HOUR,
            alert_per_hour=GLOBAL_ALERT_PER_HOUR,
            log=log,
            what=("appeal-number", "numbers"),
        ):
            return "limited"
        found = await self.store.appeals.by_number(line.id, self.number_hash(number))
        return found if found is not None else "unknown"

    async def set_status(
        self, appeal: Appeal, status: str, *, operator_id: str, note: str, now: datetime
    ) -> tuple[Appeal, Event]:
        """A new status, kept with who and when (and the staff's note); the ``appeal_status`` event to add."""
        if status not in STATUSES:
            raise ValueError(f"no appeal status {status!r}")
        change = {"status": status, "operator": operator_id, "note": note.strip()[:2000], "at": now.isoformat()}
        updated = await self.store.appeals.set_status(appeal.id, change, status, now)
        if updated is None:
            raise LookupError(f"no appeal {appeal.id}")
        event = Event(
            helpline=appeal.helpline,
            kind="appeal_status",
            conversation_id=None,  # days later, no contact of the chat's: the figures' conversations stay true
            channel=appeal.channel,
            language=appeal.language,
            at=now,
            data={
                "appeal_id": appeal.id,
                "status": status,
                "from": appeal.status,
                "appeal_topic": appeal.topic,
                "authority": appeal.authority,
                "operator": operator_id,
            },
        )
        return updated, event


def told_status(line: Helpline, appeal: Appeal, number: str, lang: str) -> str:
    """What the citizen is told: the number, the status in plain words and the authority's name; nothing else."""
    status = appeal.status if appeal.status in STATUSES else AppealStatus.REGISTERED
    words = line.say(f"appeal_status_{status}", lang, authority=line.authority_name(appeal.authority, lang))
    return line.say("appeal_status", lang, number=number, status=words)


def _registered(appeal: Appeal) -> Event:
    """The ``appeal_registered`` event of an appeal (the figures count appeals by it)."""
    return Event(
        helpline=appeal.helpline,
        kind="appeal_registered",
        conversation_id=appeal.conversation_id,
        channel=appeal.channel,
        language=appeal.language,
        at=appeal.created_at,
        data={
            "appeal_id": appeal.id,
            "appeal_topic": appeal.topic,
            "authority": appeal.authority,
            "operator": appeal.registered_by,
        },
    )
