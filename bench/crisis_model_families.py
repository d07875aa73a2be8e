"""What does each model family buy for crisis triage? Evidence for a choice, not a feature.

Cross-validation by kind (bench/crisis_triage_bench.py's folds: whole kinds of
message held out in every language at once) for three families:

1. ``ngram``: the shipped model (nlu/crisis_model.py): TF-IDF word 1-2-grams
   and character 2-5-grams, logistic regression.
2. ``static``: static sentence embeddings (WordLlama's 256-dimension
   ``l2_supercat`` token embeddings, mean-pooled; the weights ship inside the
   PyPI wheel) with logistic regression.
3. ``ngram+static``: both feature sets side by side.

Reported per family: ROC AUC of crises against hard negatives (the grey zone,
thresholds aside), crises caught (crisis or check) and hard negatives sent to
crisis and to check at the shipped thresholds with the shipped rules, and
the cost of the features per message.

WordLlama is not a dependency of vikno; install it to run families 2-3:
``.venv/bin/pip install wordllama==0.4.0.post1``. (Its loader looks for the
tokenizer in a folder named after the file type; ``cache_dir`` pointed at the
package finds both files without any download.)

    python bench/crisis_model_families.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crisis_triage_bench import FOLDS, kind_folds  # noqa: E402
from vikno.nlu.classifier import char_grams, word_grams  # noqa: E402
from vikno.nlu.crisis import CrisisDetector  # noqa: E402
from vikno.nlu.crisis_model import core_rules, load_corpus  # noqa: E402
from vikno.nlu.risk import Thresholds  # noqa: E402
from vikno.nlu.textnorm import normalize  # noqa: E402


def static_embedder():  # type: ignore[no-untyped-def]
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        return None
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    return lambda texts: model.embed(list(texts), norm=True)


def ngram_blocks(train: list[str], test: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    wv = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True)
    cv = TfidfVectorizer(analyzer=lambda s: char_grams(s, 2, 5), sublinear_tf=True, min_df=2, max_features=150_000)
    return (sparse.hstack([wv.fit_transform(train) * 0.8, cv.fit_transform(train)]).tocsr(),
            sparse.hstack([wv.transform(test) * 0.8, cv.transform(test)]).tocsr())


def main() -> int:
    corpus = load_corpus(ROOT / "nlu" / "data")
    texts = [e.text for e in corpus]
    norms = [normalize(t) for t in texts]
    y = np.array([e.label for e in corpus])
    kinds = [e.kind for e in corpus]
    hard = np.array([k.startswith("safe__") for k in kinds])
    folds = kind_folds(kinds, FOLDS)
    rules = CrisisDetector()
    found = [rules.detect(t) for t in texts]
    embed = static_embedder()
    dense = None
    if embed is not None:
        started = time.perf_counter()
        dense = embed(texts)
        print(f"static embeddings: {1000 * (time.perf_counter() - started) / len(texts):.3f} ms a message")
    else:
        print("WordLlama not installed: only the n-gram family (pip install wordllama==0.4.0.post1 for the others)")
    families = ["ngram"] + (["static", "ngram+static"] if dense is not None else [])
    t = Thresholds()
    for family in families:
        oof = np.zeros(len(texts))
        cores: list[frozenset[str]] = [frozenset()] * FOLDS
        for f in range(FOLDS):
            tr, te = folds != f, folds == f
            parts_tr, parts_te = [], []
            if "ngram" in family:
                a, b = ngram_blocks([n for n, m in zip(norms, tr) if m], [n for n, m in zip(norms, te) if m])
                parts_tr.append(a)
                parts_te.append(b)
            if "static" in family:
                assert dense is not None
                parts_tr.append(sparse.csr_matrix(dense[tr]))
                parts_te.append(sparse.csr_matrix(dense[te]))
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)
            clf.fit(sparse.hstack(parts_tr).tocsr(), y[tr])
            oof[te] = clf.predict_proba(sparse.hstack(parts_te).tocsr())[:, 1]
            cores[f] = core_rules([x for x, m in zip(texts, tr) if m], y[tr])
        crisis = np.zeros(len(texts), dtype=bool)
        check = np.zeros(len(texts), dtype=bool)
        for i, (p, r) in enumerate(zip(oof, found)):
            core = r.crisis and any(n in cores[folds[i]] for n in r.matched)
            crisis[i] = p >= t.crisis_at or (r.crisis and p >= (t.core_veto_below if core else t.veto_below))
            check[i] = not crisis[i] and (p >= t.check_at or r.crisis)
        auc = roc_auc_score(np.r_[np.ones((y == 1).sum()), np.zeros(hard.sum())], np.r_[oof[y == 1], oof[hard]])
        caught = float(((crisis | check) & (y == 1)).sum() / (y == 1).sum())
        print(f"{family:>13}: AUC crises vs hard negatives {auc:.3f}; caught {100 * caught:.1f} %, "
              f"hard negatives to crisis {100 * crisis[hard].mean():.1f} %, to check {100 * check[hard].mean():.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
