"""The storage port: what the rest of vikno may ask of a database.

Declared once here, implemented by ``storage.sqlite`` (embedded default) and
``storage.mongo`` (production). Every method's behaviour is pinned down by
``tests/storage/``, which runs unchanged against both adapters. Callers never
see SQL, BSON or a driver object.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .figures import Figures, Period
from .health import WriteHealth
from .models import Appeal, Conversation, Event, Feedback, Message, Operator, Report, Session, Visit


@dataclass(frozen=True, slots=True)
class QueueStats:
    by_priority: dict[str, int]
    oldest_enqueued_at: datetime | None

    @property
    def waiting(self) -> int:
        return sum(self.by_priority.values())


#: Event fields the figures may group by (whitelisted: they become SQL).
GROUPABLE_EVENT_FIELDS = ("kind", "channel", "language", "topic", "priority")


class Conversations(ABC):
    @abstractmethod
    async def get(self, conversation_id: str) -> Conversation | None: ...

    @abstractmethod
    async def find_by_user(self, helpline: str, channel: str, user_key: str) -> Conversation | None: ...

    @abstractmethod
    async def create(self, conversation: Conversation) -> Conversation:
        """Insert, or return the one already there for the same user.

        Two first messages racing each other end up in one conversation. The
        returned conversation has the given one's id exactly when this call
        inserted it: that is how a caller knows it started the conversation
        (the REST channel hands out a conversation's token only then).
        """

    @abstractmethod
    async def save(self, conversation: Conversation) -> Conversation:
        """Write back a changed conversation if nobody changed it meanwhile.

        Raises :class:`~vikno.storage.errors.Conflict` when the stored version
        differs from ``conversation.version``; returns it with the new version.
        """

    @abstractmethod
    async def queue_position(self, conversation: Conversation) -> int | None:
        """1-based place in its helpline's queue, or None when not waiting."""

    @abstractmethod
    async def count_waiting(self, helpline: str) -> int: ...

    # --- the handoff queue: waiting conversations, claimed by operators ---

    @abstractmethod
    async def claim_next(
        self,
        operator_id: str,
        *,
        helplines: Sequence[str],
        teams: Sequence[str] | None,
        languages: Sequence[str] | None,
        now: datetime,
        capacity: int | None = None,
    ) -> Conversation | None:
        """Give the most urgent, then the oldest, matching waiting conversation.

        One atomic statement: under any number of concurrent claimers no
        conversation is claimed twice. ``teams``/``languages`` None match all;
        a conversation without a team or language matches every operator.
        With ``capacity``, nothing is claimed when the operator already talks
        to that many people, and concurrent claims of one operator never get
        past it (the claim itself counts, not a read before it).
        """

    @abstractmethod
    async def claim(
        self, conversation_id: str, operator_id: str, now: datetime, capacity: int | None = None
    ) -> Conversation | None:
        """Take one specific waiting conversation; None if it is not waiting (or the operator is full)."""

    @abstractmethod
    async def waiting(
        self, helplines: Sequence[str], limit: int = 200, priorities: Sequence[str] | None = None
    ) -> list[Conversation]:
        """The queue in serving order (priority, then age), at most ``limit``.

        With ``priorities``, only conversations of those priorities (before
        the limit): a sweep that looks for one kind must not have it hidden
        behind a full page of another (500 crises hid every unanswered
        safety question, attack on issue 21, B2). An empty list finds none.
        """

    @abstractmethod
    async def assigned_to(self, operator_id: str) -> list[Conversation]:
        """Conversations an operator is talking to now."""

    @abstractmethod
    async def with_operators(self, helplines: Sequence[str]) -> list[Conversation]:
        """Every conversation an operator is talking to now, in these helplines."""

    @abstractmethod
    async def queue_stats(self, helplines: Sequence[str]) -> QueueStats:
        """How many wait, by priority, and since when the longest — counted in the database."""


class Messages(ABC):
    @abstractmethod
    async def add_inbound(self, message: Message) -> tuple[Message, bool]:
        """Store an incoming message once per (channel, platform id).

        Returns the stored message and whether it is new; a duplicate returns
        the message stored the first time.
        """

    @abstractmethod
    async def get(self, message_id: str) -> Message | None: ...

    @abstractmethod
    async def by_platform_id(self, channel: str, platform_id: str) -> Message | None: ...

    @abstractmethod
    async def history(
        self, conversation_id: str, limit: int | None = None, *, include_notes: bool = False
    ) -> list[Message]:
        """Messages oldest first; with ``limit``, the newest ``limit`` of them.

        The person's side of the conversation: operators' internal notes are
        left out (and not counted by ``limit``) unless ``include_notes`` asks
        for the staff view. Decided here, once, so that no channel (web chat
        history, live sync, REST, transcripts) can show a note by forgetting
        a filter; only the operator console asks for notes.
        """

    @abstractmethod
    async def replies_to(self, message_id: str) -> list[Message]:
        """The bot's stored replies to a message (never a note), oldest first."""

    @abstractmethod
    async def count(self, conversation_id: str | None = None, *, include_notes: bool = False) -> int:
        """How many messages are stored (in one conversation, or in all).

        Like :meth:`history`, internal notes are left out unless
        ``include_notes`` asks for the staff view: the web chat compares this
        with what the person has seen, and a count with notes in it would tell
        the person how many notes exist and when one is written.
        """

    # --- the outbox: outgoing messages waiting to be pushed to a platform ---
    #
    # Leases have an owner: this store instance (one per process), ``owner``.
    # A sender leases a little at a time, renews its leases while it sends,
    # gives them back when it stops, and on start takes over the leases of
    # owners that are gone, so that a restart holds nothing back.

    #: Who this store instance's leases belong to (unique per open store, i.e. per process).
    owner: str
    #: Whether :meth:`take_over_leases` can tell that an owner is gone (else its leases run out).
    knows_dead_owners: bool

    @abstractmethod
    async def lease_pending(
        self, channel: str, now: datetime, lease: timedelta, limit: int, *, per_conversation: int | None = None
    ) -> list[Message]:
        """Take the due pending messages of up to ``limit`` conversations of a channel.

        A conversation is taken whole, from its oldest pending message on,
        and only when that oldest one is due: so several senders (several
        workers) never interleave one person's messages, and never take the
        same message. With ``per_conversation``, only that many of its
        oldest messages: the rest wait behind the leased head, untouchable
        by other senders, until those are sent. Leasing moves
        ``deliver_after`` to ``now + lease``, adds one to ``attempts`` and
        makes this store instance their ``owner``; a sender that dies lets
        the lease run out (or is taken over, see :meth:`take_over_leases`)
        and the messages are taken again. Returned oldest first.
        """

    @abstractmethod
    async def renew_leases(self, channel: str, until: datetime) -> int:
        """Extend this owner's leases of a channel to ``until``, while it is still sending them.

        Lets leases be short (a dead sender's run out soon) without a slow
        send losing its lease to another sender. A lease another sender took
        over (after it ran out) is not renewed. Returns how many.
        """

    @abstractmethod
    async def release_leases(self, channel: str) -> int:
        """Give back this owner's leases of a channel: its unsent messages are due now.

        A graceful stop calls it after its in-flight sends finished, so the
        next process sends the rest at once instead of after the lease.
        Leasing's added attempt is taken back (nothing was tried). Returns how many.
        """

    @abstractmethod
    async def take_over_leases(self, channel: str) -> int:
        """Free the leases of a channel whose owner is known to be gone; returns how many.

        Called when a sender starts. The embedded store knows (every owner
        holds a lock on a file while its process lives: a process that died,
        even by ``kill -9``, lost it). MongoDB cannot tell a dead process from
        a slow one elsewhere (``knows_dead_owners`` is False): it frees none,
        and short, renewed leases run out instead. Attempts stay counted:
        the owner may have been sending when it died.
        """

    @abstractmethod
    async def leases(self, channel: str, now: datetime) -> dict[str, int]:
        """Who holds unexpired leases of a channel, and on how many pending messages."""

    @abstractmethod
    async def mark_sent(self, message_id: str) -> None:
        """The platform accepted it: never sent again (its lease ends)."""

    @abstractmethod
    async def mark_failed(self, message_id: str) -> None:
        """Give up on a message (the platform refuses it for good)."""

    @abstractmethod
    async def retry_at(self, message_id: str, when: datetime) -> None:
        """Keep a message pending, not before ``when`` (e.g. after HTTP 429).

        Later pending messages of the same conversation wait as long, so that
        a person never gets the second message before the first. They are no
        longer leased: renewing leases leaves them waiting.
        """

    @abstractmethod
    async def count_pending(self, channel: str | None = None) -> int: ...


class Events(ABC):
    @abstractmethod
    async def add(self, event: Event) -> None: ...

    @abstractmethod
    async def count_by(
        self,
        field: str,
        *,
        helpline: str | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str | None, int]:
        """Counts grouped by one field, computed inside the database."""

    @abstractmethod
    async def recent_waits(
        self,
        helpline: str,
        *,
        since: datetime,
        limit: int = 50,
        priorities: Sequence[str] | None = None,
    ) -> list[float]:
        """How long the newest people waited before an operator took them, in seconds, newest first.

        The ``wait_seconds`` of the helpline's ``claimed`` events since
        ``since`` (at most ``limit``; claims without a wait are skipped),
        optionally only of conversations of ``priorities``. The dialogue
        estimates a waiting person's wait from them.
        """


class Operators(ABC):
    @abstractmethod
    async def create(self, operator: Operator) -> Operator:
        """Insert; raises AlreadyExists when the login is taken."""

    @abstractmethod
    async def get(self, operator_id: str) -> Operator | None: ...

    @abstractmethod
    async def by_login(self, login: str) -> Operator | None: ...

    @abstractmethod
    async def save(self, operator: Operator) -> Operator:
        """Write back every field (last writer wins: operators edit their own)."""

    @abstractmethod
    async def all(self) -> list[Operator]: ...

    @abstractmethod
    async def count_available(
        self, helpline: str, *, seen_since: datetime, team: str | None = None, language: str | None = None
    ) -> int:
        """How many operators could answer a conversation of this helpline now.

        Online, seen at or after ``seen_since`` (``last_seen_at``: the flag
        alone outlives a closed laptop, issue 20 item 14), not disabled,
        with a free seat (fewer conversations ``with_operator`` assigned to
        them than their ``capacity``: one who is full cannot take it, and a
        crisis told "a specialist is coming" would wait, attack on issue 21
        A5), and admitted by their lists the way a claim admits them: an
        empty list of helplines, teams or languages admits all, and a
        conversation without a team or language (None) matches every
        operator. Counted in the database.
        """

    @abstractmethod
    async def seen(self, operator_id: str, at: datetime) -> None:
        """Move ``last_seen_at`` forward to ``at`` (never back), touching no other field.

        The console calls it while the operator has it open; writing the
        whole operator instead could undo a change made meanwhile (a
        disable, new teams).
        """

    @abstractmethod
    async def delete(self, operator_id: str) -> bool:
        """Remove an account; False when there was none."""


class Sessions(ABC):
    @abstractmethod
    async def create(self, session: Session) -> None: ...

    @abstractmethod
    async def get(self, session_id: str, now: datetime) -> Session | None:
        """The session if it exists and has not expired."""

    @abstractmethod
    async def delete(self, session_id: str) -> None: ...

    @abstractmethod
    async def delete_expired(self, now: datetime) -> int: ...

    @abstractmethod
    async def touch(self, session_id: str, expires_at: datetime) -> None:
        """Move the session's end (the console's idle timeout slides it on every request)."""

    @abstractmethod
    async def delete_of(self, operator_id: str) -> int:
        """End every session of an operator (disabled, removed, new password); how many there were."""

    @abstractmethod
    async def live_of(self, operator_id: str, now: datetime) -> int:
        """How many of an operator's sessions have not expired at ``now``."""


class LoginAttempts(ABC):
    """Console login attempts per key (a keyed hash of the client address and the login typed).

    An attempt is counted *before* its password is checked, atomically, so
    that parallel guesses cannot all slip in under the limit; the caller
    decides from the number it gets. ``login_key`` (a keyed hash of the
    login alone) lets an administrator clear every key of one login.
    """

    @abstractmethod
    async def hit(self, key: str, login_key: str, now: datetime, forget_after: timedelta) -> int:
        """Count one attempt and return how many there are under ``key`` now, this one included.

        Concurrent hits each get their own number. When the last attempt is
        older than ``forget_after``, counting starts again at 1.
        """

    @abstractmethod
    async def count(self, key: str, now: datetime, forget_after: timedelta) -> int:
        """How many attempts ``hit`` would have counted before this moment (0 when forgotten)."""

    @abstractmethod
    async def clear(self, key: str) -> None:
        """Forget a key's attempts (after a successful login)."""

    @abstractmethod
    async def clear_login(self, login_key: str) -> int:
        """Forget every key of one login (an administrator set a new password); how many there were."""

    @abstractmethod
    async def forget_older(self, before: datetime) -> int:
        """Drop keys whose last attempt was before ``before`` (housekeeping); how many."""


class FeedbackMarks(ABC):
    """Operators' marks on people's messages ("crisis" / "not a crisis"): labelled examples.

    They become training data a helpline exports (``vikno nlu export-feedback``);
    the text in them is personal data, so they are deleted after the
    helpline's retention time (:meth:`delete_older`).
    """

    @abstractmethod
    async def mark(self, feedback: Feedback) -> Feedback:
        """Keep the mark; one per message: a later mark replaces an earlier one (label, who, when)."""

    @abstractmethod
    async def of_conversation(self, conversation_id: str) -> list[Feedback]:
        """The marks on one conversation's messages, oldest mark first."""

    @abstractmethod
    async def since(self, since: datetime | None = None, *, helplines: Sequence[str] | None = None) -> list[Feedback]:
        """Marks made at or after ``since`` (all without it), of these helplines (all without them), oldest first."""

    @abstractmethod
    async def delete_older(self, before: datetime) -> int:
        """Forget marks made before ``before`` (the retention time); how many there were."""


class Reports(ABC):
    """Reports about someone in danger (``models.Report``): anonymous, found again only by their code's hash."""

    @abstractmethod
    async def add(self, report: Report) -> Report:
        """Insert a new report and return it; when a report with the same ``key`` is there already (the same
        draft, submitted again by another worker or after a restart), insert nothing and return that one.

        Decided by the store in one step (a unique index), never by a read before the write: two workers
        submitting one draft at once get the same report back. ``code_hash`` and ``id`` are unique too:
        AlreadyExists when another report holds them. Reports without a key never clash on it.
        """

    @abstractmethod
    async def get(self, report_id: str) -> Report | None: ...

    @abstractmethod
    async def by_code(self, helpline: str, code_hash: str) -> Report | None:
        """The report of this helpline whose reference code hashes to ``code_hash``."""

    @abstractmethod
    async def by_conversation(self, conversation_id: str) -> Report | None:
        """The report whose queue conversation this is (the console's card)."""

    @abstractmethod
    async def add_information(self, report_id: str, addition: dict[str, Any], now: datetime) -> Report | None:
        """Append one addition atomically (two at once both stay); None when there is no such report."""

    @abstractmethod
    async def record_outcome(
        self, report_id: str, outcome: dict[str, Any], status: str, now: datetime
    ) -> Report | None:
        """Append an operator's outcome and set the status the reporter is told, atomically."""


class Appeals(ABC):
    """Citizens' appeals (``models.Appeal``): found by their number's hash, listed for the staff of their line."""

    @abstractmethod
    async def add(self, appeal: Appeal) -> Appeal:
        """Insert a new appeal and return it; when an appeal with the same ``key`` is there already (the same
        draft, registered again by another worker or after a restart), insert nothing and return that one.

        Decided by the store in one step (a unique index), as ``Reports.add``. ``number_hash`` and ``id`` are
        unique too: AlreadyExists when another appeal holds them. Appeals without a key never clash on it.
        """

    @abstractmethod
    async def get(self, appeal_id: str) -> Appeal | None: ...

    @abstractmethod
    async def by_number(self, helpline: str, number_hash: str) -> Appeal | None:
        """The appeal of this helpline whose reference number hashes to ``number_hash``."""

    @abstractmethod
    async def of_helplines(
        self, helplines: Sequence[str], *, status: str | None = None, limit: int = 100
    ) -> list[Appeal]:
        """The newest appeals of these helplines (of one status when given), newest first, at most ``limit``."""

    @abstractmethod
    async def set_status(self, appeal_id: str, change: dict[str, Any], status: str, now: datetime) -> Appeal | None:
        """Append one change to the history and set the status, atomically (two at once both stay);
        None when there is no such appeal."""


class Visits(ABC):
    """Mobile brigades' visits (``models.Visit``): the dispatch card and its status, one record each."""

    @abstractmethod
    async def add(self, visit: Visit) -> Visit:
        """Insert a new visit (AlreadyExists when its id is taken)."""

    @abstractmethod
    async def get(self, visit_id: str) -> Visit | None: ...

    @abstractmethod
    async def of_teams(
        self,
        helplines: Sequence[str],
        teams: Sequence[str] | None,
        *,
        statuses: Sequence[str] | None = None,
        limit: int = 200,
    ) -> list[Visit]:
        """Visits of these helplines and teams (``teams`` None: every team), of ``statuses`` (None: all),
        oldest first, at most ``limit``. An empty list of helplines or teams finds none."""

    @abstractmethod
    async def of_conversation(self, conversation_id: str) -> list[Visit]:
        """The visits dispatched from one conversation, oldest first (the chat page lists them)."""

    @abstractmethod
    async def move(
        self, visit_id: str, from_status: str, changes: dict[str, Any], entry: dict[str, Any], now: datetime
    ) -> Visit | None:
        """Set ``changes`` (status, outcome, help, people) and append ``entry`` to the history, atomically,
        only if the visit's status is still ``from_status``; None when it is not (or there is no such visit):
        two brigade members moving one visit at once never both win."""


class Store(ABC):
    """One database, its collections and the few operations across them."""

    kind: str
    conversations: Conversations
    messages: Messages
    events: Events
    operators: Operators
    sessions: Sessions
    login_attempts: LoginAttempts
    #: The schema version this vikno writes (``vikno store migrate`` brings a database to it).
    schema_version: int
    #: The migrations the last :meth:`open` ran, e.g. ``["2: platform message ids ..."]``.
    migrated: list[str]
    #: Outcomes of recent writes, and reads that met damage: ``/healthz`` is unhealthy while they fail,
    #: even if a ping answers.
    writes: WriteHealth
    feedback: FeedbackMarks
    reports: Reports
    appeals: Appeals
    visits: Visits

    @abstractmethod
    async def open(self) -> None:
        """Connect, check, migrate to :attr:`schema_version` and create indexes.

        Safe to call again after a failure, and on every start: migrations
        that ran once do not run again. Raises StoreUnavailable when the
        database cannot be reached (retry), StoreDamaged or
        ConfigurationError when retrying cannot help (stop, say what to do).
        """

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> bool:
        """True when the database answers now."""

    @abstractmethod
    async def commit_turn(
        self,
        conversation: Conversation,
        inbound: Message | None,
        replies: Sequence[Message],
        events: Sequence[Event],
    ) -> Conversation:
        """Record one dialogue step: the message in, the replies, the new state.

        ``inbound`` is None for a step without a message in (an operator's
        reply: the message, the conversation and the event in one commit).

        Stores ``inbound`` (unless it is there already under the same id),
        saves the conversation (optimistic: Conflict when it changed since it
        was read), stores the replies and events and marks ``inbound``
        handled. When another message with the same (channel, platform id)
        exists, raises Duplicate and writes nothing. SQLite does it all in
        one transaction; MongoDB in that order with idempotent writes, so a
        retry after a crash completes it.
        """

    @abstractmethod
    async def figures(self, period: Period) -> Figures:
        """The helpline's figures for a period, computed inside the database.

        Definitions in ``storage/figures.py``. Grouped counts and
        percentiles come from SQL (SQLite) or aggregation pipelines
        (MongoDB); no event is read into Python.
        """

    @abstractmethod
    async def rename_helpline(self, old: str, new: str) -> int:
        """Move every stored record of helpline ``old`` to ``new``; how many records moved.

        A line renamed in its content (``former_ids`` in helpline.yml) keeps its conversations, messages,
        events, crisis marks, reports, appeals, brigades' visits and the operators admitted to it. Idempotent (a
        second run finds
        nothing), so ``vikno serve`` runs it at every start. A conversation of ``old`` whose person already
        has one under ``new`` (same channel and user) is left where it is: two conversations of one
        person cannot share a key, and the newer one is the one they are in.
        """

    @abstractmethod
    async def insert_records(
        self, conversations: Sequence[Conversation], messages: Sequence[Message], events: Sequence[Event]
    ) -> None:
        """Write records as they are, many at a time (generated demo traffic).

        No dialogue runs, no outbox is fed (give messages ``delivery`` None):
        rows whose id is stored already are left alone, so a batch written
        again changes nothing. A bulk path, not the turn's: the queue,
        de-duplication of platform retries and versions are not checked.
        """
