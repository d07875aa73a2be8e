"""Reports about someone in danger: made anonymously, found again only by their reference code.

What the dialogue asks is in flows/report_flow.py; this is what happens in
the store. A report is its own record (``storage.models.Report``) and its
own place in the handoff queue: a conversation of channel ``report`` with a
random key and no address, never the reporter's chat. So nothing the
console, the figures or the report's events show leads back to the
reporter's channel id; the reporter's contact is stored only when they ask
to be called, and then encrypted with the deployment's key.

A report is made once per draft, whoever submits it: it carries a keyed hash
of its draft (the reporter's conversation and the draft's random id) and
the store refuses a second report with that key, returning the first; its
code is made from the draft too, so a second worker on the same MongoDB, or
a retry after ``kill -9``, tells the same code and opens no second card.

The reference code is the only way back to a report, from any channel: it
is stored as a keyed hash, and every attempt to use one counts against the
channel user (``USER_ATTEMPTS`` in ``USER_WINDOW``) and against the
helpline (``GLOBAL_ATTEMPTS_PER_HOUR`` a clock hour, a high ceiling; the
journal is told from ``GLOBAL_ALERT_PER_HOUR``), counted *before* the
lookup in the store's login-attempts collection, so parallel guesses cannot
slip past the limit. Successful lookups count too: a reporter checks a few
times a day at most, and a guesser that owns one real code must not be able
to reset the count with it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from vikno.storage.errors import AlreadyExists, Conflict, Duplicate
from vikno.storage.identity import IdentityVault
from vikno.storage.models import (
    PRIORITY_RANK,
    Conversation,
    Direction,
    Event,
    Message,
    Priority,
    Report,
    ReportStatus,
    Sender,
    State,
)
from vikno.storage.port import Store

from .content import Helpline
from .guess_limits import may_try
from .report_codes import code_of, normalize, reads_inside
from .risk_flags import RISK_FLAGS, RISK_FLAGS_KEPT

log = logging.getLogger(__name__)

#: Codes a draft may give in turn: the next when one is taken already (each 1 in 10^15 per report) or could not be
#: read inside a sentence (one in twenty, ``reads_inside``); twelve all unreadable is 1 in 4 x 10^15.
CODE_DRAWS = 12
#: The channel of a report's own queue conversation (it has no one to write back to).
REPORT_CHANNEL = "report"
#: Code attempts one channel user may make, and how long after their last one they are forgotten.
USER_ATTEMPTS, USER_WINDOW = 5, timedelta(minutes=30)
#: Code attempts a helpline takes in one clock hour from everyone together (guessing from many accounts):
#: a ceiling, not a budget. At 100 an outside attacker with twenty accounts locked every honest reporter out
#: for the hour, while 50-bit codes made the limit near useless against guessing; at 5,000 an hour, a
#: year of guessing against 10,000 open reports finds one with a chance of about 1 in 2,700, and
#: locking the helpline out takes a thousand accounts.
GLOBAL_ATTEMPTS_PER_HOUR = 5000
#: Attempts in one clock hour that are told to the journal as suspected guessing (once that hour).
GLOBAL_ALERT_PER_HOUR = 100
#: The login-attempts "login" all report-code keys are counted under (so they can be cleared together).
ATTEMPTS_GROUP = "report-code"
#: An operator's outcome → the status the reporter is told.
OUTCOME_STATUS = {
    "referred": ReportStatus.REFERRED,
    "visit_planned": ReportStatus.IN_PROGRESS,
    "helped": ReportStatus.CLOSED,
    "no_action": ReportStatus.CLOSED,
    "closed": ReportStatus.CLOSED,
}
OUTCOMES = tuple(OUTCOME_STATUS)


@dataclass(frozen=True, slots=True)
class Draft:
    """The reporter's answers, complete."""

    about: str
    place: str
    what: str
    urgency: str
    place_text: str | None = None
    phone: str | None = None
    #: the crisis layer read a possible crisis in what the reporter wrote: the report is at least urgent
    possible_risk: bool = False


@dataclass(slots=True)
class QueueTurn:
    """What a report did to its queue conversation, for the consoles (the engine's observers)."""

    conversation: Conversation
    message: Message
    events: list[Event]


def _first_message_id(report: Report) -> str:
    """The id of a report's first message in its card: the same for every worker, and with no time in it."""
    return hashlib.sha256(f"{report.id}/what".encode()).hexdigest()[:32]


def untimed_id() -> str:
    """An id with no time in it, for a report's records.

    The store's ids begin with the time to the millisecond (``models.new_id``): a report's id, its card's
    label and its queue conversation would start like the withheld answers in the reporter's own chat,
    written in the same millisecond, and so point to them (second outside attack).
    """
    return secrets.token_hex(16)


class ReportDesk:
    def __init__(self, store: Store, vault: IdentityVault) -> None:
        self.store = store
        self.vault = vault

    async def submit(
        self, line: Helpline, draft: Draft, *, seed: str, channel: str, language: str | None, now: datetime
    ) -> tuple[Report, str, QueueTurn | None]:
        """Store the report, put it in the queue, and return it with its code (shown, never stored) and what
        it did to the queue (None when the queue had it already).

        ``seed`` names the draft (the reporter's conversation and the draft's random id): the report carries
        its keyed hash, and the store keeps one report per key. So a draft submitted again, by a second
        worker on the same MongoDB (a double tap split between two) or after a crash between the report and
        the reporter's turn, finds the report made and opens no second card. Its code comes from the draft
        too (``report_code_bytes``): whoever finds the report tells the code it was made with.
        """
        settings = line.settings.reports
        assert settings is not None
        crisis = draft.urgency == "now"
        priority: str = Priority.CRISIS if crisis else settings.priority
        if draft.possible_risk and PRIORITY_RANK[priority] < PRIORITY_RANK[Priority.URGENT]:
            priority = Priority.URGENT
        key = self.vault.report_key(seed)
        for draw in range(CODE_DRAWS):
            code = code_of(self.vault.report_code_bytes(seed, draw))
            if not reads_inside(code):  # one in twenty: a sentence could not hold it ("my code X, he is ...")
                continue
            report = Report(
                id=untimed_id(),
                helpline=line.id,
                code_hash=self.vault.code_hash(code),
                about=draft.about,
                place=draft.place,
                place_text=draft.place_text,
                what=draft.what,
                urgency=draft.urgency,
                team=line.report_team(draft.about, draft.place),
                priority=priority,
                channel=channel,
                language=language,
                conversation_id=untimed_id(),
                key=key,
                contact=self.vault.encrypt(draft.phone) if draft.phone else None,
                created_at=now,
                updated_at=now,
            )
            try:
                stored = await self.store.reports.add(report)
                break
            except AlreadyExists:  # a code taken already (1 in 10^15 per report): the draft's next one
                continue
        else:
            raise RuntimeError("could not draw an unused report code")
        if stored.id != report.id:  # this draft's report, made before: its own code, and its card if still missing
            code = self._code_made(stored, seed)
        return stored, code, await self._into_queue(line, stored, now)

    def _code_made(self, report: Report, seed: str) -> str:
        for draw in range(CODE_DRAWS):
            code = code_of(self.vault.report_code_bytes(seed, draw))
            if self.vault.code_hash(code) == report.code_hash:
                return code
        raise RuntimeError("a report of this draft holds a code the draft does not give (the secret key changed?)")

    async def _into_queue(self, line: Helpline, report: Report, now: datetime) -> QueueTurn | None:
        """Open the report's own card in the queue, once: None when it was open already (another worker).

        The card is made closed, then opened with the reporter's words in one commit, so a crash in between
        leaves nothing half-made in the queue, and the next submit of the draft opens it. Its first message
        has an id of the report's, so two workers opening it at once store it once.
        """
        settings = line.settings.reports
        assert settings is not None and report.conversation_id is not None
        queued = await self.store.conversations.get(report.conversation_id)
        if queued is None:
            queued = await self.store.conversations.create(
                Conversation(
                    id=report.conversation_id,
                    helpline=line.id,
                    channel=REPORT_CHANNEL,
                    user_key=report.conversation_id,  # a random key of its own: one card however many create it
                    address=None,
                    state=State.CLOSED,
                    language=report.language,
                    topic=settings.topic,
                    step="report",
                )
            )
        crisis = report.priority == Priority.CRISIS
        message: Message | None = self._message(queued, report.what, now, message_id=_first_message_id(report))
        for _ in range(8):
            if queued is None or "report_id" in queued.data:
                return None  # opened already: its turn was the other's to tell
            queued.state, queued.priority, queued.enqueued_at = State.WAITING, report.priority, now
            queued.team = None if crisis else report.team  # a crisis is every operator's business, as in the dialogue
            queued.data["report_id"] = report.id
            queued.last_message_at = now
            event = Event(
                helpline=line.id,
                kind="report_made",
                conversation_id=queued.id,
                channel=report.channel,
                language=report.language,
                topic=settings.topic,
                priority=report.priority,
                at=now,
                data={
                    "report_id": report.id,
                    "about": report.about,
                    "district": report.place,
                    "urgency": report.urgency,
                    "anonymous": report.anonymous,
                },
            )
            try:
                queued = await self.store.commit_turn(queued, message, [], [event])
            except Duplicate:  # the first message is stored: another worker is opening the card (or died doing so)
                message = None
            except Conflict:
                pass
            else:
                first = message or self._message(queued, report.what, now, message_id=_first_message_id(report))
                return QueueTurn(queued, first, [event])
            queued = await self.store.conversations.get(report.conversation_id)
        raise Conflict(f"the card of report {report.id} kept changing while it was opened")

    async def lookup(
        self, line: Helpline, user_key: str, typed: str, now: datetime
    ) -> Report | Literal["limited"] | None:
        """The report of a typed code; "limited" after too many attempts; None for a wrong code."""
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
            what=("report-code", "codes"),
        ):
            return "limited"
        code = normalize(typed)
        if code is None:
            return None
        return await self.store.reports.by_code(line.id, self.vault.code_hash(code))

    async def add_information(
        self,
        report: Report,
        text: str,
        now: datetime,
        *,
        possible_risk: bool = False,
        crisis: bool = False,
        reasons: Sequence[str] = (),
    ) -> QueueTurn | None:
        """The reporter's addition: on the report, and in its queue conversation (back in the queue if closed).

        ``possible_risk``: the crisis layer read a possible crisis in it; the report's place in the queue is
        then at least ``urgent``. ``crisis``: it read a crisis; the report becomes a crisis for every team.
        """
        addition: dict[str, object] = {"text": text, "at": now.isoformat()}
        if crisis:  # the card says the danger is now, whatever urgency the reporter chose (session 18's attack)
            addition["crisis"] = True
        updated = await self.store.reports.add_information(report.id, addition, now)
        if updated is None or updated.conversation_id is None:
            return None
        message: Message | None = None
        for _ in range(8):
            queued = await self.store.conversations.get(updated.conversation_id)
            if queued is None:
                return None
            if message is None:
                message = self._message(queued, text, now)
            event = Event(
                helpline=queued.helpline,
                kind="report_information_added",
                conversation_id=queued.id,
                channel=updated.channel,
                language=queued.language,
                topic=queued.topic,
                priority=queued.priority or updated.priority,
                at=now,
                data={"report_id": updated.id},
            )
            if queued.state in (State.CLOSED, State.BOT):  # re-raised: an operator must read what came
                queued.state, queued.priority, queued.enqueued_at = State.WAITING, updated.priority, now
                queued.operator_id, queued.claimed_at = None, None
                queued.team = None if updated.priority == Priority.CRISIS else updated.team
                event.priority = updated.priority
                event.data["reopened"] = True
            if possible_risk or crisis:
                # the card's risk panel says why (it said "no risk found" above a crisis added: session 18's attack)
                flags = [f for f in queued.data.get(RISK_FLAGS) or [] if isinstance(f, dict)]
                if not any(f.get("message_id") == message.id for f in flags):
                    flag = {"message_id": message.id, "level": "crisis" if crisis else "check", "at": now.isoformat()}
                    queued.data[RISK_FLAGS] = [*flags, {**flag, "reasons": list(reasons)}][-RISK_FLAGS_KEPT:]
            raise_it = (possible_risk or crisis) and queued.state in (State.WAITING, State.WITH_OPERATOR)
            floor = Priority.CRISIS if crisis else Priority.URGENT
            if raise_it and queued.priority_rank < PRIORITY_RANK[floor]:
                queued.priority = event.priority = floor
                event.data["crisis" if crisis else "possible_risk"] = True
                if crisis:
                    queued.team = None  # a crisis is every operator's business
            queued.last_message_at = now
            try:
                queued = await self.store.commit_turn(queued, message, [], [event])
            except Conflict:
                continue
            return QueueTurn(queued, message, [event])
        return None

    async def status(self, report: Report) -> str:
        """What the reporter is told: the latest outcome's status, or whether someone has it now."""
        if report.outcomes or report.status != ReportStatus.RECEIVED:
            return report.status
        queued = await self.store.conversations.get(report.conversation_id) if report.conversation_id else None
        if queued is not None and queued.state in (State.WITH_OPERATOR, State.CLOSED):
            return ReportStatus.IN_PROGRESS
        return ReportStatus.RECEIVED

    @staticmethod
    def _message(queued: Conversation, text: str, now: datetime, *, message_id: str | None = None) -> Message:
        """The reporter's words in the report's queue conversation (no platform id: nobody to recognise)."""
        return Message(
            id=message_id or untimed_id(),
            conversation_id=queued.id,
            helpline=queued.helpline,
            channel=REPORT_CHANNEL,
            direction=Direction.IN,
            sender=Sender.USER,
            text=text,
            kind="text",
            created_at=now,
        )
