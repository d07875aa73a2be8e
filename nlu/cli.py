"""``vikno nlu ...``: train, evaluate and try the built-in NLU from a shell.

The top-level ``vikno`` CLI delegates here with the remaining arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TextIO
from collections.abc import Callable

from .builtin import BuiltinNLU, default_model_path, env_data_dir, shipped_data_dir, train_model, training_files
from .classifier import IntentClassifier, ModelFormatError
from .crisis_model import load_or_train_crisis_model
from .evaluate import (
    CURVE_THRESHOLDS,
    CurvePoint,
    cross_validate,
    evaluate_crisis,
    evaluate_scored,
    format_crisis_report,
    format_curve,
    format_report,
    is_crisis_label,
    operating_point,
    score_examples,
    threshold_curve,
    threshold_of,
)
from .risk import RiskTriage
from .types import CATCH_DEFAULT, CATCH_MAX, CATCH_MIN
from .rasa_yaml import RasaDataError, load_examples

__all__ = ["main"]


def catch_share(text: str) -> float:
    """``--catch``: a share between 0.5 and 0.99 (what ``nlu.catch`` accepts), as 0.85 or 85%."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share (e.g. 0.85 or 85%)") from None
    if not CATCH_MIN <= value <= CATCH_MAX:
        raise argparse.ArgumentTypeError(f"{text!r}: the share caught must be between {CATCH_MIN} and {CATCH_MAX}")
    return value


CATCH_ARGS = ("--catch",)
CATCH_HELP = {
    "type": catch_share,
    "default": CATCH_DEFAULT,
    "metavar": "SHARE",
    "help": "operating point: the share of topics the model was never taught that go to the fallback, as "
    f"measured on held-out folds of the training data (default {CATCH_DEFAULT}; vikno serve: nlu.catch / "
    "VIKNO_NLU_CATCH). Higher catches more off-topic messages and answers fewer in-scope ones",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vikno nlu", description="Train, evaluate and try the built-in NLU.")
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train the intent classifier on Rasa NLU YAML data")
    t.add_argument("--data", type=Path, default=None, help="file or directory of Rasa NLU YAML (default: shipped data)")
    t.add_argument(
        "--out",
        type=Path,
        default=None,
        help="model path (default: $VIKNO_DATA_DIR/nlu/model.pkl or ./.vikno-data/nlu/model.pkl)",
    )
    t.add_argument(*CATCH_ARGS, **CATCH_HELP)  # type: ignore[arg-type]  # argparse's keyword arguments

    e = sub.add_parser(
        "evaluate", help="evaluate a model on held-out Rasa NLU YAML data, or cross-validate one data set"
    )
    e.add_argument("--model", type=Path, default=None)
    e.add_argument("--data", type=Path, required=True, help="file or directory; nlu_fallback examples are out of scope")
    e.add_argument(
        "--cv",
        type=int,
        default=None,
        metavar="K",
        help="cross-validate: train K models on the training data in --data (a folder's test*.yml and "
        "crisis.yml excluded), each scoring the examples it never saw; no --model",
    )
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument(*CATCH_ARGS, **CATCH_HELP)  # type: ignore[arg-type]  # argparse's keyword arguments

    q = sub.add_parser("parse", help="parse messages (arguments, or one per line on stdin)")
    q.add_argument("--model", type=Path, default=None)
    q.add_argument("--json", action="store_true", help="one JSON object per message per line")
    q.add_argument("--languages", default=None, help="comma-separated subset of uk,ru,az,en")
    q.add_argument("text", nargs="*")

    # Run by ``vikno`` itself (bots/feedback_cli.py: it reads the store, which nlu may not import);
    # listed here so that ``vikno nlu --help`` shows it.
    sub.add_parser(
        "export-feedback",
        add_help=False,
        help="write operators' crisis / not-a-crisis marks as Rasa YAML (vikno nlu export-feedback --help)",
    )
    return p


def _model_path(arg: Path | None) -> Path:
    return arg if arg is not None else default_model_path(env_data_dir())


def _load(arg: Path | None, err: TextIO) -> BuiltinNLU | None:
    path = _model_path(arg)
    if not path.exists():
        print(f"error: no model at {path}; run 'vikno nlu train' first (or pass --model)", file=err)
        return None
    try:
        triage = RiskTriage(model=load_or_train_crisis_model(env_data_dir(), shipped_data_dir()))
        return BuiltinNLU(BuiltinNLU.load(path).classifier, triage)
    except (ModelFormatError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return None


def _progress(err: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(f"  {line}", file=err, flush=True)

    return say


def _train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data = args.data or shipped_data_dir()
    path = _model_path(args.out)
    t0 = time.perf_counter()
    print(f"training on {data}", file=err, flush=True)
    clf = train_model(data, progress=_progress(err), catch=args.catch)
    clf.save(path)
    r = clf.report
    print(
        f"trained on {r.n_examples} examples, {r.n_intents} intents from {data} in {time.perf_counter() - t0:.1f}s",
        file=out,
    )
    print(f"cross-validated accuracy (training data): {100 * r.cv_accuracy:.1f}%", file=out)
    print(
        f"fallback threshold: {r.threshold:.3f} (catches {100 * r.pseudo_oos_recall:.1f}% of unseen topics on held-out "
        f"folds; asked for {100 * args.catch:.0f}%)",
        file=out,
    )
    if r.thresholds:
        each = ", ".join(
            f"{lang} {t:.3f} (catches {100 * r.caught_by_language.get(lang, float('nan')):.1f}%)"
            for lang, t in sorted(r.thresholds.items())
        )
        print(f"per language, each on its own unseen topics: {each}", file=out)
    print(f"saved {path}", file=out)
    return 0


def _cross_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.model is not None:
        print("error: --cv trains its own models; leave out --model", file=err)
        return 2
    if args.cv < 2:
        print("error: --cv needs at least 2 folds", file=err)
        return 2
    files = training_files(args.data) if args.data.is_dir() else [args.data]
    examples = [e for e in load_examples(files) if not is_crisis_label(e.intent)]
    say = _progress(err)
    print(f"{args.cv}-fold cross-validation on {len(examples)} examples from {args.data}", file=err, flush=True)
    scored, known = cross_validate(
        examples,
        args.cv,
        lambda exs: IntentClassifier(catch=args.catch).fit([e.text for e in exs], [e.intent for e in exs]),
        progress=say,
    )
    return _report(
        evaluate_scored(scored, known),
        threshold_curve(scored, known),
        None,
        None,
        args,
        out,
        f"{args.cv}-fold cross-validation, each fold at its own model's threshold",
    )


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.cv is not None:
        return _cross_validate(args, out, err)
    nlu = _load(args.model, err)
    if nlu is None:
        return 2
    examples = load_examples(args.data)
    clf = nlu.classifier
    # A file with a crisis intent is (also) a crisis table: crises are not an intent of the classifier.
    crisis = evaluate_crisis(examples, lambda text: nlu.triage.assess(text).level.value)
    scored = score_examples(
        [e for e in examples if not is_crisis_label(e.intent)], lambda text: clf.rank(text, top=1), threshold_of(clf)
    )
    used = sorted({s.threshold for s in scored} or {clf.threshold})
    curve = threshold_curve(scored, clf.intents, sorted({*CURVE_THRESHOLDS, *(round(t, 3) for t in used)}))
    if len(used) == 1:
        return _report(evaluate_scored(scored, clf.intents), curve, used[0], crisis, args, out, None)
    # A threshold per language and messages in several: each row of the table is one threshold for all of them,
    # and one more row is the model's operating point (each message at its language's threshold).
    how = "each message at its language's threshold: " + ", ".join(
        [f"{lang} {t:.3f}" for lang, t in sorted(clf.thresholds.items())] + [f"other languages {clf.threshold:.3f}"]
    )
    own = operating_point(scored, clf.intents)
    per_language = {**clf.thresholds, "": clf.threshold}
    return _report(evaluate_scored(scored, clf.intents), curve, None, crisis, args, out, how, per_language, own)


def _report(
    ev,
    curve,
    threshold: float | None,
    crisis,
    args: argparse.Namespace,
    out: TextIO,
    how: str | None,
    per_language: dict[str, float] | None = None,
    own: CurvePoint | None = None,
) -> int:
    if args.json:
        d = ev.as_dict()
        d["threshold"] = threshold
        if per_language:
            d["thresholds"] = per_language  # the model's own per language ("" : the others')
        if own is not None:
            d["operating_point"] = {
                "accuracy": own.accuracy,
                "in_scope_fallback": own.fallback,
                "oos_recall": own.oos_caught,
            }
        d["curve"] = [
            {
                "threshold": p.threshold,
                "accuracy": p.accuracy,
                "in_scope_fallback": p.fallback,
                "oos_recall": p.oos_caught,
            }
            for p in curve
        ]
        if how:
            d["method"] = how
        d["accuracy_definition"] = (
            "in-scope accuracy at the operating threshold (a fallback answer counts as wrong); "
            "oos_recall at the same threshold"
        )
        if crisis is not None:
            d["crisis"] = crisis.as_dict()
        print(json.dumps(d, ensure_ascii=False), file=out)
    else:
        if how:
            print(how, file=out)
        print(format_report(ev), file=out)
        print("\n" + format_curve(curve, threshold if threshold is None else round(threshold, 3), own), file=out)
        if crisis is not None:
            print("\n" + format_crisis_report(crisis), file=out)
    return 0


def _parse(args: argparse.Namespace, inp: TextIO, out: TextIO, err: TextIO) -> int:
    nlu = _load(args.model, err)
    if nlu is None:
        return 2
    langs = [s.strip() for s in args.languages.split(",")] if args.languages else None
    texts = args.text if args.text else (line.rstrip("\n") for line in inp)
    for text in texts:
        if not args.text and not text.strip():
            continue
        p = nlu.parse_sync(text, langs)
        if args.json:
            rec = {
                "text": p.text,
                "language": p.language,
                "intent": p.intent,
                "confidence": round(p.confidence, 4),
                "crisis": p.crisis,
                "crisis_score": p.crisis_score,
                "crisis_category": p.crisis_category,
                "risk": p.risk,
                "risk_reasons": list(p.risk_reasons),
                "ranking": [[i, round(c, 4)] for i, c in p.ranking[:3]],
                "parts": [[i, round(c, 4)] for i, c in p.parts],
            }
            print(json.dumps(rec, ensure_ascii=False), file=out)
        else:
            flag = (
                f"  CRISIS({p.crisis_category}, {p.crisis_score:.2f})"
                if p.crisis
                else f"  CHECK({p.crisis_score:.2f})"
                if p.risk == "check"
                else f"  crisis={p.crisis_score:.2f}"
            )
            print(f"[{p.language}] {p.intent} {p.confidence:.2f}{flag}  | {p.text}", file=out)
    return 0


def main(
    argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    inp, out, err = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help / bad usage; the caller wants a code
        return int(exc.code or 0)
    try:
        if args.cmd == "train":
            code = _train(args, out, err)
        elif args.cmd == "evaluate":
            code = _evaluate(args, out, err)
        elif args.cmd == "export-feedback":
            print("error: run it as `vikno nlu export-feedback` (it reads the store)", file=err)
            return 2
        else:
            code = _parse(args, inp, out, err)
        out.flush()  # a closed pipe shows here, inside the handler below, not in the interpreter's last flush
        return code
    except RasaDataError as exc:
        print(f"error: {exc}", file=err)
        return 2
    except BrokenPipeError:
        # `vikno nlu evaluate ... | head`: the reader has what it wanted. Point stdout at /dev/null so that the
        # interpreter's final flush does not raise again, and leave without a traceback.
        if out is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a writer killed by SIGPIPE
