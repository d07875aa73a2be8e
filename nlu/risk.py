"""Three levels of risk from the crisis rules and the learned crisis model.

A yes/no crisis flag forced a choice between missing crises (rules too
narrow) and sounding the full alarm on a school project or "my mum will kill
me" (rules too wide). Three levels let the grey zone get a kind question
instead of either:

* ``crisis``: emergency contacts first, top of the queue, at any hour;
* ``check``: the bot asks at once whether the person is safe right now and
  an operator reads the conversation soon (priority ``urgent``);
* ``none``: the ordinary dialogue.

How the two sources decide: the model's probability sets the level
(``crisis_at`` and ``check_at``, chosen by cross-validation on the corpus
split by kind of message). A rule hit is at least a ``check``, with one
exception: the model says none *and* the message states a harmless context
(a lesson, a past that is over, an explicit no, a film: risk_context.py),
which overrules an ordinary rule and turns a core rule's alarm into a
question. The model alone never overrules a rule: on wording unlike its
training it scored "Ok, final decision: suicide" near zero. The rules that
were right on the training corpus (the *core*:
precise on crises and hard negatives alike, chosen at training time, see
``core_rules``) make a ``crisis`` unless the model is all but sure it is
not (``core_veto_below``); the other rules make a ``crisis`` only when the
model agrees (``veto_below``). So "хочу померти" stays a crisis even where
a short message gives the model little to go on, while "I don't want to
live in this dorm" is asked about, not alarmed. Without a model the rules
decide alone, as before (crisis or none).

A few rules only ask (``ASK_RULES``: a bare "help", "допоможіть", "kömək edin"; a bare "I did it"; the
situations that are everyday life as often as a crisis: all one's money given away, legs over an edge,
waiting at the tracks, a day chosen, "celebrate without me"): the words say that something may be wrong,
not what, so the hit alone is a ``check`` (the safety question with the emergency numbers, an operator
soon), with a model or without; the model can still make it a ``crisis`` on its own score or on a sentence
of the story it is sure of. The person's answer decides the rest: a typed "help" or "no" to the question
is danger, and silence escalates (flows/safety_check.py).

The model was trained on whole messages, so a sentence of ordinary
circumstances before the alarm drags its score down: "We moved here two years
ago for work. I don't want to live anymore." scored 0.04 whole and was vetoed
to a question. A veto therefore reads the model where the alarm is, too: the
sentence where a rule fires (with the sentence after it, where "that was five
years ago" would be said), and the higher score counts. And the model vetoes
only what it can judge: a message of one or two words gives it nothing but
the word the rule already read ("суїцид" scored 0.10, because the corpus
mentions the word mostly in school projects), and it never reads emoji (the
danger-emoji rule reads the raw text, normalisation drops them). There the
rule decides, as without a model. The harmless contexts still come first.

A crisis no rule sees has only the model, and the same dilution: a long story
with one dangerous sentence fell under ``check_at``. So a message of several
sentences that no rule fires on (or whose rule the model vetoed to a question)
is also read window by window (each sentence with the next one, as the veto
reads; at most ``READ_WINDOWS`` windows of the first ``READ_SENTENCES``
sentences, one budget with the veto's); a window the model is sure of (at
``crisis_at``) makes it a crisis (``window:0.91`` in the reasons), and nothing
lowers a level. The last sentence is a window alone only with ``WINDOW_WORDS``
(4) words or more that the model reads (no digits): it was a window however
short, and the model was sure of fragments without their context ("can my
daughter see a counsellor without me being there? she's 15": "she's 15" 0.89,
a crisis). By-kind CV on the same fold models (round 10), uk / ru / az / en:
caught unchanged, crisis of the crises 55.4 / 54.2 / 51.4 / 55.2 -> 55.3 /
53.8 / 51.1 / 54.8 % (12 crises of 4,500 that ended in "tonight", "i'm done",
"серьёзно" went to the question), 3 hard negatives from crisis to none ("He's
25."). Pairs only (no last sentence alone) moved 29 crises and 9 hard negatives
the same way and turned "...son at nursery. Today I finally decided this is my
last evening." (the pair 0.72, the sentence 0.94) into none; 5 to 10 words lay
between the two. A window between ``check_at`` and ``crisis_at`` changes
nothing: counted as a check, it asked about long ordinary stories ("Nobody
answers the phone at the office" 0.26) and hard negatives to check rose 1-1.4
points in by-kind CV, for +0.3 to +0.9 caught; the sure window alone keeps
them where they were (bench/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .crisis import ASK_RULES, EMOJI_RULE, CrisisDetector, CrisisResult
from .crisis_model import CrisisModel
from .language_names import without_language_clause
from .risk_context import safe_contexts
from .textnorm import normalize

#: Where one sentence ends and the next begins, as people type them (a stop, a question, a line break).
SENTENCE_ENDS = re.compile(r"(?<=[.!?…;])\s+|\n+")

#: A rule's hit in a message of at most this many words is beyond the model's veto: the words are the rule's.
#: Not three: "мама мене вбʼє" is three words the model rightly reads as a safety question, not the alarm.
SHORT_WORDS = 2
#: How far the veto reads a message sentence by sentence, and how many alarm windows it scores at most.
READ_SENTENCES, READ_WINDOWS = 64, 16
#: The story's last sentence with fewer words than this is a fragment the model cannot judge alone (as SHORT_WORDS for
#: the veto): "she's 15", "there's a railing", "tonight" closing a message. Chosen on by-kind CV (bench/README.md).
WINDOW_WORDS = 4
#: Why the model cannot judge a rule's hit (``rule-decides:<why>`` in the reasons): too few words, or emoji.
BEYOND_THE_MODEL = ("short", "emoji")

__all__ = ["BEYOND_THE_MODEL", "Risk", "RiskAssessment", "RiskTriage", "SHORT_WORDS", "Thresholds"]


class Risk(StrEnum):
    CRISIS = "crisis"
    CHECK = "check"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Thresholds:
    # Chosen on cross-validation by kind (bench/crisis_triage_bench.py), never on a fresh table.
    crisis_at: float = 0.85
    check_at: float = 0.25
    veto_below: float = 0.5
    core_veto_below: float = 0.05


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    level: Risk
    reasons: tuple[str, ...]
    #: the rules' combined score (0 when no rule matched)
    rule_score: float
    #: the model's probability, None without a model
    model_score: float | None
    #: the rules' kind of crisis (picks emergency numbers), None when no rule matched
    category: str | None
    rules: CrisisResult

    @property
    def crisis(self) -> bool:
        return self.level is Risk.CRISIS

    def parse_fields(self) -> dict[str, object]:
        """The crisis fields of a :class:`~vikno.nlu.types.Parse`, the same for every backend."""
        return {
            "crisis": self.crisis,
            "crisis_score": max(self.rule_score, self.model_score or 0.0),
            "crisis_category": self.category if self.level is not Risk.NONE else None,
            "risk": self.level.value,
            "risk_reasons": self.reasons,
        }


def _words(text: str) -> int:
    """How many words the model reads in ``text`` (it reads no digits)."""
    return sum(not word.isdigit() for word in normalize(text).split())


def _windows(text: str, where: Callable[[str], bool] | None = None) -> list[str]:
    """Each sentence (of the first READ_SENTENCES; those ``where`` holds for) with the one after it, each window
    once, READ_WINDOWS at most; empty for a message of one sentence (the whole is that sentence).

    The last sentence is a window alone. Where the story is read (no ``where``), only when it has WINDOW_WORDS
    words or more: the model read a shorter one without its context and was sure of it ("...without me being
    there? she's 15": "she's 15" 0.89, "...there's a railing" 0.90). It is inside the pair before it.
    """
    sentences = [s for s in SENTENCE_ENDS.split(text, maxsplit=READ_SENTENCES + 1) if s.strip()]
    if len(sentences) < 2:
        return []
    last = len(sentences) - 1
    windows = dict.fromkeys(
        " ".join(sentences[i : i + 2])
        for i, sentence in enumerate(sentences[:READ_SENTENCES])
        if (where(sentence) if where is not None else i < last or _words(sentence) >= WINDOW_WORDS)
    )
    return list(windows)[:READ_WINDOWS]


class RiskTriage:
    """Stateless after construction; safe to share between threads."""

    def __init__(
        self,
        rules: CrisisDetector | None = None,
        model: CrisisModel | None = None,
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.rules = rules or CrisisDetector()
        self.model = model
        self.thresholds = thresholds

    def _contexts(self, text: str) -> tuple[str, ...]:
        """The harmless contexts the message states; a past only where the alarm is.

        A lesson or a film frames a whole message, but a time is said of one matter: in "last year we got the
        subsidy, now nothing. I don't want to live anymore" the past is the subsidy's, and the wish is now.
        So "past" counts only when every sentence where a rule fires says it, in itself or the sentence after
        it ("I cut myself. That was five years ago"); a message of one sentence is read whole, as before.
        """
        said = safe_contexts(normalize(text))
        if "past" not in said:
            return said
        alarms = [safe_contexts(normalize(window)) for window in self._alarm_windows(text)]
        if not alarms:  # one sentence, or the rule needs the whole message: read it whole
            return said
        past_everywhere = all("past" in near for near in alarms)
        return tuple(name for name in said if name != "past" or past_everywhere)

    def _beyond_the_model(self, text: str, ruled: CrisisResult) -> str | None:
        """Why the model cannot judge this rule's hit ("short", "emoji"), or None when it can.

        One or two words are the rule's own evidence and nothing more; emoji are dropped before the model reads.
        """
        if EMOJI_RULE in ruled.matched:
            return "emoji"
        if len(normalize(text).split()) <= SHORT_WORDS:
            return "short"
        return None

    def _alarm_windows(self, text: str) -> list[str]:
        """Each sentence where a rule fires, with the sentence after it (where "that was years ago" is said).

        Empty for a message of one sentence (the whole is that sentence) or when no single sentence fires a rule
        (the rule needs cues spread over the message: only the whole can be read).
        """
        # The first READ_SENTENCES sentences and each window once: 64 KB of "суїцид." took a second of model
        # scores (outside attack). An alarm read no further is judged by the whole message (a check at least).
        return _windows(text, lambda sentence: self.rules.detect(sentence).crisis)

    def _window_score(self, window: str, scored: dict[str, float]) -> float | None:
        """The model's score of one window, each scored once a message and at most READ_WINDOWS of them in all.

        A rule's alarm windows and the story's windows are read from one budget: 64 KB of "суїцид." must not
        cost twice the windows because a vetoed rule also has the story read (outside attack, test_risk_veto).
        """
        assert self.model is not None
        if window not in scored:
            if len(scored) >= READ_WINDOWS:
                return None
            scored[window] = self.model.score(window)
        return scored[window]

    def _highest(self, windows: list[str], scored: dict[str, float]) -> float | None:
        """The model's highest score among ``windows`` within the budget; None where none was read."""
        found = [s for w in windows if (s := self._window_score(w, scored)) is not None]
        return max(found, default=None)

    def _sure_in_the_story(self, text: str, scored: dict[str, float], reasons: list[str]) -> bool:
        """Whether a sentence window of the story scores at ``crisis_at`` (its score joins ``reasons``)."""
        near = self._highest(_windows(text), scored)
        if near is None or near < self.thresholds.crisis_at:
            return False
        reasons.append(f"window:{near:.2f}")
        return True

    def assess(self, text: str) -> RiskAssessment:
        # "не розумію українською, мені погано, не хочу жити": the language clause says nothing of danger and
        # diluted the model's score of the rest (0.05 against 0.29): the rest is what is read
        text = without_language_clause(text)
        ruled = self.rules.detect(text)
        reasons = [f"rule:{name}" for name in ruled.matched] if ruled.crisis else []
        asks = ruled.crisis and all(name in ASK_RULES for name in ruled.matched)
        if self.model is None:
            level = (Risk.CHECK if asks else Risk.CRISIS) if ruled.crisis else Risk.NONE
            return RiskAssessment(level, tuple(reasons), ruled.score, None, ruled.category, ruled)
        p = self.model.score(text) if text.strip() else 0.0
        t = self.thresholds
        reasons.append(f"model:{p:.2f}")
        if asks:
            level = Risk.CRISIS if p >= t.crisis_at else Risk.CHECK
            if level is Risk.CHECK and self._sure_in_the_story(text, {}, reasons):  # a situation asked about
                level = Risk.CRISIS
            return RiskAssessment(level, tuple(reasons), ruled.score, round(p, 4), ruled.category, ruled)
        core = ruled.crisis and any(name in self.model.core_rules for name in ruled.matched)
        said = self._contexts(text) if ruled.crisis and p < t.check_at else ()
        if said:
            # The rule saw a word, the model sees no danger and the message says why (a lesson, a past that is
            # over, a film): an ordinary rule is overruled, a core rule's alarm becomes a question.
            reasons.extend(f"context:{name}" for name in said)
            level = Risk.CHECK if core else Risk.NONE
            return RiskAssessment(
                level, tuple(reasons), ruled.score, round(p, 4), ruled.category if core else None, ruled
            )
        veto_below = t.core_veto_below if core else t.veto_below
        scored: dict[str, float] = {}  # the windows the model read, each once (READ_WINDOWS at most)
        vetoed = False
        if ruled.crisis and p < t.veto_below:
            # The whole message's score would veto an ordinary rule: first ask whether the model can judge it at
            # all, then read it where the alarm is. A core rule is vetoed only below its own bar, but the operator
            # sees where the alarm is all the same: "model:0.10" beside a crisis is otherwise a puzzle.
            beyond = self._beyond_the_model(text, ruled)
            if beyond is not None:
                if p < veto_below:
                    reasons.append(f"rule-decides:{beyond}")
            else:
                near = self._highest(self._alarm_windows(text), scored)
                if near is not None:
                    reasons.append(f"sentence:{near:.2f}")
                vetoed = p < veto_below and (near is None or near < veto_below)
        if p >= t.crisis_at or (ruled.crisis and not vetoed):
            level = Risk.CRISIS
        elif p >= t.check_at or ruled.crisis:
            level = Risk.CHECK
        else:
            level = Risk.NONE
        if level is not Risk.CRISIS:
            # no rule read it, or the model vetoed the rule's alarm to a question: the model decides, so it reads
            # the story where the danger may be, too ("After the funeral everything lost its meaning. I've chosen
            # Friday." was a crisis by its window; a rule on "chosen Friday" must not turn that into a check)
            if self._sure_in_the_story(text, scored, reasons):
                level = Risk.CRISIS
        category = ruled.category if ruled.crisis else None
        return RiskAssessment(level, tuple(reasons), ruled.score, round(p, 4), category, ruled)
