"""The handoff queue as operators work it: take, reply, note, transfer, close.

Entering the queue is the dialogue's job (flows/dialogue.py: crisis, "talk
to a person", repeated misunderstanding, flows that say so). Everything an
operator does after that is here, on top of the storage port's atomic
claims. Every change of a conversation is a compare-and-set that is retried
on conflict, because the person may be writing at the same moment.

Who may do what is decided by one rule, ``access.access``, the same the
console's reads and its live socket use. An operator's reply is one commit
(message, conversation, event), so a reply is never pending for the person
unless the console was told it went through.

Delivery is not this module's business: a message for the person is
stored (as a pending outbox message on push channels) and handed to
``on_outgoing``; console updates go to ``on_change``, each carrying the
facts of its conversation (helpline, team, language, state, operator) so
that every console socket can apply the access rule to it. The composition
root connects both to the channels and the console.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from vikno.flows.channels import ChannelRegistry
from vikno.flows.content import Helpline
from vikno.flows.dialogue import RISK_FLAGS, SAFETY_CHECK
from vikno.flows.reports import OUTCOME_STATUS, OUTCOMES, REPORT_CHANNEL
from vikno.storage.identity import IdentityVault
from vikno.storage.errors import Conflict
from vikno.storage.models import (
    Conversation,
    Delivery,
    Direction,
    Event,
    Feedback,
    FeedbackLabel,
    Message,
    Operator,
    Presence,
    Priority,
    Report,
    Sender,
    State,
    utcnow,
)
from vikno.storage.port import Store

from .access import Access, Facts, access, helplines_of
from .names import has_name_for_person, name_for_person
from .wrapup import Outcome, categories_for

log = logging.getLogger(__name__)

Outgoing = Callable[[Conversation, Message], Awaitable[None]]
Change = Callable[[dict[str, Any]], Awaitable[None]]
NOTE = "internal"  # direction of notes: never shown to the person, never sent


class HandoffError(Exception):
    """An operator asked for something that cannot be done.

    ``code`` says what, as a key of the console's catalogue, and ``values``
    fill its text in (``error.capacity`` with ``n``): the console translates
    the code, never the English words, which are for logs and the CLI.
    ``status`` is set where the refusal is about access (403: not yours,
    404: no such conversation for you) or a race lost (409), so the console
    answers with it.
    """

    def __init__(self, message: str, *, code: str, status: int | None = None, **values: object) -> None:
        super().__init__(message)
        self.status, self.code, self.values = status, code, values


def _no_such() -> HandoffError:
    return HandoffError("no such conversation", status=404, code="error.no_such_conversation")


def _not_yours() -> HandoffError:
    return HandoffError(
        "this conversation is not yours; take it from the queue first", status=403, code="error.not_yours"
    )


async def _nothing(*_: Any) -> None:
    return None


class Handoff:
    def __init__(
        self,
        store: Store,
        helplines: dict[str, Helpline],
        *,
        channels: ChannelRegistry,
        on_outgoing: Outgoing = _nothing,
        on_change: Change = _nothing,
        clock: Callable[[], datetime] = utcnow,
        vault: IdentityVault | None = None,
    ) -> None:
        self.store = store
        #: decrypts a reporter's contact for the staff of the report's team (None: contacts stay sealed)
        self.vault = vault
        self.helplines = helplines
        #: what each channel can do (flows/channels.py): whether a message waits in the outbox
        self.channels = channels
        self.on_outgoing = on_outgoing
        self.on_change = on_change
        self.clock = clock

    # --- who may do what ------------------------------------------------------

    def _scope(self, operator: Operator) -> list[str]:
        return helplines_of(operator, self.helplines)

    def access(self, operator: Operator, conv: Conversation) -> Access:
        """The one rule (handoff/access.py) for this server's helplines."""
        return access(operator, conv, self.helplines)

    async def _own(self, operator: Operator, conversation_id: str) -> Conversation:
        """The conversation if the operator may read and act on it (403/404 otherwise)."""
        conv = await self.store.conversations.get(conversation_id)
        if conv is None or conv.helpline not in self._scope(operator):
            raise _no_such()
        if self.access(operator, conv) != Access.FULL:
            raise _not_yours()
        return conv

    # --- taking conversations ------------------------------------------------

    async def take_next(self, operator: Operator) -> Conversation | None:
        """The most urgent, then oldest, waiting conversation the operator may take."""
        await self._check_capacity(operator)
        conv = await self.store.conversations.claim_next(
            operator.id,
            helplines=self._scope(operator),
            teams=operator.teams or None,
            languages=operator.languages or None,
            now=self.clock(),
            capacity=operator.capacity,
        )
        if conv is None:
            await self._check_capacity(operator)  # full by now (another tab was quicker), or nobody waits
            return None
        await self._joined(operator, conv)
        return conv

    async def pick(self, operator: Operator, conversation_id: str) -> Conversation:
        """Take one particular waiting conversation (someone else may be faster)."""
        await self._check_capacity(operator)
        conv = await self.store.conversations.get(conversation_id)
        if conv is None or conv.helpline not in self._scope(operator):
            raise _no_such()
        queued_for_them = Facts(conv.helpline, State.WAITING, conv.team, conv.language)
        if access(operator, queued_for_them, self.helplines) == Access.NONE:
            raise HandoffError(
                "this conversation is for another team or language", status=403, code="error.not_your_queue"
            )
        claimed = await self.store.conversations.claim(
            conversation_id, operator.id, self.clock(), capacity=operator.capacity
        )
        if claimed is None:
            await self._check_capacity(operator)
            raise HandoffError(
                "this conversation is no longer waiting: another operator has taken it", status=409, code="error.taken"
            )
        await self._joined(operator, claimed)
        return claimed

    async def _check_capacity(self, operator: Operator) -> None:
        """A friendly refusal before trying; the claim itself enforces the capacity (storage port)."""
        if operator.presence != Presence.ONLINE:
            raise HandoffError("set yourself online to take conversations", code="error.go_online")
        if len(await self.store.conversations.assigned_to(operator.id)) >= operator.capacity:
            raise HandoffError(
                f"you already have {operator.capacity} open chats (your capacity)",
                status=409,
                code="error.capacity",
                n=operator.capacity,
            )

    async def _joined(self, operator: Operator, conv: Conversation) -> None:
        now = self.clock()

        def fresh(c: Conversation) -> None:
            c.data.pop("first_reply_at", None)
            c.data.pop("operator_last_reply_at", None)

        conv = await self._update(conv.id, fresh)
        waited = (now - conv.enqueued_at).total_seconds() if conv.enqueued_at else None
        await self.store.events.add(self._event(conv, "claimed", operator=operator.id, wait_seconds=waited))
        await self._tell_joined(operator, conv)
        await self._changed("claimed", conv)

    async def _tell_joined(self, operator: Operator, conv: Conversation) -> None:
        """The person learns that someone (else) now reads: by a given name, else as "a specialist"."""
        line = self.helplines.get(conv.helpline)
        lang = line.language_or_default(conv.language) if line else conv.language
        if has_name_for_person(operator):
            await self._tell(conv, "operator_joined", operator=name_for_person(operator, lang))
        else:  # "a specialist has joined", not "a specialist has joined: specialist"
            await self._tell(conv, "operator_joined_unnamed")

    def _shown_name(self, operator: Operator, conv: Conversation) -> str | None:
        """The name on the operator's messages, where the helpline shows specialists by name (else the role)."""
        line = self.helplines.get(conv.helpline)
        if line is None or line.settings.specialist_label != "name" or not has_name_for_person(operator):
            return None
        return name_for_person(operator, conv.language)

    # --- talking ------------------------------------------------------------

    async def reply(self, operator: Operator, conversation_id: str, text: str) -> Message:
        """The operator's words to the person: message, conversation and event in one commit.

        When the conversation changed meanwhile (the person wrote), the
        whole reply is tried again on the fresh conversation, access
        included; until a commit succeeds nothing is stored, so nothing
        is sent.
        """
        text = text.strip()
        if not text:
            raise HandoffError("the reply is empty", code="error.reply_empty")
        if (
            found := await self.store.conversations.get(conversation_id)
        ) is not None and found.channel == REPORT_CHANNEL:
            raise HandoffError("a report has no chat to answer in", code="error.report_no_chat")
        if len(text) > 4096:
            raise HandoffError("the reply is longer than 4,096 characters; split it", code="error.reply_too_long")
        message: Message | None = None
        for _ in range(8):
            conv = await self._own(operator, conversation_id)
            if message is None:  # the same id on every attempt: a commit is never doubled
                message = self._message(conv, Sender.OPERATOR, text)
                message.shown_name = self._shown_name(operator, conv)
            now = self.clock()
            first = "first_reply_at" not in conv.data
            conv.data["operator_last_reply_at"] = now.isoformat()
            conv.data.setdefault("first_reply_at", now.isoformat())
            response = (now - conv.claimed_at).total_seconds() if first and conv.claimed_at else None
            event = self._event(
                conv, "operator_reply", operator=operator.id, first=first, first_response_seconds=response
            )
            try:
                conv = await self.store.commit_turn(conv, None, [message], [event])
            except Conflict:
                continue
            await self.on_outgoing(conv, message)
            await self._changed("message", conv)
            return message
        raise HandoffError("the conversation is changing too fast; try again", code="error.too_fast")

    async def note(self, operator: Operator, conversation_id: str, text: str) -> Message:
        """An internal note: colleagues see it, the person never does."""
        conv = await self._own(operator, conversation_id)
        note = Message(
            conversation_id=conv.id,
            helpline=conv.helpline,
            channel=conv.channel,
            direction=NOTE,
            sender=Sender.OPERATOR,
            kind="note",
            text=text.strip()[:4096],
        )
        note.buttons = [{"operator": operator.display_name}]
        await self.store.messages.add_inbound(note)
        await self._changed("message", conv)
        return note

    # --- the operator's word on a risk ---------------------------------------------

    async def mark_risk(self, operator: Operator, conversation_id: str, message_id: str, label: str) -> Feedback:
        """The operator's mark on a message: "crisis" or "not a crisis", kept as a labelled example.

        Any text the person wrote in this conversation may be marked: a
        message the crisis layer flagged (its level and reasons go with the
        mark) or one it missed (level "none"), the most useful example of
        all. "crisis" raises the conversation to priority ``crisis`` (team
        none, as every crisis), whatever it was: the operator knows best, and
        should the chat go back to the queue it comes back at the top. "not a
        crisis" never lowers a priority by itself; the operator closes or
        transfers as usual.
        """
        if label not in set(FeedbackLabel):
            raise HandoffError("mark the message crisis or not a crisis", code="error.mark_label")
        conv = await self._own(operator, conversation_id)
        message = await self.store.messages.get(message_id) if message_id else None
        if (
            message is None
            or message.conversation_id != conv.id
            or message.direction != Direction.IN
            or message.sender != Sender.USER
            or not (message.text or "").strip()
        ):
            raise HandoffError(
                "no such message of the person in this conversation", status=404, code="error.mark_message"
            )
        flag = flag_of(conv, message.id) or {}
        feedback = Feedback(
            message_id=message.id,
            conversation_id=conv.id,
            helpline=conv.helpline,
            text=message.text or "",
            language=flag.get("language") or conv.language,
            label=label,
            level=flag.get("level") or "none",
            reasons=[str(r) for r in flag.get("reasons") or []],
            operator_id=operator.id,
            marked_at=self.clock(),
        )
        await self.store.feedback.mark(feedback)
        await self.store.events.add(
            self._event(
                conv, "risk_marked", operator=operator.id, label=label, level=feedback.level, message_id=message.id
            )
        )
        if label == FeedbackLabel.CRISIS and conv.priority != Priority.CRISIS and conv.state != State.CLOSED:
            await self._raise_to_crisis(operator, conv.id)
        else:
            await self._changed("message", conv)
        return feedback

    async def _raise_to_crisis(self, operator: Operator, conversation_id: str) -> None:
        raised = False

        def change(c: Conversation) -> None:
            nonlocal raised
            raised = c.priority != Priority.CRISIS and c.state != State.CLOSED
            if not raised:  # raised meanwhile (the person pressed "in danger"), or closed
                return
            c.priority, c.team = Priority.CRISIS, None
            check = c.data.get(SAFETY_CHECK)
            if isinstance(check, dict) and not check.get("escalated"):
                check["escalated"] = "operator_marked"

        conv = await self._update(conversation_id, change)
        if not raised:
            await self._changed("message", conv)
            return
        await self.store.events.add(
            self._event(conv, "priority_raised", operator=operator.id, reason="operator_marked")
        )
        await self.store.events.add(self._event(conv, "risk_escalated", operator=operator.id, reason="operator_marked"))
        await self._changed("crisis", conv)

    # --- reports about someone in danger ----------------------------------------------

    async def report_of(self, operator: Operator, conversation_id: str) -> tuple[Conversation, Report]:
        """A report's card, for whoever may read its queue conversation (the one access rule)."""
        conv = await self._own(operator, conversation_id)
        report = await self.store.reports.by_conversation(conv.id) if conv.channel == REPORT_CHANNEL else None
        if report is None:
            raise HandoffError("this conversation is no report", status=404, code="error.no_report")
        return conv, report

    @staticmethod
    def may_contact(operator: Operator, report: Report) -> bool:
        """Staff of the report's team (an empty list of teams is every team, as in the queue) see the contact."""
        return not operator.disabled and (not operator.teams or report.team in operator.teams)

    async def reveal_contact(self, operator: Operator, conversation_id: str) -> str:
        """The reporter's phone, decrypted on demand for the staff of the report's team; every look is an event."""
        conv, report = await self.report_of(operator, conversation_id)
        if report.contact is None:
            raise HandoffError("the report is anonymous", status=404, code="error.report_anonymous")
        if not self.may_contact(operator, report) or self.vault is None:
            raise HandoffError("the contact is for the report's team", status=403, code="error.report_contact_team")
        await self.store.events.add(
            self._event(conv, "report_contact_shown", report_id=report.id, operator=operator.id)
        )
        return self.vault.decrypt(report.contact)

    async def record_outcome(
        self, operator: Operator, conversation_id: str, *, outcome: str, referred_to: str = "", note: str = ""
    ) -> Report:
        """What was done: kept on the report (the reporter hears only its status) and as a ``report_outcome`` event."""
        if outcome not in OUTCOMES:
            raise HandoffError("choose what was done", code="error.report_outcome")
        conv, report = await self.report_of(operator, conversation_id)
        referred = referred_to.strip()[:200] or None
        now = self.clock()
        updated = await self.store.reports.record_outcome(
            report.id,
            {
                "outcome": outcome,
                "referred_to": referred,
                "note": note.strip()[:2000],
                "operator": operator.id,
                "at": now.isoformat(),
            },
            OUTCOME_STATUS[outcome],
            now,
        )
        assert updated is not None
        await self.store.events.add(
            self._event(
                conv, "report_outcome", report_id=report.id, outcome=outcome, referred_to=referred, operator=operator.id
            )
        )
        await self._changed("message", conv)
        return updated

    # --- handing on -----------------------------------------------------------

    async def transfer(
        self,
        operator: Operator,
        conversation_id: str,
        *,
        to_team: str | None = None,
        to_operator: Operator | None = None,
        note: str | None = None,
    ) -> Conversation:
        if (to_team is None) == (to_operator is None):
            raise HandoffError("transfer to either a team or an operator", code="error.transfer_target")
        if note:
            await self.note(operator, conversation_id, note)

        def change(conv: Conversation) -> None:
            if to_operator is not None:
                conv.state, conv.operator_id, conv.claimed_at = State.WITH_OPERATOR, to_operator.id, self.clock()
            else:
                conv.state, conv.operator_id, conv.team = State.WAITING, None, to_team

        had = (await self._own(operator, conversation_id)).operator_id
        conv = await self._update(conversation_id, change)
        await self.store.events.add(
            self._event(
                conv,
                "transferred",
                operator=operator.id,
                to_team=to_team,
                to_operator=to_operator.id if to_operator else None,
            )
        )
        # the person is told, as a join is: the one who was reading now hands them on (nothing if no such text)
        await self._tell(conv, "operator_transferred")
        if to_operator is not None and to_operator.id != had:
            # straight to a colleague (or a supervisor taking over): no claim follows, so the person learns
            # here that someone else now reads; one sent to a team is told when it is taken (``_joined``)
            await self._tell_joined(to_operator, conv)
        await self._changed("transferred", conv, involved=[operator.id, had])
        return conv

    async def close(
        self, operator: Operator, conversation_id: str, *, category: str, outcome: str, note: str = ""
    ) -> Conversation:
        """Close with the mandatory wrap-up; the bot takes over again."""
        conv = await self._own(operator, conversation_id)
        line = self.helplines[conv.helpline]
        if category not in categories_for(line.topic_order):
            raise HandoffError("choose a wrap-up category from the list", code="error.category")
        if outcome not in set(Outcome):
            raise HandoffError(f"choose an outcome: {', '.join(Outcome)}", code="error.outcome")
        now = self.clock()

        def change(c: Conversation) -> None:
            c.data["wrapup"] = {
                "category": category,
                "outcome": outcome,
                "note": note.strip()[:2000],
                "operator": operator.id,
                "at": now.isoformat(),
            }
            c.data["survey_open"] = outcome != Outcome.ABUSIVE
            c.state, c.operator_id, c.priority, c.enqueued_at, c.claimed_at = State.CLOSED, None, None, None, None
            c.step = "closed"

        handled = (now - conv.claimed_at).total_seconds() if conv.claimed_at else None
        had = conv.operator_id
        conv = await self._update(conversation_id, change)
        await self.store.events.add(
            self._event(
                conv, "closed", operator=operator.id, category=category, outcome=outcome, handle_seconds=handled
            )
        )
        await self._tell(conv, "conversation_closed")
        if outcome != Outcome.ABUSIVE and conv.channel != REPORT_CHANNEL:  # one question, two buttons
            await self._tell(
                conv,
                "survey_question",
                buttons=(("button_survey_yes", "survey:yes"), ("button_survey_no", "survey:no")),
            )
        await self._changed("closed", conv, involved=[operator.id, had])
        return conv

    async def release(self, operator_id: str, reason: str) -> list[Conversation]:
        """Put an operator's open chats back at the head of their priority."""
        released = [
            conv
            for conv in [
                await self._release_one(c.id, operator_id, reason)
                for c in await self.store.conversations.assigned_to(operator_id)
            ]
            if conv is not None
        ]
        for conv in released:
            await self._changed("requeued", conv, involved=[operator_id])
        return released

    async def _release_one(self, conversation_id: str, operator_id: str, reason: str) -> Conversation | None:
        moved = False

        def change(c: Conversation) -> None:
            nonlocal moved
            moved = c.state == State.WITH_OPERATOR and c.operator_id == operator_id
            if moved:  # enqueued_at stays: back at the head of its priority
                c.state, c.operator_id, c.claimed_at = State.WAITING, None, None

        conv = await self._update(conversation_id, change)
        if not moved:
            return None
        await self.store.events.add(self._event(conv, "requeued", operator=operator_id, reason=reason))
        # the specialist is gone (offline, or no answer for too long): the person must not go on writing to
        # someone who no longer reads, and learns that the next one will answer (nothing if no such text)
        await self._tell(conv, "operator_left")
        return conv

    async def set_presence(self, operator: Operator, presence: str) -> Operator:
        if presence not in set(Presence):
            raise HandoffError(f"presence is one of {', '.join(Presence)}", code="error.presence")
        operator.presence, operator.last_seen_at = presence, self.clock()
        await self.store.operators.save(operator)
        if presence == Presence.OFFLINE:
            await self.release(operator.id, "offline")
        await self.on_change(
            {"type": "presence", "operator_id": operator.id, "presence": presence, "helplines": self._scope(operator)}
        )
        return operator

    async def release_unanswered(self, after: timedelta) -> list[Conversation]:
        """Chats where the person has waited ``after`` for the operator go back to the queue.

        The person waits from the claim until the operator's first words,
        and from any message of theirs newer than the operator's last reply.
        Only those chats move; the operator keeps the others.
        """
        stale: list[Conversation] = []
        now = self.clock()
        for operator in await self.store.operators.all():
            for conv in await self.store.conversations.assigned_to(operator.id):
                since = _waiting_since(conv)
                if since is not None and now - since > after:
                    released = await self._release_one(conv.id, operator.id, "no_answer")
                    if released is not None:
                        stale.append(released)
                        await self._changed("requeued", released, involved=[operator.id])
        return stale

    async def set_absent_offline(self) -> list[Operator]:
        """Operators marked online or away without a live console session go offline (their chats are released).

        A session ends by idle timeout or its 12-hour limit without anyone
        pressing "log out", and a closed laptop presses nothing: the flag
        would stay "online" for ever (attack report B1). The console's upkeep
        calls this; a person is meanwhile not told someone is there, since
        the outlook also asks for a recent ``last_seen_at``.
        """
        now = self.clock()
        gone = []
        for operator in await self.store.operators.all():
            if operator.presence == Presence.OFFLINE or operator.disabled:
                continue
            if await self.store.sessions.live_of(operator.id, now) == 0:
                gone.append(await self.set_presence(operator, Presence.OFFLINE))
        return gone

    async def block(self, operator: Operator, conversation_id: str, until: datetime) -> Conversation:
        """Block an abusive user: a neutral message, no queue, until ``until``."""
        had = (await self._own(operator, conversation_id)).operator_id

        def change(c: Conversation) -> None:
            c.data["blocked_until"] = until.isoformat()
            c.state, c.operator_id, c.priority, c.enqueued_at = State.CLOSED, None, None, None

        conv = await self._update(conversation_id, change)
        await self.store.events.add(self._event(conv, "blocked", operator=operator.id, until=until.isoformat()))
        await self._changed("closed", conv, involved=[operator.id, had])
        return conv

    # --- helpers --------------------------------------------------------------

    async def _changed(self, kind: str, conv: Conversation, involved: list[str | None] | None = None) -> None:
        """Nudge the consoles, with the facts the access rule needs to choose which ones."""
        event: dict[str, Any] = {"type": kind, "conversation_id": conv.id, **Facts.of(conv).as_event()}
        if conv.priority:
            event["priority"] = conv.priority
        if involved:
            event["involved"] = [i for i in involved if i]
        await self.on_change(event)

    async def _update(self, conversation_id: str, change: Callable[[Conversation], None]) -> Conversation:
        for _ in range(8):
            conv = await self.store.conversations.get(conversation_id)
            if conv is None:
                raise _no_such()
            change(conv)
            try:
                return await self.store.conversations.save(conv)
            except Conflict:
                continue
        raise HandoffError("the conversation is changing too fast; try again", code="error.too_fast")

    def _message(self, conv: Conversation, sender: str, text: str) -> Message:
        pushes = self.channels.pushes(conv.channel)
        return Message(
            conversation_id=conv.id,
            helpline=conv.helpline,
            channel=conv.channel,
            direction=Direction.OUT,
            sender=sender,
            text=text,
            delivery=Delivery.PENDING if pushes else None,
        )

    async def _tell(
        self, conv: Conversation, key: str, buttons: tuple[tuple[str, str], ...] = (), **values: object
    ) -> None:
        line = self.helplines.get(conv.helpline)
        if line is None or key not in line.texts:
            return
        lang = line.language_or_default(conv.language)
        # in the chat's topic's own words where it has them (a child on the child's path: "ти", not "Ви")
        message = self._message(conv, Sender.SYSTEM, line.say_on_topic(conv.topic, key, lang, **values))
        message.buttons = [{"title": line.say(title, lang), "payload": payload} for title, payload in buttons]
        await self.store.messages.add_inbound(message)
        await self.on_outgoing(conv, message)

    async def own(self, operator: Operator, conversation_id: str) -> Conversation:
        """The chat if the operator may read and act on it (HandoffError 403/404 otherwise)."""
        return await self._own(operator, conversation_id)

    async def tell_person(self, conv: Conversation, key: str, **values: object) -> None:
        """Say one of the line's texts to the person of a chat, as the line (an appeal registered for them)."""
        await self._tell(conv, key, (), **values)

    def _event(self, conv: Conversation, kind: str, **data: Any) -> Event:
        return Event(
            helpline=conv.helpline,
            kind=kind,
            conversation_id=conv.id,
            channel=conv.channel,
            language=conv.language,
            topic=conv.topic,
            priority=conv.priority,
            data=data,
            at=self.clock(),
        )


def flag_of(conv: Conversation, message_id: str) -> dict[str, Any] | None:
    """The crisis layer's flag on one of the conversation's messages (flows/dialogue.py), if it flagged it."""
    for flag in reversed(conv.data.get(RISK_FLAGS) or []):
        if isinstance(flag, dict) and flag.get("message_id") == message_id:
            return flag
    return None


def _waiting_since(conv: Conversation) -> datetime | None:
    last_reply = conv.data.get("operator_last_reply_at")
    if not last_reply:
        return conv.claimed_at
    replied = datetime.fromisoformat(last_reply)
    if conv.last_message_at is not None and conv.last_message_at > replied:
        return conv.last_message_at
    return None
