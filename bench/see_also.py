"""When is the runner-up topic close enough to offer it as a button under the answer? (issue 23)

    python bench/see_also.py                       # CV5 of each language's shipped data, then the held-out files
    python bench/see_also.py --scores /tmp/s.json  # keep the fold scores (written once, read on later runs)

After a topic answer given from free text, the dialogue adds one button with the second-ranked topic when
the two were close (flows/dialogue.py, ``see_also``). The setting is chosen here, on messages no model saw:
each language's training data alone, K folds, each fold's model at its own threshold (as
bench/nlu_shipped.py's CV), each message's two best intents kept. For a few closeness rules the table says,
per language:

- right +btn: of the messages answered with the right topic, the share that would also get the button
  (the cost: a button nobody needed);
- wrong rescued: of the messages answered with a wrong topic, the share whose right topic the button offers
  (the gain: the person who meant B is one press from B's answer, not a menu away);
- off-topic +btn: of the out-of-scope messages the model answered with a topic anyway, the share with a button.

"Answered" is as the dialogue answers: the top intent at or over its model's threshold, and a topic (not
greet, thanks, goodbye, a person or the hours); the button needs the runner-up to be a topic too. The
held-out files (test.yml, test_situations.yml; one model on all four languages, as shipped) are scored at
the chosen setting only, as a check written apart from the data the setting was chosen on. The last table:
the chosen setting with each shipped line's own topics (a runner-up the line has no topic for is no button).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.see_also import SAFETY_RATIO, SAFETY_TOPICS, SEE_ALSO_RATIO, close_runner_up
from vikno.nlu.builtin import shipped_data_dir, train_model, training_files
from vikno.nlu.classifier import OOS_LABELS, IntentClassifier
from vikno.nlu.evaluate import Scored, cross_validate, is_crisis_label, score_examples, threshold_of
from vikno.nlu.rasa_yaml import load_examples

LANGS = ("uk", "ru", "az", "en")
#: The closeness rules compared: the runner-up's confidence within this much of the top's (a margin) ...
MARGINS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)
#: ... or at least this share of it (a ratio).
RATIOS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    close: Callable[[float, float, str], bool]


def _rules() -> list[Rule]:
    rules = [Rule("runner-up a topic (no limit)", lambda top, second, topic: True)]
    rules += [Rule(f"margin <= {m:.2f}", lambda top, second, topic, m=m: top - second <= m) for m in MARGINS]
    rules += [Rule(f"ratio >= {r:.2f}", lambda top, second, topic, r=r: second >= r * top) for r in RATIOS]
    return rules


@dataclass(frozen=True, slots=True)
class Figures:
    right: int
    right_button: int
    wrong: int
    wrong_rescued: int
    off_topic: int
    off_topic_button: int

    def cells(self) -> str:
        return (
            f"{_pct(self.right_button, self.right):>7} {_pct(self.wrong_rescued, self.wrong):>7} "
            f"{_pct(self.off_topic_button, self.off_topic):>7}"
        )


def _pct(part: int, whole: int) -> str:
    return "n/a" if not whole else f"{100 * part / whole:.1f}"


def figures(scored: Iterable[Scored], topics: set[str], close: Callable[[float, float, str], bool]) -> Figures:
    """The three shares of the docstring for one closeness rule, over ``topics`` (a line's, or every topic)."""
    right = right_button = wrong = wrong_rescued = off_topic = off_topic_button = 0
    for s in scored:
        if s.predicted() not in topics:
            continue  # not answered with a topic: a fallback, small talk, a person, the hours
        second, second_conf = s.ranking[1] if len(s.ranking) > 1 else ("", 0.0)
        button = second in topics and close(s.confidence, second_conf, second)
        if s.truth == s.top:
            right += 1
            right_button += button
        elif s.truth in OOS_LABELS:
            off_topic += 1
            off_topic_button += button
        else:  # a topic (perhaps one this line has not), or small talk, a person, the hours
            wrong += 1
            wrong_rescued += button and second == s.truth
    return Figures(right, right_button, wrong, wrong_rescued, off_topic, off_topic_button)


def _cv_scores(data: Path, k: int, path: Path | None) -> dict[str, list[Scored]]:
    if path is not None and path.exists():
        raw = json.loads(path.read_text())
        return {
            lang: [Scored(*row[:5], tuple((i, c) for i, c in row[5])) for row in rows] for lang, rows in raw.items()
        }
    out: dict[str, list[Scored]] = {}
    for lang in LANGS:
        t0 = time.perf_counter()
        exs = [e for e in load_examples(training_files(data / lang)) if not is_crisis_label(e.intent)]
        out[lang], _ = cross_validate(
            exs, k, lambda xs: IntentClassifier().fit([e.text for e in xs], [e.intent for e in xs]), top=2
        )
        print(f"  CV{k} {lang}: {len(exs)} messages, {time.perf_counter() - t0:.0f} s", flush=True)
    if path is not None:
        path.write_text(
            json.dumps(
                {
                    lang: [[s.text, s.truth, s.top, s.confidence, s.threshold, s.ranking] for s in rows]
                    for lang, rows in out.items()
                },
                ensure_ascii=False,
            )  # fmt: skip
        )
    return out


def _table(title: str, by_lang: dict[str, list[Scored]], topics: set[str], rules: Sequence[Rule]) -> None:
    print(f"\n{title}")
    by_lang = {**by_lang, "all": [s for rows in by_lang.values() for s in rows]}
    head = " | ".join(f"{lang:^23}" for lang in by_lang)
    print(f"{'':<30} {head}")
    print(f"{'rule':<30} " + " | ".join(f"{'right':>7} {'rescued':>7} {'off':>7}" for _ in by_lang))
    for rule in rules:
        print(f"{rule.name:<30} " + " | ".join(figures(by_lang[lang], topics, rule.close).cells() for lang in by_lang))
    counts = [figures(by_lang[lang], topics, lambda a, b, t: False) for lang in by_lang]
    print(
        "answered right / wrong / off-topic: "
        + ", ".join(f"{lang} {f.right} / {f.wrong} / {f.off_topic}" for lang, f in zip(by_lang, counts, strict=True))
    )


#: The lower ratios compared for a runner-up that is a safety topic (the others stay at SEE_ALSO_RATIO).
SAFETY_RATIOS = (0.4, 0.3, 0.2, 0.15, 0.1, 0.05)


def _safety_table(by_lang: dict[str, list[Scored]], topics: set[str]) -> None:
    """Per safety ratio: of the right answers, the share with a safety topic's button (the cost); of the wrong
    answers to a message about a safety topic, how many get that topic's button (the gain)."""
    print(f"\nsafety topics ({', '.join(sorted(SAFETY_TOPICS))}) as the runner-up, the others at {SEE_ALSO_RATIO}:")
    print(f"{'safety ratio':<14} " + " | ".join(f"{lang:^22}" for lang in by_lang))
    for r in SAFETY_RATIOS:
        cells = []
        for rows in by_lang.values():
            right = cost = wrong = rescued = 0
            for s in rows:
                if s.predicted() not in topics:
                    continue
                second, second_conf = s.ranking[1] if len(s.ranking) > 1 else ("", 0.0)
                safety_button = second in topics and second in SAFETY_TOPICS and second_conf >= r * s.confidence
                if s.truth == s.top:
                    right, cost = right + 1, cost + safety_button
                elif s.truth in SAFETY_TOPICS:
                    wrong, rescued = wrong + 1, rescued + (safety_button and second == s.truth)
            cells.append(f"{_pct(cost, right):>6} % {rescued:>4} / {wrong:<4}")
        mark = " (shipped)" if r == SAFETY_RATIO else ""
        print(f"{r:<14.2f} " + " | ".join(f"{c:^22}" for c in cells) + mark)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", type=int, default=5, help="folds of each language's cross-validation")
    ap.add_argument("--scores", type=Path, default=None, help="JSON file of the fold scores: read if it exists")
    ap.add_argument("--no-held-out", action="store_true", help="skip the held-out files (one more training)")
    args = ap.parse_args()
    data = shipped_data_dir()
    lines = load_helplines(shipped_helpline_folders())
    every_topic = set().union(*(set(line.topics) for line in lines.values()))
    scores = _cv_scores(data, args.cv, args.scores)
    print("\nright: share of right answers that get the button; rescued: share of wrong answers whose right topic")
    print("the button offers; off: share of off-topic messages answered with a topic that get the button (%)")
    _table(f"CV{args.cv}, every topic of the shipped lines", scores, every_topic, _rules())
    _safety_table(scores, every_topic)
    chosen = Rule(f"shipped: ratio >= {SEE_ALSO_RATIO}", close_runner_up)
    near = [chosen] + [
        Rule(f"ratio >= {r:.2f}", lambda top, second, topic, r=r: second >= r * top)
        for r in (SEE_ALSO_RATIO - 0.05, SEE_ALSO_RATIO + 0.05)
    ]
    for line_id, line in sorted(lines.items()):
        _table(f"CV{args.cv}, {line_id}'s topics only", scores, set(line.topics), [chosen])
    if not args.no_held_out:
        clf = train_model(data)
        for name in ("test.yml", "test_situations.yml"):
            held = {}
            for lang in LANGS:
                exs = [e for e in load_examples(data / lang / name) if not is_crisis_label(e.intent)]
                held[lang] = score_examples(exs, lambda t: clf.rank(t, top=2), threshold_of(clf))
            _table(f"{name}, one model on all four languages (as shipped)", held, every_topic, near)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
