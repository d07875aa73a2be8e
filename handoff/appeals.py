"""What operators and supervisors do with citizens' appeals: list, read, change the status, register one
from a chat (issue 27, cherkasy-1545).

Who may: the staff of the appeal's line, operators and supervisors alike
(an appeal is back-office work of the whole line, not one operator's chat),
never anyone of another line; a disabled account nobody. Everything here asks
:meth:`AppealOffice.visible`, the one rule, and an appeal that is not visible
does not exist (404), so another line's staff cannot even learn its id is
real. Registering from a chat also needs that chat to be the operator's
(the access rule of handoff/access.py), since the citizen is told the number
there.

Every status change is kept with who and when (``Appeal.history``) and is an
``appeal_status`` event for the figures; the citizen hears only the status
(flows/appeals.py ``told_status``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from vikno.flows.appeal_numbers import normalize
from vikno.flows.appeals import STATUSES, AppealDesk, Registration
from vikno.flows.content import Helpline
from vikno.storage.models import Appeal, Operator, utcnow
from vikno.storage.port import Store

from .access import helplines_of
from .service import Handoff, HandoffError

#: Appeals a list shows at most (the newest; a number finds any).
LIST_LIMIT = 200
MAX_NOTE = 2000


def _no_such() -> HandoffError:
    return HandoffError("no such appeal", status=404, code="error.no_such_appeal")


class AppealOffice:
    def __init__(self, store: Store, helplines: dict[str, Helpline], desk: AppealDesk, handoff: Handoff) -> None:
        self.store = store
        self.helplines = helplines
        self.desk = desk
        self.handoff = handoff

    def lines_of(self, operator: Operator) -> list[str]:
        """The operator's lines that take appeals (those this server serves)."""
        if operator.disabled:
            return []
        served: Collection[str] = self.helplines
        return [h for h in helplines_of(operator, served) if self.helplines[h].settings.appeals is not None]

    def visible(self, operator: Operator, appeal: Appeal) -> bool:
        return appeal.helpline in self.lines_of(operator)

    async def list(
        self, operator: Operator, *, status: str | None = None, number: str | None = None, helpline: str | None = None
    ) -> list[Appeal]:
        """The newest appeals of the operator's lines (of a status, of one line), or the one of a number."""
        lines = self.lines_of(operator)
        if helpline:
            lines = [h for h in lines if h == helpline]
        if number:
            shown = normalize(number)
            if shown is None:
                return []
            found = [await self.store.appeals.by_number(h, self.desk.number_hash(shown)) for h in lines]
            return [a for a in found if a is not None]
        return await self.store.appeals.of_helplines(
            lines, status=status if status in STATUSES else None, limit=LIST_LIMIT
        )

    async def get(self, operator: Operator, appeal_id: str) -> Appeal:
        appeal = await self.store.appeals.get(appeal_id)
        if appeal is None or not self.visible(operator, appeal):
            raise _no_such()
        return appeal

    async def set_status(
        self, operator: Operator, appeal_id: str, status: str, note: str = "", now: datetime | None = None
    ) -> Appeal:
        appeal = await self.get(operator, appeal_id)
        if status not in STATUSES:
            raise HandoffError("choose a status", code="error.appeal_status")
        if status == appeal.status and not note.strip():
            raise HandoffError("the appeal has this status already", code="error.appeal_same_status")
        if STATUSES.index(status) < STATUSES.index(appeal.status) and not note.strip():
            # the citizen then hears it go back: a mistake put right is said, for colleagues, in a note
            raise HandoffError("moving an appeal back needs a note saying why", code="error.appeal_back_needs_note")
        updated, event = await self.desk.set_status(
            appeal, status, operator_id=operator.id, note=note[:MAX_NOTE], now=now or utcnow()
        )
        await self.store.events.add(event)
        return updated

    async def register_from_chat(
        self, operator: Operator, conversation_id: str, *, topic: str, text: str, now: datetime | None = None
    ) -> Registration:
        """An appeal the operator registers from their chat; the citizen is told its number there."""
        conv = await self.handoff.own(operator, conversation_id)
        line = self.helplines.get(conv.helpline)
        if line is None or line.settings.appeals is None:
            raise HandoffError("this line takes no appeals", code="error.no_appeals")
        if line.appeal_topic(topic) is None:
            raise HandoffError("choose the appeal's topic", code="error.appeal_topic")
        if not text.strip():
            raise HandoffError("write what the appeal says", code="error.appeal_text")
        made = await self.desk.register(
            line,
            topic=topic,
            text=text,
            channel=conv.channel,
            language=conv.language,
            conversation_id=conv.id,
            now=now or utcnow(),
            operator_id=operator.id,
        )
        await self.store.events.add(made.event)
        lang = line.language_or_default(conv.language)
        await self.handoff.tell_person(
            conv,
            "appeal_registered",
            number=made.number,
            authority=line.authority_name(made.appeal.authority, lang),
        )
        return made
