"""Documents the storage port reads and writes.

Plain dataclasses, shared by both adapters, so that the SQLite and MongoDB
adapters return exactly the same shapes and the contract tests can compare
them. Times are timezone-aware UTC datetimes everywhere.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


def utcnow() -> datetime:
    """Now in UTC, truncated to milliseconds (what MongoDB can store)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


# Ids need to be unique, not secret (nothing is authorised by an id): a seeded
# PRNG avoids a system call per id. Secrets (keys, tokens) use ``secrets``.
_random = random.Random(secrets.randbits(128))


def new_id() -> str:
    """32 hex characters, time-ordered (48-bit milliseconds, then 80 random bits).

    Like UUIDv7: new rows land at the end of every index instead of on a
    random page, so inserts stay as fast at a million rows as at a thousand.
    """
    return f"{time.time_ns() // 1_000_000:012x}{_random.getrandbits(80):020x}"


def next_seq() -> int:
    """A strictly increasing number (nanoseconds since the epoch, nudged).

    Messages written in the same millisecond still sort in the order the
    conversation saw them, in both adapters, without a counter document.
    """
    global _last_seq_value
    now = time.time_ns()
    if now <= _last_seq_value:
        now = _last_seq_value + 1
    _last_seq_value = now
    return now


_last_seq_value = 0


class State(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    WITH_OPERATOR = "with_operator"
    CLOSED = "closed"


class Priority(StrEnum):
    """Queue priorities, most urgent first (ARCHITECTURE.md, "The queue")."""

    CRISIS = "crisis"
    #: a possible crisis the bot is checking (nlu risk "check"): an operator reads it soon
    URGENT = "urgent"
    URGENT_REPORT = "urgent_report"
    REQUEST = "request"
    ROUTINE = "routine"


#: Sort key for the queue: higher is served first.
PRIORITY_RANK: dict[str, int] = {
    Priority.CRISIS: 40,
    Priority.URGENT: 35,
    Priority.URGENT_REPORT: 30,
    Priority.REQUEST: 20,
    Priority.ROUTINE: 10,
}


@dataclass(slots=True)
class Conversation:
    """One person on one channel of one helpline.

    ``user_key`` is a keyed pseudonym of the channel user id; the id itself,
    needed only to reply, lives encrypted in ``address``.
    """

    helpline: str
    channel: str
    user_key: str
    id: str = field(default_factory=new_id)
    address: str | None = None
    state: str = State.BOT
    language: str | None = None
    language_chosen: bool = False
    topic: str | None = None
    priority: str | None = None
    team: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    operator_id: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    enqueued_at: datetime | None = None
    claimed_at: datetime | None = None
    last_message_at: datetime | None = None
    version: int = 0

    @property
    def priority_rank(self) -> int:
        return PRIORITY_RANK.get(self.priority or "", 0)


class Direction(StrEnum):
    IN = "in"
    OUT = "out"
    #: Operators' notes to each other: staff only. The storage port keeps them out
    #: of a person's history and out of the outbox, so no channel can leak one.
    INTERNAL = "internal"


class Sender(StrEnum):
    USER = "user"
    BOT = "bot"
    OPERATOR = "operator"
    SYSTEM = "system"


#: The kind of a message whose words were kept elsewhere, not in the chat (an answer to the report
#: form lives in the report only). Its text is None; the console and the web chat show a placeholder.
WITHHELD = "withheld"
#: The kind of an answer to the optional age-group / gender question: it lives in its ``profile_answered``
#: event only (the figures count it), so the chat keeps neither the pressed button nor a typed option.
PROFILE_ANSWER = "profile_answer"


@dataclass(slots=True)
class Message:
    """One message in or out, in the order the conversation saw it.

    ``platform_id`` is unique per channel: a platform retry of the same
    message is recognised and not processed twice. It names the person (a
    chat id, a web chat or REST key), so the store keeps only a keyed hash of
    it (``storage.identity.PlatformIds``): a message read back holds the hash,
    and ``by_platform_id`` takes the platform's own id. ``client_id`` is the
    id the person's own client gave the message (the web chat), echoed back
    so that it can match its unsent copy; it names nobody. Outgoing messages
    get a derived id (``<inbound id>:<n>``) so that writing them again is
    harmless.

    Outgoing messages for channels that push (Telegram, Viber) are their own
    durable outbox: written ``delivery="pending"`` in the same commit as the
    turn that produced them, leased by a sender, marked ``sent`` once the
    platform accepted them. A crash between lease and mark is healed when the
    lease runs out or is taken over (``Messages.take_over_leases``). ``delivery`` is None where nothing is to be pushed.
    """

    conversation_id: str
    helpline: str
    channel: str
    direction: str
    sender: str
    text: str | None = None
    kind: str = "text"
    buttons: list[dict[str, str]] = field(default_factory=list)
    platform_id: str | None = None
    client_id: str | None = None
    #: Who the person is told wrote an operator's message (handoff/names.py: a display name, never a
    #: login), kept when the helpline shows specialists by name (``specialist_label: name``); None:
    #: the neutral role. Kept with the message, so a reconnect shows each specialist as they were.
    shown_name: str | None = None
    #: What the outbox sends instead of ``text``, encrypted with the deployment's key, when the history
    #: must keep less than the person is shown (a report's code: ``text`` holds it masked). Set only
    #: for a pending push; erased once the message is sent or given up, so the clear words live no
    #: longer than the delivery.
    sealed: str | None = None
    reply_to: str | None = None
    handled: bool = False
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    seq: int = field(default_factory=next_seq)
    delivery: str | None = None
    attempts: int = 0
    deliver_after: datetime | None = None

    def __post_init__(self) -> None:
        if self.platform_id is None:
            self.platform_id = f"local:{self.id}"


class Delivery(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(slots=True)
class Event:
    """A fact for the figures: one row per thing that happened."""

    helpline: str
    kind: str
    conversation_id: str | None = None
    channel: str | None = None
    language: str | None = None
    topic: str | None = None
    priority: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)
    at: datetime = field(default_factory=utcnow)


class Role(StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass(slots=True)
class Operator:
    """A person who takes over conversations in the console.

    ``password_hash`` is an argon2 hash; the password itself is never kept.
    """

    login: str
    display_name: str
    password_hash: str
    role: str = Role.OPERATOR
    helplines: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    capacity: int = 3
    presence: str = Presence.OFFLINE
    disabled: bool = False
    #: Unused since issue 20 (attempts are counted per address and login in ``Store.login_attempts``);
    #: kept so that stored accounts still load.
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_seen_at: datetime | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(slots=True)
class Session:
    """A console login. ``id`` is the SHA-256 of the cookie's token, so a
    leaked database does not hand out live sessions."""

    id: str
    operator_id: str
    csrf_token: str
    expires_at: datetime
    created_at: datetime = field(default_factory=utcnow)


class FeedbackLabel(StrEnum):
    """An operator's word on a message the crisis layer judged (or missed)."""

    CRISIS = "crisis"
    NOT_CRISIS = "not_crisis"


@dataclass(slots=True)
class Feedback:
    """A labelled example: an operator's mark on one person's message.

    The helpline exports these (``vikno nlu export-feedback``) to improve its
    crisis data, so each keeps what a training example needs (the text, its
    language, the label) and what says where it came from (what the NLU
    gave and why, who marked it and when). The text is personal data: marks
    are deleted after the helpline's retention time. One mark per message
    (``message_id``): a later mark replaces an earlier one.
    """

    message_id: str
    conversation_id: str
    helpline: str
    text: str
    label: str
    operator_id: str
    language: str | None = None
    #: the NLU's level for the message: "crisis", "check", or "none" (a message it did not flag)
    level: str = "none"
    reasons: list[str] = field(default_factory=list)
    marked_at: datetime = field(default_factory=utcnow)


class ReportStatus(StrEnum):
    """What a reporter is told about their report: plain words, never an operator's notes or name."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    REFERRED = "referred"
    CLOSED = "closed"


@dataclass(slots=True)
class Report:
    """A report about someone else who needs help (flows/reports.py), anonymous by default.

    It holds nothing that names the reporter: no channel user id, no
    pseudonym, not the reporter's conversation. ``channel`` is only the
    channel's name (for the figures). ``contact`` is set only when the
    reporter asked to be contacted, and then encrypted with the deployment's
    key (``IdentityVault.encrypt``). ``code_hash`` is a keyed hash of the
    reference code the reporter got; the code itself is never stored.
    ``conversation_id`` is the report's own place in the handoff queue (a
    conversation of channel ``report``), never the reporter's chat.
    ``key`` is a keyed hash of the draft the report was made from (flows/reports.py ``report_key``): the
    store keeps one report per key, so a draft submitted twice (a double tap split across two workers, a
    retry after ``kill -9``) makes one report. Nothing without the deployment's key and the draft's own
    random id, gone with the draft, leads from it to the reporter's chat.
    ``additions`` ({"text", "at"}) came later with the code; ``outcomes``
    ({"outcome", "referred_to", "note", "operator", "at"}) are what
    operators recorded, newest last.
    """

    helpline: str
    code_hash: str
    about: str
    place: str
    what: str
    urgency: str
    team: str
    priority: str
    place_text: str | None = None
    channel: str | None = None
    language: str | None = None
    contact: str | None = None
    conversation_id: str | None = None
    key: str | None = None
    status: str = ReportStatus.RECEIVED
    additions: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    @property
    def anonymous(self) -> bool:
        return self.contact is None


class AppealStatus(StrEnum):
    """Where a citizen's appeal stands (flows/appeals.py): what the citizen is told, in plain words."""

    REGISTERED = "registered"
    #: sent to the authority responsible for its topic
    SENT = "sent"
    #: the authority answered the citizen
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(slots=True)
class Appeal:
    """A citizen's appeal to the authorities, registered by a contact centre (flows/appeals.py).

    ``number_hash`` is a keyed hash of the reference number the citizen got
    (the number itself is never stored, as a report's code); ``number_tail``
    its last four digits, so that an operator can match what a caller reads
    out. ``topic`` is one of the line's appeal topics and ``authority`` the
    authority it was routed to (helpline.yml ``appeals:``). ``conversation_id``
    is the chat it was registered from, ``registered_by`` the operator who
    registered it there (None: the citizen, through the bot). ``history``
    ({"status", "operator", "note", "at"}, newest last) is staff-only: the
    citizen hears only ``status``. ``key`` is a keyed hash of the draft an
    appeal of the bot's form was made from (flows/appeals.py): the store keeps
    one appeal per key, so the last text sent twice to two workers makes one
    appeal (as a report's ``key``); None for an operator's, which has no draft.
    """

    helpline: str
    number_hash: str
    number_tail: str
    topic: str
    authority: str
    text: str
    channel: str | None = None
    language: str | None = None
    conversation_id: str | None = None
    registered_by: str | None = None
    key: str | None = None
    status: str = AppealStatus.REGISTERED
    history: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


class VisitStatus(StrEnum):
    """Where a brigade's visit stands (handoff/dispatch.py says which moves are allowed)."""

    ASSIGNED = "assigned"
    ON_THE_WAY = "on_the_way"
    VISITED = "visited"
    CLOSED = "closed"


class Consent(StrEnum):
    """Whether the person agreed to a visit, as the dispatching operator heard it."""

    YES = "yes"
    NO = "no"
    NOT_ASKED = "not_asked"


@dataclass(slots=True)
class Visit:
    """A mobile brigade's visit: the dispatch card and what the brigade did (handoff/dispatch.py).

    A kind of report: an operator dispatches a conversation (or a report's
    queue conversation, ``conversation_id``) to the brigades of a district
    (``district``, an id of the helpline's ``brigades.districts``; ``team``
    its brigades' team). ``address`` is the district's community or the
    address as the person gave it, free text, encrypted with the
    deployment's key (``IdentityVault.encrypt``): only the card shows it,
    decrypted for those the visit rule admits. ``override`` is the reason an
    operator gave for dispatching without the person's consent (danger);
    None when the person agreed. ``history`` ({"status", "outcome", "help",
    "people", "note", "operator", "at"}) is every change, oldest first;
    ``outcome``, ``help`` (kinds of help given) and ``people`` (how many
    people were helped) are the latest the brigade recorded.
    """

    helpline: str
    district: str
    team: str
    urgency: str
    consent: str
    conversation_id: str
    dispatched_by: str
    address: str | None = None
    report_id: str | None = None
    override: str | None = None
    status: str = VisitStatus.ASSIGNED
    outcome: str | None = None
    help: list[str] = field(default_factory=list)
    people: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
