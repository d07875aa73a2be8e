"""The Telegram channel: updates in (webhook or long polling), replies out.

Receive: every update, however odd, goes through :func:`inbound_of`, a pure
function over plain JSON (not aiogram's models: one field of a surprising
type must not turn a person's message into a 500 that Telegram retries
forever, nor stall a getUpdates batch). The webhook answers 2xx only after
``handle`` returned, that is after the message and its replies are
committed; a store that is down gives 503 so Telegram retries.

Send: aiogram 3 is the Bot API client. Replies are split at Telegram's
4,096 characters (buttons on the last part), buttons become one inline
keyboard row each, and Telegram's refusals are mapped to what the outbox
pump understands (wait, give up, or retry with back-off).

Privacy: chat ids are never logged; files are never downloaded and their
ids never kept, only the kind of what was sent.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any, ClassVar

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.token import TokenValidationError
from aiohttp import web

from vikno.flows.channels import Abilities, TextMeasure
from vikno.flows.engine import UnknownHelpline
from vikno.flows.messages import Inbound, Kind, Outbound
from vikno.storage.errors import Conflict, StoreUnavailable

from .bot_set import BotSet, bot_key
from .channel import Handle, PushChannel
from .config import TelegramSettings
from .deep_links import deep_link, start_word
from .registry import Mount, Mounted
from .kit import (
    Backoff,
    Measure,
    RetryAfter,
    Undeliverable,
    clean_text,
    cut_text,
    error_response,
    read_body,
    retry_later,
    split_text,
)

log = logging.getLogger(__name__)

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
#: Telegram's limits: text of one message (UTF-16 code units), callback data (bytes).
MAX_MESSAGE = 4096
MEASURE = Measure(units=MAX_MESSAGE)
MAX_CALLBACK_DATA = 64
#: Buttons of one inline keyboard.
MAX_BUTTONS = 100
#: What this channel can do (flows/channels.py): replies wait in the outbox and are pushed.
ABILITIES = Abilities(pushes=True, max_buttons=MAX_BUTTONS, max_text=MAX_MESSAGE, measure=TextMeasure.UTF16)
#: Longer texts cannot come from Telegram; a forged one is cut, not stored whole.
MAX_INBOUND_TEXT = 4096
#: A real update is a few kB; this only bounds what a forger can make us read.
MAX_BODY = 1024 * 1024
#: aiogram parses every answer as ``Response[T]``; pydantic caches such generic
#: classes only weakly, so without a strong reference each garbage collection
#: drops them and the next call rebuilds one (milliseconds of a blocked event
#: loop, measured: 1.7 ms per call instead of 1 µs). Keep the ones we use.
_RESPONSE_TYPES = (Response[Message], Response[bool])


# --- receive: raw update -> Inbound (pure) ----------------------------------------------------

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", re.S)
_LANGUAGE_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
#: What a message carries when it has no text, most specific first (an
#: animation also has a "document", a venue also a "location").
_MEDIA: tuple[tuple[str, Kind], ...] = (
    ("sticker", Kind.STICKER),
    ("photo", Kind.PHOTO),
    ("voice", Kind.VOICE),
    ("audio", Kind.VOICE),
    ("video_note", Kind.VIDEO),
    ("animation", Kind.VIDEO),
    ("video", Kind.VIDEO),
    ("document", Kind.DOCUMENT),
    ("venue", Kind.LOCATION),
    ("location", Kind.LOCATION),
    ("contact", Kind.CONTACT),
)


def inbound_of(update: Any, helpline: str | None = None) -> Inbound | None:
    """The normalised message of one raw update, or None when there is nothing to answer.

    ``helpline`` is the bot's own (settings); a ``/start`` deep link may name
    another, and a language. Ignored updates are logged by type only.
    """
    if not isinstance(update, dict):
        return _ignored("the update is not a JSON object")
    if "message" in update:
        return _message(update["message"], helpline)
    if "callback_query" in update:
        return _callback(update["callback_query"], helpline)
    if "edited_message" in update:
        # The original was answered already; answering an edit again would
        # confuse more than help (an operator sees the original in the history).
        return _ignored("edited_message")
    if "my_chat_member" in update:
        return _ignored("my_chat_member (the bot was blocked, unblocked or added somewhere)")
    kinds = [k for k in update if k != "update_id"]
    return _ignored(f"unknown update type {str(kinds)[:80]}")


def callback_id_of(update: Any) -> str | None:
    """The callback query to answer (so the button's spinner stops), even when the update is ignored."""
    if isinstance(update, dict) and isinstance(update.get("callback_query"), dict):
        cq_id = update["callback_query"].get("id")
        if isinstance(cq_id, str) and 0 < len(cq_id) <= 256:
            return cq_id
    return None


def _clean(text: str) -> str:
    """Text safe to store (the kit's cleaning), no longer than Telegram lets a person write."""
    return cut_text(clean_text(text), MAX_INBOUND_TEXT, CHANNEL)


def _message(msg: Any, helpline: str | None) -> Inbound | None:
    chat_id = _private_chat_id(msg)
    message_id = _int(msg.get("message_id")) if chat_id is not None else None
    if chat_id is None or message_id is None:
        return _ignored("a message without a private chat id or a message id")
    # the app's language is a hint; a deep link's language (start=uk) is the person's choice
    common: dict[str, Any] = dict(
        channel=CHANNEL,
        user_id=str(chat_id),
        locale_hint=_locale(msg.get("from")),
        platform_id=f"{chat_id}:{message_id}",
        helpline=helpline,
    )
    if "text" in msg:
        text = msg["text"]
        if not isinstance(text, str):
            return _ignored(f"a message whose text is {type(text).__name__}, not a string")
        text = _clean(text)
        command = _COMMAND.match(text.strip())
        if command is not None and command[1].lower() == "start":
            param, start = start_word((command[2] or "").strip())
            line, lang = deep_link(param or None)
            common.update(helpline=line or helpline, locale=lang)
            # a topic's start word (``kharkiv-1552_uk--child``) opens the chat on that topic, as the web chat's ?start=
            button = f"start:{start}" if start else None
            return Inbound(text=text, kind=Kind.START, button=button, **common)
        return Inbound(text=text, kind=Kind.TEXT, **common)
    kind = next((k for name, k in _MEDIA if name in msg), Kind.OTHER)
    # The file itself is never fetched nor its id kept; a caption is kept as
    # text, because words like "help me" may come under a photo too.
    caption = msg.get("caption")
    text = _clean(caption) if isinstance(caption, str) and caption.strip() else None
    return Inbound(text=text, kind=kind, **common)


def _callback(cq: Any, helpline: str | None) -> Inbound | None:
    if not isinstance(cq, dict) or callback_id_of({"callback_query": cq}) is None:
        return _ignored("a callback query without an id")
    data = cq.get("data")
    if not isinstance(data, str) or not data:
        return _ignored("a callback query without data (a game or an odd client)")
    chat_id = _private_chat_id(cq.get("message"))
    if chat_id is None:
        return _ignored("a callback query from outside a private chat")
    return Inbound(
        channel=CHANNEL,
        user_id=str(chat_id),
        button=_clean(data),
        kind=Kind.BUTTON,
        locale_hint=_locale(cq.get("from")),
        platform_id=f"cb:{cq['id']}",
        helpline=helpline,
    )


def _private_chat_id(msg: Any) -> int | None:
    """Only one-to-one chats: a helpline conversation is not held in a group others read."""
    chat = msg.get("chat") if isinstance(msg, dict) else None
    if not isinstance(chat, dict) or chat.get("type") != "private":
        return None
    return _int(chat.get("id"))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _locale(sender: Any) -> str | None:
    code = sender.get("language_code") if isinstance(sender, dict) else None
    match = _LANGUAGE_CODE.match(code) if isinstance(code, str) else None
    return match[1].lower() if match else None


def _ignored(reason: str) -> None:
    log.info("telegram: update ignored: %s", reason)
    return None


# --- send: Outbound -> Bot API requests (pure) ------------------------------------------------


class CallbackCodec:
    """Button payloads as Telegram callback data (at most 64 bytes).

    Payloads that fit (all the shipped ones, e.g. ``topic:housing_compensation``)
    go as they are, so a press works whatever process receives it, also after
    a restart. A longer one becomes ``~h:`` and a hash of it, remembered in a
    bounded in-process LRU; the hash is deterministic, so rendering the same
    payload twice gives the same data. If the mapping is gone (restart, or the
    press reached another worker) the token goes to the engine as is: it is an
    unknown button there, and the person gets "not understood" with the menu,
    never an error. Content authors are warned at render time in the log.
    """

    PREFIX = "~h:"

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        raw = payload.encode("utf-8")
        if 0 < len(raw) <= MAX_CALLBACK_DATA and not payload.startswith(self.PREFIX):
            return payload
        token = self.PREFIX + base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode()[:32]
        if token not in self._payloads:
            log.warning(
                "telegram: button payload of %d bytes is over Telegram's %d; sent as %s (works while "
                "this process runs; keep payloads short)",
                len(raw),
                MAX_CALLBACK_DATA,
                token,
            )
        self._payloads[token] = payload
        self._payloads.move_to_end(token)
        while len(self._payloads) > self.size:
            self._payloads.popitem(last=False)
        return token

    def decode(self, data: str) -> str:
        if not data.startswith(self.PREFIX):
            return data
        payload = self._payloads.get(data)
        if payload is None:
            log.warning(
                "telegram: a pressed button's long payload is no longer known (restart or another "
                "worker); the person gets the menu"
            )
            return data
        self._payloads.move_to_end(data)
        return payload


def chat_id_of(address: str) -> int | str:
    return int(address) if re.fullmatch(r"-?\d{1,20}", address) else address


def keyboard(reply: Outbound, codec: CallbackCodec) -> dict[str, Any] | None:
    """One button per row: topic titles are long, and a column reads best on a phone."""
    if not reply.buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.title.strip() or b.payload or "…", "callback_data": codec.encode(b.payload)}]
            for b in reply.buttons
        ]
    }


def render(address: str, reply: Outbound, codec: CallbackCodec) -> list[dict[str, Any]]:
    """The ``sendMessage`` fields for one reply: its parts, the keyboard on the last."""
    text = reply.text if reply.text.strip() else ("…" if reply.buttons else "")
    if not text:
        return []
    chat_id = chat_id_of(address)
    requests: list[dict[str, Any]] = [{"chat_id": chat_id, "text": part} for part in split_text(text, MEASURE)]
    markup = keyboard(reply, codec)
    if markup is not None:
        requests[-1]["reply_markup"] = markup
    return requests


# --- send outcomes: Telegram's refusals -> what the outbox pump is told (bots/kit/outcomes.py) ----------

#: Refusals that mean the person cannot get this message, now or later (blocked the bot, deleted
#: the account, never started the bot): the pump marks it failed. Rows are tried in order; an
#: empty tuple of words matches any description; the words are lower-case parts of the Bot API's
#: ``description``. What no row matches (a 5xx, another 400, a 401, the network) is retried later
#: with back-off; a 429 waits what Telegram says (``retry_after``).
SEND_OUTCOMES: tuple[tuple[type[TelegramAPIError], tuple[str, ...]], ...] = (
    (TelegramForbiddenError, ()),
    (
        TelegramBadRequest,
        (
            "chat not found",
            "user not found",
            "peer_id_invalid",
            "bot can't initiate",
            "user is deactivated",
            "bot was blocked",
            "have no rights to send",
        ),
    ),
)


def send_outcome(exc: TelegramAPIError) -> RetryAfter | Undeliverable | None:
    """What the pump is told of one refusal, or None: try again later with back-off."""
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(exc.retry_after)
    description = exc.message.lower()
    for kind, words in SEND_OUTCOMES:
        if isinstance(exc, kind) and (not words or any(word in description for word in words)):
            return Undeliverable(f"Telegram refuses: {exc.message}")
    return None


# --- the channel ---------------------------------------------------------------------------------


class TelegramChannel(PushChannel):
    name: str = CHANNEL
    #: Telegram: about one message a second to one chat, about 30 a second overall.
    per_chat_interval: float = 1.0
    per_second: float = 30.0
    #: Long-poll wait (seconds) and the back-off of polling and webhook registration.
    poll_timeout: ClassVar[int] = 25
    retry_first: ClassVar[float] = 1.0
    retry_most: ClassVar[float] = 60.0
    #: Times an update that breaks the engine (not the store) is retried in polling mode.
    poll_attempts: ClassVar[int] = 5
    #: Answer callback queries in the webhook's HTTP answer (no request of ours)
    #: rather than with a separate answerCallbackQuery call. Polling always calls.
    answer_in_webhook_reply: ClassVar[bool] = True

    def __init__(
        self,
        settings: TelegramSettings,
        *,
        public_url: str | None,
        default_secret: str,
        webhook_path: str = WEBHOOK_PATH,
    ) -> None:
        if settings.token is None:
            raise ValueError("the Telegram channel needs telegram.token (VIKNO_TELEGRAM_TOKEN)")
        self.settings = settings
        self.mode = settings.mode
        self.webhook_path = webhook_path
        self.public_url = (public_url or "").rstrip("/")
        self.secret = settings.secret_token.get_secret_value() if settings.secret_token else default_secret
        self.api = TelegramAPIServer.from_base(settings.api_base) if settings.api_base else PRODUCTION
        try:
            self.bot = Bot(settings.token.get_secret_value(), session=AiohttpSession(api=self.api))
        except TokenValidationError:
            raise ValueError(
                "telegram.token (VIKNO_TELEGRAM_TOKEN) does not look like a bot token from "
                "@BotFather (digits, a colon, then letters, e.g. 123456:ABC-def...)"
            ) from None
        self.codec = CallbackCodec()
        self._handle: Handle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._poll_session: aiohttp.ClientSession | None = None
        self._stopped = False
        #: Parts already delivered of a split reply that failed half-way (so a retry does not repeat them).
        self._progress: OrderedDict[tuple[str, Outbound], int] = OrderedDict()
        #: Chats that chose another helpline by deep link; best effort, see `_with_helpline`.
        self._chat_helplines: OrderedDict[str, str] = OrderedDict()

    # --- wiring ------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        return [web.post(self.webhook_path, self._webhook)] if self.mode == "webhook" else []

    async def start(self, handle: Handle) -> None:
        self._handle = handle
        if self.mode == "webhook":
            # In a task: the server is not listening yet while start-up hooks run.
            self._spawn(self._register_webhook(), "telegram-set-webhook")
        else:
            self._poll_session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.poll_timeout + 15))
            self._spawn(self._poll(), "telegram-polling")

    async def stop(self) -> None:
        self._stopped = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._poll_session is not None:
            await self._poll_session.close()
        await self.bot.session.close()

    def _spawn(self, coro: Awaitable[Any], name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- receive -----------------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # surrogateescape: aiohttp hands bytes that are not UTF-8 over as lone surrogates; such a
        # header is a wrong secret (401), not an error of ours
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.secret.encode()):
            log.warning("telegram: webhook call with a wrong or missing secret token refused")
            return error_response(401, "unauthorized", f"wrong or missing {SECRET_HEADER}")
        if self._handle is None:
            return retry_later("starting")
        body = await read_body(request, MAX_BODY)
        if body is None:
            log.warning("telegram: webhook body over %d bytes ignored", MAX_BODY)
            return web.Response(status=200)
        try:
            update = json.loads(body)
        except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
            log.warning("telegram: webhook body is not JSON; ignored")
            return web.Response(status=200)
        try:
            callback_id = await self.process(update)
        except StoreUnavailable as exc:
            log.warning("telegram: store unavailable (%s); Telegram will retry", exc)
            return retry_later("store_unavailable")
        except Conflict:
            return retry_later("busy")
        if callback_id is None:
            return web.Response(status=200)
        if self.answer_in_webhook_reply:
            # Telegram runs a method given in the webhook's answer: the spinner
            # stops without a request of ours (its result is not needed).
            return web.json_response({"method": "answerCallbackQuery", "callback_query_id": callback_id})
        self._spawn(self._answer(callback_id), "telegram-answer-callback")
        return web.Response(status=200)

    async def process(self, update: Any) -> str | None:
        """Run one update through the engine; returns once it is committed (or was ignored).

        Returns the id of the callback query to answer, if the update is one.
        """
        assert self._handle is not None
        inbound = inbound_of(update, self.settings.helpline)
        if inbound is not None:
            await self._with_helpline(self._handle, self._decoded(inbound))
        return callback_id_of(update)

    def _decoded(self, inbound: Inbound) -> Inbound:
        if inbound.button is not None and inbound.button.startswith(CallbackCodec.PREFIX):
            return replace(inbound, button=self.codec.decode(inbound.button))
        return inbound

    async def _with_helpline(self, handle: Handle, inbound: Inbound) -> None:
        """Keep the helpline a chat's deep link chose; fall back when it names none we have.

        The choice is remembered in this process only (bounded): the engine has
        no notion of "this person's helpline on this channel" yet, so after a
        restart a multi-helpline bot's chat returns to the bot's own helpline.
        Single-helpline bots (the usual set-up) are not affected.
        """
        chat, own = inbound.user_id, self.settings.helpline
        if inbound.kind == Kind.START and inbound.helpline != own and inbound.helpline is not None:
            self._chat_helplines[chat] = inbound.helpline
            while len(self._chat_helplines) > 10_000:
                self._chat_helplines.popitem(last=False)
        elif chat in self._chat_helplines:
            inbound = replace(inbound, helpline=self._chat_helplines[chat])
        try:
            await handle(inbound)
        except UnknownHelpline:
            if inbound.helpline == own:
                raise
            log.warning(
                "telegram: a deep link names a helpline this server does not have; using %s",
                own or "the default helpline",
            )
            self._chat_helplines.pop(chat, None)
            await handle(replace(inbound, helpline=own))

    async def _answer(self, callback_id: str) -> None:
        try:
            await self.bot.answer_callback_query(callback_id)
        except Exception as exc:  # a late or repeated answer is refused; the spinner stops by itself
            log.debug("telegram: answerCallbackQuery failed: %s", exc)

    # --- webhook registration and polling ----------------------------------------------------

    async def _introduce(self) -> None:
        """getMe until it answers, then say which bot this is: the journal shows the token works."""
        backoff = Backoff(self.retry_first, self.retry_most)
        while True:
            try:
                me = await self.bot.get_me()
                log.info("telegram: connected as @%s (%s, Bot API at %s)", me.username, self.mode, self._api_host())
                return
            except TelegramUnauthorizedError:
                log.error("telegram: the bot token was refused; check VIKNO_TELEGRAM_TOKEN")
                await asyncio.sleep(self.retry_most)
            except Exception as exc:
                delay = backoff.next()
                log.warning(
                    "telegram: cannot reach the Bot API at %s (%s); retrying in %.1f s", self._api_host(), exc, delay
                )
                await asyncio.sleep(delay)

    def _api_host(self) -> str:
        """The Bot API server without the token (its URL template holds one)."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.api.base)
        return f"{parts.scheme}://{parts.netloc}"

    async def _register_webhook(self) -> None:
        url = self.public_url + self.webhook_path
        await self._introduce()
        backoff = Backoff(self.retry_first, self.retry_most)
        while True:
            try:
                await self.bot.set_webhook(
                    url=url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
                )
                log.info("telegram: webhook registered at %s", url)
                return
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
            except TelegramUnauthorizedError:
                log.error("telegram: the bot token was refused; check VIKNO_TELEGRAM_TOKEN")
                await asyncio.sleep(self.retry_most)
            except Exception as exc:
                delay = backoff.next()
                log.warning("telegram: setWebhook failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)

    async def _poll(self) -> None:
        """getUpdates in a loop; the offset moves past an update only once it is committed."""
        await self._introduce()
        backoff = Backoff(self.retry_first, self.retry_most)
        while True:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                break
            except Exception as exc:
                delay = backoff.next()
                log.warning("telegram: deleteWebhook failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
        backoff.reset()
        offset: int | None = None
        failed = 0  # getUpdates calls failed in a row
        failures: dict[int, int] = {}
        while True:
            try:
                updates = await self._get_updates(offset)
            except _PollWait as wait:
                await asyncio.sleep(wait.seconds)
                continue
            except Exception as exc:
                delay = backoff.next()
                failed += 1
                log.warning("telegram: getUpdates failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            if failed:
                log.info("telegram: getUpdates works again (after %d failed attempt(s))", failed)
                failed = 0
            backoff.reset()
            for update in updates:
                update_id = _int(update.get("update_id")) if isinstance(update, dict) else None
                try:
                    callback_id = await self.process(update)
                    if callback_id is not None:
                        self._spawn(self._answer(callback_id), "telegram-answer-callback")
                except (StoreUnavailable, Conflict) as exc:
                    delay = backoff.next()
                    log.warning("telegram: store unavailable (%s); the update waits %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    break  # fetch again from the same offset: nothing after it is lost either
                except Exception:
                    key = update_id if update_id is not None else -1
                    failures[key] = failures.get(key, 0) + 1
                    if failures[key] < self.poll_attempts:
                        log.exception("telegram: update %s failed; retrying", update_id)
                        await asyncio.sleep(backoff.next())
                        break
                    log.exception("telegram: update %s failed %d times; skipped", update_id, failures[key])
                failures.pop(update_id if update_id is not None else -1, None)
                if update_id is not None:
                    offset = max(offset or 0, update_id + 1)

    async def _get_updates(self, offset: int | None) -> list[Any]:
        """Raw JSON, not aiogram's models: one odd update must not block the whole batch."""
        assert self._poll_session is not None
        body: dict[str, Any] = {"timeout": self.poll_timeout, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            body["offset"] = offset
        url = self.api.api_url(token=self.bot.token, method="getUpdates")
        async with self._poll_session.post(url, json=body) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                raise _PollError(f"HTTP {resp.status}, not JSON") from None
        if not isinstance(data, dict):
            raise _PollError(f"HTTP {resp.status}, unexpected answer")
        if data.get("ok") is True and isinstance(data.get("result"), list):
            return data["result"]
        given = data.get("parameters")
        parameters = given if isinstance(given, dict) else {}
        if isinstance(parameters.get("retry_after"), (int, float)):
            raise _PollWait(float(parameters["retry_after"]))
        hint = " (a webhook is set or another process polls this bot)" if resp.status == 409 else ""
        raise _PollError(f"HTTP {resp.status}: {str(data.get('description'))[:200]}{hint}")

    # --- send --------------------------------------------------------------------------------

    async def send(self, address: str, reply: Outbound) -> None:
        if self._stopped:
            raise RuntimeError("the Telegram channel is stopping; the reply stays in the outbox")
        requests = render(address, reply, self.codec)
        key = (address, reply)
        done = self._progress.pop(key, 0)
        for index in range(done, len(requests)):
            if index > done:
                await asyncio.sleep(self.per_chat_interval)  # the pump paces whole replies, this their parts
            try:
                await self._send_one(requests[index])
            except BaseException:
                if index:
                    self._progress[key] = index
                    while len(self._progress) > 1000:
                        self._progress.popitem(last=False)
                raise

    async def _send_one(self, request: dict[str, Any]) -> None:
        markup = request.get("reply_markup")
        try:
            await self.bot.send_message(
                chat_id=request["chat_id"],
                text=request["text"],
                reply_markup=InlineKeyboardMarkup(
                    inline_keyboard=[[InlineKeyboardButton(**b) for b in row] for row in markup["inline_keyboard"]]
                )
                if markup
                else None,
            )
        except TelegramAPIError as exc:
            outcome = send_outcome(exc)
            if outcome is None:
                raise
            raise outcome from None


class _PollError(Exception):
    pass


class _PollWait(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds


# --- the channel's entry in the registry (bots/registry.py) ----------------------------------------


def mount(mount: Mount) -> Mounted:
    """Every Telegram bot of the settings, one line each, as one push channel (bots/bot_set.py).

    The first section's bot keeps the webhook path and secret it always had; each further bot gets
    ``/telegram/webhook/<its line>`` and a secret of its own.
    """
    settings = mount.settings
    bots: list[tuple[str, PushChannel]] = []
    for bot in settings.telegram_all():
        assert bot.token is not None
        first = bot is settings.telegram
        label = "telegram-webhook" if first else f"telegram-webhook:{bot.helpline}"
        channel = TelegramChannel(
            bot,
            public_url=settings.public_url,
            default_secret=mount.derived_token(label),
            webhook_path=WEBHOOK_PATH if first else f"{WEBHOOK_PATH}/{bot.helpline}",
        )
        bots.append((bot_key(bot.token.get_secret_value()), channel))
    channel_set = BotSet(CHANNEL, bots)
    mount.app.add_routes(channel_set.routes())
    return Mounted(CHANNEL, ABILITIES, push=channel_set)
