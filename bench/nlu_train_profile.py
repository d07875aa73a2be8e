"""Where training's seconds go, and what a change does to the operating point (CLINC150 val, never test).

    taskset -c 0 python bench/nlu_train_profile.py                       # stages with CPU seconds, val figures
    taskset -c 0 python bench/nlu_train_profile.py --param C=0.5          # an experiment
    python bench/nlu_train_profile.py --embed-cache /tmp/clinc_use.npz    # reuse the examples' embeddings
    python bench/nlu_train_profile.py --cprofile 30                        # the 30 costliest functions

Trains on CLINC150 train + oos_train (15,100 examples, 150 intents) like ``bench/nlu_public_benchmark.py
--settings b`` but in this process, printing each stage of ``IntentClassifier.fit`` with wall and CPU
seconds, then scores the val split: in-scope right at the operating threshold, out-of-scope caught, top-1,
and "in@oos80" (in-scope right at the threshold that catches 80 % of val out-of-scope: an oracle point to
compare models, not an operating figure). ``--embed-cache`` stores the examples' sentence embeddings in a
file and reuses them, to spare the shared cores while trying cuts that do not touch them (its training
seconds then leave out embedding; say so next to any figure measured with it).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import time
from pathlib import Path

import numpy as np

from vikno.nlu import sentence
from vikno.nlu.classifier import IntentClassifier

MIRROR = Path("/work/.mirror/clinc+oos-eval/repo")


def clinc(mirror: Path) -> dict:
    raw = subprocess.run(
        ["git", "--git-dir", str(mirror), "show", "HEAD:data/data_full.json"], check=True, capture_output=True
    ).stdout
    return json.loads(raw)


def cached_embed(path: Path):
    real = sentence.embed
    store: dict[str, np.ndarray] = {}
    if path.exists():
        z = np.load(path, allow_pickle=False)
        store = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))

    def embed(texts):
        todo = [t for t in dict.fromkeys(texts) if t not in store]
        if todo:
            store.update(zip(todo, real(todo), strict=True))
            np.savez(path, keys=np.array(list(store)), vecs=np.stack(list(store.values())))
        return np.stack([store[t] for t in texts]) if texts else np.empty((0, sentence.DIM), np.float32)

    return embed


def score(clf: IntentClassifier, split: list, oos: list) -> dict:
    in_conf, in_ok, oos_conf = [], [], []
    for text, intent in split:
        (top, conf), *_ = clf.rank(text, top=1, language="en")
        in_conf.append(conf)
        in_ok.append(top == intent)
    for text, _ in oos:
        oos_conf.append(clf.rank(text, top=1, language="en")[0][1])
    in_conf, in_ok, oos_conf = np.array(in_conf), np.array(in_ok), np.array(oos_conf)
    th = clf.threshold_for("en")  # CLINC150 is English: its own threshold if the folds gave it one
    t80 = float(np.quantile(oos_conf, 0.8))
    return {
        "in_scope": float(np.mean(in_ok & (in_conf >= th))),
        "oos_caught": float(np.mean(oos_conf < th)),
        "top1": float(np.mean(in_ok)),
        "in@oos80": float(np.mean(in_ok & (in_conf >= t80))),
        "threshold": th,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--embed-cache", type=Path, default=None)
    ap.add_argument("--cprofile", type=int, default=0, metavar="N")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--save", type=Path, default=None, help="save the model here (e.g. for parse latency)")
    ap.add_argument(
        "--latency",
        action="store_true",
        help="parse latency (language + classifier + crisis) on val messages, one core",
    )
    args = ap.parse_args()
    data = clinc(args.mirror)
    params = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
    for k, v in params.items():
        if isinstance(v, list):
            params[k] = tuple(v)
    if args.embed_cache:
        sentence.embed = cached_embed(args.embed_cache)  # type: ignore[assignment]
    pairs = [tuple(p) for p in data["train"]] + [tuple(p) for p in data["oos_train"]]
    prof = cProfile.Profile() if args.cprofile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if prof:
        prof.enable()
    clf = IntentClassifier(**params).fit(
        [t for t, _ in pairs], [i for _, i in pairs], progress=lambda line: print("  " + line, flush=True)
    )
    if prof:
        prof.disable()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    r = clf.report
    print(
        f"training: {wall:.1f} s wall, {cpu:.1f} s CPU, load average {os.getloadavg()[0]:.1f}; {params or 'defaults'}"
        f"{' (embeddings from the cache)' if args.embed_cache else ''}; weight {r.dense_weight}, "
        f"T {clf.temperature:.2f}, threshold {clf.threshold:.3f} {clf.thresholds or ''}, gate {r.cascade_gate:.3f}, "
        f"out-of-scope caught on the folds {100 * r.pseudo_oos_recall:.1f} %, "
        f"in-scope right there {100 * r.accepted_accuracy:.1f} %"
    )
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.cprofile)
    if args.save:
        clf.save(args.save)
    if args.latency:
        import sys

        sys.path.insert(0, str(Path(__file__).parent))
        from nlu_latency import _measure

        from vikno.nlu.builtin import BuiltinNLU

        clf.warm()
        texts = [t for t, _ in data["val"]] + [t for t, _ in data["oos_val"]]
        m = _measure(BuiltinNLU(clf), texts, 2)
        print(
            f"parse on val: median {m['median_ms']:.3f} ms, p99 {m['p99_ms']:.3f} ms (CPU median "
            f"{m['cpu_median_ms']:.3f}, p99 {m['cpu_p99_ms']:.3f} ms), {100 * m['slow_share']:.1f}% slow; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    if not args.no_eval:
        v = score(clf, data["val"], data["oos_val"])
        print(
            "val: in-scope {:.2f} / OOS caught {:.1f} / top-1 {:.2f} / in@oos80 {:.2f} (threshold {:.3f})".format(
                100 * v["in_scope"], 100 * v["oos_caught"], 100 * v["top1"], 100 * v["in@oos80"], v["threshold"]
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
