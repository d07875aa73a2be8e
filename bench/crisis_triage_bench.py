"""How well does crisis triage (rules + learned model, three levels) do on text it never saw?

Three measurements, per language (uk, ru, az, en):

1. Cross-validation on the crisis corpus (nlu/data/<lang>/crisis.yml) split
   by *kind* of message: every fold holds out whole kinds (all "giving things
   away" crises, all "school project" negatives, one help topic of the
   ordinary examples...) in every language at once, so a kind is judged by a
   model that never saw anything like it. Reported: crises caught (crisis or
   check), hard negatives sent to crisis and to check, ordinary training
   examples sent to crisis and to check.
2. The shipped held-out help-topic files (nlu/data/<lang>/test.yml), with the
   model trained on everything: crisis and check rates on ordinary traffic.
3. Optionally a fresh table (``--table DIR`` with <lang>.yml files holding
   intents ``crisis`` and anything else), run once: the honest figure.

Also the parse cost of ``RiskTriage.assess`` (median, p99, one core) and the
training time. Targets (issue 21): caught >= 95 %; hard negatives to crisis
<= 5 %, to check <= 20 %; ordinary crisis <= 0.5 %, check <= 3 %.

With ``--kinds`` the shipped setting's cross-validation is also printed kind by kind (everyday rows sent
to crisis, crisis rows caught), so that a rise is traced to the kinds that make it;
``--rows OUT`` writes each row's level and reasons there (JSON lines) for reading them. A new kind reshuffles
every fold (kinds are dealt to folds after a seeded shuffle of their names), which alone moves the figures by a few
tenths of a point: ``--seed N`` deals them otherwise, and ``--folds-of DIR`` keeps the folds an earlier corpus (e.g.
main's ``nlu/data``) gave its kinds, deals the new kinds apart and reports that corpus's rows on their own too.

    python bench/crisis_triage_bench.py [--table DIR] [--json OUT] [--kinds] [--rows OUT] [--seed N] [--folds-of DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from vikno.nlu.crisis import CrisisDetector  # noqa: E402
from vikno.nlu.crisis_model import CrisisModel, load_corpus  # noqa: E402
from vikno.nlu.rasa_yaml import load_file  # noqa: E402
from vikno.nlu.risk import Risk, RiskTriage, Thresholds  # noqa: E402

LANGS = ("uk", "ru", "az", "en")
FOLDS = 5
#: The shipped thresholds first (the fresh table is judged with them), then neighbours for the trade-off.
SETTINGS = (
    Thresholds(),
    Thresholds(0.9, 0.4, 0.6),
    Thresholds(0.85, 0.3, 0.6),
    Thresholds(0.8, 0.25, 0.5),
    Thresholds(0.7, 0.15, 0.4),
)


class _Fixed:
    """A fold's model with the scores it gave remembered (keyed by text): the settings below ask again.

    The model itself stays: the triage also scores the sentence where a rule fires, which is no row's text.
    """

    def __init__(self, model: CrisisModel) -> None:
        self.model = model
        self.scores: dict[str, float] = {}
        self.core_rules = model.core_rules

    def score(self, text: str) -> float:
        if text not in self.scores:
            self.scores[text] = self.model.score(text)
        return self.scores[text]


def kind_folds(kinds: list[str], k: int, seed: int = 7, base: list[str] | None = None) -> np.ndarray:
    """Fold number per row: whole kinds (same name in every language) go to one fold.

    With ``base`` (the kinds of an earlier corpus) those kinds keep the folds the earlier corpus gave them and the
    kinds new here are spread over the folds on their own: a new kind otherwise reshuffles every fold, and a
    before/after comparison then measures the reshuffle as much as the change.
    """
    names = sorted(set(base if base is not None else kinds))
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    fold_of = {name: i % k for i, name in enumerate(names)}
    new = sorted(set(kinds) - set(fold_of))
    np.random.default_rng(seed + 1).shuffle(new)
    fold_of.update({name: i % k for i, name in enumerate(new)})
    return np.array([fold_of[kd] for kd in kinds])


def rates(levels: list[Risk]) -> tuple[float, float]:
    n = max(1, len(levels))
    return sum(lv is Risk.CRISIS for lv in levels) / n, sum(lv is Risk.CHECK for lv in levels) / n


def pct(x: float) -> str:
    return f"{100 * x:5.1f} %"


def per_kind(corpus: list, folds: np.ndarray, triages: list[RiskTriage], show: bool, rows_out: Path | None) -> None:
    """The shipped setting's CV kind by kind: everyday kinds sent to crisis, crisis kinds not caught."""
    by: dict[tuple[str, str], list[Risk]] = defaultdict(list)
    lines = []
    for i, e in enumerate(corpus):
        if e.kind.startswith("ordinary__") and not rows_out:
            continue
        found = triages[folds[i]].assess(e.text)
        by[(e.kind, e.language)].append(found.level)
        lines.append(
            {
                "lang": e.language,
                "kind": e.kind,
                "fold": int(folds[i]),
                "text": e.text,
                "level": found.level.value,
                "reasons": list(found.reasons),
            }
        )
    if rows_out:
        rows_out.parent.mkdir(parents=True, exist_ok=True)
        rows_out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    if not show:
        return
    kinds = sorted({k for k, _ in by if not k.startswith("ordinary__")})
    print("  by kind (fold; rows uk/ru/az/en; everyday -> crisis, or crises caught):")
    for kind in kinds:
        cells = []
        for lang in LANGS:
            levels = by.get((kind, lang), [])
            if kind.startswith("safe__"):
                cells.append(f"{sum(x is Risk.CRISIS for x in levels):3d}/{len(levels):<3d}")
            else:
                cells.append(f"{sum(x is not Risk.NONE for x in levels):3d}/{len(levels):<3d}")
        fold = next(int(folds[i]) for i, e in enumerate(corpus) if e.kind == kind)
        tag = "-> crisis" if kind.startswith("safe__") else "caught  "
        print(f"    {fold} {tag} " + " ".join(cells) + f"  {kind}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "nlu" / "data")
    ap.add_argument("--table", type=Path, help="a folder of <lang>.yml files never trained on (run once)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--kinds", action="store_true", help="the shipped setting's CV kind by kind")
    ap.add_argument("--rows", type=Path, help="write each CV row's level and reasons here (JSON lines)")
    ap.add_argument(
        "--seed", type=int, default=7, help="the folds' shuffle (a new kind reshuffles them: try a few seeds)"
    )
    ap.add_argument(
        "--folds-of",
        type=Path,
        help="another data folder (e.g. main's): its kinds keep their folds, and its rows are also reported apart",
    )
    args = ap.parse_args()

    corpus = load_corpus(args.data)
    texts = [e.text for e in corpus]
    labels = np.array([e.label for e in corpus])
    kinds = [e.kind for e in corpus]
    base = load_corpus(args.folds_of) if args.folds_of else None
    folds = kind_folds(kinds, FOLDS, args.seed, base=[e.kind for e in base] if base else None)
    base_rows = {(e.language, e.kind, e.text) for e in base} if base else set()
    hard = int(((labels == 0) & np.array([k.startswith("safe__") for k in kinds])).sum())
    print(
        f"corpus: {int(labels.sum())} crisis, {hard}"
        f" hard negatives, {sum(k.startswith('ordinary__') for k in kinds)} ordinary examples; "
        f"{len(set(k for k in kinds if not k.startswith('ordinary__')))} kinds; {FOLDS} folds by kind"
    )
    topic = [e.topic for e in corpus]  # help-topic examples: never the model's negatives where a core rule fires
    fold_models: list[_Fixed] = []
    for f in range(FOLDS):
        train = folds != f
        model = CrisisModel().fit(
            [t for t, m in zip(texts, train, strict=False) if m],
            labels[train],
            topic=[t for t, m in zip(topic, train, strict=False) if m],
        )
        fold_models.append(_Fixed(model))

    started = time.perf_counter()
    full = CrisisModel().fit(texts, labels, topic=topic)
    train_seconds = time.perf_counter() - started
    rules = CrisisDetector()
    results: dict = {"train_seconds": round(train_seconds, 2), "settings": []}

    tests = {
        lang: [e.text for e in load_file(args.data / lang / "test.yml")]
        for lang in LANGS
        if (args.data / lang / "test.yml").exists()
    }
    print(f"full model trained in {train_seconds:.1f} s\n")
    print("rules alone (cross-validation rows):")
    for lang in LANGS:
        rows = [e for e in corpus if e.language == lang]
        crisis = [rules.detect(e.text).crisis for e in rows if e.label == 1]
        hard = [rules.detect(e.text).crisis for e in rows if e.kind.startswith("safe__")]
        print(
            f"  {lang}: caught {pct(float(np.mean(crisis)) if crisis else 0)}, "
            f"hard negatives flagged {pct(float(np.mean(hard)) if hard else 0)}"
        )
    for t in SETTINGS:
        cv_triages = [RiskTriage(rules, m, t) for m in fold_models]  # type: ignore[arg-type]
        triage = RiskTriage(rules, full, t)
        print(f"\nthresholds crisis_at={t.crisis_at} check_at={t.check_at} veto_below={t.veto_below}")
        print(
            "  lang | caught (crisis/check) | hard neg -> crisis | -> check | ordinary CV crisis | check"
            " | test.yml crisis | check"
        )
        setting: dict = {
            "thresholds": t.__dict__
            if hasattr(t, "__dict__")
            else {"crisis_at": t.crisis_at, "check_at": t.check_at, "veto_below": t.veto_below},
            "langs": {},
        }
        levels: dict = {}
        for lang in LANGS:
            rows = [(i, e) for i, e in enumerate(corpus) if e.language == lang]
            lv = {e: cv_triages[folds[i]].assess(e.text).level for i, e in rows}
            levels.update(lv)
            rows = [e for _, e in rows]
            crisis = [lv[e] for e in rows if e.label == 1]
            caught = sum(x is not Risk.NONE for x in crisis) / max(1, len(crisis))
            c_only = sum(x is Risk.CRISIS for x in crisis) / max(1, len(crisis))
            hard_c, hard_k = rates([lv[e] for e in rows if e.kind.startswith("safe__")])
            ord_c, ord_k = rates([lv[e] for e in rows if e.kind.startswith("ordinary__")])
            test_c, test_k = rates([triage.assess(x).level for x in tests.get(lang, [])])
            print(
                f"  {lang}   | {pct(caught)} ({pct(c_only)}) | {pct(hard_c)} | {pct(hard_k)} | {pct(ord_c)} | "
                f"{pct(ord_k)} | {pct(test_c)} | {pct(test_k)}"
            )
            setting["langs"][lang] = {
                "caught": caught,
                "crisis": c_only,
                "hard_crisis": hard_c,
                "hard_check": hard_k,
                "ordinary_crisis": ord_c,
                "ordinary_check": ord_k,
                "test_crisis": test_c,
                "test_check": test_k,
            }
        results["settings"].append(setting)
        if base_rows and t == SETTINGS[0]:
            print(f"  the rows of {args.folds_of} alone, in its folds:")
            for lang in LANGS:
                rows = [e for e in corpus if e.language == lang and (e.language, e.kind, e.text) in base_rows]
                crisis = [levels[e] for e in rows if e.label == 1]
                caught = sum(x is not Risk.NONE for x in crisis) / max(1, len(crisis))
                c_only = sum(x is Risk.CRISIS for x in crisis) / max(1, len(crisis))
                hard_c, hard_k = rates([levels[e] for e in rows if e.kind.startswith("safe__")])
                ord_c, ord_k = rates([levels[e] for e in rows if e.kind.startswith("ordinary__")])
                print(
                    f"  {lang}   | {pct(caught)} ({pct(c_only)}) | {100 * hard_c:6.2f} % | {pct(hard_k)} | "
                    f"{pct(ord_c)} | {pct(ord_k)}"
                )
        if t == SETTINGS[0] and (args.kinds or args.rows):
            per_kind(corpus, folds, cv_triages, args.kinds, args.rows)

    triage = RiskTriage(rules, full, SETTINGS[0])
    if args.table:
        print(f"\nfresh table {args.table} (thresholds of the first setting):")
        per: dict = {}
        for lang in LANGS:
            for f in sorted(args.table.glob(f"*{lang}*.yml")):
                by = defaultdict(list)
                for e in load_file(f):
                    by[e.intent == "crisis"].append(triage.assess(e.text).level)
                cr, ok = by[True], by[False]
                caught = sum(x is not Risk.NONE for x in cr) / max(1, len(cr))
                neg_c, neg_k = rates(ok)
                rule_caught = None
                print(
                    f"  {f.name}: crises {len(cr)} caught {pct(caught)} (crisis {pct(rates(cr)[0])}); "
                    f"others {len(ok)} -> crisis {pct(neg_c)}, check {pct(neg_k)}"
                )
                per[f.name] = {
                    "crises": len(cr),
                    "caught": caught,
                    "others": len(ok),
                    "others_crisis": neg_c,
                    "others_check": neg_k,
                    "rules": rule_caught,
                }
        results["table"] = per

    sample = [x for lang in LANGS for x in tests.get(lang, [])] or texts[:2000]
    for x in sample[:200]:
        triage.assess(x)
    times = []
    for x in sample:
        s = time.perf_counter_ns()
        triage.assess(x)
        times.append((time.perf_counter_ns() - s) / 1e6)
    times.sort()
    p50, p99 = statistics.median(times), times[int(0.99 * (len(times) - 1))]
    print(f"\nRiskTriage.assess on {len(times)} messages: median {p50:.3f} ms, p99 {p99:.3f} ms")
    results["assess_ms"] = {"median": p50, "p99": p99}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
