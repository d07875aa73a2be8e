"""Evaluation on held-out Rasa data: what an operator needs to judge a model.

Examples labelled ``nlu_fallback``, ``oos`` or ``out_of_scope`` (or any
intent the model does not know) are out of scope: they count for OOS recall (caught = predicted fallback),
never for in-scope accuracy. In-scope accuracy counts a fallback answer as
wrong, so a threshold cannot hide errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .classifier import OOS_LABELS
from .language import detect_language
from .rasa_yaml import Example
from .types import FALLBACK_INTENT

__all__ = [
    "CURVE_THRESHOLDS",
    "CurvePoint",
    "Evaluation",
    "Scored",
    "cross_validate",
    "evaluate",
    "format_curve",
    "format_report",
    "operating_point",
    "score_examples",
    "threshold_curve",
    "threshold_of",
]

#: Thresholds the trade-off table shows besides the model's own: the confidence scale is the classifier's
#: calibrated softmax, where the operating threshold landed between 0.1 and 0.3 for the n-grams alone and
#: between 0.3 and 0.6 with the sentence model (its temperature is chosen for the out-of-scope decision).
CURVE_THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Evaluation:
    n: int = 0
    n_in_scope: int = 0
    n_oos: int = 0
    accuracy: float = float("nan")
    accuracy_no_threshold: float = float("nan")
    macro_f1: float = float("nan")
    oos_recall: float = float("nan")
    false_accept_rate: float = float("nan")
    in_scope_fallback_rate: float = float("nan")
    per_intent: dict[str, dict[str, float]] = field(default_factory=dict)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    unknown_intents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "n_in_scope": self.n_in_scope,
            "n_oos": self.n_oos,
            "accuracy": self.accuracy,
            "accuracy_no_threshold": self.accuracy_no_threshold,
            "macro_f1": self.macro_f1,
            "oos_recall": self.oos_recall,
            "false_accept_rate": self.false_accept_rate,
            "in_scope_fallback_rate": self.in_scope_fallback_rate,
            "per_intent": self.per_intent,
            "confusions": [{"true": t, "predicted": p, "count": c} for t, p, c in self.confusions],
            "unknown_intents": self.unknown_intents,
        }


def _safe(a: float, b: float) -> float:
    return a / b if b else float("nan")


@dataclass(frozen=True, slots=True)
class Scored:
    """One held-out message as the model saw it: its label, the best intent, that intent's confidence, and the
    threshold of the model that scored it (in cross-validation every fold's model has its own)."""

    text: str
    truth: str
    top: str
    confidence: float
    threshold: float
    #: the best intents with their confidences, best first (``top`` leads), as deep as the scorer asked: the
    #: runner-up is what a "were you asking about" button would offer (bench/see_also.py)
    ranking: tuple[tuple[str, float], ...] = ()

    def predicted(self, threshold: float | None = None) -> str:
        t = self.threshold if threshold is None else threshold
        return self.top if self.confidence >= t else FALLBACK_INTENT


def score_examples(
    examples: Iterable[Example],
    rank: Callable[[str], Sequence[tuple[str, float]]],
    threshold: float | Callable[[str], float],
) -> list[Scored]:
    """``rank(text)`` returns one model's best (intent, confidence) pairs, best first (one is enough;
    ``clf.rank(text, top=1)``); ``threshold`` is its threshold, or a function of the text (a model with a
    threshold per language: :func:`threshold_of`)."""
    out = []
    for ex in examples:
        ranking = tuple(rank(ex.text))
        top, conf = ranking[0]
        t = threshold(ex.text) if callable(threshold) else threshold
        out.append(Scored(ex.text, ex.intent, top, conf, t, ranking))
    return out


def threshold_of(model: Any) -> float | Callable[[str], float]:
    """The threshold each message meets in ``parse``: of its detected language if the model has one per language."""
    if not getattr(model, "thresholds", None):
        return float(model.threshold)
    return lambda text: float(model.threshold_for(detect_language(text)))


def cross_validate(
    examples: Sequence[Example],
    k: int,
    train: Callable[[list[Example]], object],
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    top: int = 1,
) -> tuple[list[Scored], list[str]]:
    """K-fold cross-validation on one data set: every example is scored by a model that never saw it.

    ``train(examples)`` returns an :class:`~vikno.nlu.classifier.IntentClassifier`. Folds are stratified by
    intent (out-of-scope examples are a stratum of their own), so each fold's model knows every intent and
    chooses its own threshold as it would in production; the scores of all folds together are one table.
    Returns the scored examples (each with its ``top`` best intents) and the intents the data teaches.
    """
    import random

    if k < 2:
        raise ValueError("--cv needs at least 2 folds")
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        by_label.setdefault(FALLBACK_INTENT if ex.intent in OOS_LABELS else ex.intent, []).append(i)
    fold = [0] * len(examples)
    start = 0
    for label in sorted(by_label):
        idx = by_label[label]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = (start + j) % k  # a running offset spreads small intents' remainders over the folds
        start += len(idx)
    scored: list[Scored] = []
    known: list[str] = []
    for f in range(k):
        train_set = [ex for ex, g in zip(examples, fold, strict=True) if g != f]
        test_set = [ex for ex, g in zip(examples, fold, strict=True) if g == f]
        clf: Any = train(train_set)  # an IntentClassifier, or any model with intents, rank() and threshold
        known = sorted(set(known) | set(clf.intents))
        scored += score_examples(test_set, lambda t: clf.rank(t, top=top), threshold_of(clf))  # noqa: B023 - used at once
        if progress is not None:
            progress(f"fold {f + 1}/{k}: trained on {len(train_set)}, scored {len(test_set)}")
    return scored, known


def evaluate_scored(scored: Sequence[Scored], known_intents: Sequence[str]) -> Evaluation:
    """:func:`evaluate` of messages already scored, at each one's own model's threshold."""
    by_text: dict[str, list[Scored]] = {}
    for s_ in scored:
        by_text.setdefault(s_.text, []).append(s_)
    queue = {t: iter(v) for t, v in by_text.items()}

    def predict(text: str) -> tuple[str, str]:
        s_ = next(queue[text])
        return s_.predicted(), s_.top

    return evaluate([Example(s_.text, s_.truth) for s_ in scored], predict, known_intents)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    threshold: float
    accuracy: float  # in-scope answered with the right intent
    fallback: float  # in-scope sent to "I did not understand"
    oos_caught: float  # out-of-scope sent there


def _point(scored: Sequence[Scored], known: set[str], threshold: float | None) -> CurvePoint:
    ins = [s_ for s_ in scored if s_.truth in known]
    oos = [s_ for s_ in scored if s_.truth not in known]
    return CurvePoint(
        float("nan") if threshold is None else threshold,
        _safe(sum(s_.predicted(threshold) == s_.truth for s_ in ins), len(ins)),
        _safe(sum(s_.predicted(threshold) == FALLBACK_INTENT for s_ in ins), len(ins)),
        _safe(sum(s_.predicted(threshold) == FALLBACK_INTENT for s_ in oos), len(oos)),
    )


def threshold_curve(
    scored: Sequence[Scored], known_intents: Sequence[str], thresholds: Sequence[float] = CURVE_THRESHOLDS
) -> list[CurvePoint]:
    """In-scope accuracy, in-scope fallback and out-of-scope caught at each threshold: a helpline picks its point."""
    known = set(known_intents)
    return [_point(scored, known, t) for t in thresholds]


def operating_point(scored: Sequence[Scored], known_intents: Sequence[str]) -> CurvePoint:
    """The same figures with each message at its own threshold (its model's, its language's); threshold NaN."""
    return _point(scored, set(known_intents), None)


def format_curve(points: Sequence[CurvePoint], operating: float | None = None, own: CurvePoint | None = None) -> str:
    """The trade-off table; ``operating`` marks the model's threshold, or ``own`` (a model with a threshold per
    language, messages in several) is a row of its own: each message at its language's threshold."""
    lines = [
        "accuracy / out-of-scope trade-off (pick a threshold; higher catches more out-of-scope and answers less):",
        f"  {'threshold':>9} {'in-scope right':>15} {'in-scope fallback':>18} {'out-of-scope caught':>20}",
    ]
    for p in points:
        mark = "  <- this model's threshold" if operating is not None and abs(p.threshold - operating) < 5e-4 else ""
        lines.append(
            f"  {p.threshold:>9.3f} {_pct(p.accuracy):>15} {_pct(p.fallback):>18} {_pct(p.oos_caught):>20}{mark}"
        )
    if own is not None:
        lines.append(
            f"  {'per lang.':>9} {_pct(own.accuracy):>15} {_pct(own.fallback):>18} {_pct(own.oos_caught):>20}"
            "  <- this model's threshold, each message at its language's"
        )
    return "\n".join(lines)


def evaluate(
    examples: Iterable[Example],
    predict: Callable[[str], tuple[str, str]],
    known_intents: Sequence[str],
) -> Evaluation:
    """``predict(text)`` returns (intent after threshold, top intent before threshold)."""
    known = set(known_intents)
    ev = Evaluation()
    pairs: list[tuple[str, str, str]] = []
    unknown: Counter[str] = Counter()
    for ex in examples:
        truth = ex.intent
        if truth in OOS_LABELS:
            truth = FALLBACK_INTENT  # "oos", "out_of_scope" and "nlu_fallback" all mean out of scope
        elif truth not in known:
            unknown[truth] += 1
            truth = FALLBACK_INTENT  # an intent the model never learnt is out of scope for it
        pred, raw = predict(ex.text)
        pairs.append((truth, pred, raw))
    ev.unknown_intents = sorted(unknown)
    ev.n = len(pairs)
    ins = [(t, p, r) for t, p, r in pairs if t != FALLBACK_INTENT]
    oos = [(t, p, r) for t, p, r in pairs if t == FALLBACK_INTENT]
    ev.n_in_scope, ev.n_oos = len(ins), len(oos)
    ev.accuracy = _safe(sum(t == p for t, p, _ in ins), len(ins))
    ev.accuracy_no_threshold = _safe(sum(t == r for t, _, r in ins), len(ins))
    ev.in_scope_fallback_rate = _safe(sum(p == FALLBACK_INTENT for _, p, _ in ins), len(ins))
    ev.oos_recall = _safe(sum(p == FALLBACK_INTENT for _, p, _ in oos), len(oos))
    ev.false_accept_rate = 1.0 - ev.oos_recall if oos else float("nan")

    labels = sorted({t for t, _, _ in pairs} | {p for _, p, _ in pairs})
    f1s = []
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p, _ in pairs)
        fp = sum(t != lab and p == lab for t, p, _ in pairs)
        fn = sum(t == lab and p != lab for t, p, _ in pairs)
        prec, rec = _safe(tp, tp + fp), _safe(tp, tp + fn)
        f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
        support = tp + fn
        ev.per_intent[lab] = {
            "precision": 0.0 if prec != prec else prec,
            "recall": 0.0 if rec != rec else rec,
            "f1": f1,
            "support": support,
        }
        if lab != FALLBACK_INTENT and support:
            f1s.append(f1)
    ev.macro_f1 = _safe(sum(f1s), len(f1s))
    conf = Counter((t, p) for t, p, _ in pairs if t != p)
    ev.confusions = [(t, p, c) for (t, p), c in conf.most_common(15)]
    return ev


def _pct(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}%"


def format_report(ev: Evaluation) -> str:
    lines = [
        f"examples: {ev.n} ({ev.n_in_scope} in scope, {ev.n_oos} out of scope)",
        f"in-scope accuracy (right intent at the operating threshold; a fallback answer counts as wrong): "
        f"{_pct(ev.accuracy)}   (top-1 before the threshold: {_pct(ev.accuracy_no_threshold)}; "
        f"in-scope sent to fallback: {_pct(ev.in_scope_fallback_rate)})",
        f"macro-F1 (in-scope intents): {_pct(ev.macro_f1)}",
        f"OOS recall (out-of-scope answered nlu_fallback at the same threshold): {_pct(ev.oos_recall)}   "
        f"false-accept rate: {_pct(ev.false_accept_rate)}",
        "",
        f"{'intent':<28} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}",
    ]
    for lab, m in sorted(ev.per_intent.items()):
        lines.append(f"{lab:<28} {_pct(m['precision'])} {_pct(m['recall'])} {_pct(m['f1'])} {int(m['support']):>5}")
    if ev.confusions:
        lines += ["", "worst confusions (true -> predicted: count):"]
        lines += [f"  {t} -> {p}: {c}" for t, p, c in ev.confusions]
    if ev.unknown_intents:
        lines += [
            "",
            "intents in the data the model does not know (counted as out of scope): " + ", ".join(ev.unknown_intents),
        ]
    return "\n".join(lines)


@dataclass
class CrisisEvaluation:
    """How crisis triage did on a file with a ``crisis`` intent (or ``crisis__<kind>`` intents)."""

    n_crisis: int = 0
    n_other: int = 0
    caught: float = float("nan")  # crisis or check: the person is asked or helped at once
    crisis: float = float("nan")  # the full alarm
    false_crisis: float = float("nan")  # others sent to crisis
    other_check: float = float("nan")  # others asked whether they are safe
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n_crisis": self.n_crisis,
            "n_other": self.n_other,
            "caught": self.caught,
            "crisis": self.crisis,
            "false_crisis": self.false_crisis,
            "other_check": self.other_check,
        }


def is_crisis_label(intent: str) -> bool:
    return intent == "crisis" or intent.startswith("crisis__")


def evaluate_crisis(examples: Iterable[Example], risk_of: Callable[[str], str]) -> CrisisEvaluation | None:
    """``risk_of(text)`` returns "crisis", "check" or "none"; None when the data has no crisis examples."""
    crisis_levels: list[tuple[str, str]] = []
    other_levels: list[tuple[str, str]] = []
    for ex in examples:
        (crisis_levels if is_crisis_label(ex.intent) else other_levels).append((ex.text, risk_of(ex.text)))
    if not crisis_levels:
        return None
    ev = CrisisEvaluation(n_crisis=len(crisis_levels), n_other=len(other_levels))
    ev.caught = _safe(sum(lv != "none" for _, lv in crisis_levels), len(crisis_levels))
    ev.crisis = _safe(sum(lv == "crisis" for _, lv in crisis_levels), len(crisis_levels))
    ev.false_crisis = _safe(sum(lv == "crisis" for _, lv in other_levels), len(other_levels))
    ev.other_check = _safe(sum(lv == "check" for _, lv in other_levels), len(other_levels))
    ev.missed = [t for t, lv in crisis_levels if lv == "none"]
    ev.false_alarms = [t for t, lv in other_levels if lv == "crisis"]
    return ev


def format_crisis_report(ev: CrisisEvaluation) -> str:
    lines = [
        f"crisis triage: {ev.n_crisis} crisis examples, {ev.n_other} others",
        f"crises caught (crisis or check): {_pct(ev.caught)}   full crisis alarm: {_pct(ev.crisis)}",
        f"others sent to crisis (false alarms): {_pct(ev.false_crisis)}   others asked 'are you safe' (check): "
        f"{_pct(ev.other_check)}",
    ]
    if ev.missed:
        lines += ["missed crises:"] + [f"  {t}" for t in ev.missed[:20]]
    if ev.false_alarms:
        lines += ["false crisis alarms:"] + [f"  {t}" for t in ev.false_alarms[:20]]
    return "\n".join(lines)
