"""The built-in classifier on a public English intent benchmark (CLINC150 format).

    python bench/nlu_public_benchmark.py PATH/data_full.json
    python bench/nlu_public_benchmark.py --clinc-mirror            # reads it from the local mirror via git
    python bench/nlu_public_benchmark.py --clinc-mirror --split val  # tune on val, never on test

Getting the data: it is https://github.com/clinc/oos-eval, file data/data_full.json. Download that file, or
clone the repository and pass its git directory to --clinc-mirror (a bare mirror works too).

The JSON holds ``train``/``val``/``test`` and ``oos_train``/``oos_val``/
``oos_test``: lists of ``[text, intent]`` (out-of-scope label ``oos``). The
data set is not part of the repository: this script converts it to Rasa NLU
YAML in a temporary folder, trains with ``vikno nlu train --data DIR --out
PATH`` and evaluates with ``vikno nlu evaluate --model PATH --data FILE
--json`` (the same code an operator runs), in two settings:

  (a) trained WITHOUT out-of-scope examples: only the fallback threshold,
      chosen from the training data (held-out intents play unseen topics);
  (b) trained WITH the ``oos_train`` examples (labelled ``oos`` in the YAML,
      which training uses as a rejection class mapped to ``nlu_fallback``).

The evaluation file holds the split's in-scope examples and its out-of-scope
examples labelled ``oos``. "in-scope accuracy" is the share of in-scope test
messages answered with the right intent AT THE MODEL'S OPERATING THRESHOLD
(a fallback answer counts as wrong); "OOS recall" is the share of out-of-scope
messages answered ``nlu_fallback`` at that same threshold.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vikno.nlu.builtin import BuiltinNLU
from vikno.nlu.cli import main as nlu_main

MIRROR = Path("/work/.mirror/clinc+oos-eval/repo")
GET_DATA = (
    "the data is github.com/clinc/oos-eval, data/data_full.json: download that file and pass its "
    "path, or clone the repository (git clone https://github.com/clinc/oos-eval) and pass --clinc-mirror "
    "PATH/.git"
)


def _yaml_line(text: str) -> str:
    return " ".join(text.split())


def write_rasa(path: Path, pairs: list[tuple[str, str]], comment: str) -> None:
    by_intent: dict[str, list[str]] = {}
    for text, intent in pairs:
        t = _yaml_line(text)
        if t:
            by_intent.setdefault(intent, []).append(t)
    lines = ['version: "3.1"', f"# {comment}", "nlu:"]
    for intent in sorted(by_intent):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {t}" for t in by_intent[intent])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = nlu_main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _latency(model: Path, texts: list[str]) -> tuple[float, float, float]:
    """Median and p99 parse time (ms), and the share of messages that took the cascade's slow path."""
    nlu = BuiltinNLU.load(model)
    for t in texts[:50]:
        nlu.parse_sync(t)
    nlu.classifier.slow_paths = 0
    lat = []
    for t in texts:
        s = time.perf_counter()
        nlu.parse_sync(t)
        lat.append(time.perf_counter() - s)
    lat.sort()
    slow = nlu.classifier.slow_paths / len(texts)
    return 1000 * statistics.median(lat), 1000 * lat[int(0.99 * (len(lat) - 1))], slow


def run_setting(data: dict, split: str, with_oos: bool, work: Path, verbose: bool) -> dict:
    name = "b_with_oos" if with_oos else "a_threshold_only"
    tdir = work / name / "train"
    train = [tuple(p) for p in data["train"]]
    if with_oos:
        train += [tuple(p) for p in data["oos_train"]]
    write_rasa(tdir / "nlu.yml", train, "converted from the public benchmark's train split")
    evalf = work / name / f"{split}.yml"
    write_rasa(evalf, [tuple(p) for p in data[split]] + [tuple(p) for p in data[f"oos_{split}"]], f"{split} split")
    model = work / name / "model.pkl"
    t0, c0 = time.perf_counter(), time.process_time()
    code, out, err = _run(["train", "--data", str(tdir), "--out", str(model)])
    train_s = time.perf_counter() - t0
    train_cpu = time.process_time() - c0  # the machine may be shared: CPU seconds are the figure to compare
    if code:
        raise SystemExit(f"train failed: {err}")
    if verbose:
        print(out, end="")
    code, out, err = _run(["evaluate", "--model", str(model), "--data", str(evalf), "--json"])
    if code:
        raise SystemExit(f"evaluate failed: {err}")
    ev = json.loads(out)
    texts = [t for t, _ in data[split]] + [t for t, _ in data[f"oos_{split}"]]
    med, p99, slow = _latency(model, texts)
    return {
        "setting": name,
        "split": split,
        "in_scope_accuracy": ev["accuracy"],
        "in_scope_accuracy_no_threshold": ev["accuracy_no_threshold"],
        "oos_recall": ev["oos_recall"],
        "macro_f1": ev["macro_f1"],
        "threshold": ev["threshold"],  # None: a threshold per language, and messages detected in several
        "thresholds": ev.get("thresholds"),
        "n_in_scope": ev["n_in_scope"],
        "n_oos": ev["n_oos"],
        "train_seconds": train_s,
        "train_cpu_seconds": train_cpu,
        "parse_median_ms": med,
        "parse_p99_ms": p99,
        "slow_path_share": slow,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="?", type=Path, help="CLINC150-style data_full.json")
    ap.add_argument(
        "--clinc-mirror",
        nargs="?",
        const=str(MIRROR),
        default=None,
        metavar="GIT_DIR",
        help=f"read data/data_full.json from this git repository's HEAD (default {MIRROR})",
    )
    ap.add_argument("--split", default="test", choices=["test", "val"], help="evaluation split (tune on val)")
    ap.add_argument("--settings", default="ab", help="a = threshold only, b = with oos_train (default: ab)")
    ap.add_argument("--json-out", action="store_true", help="print one JSON object per setting")
    ap.add_argument("--keep", type=Path, default=None, help="keep the converted data and models here")
    ap.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a classifier parameter for an experiment, e.g. oos_weight=0.2 (tune on --split val)",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.param:
        import vikno.nlu.builtin as builtin
        from vikno.nlu.classifier import IntentClassifier

        over = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}

        class _Overridden(IntentClassifier):
            def __init__(self, **p: object) -> None:
                super().__init__(**{**over, **p})

        builtin.IntentClassifier = _Overridden  # type: ignore[misc]
        print(f"parameter overrides: {over}")
    if args.json is not None:
        data = json.loads(args.json.read_text(encoding="utf-8"))
    elif args.clinc_mirror:
        if not Path(args.clinc_mirror).exists():
            raise SystemExit(f"no CLINC150 repository at {args.clinc_mirror}: {GET_DATA}")
        raw = subprocess.run(
            ["git", "--git-dir", args.clinc_mirror, "show", "HEAD:data/data_full.json"], check=True, capture_output=True
        ).stdout
        data = json.loads(raw)
    else:
        ap.error("give a JSON path or --clinc-mirror")
    ctx = contextlib.nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory()
    with ctx as tmp:
        work = Path(tmp)
        results = []
        for s in args.settings:
            r = run_setting(data, args.split, s == "b", work, args.verbose)
            results.append(r)
            if args.json_out:
                print(json.dumps(r))
                continue
            label = {
                "a": "(a) trained WITHOUT out-of-scope examples (threshold only)",
                "b": "(b) trained WITH oos_train examples (rejection class + threshold)",
            }[s]
            print(label)
            print(
                f"  {args.split}: {r['n_in_scope']} in-scope, {r['n_oos']} out-of-scope messages; "
                + (
                    f"operating threshold {r['threshold']:.3f}"
                    if r["threshold"] is not None
                    else "operating thresholds per language "
                    + ", ".join(f"{lang or 'other'} {t:.3f}" for lang, t in sorted(r["thresholds"].items()))
                )
            )
            print(
                f"  in-scope accuracy at the operating threshold: {100 * r['in_scope_accuracy']:.2f}%"
                f"   (top-1 before threshold: {100 * r['in_scope_accuracy_no_threshold']:.2f}%)"
            )
            print(f"  OOS recall at the same threshold:           {100 * r['oos_recall']:.2f}%")
            print(f"  macro-F1 (in-scope intents):                {100 * r['macro_f1']:.2f}%")
            print(
                f"  training (vikno nlu train, incl. calibration): {r['train_seconds']:.1f} s "
                f"({r['train_cpu_seconds']:.1f} s of CPU)"
            )
            print(
                f"  parse latency (language + classifier + crisis): median {r['parse_median_ms']:.3f} ms, "
                f"p99 {r['parse_p99_ms']:.3f} ms; {100 * r['slow_path_share']:.1f}% of messages took the sentence "
                "encoder (cascade's slow path)"
            )
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
