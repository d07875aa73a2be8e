"""What operators do: presence, take, reply, note, transfer, close, block, take over, mark a risk.

Each handler checks access (an operator acts only on their own chats), then
calls the Handoff service, whose errors are written for operators and shown
in their language by its code (respond.fail, i18n.message). Nothing here changes a conversation by itself.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web

from vikno.handoff.service import HandoffError
from vikno.storage.models import Operator, Presence, State, utcnow

from .auth import Viewer, guard
from .context import Console, console_of
from .queries import Denied, open_chat, scope
from .respond import VIEWER, done, fail, translator

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Block durations offered in the chat page (form value → catalogue key of its label, length).
BLOCK_CHOICES: dict[str, tuple[str, timedelta]] = {
    "1h": ("block.1h", timedelta(hours=1)),
    "24h": ("block.24h", timedelta(hours=24)),
    "7d": ("block.7d", timedelta(days=7)),
    "30d": ("block.30d", timedelta(days=30)),
}
MAX_NOTE = 4096


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def refusals(conflict: int = 422) -> Callable[[Handler], Handler]:
    """What an operator may not do becomes an answer in their language, not a 500.

    Access refusals keep their own status (403/404); the service's refusals
    get ``conflict`` (422, or 409 where someone else was quicker).
    """

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def refused(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except Denied as exc:
                return fail(request, exc.message, exc.status)
            except HandoffError as exc:
                return fail(request, exc.code, exc.status or conflict, **exc.values)

        return refused

    return wrap


def _chat_url(conversation_id: str) -> str:
    return f"/console/c/{conversation_id}"


async def _chat(request: web.Request) -> tuple[Console, Operator, str]:
    """The console, the acting operator and a chat they may act on (or Denied)."""
    console, viewer = console_of(request), request[VIEWER]
    conv = await open_chat(console, viewer.operator, request.match_info["id"])
    return console, viewer.operator, conv.id


@guard()
@refusals()
async def presence(request: web.Request) -> web.StreamResponse:
    console, viewer = console_of(request), request[VIEWER]
    form = await _form(request)
    await console.handoff.set_presence(viewer.operator, form.get("presence", ""))
    return done(request, "/console/queue", presence=form.get("presence"))


@guard()
@refusals(conflict=409)
async def take_next(request: web.Request) -> web.StreamResponse:
    console, viewer = console_of(request), request[VIEWER]
    conv = await console.handoff.take_next(viewer.operator)
    if conv is None:
        return fail(request, "error.nobody_waiting", 409)
    return done(request, _chat_url(conv.id), conversation_id=conv.id)


@guard()
@refusals(conflict=409)
async def pick(request: web.Request) -> web.StreamResponse:
    console, viewer = console_of(request), request[VIEWER]
    conv = await console.handoff.pick(viewer.operator, request.match_info["id"])
    return done(request, _chat_url(conv.id), conversation_id=conv.id)


@guard()
@refusals()
async def reply(request: web.Request) -> web.StreamResponse:
    console, operator, cid = await _chat(request)
    message = await console.handoff.reply(operator, cid, (await _form(request)).get("text", ""))
    return done(request, _chat_url(cid), message_id=message.id)


@guard()
@refusals()
async def note(request: web.Request) -> web.StreamResponse:
    console, operator, cid = await _chat(request)
    text = (await _form(request)).get("text", "").strip()
    if not text:
        return fail(request, "error.note_empty", 422)
    await console.handoff.note(operator, cid, text[:MAX_NOTE])
    return done(request, _chat_url(cid))


@guard()
@refusals()
async def transfer(request: web.Request) -> web.StreamResponse:
    """To a team of the chat's helpline (back to the queue) or to an online colleague."""
    console, operator, cid = await _chat(request)
    form = await _form(request)
    kind, _, target = form.get("target", "").partition(":")
    conv = await console.store.conversations.get(cid)
    assert conv is not None
    line = console.helplines[conv.helpline]
    kwargs: dict[str, Any] = {"note": form.get("note", "").strip()[:MAX_NOTE] or None}
    if kind == "team" and target in {t.id for t in line.settings.teams}:
        kwargs["to_team"] = target
    elif kind == "operator":
        colleague = await console.store.operators.get(target)
        if colleague is None or colleague.disabled or conv.helpline not in scope(console, colleague):
            return fail(request, "error.colleague_scope", 422)
        if colleague.id != operator.id and colleague.presence != Presence.ONLINE:
            return fail(request, "error.colleague_offline", 422, name=colleague.display_name)
        kwargs["to_operator"] = colleague
    else:
        return fail(request, "error.transfer_choose", 422)
    moved = await console.handoff.transfer(operator, cid, **kwargs)
    stays = moved.state == State.WITH_OPERATOR and moved.operator_id == operator.id
    return done(request, _chat_url(cid) if stays else "/console/queue")


@guard(staff=True)
@refusals(conflict=409)
async def take_over(request: web.Request) -> web.StreamResponse:
    """A supervisor takes a chat from whoever has it (or from the queue) into their own hands."""
    console, operator, cid = await _chat(request)
    conv = await console.store.conversations.get(cid)
    if conv is None or conv.state not in (State.WITH_OPERATOR, State.WAITING):
        return fail(request, "error.takeover_open_only", 409)
    if conv.state == State.WAITING:
        await console.handoff.pick(operator, cid)
    else:
        await console.handoff.transfer(
            operator, cid, to_operator=operator, note=translator(request)("note.taken_over", name=operator.display_name)
        )
    return done(request, _chat_url(cid))


@guard()
@refusals()
async def close(request: web.Request) -> web.StreamResponse:
    console, operator, cid = await _chat(request)
    form = await _form(request)
    await console.handoff.close(
        operator, cid, category=form.get("category", ""), outcome=form.get("outcome", ""), note=form.get("note", "")
    )
    return done(request, "/console/queue")


@guard()
@refusals()
async def mark(request: web.Request) -> web.StreamResponse:
    """The operator's word on a message: "crisis" or "not a crisis" (a labelled example; see Handoff.mark_risk)."""
    console, operator, cid = await _chat(request)
    form = await _form(request)
    feedback = await console.handoff.mark_risk(operator, cid, form.get("message_id", ""), form.get("label", ""))
    return done(request, _chat_url(cid), message_id=feedback.message_id, label=feedback.label)


@guard()
@refusals()
async def block(request: web.Request) -> web.StreamResponse:
    console, operator, cid = await _chat(request)
    choice = BLOCK_CHOICES.get((await _form(request)).get("duration", ""))
    if choice is None:
        t = translator(request)
        return fail(
            request, "error.block_duration", 422, choices=", ".join(t(key) for key, _ in BLOCK_CHOICES.values())
        )
    await console.handoff.block(operator, cid, utcnow() + choice[1])
    return done(request, "/console/queue")


@guard()
async def typing(request: web.Request) -> web.StreamResponse:
    """The operator is typing: tell the person where their channel can show it, at most once per throttle interval."""
    try:
        console, operator, cid = await _chat(request)
    except Denied as exc:
        return fail(request, exc.message, exc.status)
    viewer: Viewer = request[VIEWER]
    if console.typing.allow((viewer.operator.id, cid)):
        await _typing(console, cid, on=True)
    return web.Response(status=204)


async def _typing(console: Console, conversation_id: str, *, on: bool) -> None:
    if not console.channels.shows_typing():  # no read of the chat when no channel could show it
        return
    conv = await console.store.conversations.get(conversation_id)
    if conv is not None:
        await console.channels.typing(conv, on=on)


@guard()
@refusals()
async def report_outcome(request: web.Request) -> web.StreamResponse:
    """What was done about a report (referred, a visit planned, helped, no action, closed)."""
    console, operator, cid = await _chat(request)
    form = await _form(request)
    report = await console.handoff.record_outcome(
        operator,
        cid,
        outcome=form.get("outcome", ""),
        referred_to=form.get("referred_to", ""),
        note=form.get("note", ""),
    )
    return done(request, _chat_url(cid), status=report.status)


@guard()
@refusals()
async def report_contact(request: web.Request) -> web.StreamResponse:
    """The reporter's contact, decrypted on demand for the report's team (a POST: it is logged, never cached)."""
    from .pages import render_chat
    from .respond import wants_json

    console, operator, cid = await _chat(request)
    contact = await console.handoff.reveal_contact(operator, cid)
    if wants_json(request):
        response = web.json_response({"ok": True, "contact": contact})
        response.headers["Cache-Control"] = "no-store"
        return response
    return await render_chat(request, contact=contact)
