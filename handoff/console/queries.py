"""Reading what a console shows: the queue, one chat, the supervisor's figures.

Each function is what one JSON endpoint (and the first render of its page)
returns, so the page and its live refresh can never disagree. Who sees what
is decided by the one rule of ``handoff/access.py`` (the service and the
live socket use it too): an operator sees the queue of their helplines,
teams and languages and reads their own chats; supervisors and admins see
every chat of their helplines.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from vikno.flows.outlook import SEEN_WITHIN
from vikno.flows.reports import OUTCOMES, REPORT_CHANNEL
from vikno.flows.content import REPORT_URGENCY
from vikno.handoff.access import Access, access, helplines_of
from vikno.handoff.dispatch import Brigades
from vikno.storage.models import PRIORITY_RANK, Consent, Conversation, Operator, Presence, State, Visit, utcnow

from .canned import canned_replies
from .context import Console
from .i18n import DEFAULT, label, text
from .risk import flagged_ids, risk_view
from .views import conversation_view, iso, message_view, report_view, teams_of, visit_view, wrapup_choices

HISTORY_LIMIT = 500
QUEUE_LIMIT = 200


class Denied(Exception):
    """Not this operator's to see; ``message`` is a catalogue key (i18n.py)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def scope(console: Console, operator: Operator) -> list[str]:
    return helplines_of(operator, console.helplines)


async def queue_data(console: Console, operator: Operator, lang: str = DEFAULT) -> dict[str, Any]:
    now = utcnow()
    lines = console.helplines
    waiting = [
        c
        for c in await console.store.conversations.waiting(scope(console, operator), QUEUE_LIMIT)
        if access(operator, c, lines) != Access.NONE
    ]
    mine = await console.store.conversations.assigned_to(operator.id)
    return {
        "now": iso(now),
        "me": {
            "id": operator.id,
            "name": operator.display_name,
            "presence": str(operator.presence),
            "capacity": operator.capacity,
            "open": len(mine),
            "role": str(operator.role),
        },
        "queue": [conversation_view(c, lines.get(c.helpline), now, lang=lang) for c in waiting],
        "mine": [conversation_view(c, lines.get(c.helpline), now, lang=lang) for c in mine],
    }


async def open_chat(console: Console, operator: Operator, conversation_id: str) -> Conversation:
    """The conversation if this operator may see it; Denied otherwise."""
    conv = await console.store.conversations.get(conversation_id)
    if conv is None or conv.helpline not in scope(console, operator):
        raise Denied(404, "error.no_such_conversation")
    if access(operator, conv, console.helplines) != Access.FULL:
        raise Denied(403, "error.not_your_chat")
    return conv


async def chat_data(console: Console, operator: Operator, conv: Conversation, lang: str = DEFAULT) -> dict[str, Any]:
    line = console.helplines.get(conv.helpline)
    operators = {o.id: o for o in await console.store.operators.all()}
    history = await console.store.messages.history(conv.id, HISTORY_LIMIT, include_notes=True)  # staff view
    view = conversation_view(conv, line, operators=operators, lang=lang)
    view["mine"] = conv.state == State.WITH_OPERATOR and conv.operator_id == operator.id
    by_id = {m.id: m for m in history}
    for mid in flagged_ids(conv):
        if mid not in by_id:  # flagged long ago, beyond the history shown
            found = await console.store.messages.get(mid)
            if found is not None and found.conversation_id == conv.id:
                by_id[mid] = found
    marks = await console.store.feedback.of_conversation(conv.id)
    report = await console.store.reports.by_conversation(conv.id) if conv.channel == REPORT_CHANNEL else None
    card = (
        None
        if report is None
        else report_view(
            report, line, lang, may_contact=console.handoff.may_contact(operator, report), operators=operators
        )
    )
    return {
        "conversation": view,
        "messages": [message_view(m, lang) for m in history],
        "risk": risk_view(conv, by_id, marks, operators, lang),
        "report": card,
        "visits": await chat_visits(console, operator, conv.id, lang),
    }


async def chat_forms(console: Console, operator: Operator, conv: Conversation, lang: str = DEFAULT) -> dict[str, Any]:
    """Choices of the chat page's forms (rendered once; they do not change live)."""
    line = console.helplines.get(conv.helpline)
    others = [
        o
        for o in await console.store.operators.all()
        if o.id != operator.id
        and not o.disabled
        and o.presence == Presence.ONLINE
        and (not o.helplines or conv.helpline in o.helplines)
    ]
    return {
        "canned": canned_replies(line, conv.language, operator),
        "teams": teams_of(line, lang) if line else [],
        "colleagues": [(o.id, o.display_name) for o in sorted(others, key=lambda o: o.display_name)],
        "wrapup": wrapup_choices(line, lang) if line else {"chi": [], "topics": [], "outcomes": []},
        "report_outcomes": [(o, text(lang, f"report.outcome.{o}")) for o in OUTCOMES],
        # a line with appeals: the operator registers the citizen's appeal from the chat (console/appeals.py)
        "appeal_topics": [(t.id, line.local(t.title, lang)) for t in line.settings.appeals.topics]
        if line and line.settings.appeals and conv.channel != REPORT_CHANNEL
        else [],
        "dispatch": dispatch_form(
            console,
            conv.helpline,
            lang,
            await console.store.reports.by_conversation(conv.id) if conv.channel == REPORT_CHANNEL else None,
        ),
    }


def brigades_of(console: Console) -> Brigades:
    return Brigades(console.handoff)


async def _view(console: Console, operator: Operator, visit: Visit, lang: str, operators: Any = None) -> dict[str, Any]:
    brigades = brigades_of(console)
    full = brigades.may_see(operator, visit)
    return visit_view(
        visit,
        console.helplines.get(visit.helpline),
        lang,
        full=full,
        address=brigades.address_of(operator, visit) if full else None,
        operators=operators,
    )


async def chat_visits(console: Console, operator: Operator, conversation_id: str, lang: str) -> list[dict[str, Any]]:
    """The visits dispatched from a chat (its page lists them; the address only for those the rule admits)."""
    return [
        await _view(console, operator, v, lang) for v in await console.store.visits.of_conversation(conversation_id)
    ]


def dispatch_form(console: Console, helpline: str, lang: str, report: Any = None) -> dict[str, Any] | None:
    """The dispatch form's choices, for a line with brigades (None otherwise); a report's place fills it."""
    line = console.helplines.get(helpline)
    if line is None or line.settings.brigades is None:
        return None
    district = report.place if report is not None and line.district(report.place) else ""
    return {
        "districts": [(d.id, line.local(d.name, lang)) for d in line.settings.brigades.districts],
        "urgencies": [(u, text(lang, f"report.urgency.{u}")) for u in REPORT_URGENCY],
        "consents": [(c, text(lang, f"visit.consent.{c}")) for c in Consent],
        "district": district,
        "address": (report.place_text or "") if report is not None else "",
        "urgency": report.urgency if report is not None else "",
    }


async def figures(console: Console, operator: Operator, lang: str = DEFAULT) -> dict[str, Any]:
    """Live figures for supervisors: the queue by priority, longest wait, who is on, who has what.

    Counts come from the database (one grouped query, one query for all open
    chats), not from reading the queue here; historical figures belong to the reports.
    """
    now = utcnow()
    lines = scope(console, operator)
    stats = await console.store.conversations.queue_stats(lines)
    by_priority = stats.by_priority
    oldest = stats.oldest_enqueued_at
    people = [
        o
        for o in await console.store.operators.all()
        if not o.disabled and (not o.helplines or set(o.helplines) & set(lines))
    ]
    names = {o.id: o for o in people}
    open_chats = [
        c
        for c in await console.store.conversations.with_operators(lines)
        if access(operator, c, console.helplines) == Access.FULL
    ]
    per_person = Counter(c.operator_id for c in open_chats)
    chats = [conversation_view(c, console.helplines.get(c.helpline), now, names, lang) for c in open_chats]
    per_operator = []
    for o in sorted(people, key=lambda o: (o.presence != Presence.ONLINE, o.display_name)):
        per_operator.append(
            {
                "id": o.id,
                "name": o.display_name,
                "role": str(o.role),
                "role_label": label(lang, "role", str(o.role)),
                "presence": str(o.presence),
                "presence_label": label(lang, "presence", str(o.presence)),
                "chats": per_person.get(o.id, 0),
                "capacity": o.capacity,
            }
        )
    stranded = await _stranded(console, operator, people, now, names, lang)
    return {
        "now": iso(now),
        "waiting": stats.waiting,
        "stranded": stranded,
        "by_priority": [
            {"priority": p, "label": label(lang, "priority", p), "count": by_priority.get(p, 0)}
            for p in sorted(PRIORITY_RANK, key=PRIORITY_RANK.__getitem__, reverse=True)
        ],
        "longest_wait_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "online": sum(1 for o in people if o.presence == Presence.ONLINE),
        "away": sum(1 for o in people if o.presence == Presence.AWAY),
        "operators": per_operator,
        "chats": chats,
    }


#: Waiting chats looked at for "nobody online can take it" (the queue's head; the rest wait behind them anyway).
STRANDED_LOOKED_AT = 200


def _admits(values: list[str], value: str | None) -> bool:
    """An empty list admits every value (an operator of every team or language)."""
    return value is None or not values or value in values


async def _stranded(
    console: Console, supervisor: Operator, people: list[Operator], now: Any, names: dict[str, Operator], lang: str
) -> list[dict[str, Any]]:
    """Waiting chats no operator online now would be given (its language or team has nobody), and why.

    The test of what the person is told (flows/outlook.py, ``count_available`` of the store):
    presence online, the console seen within SEEN_WITHIN, the chat's helpline, team and language
    among the operator's (an empty list is all). A supervisor could still pick such a chat by hand;
    the point is that nobody's queue brings it. One difference on purpose: here a full operator
    counts (one of their chats ends, and their queue brings it then), while the person is told
    nobody can answer *now* when every operator who could is full (attack on issue 21, A5).
    """
    online = [
        o
        for o in people
        if o.presence == Presence.ONLINE
        and not o.disabled
        and o.last_seen_at is not None
        and o.last_seen_at >= now - SEEN_WITHIN
    ]
    found = []
    for conv in await console.store.conversations.waiting(scope(console, supervisor), limit=STRANDED_LOOKED_AT):
        if access(supervisor, conv, console.helplines) == Access.NONE:
            continue
        of_line = [o for o in online if _admits(o.helplines, conv.helpline)]
        if any(_admits(o.teams, conv.team) and _admits(o.languages, conv.language) for o in of_line):
            continue
        line = console.helplines.get(conv.helpline)
        if not of_line:
            why = text(lang, "sup.why.nobody")
        elif not any(_admits(o.languages, conv.language) for o in of_line):
            why = text(lang, "sup.why.language", language=label(lang, "language", conv.language))
        else:
            team = next((t for t in (line.settings.teams if line else []) if t.id == conv.team), None)
            why = text(lang, "sup.why.team", team=line.local(team.name, lang) if team and line else conv.team or "—")
        found.append({**conversation_view(conv, line, now, names, lang), "why": why})
    return found
