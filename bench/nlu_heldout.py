"""The shipped classifier on a folder of held-out topic files written outside the repository, one per language.

    python bench/nlu_heldout.py DIR                   # DIR/uk.yml, DIR/ru.yml, DIR/az.yml, DIR/en.yml
    python bench/nlu_heldout.py DIR --model M.pkl     # an already trained model (else: trained on the shipped data)
    python bench/nlu_heldout.py DIR --misses          # also list each wrong message (after the first run only)

Why a script of its own: issue 23's aim for the help topics is a fresh table per round, written by someone who has
read neither the rules nor the data, and run once; the first run's figure is the honest one. Each file is in Rasa's
NLU YAML like nlu/data/<lang>/test.yml; ``nlu_fallback`` examples are out of scope.

Figures per language: right at the operating threshold (each message at the threshold of its detected language, as
``parse`` does) / in-scope sent to "I did not understand" / out-of-scope caught, then top-1 and top-2 with the file's
language given (the ceiling a threshold cannot pass).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from vikno.nlu.builtin import shipped_data_dir, train_model
from vikno.nlu.classifier import OOS_LABELS, IntentClassifier
from vikno.nlu.evaluate import evaluate_scored, is_crisis_label, score_examples, threshold_of
from vikno.nlu.rasa_yaml import load_examples

LANGS = ("uk", "ru", "az", "en")


def _top_1_and_2(clf: IntentClassifier, exs: list, lang: str) -> tuple[float, float]:
    """In-scope messages whose intent is first, and first or second, with the file's language given."""
    ins = [e for e in exs if e.intent not in OOS_LABELS]
    ranked = [(e.intent, [i for i, _ in clf.rank(e.text, top=2, language=lang)]) for e in ins]
    n = max(len(ins), 1)
    return 100 * sum(truth == top[0] for truth, top in ranked) / n, 100 * sum(truth in top for truth, top in ranked) / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="folder with <lang>.yml held-out files")
    ap.add_argument("--model", type=Path, default=None, help="a saved IntentClassifier (default: train one)")
    ap.add_argument("--save", type=Path, default=None, help="save the trained model here")
    ap.add_argument("--misses", action="store_true", help="print the wrong messages")
    args = ap.parse_args()
    t0 = time.perf_counter()
    clf = IntentClassifier.load(args.model) if args.model else train_model(shipped_data_dir())
    if args.save and not args.model:
        clf.save(args.save)
    print(
        f"model ready in {time.perf_counter() - t0:.1f} s; thresholds "
        + ", ".join(f"{k} {v:.3f}" for k, v in sorted((clf.thresholds or {}).items())),
        flush=True,
    )
    print(f"{'lang':<5} {'n':>4} {'right':>6} {'fallback':>9} {'oos caught':>11} {'top-1':>6} {'top-2':>6}")
    for lang in LANGS:
        path = args.dir / f"{lang}.yml"
        if not path.exists():
            continue
        exs = [e for e in load_examples(path) if not is_crisis_label(e.intent)]
        scored = score_examples(exs, lambda t: clf.rank(t, top=1), threshold_of(clf))
        ev = evaluate_scored(scored, clf.intents)
        top1, top2 = _top_1_and_2(clf, exs, lang)
        print(
            f"{lang:<5} {len(exs):>4} {100 * ev.accuracy:>6.1f} {100 * ev.in_scope_fallback_rate:>9.1f} "
            f"{100 * ev.oos_recall:>11.1f} {top1:>6.1f} {top2:>6.1f}",
            flush=True,
        )
        if args.misses:
            for s_ in scored:
                truth = "nlu_fallback" if s_.truth in OOS_LABELS else s_.truth
                if s_.predicted() != truth:
                    print(f"    {truth:>22} -> {s_.predicted():<22} {s_.confidence:.2f}  {s_.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
