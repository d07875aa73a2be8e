"""What reading a longer message's sentences apart buys and costs (nlu/message_parts.py, flows/see_also.py).

    python bench/message_parts.py                          # the shipped test files, a model trained here
    python bench/message_parts.py --model m.pkl FILE ...   # any Rasa YAML files (intent = the right topic)

With one model on the shipped data (as ``vikno serve`` trains it), every message of the files is parsed as the
dialogue sees it, and the safety sentence rule is applied as the dialogue applies it (``runner_up``,
``safety_instead`` with every shipped topic). Per language:

- several: messages of two sentences or more (read apart by the NLU); second half: messages the engine reads the
  second half of (no sentences read apart, read as a whole as a pleasantry, the hours or nothing, 4+ words);
- safety said, gained: of the messages whose right topic is a safety topic and that the whole message answered
  otherwise, those the rule answers with it or puts one press away;
- other, safety offered: of the messages whose right topic is NOT a safety topic, those that get a safety
  button (the cost: a line to read) or a safety answer instead (the cost: the wrong text);
- parse: median and 99th percentile, wall ms, over the messages of several sentences, of the whole parse (the
  crisis layer and the sentences included, as in bench/nlu_latency.py) and of the sentences' reading alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial
from collections import defaultdict
from pathlib import Path

from vikno.flows.see_also import SAFETY_TOPICS, runner_up, safety_instead, tail, with_tail
from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir, train_model, training_files
from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.message_parts import read_parts, sentences
from vikno.nlu.rasa_yaml import load_file
from vikno.nlu.types import Parse

LANGS = ("uk", "ru", "az", "en")


def _files(data: Path) -> list[Path]:
    return [p for lang in LANGS for p in sorted((data / lang).glob("test*.yml"))]


def _p99(xs: list[float]) -> float:
    return sorted(xs)[min(len(xs) - 1, int(0.99 * len(xs)))] if xs else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="Rasa YAML files named <lang>*.yml or under <lang>/")
    ap.add_argument("--model", type=Path, help="a trained intent model (else one is trained on the shipped data)")
    args = ap.parse_args()
    data = shipped_data_dir()
    if args.model:
        clf = IntentClassifier.load(args.model)
    else:
        t = time.perf_counter()
        clf = train_model(training_files(data))
        print(f"trained on the shipped data in {time.perf_counter() - t:.0f} s")
    nlu = BuiltinNLU(clf)
    topics = set(clf.intents)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    times: dict[str, list[float]] = defaultdict(list)
    examples = []
    for f in args.files or _files(data):
        lang = f.parent.name if f.parent.name in LANGS else f.name[:2]
        examples += [(lang, e) for e in load_file(f)]
    for _, e in examples[:50]:  # the first parses load the encoder and fill caches: not a parse's cost
        nlu.parse_sync(e.text)
    for lang, e in examples:
        r = rows[lang]
        r["messages"] += 1
        several = bool(sentences(e.text))
        t = time.perf_counter()
        parse = nlu.parse_sync(e.text, [lang])
        spent = (time.perf_counter() - t) * 1000
        rest = tail(parse)  # as the engine does: a second parse of the second half
        if rest is not None:
            r["tails"] += 1
            parse = with_tail(parse, nlu.parse_sync(rest, [lang]))
        elif not several:
            continue
        if several:
            r["several"] += 1
            times[f"{lang} parse"].append(spent)
            language = parse.language
            t = time.perf_counter()
            read_parts(e.text, partial(_rank_words, clf, language), clf.threshold_for(language))
            times[f"{lang} parts"].append((time.perf_counter() - t) * 1000)
        said = _said(parse, topics)
        if e.intent in SAFETY_TOPICS:
            r["safety"] += 1
            if parse.intent != e.intent:
                r["safety missed whole"] += 1
                r["safety gained"] += said == e.intent
        else:
            r["other"] += 1
            r["other offered"] += said in SAFETY_TOPICS
    print(
        "| language | messages | several sentences / second half read | safety: missed as a whole / gained "
        "| other: safety given |"
    )
    print("|---|---|---|---|---|")
    for lang in LANGS:
        r = rows[lang]
        print(
            f"| {lang} | {r['messages']} | {r['several']} / {r['tails']} | "
            f"{r['safety missed whole']} of {r['safety']} / {r['safety gained']} | "
            f"{r['other offered']} of {r['other']} |"
        )
    print("\nmessages of several sentences, wall ms (median / p99): the whole parse (crisis layer and the")
    print("sentences included) / the sentences' share alone")
    for lang in LANGS:
        whole, parts = times[f"{lang} parse"], times[f"{lang} parts"]
        if whole:
            print(
                f"  {lang}: {statistics.median(whole):.2f} / {_p99(whole):.2f} ; "
                f"{statistics.median(parts):.2f} / {_p99(parts):.2f} (n={len(whole)})"
            )


def _rank_words(clf: IntentClassifier, language: str | None, text: str) -> list[tuple[str, float]]:
    return clf.rank_words(text, top=1, language=language)


def _said(parse: Parse, topics: set[str]) -> str | None:
    """The safety topic the rule answers or offers for this parse, else None."""
    understood = parse.intent
    instead = safety_instead(parse, understood, topics)
    if instead is not None:
        return instead
    return runner_up(parse, understood, topics) if understood not in ("nlu_fallback",) else None


if __name__ == "__main__":
    main()
