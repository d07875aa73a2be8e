"""The console's appeals: the line's list (newest first, by status, or the one of a number a caller reads
out), one appeal's card with its history and the status form, and registering an appeal from a chat.

Pages and their JSON answer from the same data (``appeal_view``), like the
rest of the console; the rule of who sees what is ``AppealOffice.visible``
(handoff/appeals.py): the staff of the appeal's line, nobody else, and for
them an appeal of another line does not exist (404, page and API alike).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from vikno.flows.appeals import STATUSES, AppealDesk
from vikno.flows.content import Helpline
from vikno.storage.models import Appeal, Operator

from ..appeals import AppealOffice
from .actions import _form, refusals
from .auth import guard
from .context import Console, console_of
from .i18n import text
from .respond import VIEWER, done, language_of, render
from .views import iso


def office_of(console: Console) -> AppealOffice:
    handoff = console.handoff
    assert handoff.vault is not None, "the console's Handoff needs the deployment's vault for appeal numbers"
    return AppealOffice(console.store, console.helplines, AppealDesk(console.store, handoff.vault), handoff)


def status_choices(lang: str) -> list[tuple[str, str]]:
    return [(s, text(lang, f"appeal.status.{s}")) for s in STATUSES]


def topic_choices(line: Helpline, lang: str) -> list[tuple[str, str]]:
    appeals = line.settings.appeals
    return [(t.id, line.local(t.title, lang)) for t in appeals.topics] if appeals else []


def appeal_view(
    appeal: Appeal, line: Helpline | None, lang: str, names: dict[str, str] | None = None, *, full: bool = False
) -> dict[str, Any]:
    """An appeal for the staff of its line: routed to whom, where it stands; ``full`` adds the words and history."""
    chosen = line.appeal_topic(appeal.topic) if line else None
    view: dict[str, Any] = {
        "id": appeal.id,
        "helpline": appeal.helpline,
        "helpline_name": line.local(line.settings.name, lang) if line else appeal.helpline,
        "number_tail": appeal.number_tail,
        "topic": appeal.topic,
        "topic_title": line.local(chosen.title, lang) if line and chosen else appeal.topic,
        "authority": appeal.authority,
        "authority_name": line.authority_name(appeal.authority, lang) if line else appeal.authority,
        "status": appeal.status,
        "status_label": text(lang, f"appeal.status.{appeal.status}"),
        "channel": appeal.channel,
        "registered_at": iso(appeal.created_at),
        "updated_at": iso(appeal.updated_at),
        "registered_by_operator": appeal.registered_by is not None,
    }
    if full:
        who = names or {}
        view["text"] = appeal.text
        view["conversation_id"] = appeal.conversation_id
        view["history"] = [
            {
                "status": h.get("status"),
                "status_label": text(lang, f"appeal.status.{h.get('status')}"),
                "operator_name": who.get(h.get("operator") or "", text(lang, "appeal.by_citizen"))
                if h.get("operator")
                else text(lang, "appeal.by_citizen"),
                "note": h.get("note") or "",
                "at": h.get("at"),
            }
            for h in appeal.history
        ]
    return view


async def _names(console: Console) -> dict[str, str]:
    return {o.id: o.display_name for o in await console.store.operators.all()}


async def list_data(console: Console, operator: Operator, query: Any, lang: str) -> dict[str, Any]:
    office = office_of(console)
    status = query.get("status") or None
    number = (query.get("number") or "").strip() or None
    helpline = query.get("helpline") or None
    found = await office.list(operator, status=status, number=number, helpline=helpline)
    lines = office.lines_of(operator)
    return {
        "appeals": [appeal_view(a, console.helplines.get(a.helpline), lang) for a in found],
        "status": status if status in STATUSES else "",
        "number": number or "",
        "helpline": helpline or "",
        "statuses": status_choices(lang),
        "helplines": [(h, console.helplines[h].local(console.helplines[h].settings.name, lang)) for h in lines],
    }


async def one_data(console: Console, operator: Operator, appeal_id: str, lang: str) -> dict[str, Any]:
    appeal = await office_of(console).get(operator, appeal_id)
    line = console.helplines.get(appeal.helpline)
    return {
        "appeal": appeal_view(appeal, line, lang, await _names(console), full=True),
        "statuses": status_choices(lang),
    }


@guard()
@refusals()
async def appeals_page(request: web.Request) -> web.StreamResponse:
    console, lang = console_of(request), language_of(request)
    data = await list_data(console, request[VIEWER].operator, request.query, lang)
    return render(request, "appeals.html", {"page": "appeals", **data})


@guard()
@refusals()
async def appeals_json(request: web.Request) -> web.StreamResponse:
    console, lang = console_of(request), language_of(request)
    return web.json_response(await list_data(console, request[VIEWER].operator, request.query, lang))


@guard()
@refusals()
async def appeal_page(request: web.Request) -> web.StreamResponse:
    console, lang = console_of(request), language_of(request)
    data = await one_data(console, request[VIEWER].operator, request.match_info["id"], lang)
    return render(request, "appeal.html", {"page": "appeals", **data})


@guard()
@refusals()
async def appeal_json(request: web.Request) -> web.StreamResponse:
    console, lang = console_of(request), language_of(request)
    return web.json_response(await one_data(console, request[VIEWER].operator, request.match_info["id"], lang))


@guard()
@refusals()
async def appeal_status(request: web.Request) -> web.StreamResponse:
    """A new status (sent to the authority, answered, closed), with a note for colleagues only."""
    console = console_of(request)
    form = await _form(request)
    appeal = await office_of(console).set_status(
        request[VIEWER].operator, request.match_info["id"], form.get("status", ""), form.get("note", "")
    )
    return done(request, f"/console/appeals/{appeal.id}", status=appeal.status)


@guard()
@refusals()
async def register_from_chat(request: web.Request) -> web.StreamResponse:
    """The operator registers the citizen's appeal from their chat; the citizen is told its number there."""
    console = console_of(request)
    form = await _form(request)
    made = await office_of(console).register_from_chat(
        request[VIEWER].operator, request.match_info["id"], topic=form.get("topic", ""), text=form.get("text", "")
    )
    return done(
        request,
        f"/console/appeals/{made.appeal.id}",
        appeal_id=made.appeal.id,
        number=made.number,
        authority=made.appeal.authority,
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/console/appeals", appeals_page),
        web.get("/console/api/appeals", appeals_json),
        web.get("/console/appeals/{id}", appeal_page),
        web.get("/console/api/appeals/{id}", appeal_json),
        web.post("/console/appeals/{id}/status", appeal_status),
        web.post("/console/c/{id}/appeal", register_from_chat),
    ]
