"""The REST channel: a small JSON API for apps and other front ends.

``POST /api/v1/conversations/{key}/messages`` sends one message and answers
with the bot's replies; ``GET /api/v1/conversations/{key}`` returns the
conversation and its history so an app can resume. ``key`` is chosen by the
client (a random id kept on the device); it is never stored in clear.
A message may carry the client's own ``id``: sending it again (after a
timeout, say) returns the same replies instead of a second conversation
step. Nothing is stored until the whole request is known to be valid, and
the answer goes out only after the message and the replies are committed.

The key names a conversation but is no credential: a client may choose
``7``, and anyone could guess it. The first message to a new key starts the
conversation and its answer carries a ``token`` made by the server (an HMAC
of the helpline and key under the deployment's secret, so nothing new is
stored); every later POST and GET must send it as ``Authorization: Bearer``.
Without it an existing conversation can be neither read nor continued.
Only the message that really started the conversation (the store's atomic
create inserted it) gets the token: of two first messages racing for one
key, the other is refused with 401 ``token_required`` and stores nothing.
Messages are limited per client address and per conversation, and new
conversations per address (``bots.ratelimits``): 429 with ``Retry-After``.

A POST must say ``Content-Type: application/json`` (415 otherwise). That
is what keeps other websites out: a page can make its visitors' browsers
send ``text/plain`` or a form anywhere without asking, but JSON needs a
CORS preflight, and vikno permits none for this API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from vikno.flows.channels import Abilities
from vikno.flows.content import SUPPORTED_LANGUAGES
from vikno.flows.engine import ConversationExists, Engine
from vikno.flows.messages import Inbound, Kind, Outbound
from vikno.storage.models import Message

from .addresses import ClientAddress, direct_address
from .jsonbody import JsonProblem, loads
from .keys import CLIENT_ADDRESS, EDGE_LIMITS, ENGINE
from .kit import clean_text, error_response, read_body
from .ratelimits import EdgeLimits
from .registry import Mount, Mounted

CHANNEL = "rest"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:~-]{1,128}$")
MAX_CLIENT_ID = 128
MAX_BUTTON = 256
HISTORY_DEFAULT, HISTORY_MAX = 200, 1000
#: What this channel can do (flows/channels.py): replies go back in the answer to the POST that asked.
ABILITIES = Abilities(pushes=False)


class BadRequest(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        self.status, self.error, self.detail = status, error, detail
        super().__init__(detail)

    def response(self) -> web.Response:
        if self.status == 401:
            return _unauthorized(self.error, self.detail)
        return error_response(self.status, self.error, self.detail)


class ConversationTokens:
    """The secret that opens one REST conversation, derived, never stored.

    ``token(helpline, key)`` is an HMAC under a key derived from the
    deployment's secret: only this server can make it, and it is the same
    after a restart. The helpline is part of it, so a token for a key on one
    line does not open the same key's conversation on another.
    """

    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, b"vikno rest conversation tokens", hashlib.sha256).digest()

    def token(self, helpline: str, key: str) -> str:
        mac = hmac.new(self._key, f"{helpline}\x00{key}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def opens(self, given: str, helpline: str, key: str) -> bool:
        # surrogateescape: a header with bytes that are not UTF-8 is a wrong token, not a crash
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.token(helpline, key).encode())


def bearer(request: web.Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None when there is none."""
    value = request.headers.get("Authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadRequest(401, "invalid_token", "send the token as Authorization: Bearer <token>")
    return token.strip()


def _unauthorized(error: str, detail: str) -> web.Response:
    response = error_response(401, error, detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="vikno"'
    return response


TOKEN_REQUIRED = (
    "this conversation already exists; send the token from its first answer as "
    "Authorization: Bearer <token> (a new conversation needs a new random key)"
)


def _key(request: web.Request) -> str:
    key = request.match_info["key"]
    if not KEY_PATTERN.match(key):
        raise BadRequest(
            400, "bad_conversation_key", "the conversation key must be 1-128 characters of A-Z, a-z, 0-9 and . _ : ~ -"
        )
    return key


JSON_TYPE = "application/json"


def _line_named(request: web.Request, given: str | None) -> str | None:
    """The line a request is for: its path's (``/api/v1/helplines/{helpline}/...``), else the one it names.

    A body or query naming another line than the path is refused, not guessed between: an app sending
    to one line's path must never start a chat in another's queue.
    """
    in_path = request.match_info.get("helpline")
    if in_path is not None and given is not None and given != in_path:
        raise BadRequest(
            422, "helpline_mismatch", f"the path is for helpline {in_path!r} but the request names {given!r}"
        )
    return in_path if in_path is not None else given


def _require_json(request: web.Request) -> None:
    """Only a JSON body: the types a page of another site may send without a preflight are refused."""
    if request.content_type != JSON_TYPE:  # aiohttp: lower case, parameters (charset) apart
        raise BadRequest(
            415, "unsupported_media_type", f"send the body as JSON with the header Content-Type: {JSON_TYPE}"
        )


async def _read_json(request: web.Request, limit: int) -> Any:
    body = await read_body(request, limit)
    if body is None:
        raise BadRequest(413, "body_too_large", f"the request body is over {limit} bytes")
    return _parse_json(body)


def _parse_json(body: bytes) -> Any:
    try:
        return loads(body)
    except JsonProblem as exc:
        raise BadRequest(400, exc.error, exc.detail) from None


def parse_message(payload: Any, max_text: int) -> dict[str, Any]:
    """Validate a message body; returns text/button/locale/id/helpline."""
    if not isinstance(payload, dict):
        raise BadRequest(400, "invalid_message", 'the body must be a JSON object like {"text": "..."}')
    unknown = set(payload) - {"text", "button", "locale", "id", "helpline"}
    if unknown:
        raise BadRequest(
            422,
            "invalid_message",
            f"unknown field(s): {', '.join(sorted(unknown))}; use text or button, and optionally locale, id, helpline",
        )
    has_text, has_button = "text" in payload, "button" in payload
    if has_text == has_button:
        raise BadRequest(422, "invalid_message", 'send exactly one of "text" (a string) or "button" (a payload)')
    text = payload.get("text")
    if has_text:
        if not isinstance(text, str):
            raise BadRequest(422, "invalid_text", f'"text" must be a string, not {type(text).__name__}')
        if len(text) > max_text:
            raise BadRequest(422, "text_too_long", f'"text" is {len(text)} characters; the limit is {max_text}')
        text = clean_text(text)
        if not text.strip():
            raise BadRequest(400, "empty_message", '"text" is empty or only spaces; send some words or a "button"')
    button = payload.get("button")
    if has_button and (not isinstance(button, str) or not button or len(button) > MAX_BUTTON):
        raise BadRequest(
            422,
            "invalid_button",
            f'"button" must be a non-empty string of at most {MAX_BUTTON} '
            "characters (a payload from a reply's buttons)",
        )
    locale = payload.get("locale")
    if locale is not None:
        if not isinstance(locale, str):
            raise BadRequest(422, "invalid_locale", '"locale" must be a string such as "uk"')
        locale = locale.strip().lower().replace("_", "-").split("-")[0]
        if locale not in SUPPORTED_LANGUAGES:
            raise BadRequest(422, "invalid_locale", f'"locale" must be one of {", ".join(SUPPORTED_LANGUAGES)}')
    client_id = payload.get("id")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID):
        raise BadRequest(
            422, "invalid_id", f'"id" must be a string of 1-{MAX_CLIENT_ID} characters, unique per message'
        )
    helpline = payload.get("helpline")
    if helpline is not None and not isinstance(helpline, str):
        raise BadRequest(422, "invalid_helpline", '"helpline" must be a helpline id string')
    return {"text": text, "button": button, "locale": locale, "id": client_id, "helpline": helpline}


def reply_json(reply: Outbound) -> dict[str, Any]:
    return {"text": reply.text, "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons]}


def message_json(m: Message) -> dict[str, Any]:
    out: dict[str, Any] = {
        "direction": m.direction,
        "sender": m.sender,
        "kind": m.kind,
        "text": m.text,
        "at": m.created_at.isoformat().replace("+00:00", "Z"),
    }
    if m.direction == "in":
        out["button"] = m.buttons[0].get("payload") if m.buttons else None
    else:
        out["buttons"] = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in m.buttons]
    return out


class RestChannel:
    def __init__(
        self,
        max_body: int,
        max_text: int,
        *,
        tokens: ConversationTokens,
        limits: EdgeLimits,
        client_address: ClientAddress = direct_address,
    ) -> None:
        self.max_body = max_body
        self.max_text = max_text
        self.tokens = tokens
        self.limits = limits
        self.client_address: Callable[[web.Request], str] = client_address

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/v1/conversations/{key}/messages", self.post_message),
            web.get("/api/v1/conversations/{key}", self.get_conversation),
            # one line's own path in a deployment of several (issue 27); the paths above are the default line's
            web.post("/api/v1/helplines/{helpline}/conversations/{key}/messages", self.post_message),
            web.get("/api/v1/helplines/{helpline}/conversations/{key}", self.get_conversation),
        ]

    async def post_message(self, request: web.Request) -> web.Response:
        engine: Engine = request.app[ENGINE]
        try:
            key = _key(request)
            token = bearer(request)
            _require_json(request)
            body = parse_message(await _read_json(request, self.max_body), self.max_text)
            named = _line_named(request, body["helpline"])
        except BadRequest as exc:
            return exc.response()
        line = engine.helpline(named).id  # an unknown one: 404 (app middleware)
        if token is not None and not self._opens(engine, token, line, key):
            return _unauthorized("invalid_token", "this token does not open this conversation")
        address, conversation = self.client_address(request), f"{line}\x00{key}"
        refused = self.limits.message(address, conversation, new=token is None)
        if refused is not None:
            return too_many(refused)
        inbound = Inbound(
            channel=CHANNEL,
            user_id=key,
            text=body["text"],
            button=body["button"],
            kind=Kind.BUTTON if body["button"] is not None else Kind.TEXT,
            locale=body["locale"],
            platform_id=f"{key}:{body['id']}" if body["id"] else None,
            helpline=line,
        )
        try:  # without the token a message may only start the conversation; the store's create decides
            turn = await engine.handle(inbound, only_new=token is None)
        except ConversationExists:
            self.limits.started_nothing(address, conversation)
            return _unauthorized("token_required", TOKEN_REQUIRED)
        payload: dict[str, Any] = {
            "replies": [reply_json(r) for r in turn.replies],
            "conversation": turn.conversation.as_json(),
        }
        if turn.duplicate:
            payload["duplicate"] = True
        if token is None and turn.created:  # its secret goes out once, with the answer that started it
            payload["token"] = self.tokens.token(line, key)
        return json_ok(payload)

    def _opens(self, engine: Engine, token: str, line: str, key: str) -> bool:
        """The token of this line's conversation, or one issued under a former id of the line (issue 27).

        Apps keep the token they got when the line was, say, ``line1620``; the conversation moved to
        ``community-1620`` with the line (``former_ids``), and its token must still open it.
        """
        former = engine.helpline(line).settings.former_ids
        return any(self.tokens.opens(token, helpline, key) for helpline in (line, *former))

    async def get_conversation(self, request: web.Request) -> web.Response:
        engine: Engine = request.app[ENGINE]
        try:
            key = _key(request)
            token = bearer(request)
            limit = int(request.query.get("limit", HISTORY_DEFAULT))
            if not 0 < limit <= HISTORY_MAX:
                raise ValueError
            named = _line_named(request, request.query.get("helpline"))
        except BadRequest as exc:
            return exc.response()
        except ValueError:
            return error_response(400, "bad_limit", f"limit must be a whole number from 1 to {HISTORY_MAX}")
        line = engine.helpline(named).id
        if token is None:
            return _unauthorized(
                "token_required", "send the token from the conversation's first answer as Authorization: Bearer <token>"
            )
        if not self._opens(engine, token, line, key):
            return _unauthorized("invalid_token", "this token does not open this conversation")
        conv = await engine.find(CHANNEL, key, line)
        if conv is None:
            return error_response(404, "not_found", "no conversation with this key; POST a message to start one")
        # internal notes of operators are never shown to the person
        history = [m for m in await engine.history(conv, limit) if m.direction in ("in", "out")]
        view = await engine.view(conv)
        return json_ok({"conversation": view.as_json(), "messages": [message_json(m) for m in history]})


def too_many(refused: Any) -> web.Response:
    """429 with Retry-After (whole seconds), the same for every limit of the edge."""
    response = error_response(429, refused.error, refused.detail)
    response.headers["Retry-After"] = refused.retry_after_header
    return response


def json_ok(payload: Any) -> web.Response:
    """A 200 JSON answer; orjson writes UTF-8 bytes directly (json + encode cost 3-5x more per reply)."""
    return web.Response(body=orjson.dumps(payload), content_type="application/json")


# --- the channel's entry in the registry (bots/registry.py) ----------------------------------------


def mount(mount: Mount) -> Mounted:
    settings, app = mount.settings, mount.app
    rest = RestChannel(
        settings.rest.max_body_bytes,
        settings.rest.max_text_chars,
        tokens=ConversationTokens(mount.secret),
        limits=app[EDGE_LIMITS],
        client_address=app[CLIENT_ADDRESS],
    )
    app.add_routes(rest.routes())
    return Mounted(CHANNEL, ABILITIES)
