"""The helpline content schema, and loading it with errors people can fix.

A helpline is configured, not coded (ARCHITECTURE.md, "Content is data"). Its folder holds
``helpline.yml`` (who, languages, hours, numbers, teams), ``texts.yml`` (what
the bot says) and ``topics.yml`` (help topics with answers and routing).

The dialogue's scaffolding (menus, queue, crisis wording, buttons, the report
form) is the same for every line, so it lives once, in
``content/_common/texts.yml``; a line's ``texts.yml`` holds only what is its
own (its greeting) or what it overrides, key by key. Several lines in one
deployment must not drift apart in how they speak about a queue or a crisis,
and a grammar fix must land in every line at once.

Every text exists in every language of the helpline; every placeholder is
one the engine fills. Anything wrong stops the load with the file, the line
and what to change.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
)

from .words import words
from .yaml_lines import ContentError, Located, dotted, load_located

SUPPORTED_LANGUAGES = ("uk", "ru", "az", "en")
LANGUAGE_NAMES = {"uk": "Українська", "ru": "Русский", "az": "Azərbaycanca", "en": "English"}
#: Topics on the short first menu at most: more is the long list again.
FIRST_MENU_MAX = 5
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHIPPED_CONTENT = Path(__file__).parent / "content"
#: The texts every line shares; a line's own texts.yml overrides them key by key.
COMMON_TEXTS = SHIPPED_CONTENT / "_common" / "texts.yml"
#: The line the single-line paths (the spine's REST path, a bare web chat, a Telegram bot without a
#: helpline) answer for when every shipped line runs and the settings name no default.
SHIPPED_DEFAULT_HELPLINE = "community-1620"

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
#: A helpline id: like an identifier, with "-" too ("community-1620"), as the profiles are named.
HELPLINE_ID_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
HelplineId = Annotated[str, Field(pattern=HELPLINE_ID_PATTERN)]


class Text(RootModel[dict[str, str]]):
    """One text in several languages: ``{uk: ..., en: ...}``."""

    @field_validator("root")
    @classmethod
    def _languages_and_text(cls, value: dict[str, str]) -> dict[str, str]:
        for lang, text in value.items():
            if lang not in SUPPORTED_LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use {', '.join(SUPPORTED_LANGUAGES)}")
            if not text.strip():
                raise ValueError(f"the {lang} text is empty")
        return value

    def get(self, lang: str, fallback: str) -> str:
        return self.root.get(lang) or self.root[fallback]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    number: str = Field(min_length=2, max_length=40)
    label: Text
    #: Not stated by the line's own sources: the helpline confirms it (``vikno helpline validate`` warns).
    confirm: bool = False


class Confirmation(_Strict):
    """A value the line's sources do not state, written from what such a line plausibly needs.

    ``at`` names it (``file:path``, e.g. ``helpline.yml:phones[0].label`` or ``topics.yml:legal``), so
    ``vikno helpline validate`` can point at the line and a stale marker is an error, not silence.
    """

    at: str = Field(min_length=1)
    why: str = Field(min_length=1)


class Team(_Strict):
    id: Identifier
    name: Text


class Interval(_Strict):
    start: time
    end: time


def _check_hours(spec: str) -> str:
    parse_hours(spec)
    return spec


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HoursSpec = Annotated[str, AfterValidator(_check_hours)]


#: Whom a report can be about (the first question of the report flow), as the figures count them.
REPORT_ABOUT = ("child", "elderly", "disability", "violence", "other")
#: How urgent the reporter says it is; "now" means immediate danger (emergency numbers at once, priority crisis).
REPORT_URGENCY = ("now", "soon", "can_wait")


class Place(_Strict):
    """One entry of the helpline's list of places (a district, a settlement, a community's part)."""

    id: Identifier
    name: Text
    #: A value nobody has confirmed yet (written from what such a line plausibly needs): the helpline checks it.
    confirm: bool = False


class ReportRoute(_Strict):
    """Which team gets a report: the first route whose conditions all match (a missing condition matches all)."""

    about: Literal["child", "elderly", "disability", "violence", "other"] | None = None
    place: Identifier | None = None
    team: Identifier
    confirm: bool = False


class ReportSettings(_Strict):
    """The anonymous report about someone in danger (flows/reports.py): places, priority and routing."""

    #: The queue priority of a report; a report of immediate danger ("now") is always a crisis.
    priority: Literal["urgent_report", "request", "routine"] = "urgent_report"
    places: list[Place] = Field(min_length=1)
    routes: list[ReportRoute] = []
    #: The team of a report no route matches (default: the helpline's default_team).
    team: Identifier | None = None
    #: Which topic starts the report flow (its answer is then not said: the flow's first question is).
    topic: Identifier = "report_person_in_need"


class Authority(_Strict):
    """A body an appeal can be sent to (an executive authority, a community, a company): flows/appeals.py."""

    id: Identifier
    name: Text
    #: A value nobody has confirmed yet (written from what such a line plausibly needs): the helpline checks it.
    confirm: bool = False


class AppealTopic(_Strict):
    """What an appeal is about, as the citizen chooses it, and the authority such appeals are sent to."""

    id: Identifier
    title: Text
    authority: Identifier
    confirm: bool = False


class AppealSettings(_Strict):
    """Citizens' appeals (flows/appeals.py): registered with a reference number, routed to an authority by
    topic, their status asked for with the number."""

    #: The help topic that starts the appeal form (its answer is then not said: the form's first question is).
    topic: Identifier = "appeal"
    #: The help topic ("status of my appeal") that asks for the number (None: only a typed number asks).
    status_topic: Identifier | None = "appeal_status"
    authorities: list[Authority] = Field(min_length=1)
    topics: list[AppealTopic] = Field(min_length=1)


class BrigadeDistrict(_Strict):
    """One district's mobile brigades: the team whose members are its brigades, and how many there are."""

    #: the same id as the district's place in ``reports.places`` (a report's place fills the dispatch form)
    id: Identifier
    name: Text
    team: Identifier
    brigades: int = Field(ge=1, le=1000)
    confirm: bool = False


class Choice(_Strict):
    """One entry of a short configured list (a kind of help, an outcome of a visit)."""

    id: Identifier
    name: Text
    confirm: bool = False
    #: An outcome of a visit: whether the person met the brigade. Only then are they thanked for meeting it
    #: ("visit_visited"); after "could not meet" or "declined" their phone says nothing.
    met: bool = True


class BrigadeSettings(_Strict):
    """Mobile brigades a conversation or a report can be dispatched to (handoff/dispatch.py).

    A line with this section gets the dispatch card in the console, each
    district's list of visits for its brigades' team, and the figures of
    visits and people helped by district and kind of help.
    """

    districts: list[BrigadeDistrict] = Field(min_length=1)
    #: kinds of help a brigade gives, as the region reports them (a visit may give several)
    help: list[Choice] = Field(min_length=1)
    #: how a visit ended (a short list; a free note goes with it)
    outcomes: list[Choice] = Field(min_length=1)


#: The optional short questions (flows/profile_questions.py), and the answers each offers, as the figures count them.
PROFILE_QUESTIONS: dict[str, tuple[str, ...]] = {"age_group": ("child", "adult"), "gender": ("female", "male", "other")}


class ProfileSettings(_Strict):
    """The optional short questions about the person writing (age group, gender): when, and which.

    ``never`` (the default) asks nothing. ``end`` asks when the person is
    done: they say thanks or goodbye, or answer the survey after a chat with
    a specialist. ``start`` asks right after the greeting of someone who has
    not yet said what they need, and, for someone who opened with their
    question, at the end instead. Either way the question is skippable,
    asked once per conversation at most, never while queued or with a
    specialist, and never once a crisis (or a possible one) was seen.
    """

    ask: Literal["never", "start", "end"] = "never"
    #: In the order they are asked; an answer leads to the next, a skip ends them all.
    questions: list[Literal["age_group", "gender"]] = Field(default=["age_group", "gender"], min_length=1)

    @field_validator("questions")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a question is listed twice")
        return value


class TopicGroup(_Strict):
    """One heading the line reports its topics under (an article's "education, legal, psychological...")."""

    id: Identifier
    name: Text
    topics: list[Identifier] = Field(min_length=1)


class FiguresSettings(_Strict):
    """How the line's figures count: the headings of its own reports, each a list of topics."""

    #: In the order the line reports them; a topic under no heading is counted under its own title.
    topic_groups: list[TopicGroup] = []


class HelplineSettings(_Strict):
    id: HelplineId
    #: Ids this line had before (stored conversations, events and reports carry them): ``vikno serve`` and
    #: ``vikno store migrate`` move the stored records to ``id``, so a renamed line keeps its history.
    former_ids: list[HelplineId] = []
    name: Text
    languages: list[str] = Field(min_length=1)
    default_language: str
    timezone: str
    hours: dict[Weekday, HoursSpec]
    hours_text: Text
    holidays: list[date] = []
    phones: list[Contact] = []
    emergency: list[Contact] = Field(min_length=1)
    teams: list[Team] = Field(min_length=1)
    default_team: Identifier
    #: Minutes a person may leave the "are you safe right now?" question unanswered before it becomes a crisis.
    safety_check_minutes: int = Field(default=5, ge=1, le=60)
    #: The few most asked topics the greeting offers (with "other topics" and "talk to a person"): 16 buttons
    #: at once are a long scroll on a phone before a frightened person has said anything (issue 24). Empty:
    #: the greeting offers every topic, as before.
    first_menu: list[Identifier] = Field(default=[], max_length=FIRST_MENU_MAX)
    #: How a specialist's own messages are labelled for the person (issue 24): ``role`` ("Specialist", the
    #: same for everyone) or ``name`` (the display name an administrator gave, handoff/names.py; never a
    #: login; an operator without one is still the role). ``role`` is the safe default: some helplines keep
    #: their workers' names from callers. The line when a specialist joins names them either way, as before.
    specialist_label: Literal["name", "role"] = "role"
    #: The anonymous report form (none: the report topic only answers with its text, as before).
    reports: ReportSettings | None = None
    #: Citizens' appeals with a reference number, routed to authorities (none: the appeal topics only answer).
    appeals: AppealSettings | None = None
    #: Mobile brigades a conversation or report can be dispatched to (none: no dispatch in the console).
    brigades: BrigadeSettings | None = None
    #: The optional age-group and gender questions (none: never asked).
    profile_questions: ProfileSettings = ProfileSettings()
    #: The headings the line's own reports count its topics under (the figures page counts them so too).
    figures: FiguresSettings = FiguresSettings()
    #: Values the helpline must confirm, other than those marked ``confirm: true`` where they stand.
    confirm: list[Confirmation] = []

    @field_validator("first_menu")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a topic is listed twice")
        return value

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        for lang in value:
            if lang not in SUPPORTED_LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use {', '.join(SUPPORTED_LANGUAGES)}")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use a name like Europe/Kyiv or Asia/Baku") from exc
        return value


def parse_hours(spec: str) -> list[Interval]:
    """``"08:00-17:00"``, ``"08:00-12:00, 13:00-17:00"``, ``"24h"`` or ``"closed"``."""
    spec = spec.strip().lower()
    if spec == "closed":
        return []
    if spec == "24h":
        return [Interval(start=time(0, 0), end=time(23, 59, 59, 999999))]
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", part)
        if not m:
            raise ValueError(f"cannot read hours {part.strip()!r}; write 08:00-17:00, 24h or closed")
        h1, m1, h2, m2 = map(int, m.groups())
        if h2 == 24 and m2 == 0:
            h2, m2 = 23, 59
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError as exc:
            raise ValueError(f"impossible time in {part.strip()!r}") from exc
        if end <= start:
            raise ValueError(f"{part.strip()!r} ends before it starts")
        out.append(Interval(start=start, end=end))
    return out


#: Every text the engine says, with the placeholders it fills in.
TEXT_PLACEHOLDERS: dict[str, set[str]] = {
    "greeting": {"helpline"},
    "menu_prompt": set(),
    "choose_language": set(),
    "language_set": set(),
    "after_answer": set(),
    "see_also": set(),
    "not_understood": set(),
    "clarify": set(),
    "offer_person": set(),
    "handoff_queued": {"position", "wait"},
    "handoff_nobody_online": {"position", "emergency"},
    "handoff_out_of_hours": {"hours", "emergency"},
    "handoff_already_waiting": {"position", "wait"},
    "waiting_ack": {"position"},
    "waiting_cancelled": set(),
    "waiting_kept": {"emergency"},
    "crisis": {"emergency"},
    "crisis_nobody_online": {"emergency"},
    "crisis_call_now": {"emergency"},
    "crisis_with_operator": {"emergency"},
    "safety_question": {"emergency"},
    "safety_question_nobody_online": {"emergency"},
    "safety_safe": {"emergency"},
    "safety_safe_nobody_online": {"emergency"},
    "button_safety_danger": set(),
    "button_safety_safe": set(),
    "wait_about": {"minutes"},
    "wait_over_hour": set(),
    "wait_unknown": set(),
    "wait_longer": set(),
    "wait_nobody_online": set(),
    "queue_moved": {"position", "wait"},
    "queue_next": {"wait"},
    "hours": {"hours", "phones"},
    "thanks_reply": set(),
    "goodbye_reply": set(),
    "unsupported_kind": set(),
    "operator_joined": {"operator"},
    "operator_joined_unnamed": set(),
    "conversation_closed": set(),
    "blocked_notice": {"emergency"},
    "survey_question": set(),
    "survey_thanks": set(),
    "button_survey_yes": set(),
    "button_survey_no": set(),
    "button_menu": set(),
    "button_person": set(),
    "button_language": set(),
    "button_cancel_waiting": set(),
    "button_hours": set(),
}

#: Texts a helpline may leave out (folders written before them keep loading); what happens without one:
OPTIONAL_TEXT_PLACEHOLDERS: dict[str, set[str]] = {
    # needed once helpline.yml has a first_menu (checked there): the button to every topic
    "button_more_topics": set(),
    # Telegram and Viber: before an operator's words, so the person knows a human writes (none: no label)
    "operator_label": set(),
    # Telegram and Viber: before a line about the chat itself (a specialist joined, left...; none: no mark)
    "system_line_mark": set(),
    # told when an operator passes the chat to another team or colleague (none: nothing is said)
    "operator_transferred": set(),
    # told when an operator's chat goes back to the queue (they went offline or did not answer; none: nothing)
    "operator_left": set(),
    # Telegram and Viber: before the words of an operator shown by name (specialist_label: name; none: the role)
    "operator_label_named": {"operator"},
    **{
        key: set()
        for key in (
            "report_ask_about",
            "report_ask_place",
            "report_ask_place_other",
            "report_ask_what",
            "report_ask_urgency",
            "report_ask_contact",
            "report_ask_phone",
            "report_bad_phone",
            "report_cancelled",
            "report_not_finished",
            "report_expired",
            "report_phone_again",
            "report_ask_code",
            "report_code_unknown",
            "report_add_prompt",
            "report_added",
            "report_nothing_added",
        )
    },
    "report_urgent_now": {"emergency"},
    "report_made": {"code"},
    "report_shortened": set(),
    "text_shortened": {"limit"},
    "report_code_limited": {"phones"},
    "report_status": {"status"},
    **{f"report_about_{a}": set() for a in REPORT_ABOUT},
    **{f"report_urgency_{u}": set() for u in REPORT_URGENCY},
    **{f"report_status_{s}": set() for s in ("received", "in_progress", "referred", "closed")},
    **{
        key: set()
        for key in (
            "button_report_other_place",
            "button_report_contact_no",
            "button_report_contact_yes",
            "button_back",
            "button_cancel",
            "button_have_code",
            "button_report_add",
            "button_report_new",
        )
    },
}
#: Texts a helpline with appeals (``appeals:`` in helpline.yml) must have, and the placeholders each may use.
APPEAL_TEXTS: dict[str, set[str]] = {
    "appeal_ask_topic": set(),
    "appeal_ask_text": set(),
    "appeal_too_short": set(),
    "appeal_cancelled": set(),
    "appeal_not_finished": set(),
    "appeal_shortened": set(),
    "appeal_topic_changed": {"name"},
    "appeal_words_kept": set(),
    "text_shortened": {"limit"},
    "appeal_registered": {"number", "authority"},
    "appeal_ask_number": set(),
    "appeal_number_mistyped": set(),
    "appeal_number_unknown": set(),
    "appeal_number_limited": {"phones"},
    "appeal_status": {"number", "status"},
    "appeal_status_registered": {"authority"},
    "appeal_status_sent": {"authority"},
    "appeal_status_answered": {"authority"},
    "appeal_status_closed": {"authority"},
    "button_appeal_status": set(),
    "button_appeal_new": set(),
}
OPTIONAL_TEXT_PLACEHOLDERS.update(APPEAL_TEXTS)
#: Texts a helpline with mobile brigades (``brigades:`` in helpline.yml) must have: what the person is told.
BRIGADE_TEXTS = ("visit_dispatched", "visit_visited")
OPTIONAL_TEXT_PLACEHOLDERS.update({"visit_dispatched": {"emergency"}, "visit_visited": {"phones"}})
#: Texts a helpline that asks the optional short questions needs: the first asked is led by the intro.
PROFILE_TEXTS = ("profile_intro", "profile_thanks", "button_skip")
OPTIONAL_TEXT_PLACEHOLDERS.update({key: set() for key in PROFILE_TEXTS})
OPTIONAL_TEXT_PLACEHOLDERS.update({f"profile_ask_{q}": set() for q in PROFILE_QUESTIONS})
OPTIONAL_TEXT_PLACEHOLDERS.update(
    {f"profile_{q}_{a}": set() for q, answers in PROFILE_QUESTIONS.items() for a in answers}
)
#: Texts a helpline with a report form (``reports:`` in helpline.yml) must have.
REPORT_TEXTS = tuple(k for k in OPTIONAL_TEXT_PLACEHOLDERS if k.startswith(("report_", "button_report_"))) + (
    "text_shortened",
    "button_back",
    "button_cancel",
    "button_have_code",
    "button_report_add",
)


class Texts(RootModel[dict[str, Text]]):
    pass


def phrase_words(text: str | None) -> tuple[str, ...]:
    """The words of a message or a phrase as topics' ``phrases`` are matched (flows/words.py)."""
    return tuple(words(text))


def _holds(said: tuple[str, ...], phrase: tuple[str, ...], gap: int = 2) -> bool:
    """Whether the words of ``phrase`` come in ``said`` in order, at most ``gap`` other words between two."""
    for start in (i for i, w in enumerate(said) if w == phrase[0]):
        at, ok = start, True
        for word in phrase[1:]:
            ahead = said[at + 1 : at + 2 + gap]
            if word not in ahead:
                ok = False
                break
            at = at + 1 + ahead.index(word)
        if ok:
            return True
    return False


_AGE = re.compile(
    r"\b(?:мені|мне|i\s*(?:'m|am)|я)\s+(\d{2,3})\b(?!\s*(?:хв|мин|min|%|грн|раз|рок[иі]в?\s+тому|лет\s+назад))",
    re.IGNORECASE,
)


def adult_age(text: str | None) -> bool:
    """Whether a message states the writer's age as 18 or more ("мені 45", "мне 30 лет", "I'm 40")."""
    return any(18 <= int(m.group(1)) <= 120 for m in _AGE.finditer(text or ""))


#: Where a topic's hand-over to a person stands in the queue (storage/models.py ``Priority``, most urgent first).
HANDOFF_PRIORITIES = ("crisis", "urgent", "urgent_report", "request", "routine")
#: Texts a topic may say in its own words while it is the conversation's topic (``texts:`` in topics.yml): the
#: way into the queue, the waiting in it and what the person is told of the specialist. A line speaking to
#: adults ("Ви") can then speak to a child ("ти") on the child's path without a second line; the crisis and
#: safety wording stays the shared, reviewed one.
TOPIC_TEXTS = (
    "after_answer",
    "see_also",
    "handoff_queued",
    "handoff_nobody_online",
    "handoff_out_of_hours",
    "handoff_already_waiting",
    "waiting_ack",
    "waiting_kept",
    "queue_moved",
    "queue_next",
    "operator_left",
    "operator_transferred",
    "conversation_closed",
    "survey_question",
)


class TopicHandoff(_Strict):
    """How a topic's hand-over to a person goes: its place in the queue, its team, and whether at once.

    ``handoff: true`` is ``{priority: request}``: a person is offered first.
    A ``crisis`` or ``urgent`` hand-over reaches every operator of the line
    whatever its team (a child's report must not wait for one team's
    operators at night); the team then only says whose work it usually is.
    """

    priority: Literal["crisis", "urgent", "urgent_report", "request", "routine"] = "request"
    team: Identifier | None = None
    #: Into the queue with the answer, with no "talk to a person" to find first (a child reporting a crisis).
    at_once: bool = False


def _handoff_of(value: object) -> object:
    """``true``/``false`` as the folders before ``handoff: {priority: ...}`` wrote it."""
    if value is True:
        return {}
    if value is False:
        return None
    return value


class Topic(_Strict):
    id: Identifier
    title: Text
    answer: Text
    team: Identifier | None = None
    #: Offer a person right away (complex cases): ``true``, or ``{priority, team, at_once}`` (TopicHandoff).
    handoff: Annotated[TopicHandoff | None, BeforeValidator(_handoff_of)] = None
    #: Numbers of helpline.yml (phones or emergency) said under the answer, label and all: the numbers stay
    #: written once, with their ``confirm:`` marks, and the answer cannot drift from them.
    contacts: list[str] = []
    #: Words that open this topic whatever the NLU makes of them, per language, matched as whole words in the
    #: message (a child's "мене ображають" is no "domestic violence" question to the classifier).
    phrases: dict[str, list[str]] = {}
    #: Words that, said in the same message, mean the phrases are not this topic's (an adult on a child's
    #: path: "я дорослий"); per language, matched like ``phrases``.
    unless: dict[str, list[str]] = {}
    #: A topic for children: a message that states an age of 18 or more ("мені 45") is not opened by its phrases.
    for_children: bool = False
    #: The word a link opens the conversation on this topic with (web chat ``?start=``, a Telegram deep link).
    start: Identifier | None = None
    #: Shared texts said in this topic's own words while it is the conversation's topic (TOPIC_TEXTS).
    texts: dict[str, Text] = {}
    #: The answer states something (a number, a service) the line's sources do not: the helpline confirms it.
    confirm: bool = False

    @field_validator("phrases", "unless")
    @classmethod
    def _phrases(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, said in value.items():
            if lang not in SUPPORTED_LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use {', '.join(SUPPORTED_LANGUAGES)}")
            if any(not phrase_words(p) for p in said):
                raise ValueError(f"an empty {lang} phrase; write the words a person types")
        return value


class TopicsFile(_Strict):
    topics: list[Topic] = Field(min_length=1)


#: Placeholders an operator's canned reply may use.
CANNED_PLACEHOLDERS = {"operator", "helpline"}


class CannedReply(_Strict):
    id: Identifier
    title: Text
    text: Text


class CannedFile(_Strict):
    canned: list[CannedReply] = []


class Helpline:
    """A loaded, validated helpline: settings, texts and topics."""

    def __init__(
        self,
        settings: HelplineSettings,
        texts: dict[str, Text],
        topics: list[Topic],
        folder: Path,
        canned: list[CannedReply] | None = None,
    ) -> None:
        self.settings = settings
        self.canned = canned or []
        self.texts = texts
        self.topics = {t.id: t for t in topics}
        self.topic_order = [t.id for t in topics]
        self.folder = folder
        self.zone = ZoneInfo(settings.timezone)
        self.hours = {day: parse_hours(spec) for day, spec in settings.hours.items()}
        #: (topic id, a phrase's words), the longest phrases first: what ``topic_said`` looks for
        self._phrases = sorted(
            ((t.id, phrase_words(p)) for t in topics for said in t.phrases.values() for p in said),
            key=lambda found: -len(found[1]),
        )
        self._starts = {t.start: t.id for t in topics if t.start}
        numbers = [*settings.phones, *settings.emergency]
        self._contacts = {c.number: c for c in reversed(numbers)}

    @property
    def id(self) -> str:
        return self.settings.id

    @property
    def languages(self) -> list[str]:
        return self.settings.languages

    def language_or_default(self, lang: str | None) -> str:
        return lang if lang in self.settings.languages else self.settings.default_language

    def say(self, key: str, lang: str, **values: Any) -> str:
        return self.say_on_topic(None, key, lang, **values)

    def say_on_topic(self, topic: str | None, key: str, lang: str, **values: Any) -> str:
        """The text ``key``; in ``topic``'s own words when that topic has them (its ``texts:``)."""
        own = self.topics[topic].texts.get(key) if topic in self.topics else None
        template = (own or self.texts[key]).get(lang, self.settings.default_language)
        return template.format(**values) if values else template

    def topic_said(self, text: str | None) -> str | None:
        """The topic one of whose ``phrases`` the message holds, in any of the line's languages.

        A phrase's words must come in its order, with at most two other words between two of them ("мені
        дуже погано вдома" holds "мені погано вдома"); a topic's ``unless`` words, or an adult age for a
        topic ``for_children``, cancel it.
        """
        said = phrase_words(text)
        if not said or not self._phrases:
            return None
        for topic_id, phrase in self._phrases:
            if not _holds(said, phrase):
                continue
            topic = self.topics[topic_id]
            if any(_holds(said, phrase_words(p)) for words in topic.unless.values() for p in words):
                continue
            if topic.for_children and adult_age(text):
                continue
            return topic_id
        return None

    def topic_started(self, word: str | None) -> str | None:
        """The topic a link's start word opens (``start:`` in topics.yml), or None."""
        return self._starts.get((word or "").lower())

    def handoff_priority(self, topic_id: str | None, default: str = "request") -> str:
        """The queue priority a hand-over from this topic gets (``handoff: {priority}``), else ``default``."""
        topic = self.topics.get(topic_id or "")
        return topic.handoff.priority if topic is not None and topic.handoff is not None else default

    def topic_contacts(self, topic_id: str, lang: str) -> str:
        """The lines of the numbers a topic says under its answer (``contacts:``), as every list shows them."""
        return self.contact_lines([self._contacts[n] for n in self.topics[topic_id].contacts], lang)

    def local(self, text: Text, lang: str) -> str:
        return text.get(lang, self.settings.default_language)

    def contact_lines(self, contacts: list[Contact], lang: str) -> str:
        """One "☎ number — label" line per contact, as every emergency and phones text shows them."""
        return "\n".join(f"☎ {c.number} — {self.local(c.label, lang)}" for c in contacts)

    def place_name(self, place_id: str, lang: str) -> str | None:
        reports = self.settings.reports
        for place in reports.places if reports else []:
            if place.id == place_id:
                return self.local(place.name, lang)
        return None

    def report_team(self, about: str, place: str) -> str:
        """The team a report goes to: the first matching route, else the report team, else the default team."""
        reports = self.settings.reports
        if reports is None:
            return self.settings.default_team
        for route in reports.routes:
            if (route.about is None or route.about == about) and (route.place is None or route.place == place):
                return route.team
        return reports.team or self.settings.default_team

    def appeal_topic(self, topic_id: str) -> AppealTopic | None:
        appeals = self.settings.appeals
        return next((t for t in appeals.topics if t.id == topic_id), None) if appeals else None

    def authority_name(self, authority_id: str, lang: str) -> str:
        """The authority's name in ``lang`` (its id when the content no longer has it)."""
        appeals = self.settings.appeals
        found = next((a for a in appeals.authorities if a.id == authority_id), None) if appeals else None
        return self.local(found.name, lang) if found else authority_id

    def district(self, district_id: str) -> BrigadeDistrict | None:
        """A district of the line's mobile brigades (None: no such district, or no brigades)."""
        brigades = self.settings.brigades
        return next((d for d in brigades.districts if d.id == district_id), None) if brigades else None

    def brigade_teams(self) -> list[str]:
        """The teams whose members are mobile brigades (the dispatch's list of visits is theirs)."""
        brigades = self.settings.brigades
        return [d.team for d in brigades.districts] if brigades else []

    def team_for(self, topic_id: str | None) -> str:
        topic = self.topics.get(topic_id or "")
        if topic is None:
            return self.settings.default_team
        return (topic.handoff.team if topic.handoff else None) or topic.team or self.settings.default_team


FILES = ("helpline.yml", "texts.yml", "topics.yml")


def load_helpline(folder: Path, common: Path | None = COMMON_TEXTS) -> Helpline:
    """Load and validate one helpline folder (its texts over the common ones), or raise ContentError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError([f"{folder}: no such content folder"])
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise ContentError([f"{folder}: missing {', '.join(missing)} (a helpline needs {', '.join(FILES)})"])
    located = {name: load_located(folder / name) for name in FILES}
    problems: list[str] = [p for located_file in located.values() for p in located_file.problems]
    settings = _validate(HelplineSettings, located["helpline.yml"], problems)
    own = _validate(Texts, located["texts.yml"], problems, empty_ok=True)
    topics = _validate(TopicsFile, located["topics.yml"], problems)
    shared: Texts | None = Texts({})
    common_located = None
    if common is not None:
        common_located = load_located(common)
        problems.extend(common_located.problems)
        shared = _validate(Texts, common_located, problems)
    if problems:
        raise ContentError(problems)
    assert settings is not None and own is not None and topics is not None and shared is not None
    texts = {**shared.root, **own.root}
    # where each text was written, so an error names the file to edit
    origin = {
        key: located["texts.yml"] if key in own.root or common_located is None else common_located for key in texts
    }
    _check_cross_references(settings, texts, topics.topics, located, problems, origin)
    canned = _load_canned(folder / CANNED_FILE, settings.languages, problems)
    if problems:
        raise ContentError(problems)
    return Helpline(settings, texts, topics.topics, folder, canned)


CANNED_FILE = "canned.yml"  # optional: operators' canned replies


def _load_canned(path: Path, langs: list[str], problems: list[str]) -> list[CannedReply]:
    if not path.is_file():
        return []
    located = load_located(path)
    problems.extend(located.problems)
    parsed = _validate(CannedFile, located, problems)
    if parsed is None:
        return []
    seen: set[str] = set()
    for i, reply in enumerate(parsed.canned):
        if reply.id in seen:
            problems.append(f"{located.where(('canned', i, 'id'))}: canned reply id {reply.id!r} is used twice")
        seen.add(reply.id)
        _need_languages(reply.title, langs, located, ("canned", i, "title"), problems)
        _need_languages(reply.text, langs, located, ("canned", i, "text"), problems)
        for lang, value in reply.text.root.items():
            problem = _placeholder_problem(
                value,
                CANNED_PLACEHOLDERS,
                located.where(("canned", i, "text", lang)),
                allowed_said="allowed: {operator}, {helpline}",
            )
            if problem:
                problems.append(problem)
    return parsed.canned


def confirmation_target(at: str, located: Mapping[str, Located]) -> str | None:
    """``file, line N (path)`` of a ``confirm:`` note's ``at`` (``file:path``), or None when it names nothing."""
    name, sep, path = at.partition(":")
    target = located.get(name.strip())
    if not sep or target is None:
        return None
    keys = _parse_path(path.strip())
    if name.strip() == "topics.yml" and len(keys) == 1 and isinstance(target.data, dict):
        # a topic id stands for the topic
        for i, topic in enumerate(target.data.get("topics") or []):
            if isinstance(topic, dict) and topic.get("id") == keys[0]:
                keys = ("topics", i)
    return target.where(keys) if keys and keys in target.lines else None


def _parse_path(path: str) -> tuple[str | int, ...]:
    keys: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        keys.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(keys)


def default_helpline_id(helplines: Mapping[str, Any]) -> str:
    """The line of the single-line paths when the settings name none: 1620 when it runs, else the first."""
    return SHIPPED_DEFAULT_HELPLINE if SHIPPED_DEFAULT_HELPLINE in helplines else next(iter(helplines))


def load_helplines(folders: list[Path]) -> dict[str, Helpline]:
    helplines: dict[str, Helpline] = {}
    problems: list[str] = []
    for folder in folders:
        try:
            line = load_helpline(folder)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if line.id in helplines:
            problems.append(f"{folder}: helpline id {line.id!r} is already used by {helplines[line.id].folder}")
        helplines[line.id] = line
    if problems:
        raise ContentError(problems)
    return helplines


def shipped_helpline_folders() -> list[Path]:
    """Every shipped line's folder, the default line (community-1620) first, then by name."""
    folders = [p for p in SHIPPED_CONTENT.iterdir() if (p / "helpline.yml").is_file()]
    return sorted(folders, key=lambda p: (p.name != SHIPPED_DEFAULT_HELPLINE, p.name))


def _validate[M: BaseModel](
    model: type[M], located: Located, problems: list[str], *, empty_ok: bool = False
) -> M | None:
    if located.data is None:
        if empty_ok:  # a line's texts.yml with nothing of its own: every text is the common one
            return model.model_validate({})
        problems.append(f"{located.file}: the file is empty")
        return None
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p != "root")
            problems.append(f"{located.where(loc)}: {_say(err)}")
        return None


def _say(err: Mapping[str, Any]) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "literal_error" and "'mon'" in msg:
        return "unknown weekday; use mon, tue, wed, thu, fri, sat, sun"
    if kind.startswith("date_"):  # holidays: pydantic says only "invalid character in year"
        return "cannot read this date; write it as YYYY-MM-DD, e.g. 2026-08-24"
    if kind == "string_pattern_mismatch":
        return "use lower-case latin letters, digits and _ (starting with a letter)"
    return msg.removeprefix("Value error, ")


def _check_cross_references(
    settings: HelplineSettings,
    texts: dict[str, Text],
    topics: list[Topic],
    located: dict[str, Located],
    problems: list[str],
    origin: dict[str, Located] | None = None,
) -> None:
    langs = settings.languages
    hl, tx, tp = located["helpline.yml"], located["texts.yml"], located["topics.yml"]
    origin = origin or {key: tx for key in texts}
    if settings.default_language not in langs:
        problems.append(
            f"{hl.where(('default_language',))}: {settings.default_language!r} is not one of "
            f"the helpline's languages {langs}"
        )
    team_ids = {t.id for t in settings.teams}
    if settings.default_team not in team_ids:
        problems.append(f"{hl.where(('default_team',))}: no team {settings.default_team!r} in teams")
    # every text in every language
    for path, text in _texts_in(settings, ()):
        _need_languages(text, langs, hl, path, problems)
    for key, text in texts.items():
        _need_languages(
            text,
            langs,
            origin[key],
            (key,),
            problems,
            hint="" if origin[key] is tx else f"; or write the whole text {key!r} in {tx.file}",
        )
    for i, topic in enumerate(topics):
        _need_languages(topic.title, langs, tp, ("topics", i, "title"), problems)
        _need_languages(topic.answer, langs, tp, ("topics", i, "answer"), problems)
        if topic.team is not None and topic.team not in team_ids:
            problems.append(f"{tp.where(('topics', i, 'team'))}: no team {topic.team!r} in helpline.yml teams")
        _check_topic(settings, topic, i, team_ids, tp, problems)
    topic_ids = {t.id for t in topics}
    for i, name in enumerate(settings.first_menu):
        if name not in topic_ids:
            problems.append(
                f"{hl.where(('first_menu', i))}: no topic {name!r} in topics.yml "
                f"(topics: {', '.join(t.id for t in topics)})"
            )
    if settings.reports is not None:
        _check_reports(settings, settings.reports, team_ids, {t.id for t in topics}, texts, hl, tx, problems)
    if settings.appeals is not None:
        _check_appeals(settings.appeals, {t.id for t in topics}, texts, hl, tx, problems)
    if settings.brigades is not None:
        _check_brigades(settings.brigades, team_ids, texts, hl, tx, problems)
    _check_profile_questions(settings.profile_questions, texts, tx, problems)
    _check_topic_groups(settings.figures, topic_ids, hl, problems)
    if settings.first_menu and "button_more_topics" not in texts:
        problems.append(
            f"{tx.file}: missing text 'button_more_topics' (the button to every topic, "
            "needed by first_menu in helpline.yml)"
        )
    for i, note in enumerate(settings.confirm):
        if confirmation_target(note.at, located) is None:
            problems.append(
                f"{hl.where(('confirm', i, 'at'))}: {note.at!r} names nothing; write file:path, "
                "e.g. helpline.yml:phones[0].label or topics.yml:legal (a topic id)"
            )
    starts: dict[str, str] = {}
    for i, topic in enumerate(topics):
        if topic.start is not None and topic.start in starts:
            problems.append(
                f"{tp.where(('topics', i, 'start'))}: start word {topic.start!r} already opens topic "
                f"{starts[topic.start]!r}; a link must open one topic"
            )
        elif topic.start is not None:
            starts[topic.start] = topic.id
    seen: set[str] = set()
    for i, topic in enumerate(topics):
        if topic.id in seen:
            problems.append(f"{tp.where(('topics', i, 'id'))}: topic id {topic.id!r} is used twice")
        seen.add(topic.id)
    # texts: all present, no unknown ones, placeholders known
    for key in TEXT_PLACEHOLDERS:
        if key not in texts:
            problems.append(f"{tx.file}: missing text {key!r}")
    known = TEXT_PLACEHOLDERS | OPTIONAL_TEXT_PLACEHOLDERS
    for key, text in texts.items():
        at = origin[key]
        if key not in known:
            problems.append(f"{at.where((key,))}: unknown text {key!r} (known: {', '.join(known)})")
            continue
        for lang, value in text.root.items():
            problem = _placeholder_problem(
                value, known[key], at.where((key, lang)), broken_hint="; write {name}, and {{ }} for literal braces"
            )
            if problem:
                problems.append(problem)


def _placeholder_problem(
    value: str, allowed: Collection[str], where: str, *, broken_hint: str = "", allowed_said: str | None = None
) -> str | None:
    """What is wrong with a text's ``{placeholders}``: one broken, or one not ``allowed``; None if nothing.

    The shared texts, a topic's own texts and the canned replies are checked alike (three copies once).
    """
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        return f"{where}: broken placeholder ({exc}){broken_hint}"
    unknown = used - set(allowed)
    if not unknown:
        return None
    said = allowed_said or "allowed here: " + (", ".join("{" + p + "}" for p in sorted(allowed)) or "none")
    return f"{where}: unknown placeholder {', '.join('{' + u + '}' for u in sorted(unknown))} ({said})"


def _check_topic(
    settings: HelplineSettings, topic: Topic, i: int, team_ids: set[str], tp: Located, problems: list[str]
) -> None:
    """A topic's hand-over, numbers, phrases and own texts: each names what exists, in every language."""
    langs = settings.languages
    handoff = topic.handoff
    if handoff is not None and handoff.team is not None:
        if handoff.team not in team_ids:
            problems.append(
                f"{tp.where(('topics', i, 'handoff', 'team'))}: no team {handoff.team!r} in helpline.yml teams"
            )
        elif topic.team is not None and topic.team != handoff.team:
            problems.append(
                f"{tp.where(('topics', i, 'handoff', 'team'))}: the topic's team is {topic.team!r} and its "
                f"hand-over's {handoff.team!r}; say the team once (handoff.team)"
            )
    numbers = {c.number for c in [*settings.phones, *settings.emergency]}
    for j, number in enumerate(topic.contacts):
        if number not in numbers:
            problems.append(
                f"{tp.where(('topics', i, 'contacts', j))}: no number {number!r} in helpline.yml phones or "
                f"emergency (numbers: {', '.join(sorted(numbers))}); write it there, with its label, first"
            )
    for lang in topic.phrases:
        if lang not in langs:
            problems.append(
                f"{tp.where(('topics', i, 'phrases', lang))}: the helpline does not speak {lang!r} "
                f"(it speaks {', '.join(langs)})"
            )
    for key, text in topic.texts.items():
        where = ("topics", i, "texts", key)
        if key not in TOPIC_TEXTS:
            problems.append(
                f"{tp.where(where)}: a topic cannot say {key!r} in its own words (it can: {', '.join(TOPIC_TEXTS)})"
            )
            continue
        _need_languages(text, langs, tp, where, problems)
        allowed = (TEXT_PLACEHOLDERS | OPTIONAL_TEXT_PLACEHOLDERS)[key]
        for lang, value in text.root.items():
            problem = _placeholder_problem(value, allowed, tp.where((*where, lang)), broken_hint="; write {name}")
            if problem:
                problems.append(problem)


def _check_topic_groups(figures: FiguresSettings, topic_ids: set[str], hl: Located, problems: list[str]) -> None:
    """Each heading names topics that exist, and a topic is counted under one heading at most."""
    groups: set[str] = set()
    counted: dict[str, str] = {}
    for i, group in enumerate(figures.topic_groups):
        if group.id in groups:
            problems.append(f"{hl.where(('figures', 'topic_groups', i, 'id'))}: heading {group.id!r} is used twice")
        groups.add(group.id)
        for j, topic in enumerate(group.topics):
            where = hl.where(("figures", "topic_groups", i, "topics", j))
            if topic not in topic_ids:
                problems.append(f"{where}: no topic {topic!r} in topics.yml (topics: {', '.join(sorted(topic_ids))})")
            elif topic in counted:
                problems.append(
                    f"{where}: topic {topic!r} is counted under {counted[topic]!r} already; a topic counts once"
                )
            else:
                counted[topic] = group.id


def _check_reports(
    settings: HelplineSettings,
    reports: ReportSettings,
    team_ids: set[str],
    topic_ids: set[str],
    texts: dict[str, Text],
    hl: Located,
    tx: Located,
    problems: list[str],
) -> None:
    """The report form's places, routes and texts: every team and place it names exists."""
    place_ids: set[str] = set()
    for i, place in enumerate(reports.places):
        if place.id in place_ids or place.id == "other":
            problems.append(
                f"{hl.where(('reports', 'places', i, 'id'))}: place id {place.id!r} is used twice "
                '("other" is the free-text place every list has)'
            )
        place_ids.add(place.id)
    for i, route in enumerate(reports.routes):
        if route.team not in team_ids:
            problems.append(f"{hl.where(('reports', 'routes', i, 'team'))}: no team {route.team!r} in teams")
        if route.place is not None and route.place not in place_ids | {"other"}:
            problems.append(
                f"{hl.where(('reports', 'routes', i, 'place'))}: no place {route.place!r} in reports.places"
            )
    if reports.team is not None and reports.team not in team_ids:
        problems.append(f"{hl.where(('reports', 'team'))}: no team {reports.team!r} in teams")
    if reports.topic not in topic_ids:
        problems.append(f"{hl.where(('reports', 'topic'))}: no topic {reports.topic!r} in topics.yml")
    for key in REPORT_TEXTS:
        if key not in texts:
            problems.append(f"{tx.file}: missing text {key!r} (needed by reports in helpline.yml)")


def _check_appeals(
    appeals: AppealSettings, topic_ids: set[str], texts: dict[str, Text], hl: Located, tx: Located, problems: list[str]
) -> None:
    """Every authority an appeal topic names exists, ids are used once, the topics and texts are there."""
    authority_ids: set[str] = set()
    for i, authority in enumerate(appeals.authorities):
        if authority.id in authority_ids:
            problems.append(
                f"{hl.where(('appeals', 'authorities', i, 'id'))}: authority id {authority.id!r} is used twice"
            )
        authority_ids.add(authority.id)
    seen: set[str] = set()
    for i, topic in enumerate(appeals.topics):
        if topic.id in seen:
            problems.append(f"{hl.where(('appeals', 'topics', i, 'id'))}: appeal topic id {topic.id!r} is used twice")
        seen.add(topic.id)
        if topic.authority not in authority_ids:
            problems.append(
                f"{hl.where(('appeals', 'topics', i, 'authority'))}: no authority {topic.authority!r} in "
                f"appeals.authorities ({', '.join(sorted(authority_ids))})"
            )
    for key, name in (("topic", appeals.topic), ("status_topic", appeals.status_topic)):
        if name is not None and name not in topic_ids:
            problems.append(f"{hl.where(('appeals', key))}: no topic {name!r} in topics.yml")
    for key in APPEAL_TEXTS:
        if key not in texts:
            problems.append(f"{tx.file}: missing text {key!r} (needed by appeals in helpline.yml)")


def _check_brigades(
    brigades: BrigadeSettings, team_ids: set[str], texts: dict[str, Text], hl: Located, tx: Located, problems: list[str]
) -> None:
    """Every district's team exists, no id is used twice, and the person's texts are there."""
    seen: set[str] = set()
    for i, district in enumerate(brigades.districts):
        if district.id in seen:
            problems.append(f"{hl.where(('brigades', 'districts', i, 'id'))}: district {district.id!r} is listed twice")
        seen.add(district.id)
        if district.team not in team_ids:
            problems.append(f"{hl.where(('brigades', 'districts', i, 'team'))}: no team {district.team!r} in teams")
    for name in ("help", "outcomes"):
        ids: set[str] = set()
        for i, choice in enumerate(getattr(brigades, name)):
            if choice.id in ids:
                problems.append(f"{hl.where(('brigades', name, i, 'id'))}: {choice.id!r} is listed twice")
            ids.add(choice.id)
    for key in BRIGADE_TEXTS:
        if key not in texts:
            problems.append(f"{tx.file}: missing text {key!r} (needed by brigades in helpline.yml)")


def _check_profile_questions(
    profile: ProfileSettings, texts: dict[str, Text], tx: Located, problems: list[str]
) -> None:
    """A helpline that asks has every text of the questions it asks (one that never asks needs none)."""
    if profile.ask == "never":
        return
    needed = list(PROFILE_TEXTS)
    for question in profile.questions:
        needed += [f"profile_ask_{question}"] + [f"profile_{question}_{a}" for a in PROFILE_QUESTIONS[question]]
    for key in needed:
        if key not in texts:
            problems.append(
                f"{tx.file}: missing text {key!r} (needed by profile_questions in helpline.yml, "
                f"ask: {profile.ask}; or write ask: never)"
            )


def _texts_in(model: BaseModel, path: tuple) -> list[tuple[tuple, Text]]:
    found: list[tuple[tuple, Text]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = path + (name,) + (() if index is None else (index,))
            if isinstance(item, Text):
                found.append((where, item))
            elif isinstance(item, BaseModel):
                found.extend(_texts_in(item, where))
    return found


def _need_languages(
    text: Text, langs: list[str], located: Located, path: tuple, problems: list[str], hint: str = ""
) -> None:
    missing = [lang for lang in langs if lang not in text.root]
    if missing:
        problems.append(
            f"{located.where(path)}: missing the {', '.join(missing)} text "
            f"(the helpline speaks {', '.join(langs)}{hint})"
        )


__all__ = [
    "ContentError",
    "Helpline",
    "LANGUAGE_NAMES",
    "confirmation_target",
    "default_helpline_id",
    "load_helpline",
    "load_helplines",
    "shipped_helpline_folders",
    "dotted",
]
