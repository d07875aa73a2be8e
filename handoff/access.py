"""Who may see and act on a conversation: one rule for the service, the console's reads and its socket.

Before issue 20 the console's reads (``queries.open_chat``) and the service
(``Handoff._own``, ``Handoff.pick``) each had their own rule, and the pick
knew only the helpline: an operator of one team could take and read
another team's chat, and the live socket sent every team's and every
helpline's nudges to everyone. Now everything asks :func:`access`.

The rule:

- a conversation of a helpline outside the operator's helplines (or one
  this server does not serve) does not exist for them;
- supervisors and admins see and act on every conversation of their
  helplines, whatever its team or language;
- an operator reads and acts on the conversations they are talking to;
- an operator sees a *waiting* conversation in the queue, and may take it,
  when it is for one of their teams and languages (a conversation without
  a team or a language is for everyone), exactly as ``claim_next`` picks;
- nothing else.

A mobile brigade's visit (``models.Visit``, handoff/dispatch.py) has its
own rule, :func:`visit_access`, since it holds an address: a visit of a
helpline outside the operator's does not exist for them; supervisors and
admins of its helpline see and move it; an operator sees and moves it only
when they are a member of its district's brigade team, named in their
teams (an operator without teams is not every brigade's member here, as
they are in the queue: an address is for the brigade that goes there).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from vikno.storage.models import Conversation, Operator, Role, State

STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Access(IntEnum):
    #: Not theirs to know of.
    NONE = 0
    #: In their queue: they see it listed and may take it, not read it.
    QUEUE = 1
    #: Theirs (or a supervisor's): read the history, reply, note, transfer, close, block.
    FULL = 2


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rule looks at: a conversation, or the facts a live event carries about one."""

    helpline: str | None
    state: str | None
    team: str | None = None
    language: str | None = None
    operator_id: str | None = None

    @classmethod
    def of(cls, conv: Conversation) -> Facts:
        return cls(conv.helpline, str(conv.state), conv.team, conv.language, conv.operator_id)

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> Facts:
        return cls(
            event.get("helpline"),
            event.get("state"),
            event.get("team"),
            event.get("language"),
            event.get("operator_id"),
        )

    def as_event(self) -> dict[str, Any]:
        """The facts to put on a live event, so that each console socket can apply the rule to it."""
        return {
            "helpline": self.helpline,
            "state": self.state,
            "team": self.team,
            "language": self.language,
            "operator_id": self.operator_id,
        }


def helplines_of(operator: Operator, served: Collection[str]) -> list[str]:
    """The helplines an operator works for, among those this server serves (all of them when none is named)."""
    return [h for h in (operator.helplines or list(served)) if h in served]


def is_staff(operator: Operator) -> bool:
    return operator.role in STAFF


def serves(operator: Operator, team: str | None, language: str | None) -> bool:
    """Whether a waiting conversation of this team and language is for this operator (as claim_next sees it)."""
    team_ok = not operator.teams or team is None or team in operator.teams
    language_ok = not operator.languages or language is None or language in operator.languages
    return team_ok and language_ok


def access(operator: Operator, conv: Conversation | Facts, served: Collection[str]) -> Access:
    """The one rule (see the module's docstring); ``served`` are the helplines of this server."""
    facts = conv if isinstance(conv, Facts) else Facts.of(conv)
    if operator.disabled or facts.helpline is None or facts.helpline not in helplines_of(operator, served):
        return Access.NONE
    if is_staff(operator):
        return Access.FULL
    if facts.state == State.WITH_OPERATOR and facts.operator_id == operator.id:
        return Access.FULL
    if facts.state == State.WAITING and serves(operator, facts.team, facts.language):
        return Access.QUEUE
    return Access.NONE


def hears(operator: Operator, event: Mapping[str, Any], served: Collection[str]) -> bool:
    """Whether a live nudge goes to this operator's console.

    A nudge about a conversation goes to whoever the rule lets see it now,
    or could have seen it waiting (a claim or a transfer takes it out of
    their queue), and to the operators it names as involved (the one who
    had it, the one who has it now). A nudge about an operator (presence)
    goes to that operator and to the staff of their helplines. Anything
    else (no helpline, unknown kind) goes to nobody: a nudge without facts
    is a bug, not a broadcast.
    """
    if operator.disabled:
        return False
    involved = {event.get("operator_id"), *event.get("involved", ())} - {None}
    if "conversation_id" in event:
        facts = Facts.from_event(event)
        if access(operator, facts, served) != Access.NONE:
            return True
        if facts.helpline not in helplines_of(operator, served):
            return False
        waiting = Facts(facts.helpline, State.WAITING, facts.team, facts.language)
        return operator.id in involved or access(operator, waiting, served) != Access.NONE
    lines = event.get("helplines")
    if lines is None:
        return False
    mine = set(helplines_of(operator, served))
    if operator.id in involved:
        return True
    return is_staff(operator) and bool(mine & set(lines))


def visit_access(operator: Operator, helpline: str, team: str, served: Collection[str]) -> Access:
    """The rule for a brigade's visit (see the module's docstring): FULL or NONE, never a queue view."""
    if operator.disabled or helpline not in helplines_of(operator, served):
        return Access.NONE
    if is_staff(operator) or team in operator.teams:
        return Access.FULL
    return Access.NONE


def brigade_teams_of(operator: Operator, teams: Collection[str]) -> list[str] | None:
    """Which of a line's brigade ``teams`` an operator lists visits of: None for staff (every team),
    else the ones named in their teams (empty: none)."""
    if is_staff(operator):
        return None
    return [t for t in teams if t in operator.teams]
