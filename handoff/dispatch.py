"""Mobile brigades: an operator dispatches a conversation or a report to a district's brigade, and the
brigade works its list of visits (issue 27, zhytomyr-1550; any line whose helpline.yml has ``brigades:``).

The dispatch card (``storage.models.Visit``) holds the district, the
community or address as the person gave it (encrypted with the deployment's
key, shown decrypted only on the card to those the visit rule admits, never
logged, never in an event), the urgency and whether the person agreed to a
visit.

Consent: no visit is dispatched unless the person agreed ("yes"), or the
operator writes why it cannot wait for that (danger to someone's life or
health): a visit the person did not ask for can put a survivor of violence
in more danger (the abuser may be there), so going without consent is an
exception someone answers for, not a checkbox. The reason is kept on the
card and its use is counted in the dispatch event (never its words);
supervisors see it. A report about someone else is usually "not asked":
its visit needs that reason too.

The brigade's members (operators whose teams name the district's brigade
team) and the line's supervisors see the district's visits and move them:
assigned → on the way → visited (with the outcome, the kinds of help given
and how many people were helped) → closed; a visit may go back from "on
the way" to "assigned", and be closed without a visit (with an outcome
saying why). Every change is kept on the visit with who and when, and is
a ``visit_status`` event, which the figures count. Who may see a visit is
one rule, ``access.visit_access``.

The person is told in plain words, in their language, from the line's
texts, only that a team of their district will contact or visit them
(``visit_dispatched``) and, after the visit, that they can write again
(``visit_visited``): never a brigade member's name, the address, the
outcome or a note. A report has nobody to tell: its reporter sees its
status through their code ("being handled" once a visit is planned).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from vikno.flows.content import REPORT_URGENCY, Helpline
from vikno.flows.reports import OUTCOME_STATUS, REPORT_CHANNEL
from vikno.storage.models import Consent, Conversation, Event, Operator, Visit, VisitStatus

from .access import Access, brigade_teams_of, helplines_of, visit_access
from .service import Handoff, HandoffError

#: The statuses of a visit still in a brigade's hands (its list shows these by default).
OPEN = (VisitStatus.ASSIGNED, VisitStatus.ON_THE_WAY, VisitStatus.VISITED)
#: Where a visit may go from each status.
MOVES: dict[str, frozenset[str]] = {
    VisitStatus.ASSIGNED: frozenset({VisitStatus.ON_THE_WAY, VisitStatus.VISITED, VisitStatus.CLOSED}),
    VisitStatus.ON_THE_WAY: frozenset({VisitStatus.ASSIGNED, VisitStatus.VISITED, VisitStatus.CLOSED}),
    VisitStatus.VISITED: frozenset({VisitStatus.CLOSED}),
    VisitStatus.CLOSED: frozenset(),
}
MAX_ADDRESS, MAX_REASON, MAX_NOTE = 300, 500, 2000
#: People helped in one visit at most (a family, a shelter's group): more is a typing mistake.
MAX_PEOPLE = 50
LIST_LIMIT = 500


def _no_such_visit() -> HandoffError:
    return HandoffError("no such visit", status=404, code="error.no_such_visit")


class Brigades:
    """Dispatching and working visits, on top of the Handoff service (its access rule, its messages)."""

    def __init__(self, handoff: Handoff) -> None:
        self.h = handoff
        self.store = handoff.store

    # --- who may see what ------------------------------------------------------------

    def lines_with_brigades(self, operator: Operator) -> list[Helpline]:
        lines = self.h.helplines
        return [lines[h] for h in helplines_of(operator, lines) if lines[h].settings.brigades is not None]

    def works_visits(self, operator: Operator) -> bool:
        """Whether the operator has a list of visits at all (the console's menu shows it then)."""
        for line in self.lines_with_brigades(operator):
            teams = brigade_teams_of(operator, line.brigade_teams())
            if teams is None or teams:
                return True
        return False

    def may_see(self, operator: Operator, visit: Visit) -> bool:
        return visit_access(operator, visit.helpline, visit.team, self.h.helplines) == Access.FULL

    async def visit_of(self, operator: Operator, visit_id: str) -> Visit:
        """The visit if the operator may see it; 404 otherwise (another district's visit is not theirs to know of)."""
        visit = await self.store.visits.get(visit_id) if visit_id else None
        if visit is None or not self.may_see(operator, visit):
            raise _no_such_visit()
        return visit

    async def visits_for(self, operator: Operator, *, closed: bool = False) -> list[Visit]:
        """The operator's brigades' visits (a supervisor's: every district of their lines), open or closed."""
        statuses: Sequence[str] = [VisitStatus.CLOSED] if closed else list(OPEN)
        found: list[Visit] = []
        for line in self.lines_with_brigades(operator):
            teams = brigade_teams_of(operator, line.brigade_teams())
            if teams is not None and not teams:
                continue
            found += await self.store.visits.of_teams([line.id], teams, statuses=statuses, limit=LIST_LIMIT)
        return [v for v in found if self.may_see(operator, v)]

    def address_of(self, operator: Operator, visit: Visit) -> str | None:
        """The address as given, decrypted for those the visit rule admits (and only for them)."""
        if visit.address is None or self.h.vault is None or not self.may_see(operator, visit):
            return None
        return self.h.vault.decrypt(visit.address)

    # --- dispatching -----------------------------------------------------------------

    async def dispatch(
        self,
        operator: Operator,
        conversation_id: str,
        *,
        district: str,
        address: str,
        urgency: str,
        consent: str,
        reason: str = "",
    ) -> Visit:
        """A visit for the district's brigade, from a chat or a report the operator may act on."""
        conv = await self.h._own(operator, conversation_id)
        line = self.h.helplines[conv.helpline]
        if line.settings.brigades is None:
            raise HandoffError("this line has no mobile brigades", status=404, code="error.no_brigades")
        place = line.district(district)
        if place is None:
            raise HandoffError("choose the person's district", code="error.visit_district")
        if urgency not in REPORT_URGENCY:
            raise HandoffError("choose how urgent the visit is", code="error.visit_urgency")
        if consent not in set(Consent):
            raise HandoffError("say whether the person agreed to a visit", code="error.visit_consent")
        why = reason.strip()[:MAX_REASON]
        if consent != Consent.YES and not why:
            raise HandoffError(
                "no visit without the person's consent, unless you write why it cannot wait (danger)",
                code="error.visit_consent_needed",
            )
        where = address.strip()[:MAX_ADDRESS]
        if not where:
            raise HandoffError("write the community or address as the person gave it", code="error.visit_address")
        if self.h.vault is None:  # never kept in clear
            raise HandoffError("the deployment has no key to keep the address", code="error.visit_no_key")
        now = self.h.clock()
        report = await self.store.reports.by_conversation(conv.id) if conv.channel == REPORT_CHANNEL else None
        visit = Visit(
            helpline=line.id,
            district=place.id,
            team=place.team,
            urgency=urgency,
            consent=consent,
            conversation_id=conv.id,
            dispatched_by=operator.id,
            address=self.h.vault.encrypt(where),
            report_id=report.id if report else None,
            override=why if consent != Consent.YES else None,
            history=[{"status": VisitStatus.ASSIGNED, "operator": operator.id, "at": now.isoformat()}],
            created_at=now,
            updated_at=now,
        )
        await self.store.visits.add(visit)
        await self.store.events.add(
            self.h._event(
                conv,
                "visit_dispatched",
                visit_id=visit.id,
                district=place.id,
                team=place.team,
                urgency=urgency,
                consent=consent,
                override=visit.override is not None,
                report=report is not None,
                operator=operator.id,
            )
        )
        if report is not None:  # the reporter, with their code, learns it is being handled
            await self.h.record_outcome(operator, conv.id, outcome="visit_planned")
        else:
            lang = line.language_or_default(conv.language)
            await self.h._tell(conv, "visit_dispatched", emergency=line.contact_lines(line.settings.emergency, lang))
            await self.h._changed("message", conv)
        return visit

    # --- the brigade's work ------------------------------------------------------------

    async def move(
        self,
        operator: Operator,
        visit_id: str,
        *,
        status: str,
        outcome: str = "",
        help: Sequence[str] = (),
        people: str = "",
        note: str = "",
    ) -> Visit:
        """A brigade member (or supervisor) moves a visit on; see the module's docstring for the moves."""
        visit = await self.visit_of(operator, visit_id)
        if status not in MOVES.get(visit.status, frozenset()):
            raise HandoffError("the visit cannot go there from where it is", status=409, code="error.visit_move")
        line = self.h.helplines[visit.helpline]
        brigades = line.settings.brigades
        assert brigades is not None  # a visit's line had brigades; a reload without them keeps no visit reachable
        now = self.h.clock()
        changes: dict[str, object] = {"status": status}
        entry: dict[str, object] = {"status": status, "from": visit.status, "operator": operator.id}
        if status == VisitStatus.VISITED or (status == VisitStatus.CLOSED and visit.status != VisitStatus.VISITED):
            if outcome not in {o.id for o in brigades.outcomes}:
                raise HandoffError("choose how the visit ended", code="error.visit_outcome")
            changes["outcome"] = entry["outcome"] = outcome
        if status == VisitStatus.VISITED:
            kinds = list(dict.fromkeys(help))
            if any(k not in {h.id for h in brigades.help} for k in kinds):
                raise HandoffError("choose the kinds of help from the list", code="error.visit_help")
            try:
                helped = int(people.strip() or "0")
            except ValueError:
                helped = -1
            if not 0 <= helped <= MAX_PEOPLE:
                raise HandoffError("how many people were helped", code="error.visit_people", n=MAX_PEOPLE)
            changes["help"] = entry["help"] = kinds
            changes["people"] = entry["people"] = helped
        if note.strip():
            entry["note"] = note.strip()[:MAX_NOTE]
        entry["at"] = now.isoformat()
        moved = await self.store.visits.move(visit.id, visit.status, changes, entry, now)
        if moved is None:
            raise HandoffError("someone changed this visit meanwhile", status=409, code="error.visit_changed")
        conv = await self.store.conversations.get(visit.conversation_id)
        await self.store.events.add(
            self._event(
                moved,
                conv,
                now,
                visit_id=moved.id,
                district=moved.district,
                team=moved.team,
                status=status,
                previous=visit.status,
                outcome=moved.outcome,
                help=moved.help if status == VisitStatus.VISITED else [],
                people=moved.people if status == VisitStatus.VISITED else None,
                operator=operator.id,
            )
        )
        if conv is not None and conv.channel != REPORT_CHANNEL and status == VisitStatus.VISITED and _met(line, moved):
            lang = line.language_or_default(conv.language)
            await self.h._tell(conv, "visit_visited", phones=line.contact_lines(line.settings.phones, lang))
        if status == VisitStatus.CLOSED and moved.report_id is not None:
            await self._report_closed(moved, conv, operator, now)
        return moved

    async def _report_closed(self, visit: Visit, conv: Conversation | None, operator: Operator, now: datetime) -> None:
        """The report the visit came from: its reporter is told it was dealt with (helped, or closed)."""
        outcome = "helped" if visit.outcome == "helped" else "closed"
        await self.store.reports.record_outcome(
            visit.report_id or "",
            {"outcome": outcome, "referred_to": None, "note": "", "operator": operator.id, "at": now.isoformat()},
            OUTCOME_STATUS[outcome],
            now,
        )
        await self.store.events.add(
            self._event(
                visit,
                conv,
                now,
                kind="report_outcome",
                report_id=visit.report_id,
                outcome=outcome,
                referred_to=None,
                operator=operator.id,
            )
        )

    def _event(
        self, visit: Visit, conv: Conversation | None, at: datetime, kind: str = "visit_status", **data: object
    ) -> Event:
        if conv is not None:
            event = self.h._event(conv, kind, **data)
            event.at = at
            return event
        return Event(helpline=visit.helpline, kind=kind, conversation_id=visit.conversation_id, data=dict(data), at=at)


def _met(line: Helpline, visit: Visit) -> bool:
    """Whether the visit's outcome says the person met the brigade (an outcome no longer configured: yes)."""
    brigades = line.settings.brigades
    outcome = next((o for o in brigades.outcomes if o.id == visit.outcome), None) if brigades else None
    return outcome is None or outcome.met
