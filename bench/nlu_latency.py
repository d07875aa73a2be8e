"""NLU latency and training-time benchmark (one process, crisis layer included).

python bench/nlu_latency.py                 # shipped data
python bench/nlu_latency.py --data DIR      # any Rasa NLU YAML data set
python bench/nlu_latency.py --synthetic     # 15,000 examples / 150 intents
python bench/nlu_latency.py --hostile       # only language detection on long hostile messages (a second)
python bench/nlu_latency.py --param base_weight=0   # an experiment (a classifier parameter, JSON value)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir, train_model
from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.language import detect_language, prepare, strip_markup
from vikno.nlu.rasa_yaml import iter_data_files, load_examples
from vikno.nlu.synthetic import synthetic_examples


def _measure(nlu: BuiltinNLU, texts: list[str], rounds: int) -> dict[str, float]:
    for t in texts[:50]:
        nlu.parse_sync(t)
    nlu.classifier.slow_paths = 0
    lat: list[float] = []
    cpu: list[float] = []  # CPU time of the parse: on a core shared with other work, wall time measures the others
    start = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            s, c = time.perf_counter(), time.thread_time()
            nlu.parse_sync(t)
            cpu.append(time.thread_time() - c)
            lat.append(time.perf_counter() - s)
    total = time.perf_counter() - start
    lat.sort()
    cpu.sort()
    return {
        "median_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "cpu_median_ms": 1000 * statistics.median(cpu),
        "cpu_p99_ms": 1000 * cpu[int(0.99 * (len(cpu) - 1))],
        "parses_per_s": len(lat) / total,
        "n": len(lat),
        "slow_share": nlu.classifier.slow_paths / max(len(lat), 1),
    }


#: Messages of the longest size a channel takes (4,096 characters) built to make a regex work hardest: one endless
#: word (an e-mail address that never gets its @), dots between letters (a domain that never ends in .com), digits.
HOSTILE = {
    "4,096 x щ": "щ" * 4096,
    "4,096 x a": "a" * 4096,
    "2,048 x 'a.'": "a." * 2048,
    "4,096 x 1": "1" * 4096,
    "512 x '<script>'": "<script>" * 512,
    "words, 4,096 chars": ("мені потрібна допомога з субсидією " * 120)[:4096],
}


def _hostile() -> None:
    """Language detection (and the markup it strips first, also read by the dialogue) on long hostile text.

    The best of five runs, CPU time of this thread: what one such message costs the process that parses it.
    """
    prepare()
    for name, text in HOSTILE.items():
        cost = {}
        for label, f in (("detect_language", detect_language), ("strip_markup", strip_markup)):
            best = float("inf")
            for _ in range(5):
                c = time.thread_time()
                f(text)
                best = min(best, time.thread_time() - c)
            cost[label] = 1000 * best
        print(
            f"{name:>20}: detect_language {cost['detect_language']:7.2f} ms, "
            f"strip_markup {cost['strip_markup']:7.2f} ms"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="Rasa NLU YAML file or directory (default: shipped data)")
    ap.add_argument("--synthetic", action="store_true", help="15,000 examples of 150 intents")
    ap.add_argument("--intents", type=int, default=150)
    ap.add_argument("--per-intent", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hostile", action="store_true", help="only language detection on long hostile messages")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()
    over = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
    if args.hostile:
        _hostile()
        return 0

    if args.synthetic:
        pairs = synthetic_examples(args.intents, args.per_intent)
        label = f"synthetic {len(pairs)} examples / {args.intents} intents"
        t0, c0 = time.perf_counter(), time.process_time()
        clf = IntentClassifier(**over).fit([t for t, _ in pairs], [y for _, y in pairs])
        train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
        texts = [t for t, _ in random.Random(1).sample(pairs, 2000)]
    else:
        data = args.data or shipped_data_dir()
        label = str(data)
        t0, c0 = time.perf_counter(), time.process_time()
        clf = train_model(data, **over)
        train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
        # Held-out messages (test*.yml) if the data has them: the training examples themselves are what the
        # n-gram model is surest of, so they would hide how often the cascade asks the sentence encoder.
        held = [f for f in iter_data_files(data) if f.name.startswith("test")]
        texts = [e.text for e in load_examples(held or data)]
    clf.warm()
    nlu = BuiltinNLU(clf)
    r = _measure(nlu, texts, args.rounds)
    rep = clf.report
    print(f"data: {label}{'; ' + str(over) if over else ''}")
    print(
        f"training: {train_s:.2f} s ({train_cpu:.1f} s of CPU) for {rep.n_examples} examples / {rep.n_intents} intents "
        "(incl. cross-validation for calibration and threshold)"
    )
    print(f"cross-validated accuracy on training data: {100 * rep.cv_accuracy:.1f}%  threshold {rep.threshold:.3f}")
    print(
        f"parse (language + classifier + crisis): median {r['median_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms "
        f"(CPU time: median {r['cpu_median_ms']:.3f} ms, p99 {r['cpu_p99_ms']:.3f} ms), "
        f"{r['parses_per_s']:.0f} parses/s over {r['n']} parses; {100 * r['slow_share']:.1f}% took the sentence "
        f"encoder (cascade gate {rep.cascade_gate:.3f}, sentence model weight {rep.dense_weight})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
