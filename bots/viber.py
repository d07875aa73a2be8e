"""The Viber channel: the REST Bot API over aiohttp (the official SDK is synchronous).

Receive: Viber POSTs every callback to ``/viber/webhook``, signed with
``X-Viber-Content-Signature`` (HMAC-SHA256 of the raw body, keyed with the
bot token, hex). Nothing unsigned is read further than the signature. A
callback is answered 200 only after its message and the replies are
committed (the engine's ``handle``), and 503 when the store is down, so
Viber retries it (it does, for about an hour) and nothing acknowledged is
lost; a retried ``message_token`` is recognised by the store and answered
once. Odd but signed input is acknowledged and logged: Viber would
otherwise retry a payload that can never become valid.

Send: replies leave through the outbox pump, which calls :meth:`send`; a
reply becomes one or more ``send_message`` calls (text over Viber's limits
is split; the keyboard rides on the last part). ``conversation_started`` is
the exception: the person has not subscribed yet, so ``send_message`` would
fail, and Viber instead takes one welcome message in the webhook's response
body; the engine is told (``direct_reply``) not to queue those replies.

Keyboard presses arrive as ordinary text messages whose text is the
button's ``ActionBody``; we send ``vikno:<payload>`` there so that a press
is told apart from typed text without keeping any state. The buttons are
``Silent``, so that text is never shown in the person's chat.

Limits, from Viber's documentation (developers.viber.com/docs/api/rest-bot-api,
creators.viber.com/docs/bots-api): text up to 7,000 characters; a request
body up to 30 KB; keyboards up to 24 buttons on a grid 6 columns wide
and (in portrait) 12 rows high; sender name up to 28 characters; at most
100 messages to one person an hour without a reply from them (status 12);
broadcast_message allows 500 requests per 10 seconds, the only per-bot
rate Viber publishes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, UTC
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from vikno.flows.channels import Abilities, TextMeasure
from vikno.flows.messages import Button, Inbound, Kind, Outbound, Turn
from vikno.storage.errors import Conflict, StoreUnavailable

from .bot_set import BotSet, bot_key
from .channel import Handle, PushChannel
from .config import ViberSettings
from .deep_links import deep_link, start_word
from .registry import Mount, Mounted
from .kit import (
    Backoff,
    Measure,
    RetryAfter,
    Undeliverable,
    clean_text,
    cut_text,
    fit_buttons,
    read_body,
    retry_later,
    split_text,
)

log = logging.getLogger(__name__)

CHANNEL = "viber"
WEBHOOK_PATH = "/viber/webhook"
SIGNATURE_HEADER = "X-Viber-Content-Signature"
AUTH_HEADER = "X-Viber-Auth-Token"

#: Viber's limits (see the module docstring for where they come from).
MAX_TEXT_UNITS = 7000  # counted in UTF-16 units: emoji count twice, as on the (Java) server side
MAX_BODY_BYTES = 30_000  # "maximum message size is 30KB"; kept just under 30 KiB
MAX_BUTTONS = 24
GRID_COLUMNS = 6
MAX_ROWS = 12  # "up to 12 rows in portrait mode" (developers.viber.com/docs/faq)
MAX_BUTTON_TEXT = 250
#: What this channel can do (flows/channels.py): replies wait in the outbox and are pushed.
ABILITIES = Abilities(pushes=True, max_buttons=MAX_BUTTONS, max_text=MAX_TEXT_UNITS, measure=TextMeasure.UTF16)
#: What we accept from Viber: its own limit for a user's text, and a body far above any real callback.
MAX_INBOUND_CHARS = 7000
MAX_CALLBACK_BYTES = 256 * 1024
MAX_ID_CHARS = 128
MAX_PAYLOAD_CHARS = 256

#: Prefix of our buttons' ActionBody; a text starting with it is a button press.
BUTTON_MARKER = "vikno:"
#: Titles this short share a row two by two (3 of the 6 columns each).
SHORT_TITLE = 18
KEYBOARD_BG = "#FFFFFF"
BUTTON_BG = "#E8EEF6"

#: Callbacks we ask for (``message`` always comes). All of them: Viber's default too.
EVENT_TYPES = ("conversation_started", "subscribed", "unsubscribed", "delivered", "seen", "failed")

#: Viber's ``type`` of a user's message → what the engine is told.
MESSAGE_KINDS: dict[str, str] = {
    "text": Kind.TEXT,
    "picture": Kind.PHOTO,
    "video": Kind.VIDEO,
    "file": Kind.DOCUMENT,
    "sticker": Kind.STICKER,
    "contact": Kind.CONTACT,
    "location": Kind.LOCATION,
    "url": Kind.OTHER,
    "rich_media": Kind.OTHER,
}

# Status codes of the API (HTTP stays 200; ``status`` in the JSON says what happened).
OK = 0
#: The person cannot get this message, now or later: drop it (the pump marks it failed).
GONE = {5: "receiverNotRegistered", 6: "receiverNotSubscribed", 11: "receiverNoSuitableDevice"}
#: The request itself is wrong; sending it again cannot help (a bug here, or a bad receiver id).
REJECTED = {3: "badData", 4: "missingData", 13: "apiVersionNotSupported", 14: "incompatibleWithVersion"}
TOO_MANY_REQUESTS = 12

_LOCALE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-_]*)?$")


# --- receiving --------------------------------------------------------------------------------


def signature_of(token: str, body: bytes) -> str:
    """What Viber puts in ``X-Viber-Content-Signature`` for ``body``."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(token: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    expected = signature_of(token, body).encode()
    # bytes, because compare_digest refuses non-ASCII str and a forged header may be anything
    return hmac.compare_digest(expected, header.strip().lower().encode("utf-8", "replace"))


def _str(value: Any, limit: int = MAX_ID_CHARS) -> str | None:
    """A non-empty string within ``limit``, or None for anything else."""
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _token(value: Any) -> str | None:
    """``message_token`` is a 64-bit integer in Viber's JSON; anything else means no de-duplication."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _str(value, 64)


def _person(value: Any) -> tuple[str, str | None] | None:
    """(id, language) of Viber's ``user``/``sender`` object, or None when there is no usable id."""
    if not isinstance(value, dict) or (user_id := _str(value.get("id"))) is None:
        return None
    language = value.get("language")
    match = _LOCALE.match(language) if isinstance(language, str) else None
    return user_id, match.group(1).lower() if match else None


def _clean(text: str) -> str:
    """The kit's cleaning; a lone surrogate becomes "?" here (the payload table pins it)."""
    return clean_text(text, replacement="?")


def _link_of(context: Any) -> tuple[str | None, str | None]:
    """The language and start word of the link that opened the chat (``viber://pa?chatURI=…&context=uk--child``).

    The same tail as a Telegram deep link. Its line is not taken: a Viber bot is one line's (settings), and the
    person's next message carries no context to stay on another line by.
    """
    if not isinstance(context, str):
        return None, None
    param, start = start_word(context.strip())
    return deep_link(param or None)[1], start


def inbound_of(callback: Any, helpline: str | None = None) -> Inbound | None:
    """The message a callback carries for the engine, or None when it carries none.

    Only ``message`` and ``conversation_started`` do; a payload without a
    usable person id is dropped, since there would be nobody to answer.
    """
    if not isinstance(callback, dict):
        return None
    event = callback.get("event")
    token = _token(callback.get("message_token"))
    if event == "conversation_started":
        person = _person(callback.get("user"))
        if person is None:
            return None
        lang, start = _link_of(callback.get("context"))
        return Inbound(
            channel=CHANNEL,
            user_id=person[0],
            kind=Kind.START,
            locale_hint=person[1],
            locale=lang,
            # a topic's start word opens the chat on that topic, as Telegram's /start and the web chat's ?start=
            button=f"start:{start}" if start else None,
            platform_id=token,
            helpline=helpline,
            direct_reply=True,
        )
    if event != "message":
        return None
    person, message = _person(callback.get("sender")), callback.get("message")
    if person is None or not isinstance(message, dict):
        return None
    common: dict[str, Any] = dict(
        channel=CHANNEL, user_id=person[0], locale_hint=person[1], platform_id=token, helpline=helpline
    )
    kind_name = message.get("type")
    kind = MESSAGE_KINDS.get(kind_name, Kind.OTHER) if isinstance(kind_name, str) else Kind.OTHER
    if kind != Kind.TEXT:
        # a picture or video may carry a description: kept as text (a crisis can be there too)
        caption = message.get("text")
        caption = _inbound_text(caption) if isinstance(caption, str) and caption.strip() else None
        return Inbound(kind=kind, text=caption, **common)
    text = message.get("text")
    if not isinstance(text, str):
        return Inbound(kind=Kind.OTHER, **common)
    if text.startswith(BUTTON_MARKER) and 0 < len(text) - len(BUTTON_MARKER) <= MAX_PAYLOAD_CHARS:
        return Inbound(kind=Kind.BUTTON, button=_clean(text[len(BUTTON_MARKER) :]), **common)
    return Inbound(kind=Kind.TEXT, text=_inbound_text(text), **common)


def _inbound_text(text: str) -> str:
    return cut_text(_clean(text), MAX_INBOUND_CHARS, CHANNEL)


# --- rendering --------------------------------------------------------------------------------


def _button_text(title: str) -> str:
    """Button text is Viber markup (<b>, <font>): keep a title's angle brackets from becoming tags."""
    text = _clean(title).replace("<", "‹").replace(">", "›").strip() or "·"
    return text if len(text) <= MAX_BUTTON_TEXT else text[: MAX_BUTTON_TEXT - 1] + "…"


def _columns(buttons: Sequence[Button]) -> tuple[list[int], bool]:
    """Two short titles share a row; anything else gets the whole row (no gaps, nothing cut off).

    When that would take more than the 12 rows a portrait keyboard has,
    every button takes half a row (24 buttons = 12 rows, Viber's limit);
    the second value says so (such a keyboard uses small text throughout).
    """
    half, full = GRID_COLUMNS // 2, GRID_COLUMNS
    short = [len(b.title) <= SHORT_TITLE for b in buttons]
    widths: list[int] = []
    i = 0
    while i < len(buttons):
        if short[i] and i + 1 < len(buttons) and short[i + 1]:
            widths += [half, half]
            i += 2
        else:
            widths.append(full)
            i += 1
    if widths.count(full) + widths.count(half) // 2 > MAX_ROWS:
        widths = [half] * len(buttons)
        if len(buttons) % 2:
            widths[-1] = full
        return widths, True
    return widths, False


def keyboard_of(buttons: Sequence[Button]) -> dict[str, Any] | None:
    kept = [b for b in fit_buttons(buttons, MAX_BUTTONS, CHANNEL) if b.payload]
    if not kept:
        return None
    columns, crowded = _columns(kept)
    return {
        "Type": "keyboard",
        "DefaultHeight": False,
        "BgColor": KEYBOARD_BG,
        "Buttons": [
            {
                "Columns": width,
                "Rows": 1,
                "BgColor": BUTTON_BG,
                "ActionType": "reply",
                "ActionBody": BUTTON_MARKER + b.payload,
                "Text": _button_text(b.title),
                # Silent: the press is not echoed into the chat, where it would show
                # the ActionBody ("vikno:topic:...") as if the person had typed it
                "Silent": True,
                # long titles in half a row: the small size shows two lines of them
                "TextSize": "small" if crowded and width < GRID_COLUMNS else "regular",
                "TextVAlign": "middle",
                "TextHAlign": "center",
            }
            for b, width in zip(kept, columns, strict=True)
        ],
    }


def _measure(body_bytes: int) -> Measure:
    """Viber's measure of one message's text: 7,000 UTF-16 units, and what is left of the 30 KB body."""
    return Measure(MAX_TEXT_UNITS, body_bytes)


def _size(payload: dict[str, Any]) -> int:
    return len(_dumps(payload).encode())


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Renderer:
    """Outbound replies → Viber message JSON (pure, so the exact requests are table-tested)."""

    sender_name: str
    sender_avatar: str | None = None

    def envelope(self, receiver: str | None) -> dict[str, Any]:
        sender: dict[str, Any] = {"name": self.sender_name}
        if self.sender_avatar:
            sender["avatar"] = self.sender_avatar
        head: dict[str, Any] = {"receiver": receiver} if receiver is not None else {}
        return {**head, "min_api_version": 1, "sender": sender, "type": "text", "text": ""}

    def messages(self, receiver: str, reply: Outbound) -> list[dict[str, Any]]:
        """One reply as ``send_message`` bodies: text split to fit, keyboard on the last one."""
        keyboard = keyboard_of(reply.buttons)
        text = _clean(reply.text)
        if not text.strip():
            if keyboard is None:
                return []
            text = "…"  # Viber needs some text to carry a keyboard
        base = self.envelope(receiver)
        parts = split_text(text, _measure(max(1000, MAX_BODY_BYTES - _size(base))))
        if keyboard is not None:
            budget = max(1000, MAX_BODY_BYTES - _size({**base, "keyboard": keyboard}))
            parts[-1:] = split_text(parts[-1], _measure(budget))
        out = [{**base, "text": part} for part in parts]
        if keyboard is not None:
            out[-1]["keyboard"] = keyboard
        return out

    def welcome(self, replies: Sequence[Outbound]) -> dict[str, Any] | None:
        """The one message Viber lets us put in the ``conversation_started`` response.

        Several replies are joined into it (there is only one welcome); the
        last keyboard offered is the one shown.
        """
        texts = [_clean(r.text).strip() for r in replies if r.text.strip()]
        buttons = next((r.buttons for r in reversed(replies) if r.buttons), ())
        keyboard = keyboard_of(buttons)
        if not texts and keyboard is None:
            return None
        base = self.envelope(None)
        budget = max(1000, MAX_BODY_BYTES - _size({**base, "keyboard": keyboard}))
        parts = split_text("\n\n".join(texts) or "…", Measure(MAX_TEXT_UNITS - 1, budget - 3))
        message = {**base, "text": parts[0] + ("…" if len(parts) > 1 else "")}
        if keyboard is not None:
            message["keyboard"] = keyboard
        return message


# --- the API client ---------------------------------------------------------------------------


class ViberApiError(Exception):
    """A call went wrong in a way worth trying again later (the outbox backs off)."""


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return min(3600.0, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        return min(3600.0, max(0.0, (when - datetime.now(UTC)).total_seconds()))
    except (TypeError, ValueError):
        return default


class ViberChannel(PushChannel):
    name: str = CHANNEL
    #: Viber publishes no per-chat send rate (only 100 unanswered messages a person an hour,
    #: which it enforces with status 12, mapped to RetryAfter); half a second keeps a
    #: multi-part answer readable without making anyone wait.
    per_chat_interval: float = 0.5
    #: The one bot-wide rate Viber documents: broadcast_message, 500 requests per 10 seconds.
    per_second: float = 50.0
    #: How long to wait after status 12 ("too many requests") when Viber gives no hint.
    too_many_requests_wait: ClassVar[float] = 60.0
    #: First and longest pause between set_webhook attempts (the server may not listen yet).
    register_backoff: ClassVar[tuple[float, float]] = (1.0, 300.0)
    request_timeout: ClassVar[float] = 15.0

    def __init__(self, settings: ViberSettings, *, public_url: str | None, webhook_path: str = WEBHOOK_PATH) -> None:
        if settings.token is None:
            raise ValueError("the Viber channel needs viber.token (VIKNO_VIBER_TOKEN)")
        if not public_url:
            raise ValueError("the Viber channel needs public_url (VIKNO_PUBLIC_URL) for its webhook")
        self.token = settings.token.get_secret_value()
        self.api_base = settings.api_base.rstrip("/")
        self.helpline = settings.helpline
        self.webhook_path = webhook_path
        self.webhook_url = public_url.rstrip("/") + webhook_path
        self.renderer = Renderer(settings.sender_name, settings.sender_avatar)
        self.registered = asyncio.Event()
        self._handle: Handle | None = None
        self._session: aiohttp.ClientSession | None = None
        self._register_task: asyncio.Task[None] | None = None
        if not self.webhook_url.startswith("https://"):
            log.warning(
                "viber: the webhook %s is not https; Viber only calls https URLs with a trusted "
                "certificate (fine for tests, not for production)",
                self.webhook_url,
            )

    # --- PushChannel ---------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [web.post(self.webhook_path, self.webhook)]

    async def start(self, handle: Handle) -> None:
        """Take ``handle`` and register the webhook in the background.

        Not awaited here: startup hooks run before the server listens, and
        Viber calls the webhook to verify it before set_webhook answers.
        """
        self._handle = handle
        self._register_task = asyncio.create_task(self._register(), name="viber-set-webhook")

    async def stop(self) -> None:
        task, self._register_task = self._register_task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def send(self, address: str, reply: Outbound) -> None:
        for message in self.renderer.messages(address, reply):
            self._check_sent(await self._call("send_message", message))

    # --- the webhook ---------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        body = await read_body(request, MAX_CALLBACK_BYTES)
        if body is None:
            log.warning("viber: a callback of over %d bytes was refused unread", MAX_CALLBACK_BYTES)
            return web.Response(status=413)
        if not signature_ok(self.token, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("viber: a callback with a missing or wrong signature was refused (from %s)", request.remote)
            return web.Response(status=403)
        try:
            callback = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, absurd numbers or nesting
            log.warning("viber: a signed callback is not usable JSON (%s); acknowledged and ignored", str(exc)[:100])
            return web.Response()
        if not isinstance(callback, dict):
            log.warning("viber: a signed callback is not a JSON object; acknowledged and ignored")
            return web.Response()
        event = callback.get("event")
        token = _token(callback.get("message_token"))
        inbound = inbound_of(callback, self.helpline)
        if inbound is None:
            self._acknowledge(event, token, callback)
            return web.Response()
        if self._handle is None:
            return retry_later("starting", "the channel is not started yet; retry")
        try:
            turn = await self._handle(inbound)
        except StoreUnavailable as exc:
            log.warning("viber: store unavailable (%s); answered 503 so that Viber retries %s", exc, token)
            return retry_later("store_unavailable")
        except Conflict:
            return retry_later("busy")
        log.debug("viber: %s %s (%s) handled%s", event, token, inbound.kind, " again" if turn.duplicate else "")
        if inbound.kind == Kind.START:
            return self._welcome(turn)
        return web.Response()

    def _welcome(self, turn: Turn) -> web.Response:
        message = self.renderer.welcome(turn.replies)
        if message is None:
            return web.Response()
        return web.Response(text=_dumps(message), content_type="application/json")

    @staticmethod
    def _acknowledge(event: Any, token: str | None, callback: dict[str, Any]) -> None:
        """Callbacks with no message for the engine: logged (never the person's id) and let go."""
        if event == "webhook":
            log.info("viber: webhook verified by Viber")
        elif event in ("subscribed", "unsubscribed", "delivered", "seen"):
            log.debug("viber: %s (message %s)", event, token)
        elif event == "failed":
            desc = callback.get("desc")
            log.warning(
                "viber: Viber reports message %s failed on the device: %s",
                token,
                desc[:200] if isinstance(desc, str) else "no description",
            )
        elif event in ("message", "conversation_started"):
            log.warning("viber: a %s callback without a usable sender or message was ignored", event)
        else:
            log.warning(
                "viber: unknown callback event %r ignored",
                event[:40] if isinstance(event, str) else type(event).__name__,
            )

    # --- calls to Viber --------------------------------------------------------------------------

    async def _call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.request_timeout))
        headers = {AUTH_HEADER: self.token, "Content-Type": "application/json"}
        async with self._session.post(
            f"{self.api_base}/{method}", data=_dumps(payload).encode(), headers=headers
        ) as resp:
            if resp.status == 429:
                raise RetryAfter(_retry_after(resp.headers.get("Retry-After"), self.too_many_requests_wait))
            if resp.status != 200:
                raise ViberApiError(f"{method}: HTTP {resp.status}")
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                raise ViberApiError(f"{method}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise ViberApiError(f"{method}: the answer is not a JSON object")
        return data

    def _check_sent(self, data: dict[str, Any]) -> None:
        status, text = data.get("status"), data.get("status_message")
        if status == OK:
            return
        if status == TOO_MANY_REQUESTS:
            raise RetryAfter(self.too_many_requests_wait)
        if status in GONE:
            raise Undeliverable(f"Viber status {status} ({GONE[status]})")
        if status in REJECTED:
            log.error(
                "viber: send_message rejected with status %s (%s: %s); not retried", status, REJECTED[status], text
            )
            raise Undeliverable(f"Viber status {status} ({REJECTED[status]})")
        if status == 2:
            log.error("viber: the token is not valid (status 2); check VIKNO_VIBER_TOKEN")
        raise ViberApiError(f"send_message: Viber status {status!r} ({text!r})")

    async def _account_name(self) -> str:
        """The bot's name and address in Viber, for the log line that says it connected (best effort)."""
        try:
            info = await self._call("get_account_info", {})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return f"(the account could not be read: {exc})"
        if info.get("status") != OK:
            return f"(the account could not be read: status {info.get('status')!r})"
        return f"{str(info.get('name'))[:80]!r} (viber://pa?chatURI={str(info.get('uri'))[:80]})"

    async def _register(self) -> None:
        backoff = Backoff(*self.register_backoff)
        body = {
            "url": self.webhook_url,
            "event_types": list(EVENT_TYPES),
            # we never need the person's name or photo: do not even receive them
            "send_name": False,
            "send_photo": False,
        }
        while True:
            try:
                data = await self._call("set_webhook", body)
                if data.get("status") == OK:
                    log.info("viber: connected as %s; webhook set to %s", await self._account_name(), self.webhook_url)
                    self.registered.set()
                    return
                problem = f"status {data.get('status')!r} ({data.get('status_message')!r})"
                if data.get("status") == 2:
                    problem += "; the token is not valid, check VIKNO_VIBER_TOKEN"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the network, a 5xx: keep trying
                problem = f"{type(exc).__name__}: {exc}"
            delay = backoff.next()
            log.warning("viber: set_webhook failed (%s); retrying in %.1f s", problem, delay)
            await asyncio.sleep(delay)


# --- the channel's entry in the registry (bots/registry.py) ----------------------------------------


def mount(mount: Mount) -> Mounted:
    """Every Viber bot of the settings, one line each, as one push channel (bots/bot_set.py).

    The first section's bot keeps ``/viber/webhook``; each further bot gets ``/viber/webhook/<its line>``.
    """
    settings = mount.settings
    bots: list[tuple[str, PushChannel]] = []
    for bot in settings.viber_all():
        assert bot.token is not None
        path = WEBHOOK_PATH if bot is settings.viber else f"{WEBHOOK_PATH}/{bot.helpline}"
        channel = ViberChannel(bot, public_url=settings.public_url, webhook_path=path)
        bots.append((bot_key(bot.token.get_secret_value()), channel))
    channel_set = BotSet(CHANNEL, bots)
    mount.app.add_routes(channel_set.routes())
    return Mounted(CHANNEL, ABILITIES, push=channel_set)
