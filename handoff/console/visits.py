"""The mobile brigades in the console: the dispatch form's action, each brigade's list of visits, a visit's
card and its status form (handoff/dispatch.py does the work; ``access.visit_access`` says who sees what).

A brigade member sees the visits of their own district's team; a supervisor
every visit of their helplines; anyone else (another district's brigade,
another helpline's staff) gets 404 for a visit's page, its JSON and its
form alike, whatever id they send.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from vikno.flows.content import REPORT_URGENCY
from vikno.storage.models import Operator, VisitStatus

from ..dispatch import MAX_PEOPLE, MOVES
from .actions import refusals
from .auth import guard
from .context import Console, console_of
from .i18n import DEFAULT, text
from .queries import _view, brigades_of
from .respond import VIEWER, done, language_of, render
from .views import visit_view


async def visits_data(console: Console, operator: Operator, lang: str = DEFAULT, *, closed: bool = False) -> dict:
    """The operator's brigades' visits (no address in the list: it is on each visit's card)."""
    brigades = brigades_of(console)
    found = await brigades.visits_for(operator, closed=closed)
    order = {u: i for i, u in enumerate(REPORT_URGENCY)}
    found.sort(key=lambda v: (order.get(v.urgency, 9), v.created_at))
    views = []
    for visit in found:
        view = visit_view(visit, console.helplines.get(visit.helpline), lang)
        view.pop("address", None)
        views.append(view)
    return {"closed": closed, "visits": views}


async def visit_data(console: Console, operator: Operator, visit_id: str, lang: str = DEFAULT) -> dict[str, Any]:
    """One visit's card and the statuses it may move to (404 for anyone the visit rule does not admit)."""
    visit = await brigades_of(console).visit_of(operator, visit_id)
    operators = {o.id: o for o in await console.store.operators.all()}
    line = console.helplines.get(visit.helpline)
    brigades = line.settings.brigades if line else None
    return {
        "visit": await _view(console, operator, visit, lang, operators),
        "moves": [(s, text(lang, f"visit.status.{s}")) for s in VisitStatus if s in MOVES.get(visit.status, ())],
        "outcomes": [(o.id, line.local(o.name, lang)) for o in brigades.outcomes] if brigades and line else [],
        "help": [(h.id, line.local(h.name, lang)) for h in brigades.help] if brigades and line else [],
        "max_people": MAX_PEOPLE,
    }


@guard()
async def visits_page(request: web.Request) -> web.StreamResponse:
    console, viewer, lang = console_of(request), request[VIEWER], language_of(request)
    data = await visits_data(console, viewer.operator, lang, closed=request.query.get("closed") == "1")
    return render(request, "visits.html", {"page": "visits", "data": data})


@guard()
async def visits_json(request: web.Request) -> web.StreamResponse:
    console, viewer, lang = console_of(request), request[VIEWER], language_of(request)
    closed = request.query.get("closed") == "1"
    return web.json_response(await visits_data(console, viewer.operator, lang, closed=closed))


@guard()
@refusals()
async def visit_page(request: web.Request) -> web.StreamResponse:
    console, viewer, lang = console_of(request), request[VIEWER], language_of(request)
    data = await visit_data(console, viewer.operator, request.match_info["id"], lang)
    response = render(request, "visit.html", {"page": "visit", **data})
    response.headers["Cache-Control"] = "no-store"  # it shows an address
    return response


@guard()
@refusals()
async def visit_json(request: web.Request) -> web.StreamResponse:
    console, viewer, lang = console_of(request), request[VIEWER], language_of(request)
    response = web.json_response(await visit_data(console, viewer.operator, request.match_info["id"], lang))
    response.headers["Cache-Control"] = "no-store"
    return response


@guard()
@refusals(conflict=422)
async def move_visit(request: web.Request) -> web.StreamResponse:
    """A brigade member or supervisor moves a visit on (status, outcome, kinds of help, people, note)."""
    console, viewer = console_of(request), request[VIEWER]
    form = await request.post()
    moved = await brigades_of(console).move(
        viewer.operator,
        request.match_info["id"],
        status=_one(form, "status"),
        outcome=_one(form, "outcome"),
        help=[h for h in form.getall("help", []) if isinstance(h, str)],
        people=_one(form, "people"),
        note=_one(form, "note"),
    )
    # a query, so that the page script loads the card again (its JSON refresh knows only chats)
    return done(request, f"/console/visits/{moved.id}?moved={moved.status}", status=moved.status)


@guard()
@refusals()
async def dispatch(request: web.Request) -> web.StreamResponse:
    """From a chat or a report the operator may act on: a visit for the district's brigade."""
    console, viewer = console_of(request), request[VIEWER]
    cid = request.match_info["id"]
    form = await request.post()
    visit = await brigades_of(console).dispatch(  # the chat's own access rule (403/404) comes first
        viewer.operator,
        cid,
        district=_one(form, "district"),
        address=_one(form, "address"),
        urgency=_one(form, "urgency"),
        consent=_one(form, "consent"),
        reason=_one(form, "reason"),
    )
    return done(request, f"/console/c/{visit.conversation_id}?dispatched={visit.id}", visit_id=visit.id)


def _one(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def routes() -> list[web.RouteDef]:
    return [
        web.get("/console/visits", visits_page),
        web.get("/console/api/visits", visits_json),
        web.get("/console/visits/{id}", visit_page),
        web.get("/console/api/visits/{id}", visit_json),
        web.post("/console/visits/{id}/status", move_visit),
        web.post("/console/c/{id}/dispatch", dispatch),
    ]
