"""The dialogue engine: one inbound message in, stored replies out.

Order matters for "an acknowledged message is never lost": the inbound
message is committed first (a platform retry of it is recognised by its
platform id), then the step runs and its outcome (conversation, replies,
events) is committed as one turn. Only then does a channel answer. If two
messages of one person race, the optimistic version check makes the loser
re-run its step on fresh state.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from datetime import datetime
from operator import attrgetter

from vikno.nlu.types import Parse, Understanding
from vikno.storage.errors import ConfigurationError, Conflict, Duplicate, StoreUnavailable
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation, Delivery, Direction, Event, Message, Sender, utcnow
from vikno.storage.port import Store

from .appeals import AppealDesk
from .channels import ChannelRegistry
from .content import Helpline, default_helpline_id
from .dialogue import StepContext, run_step
from .messages import ConversationView, Inbound, Kind, Outbound, Turn
from .report_codes import masked
from .outlook import QueueOutlook
from .report_flow import shown_again
from .reports import QueueTurn, ReportDesk
from .see_also import tail, with_tail

log = logging.getLogger(__name__)

#: ``observer(conversation, inbound message, events of the turn)``
TurnObserver = Callable[[Conversation, Message, list[Event]], Awaitable[None]]

MAX_ATTEMPTS = 8
_PUSH_CHANNELS_GONE = (
    "Engine.push_channels is gone; register the channel in engine.channels (flows/channels.py) "
    "with Abilities(pushes=True)"
)


class UnknownHelpline(LookupError):
    pass


def platform_id_in(conv: Conversation, platform_id: str) -> str:
    """A platform id made unique to its conversation, for an id another conversation already holds.

    Platforms number messages per chat, not per bot or line: one person's message 2 to a second line's
    Telegram bot has the same chat and message id as their message 2 to the first line's bot, and a
    REST key may be used on every line. The store recognises a retry by (channel, platform id); an id
    found in *another* conversation is not a retry (a retry always comes back to its own conversation),
    so the message is stored under this scoped id instead. Before, it was answered with the other
    conversation's replies (to someone without its token) or not at all.
    """
    return f"{conv.id}/{platform_id}"


class ConversationExists(Exception):
    """``handle(..., only_new=True)`` found the conversation already there: nothing was stored."""


class Engine:
    def __init__(
        self,
        store: Store,
        vault: IdentityVault,
        helplines: dict[str, Helpline],
        nlu: Understanding | None = None,
        *,
        default_helpline: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        channels: ChannelRegistry | None = None,
    ) -> None:
        if not helplines:
            raise ValueError("the engine needs at least one helpline")
        self.store = store
        self.vault = vault
        self.helplines = helplines
        self.nlu = nlu
        self.default_helpline = default_helpline or default_helpline_id(helplines)
        self.clock = clock
        # What each channel can do (flows/channels.py): whether its replies wait in the outbox
        # for a pump to push them, or are handed back on the request or socket that asked.
        self.channels = channels if channels is not None else ChannelRegistry()
        self._recent = RecentConversations()
        # One turn at a time per person and line in this process (``handle``); a lock lives while it is held.
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.queue = QueueOutlook(store)
        self.reports = ReportDesk(store, vault)
        self.appeals = AppealDesk(store, vault)
        # Called after every committed turn (the console listens: new messages,
        # queue changes, crisis alerts). An observer's failure never fails a turn.
        self.observers: list[TurnObserver] = []

    @property
    def push_channels(self) -> frozenset[str]:
        """Gone: ask ``channels`` (flows/channels.py). A property, so that setting it fails loudly
        instead of leaving a push channel's replies unqueued (never sent)."""
        raise AttributeError(_PUSH_CHANNELS_GONE)

    @push_channels.setter
    def push_channels(self, _: frozenset[str]) -> None:
        raise AttributeError(_PUSH_CHANNELS_GONE)

    def helpline(self, helpline_id: str | None) -> Helpline:
        try:
            return self.helplines[helpline_id or self.default_helpline]
        except KeyError:
            raise UnknownHelpline(f"no helpline {helpline_id!r}; known: {', '.join(self.helplines)}") from None

    async def conversation_for(self, inbound: Inbound, *, only_new: bool = False) -> tuple[Conversation, bool]:
        """The person's conversation, and whether this call created it.

        "Created" comes from the store's atomic create (the conversation it
        returns is the one given exactly when it inserted it), never from a
        read before it: of two first messages racing, only one started the
        conversation. ``only_new`` skips the read (a new key is the usual
        case) and the create decides.
        """
        line = self.helpline(inbound.helpline)
        user_key = self.vault.user_key(inbound.channel, inbound.user_id)
        cached = self._recent.get((line.id, inbound.channel, user_key))
        if cached is not None:
            return cached, False
        if not only_new:
            found = await self.store.conversations.find_by_user(line.id, inbound.channel, user_key)
            if found is not None:
                return found, False
        fresh = Conversation(
            helpline=line.id,
            channel=inbound.channel,
            user_key=user_key,
            address=self.vault.encrypt(inbound.address or inbound.user_id),
        )
        stored = await self.store.conversations.create(fresh)
        return stored, stored.id == fresh.id

    async def find(self, channel: str, user_id: str, helpline_id: str | None = None) -> Conversation | None:
        line = self.helpline(helpline_id)
        return await self.store.conversations.find_by_user(line.id, channel, self.vault.user_key(channel, user_id))

    async def handle(self, inbound: Inbound, *, only_new: bool = False) -> Turn:
        """One message in, its committed turn out.

        ``only_new``: the message may only start a conversation (a REST
        message without the conversation's token); when the conversation is
        already there, ConversationExists is raised and nothing is stored.
        """
        line = self.helpline(inbound.helpline)
        async with self._turn_lock(line.id, inbound.channel, self.vault.user_key(inbound.channel, inbound.user_id)):
            return await self._handle(inbound, line, only_new)

    async def _handle(self, inbound: Inbound, line: Helpline, only_new: bool) -> Turn:
        conv, created = await self.conversation_for(inbound, only_new=only_new)
        if only_new and not created:
            raise ConversationExists(f"{inbound.channel} conversation already exists")
        # A platform's retry (same channel and platform id) is not looked up first:
        # the turn's commit is the de-duplication point (a unique index), and _run
        # answers a Duplicate with the replies stored the first time. A retry is
        # rare; a read before every message cost each one a round trip to the store.
        stored = Message(
            conversation_id=conv.id,
            helpline=line.id,
            channel=inbound.channel,
            direction=Direction.IN,
            sender=Sender.USER,
            text=inbound.text,
            kind=str(inbound.kind),
            buttons=[{"payload": inbound.button}] if inbound.button is not None else [],
            platform_id=inbound.platform_id,
            client_id=inbound.client_id,
        )
        try:
            turn = await self._run(inbound, line, conv, stored)
            return replace(turn, created=True) if created else turn
        except (Conflict, StoreUnavailable):
            raise
        except Exception:
            # A bug in a step must not cost the person their message: keep it
            # for the operators, then let the channel report the failure.
            log.exception("the dialogue step failed; keeping the message unanswered")
            await self.store.messages.add_inbound(without_codes(stored))
            raise

    def _turn_lock(self, helpline: str, channel: str, user_key: str) -> asyncio.Lock:
        """The lock that takes one person's messages one at a time in this process.

        Each turn is a compare-and-set on the conversation, so two messages at once were always consistent: the
        loser runs again on the winner's state. But a step may do something in the store besides its turn (a
        report made with its place in the queue, a code attempt counted), and the loser's rerun does not undo
        that: a double tap on the report form's last answer made two reports and two crisis cards, and showed
        one code (outside attack). Taken in turn, the second tap finds the report made and the form closed.
        Taken before the conversation is read, so that the second reads what the first committed. Several
        workers sharing one MongoDB only have the compare-and-set between them: there the store makes one
        report per draft (``ReportDesk.submit``, the report's key), and the losing tap tells the same code.
        """
        key = f"{helpline}\x00{channel}\x00{user_key}"
        lock = self._turns.get(key)
        if lock is None:
            lock = self._turns[key] = asyncio.Lock()
        return lock

    def _reply_where_written(self, conv: Conversation, inbound: Inbound) -> None:
        """Replies go where the person last wrote from, when the channel says where (``Inbound.address``).

        A line's chat on Telegram may have begun on another line's bot (a deep link), and the person may
        later write to the line's own bot: its replies must then leave from that bot, which the person is
        looking at (bots/bot_set.py keeps the bot in the address). Saved with the turn.
        """
        if inbound.address is None or conv.address is None:
            return
        try:
            current: str | None = self.vault.decrypt(conv.address)
        except ConfigurationError:  # written under another key: the new address is the one that works
            current = None
        if current != inbound.address:
            conv.address = self.vault.encrypt(inbound.address)

    async def _run(self, inbound: Inbound, line: Helpline, conv: Conversation, stored: Message) -> Turn:
        parse = await self._understand(inbound, line)
        memo: dict = {}  # what the step did in the store, done once however often the step runs
        pushes = self._pushes(inbound)
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                conv = await self.store.conversations.get(conv.id) or conv
            now = self.clock()
            conv.last_message_at = now
            self._reply_where_written(conv, inbound)
            result = await run_step(
                StepContext(
                    line,
                    conv,
                    inbound,
                    parse,
                    now,
                    self.queue,
                    stored.id,
                    reports=self.reports,
                    appeals=self.appeals,
                    memo=memo,
                    answered_here=not pushes,
                )
            )
            replies = [
                Message(
                    id=f"{stored.id}:{n}",
                    conversation_id=conv.id,
                    helpline=line.id,
                    channel=inbound.channel,
                    direction=Direction.OUT,
                    sender=Sender.BOT,
                    text=r.text if r.kept is None else r.kept,
                    buttons=[{"title": b.title, "payload": b.payload} for b in r.buttons],
                    reply_to=stored.id,
                    delivery=Delivery.PENDING if pushes else None,
                    # the outbox sends the clear words; they are erased once sent (models.Message.sealed)
                    sealed=self.vault.encrypt(r.text) if pushes and r.kept is not None else None,
                )
                for n, r in enumerate(result.replies)
            ]
            kept = withheld(stored, result.withheld_as) if result.withheld_as else without_codes(stored)
            try:
                await self.store.commit_turn(conv, kept, replies, result.events)
            except Conflict:
                log.debug("conversation %s changed under us; re-running the step", conv.id)
                self._recent.forget(conv)
                continue
            except Duplicate as dup:
                self._recent.forget(conv)
                existing: Message = dup.existing  # type: ignore[assignment]  # the store sets a Message
                if existing.conversation_id != conv.id and stored.platform_id is not None:
                    # not a retry: another conversation's message with the same platform id
                    stored.platform_id = platform_id_in(conv, inbound.platform_id or stored.platform_id)
                    continue
                if existing.handled:
                    return await self._duplicate(existing)
                stored = existing  # an earlier attempt stored it unanswered: answer it now
                continue
            except BaseException:
                self._recent.forget(conv)
                raise
            self._recent.remember(conv)
            turn = Turn(await self.view(conv), tuple(result.replies))
            await self._notify(conv, kept, result.events)
            queued: list[QueueTurn] = memo.get("queue_turns", [])
            for q in queued:  # a report's own place in the queue: the consoles hear of it like any other
                await self._notify(q.conversation, q.message, q.events)
            return turn
        raise Conflict(f"conversation {conv.id} kept changing; gave up after {MAX_ATTEMPTS} attempts")

    async def _notify(self, conv: Conversation, inbound: Message, events: list[Event]) -> None:
        for observer in self.observers:
            try:
                await observer(conv, inbound, events)
            except Exception:
                log.exception("a turn observer failed")

    async def _duplicate(self, stored: Message) -> Turn:
        replies = await self.store.messages.replies_to(stored.id)
        conv = await self.store.conversations.get(stored.conversation_id)
        assert conv is not None
        # a report's code, masked in the chat, goes again to the message that got it (a client that lost it)
        again = shown_again(conv, stored.id, [Outbound.of(m) for m in replies], self.vault, self.clock())
        return Turn(await self.view(conv), again, duplicate=True)

    def _pushes(self, inbound: Inbound) -> bool:
        return self.channels.pushes(inbound.channel) and not inbound.direct_reply

    async def _understand(self, inbound: Inbound, line: Helpline) -> Parse | None:
        # Every text is understood, also a caption under a photo: a crisis can be anywhere.
        if self.nlu is None or inbound.kind in (Kind.BUTTON, Kind.START) or not (inbound.text or "").strip():
            return None
        try:
            # a report's code is nothing to understand: its letters read as English, and 2-4 % of codes in a sentence
            # ("my code HC63-38BE-C489 please") scored as a possible crisis (session 18's second attack); masked, it
            # never reaches an NLU server either
            parse = await self.nlu.parse(masked(inbound.text or ""), line.languages)
            rest = tail(parse)  # a safety topic behind a pleasantry or the hours, typed without sentence ends
            return parse if rest is None else with_tail(parse, await self.nlu.parse(rest, line.languages))
        except Exception:  # the NLU must never cost a person their answer
            log.exception("NLU failed; continuing without it")
            return None

    async def view(self, conv: Conversation) -> ConversationView:
        return ConversationView(
            id=conv.id,
            pseudonym=self.vault.pseudonym(conv.user_key),
            helpline=conv.helpline,
            state=str(conv.state),
            language=conv.language,
            topic=conv.topic,
            priority=conv.priority,
            queue_position=await self.store.conversations.queue_position(conv),
        )

    async def history(self, conv: Conversation, limit: int | None = None) -> list[Message]:
        return await self.store.messages.history(conv.id, limit)


class RecentConversations:
    """The last committed state of recently active conversations.

    Saves a database round trip per message in the common case. Safe with
    several workers and with operators changing conversations elsewhere:
    every commit is a compare-and-set on the version, so a stale copy only
    costs one Conflict and a reload. Callers get private copies.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], Conversation] = OrderedDict()

    @staticmethod
    def _key(conv: Conversation) -> tuple[str, str, str]:
        return conv.helpline, conv.channel, conv.user_key

    def get(self, key: tuple[str, str, str]) -> Conversation | None:
        conv = self._items.get(key)
        if conv is None:
            return None
        self._items.move_to_end(key)
        return _private_copy(conv)

    def remember(self, conv: Conversation) -> None:
        key = self._key(conv)
        self._items[key] = _private_copy(conv)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, conv: Conversation) -> None:
        self._items.pop(self._key(conv), None)


_FIELDS = tuple(f.name for f in fields(Conversation))
_ALL_FIELDS = attrgetter(*_FIELDS)
_SETTERS = tuple(getattr(Conversation, name).__set__ for name in _FIELDS)


def _private_copy(conv: Conversation) -> Conversation:
    """A copy that shares nothing mutable (twice a message: a plain field copy, not replace())."""
    new = object.__new__(Conversation)
    for setter, value in zip(_SETTERS, _ALL_FIELDS(conv), strict=True):
        setter(new, value)
    new.data = _copy_data(conv.data)
    return new


def _copy_data(data: dict) -> dict:
    """A private copy of flow data: plain JSON values, nested at most a level or two."""
    return {k: copy.deepcopy(v) if isinstance(v, (dict, list)) else v for k, v in data.items()}


def without_codes(m: Message) -> Message:
    """The message as every chat keeps it: a report's code in it masked, whatever it was answered with (a crisis
    said with the code, a code sent while waiting for an operator): a code in a chat ties the person to a report."""
    if not m.text:
        return m
    kept = masked(m.text)
    return m if kept == m.text else replace(m, text=kept)


def withheld(m: Message, kind: str) -> Message:
    """The message as the chat keeps it when its words went elsewhere: a report (models.WITHHELD), an
    optional question's event (models.PROFILE_ANSWER)."""
    return replace(m, text=None, kind=kind, buttons=[])
