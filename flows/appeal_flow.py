"""The appeal as the citizen meets it in a chat: what it is about → the citizen's words → its number.

"Status of my appeal" (a menu topic, or the button under every number) asks
for the number; a number typed on its own, in any chat of the line and on
any channel, is answered with the appeal's status at once. Cancel works at
every step, pressed or typed. Any other button (the menu, a topic, a
person), the chat opened again or a photo keeps the draft: it is answered
as usual and the form's question follows, said to be unfinished, as in the
report form (flows/forms.py, the code both share). The crisis layer runs
before any of this, as everywhere: a
crisis said while writing an appeal is one, and the draft is dropped (a
person takes over the chat and can still register the appeal from it).

The draft lives in the conversation while the citizen answers
(``APPEAL_DRAFT``) and is gone once the appeal is registered or cancelled.
Unlike an anonymous report, an appeal is the citizen's own business with the
authorities: their chat keeps what they wrote and the number they were
given (they may scroll back to it), and the operator who later reads the chat
sees both, as they would on the phone.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from vikno.storage.models import Appeal

from .appeal_numbers import digits_of, looks_like_number, normalize, number_in
from .appeals import MAX_TEXT, MIN_LETTERS, AppealDesk, Registration, told_status
from . import forms
from .messages import PERSON, Button, Inbound, Kind
from .report_flow import CANCEL_WORDS, match_any_language, words
from .words import says_only

if TYPE_CHECKING:
    from .dialogue import Dialogue

#: conversation.data keys: the appeal being written, and "a number is expected" (after "status of my appeal").
APPEAL_DRAFT, APPEAL_NUMBER = "appeal_draft", "appeal_number"
PREFIX = "appeal:"
CANCEL, STATUS, TOPIC = "appeal:cancel", "appeal:status", "appeal:topic:"
#: A draft left this long without an answer, or a question for the number, is forgotten (read afresh then).
DRAFT_HOURS, NUMBER_MINUTES = 2, 30
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


class AppealFlow:
    """The appeal form and the number, for one step of one conversation (see the module's docstring)."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.d = dialogue
        self.conv = dialogue.conv
        self.line = dialogue.line
        self.now: datetime = dialogue.ctx.now

    @property
    def enabled(self) -> bool:
        return self.line.settings.appeals is not None and self.d.ctx.appeals is not None

    @property
    def desk(self) -> AppealDesk:
        desk = self.d.ctx.appeals
        assert desk is not None
        return desk

    def is_form_topic(self, topic_id: str) -> bool:
        appeals = self.line.settings.appeals
        return self.enabled and appeals is not None and topic_id == appeals.topic

    def is_status_topic(self, topic_id: str) -> bool:
        appeals = self.line.settings.appeals
        return self.enabled and appeals is not None and topic_id == appeals.status_topic

    def is_number(self) -> bool:
        """The message is an appeal's number and nothing else (no words: nothing said of danger or language)."""
        return self.line.settings.appeals is not None and looks_like_number(self.d.ctx.inbound.text)

    def waits(self) -> bool:
        """An appeal is being written under this message: what answers it leaves the way on to the form."""
        return self.enabled and forms.open_draft(self.conv.state, self.conv.data.get(APPEAL_DRAFT)) is not None

    def come_back(self) -> None:
        """After a message the form did not take was answered as usual: the open form's question again, said to
        be unfinished (the appeal dropped itself on any other button before: session 15's outside attack)."""
        self._expire()
        draft = forms.open_draft(self.conv.state, self.conv.data.get(APPEAL_DRAFT)) if self.enabled else None
        appeals = self.line.settings.appeals
        if draft is None or appeals is None:
            return
        forms.touch(draft, self.now)  # the person is here: the hours start again
        self.conv.topic = appeals.topic
        lead = self.d.say("appeal_not_finished")
        if draft.get("step") == "text":
            self.d.reply(f"{lead}\n{self.d.say('appeal_ask_text')}", self._cancel())
        else:
            self._ask_topic(lead=lead)

    def drop(self) -> None:
        """Forget the draft and the question for the number (a new contact after a specialist's chat)."""
        for key in (APPEAL_DRAFT, APPEAL_NUMBER):
            self.conv.data.pop(key, None)

    async def hand_over(self) -> None:
        """A crisis or a possible one said as the appeal's words: the appeal is registered all the same (its
        number follows the safety answer: ``tell_number``), and the form is left for the crisis path.

        "Three weeks without heating, the children are ill, help" can read as
        a possible crisis. Safety comes first, as everywhere (the numbers, the
        question, the queue); but dropping the form would lose what the
        citizen wrote and ask them to write it again later.
        """
        draft = self.conv.data.get(APPEAL_DRAFT)
        inbound = self.d.ctx.inbound
        typed = (inbound.text or "").strip() if inbound.button is None and inbound.kind == Kind.TEXT else ""
        if self.enabled and isinstance(draft, dict) and draft.get("step") == "text" and typed:
            told = "\n".join([*draft.get("told", []), typed])
            await self._register(draft, told, quiet=True)
        self.drop()

    def tell_number(self) -> None:
        """After the crisis or safety answer: the number of an appeal ``hand_over`` registered."""
        made = self.d.ctx.memo.get("appeal_registered")
        if made is not None and self.d.ctx.memo.get("appeal_quiet"):
            self._told_registered(made)

    # --- entry ---------------------------------------------------------------------

    def start(self) -> None:
        self.conv.data.pop(APPEAL_NUMBER, None)
        # the draft's own random id: with the conversation's, it names the draft the appeal is made from (one
        # appeal per draft, however often its last text comes: AppealDesk.register)
        self.conv.data[APPEAL_DRAFT] = {"step": "topic", "at": self.now.isoformat(), "id": secrets.token_hex(16)}
        self._ask_topic()

    async def status_asked(self) -> None:
        """ "Status of my appeal": told at once when the number came in the same words ("статус мого звернення
        7608-…": session 17's attack was asked for the number it had just given), else asked for. Only here is a
        number inside a sentence read unasked: the words asked about an appeal, so it is no card's number."""
        inbound = self.d.ctx.inbound
        number = number_in(inbound.text) if inbound.button is None else None
        if number is None:
            self.ask_number()
            return
        self.conv.data.pop(APPEAL_DRAFT, None)
        await self._number(number)

    def ask_number(self) -> None:
        self.conv.data.pop(APPEAL_DRAFT, None)
        self.conv.data[APPEAL_NUMBER] = {"at": self.now.isoformat()}
        self.d.reply(self.d.say("appeal_ask_number"), self._cancel())

    async def handle(self) -> bool:
        """Whether this message belongs to the appeal form or the number (then it has been answered)."""
        if not self.enabled:
            return False
        inbound: Inbound = self.d.ctx.inbound
        button = inbound.button
        self._expire()
        if button == STATUS:
            self.ask_number()
            return True
        answered = forms.elsewhere(self, inbound, PREFIX, self._form_topic())
        if answered is not None:  # the chat opened again, the menu, a topic, a person: the draft is kept
            self.conv.data.pop(APPEAL_NUMBER, None)  # no number is awaited any more
            return answered
        text = inbound.text if inbound.kind == Kind.TEXT else None
        draft = self.conv.data.get(APPEAL_DRAFT)
        if button == CANCEL or (
            button is None and says_only(text, CANCEL_WORDS) and (draft or APPEAL_NUMBER in self.conv.data)
        ):
            if isinstance(draft, dict):
                self.d.event("form_cancelled", form="appeal", step=draft.get("step"))
            self.drop()
            self.d.reply(self.d.say("appeal_cancelled"), *self.d.menu_buttons())
            return True
        if isinstance(draft, dict):
            if button is None and text is None:
                return False  # a photo or a sticker: the usual answer, the draft waits
            if button is None and looks_like_number(text):  # a number is never an appeal's words
                self.conv.data.pop(APPEAL_DRAFT, None)
                await self._number(text or "")
                return True
            await self._step(draft, button, text)
            return True
        if button is not None:  # a button of a form no longer open: its topic starts a new one, else the menu
            chosen = _value(button, TOPIC)
            if chosen is not None and self.line.appeal_topic(chosen) is not None:
                self.start()
                await self._step(self.conv.data[APPEAL_DRAFT], button, None)
                return True
            self.drop()
            self.d.reply(self.d.say("menu_prompt"), *self.d.menu_buttons())
            return True
        if text is None:
            return False
        if APPEAL_NUMBER in self.conv.data:
            if digits_of(text) is not None or not words(text) or looks_like_number(text):
                await self._number(text)
                return True
            inside = number_in(text)
            if inside is not None:  # "мій номер 4821-…-0846, дякую": the number inside the sentence
                await self._number(inside)
                return True
            if len(words(text)) < 3 and any(ch.isdigit() for ch in text):  # "№ 4821 0937": a number, short
                self.d.reply(self.d.say("appeal_number_mistyped"), self._cancel())
                return True
            self.drop()  # a question, not a number: answered as usual, and no attempt is counted
            return False
        if looks_like_number(text):
            await self._number(text)
            return True
        return False

    def _expire(self) -> None:
        """Forget a draft ``DRAFT_HOURS`` after its last answer, a question for the number after its minutes."""
        forms.expire(
            self.conv.data,
            self.now,
            ((APPEAL_DRAFT, timedelta(hours=DRAFT_HOURS)), (APPEAL_NUMBER, timedelta(minutes=NUMBER_MINUTES))),
        )

    # --- the form ------------------------------------------------------------------------

    def _cancel(self) -> Button:
        return self.d.button("button_cancel", CANCEL)

    def _topic_options(self, lang: str | None = None) -> list[Button]:
        appeals = self.line.settings.appeals
        assert appeals is not None
        return [Button(self.line.local(t.title, lang or self.d.lang), f"{TOPIC}{t.id}") for t in appeals.topics]

    def _ask_topic(self, *, lead: str | None = None) -> None:
        question = self.d.say("appeal_ask_topic")
        self.d.reply(
            f"{lead}\n{question}" if lead else question,
            *self._topic_options(),
            self.d.button("button_appeal_status", STATUS),
            self.d.button("button_person", PERSON),
            self._cancel(),
        )

    def _more_than_a_title(self, text: str) -> bool:
        """Whether a typed answer says more than a topic's title in any language of the line (two words or more
        besides the titles' words)."""
        titles = {
            w for lang in self.line.languages for option in self._topic_options(lang) for w in words(option.title)
        }
        return len([w for w in words(text) if w not in titles]) >= 2

    async def _step(self, draft: dict, button: str | None, text: str | None) -> None:
        forms.touch(draft, self.now)  # an answer: the draft is forgotten two hours after the last one
        if draft.get("step") == "topic":
            typed = match_any_language(text, self._topic_options, self.d.lang, self.line.languages)
            chosen = button if button is not None else typed
            topic = _value(chosen, TOPIC)
            if topic is None or self.line.appeal_topic(topic) is None:
                # words typed instead of a topic are the appeal's first words, kept (session 16's attack: a citizen
                # who described the problem first, then pressed a topic, had that description dropped)
                typed = (text or "").strip() if button is None else ""
                kept = draft.setdefault("told", [])
                if any(ch.isalpha() for ch in typed) and typed[:MAX_TEXT] not in kept:
                    kept.append(typed[:MAX_TEXT])
                self._ask_topic(lead=self.d.say("appeal_words_kept") if kept else None)
                return
            if button is None and text and self._more_than_a_title(text):
                # "коммунальные службы не отвечают третью неделю…": the topic, and the words are the appeal's first
                # (session 17's attack: the description was dropped once it named the topic)
                kept = draft.setdefault("told", [])
                if text.strip()[:MAX_TEXT] not in kept:
                    kept.append(text.strip()[:MAX_TEXT])
            draft["topic"], draft["step"] = topic, "text"
            lead = f"{self.d.say('appeal_words_kept')}\n" if draft.get("told") else ""
            self.d.reply(lead + self.d.say("appeal_ask_text"), self._cancel())
            return
        topic = _value(button, TOPIC)
        if topic is None and button is None and text and not self._more_than_a_title(text):
            # a topic's title typed at "describe the situation" ("Здравоохранение"): a change of topic, as its
            # button would be, not the appeal's words (session 17's attack registered an appeal saying only that)
            typed_topic = _value(match_any_language(text, self._topic_options, self.d.lang, self.line.languages), TOPIC)
            topic = typed_topic if typed_topic != draft.get("topic") else None  # its own topic's word: words
        if topic is not None and self.line.appeal_topic(topic) is not None:
            self._topic_changed(draft, topic)
            return
        if button is not None or not text or not text.strip():
            self.d.reply(self.d.say("appeal_ask_text"), self._cancel())
            return
        told = "\n".join([*draft.get("told", []), text.strip()])
        if len(_LETTER.findall(told)) < MIN_LETTERS and not draft.get("told"):
            draft["told"] = [text.strip()]  # a word or two: asked once for more, and what came is kept
            self.d.reply(self.d.say("appeal_too_short"), self._cancel())
            return
        await self._register(draft, told)

    def _topic_changed(self, draft: dict, topic_id: str) -> None:
        """Another topic pressed at "describe the situation" (its button higher up the chat): the citizen changed
        their mind, so the topic (and the authority) change, and they are told; what they wrote is kept, and the
        question open before is asked again. It was ignored without a word (outside attack, session 15)."""
        chosen = self.line.appeal_topic(topic_id)
        assert chosen is not None
        draft["topic"] = chosen.id
        said = [self.d.say("appeal_topic_changed", name=self.line.local(chosen.title, self.d.lang))]
        if draft.get("told"):
            said.append(self.d.say("appeal_words_kept"))
        question = self.d.say("appeal_too_short" if draft.get("told") else "appeal_ask_text")
        self.d.reply(f"{' '.join(said)}\n{question}", self._cancel())

    async def _register(self, draft: dict, told: str, *, quiet: bool = False) -> None:
        memo = self.d.ctx.memo
        told = told.strip()
        if len(told) > MAX_TEXT:  # kept to the limit, and the citizen is told so with the number (_told_registered)
            told, memo["appeal_cut"] = told[:MAX_TEXT], MAX_TEXT
        made = memo.get("appeal_registered")
        if made is None:  # the step may run again after a conflict: the appeal is registered once
            made = await self.desk.register(
                self.line,
                topic=draft["topic"],
                text=told,
                channel=self.conv.channel,
                language=self.conv.language,
                conversation_id=self.conv.id,
                now=self.now,
                seed=f"{self.conv.id}/{draft.get('id') or draft.get('at')}",  # a draft of before ids: its start
            )
            memo["appeal_registered"] = made
        self.conv.data.pop(APPEAL_DRAFT, None)
        self.d.out.events.append(made.event)
        if quiet:
            self.d.ctx.memo["appeal_quiet"] = True
            return
        self._told_registered(made)

    def _told_registered(self, made: Registration) -> None:
        registered = self.d.say(
            "appeal_registered",
            number=made.number,
            authority=self.line.authority_name(made.appeal.authority, self.d.lang),
        )
        cut = forms.shortened(self.d, self.d.ctx.memo.get("appeal_cut"), "appeal_shortened")
        self.d.reply(
            f"{cut}\n{registered}" if cut else registered,
            self.d.button("button_appeal_status", STATUS),
            self.d.button("button_menu", "menu"),
        )

    # --- the number ----------------------------------------------------------------------

    async def _number(self, text: str) -> None:
        memo = self.d.ctx.memo
        if "appeal_lookup" not in memo:  # counted once per message, also when the step runs again
            memo["appeal_lookup"] = await self.desk.lookup(self.line, self.conv.user_key, text, self.now)
        found = memo["appeal_lookup"]
        if found == "limited":
            self.conv.data.pop(APPEAL_NUMBER, None)
            self.d.event("appeal_number_limited")
            self.d.reply(
                self.d.say("appeal_number_limited", phones=self.d.phones_list()),
                self.d.button("button_person", PERSON),
                self.d.button("button_menu", "menu"),
            )
            return
        if not isinstance(found, Appeal):
            self.conv.data[APPEAL_NUMBER] = {"at": self.now.isoformat()}
            key = "appeal_number_mistyped" if found == "mistyped" else "appeal_number_unknown"
            self.d.reply(self.d.say(key), self._cancel())
            return
        self.conv.data.pop(APPEAL_NUMBER, None)
        number = normalize(text) or text.strip()
        self.d.reply(
            told_status(self.line, found, number, self.d.lang),
            self.d.button("button_appeal_new", f"topic:{self._form_topic()}"),
            self.d.button("button_menu", "menu"),
        )

    def _form_topic(self) -> str:
        appeals = self.line.settings.appeals
        assert appeals is not None
        return appeals.topic


def _value(payload: str | None, prefix: str) -> str | None:
    return payload[len(prefix) :] if payload and payload.startswith(prefix) else None


__all__ = ["AppealFlow"]
