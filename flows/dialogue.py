"""One step of the conversation: what the bot says and what changes.

Pure decisions over an in-memory conversation; the engine loads and commits
around it, and retries the step if someone else changed the conversation
meanwhile. Safety comes first: a crisis is checked on every message, in
every state, before anything else, and its reply leads with the emergency
contacts. A possible crisis (NLU risk "check") gets a kind question at once
("are you safe right now?") and an urgent place in the queue; "in danger"
(pressed, or typed: flows/safety_answers.py), a further risk signal or no
answer (flows/safety_check.py) makes it a crisis. The question is asked once
per contact: after it, any new warning sign is a crisis. A crisis or a
check told to an operator raises the conversation too, so that it comes back
at the top of the queue if the operator leaves; and a flagged conversation
is never taken out of the queue by "cancel waiting".
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from vikno.nlu.language import detect_language, strip_markup
from vikno.nlu.language_names import split_language_clause
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.models import PRIORITY_RANK, Conversation, Event, Priority, State

from . import forms
from .appeal_flow import AppealFlow
from .appeal_numbers import looks_like_number
from .appeals import AppealDesk
from .content import LANGUAGE_NAMES, Helpline
from .hours import is_open
from .language_words import LANG_PREFIX, language_asked, language_instead, language_refused
from .messages import ALL_TOPICS, CANCEL_WAITING, HOURS, LANGUAGE, MENU, PERSON, Button, Inbound, Kind, Outbound
from .outlook import Outlook, QueueOutlook, wait_sentence
from .profile_questions import ProfileQuestions
from .report_codes import code_in, looks_like_code
from .report_flow import ReportFlow
from .reports import ReportDesk
from .risk_flags import RISK_FLAGS, RISK_FLAGS_KEPT
from .safety_answers import Answer, typed_answer
from .see_also import runner_up, safety_instead
from .words import words

log = logging.getLogger(__name__)

# Button payloads the engine understands: MENU, PERSON, LANGUAGE, HOURS, CANCEL_WAITING and ALL_TOPICS
# live in messages.py, beside the Button that says whether it must stay when a channel drops buttons.
#: The answers to the safety question of a risk check.
SAFETY_DANGER, SAFETY_SAFE = "safety:danger", "safety:safe"
#: conversation.data key of the safety question asked in this contact: {"asked_at", "answer", "escalated"}.
#: ``answer`` is "safe", "danger" or "person" once the person has answered, None while the question is open.
SAFETY_CHECK = "safety_check"
#: conversation.data key of the person's own "I'm in danger now" (the button, asked or not), for the
#: console: {"first_at", "at" (the latest), "times"}. A press is no flagged message (it has no words).
DANGER_PRESSED = "danger_pressed"
TOPIC_PREFIX = "topic:"
#: A link's start word as the button the web chat presses for it (``start:child``), and a Telegram deep link's.
START_PREFIX = "start:"
SURVEY_YES, SURVEY_NO = "survey:yes", "survey:no"

#: Small-talk and service intents the dialogue answers itself.
GREET, GOODBYE, THANKS, HUMAN, WORKING_HOURS = "greet", "goodbye", "thanks", "human_handoff", "working_hours"
#: Words that make a language named before the rest of a message a request ("English please, …", "говоріть
#: російською, …"); a name alone at the start is a subject ("English teacher…").
_ASKING = {
    "please", "pls", "plz", "будь", "ласка", "пожалуйста", "плиз", "можна", "можно", "говоріть", "говорите",
    "пишіть", "пишите", "давайте", "zəhmət", "zehmet", "olmasa", "danışın", "danisin", "yazın", "yazin",
}  # fmt: skip
#: Words around a report's code that ask for its status and nothing else (_beside_a_code).
_ABOUT_A_CODE = {
    "мій", "мой", "my", "mənim", "menim", "код", "code", "kod", "kodum", "коду", "please", "pls", "будь", "ласка",
    "пожалуйста", "zəhmət", "zehmet", "olmasa", "статус", "status", "the", "of", "is", "what", "який", "какой",
    "моє", "мого", "моего", "повідомлення", "сообщения", "report", "here", "ось", "вот", "дякую", "спасибо", "thanks",
    "hello", "hi", "привіт", "привет", "добрий", "день", "salam", "i", "have", "я", "маю", "у", "мене", "меня", "є",
    "есть",
}  # fmt: skip
#: Below this, an NLU candidate is not worth offering in a clarifying question.
CLARIFY_FLOOR = 0.15
#: Misunderstandings in a row before the bot offers a person, and before it queues one.
OFFER_PERSON_AFTER, QUEUE_AFTER = 2, 3
#: Priorities "cancel waiting" does not take out of the queue: a person who may be in danger stays visible.
FLAGGED = frozenset({Priority.CRISIS, Priority.URGENT})
#: conversation.data keys: the locale the client last chose, and the queue place the person was last told.
CLIENT_LOCALE, QUEUE_TOLD = "client_locale", "queue_told"
#: conversation.data key: the topic a link opened where the queue waits for the person's first words (Viber).
QUEUE_AT_FIRST_WORD = "queue_at_first_word"
#: conversation.data key of the runner-up topic offered under the last answer ({"topic", "after"}), until the
#: next message: pressing its button then counts as taking the offer (the payload is the menu's own).
SEE_ALSO = "see_also"


@dataclass(slots=True)
class StepContext:
    helpline: Helpline
    conversation: Conversation
    inbound: Inbound
    parse: Parse | None
    now: datetime
    queue: QueueOutlook
    #: the stored id of the inbound message (the console names the message a risk came from)
    message_id: str | None = None
    #: where reports are made and found (None: the report topic only answers with its text)
    reports: ReportDesk | None = None
    #: where citizens' appeals are registered and found by number (None: the appeal topics only answer)
    appeals: AppealDesk | None = None
    #: kept across the re-runs of one message's step (after a conflict), so that what the step did in
    #: the store (a report made, a code attempt counted) is done once; the engine reads "queue_turns"
    memo: dict = field(default_factory=dict)
    #: the replies go back on the request that asked (REST, the web chat), not through the outbox: a client
    #: that lost them asks again with the same message and gets the stored ones
    answered_here: bool = True


@dataclass(slots=True)
class StepResult:
    replies: list[Outbound] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: Set when the message's words belong elsewhere (an answer to the report form, a code, information
    #: added to a report: the report; an optional question's answer: its event): the kind the chat's
    #: history keeps it as, a placeholder the console and the web chat name. None: kept as it came.
    withheld_as: str | None = None


class Dialogue:
    """Runs one step for one conversation."""

    def __init__(self, ctx: StepContext) -> None:
        self.ctx = ctx
        self.line = ctx.helpline
        self.conv = ctx.conversation
        self.out = StepResult()
        #: the runner-up offered under the previous answer (flows/see_also.py); it stands for one message
        self.offered = self.conv.data.pop(SEE_ALSO, None)

    # --- helpers -----------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.line.language_or_default(self.conv.language)

    def say(self, key: str, **values: object) -> str:
        """The line's text, in the conversation's topic's own words where it has them (a child's path: "ти")."""
        return self.line.say_on_topic(self.conv.topic, key, self.lang, **values)

    def reply(self, text: str, *buttons: Button, kept: str | None = None) -> None:
        """``kept``: what the chat's history keeps instead of ``text`` (Outbound.kept)."""
        self.out.replies.append(Outbound(text=text, buttons=tuple(buttons), kept=kept))

    def event(self, kind: str, **data: object) -> None:
        conv = self.conv
        self.out.events.append(
            Event(
                helpline=conv.helpline,
                kind=kind,
                conversation_id=conv.id,
                channel=conv.channel,
                language=conv.language,
                topic=data.pop("topic", conv.topic),
                priority=data.pop("priority", None),
                data=dict(data),
                at=self.ctx.now,
            )
        )

    def button(self, key: str, payload: str) -> Button:
        return Button(title=self.say(key), payload=payload)

    def menu_buttons(self) -> tuple[Button, ...]:
        return _menu(self.line, self.lang)

    def all_topic_buttons(self) -> tuple[Button, ...]:
        return _all_topics(self.line, self.lang)

    def emergency_list(self) -> str:
        return self.line.contact_lines(self.line.settings.emergency, self.lang)

    def phones_list(self) -> str:
        return self.line.contact_lines(self.line.settings.phones, self.lang)

    # --- the step ----------------------------------------------------------

    async def run(self) -> StepResult:
        first = self.conv.step is None
        self._settle_language()
        if first:
            self.conv.step = "started"
            self.event("conversation_started")
        ReportFlow(self).settle()  # a code kept for a resend of its message, forgotten in time
        parse = self.ctx.parse
        blocked = self._blocked()
        if self.conv.state == State.CLOSED and not blocked:
            self.conv.state = State.BOT
            # a new contact: last time's question is answered or escalated there, not by today's "no"
            self.conv.data.pop(SAFETY_CHECK, None)
            forms.drop_all(self)  # a form left for a specialist was told to them: today's words are not its answers
        risk = parse.risk if parse is not None else "none"
        if risk != "none" and (
            ReportFlow(self).answers_with_a_phone_number()
            or looks_like_code(self.ctx.inbound.text)
            or AppealFlow(self).is_number()
        ):
            # digits asked for, or a reference code or an appeal's number and nothing else: no words, nothing
            # said of danger (the crisis model reads random letters and digits as a warning sign now and then)
            risk = "none"
        if risk == "check" and ReportFlow(self).note_possible_risk():
            risk = "none"  # told of someone else inside the report form: the report is raised instead (see there)
        if parse is not None and risk in ("crisis", "check"):
            self._flag(parse)
        typed = self._typed_answer()
        danger = self.ctx.inbound.button == SAFETY_DANGER or typed == "danger"
        if danger:
            risk = "crisis"  # the person says so: nothing to weigh
            if self.ctx.inbound.button == SAFETY_DANGER:  # a typed "no" is no press of the button
                self._danger_pressed()
        elif typed == "safe" and risk == "check":
            risk = "none"  # "I'm safe" answers the question; it is no new warning sign
        if risk in ("crisis", "check"):
            ProfileQuestions(self).off()  # no question about age or gender in this conversation after this
        if risk in ("crisis", "check") and blocked:  # numbers always; the queue not while blocked, so no one is called
            crisis = risk == "crisis"
            self.event(
                "crisis_detected" if crisis else "risk_check",
                priority=Priority.CRISIS if crisis else Priority.URGENT,
                blocked=True,
            )
            self.reply(self.say("crisis_call_now", emergency=self.emergency_list()))
            return self.out
        if risk == "crisis" or (risk == "check" and self._asked()):
            # a further risk signal once the safety question was asked (answered or not) is a crisis
            await self._crisis(
                parse, reason="danger_answered" if danger else "second_signal" if risk == "check" else None
            )
            self._offer_languages()
            return self.out
        if risk == "check":
            await self._check(parse)
            self._offer_languages()
            return self.out
        self._safety_answer(typed)
        if blocked:
            self.reply(self.say("blocked_notice", emergency=self.emergency_list()))
            return self.out
        if self.conv.state in (State.WAITING, State.WITH_OPERATOR):
            await self._while_with_people(typed)
            return self.out
        await self._bot(first)
        self._offer_languages()
        return self.out

    def _flag(self, parse: Parse) -> None:
        """Remember which message the crisis layer flagged, at what level and why: the operator sees it."""
        flags = [f for f in self.conv.data.get(RISK_FLAGS) or [] if isinstance(f, dict)]
        flags.append(
            {
                "message_id": self.ctx.message_id,
                "level": parse.risk,
                "reasons": list(parse.risk_reasons),
                "score": round(parse.crisis_score, 3),
                "language": parse.language,
                "at": self.ctx.now.isoformat(),
            }
        )
        self.conv.data[RISK_FLAGS] = flags[-RISK_FLAGS_KEPT:]

    def _danger_pressed(self) -> None:
        """Remember that, and when, the person said they are in danger: the console says why it is a crisis.

        Honoured also with no question behind it (a stale or forged button:
        "in danger" is never doubted); without this the operator saw a
        crisis whose risk panel said "no risk found" (attack on issue 21, B1).
        """
        now = self.ctx.now.isoformat()
        before = self.conv.data.get(DANGER_PRESSED)
        before = before if isinstance(before, dict) else {}
        self.conv.data[DANGER_PRESSED] = {
            "first_at": before.get("first_at") or now,
            "at": now,
            "times": int(before.get("times") or 0) + 1,
        }

    def _blocked(self) -> bool:
        until = self.conv.data.get("blocked_until")
        if not until:
            return False
        if datetime.fromisoformat(until) > self.ctx.now:
            return True
        self.conv.data.pop("blocked_until", None)
        return False

    def _settle_language(self) -> None:
        """A language someone chose stands; detection decides only while nobody has chosen.

        Chosen means: a language button (``lang:``), or a locale the client
        sends as its own choice (REST ``locale``, the web chat's language, a
        Telegram deep link). The client's locale counts as a new choice only
        when it differs from the one it sent before, so a client that keeps
        sending "uk" does not undo the person's own button press, and a
        message holding English words, HTML or a link never switches the
        language (issue 20, item 13). A device's language (Telegram's
        ``language_code``) is only a hint for the first message.
        """
        conv, inbound, parse = self.conv, self.ctx.inbound, self.ctx.parse
        self.ctx.memo.setdefault("language_before", conv.language)  # a refusal keeps it (language_instead)
        locale = inbound.locale if inbound.locale in self.line.languages else None
        if locale is not None and locale != conv.data.get(CLIENT_LOCALE):
            conv.data[CLIENT_LOCALE] = locale
            if conv.language is not None and conv.language != locale:
                self.event("language_changed", chosen=locale)
            conv.language, conv.language_chosen = locale, True
            return
        if self._language_clause_first():
            return
        if conv.language_chosen:
            return
        if conv.language is not None and (ReportFlow(self).waits() or AppealFlow(self).waits()):
            # an open form keeps the language it began in: a street name, a Russian sentence or an English
            # word typed as an answer mid-form flipped its questions and buttons (session 15's outside attack)
            return
        detected = parse.language if parse is not None else None
        said = parse.text if parse else ""
        if looks_like_code(inbound.text) or (
            self.line.settings.appeals is not None and looks_like_number(inbound.text)
        ):
            detected = None  # a reference code (Latin letters and digits) says nothing of the person's language
        elif (inside := code_in(said)) is not None:
            # "статус KX4C-…": the code's Latin letters made the sentence English; the words around it decide
            said = inside[1]
            detected = detect_language(said, self.line.languages) if said else None
        if conv.language is not None and not _says_enough(said):
            detected = None  # "ok" or "1" must not switch a Ukrainian conversation to English
        if detected is not None and detected == language_refused(inbound.text):
            detected = None  # "я не розумію українською" is Ukrainian to the detector: never switch to what is refused
        if detected in self.line.languages:
            if conv.language is not None and conv.language != detected:
                self.event("language_changed", detected=detected)
            conv.language = detected
            return
        if conv.language is None:
            hint = inbound.locale_hint
            conv.language = hint if hint in self.line.languages else self.line.settings.default_language

    def _language_clause_first(self) -> bool:
        """A message that begins by asking for or refusing a language and goes on ("не розумію українською, мені
        погано, не хочу жити", "English please, he is hitting me"): the clause is the language's button, before the
        rest is answered, so a crisis is not answered in the language just refused (session 18's second attack).
        When it names no one language (the refusal written in the refused language) the list follows the answer
        (:meth:`_offer_languages`). Whether the language was decided here."""
        inbound = self.ctx.inbound
        if inbound.kind != Kind.TEXT or inbound.button is not None or len(self.line.languages) < 2:
            return False
        split = split_language_clause(inbound.text or "")
        if split is None:
            return False
        head, rest = split
        asked = language_asked(head, self.line.languages)
        if asked is not None and not set(words(head)) & _ASKING:
            asked = None  # "Англійська мова, в школі дуже важка" is about English lessons, no request
        payload = asked or language_instead(
            head, self.line.languages, detect_language(rest, self.line.languages), self.conv.language
        )
        if payload == LANGUAGE:
            self.ctx.memo["offer_languages"] = True
            self._away_from(language_refused(head))
            return True
        if payload is None or not payload.startswith(LANG_PREFIX):
            return False
        chosen = payload[len(LANG_PREFIX) :]
        if chosen != self.conv.language:
            self.event("language_chosen")
        self.conv.language, self.conv.language_chosen = chosen, True
        return True

    def _away_from(self, refused: str | None) -> None:
        """Until a language is chosen from the list, the chat's language is not the one just refused: the line's
        default, or its first other language."""
        if self.conv.language is None or self.conv.language == refused:
            others = [lang for lang in self.line.languages if lang != refused]
            default = self.line.settings.default_language
            self.conv.language = default if default != refused else others[0]

    def _refused_here(self) -> str | None:
        """The language the typed message refuses, in its first clause or whole."""
        typed = self.ctx.inbound.text if self.ctx.inbound.button is None else None
        split = split_language_clause(typed or "")
        return language_refused(split[0] if split is not None else typed)

    def _language_list(self) -> None:
        """The list of languages ("choose a language" in the chat's language and English): a button for each
        language of the line but one the message refused ("я не розумію українською": no Ukrainian button; session
        18's second attack)."""
        refused = self._refused_here()
        codes = [code for code in self.line.languages if code != refused] or list(self.line.languages)
        self.reply(self.say("choose_language"), *(Button(LANGUAGE_NAMES[code], LANG_PREFIX + code) for code in codes))

    def _offer_languages(self) -> None:
        """The list of languages after the answer, where the message refused one and named no other."""
        if self.ctx.memo.pop("offer_languages", False):
            self._language_list()

    async def _crisis(self, parse: Parse | None, reason: str | None = None) -> None:
        """Emergency contacts first, then the top of the queue, at any hour."""
        # a person takes over: a half-answered report form must not answer for them, but what it was told
        # reaches the district's team as a crisis report (ReportFlow.hand_over)
        await ReportFlow(self).hand_over()
        await AppealFlow(self).hand_over()  # what the citizen wrote is registered; the number follows the numbers
        check = self.conv.data.get(SAFETY_CHECK)
        if isinstance(check, dict) and not check.get("escalated"):
            check["escalated"] = reason or "crisis"
            if reason == "danger_answered":
                check["answer"] = "danger"
            self.event("risk_escalated", priority=Priority.CRISIS, reason=check["escalated"])
        self.event(
            "crisis_detected",
            priority=Priority.CRISIS,
            score=round(parse.crisis_score, 3) if parse is not None else None,
            state=str(self.conv.state),
            reasons=list(parse.risk_reasons) if parse is not None else [reason],
        )
        if self.conv.state == State.WITH_OPERATOR:
            # the numbers at once, but no "I am calling a specialist": one is already in the chat
            self._raise_with_operator(Priority.CRISIS, reason="crisis")
            self.reply(self.say("crisis_with_operator", emergency=self.emergency_list()))
            self.event("crisis_alert", priority=Priority.CRISIS)  # the console raises the alarm
            ReportFlow(self).tell_code()
            AppealFlow(self).tell_number()
            return
        await self._enqueue(Priority.CRISIS, reason="crisis")
        ReportFlow(self).tell_code()
        AppealFlow(self).tell_number()

    def _raise_with_operator(self, priority: str, *, reason: str) -> None:
        """A crisis or a check told to an operator is the conversation's priority too.

        The chat is the operator's now, but if it goes back to the queue
        (the operator goes offline, releases it, their session ends) it must
        come back where a crisis belongs, for every team: it used to return
        as the request it started as, at the bottom (attack after issue 21, A7).
        """
        conv = self.conv
        if PRIORITY_RANK[priority] > conv.priority_rank:
            conv.priority = priority
            self.event("priority_raised", priority=priority, reason=reason)
        conv.team = None
        if conv.enqueued_at is None:
            conv.enqueued_at = self.ctx.now

    def _asked(self) -> bool:
        """The safety question was asked in this contact (open, answered or escalated)."""
        return isinstance(self.conv.data.get(SAFETY_CHECK), dict)

    def _check_open(self) -> bool:
        check = self.conv.data.get(SAFETY_CHECK)
        return isinstance(check, dict) and not check.get("answer") and not check.get("escalated")

    def _typed_answer(self) -> Answer | None:
        """A typed "no" or "yes" to the open safety question, read as a helpline would.

        Only while the bot's question is the open one (the person waits in
        the queue): once an operator is in the chat, a "no" answers them.
        """
        inbound = self.ctx.inbound
        if inbound.button is not None or self.conv.state != State.WAITING or not self._check_open():
            return None
        return typed_answer(inbound.text)

    async def _check(self, parse: Parse) -> None:
        """A possible crisis: ask at once whether the person is safe, and let an operator read soon.

        Never sends the person away: the question's buttons include a
        person, and whatever they answer they can keep writing.
        """
        ReportFlow(self).drop()
        await AppealFlow(self).hand_over()
        self.event(
            "risk_check",
            priority=Priority.URGENT,
            score=round(parse.crisis_score, 3),
            reasons=list(parse.risk_reasons),
            state=str(self.conv.state),
        )
        if self.conv.state == State.WITH_OPERATOR:
            # the operator is there and asks; the console shows it, and the chat is urgent if it goes back
            self._raise_with_operator(Priority.URGENT, reason="risk_check")
            self.event("risk_check_alert", priority=Priority.URGENT)
            return
        self.conv.data[SAFETY_CHECK] = {"asked_at": self.ctx.now.isoformat(), "answer": None, "escalated": None}
        outlook = await self._enter_queue(Priority.URGENT, reason="risk_check")
        key = "safety_question" if outlook.staffed else "safety_question_nobody_online"
        self.reply(
            self.say(key, emergency=self.emergency_list()),
            self.button("button_safety_danger", SAFETY_DANGER),
            self.button("button_safety_safe", SAFETY_SAFE),
            self.button("button_person", PERSON),
        )
        AppealFlow(self).tell_number()

    def _safety_answer(self, typed: Answer | None) -> None:
        """Record an answer to the open safety question: "safe" (pressed or typed), or the "person" button.

        Anything else (small talk, an unknown or malformed button, an old
        topic button) answers nothing: the question stays open and the
        sweep escalates it if nothing decisive comes in time ("in danger"
        never gets here: it is a crisis).
        """
        if not self._check_open():
            return
        check = self.conv.data[SAFETY_CHECK]
        button = self.ctx.inbound.button
        if button == SAFETY_SAFE or typed == "safe":
            check["answer"] = "safe"
        elif button == PERSON:
            check["answer"] = "person"
        else:
            return
        check["answered_at"] = self.ctx.now.isoformat()
        self.event("risk_check_answered", priority=self.conv.priority, answer=check["answer"])

    async def _enter_queue(self, priority: str, *, reason: str) -> Outlook:
        """Into the queue (or a higher priority in it) without a word: the caller says what is true."""
        conv = self.conv
        # queued now, by whatever way: nothing waits for a first word; but the link's topic keeps its place (a
        # worrying first word goes in by the safety question at "urgent", where the child's path is "crisis")
        waiting = conv.data.pop(QUEUE_AT_FIRST_WORD, None)
        handoff = self.line.topics[waiting].handoff if waiting in self.line.topics else None
        if handoff is not None and PRIORITY_RANK[handoff.priority] > PRIORITY_RANK[priority]:
            conv.topic, priority = waiting, handoff.priority
        requested = conv.state != State.WAITING
        if conv.state == State.WAITING:
            if PRIORITY_RANK[priority] > conv.priority_rank:
                conv.priority = priority
                self.event("priority_raised", priority=priority, reason=reason)
        else:
            conv.state, conv.priority, conv.enqueued_at = State.WAITING, priority, self.ctx.now
            conv.team = self.line.team_for(conv.topic)
            conv.data["misses"] = 0
        if priority in (Priority.CRISIS, Priority.URGENT):
            # Every operator's business, whatever team the topic had: a crisis routed to one team's queue
            # was invisible to the others (outside attack after issue 20: violence went to "social").
            conv.team = None
        if requested:  # its team as the queue has it (the event said the topic's team for a crisis: session 18)
            self.event("handoff_requested", priority=priority, reason=reason, team=conv.team)
        outlook = await self._outlook()
        self._told(outlook.position)
        return outlook

    def _crisis_reply(self, outlook: Outlook) -> None:
        """Never "I am calling a specialist" when nobody is online: then the numbers, plainly, first."""
        key = "crisis" if outlook.staffed else "crisis_nobody_online"
        self.reply(self.say(key, emergency=self.emergency_list()))

    async def _outlook(self) -> Outlook:
        try:
            return await self.ctx.queue.of(self.conv, self.ctx.now)
        except Exception:
            # When in doubt, nobody is coming: the person then gets the numbers to call now.
            log.exception("could not tell who is online; saying nobody can answer now")
            return Outlook(position=None, staffed=False, typical_wait=None, waited=0.0)

    def _wait(self, outlook: Outlook) -> str:
        return wait_sentence(self.line, self.lang, outlook)

    def _told(self, position: int | None) -> None:
        """Remember the place the person was told, so that the queue news tells only a real move."""
        if position is not None:
            self.conv.data[QUEUE_TOLD] = {"position": position, "at": self.ctx.now.isoformat()}

    def _cancel_buttons(self) -> tuple[Button, ...]:
        """ "Cancel waiting", unless the conversation may be a crisis: that one stays where operators see it."""
        if self.conv.priority in FLAGGED:
            return ()
        return (self.button("button_cancel_waiting", CANCEL_WAITING),)

    async def _while_with_people(self, typed: Answer | None = None) -> None:
        inbound = self.ctx.inbound
        if self.conv.state == State.WAITING and (inbound.button == SAFETY_SAFE or typed == "safe"):
            outlook = await self._outlook()
            self.reply(
                self.say(
                    "safety_safe" if outlook.staffed else "safety_safe_nobody_online", emergency=self.emergency_list()
                ),
                self.button("button_safety_danger", SAFETY_DANGER),
                *self._cancel_buttons(),
            )
            return
        if self.conv.state == State.WAITING and inbound.button == CANCEL_WAITING and self.conv.priority in FLAGGED:
            # a possible crisis is not taken out of the queue (attack A3b): keep the place, say so kindly
            self.event("handoff_cancel_kept", priority=self.conv.priority)
            self.reply(self.say("waiting_kept", emergency=self.emergency_list()))
            return
        if self.conv.state == State.WAITING and inbound.button == CANCEL_WAITING:
            self.conv.state, self.conv.priority, self.conv.enqueued_at, self.conv.team = State.BOT, None, None, None
            self.conv.data.pop(QUEUE_TOLD, None)
            self.event("handoff_cancelled")
            self.reply(self.say("waiting_cancelled"), *self.menu_buttons())
            forms.come_back(self)  # a form left for a person: back to it, answers and all
            return
        if self.conv.state == State.WAITING and inbound.button == PERSON:
            self._already_waiting(await self._outlook())
            return
        if self.conv.state == State.WAITING and self._language_while_waiting():
            return
        if self.conv.state == State.WAITING:
            position = await self.ctx.queue.position(self.conv)
            self._told(position)
            self.reply(self.say("waiting_ack", position=position), *self._cancel_buttons())
            return
        # with an operator the bot stays silent: the message is the operator's; a language button or request still
        # sets the chat's language, silently, as detection does with a typed sentence (session 18's second attack)
        payload = self.ctx.inbound.button
        if not (payload or "").startswith(LANG_PREFIX):
            payload, _ = self._language_typed()
        chosen = (payload or "")[len(LANG_PREFIX) :] if (payload or "").startswith(LANG_PREFIX) else None
        if chosen in self.line.languages and chosen != self.conv.language:
            self.conv.language, self.conv.language_chosen = chosen, True
            self.event("language_chosen")

    def _language_while_waiting(self) -> bool:
        """A language asked for, refused or pressed while waiting for a person: the chat's language changes (what the
        bot still says, and what the operator sees the person reads), and the wait is told again in it. Session 18's
        attack: "я не розумію українською" in the queue was answered in Ukrainian with nothing offered."""
        payload = self.ctx.inbound.button
        if not (payload == LANGUAGE or (payload or "").startswith(LANG_PREFIX)):
            payload, _ = self._language_typed()
        if payload == LANGUAGE:
            if self.conv.priority in FLAGGED:
                # a crisis (or a possible one) that cannot read the chat's language: the numbers again at once, in
                # another language, before the list (session 18's leftover: only after a language was chosen)
                self._away_from(self._refused_here())
                self.reply(self.say("crisis_call_now", emergency=self.emergency_list()))
            self._language_list()
            return True
        if payload is None or payload[len(LANG_PREFIX) :] not in self.line.languages:
            return False
        self.conv.language, self.conv.language_chosen = payload[len(LANG_PREFIX) :], True
        self.event("language_chosen")
        self.reply(self.say("language_set"))
        if self.conv.priority in FLAGGED:
            # a crisis (or a possible one) waiting: the emergency numbers again, now in words the person reads
            # (session 18's second attack: only the place in the queue was told in the new language)
            self.reply(self.say("crisis_call_now", emergency=self.emergency_list()))
        return False  # the wait is told next, in the language chosen

    async def _bot(self, first: bool) -> None:
        inbound = self.ctx.inbound
        waiting_topic = self.conv.data.pop(QUEUE_AT_FIRST_WORD, None)
        if waiting_topic in self.line.topics and inbound.button is None:
            if inbound.kind == Kind.START:
                # the chat opened again before a word (Viber sends conversation_started on every open, without the
                # link's context from the chat list): still the link's topic, its welcome again, still waiting
                self._answer_before_queueing(waiting_topic)
                return
            # the first words after a link's welcome (Viber): a person can be written to now, so the queue at once
            handoff = self.line.topics[waiting_topic].handoff
            if handoff is not None:
                self.conv.topic = waiting_topic
                await self._enqueue(handoff.priority, reason="topic")
                return
        asked, refused = self._language_typed()
        if asked is not None:
            # "English please" typed, in a form too: the language button it names (session 16's attack: a form
            # begun in a language the person cannot read has no language button, and the words were its answer)
            await self._typed_language(asked, refused=refused)
            return
        if ProfileQuestions(self).handle():  # the optional age / gender question's answer or skip
            forms.come_back(self)  # a stale press of one in a form: the form's question follows
            return
        report = ReportFlow(self)
        if await report.handle():  # a report being answered, or a reference code
            if report.status_told() and code_in(inbound.text) is not None:
                await self._beside_a_code()
            return
        if await AppealFlow(self).handle():  # an appeal being written, or an appeal's number
            return
        # a form still open here was under an old button (a topic, the menu) or a photo: what was pressed is
        # answered, then the form's question again; a frightened person's tap by mistake must not lose the report
        under = forms.waits(self)
        await self._as_usual(first)
        if under:
            forms.come_back(self)

    async def _beside_a_code(self) -> None:
        """A question written beside a report's code ("my code X, and when are you open?"): answered after the
        report's status (session 17's attack: the status alone was told and the question dropped). Only what
        answers without a form (a topic's text, the hours, a person): a form begun here would bury the status.
        A question needs words of its own: "мій код X будь ласка" was queued for a person (session 18's second
        attack). The message answered is kept in the chat, its code masked, for the operator it may go to."""
        inside = code_in(self.ctx.inbound.text)
        own = [w for w in words(inside[1] if inside else "") if w not in _ABOUT_A_CODE]
        if len(own) < 3:
            return
        intent = self._intent(self.ctx.parse)
        appeal = AppealFlow(self)
        plain_topic = intent in self.line.topics and not (
            ReportFlow(self).is_report_topic(intent) or appeal.is_form_topic(intent) or appeal.is_status_topic(intent)
        )
        if plain_topic or intent in (HUMAN, WORKING_HOURS):
            self.out.withheld_as = None
            await self._text(self.ctx.parse)

    def _language_typed(self) -> tuple[str | None, bool]:
        """The language button a typed message stands for ("English please", "я не розумію українською"), if any,
        and whether it was a refusal; None where the line has one language."""
        inbound = self.ctx.inbound
        if inbound.kind != Kind.TEXT or inbound.button is not None or len(self.line.languages) < 2:
            return None, False
        asked = language_asked(inbound.text, self.line.languages)
        if asked is not None:
            return asked, False
        written_in = self.ctx.parse.language if self.ctx.parse is not None else None
        before = self.ctx.memo.get("language_before")
        instead = language_instead(inbound.text, self.line.languages, written_in, before)
        return instead, instead is not None

    async def _typed_language(self, payload: str, *, refused: bool = False) -> None:
        """A language asked for in words: as its button, and an open form's question again in that language.

        A refusal answered with the list: the form's question waits for the language chosen from it (it would come
        in the language just refused; session 18's attack)."""
        under = forms.waits(self)
        await self._button(payload)
        if under and not (refused and payload == LANGUAGE):
            forms.come_back(self)

    async def _as_usual(self, first: bool) -> None:
        """A message no form took: a button, a greeting, a topic, small talk, a person."""
        inbound, parse = self.ctx.inbound, self.ctx.parse
        if inbound.button is not None:
            await self._button(inbound.button)
            return
        if inbound.kind not in (Kind.TEXT, Kind.START):
            self.reply(self.say("unsupported_kind"), self.button("button_menu", MENU))
            return
        if first or inbound.kind == Kind.START or not (inbound.text or "").strip():
            intent = self._intent(parse)
            topic = self.line.topics.get(intent)
            if first and topic is not None and topic.handoff is not None and topic.handoff.at_once:
                await self._answer(intent)  # a child's first words: the numbers are the first reply, no greeting
                return
            if first and (intent in self.line.topics or intent in (HUMAN, WORKING_HOURS)):
                # someone who opens with their question gets a greeting and the answer
                self.reply(self.say("greeting", helpline=self.line.local(self.line.settings.name, self.lang)))
                await self._text(parse)
                return
            self._greet()
            ProfileQuestions(self).at_start()  # the person has said nothing yet: nothing waits for it
            return
        await self._text(parse)

    def _greet(self) -> None:
        self.conv.data["misses"] = 0
        self.reply(
            self.say("greeting", helpline=self.line.local(self.line.settings.name, self.lang)), *self.menu_buttons()
        )

    async def _button(self, payload: str) -> None:
        if payload == MENU:
            self.conv.data["misses"] = 0
            self.reply(self.say("menu_prompt"), *self.menu_buttons())
        elif payload == ALL_TOPICS:
            self.conv.data["misses"] = 0
            self.reply(self.say("menu_prompt"), *self.all_topic_buttons())
        elif payload == PERSON:
            await self._enqueue(self._asked_priority(), reason="asked")
        elif payload == HOURS:
            self._hours()
        elif payload == LANGUAGE:
            self._language_list()
        elif payload.startswith(LANG_PREFIX) and payload[len(LANG_PREFIX) :] in self.line.languages:
            self.conv.language, self.conv.language_chosen = payload[len(LANG_PREFIX) :], True
            self.event("language_chosen")
            self.reply(self.say("language_set"))
            # in a form its question follows (forms.come_back), at "write your code" that question: the whole menu
            # before either buried the question (session 17's attack)
            if not forms.waits(self) and not ReportFlow(self).ask_code_again():
                self.reply(self.say("menu_prompt"), *self.menu_buttons())
        elif payload.startswith(TOPIC_PREFIX) and payload[len(TOPIC_PREFIX) :] in self.line.topics:
            topic_id = payload[len(TOPIC_PREFIX) :]
            offered = self.offered if isinstance(self.offered, dict) else {}
            if offered.get("topic") == topic_id:
                self.event("see_also_pressed", topic=topic_id, after=offered.get("after"))
            await self._answer(topic_id)
        elif payload.startswith(START_PREFIX):
            await self._started(payload[len(START_PREFIX) :])
        elif payload in (SURVEY_YES, SURVEY_NO):
            answered = bool(self.conv.data.pop("survey_open", False))  # one answer per closed conversation
            if answered:
                self.event("survey_answered", helped=payload == SURVEY_YES)
            self.reply(self.say("survey_thanks"), self.button("button_menu", MENU))
            if answered:  # the chat with a specialist is over, and the person is still here
                ProfileQuestions(self).at_end()
        elif payload in (CANCEL_WAITING, SAFETY_SAFE):  # pressed after leaving the queue
            self.reply(self.say("menu_prompt"), *self.menu_buttons())
        else:
            self.event("unknown_button")
            self.reply(self.say("not_understood"), *self.menu_buttons())

    async def _text(self, parse: Parse | None) -> None:
        said = self.line.topic_said(self.ctx.inbound.text)
        intent = self._intent(parse)
        if intent in self.line.topics:
            # the topic the NLU nearly chose, worth a button under the answer (see_also.py); only for what the
            # classifier read: a topic's own phrases are meant, not guessed (a child's words)
            also = runner_up(parse, intent, self.line.topics) if said is None else None
            await self._answer(intent, also=also)
        elif intent == HUMAN:
            await self._enqueue(self._asked_priority(), reason="asked")
        elif intent == GREET:
            self._greet()
        elif intent == THANKS:
            self.conv.data["misses"] = 0
            self.reply(self.say("thanks_reply"), self.button("button_menu", MENU))
            ProfileQuestions(self).at_end()
        elif intent == GOODBYE:
            self.conv.data["misses"] = 0
            self.reply(self.say("goodbye_reply"), self.button("button_menu", MENU))
            ProfileQuestions(self).at_end()
        elif intent == WORKING_HOURS:
            # "my husband beats me, when are you open": the hours, and the topic the NLU nearly chose
            self._hours(also=runner_up(parse, intent, self.line.topics) if said is None else None)
        else:
            await self._not_understood(parse)

    def _intent(self, parse: Parse | None) -> str:
        """A topic's own phrases first (a child's words open the child's path), then what the NLU understood,
        where a safety topic one sentence names wins over a pleasantry or nothing understood (see_also.py)."""
        said = self.line.topic_said(self.ctx.inbound.text)
        if said is not None:
            return said
        understood = _understood(parse)
        return safety_instead(parse, understood, self.line.topics) or understood

    def _asked_priority(self) -> str:
        """Where "talk to a person" puts the conversation: its topic's hand-over priority, else a request."""
        return self.line.handoff_priority(self.conv.topic, Priority.REQUEST)

    async def _started(self, word: str) -> None:
        """A link opened the chat on a topic (web chat ``?start=``, a Telegram deep link): its path at once."""
        topic_id = self.line.topic_started(word)
        if topic_id is None:  # an old or mistyped link: the usual greeting, nothing queued
            self.event("unknown_start")
            self._greet()
            return
        handoff = self.line.topics[topic_id].handoff
        if self.ctx.inbound.direct_reply and handoff is not None and handoff.at_once:
            self._answer_before_queueing(topic_id)
            return
        await self._answer(topic_id)

    def _answer_before_queueing(self, topic_id: str) -> None:
        """A link opened the chat where nobody can write to the person until they write (Viber's welcome).

        Queued now, the child would be told "a grown-up will answer you here" and the operator's answer could
        not be delivered. So the numbers now, with the topic's button, and the queue at their first message
        (see :meth:`_bot`), whatever it says.
        """
        self.conv.topic = topic_id
        self.conv.data["misses"] = 0
        self.conv.data[QUEUE_AT_FIRST_WORD] = topic_id
        self.event("topic_answered", topic=topic_id)
        self.reply(self._topic_answer(topic_id), _topic_button(self.line, topic_id, self.lang))

    def _topic_answer(self, topic_id: str) -> str:
        """A topic's text, with its own numbers under it when it has any."""
        topic = self.line.topics[topic_id]
        answer = self.line.local(topic.answer, self.lang)
        if topic.contacts:
            answer += "\n" + self.line.topic_contacts(topic_id, self.lang)
        return answer

    async def _answer(self, topic_id: str, *, also: str | None = None) -> None:
        """The topic's answer, and the way on: a person, the menu, and ``also`` (a topic the person may have
        meant instead, typed words only) when the answer is a text; a form's first question or the queue
        at once instead of it where the topic says so."""
        topic = self.line.topics[topic_id]
        self.conv.topic = topic_id
        self.conv.data["misses"] = 0
        self.event("topic_answered", topic=topic_id)
        flow = ReportFlow(self)
        if flow.is_report_topic(topic_id):  # the report form's first question instead of a text
            flow.start()
            return
        appeal = AppealFlow(self)
        if appeal.is_form_topic(topic_id):  # the appeal form's first question instead of a text
            appeal.start()
            return
        if appeal.is_status_topic(topic_id):  # "status of my appeal": the number is asked for, unless it was given
            await appeal.status_asked()
            return
        self.reply(self._topic_answer(topic_id))
        if topic.handoff is not None and topic.handoff.at_once and self.conv.state == State.BOT:
            # the numbers first, then a person at once: nothing to find, no question in between
            await self._enqueue(topic.handoff.priority, reason="topic")
            return
        if forms.waits(self):  # pressed in an open form: its question is the way on (forms.come_back)
            return
        buttons = [self.button("button_person", PERSON), self.button("button_menu", MENU)]
        if not topic.handoff:
            buttons.reverse()
        if also is None:
            self.reply(self.say("after_answer"), *buttons)
            return
        self.reply(
            self.say("after_answer") + "\n" + self._offer(topic_id, also),
            _topic_button(self.line, also, self.lang),
            *buttons,
        )

    def _offer(self, after: str, also: str) -> str:
        """Remember the runner-up offered under ``after``'s answer (a press of it is counted) and say so."""
        self.conv.data[SEE_ALSO] = {"topic": also, "after": after}
        self.event("see_also_offered", topic=after, offered=also)
        return self.say("see_also")

    def _hours(self, *, also: str | None = None) -> None:
        """The line's hours and phones; ``also``: a topic of the line the typed words nearly meant instead."""
        self.conv.data["misses"] = 0
        self.event("hours_asked")
        text = self.say(
            "hours", hours=self.line.local(self.line.settings.hours_text, self.lang), phones=self.phones_list()
        )
        if also is None:
            self.reply(text, self.button("button_menu", MENU))
            return
        self.reply(
            text + "\n" + self._offer(WORKING_HOURS, also),
            _topic_button(self.line, also, self.lang),
            self.button("button_menu", MENU),
        )

    async def _not_understood(self, parse: Parse | None) -> None:
        misses = int(self.conv.data.get("misses", 0)) + 1
        self.conv.data["misses"] = misses
        self.event("not_understood", misses=misses)
        if misses >= QUEUE_AFTER:
            self.reply(self.say("offer_person"))
            await self._enqueue(Priority.ROUTINE, reason="not_understood")
            return
        candidates = [
            intent
            for intent, score in (parse.ranking if parse else ())
            if intent in self.line.topics and score >= CLARIFY_FLOOR
        ][:3]
        if candidates:
            self.reply(
                self.say("clarify"),
                *(Button(self.line.local(self.line.topics[t].title, self.lang), TOPIC_PREFIX + t) for t in candidates),
                self.button("button_person", PERSON),
                self.button("button_menu", MENU),
            )
        elif misses >= OFFER_PERSON_AFTER:
            self.reply(self.say("offer_person"), self.button("button_person", PERSON), *self.menu_buttons())
        else:
            self.reply(self.say("not_understood"), *self.menu_buttons())

    async def _enqueue(self, priority: str, *, reason: str) -> None:
        """Into the queue, telling only what is true now.

        Whether someone can answer now is who is online (and may take this
        conversation), not the schedule: inside the hours with nobody
        online, and outside them with someone online, are both real.
        """
        was_waiting = self.conv.state == State.WAITING
        outlook = await self._enter_queue(priority, reason=reason)
        crisis = reason == "crisis"  # a topic's own top priority is said in the topic's words, not as a crisis
        if was_waiting:
            if crisis:
                self._crisis_reply(outlook)
            else:
                self._already_waiting(outlook)
            return
        cancel = self._cancel_buttons()
        if crisis:
            self._crisis_reply(outlook)
            if outlook.staffed:  # a number only when history gives one: no "cannot estimate" in a crisis
                wait = self._wait(outlook) if outlook.typical_wait is not None else ""
                self.reply(_tidy(self.say("handoff_queued", position=outlook.position, wait=wait)), *cancel)
            return
        if outlook.staffed:
            self.reply(self.say("handoff_queued", position=outlook.position, wait=self._wait(outlook)), *cancel)
        elif is_open(self.line, self.ctx.now):
            self.reply(
                self.say("handoff_nobody_online", position=outlook.position, emergency=self.emergency_list()), *cancel
            )
        else:
            self.reply(
                self.say(
                    "handoff_out_of_hours",
                    hours=self.line.local(self.line.settings.hours_text, self.lang),
                    emergency=self.emergency_list(),
                ),
                *cancel,
            )

    def _already_waiting(self, outlook: Outlook) -> None:
        self._told(outlook.position)
        self.reply(
            self.say("handoff_already_waiting", position=outlook.position, wait=self._wait(outlook)),
            *self._cancel_buttons(),
        )


@functools.lru_cache(maxsize=256)
def _menu(line: Helpline, lang: str) -> tuple[Button, ...]:
    """The menu the greeting offers: the helpline's first_menu, or every topic when it has none.

    The same for every message in one language: built once. A short menu is
    its few most asked topics, "other topics" (every topic, one step away)
    and "talk to a person"; the language stays one tap away, because a
    person greeted in the wrong language must not have to find it in a list.
    """
    first = line.settings.first_menu
    if not first:
        return _all_topics(line, lang, back=False)
    topics = [_topic_button(line, t, lang) for t in first]
    extra = [Button(line.say("button_more_topics", lang), ALL_TOPICS), Button(line.say("button_person", lang), PERSON)]
    if len(line.languages) > 1:
        extra.append(Button(line.say("button_language", lang), LANGUAGE))
    return tuple(topics + extra)


@functools.lru_cache(maxsize=256)
def _all_topics(line: Helpline, lang: str, back: bool = True) -> tuple[Button, ...]:
    """Every topic, a person, the hours and the language; and the way back when there is a short menu."""
    topics = [_topic_button(line, t, lang) for t in line.topic_order]
    extra = [Button(line.say("button_person", lang), PERSON), Button(line.say("button_hours", lang), HOURS)]
    if len(line.languages) > 1:
        extra.append(Button(line.say("button_language", lang), LANGUAGE))
    if back and line.settings.first_menu:
        extra.append(Button(line.say("button_menu", lang), MENU))
    return tuple(topics + extra)


def _understood(parse: Parse | None) -> str:
    """What the NLU understood; the fallback without a parse."""
    return parse.intent if parse is not None else FALLBACK_INTENT


def _topic_button(line: Helpline, topic_id: str, lang: str) -> Button:
    return Button(line.local(line.topics[topic_id].title, lang), TOPIC_PREFIX + topic_id)


def _tidy(text: str) -> str:
    """A text with an empty placeholder: no doubled spaces, no space before a line break."""
    return re.sub(r" +\n", "\n", re.sub(r" {2,}", " ", text)).strip()


def _says_enough(text: str) -> bool:
    """Enough words to trust a language guess over the conversation's language.

    A sentence, not "ok ok" or "thank you": those are said in every language.
    Links and HTML are no words at all.
    """
    text = strip_markup(text)
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    return len(words) >= 3 or sum(ch.isalpha() for ch in text) >= 12


async def run_step(ctx: StepContext) -> StepResult:
    return await Dialogue(ctx).run()
