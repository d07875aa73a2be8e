"""One open web chat socket: hello, then messages in order, replies back.

Frames of one socket are handled one after another, so a person's messages
reach the engine in the order they were typed. Nothing a client sends can
crash the handler: every bad frame gets an error frame, and only abuse
(too many refused frames) closes the socket with 1008.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from vikno.flows.content import Helpline
from vikno.flows.engine import Engine, UnknownHelpline
from vikno.flows.messages import Inbound, Kind, Turn
from vikno.storage.errors import Conflict, StoreUnavailable
from vikno.storage.models import Message

from ..config import WebchatSettings
from ..ratelimits import EdgeLimits, Refusal
from .hub import WebchatHub
from .limits import RateLimit
from .protocol import (
    HISTORY_LIMIT,
    HISTORY_OVERLAP,
    ChatMessage,
    Hello,
    Ping,
    ProtocolError,
    dumps,
    error_frame,
    history_json,
    message_json,
    parse_frame,
    reply_json,
)

log = logging.getLogger(__name__)

CHANNEL = "webchat"
HELLO_TIMEOUT = 30.0
#: All frames (pings included) a socket may send a minute, on top of messages.
FRAME_ALLOWANCE = 120
#: Messages looked at, after a turn, to find what it stored (ids for the client).
TURN_WINDOW = 16
#: Close code for "the store is down, come back later" (RFC 6455 registry).
TRY_AGAIN_LATER = 1013


class Session:
    """The state of one socket; small, since thousands sit idle at once."""

    __slots__ = (
        "ws",
        "engine",
        "hub",
        "settings",
        "key",
        "line",
        "lang",
        "conversation_id",
        "messages",
        "frames",
        "address",
        "limits",
    )

    def __init__(
        self,
        ws: web.WebSocketResponse,
        engine: Engine,
        hub: WebchatHub,
        settings: WebchatSettings,
        *,
        address: str = "unknown",
        limits: EdgeLimits | None = None,
    ) -> None:
        self.ws = ws
        #: The client's address (trusted proxies honoured) and the limits it shares with REST.
        self.address = address
        self.limits = limits
        self.engine = engine
        self.hub = hub
        self.settings = settings
        self.key: str | None = None
        self.line: Helpline | None = None
        self.lang: str | None = None
        self.conversation_id: str | None = None
        self.messages: RateLimit | None = None
        self.frames = RateLimit(max(FRAME_ALLOWANCE, 4 * settings.messages_per_minute))

    async def run(self) -> None:
        ws = self.ws
        self.hub.connected(ws)
        try:
            while not ws.closed:
                try:
                    msg = await ws.receive(timeout=HELLO_TIMEOUT if self.key is None else None)
                except TimeoutError:
                    await self.send(error_frame("hello_expected", f"send hello within {HELLO_TIMEOUT:.0f} s"))
                    await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"hello expected")
                    break
                if msg.type == WSMsgType.TEXT:
                    await self.on_text(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await self.refuse(ProtocolError("text_frames_only", "send JSON in text frames"))
                else:  # close, error (e.g. a frame over max_msg_size: aiohttp closes with 1009)
                    break
        except (ConnectionError, RuntimeError):
            log.debug("web chat socket went away mid-frame")
        finally:
            self.hub.leave(ws, self.conversation_id)

    async def send(self, frame: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_str(dumps(frame))

    async def refuse(self, error: ProtocolError, **extra: Any) -> None:
        """Answer with an error frame; close the socket once it is abuse."""
        await self.send(error.frame() | extra)
        if self.messages is None:  # before hello: the frame allowance keeps the count
            abuse = self.frames.strike()
        else:
            abuse = self.messages.strike()
        if abuse:
            log.info("closing a web chat socket for abuse (too many refused frames)")
            await self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"too many refused frames")

    async def on_text(self, raw: str) -> None:
        if self.frames.allow():
            await self.refuse(ProtocolError("too_many_frames", "slow down"))
            return
        try:
            frame = parse_frame(raw, self.settings.max_message_chars)
        except ProtocolError as exc:
            await self.refuse(exc)
            return
        if isinstance(frame, Ping):
            await self.send({"type": "pong"})
        elif isinstance(frame, Hello):
            if self.key is not None:
                await self.refuse(ProtocolError("already_greeted", "hello is sent once per connection"))
            else:
                await self.hello(frame)
        elif self.key is None:
            await self.refuse(ProtocolError("hello_first", "send hello before messages", frame.id))
        else:
            assert self.messages is not None
            wait = self.messages.allow()
            if wait:
                await self.refuse(
                    ProtocolError("rate_limited", f"too many messages; wait {wait:.0f} s", frame.id),
                    retry_after=round(wait, 1),
                )
                return
            refused = self._edge_refusal()
            if refused is not None:  # not a strike: many people may share one address
                await self.send(
                    error_frame(refused.error, refused.detail, frame.id, retry_after=round(refused.retry_after, 1))
                )
                return
            try:
                await self.message(frame)
            except (ConnectionError, RuntimeError):
                raise  # the socket went away: run() ends quietly
            except Exception:  # a bug must cost one message an error frame, not the connection
                log.exception("web chat message failed")
                await self.send(
                    error_frame("internal_error", "not stored; the client retries later", frame.id, retry_after=10)
                )

    def _edge_refusal(self) -> Refusal | None:
        """The address's and the conversation's allowance; a first message starts a conversation."""
        if self.limits is None:
            return None
        assert self.key is not None and self.line is not None
        return self.limits.message(
            self.address, f"{CHANNEL}\x00{self.line.id}\x00{self.key}", new=self.conversation_id is None
        )

    async def hello(self, hello: Hello) -> None:
        try:
            line = self.engine.helpline(hello.helpline or self.settings.helpline)
        except UnknownHelpline:
            await self.send(error_frame("unknown_helpline", f"no helpline {hello.helpline!r} here"))
            await self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"unknown helpline")
            return
        key = hello.key or secrets.token_urlsafe(24)
        try:
            welcome = await self._welcome(key, line, hello)
        except StoreUnavailable:
            await self.send(
                error_frame("store_unavailable", "the chat is not available right now; retrying", retry_after=5)
            )
            await self.ws.close(code=TRY_AGAIN_LATER, message=b"store unavailable")
            return
        self.key, self.line, self.lang = key, line, hello.lang
        self.messages = RateLimit(self.settings.messages_per_minute)
        await self.send(welcome)

    async def _welcome(self, key: str, line: Helpline, hello: Hello) -> dict[str, Any]:
        conv = await self.engine.find(CHANNEL, key, line.id)
        history: list[dict[str, Any]] = []
        complete, reset = True, hello.last_seen is None
        if conv is None:
            view = {
                "state": "bot",
                "language": hello.lang if hello.lang in line.languages else line.settings.default_language,
                "topic": None,
                "priority": None,
                "queue_position": None,
            }
            reset = True
        else:
            self.conversation_id = conv.id
            self.hub.join(conv.id, self.ws)
            view = (await self.engine.view(conv)).as_json()
            want = HISTORY_LIMIT
            if hello.last_seen is not None:
                total = await self.engine.store.messages.count(conv.id)
                if hello.last_seen <= total:
                    want = min(HISTORY_LIMIT, total - hello.last_seen + HISTORY_OVERLAP)
                else:
                    reset = True  # the client holds more than exists: not this store's conversation
            stored = await self.engine.history(conv, want)
            complete = len(stored) < want
            history = history_json(stored, key)
        return {
            "type": "welcome",
            "key": key,
            "conversation": view,
            "reset": reset,
            "complete": complete,
            "helpline": {
                "id": line.id,
                "name": line.local(line.settings.name, view["language"] or line.settings.default_language),
                "languages": list(line.languages),
                "default_language": line.settings.default_language,
            },
            "history": history,
        }

    async def message(self, msg: ChatMessage) -> None:
        assert self.key is not None and self.line is not None
        platform_id = f"{self.key}:{msg.id}"
        inbound = Inbound(
            channel=CHANNEL,
            user_id=self.key,
            text=msg.text,
            button=msg.payload,
            kind=Kind.BUTTON if msg.payload is not None else Kind.TEXT,
            locale=self.lang,
            platform_id=platform_id,
            client_id=msg.id,
            helpline=self.line.id,
        )
        try:
            turn = await self.engine.handle(inbound)
        except StoreUnavailable:
            await self.send(error_frame("store_unavailable", "not stored; the client retries", msg.id, retry_after=5))
            return
        except Conflict:
            await self.send(error_frame("busy", "the conversation is busy; the client retries", msg.id, retry_after=1))
            return
        if self.conversation_id is None:
            self.conversation_id = turn.conversation.id
            self.hub.join(turn.conversation.id, self.ws)
        stored, replies = await self._stored_turn(turn, msg.id)
        conversation = {"type": "conversation", "conversation": turn.conversation.as_json()}
        await self.send({"type": "ack", "id": msg.id, "message": stored, "duplicate": turn.duplicate})
        for reply in replies:
            await self.send({"type": "reply", "in_reply_to": msg.id, "message": reply})
        await self.send(conversation)
        if not turn.duplicate and self.hub.sockets_of(turn.conversation.id) > 1:
            await self.hub.publish(
                turn.conversation.id, {"type": "sync", "messages": [stored, *replies]}, exclude=self.ws
            )
            await self.hub.publish(turn.conversation.id, conversation, exclude=self.ws)

    async def _stored_turn(self, turn: Turn, client_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The stored inbound message and its replies, with their store ids.

        The engine answers with the replies' content; the client needs their
        ids to merge them with history without showing anything twice. The
        message is found by its client id: within one conversation (one key)
        it is as unique as the platform id, which the store keeps only hashed.
        """
        messages = self.engine.store.messages
        conv_id = turn.conversation.id
        window = await messages.history(conv_id, len(turn.replies) + 1 + TURN_WINDOW)
        inbound = _find(window, client_id)
        if inbound is None:  # many messages since (other tabs, an operator): look further back
            window = await messages.history(conv_id, 1000)
            inbound = _find(window, client_id)
        if inbound is None:
            log.warning("a web chat turn was not found in its conversation's history")
            return None, [reply_json(r) for r in turn.replies]
        replies = [m for m in window if m.reply_to == inbound.id]
        return message_json(inbound, self.key), [_as_shown(message_json(m), m, turn) for m in replies]


def _as_shown(shown: dict[str, Any], stored: Message, turn: Turn) -> dict[str, Any]:
    """A reply as this person's sockets see it now: the clear words where the history keeps them masked.

    A report's code is shown once, live, and kept masked (flows.messages.Outbound.kept); a reconnect
    shows the masked form from the history.
    """
    _, _, n = stored.id.rpartition(":")
    index = int(n) if n.isdecimal() else -1  # isdigit would let "²" through to int(): a ValueError
    if 0 <= index < len(turn.replies) and turn.replies[index].kept is not None:
        shown["text"] = turn.replies[index].text
    return shown


def _find(window: list[Message], client_id: str) -> Message | None:
    return next((m for m in reversed(window) if m.direction == "in" and m.client_id == client_id), None)
