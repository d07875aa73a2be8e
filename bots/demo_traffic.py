"""Realistic generated traffic of a helpline, so that its figures can be tried before going live.

``generate(spec, first_day, days)`` yields one :class:`Batch` per local day:
conversations in every channel and language, topics in the proportions a
social line sees (shared/seeds: benefits first, displaced people next,
family forms rare), answers to the optional age/gender question for some,
handoffs with their waits (longer out of hours), operators' replies and
wrap-ups, people leaving the queue, crises, reports by district with their
outcomes, an evening peak, quieter weekends and, on some days, the burst
of the hours after shelling. The same seed gives the same records, ids
included: the tests compute the figures from what it returns and compare.

Every record is marked as demo: conversations' ``user_key`` starts with
``demo:`` and their data holds ``{"demo": true}``; ``vikno demo traffic``
refuses a store that holds anything else (bots/demo_cli.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from vikno.handoff.wrapup import CHI_CATEGORIES, Outcome
from vikno.storage.models import Conversation, Direction, Event, Message, Priority, Sender, State

#: Share of conversations per topic (a social line: shared/seeds 000/001); unknown topics get ``OTHER_TOPIC``.
TOPIC_WEIGHTS = {
    "social_benefits": 30,
    "idp_support": 12,
    "disability": 9,
    "elderly_care": 8,
    "housing_compensation": 7,
    "psychological_support": 6,
    "health": 5,
    "legal": 5,
    "veterans": 4,
    "domestic_violence": 4,
    "education": 3,
    "family_forms": 2,
    "homelessness": 2,
    "report_person_in_need": 3,
}
OTHER_TOPIC = 2
#: After shelling people write about damaged homes, fear, moving away.
SHELLING_TOPICS = {"housing_compensation": 5.0, "psychological_support": 4.0, "idp_support": 2.0}
LANGUAGE_WEIGHTS = {"uk": 70, "ru": 18, "en": 6, "az": 6}
CHANNEL_WEIGHTS = {"telegram": 45, "viber": 30, "webchat": 20, "rest": 5}
#: Conversations by local hour: quiet nights, a working day, the evening peak.
HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 7, 8, 10, 11, 10, 6, 3]
WEEKDAY_FACTOR = [1.1, 1.05, 1.0, 1.0, 0.95, 0.6, 0.55]
HANDOFF_SHARE = 0.35
HANDOFF_SHARE_BY_TOPIC = {"domestic_violence": 0.8, "psychological_support": 0.7, "legal": 0.5}
CRISIS_SHARE = 0.015
#: Of the people waiting, how many leave the queue themselves.
LEAVE_SHARE = 0.1
OUTCOME_WEIGHTS = {Outcome.RESOLVED: 60, Outcome.REFERRED: 25, Outcome.FOLLOW_UP: 11, Outcome.ABUSIVE: 4}
#: Wrap-up category by topic (CHI's framework first; the rest are filed under the topic itself).
TOPIC_CATEGORY = {
    "domestic_violence": "violence",
    "psychological_support": "mental_health",
    "health": "physical_health",
    "education": "education_occupation",
    "family_forms": "family_relationships",
    "report_person_in_need": "access_to_services",
}
ABOUT_WEIGHTS = {"elderly": 45, "child": 20, "disability": 15, "violence": 12, "other": 8}
URGENCY_WEIGHTS = {"now": 10, "soon": 50, "can_wait": 40}
REPORT_OUTCOME_WEIGHTS = {"referred": 35, "visit_planned": 25, "helped": 20, "no_action": 8, "closed": 12}
REFERRED_TO = ["social_service", "police", "mobile_team", "medical"]
#: Districts when the helpline lists none of its own (Kharkiv oblast's, shared/seeds 000).
DEFAULT_DISTRICTS = [
    "kharkivskyi",
    "chuhuivskyi",
    "izumskyi",
    "kupianskyi",
    "lozivskyi",
    "bohodukhivskyi",
    "krasnohradskyi",
]
DEMO_USER = "demo:"


@dataclass(frozen=True)
class Spec:
    """What the generator needs to know of a helpline."""

    helpline: str
    topics: Sequence[str]
    languages: Sequence[str]
    zone: str = "UTC"
    channels: Sequence[str] = tuple(CHANNEL_WEIGHTS)
    districts: Sequence[str] = tuple(DEFAULT_DISTRICTS)
    operators: Sequence[str] = tuple(f"demo-operator-{n}" for n in range(1, 9))
    #: conversations on an ordinary weekday
    per_day: int = 60
    seed: int = 26
    #: a chance per day of shelling, and the burst after it
    shelling_share: float = 0.12

    @classmethod
    def of(cls, line: Any, **more: Any) -> Spec:
        """From a loaded helpline (flows.content.Helpline)."""
        settings = line.settings
        districts = [getattr(d, "id", d) for d in getattr(settings, "districts", None) or []] or DEFAULT_DISTRICTS
        return cls(
            helpline=settings.id,
            topics=list(line.topic_order),
            languages=list(settings.languages),
            zone=settings.timezone,
            districts=tuple(districts),
            **more,
        )


@dataclass
class Batch:
    conversations: list[Conversation] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.conversations += other.conversations
        self.messages += other.messages
        self.events += other.events


def _ms(at: datetime) -> datetime:
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


class _Day:
    """One local day's traffic, drawn from its own seeded generator."""

    def __init__(self, spec: Spec, day: date, rng: random.Random, until: datetime | None) -> None:
        self.spec, self.day, self.rng, self.until = spec, day, rng, until
        self.tz = ZoneInfo(spec.zone)
        self.batch = Batch()
        self._seq = 0

    def id(self, at: datetime) -> str:
        return f"{int(at.timestamp() * 1000):012x}{self.rng.getrandbits(80):020x}"

    def pick(self, weights: dict[str, float], among: Sequence[str] | None = None) -> str:
        keys = [k for k in (among if among is not None else weights) if k in weights or among is not None]
        return self.rng.choices(keys, [weights.get(k, OTHER_TOPIC) for k in keys])[0]

    def build(self) -> Batch:
        spec, rng = self.spec, self.rng
        n = spec.per_day * WEEKDAY_FACTOR[self.day.weekday()] * rng.uniform(0.85, 1.15)
        starts = [self._local(self._hour(HOUR_WEIGHTS), rng.random()) for _ in range(round(n))]
        shelling = rng.random() < spec.shelling_share
        burst: list[datetime] = []
        if shelling:  # the hours after it: many more, about damaged homes and fear
            hour = rng.randrange(6, 22)
            burst = [
                self._local(min(23, hour + int(rng.expovariate(0.9))), rng.random())
                for _ in range(round(spec.per_day * rng.uniform(0.5, 1.0)))
            ]
        for at in sorted(starts):
            self.conversation(at, shelling=False)
        for at in sorted(burst):
            self.conversation(at, shelling=True)
        return self.batch

    def _hour(self, weights: list[float]) -> int:
        return self.rng.choices(range(24), weights)[0]

    def _local(self, hour: int, fraction: float) -> datetime:
        local = datetime.combine(self.day, time(hour), self.tz) + timedelta(seconds=int(fraction * 3600))
        return _ms(local.astimezone(UTC))

    # --- one conversation ------------------------------------------------------

    def conversation(self, t0: datetime, *, shelling: bool) -> None:
        spec, rng = self.spec, self.rng
        if self.until is not None and t0 > self.until:
            return
        weights = {**TOPIC_WEIGHTS}
        if shelling:
            for topic, factor in SHELLING_TOPICS.items():
                weights[topic] = weights.get(topic, OTHER_TOPIC) * factor
        topic = self.pick(weights, spec.topics)
        language = self.pick(LANGUAGE_WEIGHTS, spec.languages)
        channel = self.pick(CHANNEL_WEIGHTS, spec.channels)
        conv = Conversation(
            helpline=spec.helpline,
            channel=channel,
            user_key=f"{DEMO_USER}{rng.getrandbits(64):016x}",
            id=self.id(t0),
            state=State.BOT,
            language=language,
            data={"demo": True},
            step="demo",
            created_at=t0,
            updated_at=t0,
        )
        self.conv, self.at, self.priority = conv, t0, None
        self.event("conversation_started", topic=None)
        self.message_in("start")
        self.message_out(2)
        if rng.random() < 0.3:
            self.later(5, 20)
            self.event("profile_answered", topic=None, age_group=rng.choices(["child", "adult"], [22, 78])[0])
            self.message_in("button")
        if rng.random() < 0.22:
            self.later(3, 15)
            self.event("profile_answered", topic=None, gender=rng.choices(["female", "male", "other"], [64, 32, 4])[0])
            self.message_in("button")
        self.later(5, 60)
        self.message_in("text")
        conv.topic = topic
        self.event("topic_answered", topic=topic)
        self.message_out(2)
        if rng.random() < 0.12:  # a second question
            second = self.pick(TOPIC_WEIGHTS, spec.topics)
            self.later(20, 180)
            self.message_in("text")
            conv.topic = second
            self.event("topic_answered", topic=second)
            self.message_out(2)
        crisis = rng.random() < CRISIS_SHARE * (3 if shelling else 1)
        report = topic == "report_person_in_need" and rng.random() < 0.7
        handoff = crisis or report or rng.random() < HANDOFF_SHARE_BY_TOPIC.get(topic, HANDOFF_SHARE)
        if crisis:
            self.later(5, 60)
            self.message_in("text")
            self.event("crisis_detected", priority=Priority.CRISIS, reasons=["generated"])
            self.message_out(1)
        report_id = None
        if report:
            report_id = f"demo-{rng.getrandbits(48):012x}"
            urgency = self.pick(URGENCY_WEIGHTS)
            self.later(60, 300)
            for _ in range(4):
                self.message_in("text")
                self.message_out(1)
                self.later(10, 60)
            self.priority = Priority.CRISIS if urgency == "now" else Priority.URGENT_REPORT
            self.event(
                "report_made",
                topic="report_person_in_need",
                priority=self.priority,
                report_id=report_id,
                about=self.pick(ABOUT_WEIGHTS),
                district=rng.choice(list(spec.districts) + ["other"]),
                urgency=urgency,
                anonymous=rng.random() < 0.8,
            )
        if handoff:
            self.handoff(crisis=crisis)
        elif rng.random() < 0.5:
            self.later(10, 120)
            self.message_in("text")
            self.message_out(1)
        if report_id is not None:
            self.report_outcomes(report_id)
        conv.updated_at = conv.last_message_at = self.at
        self.batch.conversations.append(conv)

    def handoff(self, *, crisis: bool) -> None:
        rng, conv = self.rng, self.conv
        self.later(5, 40)
        self.priority = self.priority or (Priority.CRISIS if crisis else Priority.REQUEST)
        self.event("handoff_requested", priority=self.priority, reason="generated", team=None)
        self.message_out(1)
        local_hour = self.at.astimezone(self.tz).hour
        working = 8 <= local_hour < 17 and self.at.astimezone(self.tz).weekday() < 5
        typical = 25 if self.priority == Priority.CRISIS else (90 if working else 600)
        wait = round(rng.lognormvariate(math.log(typical), 0.9), 1)
        if self.priority != Priority.CRISIS and rng.random() < LEAVE_SHARE:
            self.later(min(wait, 30), max(wait, 31))
            self.message_in("button")
            self.event("handoff_cancelled")
            self.message_out(1)
            self.priority = None
            conv.state = State.BOT
            return
        self.at = _ms(self.at + timedelta(seconds=wait))
        operator = rng.choice(list(self.spec.operators))
        self.event("claimed", priority=self.priority, operator=operator, wait_seconds=wait)
        self.message_out(1, sender=Sender.SYSTEM)
        replies = rng.randint(1, 5)
        for n in range(replies):
            response = round(rng.lognormvariate(math.log(35 if n == 0 else 60), 0.7), 1)
            self.at = _ms(self.at + timedelta(seconds=response))
            self.event(
                "operator_reply",
                priority=self.priority,
                operator=operator,
                first=n == 0,
                first_response_seconds=response if n == 0 else None,
            )
            self.message_out(1, sender=Sender.OPERATOR)
            if rng.random() < 0.8:
                self.later(10, 120)
                self.message_in("text")
        self.later(30, 300)
        topic = conv.topic or ""
        category = TOPIC_CATEGORY.get(topic, f"topic:{topic}")
        if category not in CHI_CATEGORIES and not category.startswith("topic:"):
            category = "access_to_services"
        outcome = self.pick(OUTCOME_WEIGHTS)
        self.event(
            "closed",
            priority=self.priority,
            operator=operator,
            category=category,
            outcome=outcome,
            handle_seconds=round((self.at - self.conv.created_at).total_seconds(), 1),
        )
        self.message_out(2, sender=Sender.SYSTEM)
        self.priority = None
        conv.state = State.CLOSED
        conv.data["wrapup"] = {"category": category, "outcome": outcome, "operator": operator}

    def report_outcomes(self, report_id: str) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            return  # still open
        at = self.at
        for _ in range(rng.choices([1, 2], [80, 20])[0]):
            at = _ms(at + timedelta(hours=rng.uniform(0.5, 30)))
            outcome = self.pick(REPORT_OUTCOME_WEIGHTS)
            self.event(
                "report_outcome",
                topic="report_person_in_need",
                at=at,
                report_id=report_id,
                outcome=outcome,
                referred_to=rng.choice(REFERRED_TO) if outcome == "referred" else None,
                operator=rng.choice(list(self.spec.operators)),
            )

    # --- records -----------------------------------------------------------------

    def later(self, low: float, high: float) -> None:
        self.at = _ms(self.at + timedelta(seconds=self.rng.uniform(low, high)))

    def event(
        self, kind: str, *, topic: Any = "", priority: str | None = None, at: datetime | None = None, **data: Any
    ) -> None:
        conv = self.conv
        when = at or self.at
        self.batch.events.append(
            Event(
                helpline=conv.helpline,
                kind=kind,
                conversation_id=conv.id,
                channel=conv.channel,
                language=conv.language,
                topic=conv.topic if topic == "" else topic,
                priority=priority if priority is not None else self.priority,
                data=data,
                id=self.id(when),
                at=when,
            )
        )

    def _message(self, direction: str, sender: str, kind: str) -> None:
        self._seq += 1
        self.at = _ms(self.at + timedelta(milliseconds=self.rng.randint(300, 2500)))
        conv = self.conv
        self.batch.messages.append(
            Message(
                conversation_id=conv.id,
                helpline=conv.helpline,
                channel=conv.channel,
                direction=direction,
                sender=sender,
                kind=kind,
                text=None,
                handled=True,
                id=self.id(self.at),
                created_at=self.at,
                seq=int(self.at.timestamp() * 1000) * 1000 + self._seq % 1000,
            )
        )

    def message_in(self, kind: str) -> None:
        self._message(Direction.IN, Sender.USER, kind)

    def message_out(self, n: int, *, sender: str = Sender.BOT) -> None:
        for _ in range(n):
            self._message(Direction.OUT, sender, "text")


def generate(spec: Spec, first_day: date, days: int, *, until: datetime | None = None) -> Iterator[Batch]:
    """One batch per local day from ``first_day``; conversations starting after ``until`` are left out."""
    for n in range(days):
        day = first_day + timedelta(days=n)
        rng = random.Random(f"{spec.seed}:{spec.helpline}:{day.isoformat()}")
        yield _Day(spec, day, rng, until).build()
