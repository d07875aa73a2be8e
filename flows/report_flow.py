"""The report flow as the person meets it: a few short questions, each answered by a button or in words.

About whom → where → what is happening → how urgent → may we call you (and
the number). "Back" and "cancel" work at every step, pressed or typed. "Now"
(immediate danger) gets the emergency numbers at once and makes the report
a crisis in the queue. Typed answers are read with everyday words
(flows/report_words.py); what no question can read is kept with the report,
and a question is never asked a third time. The crisis layer runs before
any of this (a crisis said at any step is one, as everywhere; a person
takes over the chat, and once about whom and where are answered the report
is made too, at crisis priority: ``hand_over``). Then the code: "I have a
code", or the code typed on its own, shows the report's status in plain
words and lets the person add information.

The reporter's own chat keeps none of it: every answer of the form, every
code typed and every addition is stored there as a placeholder
(``storage.models.WITHHELD``), and the reply with the code keeps it masked
(the push outbox alone holds the clear reply, sealed, until it is sent). So
an operator who later reads the reporter's chat, or anyone reading the
database, cannot tie the report to the reporter's channel by its words.

A button from an earlier message (a topic, the menu, the hours, the
language) leaves no one's answers behind: it is answered as usual, and the
form's question follows, said to be unfinished (``come_back``). Only the
form's own cancel (pressed or typed, or "back" typed at the first question)
or two hours without an answer discard them, and each is said (two hours:
at the person's next message). Opening the chat again (Viber's
``conversation_started``, Telegram's /start) brings the form's question
back. "Talk to a person" queues at once; the draft then waits, read by
nothing, and comes back if the person cancels waiting, and is forgotten
when a specialist's chat is closed (what it held was told to them).

The draft lives in the reporter's conversation while they answer
(``REPORT_DRAFT``, stored with the conversation, so a restart between two
steps keeps it) and is gone once the report is made or cancelled; nothing
in the conversation points to the report afterwards. While a person who gave
a right code adds information, ``REPORT_FOLLOWUP`` holds the report's id for
that one step (at most ``FOLLOWUP_MINUTES``); on a channel answered on the
request (REST, the web chat), ``REPORT_SHOWN`` holds the code just shown,
encrypted, for ``SHOWN_MINUTES``, so that a client that lost the answer and
sends the same message again gets the code again (``shown_again``): the
code is the reporter's own. Those are the only, short-lived, links.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from vikno.storage.identity import IdentityVault
from vikno.storage.models import WITHHELD, Conversation, Report, State

from . import forms
from .content import REPORT_ABOUT, REPORT_URGENCY
from .messages import PERSON, Button, Inbound, Kind, Outbound
from .report_codes import MASKED_CODE, code_in, looks_like_code, masked, normalize
from .words import says_only, words
from .report_words import about_of, urgency_of
from .reports import Draft, QueueTurn, ReportDesk

if TYPE_CHECKING:
    from .dialogue import Dialogue

#: conversation.data keys: the report being answered, "a code is expected", the report a right code opened.
REPORT_DRAFT, REPORT_CODE, REPORT_FOLLOWUP = "report_draft", "report_code", "report_followup"
#: conversation.data key: the code just shown, sealed, for the same message asked again (``shown_again``).
REPORT_SHOWN = "report_shown"
#: How long a code shown is kept for a resend of the message that got it (then the conversation forgets it).
SHOWN_MINUTES = 15
#: conversation.data key: when this chat last sent a report (no link to it: the chat shows the form was used).
REPORT_SENT = "report_sent"
#: How long after a report a phone number typed again is kept out of the chat like the form's answers.
SENT_MINUTES = 30
PREFIX = "report:"
BACK, CANCEL, HAVE_CODE, ADD = "report:back", "report:cancel", "report:code", "report:add"
OTHER_PLACE = "report:place:other"
CONTACT_YES, CONTACT_NO = "report:contact:yes", "report:contact:no"
#: A draft left this long without an answer is forgotten (and the person told so at their next message).
DRAFT_HOURS = 2
FOLLOWUP_MINUTES = 15
MAX_WHAT, MAX_PLACE, MAX_ADDITION = 2000, 300, 2000
#: All a report says happens: the answer to "what is happening?" and everything else typed in the form.
MAX_TOLD = 3 * MAX_WHAT
#: The steps at which a crisis said in the form also makes the report (ReportFlow.hand_over).
HANDED_OVER_FROM = ("what", "urgency", "contact", "phone")
#: A question is asked at most twice; then the form goes on with a default (nothing typed is lost).
MISSES = 2
#: An answer to "about whom?" this long is also the start of what happens (kept with the report).
STORY_WORDS = 4
#: The step before each step ("back"); back from the first question leaves the form.
PREVIOUS = {
    "place": "about",
    "place_other": "place",
    "what": "place",
    "urgency": "what",
    "contact": "urgency",
    "phone": "contact",
}
#: The questions the form asks (the steps a draft can stand at).
STEPS = ("about", *PREVIOUS)
#: Words that mean back / cancel / yes / no when typed alone, in the helpline languages.
BACK_WORDS = {"назад", "back", "geri", "повернутися", "вернуться"}
CANCEL_WORDS = {
    "скасувати",
    "скасуй",
    "відміна",
    "відмінити",
    "стоп",
    "отмена",
    "отменить",
    "отменяю",
    "cancel",
    "stop",
    "ləğv",
    "legv",
    "dayan",
    # phrases: the az cancel button's own label typed ("✖️ Ləğv et"), and "I refuse" (session 16's attack: stored as
    # the description, then taken as an answer)
    "ləğv et",
    "legv et",
    "ləğv edin",
    "legv edin",
    "imtina",
    "imtina edirəm",
    "imtina edirem",
}
YES_WORDS = {"так", "да", "yes", "bəli", "beli", "hə", "he", "ага", "угу", "ok", "добре", "хорошо"}
NO_WORDS = {"ні", "нет", "no", "xeyr", "yox", "не", "анонімно", "анонимно", "anonim", "anonymous"}
CODE_WORDS = {"код", "code", "kod", "kodum", "коду"}
_PHONE = re.compile(r"\+?[0-9\s\-()]{7,24}")  # after _ascii_digits


def match(text: str | None, options: list[Button]) -> str | None:
    """The option a typed answer means: its number, its title, or a word that starts like one of its words.

    Only an answer that points at one option counts ("людина" is in two
    titles: neither); otherwise None, and the question is asked again. A number is decimal digits of any
    script ("٢", "２": what ``int`` reads); "²" or "①" are digits to ``str.isdigit`` but no number ``int``
    reads (typed at a question with buttons they were an HTTP 500: outside attack, session 15).
    """
    typed = (text or "").strip()
    if typed.isdecimal() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1].payload
    said = words(typed)
    if not said:
        return None
    scores = []
    for option in options:
        title = words(option.title)
        if said == title:
            return option.payload
        stems = {w[:5] for w in title if len(w) >= 3}
        scores.append(sum(1 for w in said if len(w) >= 3 and w[:5] in stems))
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return options[scores.index(best)].payload


def match_any_language(
    text: str | None, options_in: Callable[[str], list[Button]], first: str, languages: Sequence[str]
) -> str | None:
    """``match`` on the options as the form shows them (``first``), then as each other language of the line words
    them: a form keeps the language it began in, and an option typed in another ("коммунальные услуги" in a
    Ukrainian form, "Another place") was asked again without a word or stored as a place named so."""
    for lang in (first, *(lang for lang in languages if lang != first)):
        found = match(text, options_in(lang))
        if found is not None:
            return found
    return None


def phone_of(text: str | None) -> str | None:
    """A phone number as typed (7 to 15 digits, with + spaces dashes or brackets), tidied; None otherwise.

    Digits of any script count (Arabic-Indic, Persian, full-width: real digits on some keyboards) and are
    kept as ASCII digits, the number the helpline dials.
    """
    typed = _ascii_digits((text or "").strip())
    if not _PHONE.fullmatch(typed):
        return None
    digits = re.sub(r"\D", "", typed)
    if not 7 <= len(digits) <= 15:
        return None
    return ("+" if typed.startswith("+") else "") + digits


def _ascii_digits(text: str) -> str:
    """Every decimal digit of any script as its ASCII digit (``str.isdecimal``: "٣" → "3", "３" → "3")."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


class ReportFlow:
    """The report questions and the code, for one step of one conversation (see the module's docstring)."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.d = dialogue
        self.conv = dialogue.conv
        self.line = dialogue.line
        self.now: datetime = dialogue.ctx.now
        #: the limit a text of this message was cut at (``_fit``): the next thing said tells the person so
        self.cut: int | None = None

    @property
    def enabled(self) -> bool:
        return self.line.settings.reports is not None and self.d.ctx.reports is not None

    @property
    def desk(self) -> ReportDesk:
        desk = self.d.ctx.reports
        assert desk is not None
        return desk

    def is_report_topic(self, topic_id: str) -> bool:
        reports = self.line.settings.reports
        return self.enabled and reports is not None and topic_id == reports.topic

    def answers_with_a_phone_number(self) -> bool:
        """The message is only a phone number, and the form asked for one (the crisis layer's model can
        read a bare number as a warning sign; a number the person was asked for is none)."""
        draft = self._open_draft()
        inbound = self.d.ctx.inbound
        return (
            draft is not None
            and draft.get("step") in ("contact", "phone")
            and inbound.button is None
            and phone_of(inbound.text) is not None
        )

    def note_possible_risk(self) -> bool:
        """A possible crisis (NLU "check") in a report being written: the report goes to the queue urgent.

        People describing what happens to someone else ("I hear shouting
        next door") are read by the crisis layer as a possible crisis. Asking
        the reporter "are you safe right now?" and dropping their form would
        lose the report; instead the form goes on (its urgency question
        offers "danger right now" with the numbers at once) and the report
        enters the queue at least ``urgent``. A crisis is still a crisis at
        any step; nothing here touches it.
        """
        if not self.enabled or self.d.ctx.inbound.button is not None:
            return False
        draft = self._open_draft()  # a draft waiting while the person is queued is no form being written
        followup = self.conv.data.get(REPORT_FOLLOWUP)
        if draft is not None:
            draft["risk"] = "check"
            return True
        if isinstance(followup, dict) and followup.get("adding"):  # information added to a report: the same
            followup["risk"] = "check"
            return True
        return False

    def drop(self) -> None:
        """Forget the draft and the code session (a crisis, a new contact after a specialist's chat)."""
        for key in (REPORT_DRAFT, REPORT_CODE, REPORT_FOLLOWUP):
            self.conv.data.pop(key, None)

    def settle(self) -> None:
        """At every message: a code kept for a resend is forgotten once ``SHOWN_MINUTES`` have passed, the time
        of the last report once ``SENT_MINUTES`` have."""
        for key, minutes in ((REPORT_SHOWN, SHOWN_MINUTES), (REPORT_SENT, SENT_MINUTES)):
            kept = self.conv.data.get(key)
            at = kept.get("at") if isinstance(kept, dict) else None
            if kept is not None and (not at or datetime.fromisoformat(at) < self.now - timedelta(minutes=minutes)):
                self.conv.data.pop(key, None)

    async def hand_over(self) -> None:
        """A crisis said while the form was open, or in information added with a code: the report gets it
        as well, at crisis priority; then the form is dropped and a person takes over the chat (the crisis
        path, as for everyone).

        Someone telling of another person in danger ("he is beating her now")
        is answered by the crisis layer. Before, the answers they had given
        (about whom, where) were dropped with the form, and information added
        to a report with its code went to the reporter's own chat only: the
        district's team never saw that the danger had grown. The words go to
        the report, and the reporter's chat keeps a placeholder (as for every
        answer of the form), so the report stays anonymous; the chat's
        operator sees the crisis flags and the placeholder, the report's card
        the words. A new report's code follows the crisis answer
        (``tell_code``).
        """
        draft = self._open_draft()  # said while queued, the words are told to the person awaited, not the form
        followup = self.conv.data.get(REPORT_FOLLOWUP)
        typed = (self.d.ctx.inbound.text or "").strip() if self.d.ctx.inbound.button is None else ""
        # a form only once about whom and where are answered: the words are then about that person (a
        # crisis said earlier may well be the reporter's own, and is theirs to tell the specialist)
        if draft is not None and draft.get("step") in HANDED_OVER_FROM:
            if typed:
                self._keep(draft, typed)
                self.d.out.withheld_as = WITHHELD
            told = [*([draft["what"]] if draft.get("what") else []), *draft.get("also", [])]
            if told:
                draft["what"], draft["also"], draft["urgency"] = told[0], told[1:], "now"
                await self._submit(draft, None, quiet=True)
        elif self.enabled and isinstance(followup, dict) and followup.get("adding") and typed:
            self.d.out.withheld_as = WITHHELD
            await self._add(followup, typed, crisis=True, quiet=True)
        elif self.enabled and typed and (code := self._typed_code(typed)) is not None:
            # "my code X, he is beating her right now" (session 17's attack): the crisis path answered it as the
            # reporter's own and the report's team never heard. The code's report gets the words at crisis
            # priority, and the chat keeps them too (the code masked): whose crisis it is, the writer's ("my code X,
            # I want to die") or the report's person's ("she says she'll kill herself tonight"), words alone do not
            # tell (session 18's attack), and the operator who takes this chat must read it
            memo = self.d.ctx.memo
            if "report_lookup" not in memo:  # counted once per message, as at "write your code"
                memo["report_lookup"] = await self.desk.lookup(self.line, self.conv.user_key, code, self.now)
            found = memo["report_lookup"]
            if isinstance(found, Report):
                await self._add({"report_id": found.id}, typed, crisis=True, quiet=True)
        self.drop()

    def status_told(self) -> bool:
        """Whether this message's code was a report's, and its status told."""
        return isinstance(self.d.ctx.memo.get("report_lookup"), Report)

    def tell_code(self) -> None:
        """After the crisis answer: the code of a report ``hand_over`` made (shown once, kept masked)."""
        made = self.d.ctx.memo.get("report_made")
        if made is not None and self.d.ctx.memo.get("report_quiet"):
            _, code, _ = made
            self.d.reply(self.d.say("report_made", code=code), kept=self.d.say("report_made", code=MASKED_CODE))

    # --- entry ---------------------------------------------------------------------

    def _open_draft(self) -> dict | None:
        """The form being written: a draft, while the bot talks with the person (not while they are queued)."""
        return forms.open_draft(self.conv.state, self.conv.data.get(REPORT_DRAFT)) if self.enabled else None

    def waits(self) -> bool:
        """A form is open under this message: what answers it leaves the way on to the form (``come_back``)."""
        return self._open_draft() is not None

    def come_back(self) -> None:
        """After a message the form did not take (a button from an earlier message, a photo) was answered as
        usual: the open form's question again, said to be unfinished, with its own back and cancel.

        An outside attack pressed a menu topic in the middle of the form: the
        form was dropped without a word, and a frightened person who tapped an
        old button by mistake lost what they had told. Nothing is lost now;
        leaving is the form's own cancel.
        """
        self._expire()
        draft = self._open_draft()
        reports = self.line.settings.reports
        if draft is None or reports is None or draft.get("step") not in STEPS:
            return
        _touch(draft, self.now)  # the person is here: the two hours start again
        self.conv.topic = reports.topic  # the topic answered on the way was a detour: the form's texts and events
        self._ask(str(draft["step"]), lead=self.d.say("report_not_finished"))

    def start(self) -> None:
        self.conv.data.pop(REPORT_CODE, None)
        self.conv.data.pop(REPORT_FOLLOWUP, None)
        # the draft's own random id: with the conversation's, it names the draft the report is made from (one
        # report per draft, however often it is submitted: ReportDesk.submit)
        self.conv.data[REPORT_DRAFT] = {"step": "about", "at": self.now.isoformat(), "id": secrets.token_hex(16)}
        self._ask("about")

    async def handle(self) -> bool:
        """Whether this message belongs to the report flow or the code (then it has been answered)."""
        if not self.enabled:
            return False
        inbound: Inbound = self.d.ctx.inbound
        button = inbound.button
        if self._expire() and inbound.kind in (Kind.TEXT, Kind.BUTTON, Kind.START):
            # said before anything else: what they answer now goes nowhere, and they may think it was sent
            reports = self.line.settings.reports
            assert reports is not None
            self.d.reply(
                self.d.say("report_expired"),
                self.d.button("button_report_new", f"topic:{reports.topic}"),
                self.d.button("button_menu", "menu"),
            )
            if button is not None and button.startswith(PREFIX):
                return True  # an answer to the form that is gone: nothing else to say
        reports = self.line.settings.reports
        answered = forms.elsewhere(self, inbound, PREFIX, reports.topic if reports is not None else None)
        if answered is not None:  # the chat opened again, the menu, a topic, a person: the draft is kept
            self.conv.data.pop(REPORT_CODE, None)  # no code is awaited any more
            self.conv.data.pop(REPORT_FOLLOWUP, None)
            return answered
        draft = self.conv.data.get(REPORT_DRAFT)
        if button == HAVE_CODE and self.waits() and isinstance(draft, dict) and draft.get("step", "about") != "about":
            # the button of the form's first question or of an earlier report's "made" message, pressed when
            # the form is further on: the answers are not thrown away for an old button (outside attack)
            self.come_back()
            return True
        if button == HAVE_CODE:
            self.conv.data.pop(REPORT_DRAFT, None)
            self._ask_code()
            return True
        if button == ADD:
            return self._add_prompt()
        text = inbound.text if inbound.kind == Kind.TEXT else None
        if isinstance(draft, dict):
            if button is None and text is None:
                return False  # a photo or a sticker: the usual answer, the draft waits
            code = self._typed_code(text)
            if code is not None:  # a code is never an answer: the form is left for it, as by "I have a code"
                self.conv.data.pop(REPORT_DRAFT, None)
                await self._code(code)
                return True
            self.d.out.withheld_as = WITHHELD  # an answer of the form: in the report, not in this chat
            await self._step(draft, button, text)
            return True
        followup = self.conv.data.get(REPORT_FOLLOWUP)
        if isinstance(followup, dict) and followup.get("adding") and button is None and text:
            self.d.out.withheld_as = WITHHELD
            await self._add(followup, text)
            return True
        if button == CANCEL:
            self.drop()
            self.d.reply(self.d.say("menu_prompt"), *self.d.menu_buttons())
            return True
        if button is not None:  # a report button of a form no longer open: back to the menu
            self.drop()
            self.d.reply(self.d.say("menu_prompt"), *self.d.menu_buttons())
            return True
        if text is None:
            return False
        awaited = REPORT_CODE in self.conv.data  # at "write your code"
        if awaited and (says_only(text, CANCEL_WORDS) or says_only(text, BACK_WORDS)):
            self.drop()
            self.d.reply(self.d.say("menu_prompt"), *self.d.menu_buttons())
            return True
        code = self._typed_code(text)
        if code is None and awaited and (normalize(text) is not None or len(words(text)) < 3):
            code = text  # a short try at one ("K7MX 4TP9"): looked up, a wrong code, counted
        if code is not None:
            await self._code(code)
            return True
        if awaited:
            self.drop()  # a question, not a code: answered as usual, and no attempt is counted
        said = words(text)
        if said and len(said) <= 5 and CODE_WORDS & set(said):
            self._ask_code()
            return True
        self.conv.data.pop(REPORT_FOLLOWUP, None)  # something else: the short link to a report ends here
        if REPORT_SENT in self.conv.data and phone_of(text) is not None:
            # the report's contact typed again (a client's resend without its id, a person unsure it went): an
            # operator reading this chat could match it to the report's callback number, so it is kept out of
            # the chat like the form's answers; the report has the number it was given
            self.d.out.withheld_as = WITHHELD
            self.d.reply(
                self.d.say("report_phone_again"), self.d.button("button_have_code", HAVE_CODE), *self.d.menu_buttons()
            )
            return True
        return False

    @staticmethod
    def _typed_code(text: str | None) -> str | None:
        """The code a message gives: the whole message, or a code inside a sentence ("status of K7MX-…")."""
        if looks_like_code(text):
            return text
        inside = code_in(text)
        return inside[0] if inside is not None else None

    def _expire(self) -> bool:
        """Forget what was left too long (a draft: ``DRAFT_HOURS`` after its last answer); whether a draft was."""
        gone = forms.expire(
            self.conv.data,
            self.now,
            (
                (REPORT_DRAFT, timedelta(hours=DRAFT_HOURS)),
                (REPORT_CODE, timedelta(minutes=30)),
                (REPORT_FOLLOWUP, timedelta(minutes=FOLLOWUP_MINUTES)),
            ),
        )
        return REPORT_DRAFT in gone and self.conv.state == State.BOT

    # --- the questions -----------------------------------------------------------------

    def _options(self, step: str, lang: str | None = None) -> list[Button]:
        """The step's options, as the form shows them or (``lang``) as another language of the line words them."""
        lang = lang or self.d.lang

        def button(key: str, payload: str) -> Button:
            return Button(self.line.say_on_topic(self.conv.topic, key, lang), payload)

        if step == "about":
            return [button(f"report_about_{a}", f"report:about:{a}") for a in REPORT_ABOUT]
        if step == "place":
            reports = self.line.settings.reports
            places = reports.places if reports is not None else []
            return [Button(self.line.local(p.name, lang), f"report:place:{p.id}") for p in places] + [
                button("button_report_other_place", OTHER_PLACE)
            ]
        if step == "urgency":
            return [button(f"report_urgency_{u}", f"report:urgency:{u}") for u in REPORT_URGENCY]
        if step == "contact":
            return [
                button("button_report_contact_no", CONTACT_NO),
                button("button_report_contact_yes", CONTACT_YES),
            ]
        return []

    def _ask(self, step: str, *, lead: str | None = None) -> None:
        """The step's question with its options, back (or "I have a code") and cancel; ``lead`` before it."""
        d = self.d
        extra = [self._back(step)] if step != "about" else [d.button("button_have_code", HAVE_CODE)]
        extra.append(d.button("button_cancel", CANCEL))
        lead = "\n".join(part for part in (self._shortened(), lead) if part)
        question = d.say(f"report_ask_{step}")
        d.reply(f"{lead}\n{question}" if lead else question, *self._options(step), *extra)

    def _back(self, step: str) -> Button:
        """The back button of a question: it goes back from that question only, so an old one pressed again (a
        shaky double tap, a press higher up the chat) asks the open question again instead of walking the form
        back, and out of it, press by press (outside attack). "report:back" alone, from before: the open one."""
        return self.d.button("button_back", f"{BACK}:{step}")

    def _fit(self, text: str, limit: int) -> str:
        """The typed text within its limit; when it was longer, the person is told with the next reply."""
        typed = text.strip()
        if len(typed) <= limit:
            return typed
        self.cut = limit
        return typed[:limit]

    def _shortened(self) -> str:
        """What to say before the next reply when a text of this message was cut (once), else nothing."""
        cut, self.cut = self.cut, None
        return forms.shortened(self.d, cut, "report_shortened")

    def _keep(self, draft: dict, text: str) -> None:
        """Keep what the person typed that no question could read: it goes with the report, never dropped."""
        typed = text.strip()
        if typed and not says_only(typed, YES_WORDS | NO_WORDS) and typed not in draft.setdefault("also", []):
            draft["also"].append(self._fit(typed, MAX_WHAT))

    async def _step(self, draft: dict, button: str | None, text: str | None) -> None:
        """One answer to the open question, pressed or typed.

        The form's own cancel (the button, or a cancel word typed alone)
        discards every answer given so far, as it always has: the person chose
        not to tell, and words about someone else that no report will carry
        have no one to go to; kept, they would only stay in the reporter's own
        stored conversation, beside their channel. Quick exit in the web chat
        forgets the chat in the browser; the draft is then never read again.
        """
        step = draft.get("step", "about")
        _touch(draft, self.now)  # an answer: the draft is forgotten two hours after the last one, not the first
        if button == CANCEL or (button is None and says_only(text, CANCEL_WORDS)):
            self.conv.data.pop(REPORT_DRAFT, None)
            self.d.event("form_cancelled", form="report", step=step)
            self.d.reply(self.d.say("report_cancelled"), *self.d.menu_buttons())
            return
        if (button is not None and (button == BACK or button.startswith(f"{BACK}:"))) or (
            button is None and says_only(text, BACK_WORDS)
        ):
            if button is not None and button != BACK and button != f"{BACK}:{step}":
                # the back of another question, from higher up the chat (or pressed twice): this question again
                self._ask(step)
                return
            previous = PREVIOUS.get(step)
            if previous is None:  # back from the first question: out of the form, and said so, as by its cancel
                self.conv.data.pop(REPORT_DRAFT, None)
                self.d.event("form_cancelled", form="report", step=step)
                self.d.reply(self.d.say("report_cancelled"), *self.d.menu_buttons())
                return
            draft["step"] = previous
            self._ask(previous)
            return
        if button is not None and button not in {o.payload for o in self._options(step)}:
            # another question's button, from higher up the chat: no answer to this one, and no miss either
            # (two old presses at "how urgent?" made it "soon" and swallowed the "danger now" pressed next)
            self._ask(step)
            return
        typed = match_any_language(text, lambda lang: self._options(step, lang), self.d.lang, self.line.languages)
        chosen = button if button is not None else typed
        if step == "about":
            about = _value(chosen, "report:about:")
            if about is None and button is None and text:
                about = about_of(text)  # "моя бабуся", "nənəm": everyday words before asking again
                if about is not None and len(words(text)) >= STORY_WORDS:
                    self._keep(draft, text)  # they began to tell what happens: it goes with the report
            if about not in REPORT_ABOUT:
                if not self._missed(draft, step, text):
                    self._ask(step)
                    return
                about, draft["about_guessed"] = "other", True  # asked twice: the form goes on, nothing is lost
            draft["about"], draft["step"] = about, "place"
            self._ask("place")
        elif step == "place":
            named = about_of(text) if button is None and text and draft.get("about_guessed") else None
            if named is not None and named != "other":  # "дитина", late: it answers about whom, not where
                draft["about"] = named
                draft.pop("about_guessed", None)
                self._ask(step)
                return
            if chosen == OTHER_PLACE:
                draft["step"] = "place_other"
                self._ask("place_other")
                return
            place = _value(chosen, "report:place:")
            if place is not None and self.line.place_name(place, self.d.lang) is not None:
                draft["place"], draft["place_text"] = place, None
            elif button is None and text and len(words(text)) >= 1 and len(text.strip()) >= 3:
                draft["place"], draft["place_text"] = "other", self._fit(text, MAX_PLACE)  # typed: a place of its own
            else:
                self._ask(step)
                return
            draft["step"] = "what"
            self._ask("what")
        elif step == "place_other":
            if not text or not text.strip():
                self._ask(step)
                return
            draft["place"], draft["place_text"], draft["step"] = "other", self._fit(text, MAX_PLACE), "what"
            self._ask("what")
        elif step == "what":
            if not text or not text.strip():
                self._ask(step)
                return
            draft["what"], draft["step"] = self._fit(text, MAX_WHAT), "urgency"
            self._ask("urgency")
        elif step == "urgency":
            urgency = _value(chosen, "report:urgency:")
            said = urgency_of(text) if button is None and text else None
            if said is not None:
                # the words say it before an option's words do: "help needed now" shares two words with "help is
                # needed in the next few days" and one with "danger right now", and was taken as "soon"; "it
                # can't wait" shares two with "it can wait" (session 17's attack)
                urgency = said
            if urgency not in REPORT_URGENCY:
                if not self._missed(draft, step, text):
                    self._ask(step)
                    return
                urgency = "soon"  # asked twice and still unsaid: neither dropped nor called immediate danger
            draft["urgency"], draft["step"] = urgency, "contact"
            if urgency == "now":  # the numbers at once, before anything else is asked
                self.d.reply(self.d.say("report_urgent_now", emergency=self.d.emergency_list()))
            self._ask("contact")
        elif step == "contact":
            phone = phone_of(text)
            if phone is not None:
                await self._submit(draft, phone)
            elif chosen == CONTACT_NO or (button is None and says_only(text, NO_WORDS)):
                await self._submit(draft, None)
            elif chosen == CONTACT_YES or (button is None and says_only(text, YES_WORDS)):
                draft["step"] = "phone"
                self._ask("phone")
            elif self._missed(draft, step, text):
                await self._submit(draft, None)  # asked twice: anonymous, the default, and the report is made
            else:
                self._ask(step)
        elif step == "phone":
            phone = phone_of(text)
            if phone is None:
                self.d.reply(
                    self.d.say("report_bad_phone"),
                    self._back("phone"),
                    self.d.button("button_cancel", CANCEL),
                )
                return
            await self._submit(draft, phone)
        else:  # a draft from an unknown step: start over
            self.start()

    def _missed(self, draft: dict, step: str, text: str | None) -> bool:
        """An answer the question could not read: kept with the report; True when the question was missed
        twice (then the form goes on with a default rather than ask a third time)."""
        if text:
            self._keep(draft, text)
        misses = draft.setdefault("misses", {})
        misses[step] = misses.get(step, 0) + 1
        return misses[step] >= MISSES

    async def _submit(self, draft: dict, phone: str | None, *, quiet: bool = False) -> None:
        memo = self.d.ctx.memo
        made = memo.get("report_made")
        told = self._fit(_told(draft), MAX_TOLD)  # also on a re-run: the person is told of a cut every time
        if made is None:  # the step may run again after a conflict: the report is made once
            made = await self.desk.submit(
                self.line,
                Draft(
                    about=draft["about"],
                    place=draft["place"],
                    place_text=draft.get("place_text"),
                    what=told,
                    urgency=draft["urgency"],
                    phone=phone,
                    possible_risk=draft.get("risk") == "check",
                ),
                seed=f"{self.conv.id}/{draft.get('id') or draft.get('at')}",
                channel=self.conv.channel,
                language=self.conv.language,
                now=self.now,
            )
            memo["report_made"] = made
            if made[2] is not None:
                memo.setdefault("queue_turns", []).append(made[2])
        _, code, _ = made
        self.conv.data.pop(REPORT_DRAFT, None)
        self.conv.data[REPORT_SENT] = {"at": self.now.isoformat()}
        if self.d.ctx.answered_here:
            # the code is the reporter's own: a client that lost this answer and sends the message again gets it
            # again (``shown_again``); a push channel's outbox sends the clear reply itself, retries and all
            self.conv.data[REPORT_SHOWN] = {
                "sealed": self.desk.vault.encrypt(code),
                "message": self.d.ctx.message_id,
                "at": self.now.isoformat(),
            }
        if quiet:
            memo["report_quiet"] = True
            return
        lead = "".join(f"{part}\n" for part in (self._shortened(),) if part)
        self.d.reply(
            lead + self.d.say("report_made", code=code),
            self.d.button("button_have_code", HAVE_CODE),
            *self.d.menu_buttons(),
            kept=lead + self.d.say("report_made", code=MASKED_CODE),
        )

    # --- the code ----------------------------------------------------------------------

    async def _code(self, text: str) -> None:
        self.d.out.withheld_as = WITHHELD  # a code kept in the chat would tie the reporter to the report
        memo = self.d.ctx.memo
        if "report_lookup" not in memo:  # counted once per message, also when the step runs again
            memo["report_lookup"] = await self.desk.lookup(self.line, self.conv.user_key, text, self.now)
        found = memo["report_lookup"]
        if found == "limited":
            self.conv.data.pop(REPORT_CODE, None)
            self.d.event("code_attempts_limited")
            # the reporter is not left without a way to add what they know: a new report, or a person
            reports = self.line.settings.reports
            assert reports is not None
            self.d.reply(
                self.d.say("report_code_limited", phones=self.d.phones_list()),
                self.d.button("button_report_new", f"topic:{reports.topic}"),
                self.d.button("button_person", PERSON),
                self.d.button("button_menu", "menu"),
            )
            return
        if not isinstance(found, Report):
            self.conv.data[REPORT_CODE] = {"at": self.now.isoformat()}
            self.d.reply(self.d.say("report_code_unknown"), self.d.button("button_cancel", CANCEL))
            return
        self.conv.data.pop(REPORT_CODE, None)
        self.conv.data[REPORT_FOLLOWUP] = {"report_id": found.id, "at": self.now.isoformat()}
        status = await self.desk.status(found)
        self.d.reply(
            self.d.say("report_status", status=self.d.say(f"report_status_{status}")),
            self.d.button("button_report_add", ADD),
            self.d.button("button_menu", "menu"),
        )

    def _ask_code(self) -> None:
        """The question for the code, awaited from now."""
        self.conv.data[REPORT_CODE] = {"at": self.now.isoformat()}
        self.d.reply(self.d.say("report_ask_code"), self.d.button("button_cancel", CANCEL))

    def ask_code_again(self) -> bool:
        """At "write your code" (a language chosen meanwhile): the question again, in the language now; whether."""
        if REPORT_CODE not in self.conv.data:
            return False
        self.d.reply(self.d.say("report_ask_code"), self.d.button("button_cancel", CANCEL))
        return True

    def _add_prompt(self) -> bool:
        followup = self.conv.data.get(REPORT_FOLLOWUP)
        if not isinstance(followup, dict):
            self._ask_code()
            return True
        followup["adding"] = True
        self.d.reply(self.d.say("report_add_prompt"), self.d.button("button_cancel", CANCEL))
        return True

    async def _add(self, followup: dict, text: str, *, crisis: bool = False, quiet: bool = False) -> None:
        if not crisis and says_only(text, CANCEL_WORDS):
            self.drop()
            self.d.reply(self.d.say("report_nothing_added"), *self.d.menu_buttons())
            return
        memo = self.d.ctx.memo
        if "report_added" not in memo:
            report = await self.desk.store.reports.get(str(followup.get("report_id")))
            turn = (
                await self.desk.add_information(
                    report,
                    self._fit(masked(text), MAX_ADDITION),  # the report's card never shows a code
                    self.now,
                    possible_risk=followup.get("risk") == "check",
                    crisis=crisis,
                    reasons=self.d.ctx.parse.risk_reasons if self.d.ctx.parse is not None else (),
                )
                if report
                else None
            )
            memo["report_added"] = turn
            if turn is not None:
                memo.setdefault("queue_turns", []).append(turn)
        self.conv.data.pop(REPORT_FOLLOWUP, None)  # the link to the report ends with the addition
        if quiet:
            return
        if len(text.strip()) > MAX_ADDITION:  # told again on a re-run of the step, whose memo skipped the store
            self.cut = MAX_ADDITION
        said = "\n".join(part for part in (self._shortened(), self.d.say("report_added")) if part)
        self.d.reply(said, self.d.button("button_have_code", HAVE_CODE), *self.d.menu_buttons())


def shown_again(
    conv: Conversation, message_id: str, replies: Sequence[Outbound], vault: IdentityVault, now: datetime
) -> tuple[Outbound, ...]:
    """The stored replies to a message sent again (a client that lost the answer), with the report's code in them
    again where the chat keeps it masked: the code is the reporter's own, and they need it to add to the report.

    Only to the message that got it, in the same conversation, for ``SHOWN_MINUTES``: the conversation keeps the
    code sealed (``REPORT_SHOWN``) that long and no longer. Nothing else masked comes back: the form's answers
    were never replies, and replies never include a staff note (``Messages.replies_to``).
    """
    shown = conv.data.get(REPORT_SHOWN)
    if not isinstance(shown, dict) or shown.get("message") != message_id or not shown.get("sealed"):
        return tuple(replies)
    at = shown.get("at")
    if not at or datetime.fromisoformat(at) < now - timedelta(minutes=SHOWN_MINUTES):
        return tuple(replies)
    code = vault.decrypt(str(shown["sealed"]))
    return tuple(replace(r, text=r.text.replace(MASKED_CODE, code)) for r in replies)


def _touch(draft: dict, now: datetime) -> None:
    """The draft was answered (or the person came back to it) now: ``at`` is when, for ``DRAFT_HOURS``."""
    # a draft of before random ids is named by its start (ReportFlow._submit), which ``at`` no longer keeps
    draft.setdefault("id", f"started-{draft.get('at')}")
    forms.touch(draft, now)


def _told(draft: dict) -> str:
    """What happens, as the report keeps it: the answer to "what is happening?", then all else typed."""
    return "\n".join([draft["what"], *draft.get("also", [])])


def _value(payload: str | None, prefix: str) -> str | None:
    return payload[len(prefix) :] if payload and payload.startswith(prefix) else None


__all__ = ["QueueTurn", "ReportFlow", "shown_again"]
