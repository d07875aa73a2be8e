"""The built-in classifier on the shipped data: one row of bench/NLU_STEPS.md.

    python bench/nlu_shipped.py                      # test.yml per language + CV5 per language
    python bench/nlu_shipped.py --cv 0               # test.yml only
    python bench/nlu_shipped.py --param phrase_weight=0   # an experiment (same as the public benchmark's --param)
    python bench/nlu_shipped.py --data DIR           # train on another copy of the data (e.g. without a file)

test.yml: one model trained on all four languages' training data (as shipped), scored on each language's
held-out test.yml, and on its test_situations.yml (messages that describe a situation instead of naming
the topic, written apart from situations.yml and never trained on). CV: each language's training data
alone, K folds, each fold's model at its own threshold.
Figures: right at the operating threshold / top-1 / in-scope sent to fallback / out-of-scope caught (%).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from vikno.nlu.builtin import shipped_data_dir, train_model, training_files
from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.evaluate import cross_validate, evaluate_scored, is_crisis_label, score_examples, threshold_of
from vikno.nlu.rasa_yaml import load_examples

LANGS = ("uk", "ru", "az", "en")


def _row(ev) -> str:
    return (
        f"{100 * ev.accuracy:.1f}/{100 * ev.accuracy_no_threshold:.1f}/"
        f"{100 * ev.in_scope_fallback_rate:.1f}/{100 * ev.oos_recall:.0f}"
    )


def _per_language(clf: IntentClassifier) -> str:
    if not clf.thresholds:
        return ""
    return " (" + ", ".join(f"{lang} {t:.3f}" for lang, t in sorted(clf.thresholds.items())) + ")"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", type=int, default=5, help="folds of the per-language cross-validation (0: skip)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument(
        "--data",
        type=Path,
        default=None,
        help="training data (default: the shipped nlu/data); the held-out files are always the shipped ones",
    )
    args = ap.parse_args()
    over = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
    for key in ("char_range", "phrase_range", "dense_weights", "temperature_scales"):
        if key in over:
            over[key] = tuple(over[key])
    shipped = shipped_data_dir()
    data = args.data or shipped
    t0, c0 = time.perf_counter(), time.process_time()
    clf = train_model(data, **over)
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    for name in ("test.yml", "test_situations.yml"):
        cells = []
        clf.slow_paths, n_parsed = 0, 0
        for lang in LANGS:
            exs = [e for e in load_examples(shipped / lang / name) if not is_crisis_label(e.intent)]
            scored = score_examples(exs, lambda t: clf.rank(t, top=1), threshold_of(clf))
            n_parsed += len(exs)
            cells.append(_row(evaluate_scored(scored, clf.intents)))
        print(
            f"{name} uk ru az en: {' | '.join(cells)}   (train {train_s:.1f} s, {train_cpu:.1f} s of CPU, "
            f"threshold {clf.threshold:.3f}{_per_language(clf)}, sentence model weight {clf.report.dense_weight}, "
            f"{100 * clf.slow_paths / max(n_parsed, 1):.0f}% of messages took the encoder)",
            flush=True,
        )
    if args.cv:
        cells = []
        for lang in LANGS:
            exs = [e for e in load_examples(training_files(data / lang)) if not is_crisis_label(e.intent)]
            scored, known = cross_validate(
                exs, args.cv, lambda xs: IntentClassifier(**over).fit([e.text for e in xs], [e.intent for e in xs])
            )
            cells.append(_row(evaluate_scored(scored, known)))
        print(f"CV{args.cv} uk ru az en: {' | '.join(cells)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
