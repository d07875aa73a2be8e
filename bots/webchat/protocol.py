"""The web chat's websocket protocol: JSON text frames, validated here.

Client → server (one JSON object per text frame)::

    {"type": "hello", "key": str | null, "lang": "uk" | null, "helpline": str | null,
     "last_seen": int | null}
    {"type": "message", "id": str, "text": str}
    {"type": "button", "id": str, "payload": str}
    {"type": "ping"}

Server → client::

    {"type": "welcome", "key": str, "conversation": {state, language, topic, priority,
     queue_position}, "helpline": {id, name, languages, default_language},
     "history": [message...], "complete": bool}
    {"type": "ack", "id": str, "message": message, "duplicate": bool}
    {"type": "reply", "in_reply_to": str, "message": message}
    {"type": "conversation", "conversation": {...}}
    {"type": "sync", "messages": [message...]}        (what another tab of the same key sent)
    {"type": "operator_message", "message": message}  (published by the operator console)
    {"type": "system_message", "message": message}    (e.g. "the specialist has left"; ditto)
    {"type": "typing", "who": "operator", "on": bool} (published by the operator console)
    {"type": "pong"}
    {"type": "error", "error": code, "detail": str, "id": str | absent, "retry_after": s | absent}

A ``message`` is ``{id, seq, direction, sender, kind, text, buttons, button, title,
client_id, at}`` (and an operator's ``name`` where the helpline shows specialists by
name): ``seq`` is a decimal string (it orders messages and is too big for a
JavaScript number); ``id`` is the store's id, so a client merges everything it
is sent (welcome history, replies, resends) by ``id`` and never shows a message
twice; ``client_id`` on an incoming message is the id the client gave it, so a
bubble shown while it was still unsent is matched with its stored copy.

Why a client id on every message: it becomes the platform id
(``<key>:<id>``), so resending an unacknowledged message after a reconnect
is recognised by the store and answered with the replies of the first time,
not with a second conversation step. ``ack`` is sent only after the message
and its replies are committed, so an acknowledged message is never lost.

``hello`` comes first and once. Without a ``key`` (or with one that is not a
well-formed key) the server makes a random one; the key is the only
credential of an anonymous person and is never logged. ``last_seen`` is how
many stored messages the client already holds: the server then sends only
the newest ones (with an overlap, merged by id), else the last
``HISTORY_LIMIT``. Errors never close the socket, except abuse (policy
violation, 1008) and an unknown helpline. A frame that is not JSON, has a
lone UTF-16 surrogate (``invalid_unicode``, with the message's ``id`` when it
can be read) or is nested too deeply is refused before anything is stored;
``rate_limited`` and ``too_many_conversations`` (the limits the REST channel
shares, per client address and conversation) carry ``retry_after``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from vikno.flows.content import SUPPORTED_LANGUAGES
from vikno.flows.messages import Outbound
from vikno.storage.models import Message

from ..jsonbody import JsonProblem, loads
from ..kit import clean_text

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
HELPLINE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
MAX_PAYLOAD = 256
MAX_TITLE = 256
HISTORY_LIMIT = 200
#: Extra messages sent before what ``last_seen`` says is new: the merge is by
#: id, so a client that counted a little wrong still ends up complete.
HISTORY_OVERLAP = 20


class ProtocolError(Exception):
    """A frame the server answers with an error frame (never a crash)."""

    def __init__(self, error: str, detail: str, client_id: str | None = None) -> None:
        self.error, self.detail, self.client_id = error, detail, client_id
        super().__init__(detail)

    def frame(self) -> dict[str, Any]:
        return error_frame(self.error, self.detail, self.client_id)


def error_frame(error: str, detail: str, client_id: str | None = None, **extra: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "error": error, "detail": detail}
    if client_id is not None:
        frame["id"] = client_id
    frame.update(extra)
    return frame


@dataclass(frozen=True, slots=True)
class Hello:
    key: str | None
    lang: str | None
    helpline: str | None
    last_seen: int | None


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A text or a button press (one of ``text``/``payload`` is set)."""

    id: str
    text: str | None = None
    payload: str | None = None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


Frame = Hello | ChatMessage | Ping


def parse_frame(raw: str, max_chars: int) -> Frame:
    try:
        data = loads(raw)
    except JsonProblem as exc:
        raise ProtocolError(exc.error, exc.detail, _client_id_of(raw, exc)) from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid_frame", 'a frame must be a JSON object with a "type"')
    kind = data.get("type")
    if kind == "ping":
        return Ping()
    if kind == "hello":
        return _hello(data)
    if kind in ("message", "button"):
        return _message(data, kind, max_chars)
    raise ProtocolError("unknown_type", 'type must be one of "hello", "message", "button", "ping"')


def _client_id_of(raw: str, problem: JsonProblem) -> str | None:
    """The id of a frame refused for a lone surrogate, so that the client can stop resending it.

    Python's parser takes such escapes (orjson does not); a well-formed id
    found that way names the message the error is about.
    """
    if problem.error != "invalid_unicode":
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    client_id = data.get("id") if isinstance(data, dict) else None
    return client_id if isinstance(client_id, str) and CLIENT_ID_PATTERN.match(client_id) else None


def _hello(data: dict[str, Any]) -> Hello:
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        key = None  # a missing or odd key gets a fresh one: never an error a person sees
    lang = data.get("lang")
    if not isinstance(lang, str) or lang.lower()[:2] not in SUPPORTED_LANGUAGES:
        lang = None
    else:
        lang = lang.lower()[:2]
    helpline = data.get("helpline")
    if helpline is not None and (not isinstance(helpline, str) or not HELPLINE_PATTERN.match(helpline)):
        raise ProtocolError("unknown_helpline", "helpline must be a helpline id such as community-1620")
    last_seen = data.get("last_seen")
    if isinstance(last_seen, bool) or not isinstance(last_seen, int) or last_seen < 0:
        last_seen = None
    return Hello(key=key, lang=lang, helpline=helpline, last_seen=last_seen)


def _message(data: dict[str, Any], kind: str, max_chars: int) -> ChatMessage:
    client_id = data.get("id")
    if not isinstance(client_id, str) or not CLIENT_ID_PATTERN.match(client_id):
        raise ProtocolError("invalid_id", "id must be 1-64 characters of A-Z a-z 0-9 _ . : - , unique per message")
    if kind == "button":
        payload = data.get("payload")
        if not isinstance(payload, str) or not 0 < len(payload) <= MAX_PAYLOAD:
            raise ProtocolError("invalid_button", f"payload must be a string of 1-{MAX_PAYLOAD} characters", client_id)
        return ChatMessage(id=client_id, payload=payload)
    text = data.get("text")
    if not isinstance(text, str):
        raise ProtocolError("invalid_text", "text must be a string", client_id)
    if len(text) > max_chars:
        raise ProtocolError(
            "text_too_long", f"the message is {len(text)} characters; the limit is {max_chars}", client_id
        )
    text = clean_text(text)  # lone surrogates were refused above: only control characters go
    if not text.strip():
        raise ProtocolError("empty_message", "the message is empty", client_id)
    return ChatMessage(id=client_id, text=text)


def message_json(m: Message, key: str | None = None) -> dict[str, Any]:
    """A stored message as the client sees it (no platform ids, no keys).

    The operator console uses this too, for ``operator_message`` events: with
    ``seq`` the client can place a message in order (without, it is appended).
    """
    out: dict[str, Any] = {
        "id": m.id,
        "seq": str(m.seq),
        "direction": str(m.direction),
        "sender": str(m.sender),
        "kind": m.kind,
        "text": m.text,
        "at": m.created_at.isoformat().replace("+00:00", "Z"),
    }
    if m.direction == "in":
        out["button"] = m.buttons[0].get("payload") if m.buttons else None
        if key and m.client_id:  # the person's own socket only
            out["client_id"] = m.client_id
    else:
        out["buttons"] = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in m.buttons]
        if m.sender == "operator" and m.shown_name:  # the helpline shows specialists by name (never a login)
            out["name"] = m.shown_name
    return out


def reply_json(reply: Outbound) -> dict[str, Any]:
    """A reply as the client sees it before the store gave it an id (``message_json`` once it has one)."""
    return {
        "id": None,
        "direction": "out",
        "sender": "bot",
        "kind": "text",
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
    }


def history_json(messages: list[Message], key: str) -> list[dict[str, Any]]:
    """Messages for the client, a pressed button shown by the title it had."""
    titles: dict[str, str] = {}
    out = []
    for m in messages:
        item = message_json(m, key)
        if m.direction == "out":
            titles.update({b.get("payload", ""): b.get("title", "") for b in m.buttons})
        elif item.get("button") is not None:
            item["title"] = titles.get(item["button"])
        out.append(item)
    return out


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
