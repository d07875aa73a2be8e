"""The optional short questions about the person writing: age group and gender, for the helpline's figures.

A helpline reports whom it served (children or adults, women or men), and
the only honest source is the person, asked. The question must never cost
anyone help, so it is asked only when nothing else is going on:

- ``start``: right after the greeting of someone who has not yet said what
  they need (a /start, a "hello"); someone who opens with their question
  gets the answer, and the question waits for the end;
- ``end``: when the person is done (thanks, goodbye, or the survey after a
  chat with a specialist);
- never while queued or with a specialist, never once a crisis or a
  possible one was seen in the conversation, never during a report form,
  and once per conversation at most (a skip is an answer too).

A skip is the Skip button, a skip word typed, or anything else at all: a
typed message is then answered as usual, never lost; another button does
what it always does. Only a pressed option (or its title typed exactly)
is an answer, stored as a ``profile_answered`` event with one key
(``{"age_group": "child"}``); the conversation keeps only where the
questions stand (``PROFILE``), never the answer, and its history keeps
the answering message as a placeholder (``PROFILE_ANSWER``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vikno.storage.models import PROFILE_ANSWER, Priority, State

from .content import PROFILE_QUESTIONS
from .messages import Button, Kind
from .report_flow import REPORT_CODE, REPORT_DRAFT, REPORT_FOLLOWUP, words

if TYPE_CHECKING:
    from .dialogue import Dialogue

#: conversation.data key: {"open": the question waiting for its answer, or None once they are over,
#: "at": when it was asked}. Present at all means "asked in this conversation": never again.
PROFILE = "profile"
PREFIX = "profile:"
SKIP = "profile:skip"
#: Words that mean "skip" when typed alone, in the helpline languages.
SKIP_WORDS = {
    "skip",
    "пропустити",
    "пропустить",
    "пропуск",
    "пропускаю",
    "keç",
    "kec",
    "keçin",
    "kecin",
    "keçmək",
    "далі",
    "дальше",
    "next",
}
#: A hello and nothing else, as typed in the helpline languages (when no NLU has understood a greeting).
HELLO_WORDS = {
    "привіт",
    "вітаю",
    "добрий день",
    "доброго дня",
    "добрий вечір",
    "доброго ранку",
    "привет",
    "здравствуйте",
    "добрый день",
    "добрый вечер",
    "доброе утро",
    "salam",
    "salam aleykum",
    "salamlar",
    "sabahınız xeyir",
    "axşamınız xeyir",
    "hi",
    "hello",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
    "hello there",
}
#: The greet intent must be this sure before the first message counts as only a hello.
GREET_CONFIDENCE = 0.6
GREET = "greet"
#: conversation.data keys that say a crisis or a possible one was seen here (the dialogue's own marks; a
#: conversation from before these questions has them but no PROFILE).
_CRISIS_MARKS = ("risk_flags", "safety_check", "danger_pressed")


class ProfileQuestions:
    """Asks, and takes the answers to, the optional questions in one step of one conversation."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.d = dialogue
        self.conv = dialogue.conv
        self.settings = dialogue.line.settings.profile_questions

    def off(self) -> None:
        """No question in this conversation any more (a crisis or a possible one): an open one is closed too."""
        self.conv.data[PROFILE] = {"open": None}

    # --- asking ----------------------------------------------------------------------

    def at_start(self) -> None:
        """After the greeting of someone who has said nothing yet (``ask: start``).

        Nothing yet: /start, an empty message, or a hello (understood as one,
        or one of the few usual words when no NLU says so). A first message
        the bot could not understand is greeted with the menu too, but it may
        hold the person's trouble: no question stands in front of it.
        """
        if self.settings.ask == "start" and self._says_nothing_yet():
            self._begin()

    def _says_nothing_yet(self) -> bool:
        inbound, parse = self.d.ctx.inbound, self.d.ctx.parse
        typed = " ".join(words(inbound.text))
        if inbound.kind == Kind.START or not typed:
            return True
        if parse is not None and parse.intent == GREET and parse.confidence >= GREET_CONFIDENCE:
            return True
        return typed in HELLO_WORDS

    def at_end(self) -> None:
        """When the person is done: thanks, goodbye, the survey (``ask: start`` or ``end``)."""
        if self.settings.ask in ("start", "end"):
            self._begin()

    def _may_ask(self) -> bool:
        conv = self.conv
        return (
            PROFILE not in conv.data
            and conv.state == State.BOT
            and conv.priority not in (Priority.CRISIS, Priority.URGENT)
            and not any(conv.data.get(mark) for mark in _CRISIS_MARKS)
            and not any(key in conv.data for key in (REPORT_DRAFT, REPORT_CODE, REPORT_FOLLOWUP))
        )

    def _begin(self) -> None:
        if not self._may_ask():
            return
        first = self.settings.questions[0]
        self._ask(first, intro=True)

    def _ask(self, question: str, *, intro: bool = False) -> None:
        d = self.d
        self.conv.data[PROFILE] = {"open": question, "at": d.ctx.now.isoformat()}
        text = d.say(f"profile_ask_{question}")
        if intro:
            text = d.say("profile_intro") + "\n" + text
        d.reply(text, *self._options(question), d.button("button_skip", SKIP))

    def _options(self, question: str) -> list[Button]:
        return [
            self.d.button(f"profile_{question}_{a}", f"{PREFIX}{question}:{a}") for a in PROFILE_QUESTIONS[question]
        ]

    # --- answers ---------------------------------------------------------------------

    def handle(self) -> bool:
        """Whether this message was the answer or the skip (then it has been answered).

        Anything else closes an open question silently and is handled as
        usual: writing something else is a skip, and the words are answered.
        """
        d, inbound = self.d, self.d.ctx.inbound
        state = self.conv.data.get(PROFILE)
        question = state.get("open") if isinstance(state, dict) else None
        button = inbound.button
        if question is None:
            if button is not None and button.startswith(PREFIX):  # a stale or forged press: nothing counted
                d.reply(d.say("menu_prompt"), *d.menu_buttons())
                return True
            return False
        self.conv.data[PROFILE] = {"open": None}
        if button is None and inbound.kind == Kind.TEXT:
            button = self._typed(question, inbound.text)
        answer = _value(button, f"{PREFIX}{question}:")
        if answer in PROFILE_QUESTIONS[question]:
            d.event("profile_answered", topic=None, **{question: answer})
            d.out.withheld_as = PROFILE_ANSWER  # the event only, not the chat
            following = self.settings.questions[self.settings.questions.index(question) + 1 :]
            if following:
                self._ask(following[0])
                return True
            d.reply(d.say("profile_thanks"), *d.menu_buttons())
            return True
        if button is not None and button.startswith(PREFIX):  # Skip, or an option of another question
            d.reply(d.say("menu_prompt"), *d.menu_buttons())
            return True
        return False

    def _typed(self, question: str, text: str | None) -> str | None:
        """A typed message that is the Skip word or exactly an option's title means that button."""
        said = words(text)
        if len(said) == 1 and said[0] in SKIP_WORDS:
            return SKIP
        typed = " ".join((text or "").lower().split())
        for option in self._options(question):
            if typed and typed == " ".join(option.title.lower().split()):
                return option.payload
        return None


def _value(payload: str | None, prefix: str) -> str | None:
    return payload[len(prefix) :] if payload and payload.startswith(prefix) else None


__all__ = ["PROFILE", "ProfileQuestions", "SKIP"]
