"""What the chat's forms share (the report, flows/report_flow.py; the appeal, flows/appeal_flow.py).

An open form keeps its answers under whatever else the person presses or
sends: a button from an earlier message (the menu, a topic, "talk to a
person"), the chat opened again (Viber's ``conversation_started`` comes
whenever the person opens the chat; /start), a photo. That is answered as
usual, and the form's question follows, said to be unfinished
(``come_back``). Outside attacks lost a report to a mistaken tap, to three
presses of an old "back", to opening the chat; the appeal form dropped
itself on any other button. Leaving is the form's own cancel, always said,
or a draft left ``hours`` without an answer (counted from the last answer,
``touch``: a slow typist keeps it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from vikno.storage.models import State

from .messages import Inbound, Kind

if TYPE_CHECKING:
    from .dialogue import Dialogue


class Form(Protocol):
    """One form of the chat, for one step of one conversation."""

    def waits(self) -> bool:
        """A draft of this form is open under this message (the bot talks with the person: not while queued)."""
        ...

    def come_back(self) -> None:
        """The open form's question again, led by its "not finished yet"; nothing when none waits."""
        ...

    def drop(self) -> None:
        """Forget the draft (a specialist's chat closed: what it held was told to them)."""
        ...


def forms(d: Dialogue) -> tuple[Form, ...]:
    from .appeal_flow import AppealFlow
    from .report_flow import ReportFlow

    return ReportFlow(d), AppealFlow(d)


def waits(d: Dialogue) -> bool:
    """Whether a form is open under this message (what answers it leaves the way on to the form)."""
    return any(form.waits() for form in forms(d))


def come_back(d: Dialogue) -> None:
    """After a message no form took was answered as usual: the open form's question follows."""
    for form in forms(d):
        if form.waits():
            form.come_back()
            return


def drop_all(d: Dialogue) -> None:
    for form in forms(d):
        form.drop()


def elsewhere(form: Form, inbound: Inbound, prefix: str, own_topic: str | None) -> bool | None:
    """What a start or another form's button does to this form: None when the message may be the form's own.

    True: answered (the chat opened again, or the form's own topic pressed: the open form's question, no
    greeting in front, since Viber shows its welcome as one message). False: answered as usual, and an open
    form's question follows it (``come_back``); the draft is kept either way.
    """
    button = inbound.button
    if inbound.kind == Kind.START:
        if button is None and form.waits():
            form.come_back()
            return True
        return False  # a link's start word is answered as usual
    if button is None or button.startswith(prefix):
        return None
    if own_topic is not None and button == f"topic:{own_topic}" and form.waits():
        form.come_back()  # the form's own topic: the form that is open, not a new one
        return True
    return False


def open_draft(conv_state: str, draft: object) -> dict | None:
    """The draft when it is one and the bot talks with the person (a queued person's draft waits, read by none)."""
    if isinstance(draft, dict) and conv_state == State.BOT:
        return draft
    return None


def touch(draft: dict, now: datetime) -> None:
    """The draft was answered (or the person came back to it) now: its hours count from here."""
    draft["at"] = now.isoformat()


def expire(data: dict, now: datetime, limits: Sequence[tuple[str, timedelta]]) -> list[str]:
    """Forget each item of ``data`` left longer than its limit since its ``at``; the keys forgotten."""
    gone = []
    for key, limit in limits:
        item = data.get(key)
        at = item.get("at") if isinstance(item, dict) else None
        if item is not None and (not at or datetime.fromisoformat(at) < now - limit):
            data.pop(key, None)
            gone.append(key)
    return gone


def shortened(d: Dialogue, limit: int | None, rest: str) -> str:
    """What to say when a typed text was kept to ``limit`` characters: the cut, in words both forms share
    ("text_shortened"), then the form's own ``rest`` (what to do with what did not fit); nothing without a cut.

    Said, never silent: an outside attack found an appeal cut at 4,000 characters without a word, and the
    citizen believed the whole letter had gone to the authority.
    """
    if not limit:
        return ""
    return f"{d.say('text_shortened', limit=limit)} {d.say(rest)}"
