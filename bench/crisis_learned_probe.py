"""Would a learned crisis classifier next to the rules catch more? A probe, not a feature.

The crisis rules (nlu/crisis.py) reach ~100 % on every table they were
developed on and 52-60 % on a table written afterwards without reading them
(tests/nlu/test_crisis_heldout_2026_11_23.py). This probe trains the NLU's
kind of model (word 1-2-grams and char 2-5-grams, TF-IDF, logistic
regression) on the crisis tables that are development data (positives: their
crisis items; negatives: their hard negatives and the 4,747 ordinary training
examples of nlu/data) and reports, at a few thresholds:

* false alarms on the ordinary training examples, by 5-fold cross-validation
  (the share of everyday messages that would get emergency numbers);
* on the held-out table (never trained on, never tuned on: every threshold
  is printed): caught / 25 and false alarms / 25 per language, for the
  model alone and for "rules or model".

    python bench/crisis_learned_probe.py

Measured 2026-11-23 (2 cores, ~10 s): rules alone 14/15/13/14 of 25 (uk/ru/az/en);
rules or model at 0.5: 19/22/19/23 with 2-3 false alarms per 25 and 6.3 % of
ordinary training messages flagged; at 0.7: 17/20/18/19, 1-3 per 25 and 3.5 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline, make_union

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.nlu import test_crisis, test_crisis_fresh, test_crisis_independent, test_crisis_warning_signs  # noqa: E402
from tests.nlu import test_crisis_heldout_2026_11_23 as held_out  # noqa: E402
from vikno.nlu.crisis import CrisisDetector  # noqa: E402
from vikno.nlu.rasa_yaml import load_examples  # noqa: E402
from vikno.nlu.textnorm import normalize  # noqa: E402

LANGS = ("uk", "ru", "az", "en")
THRESHOLDS = (0.3, 0.5, 0.7)


def development_data() -> tuple[list[str], list[str], list[str]]:
    """Crisis items, hard negatives, ordinary training examples (all development data)."""
    crisis = [t for table in (test_crisis.CRISIS, test_crisis_independent.CRISIS,
                              test_crisis_warning_signs.WARNING_SIGNS, test_crisis_warning_signs.WARNING_SIGNS_ROUND2)
              for items in table.values() for t in items]
    crisis += [t for items in test_crisis_fresh.CRISIS.values() for _kind, t in items]
    hard = [t for table in (test_crisis.NOT_CRISIS, test_crisis_independent.NON_CRISIS,
                            test_crisis_warning_signs.ORDINARY, test_crisis_warning_signs.ORDINARY_ROUND2)
            for items in table.values() for t in items]
    hard += [t for items in test_crisis_fresh.ORDINARY.values() for _kind, t in items]
    ordinary = [e.text for e in load_examples(ROOT / "nlu" / "data")]
    return crisis, hard, ordinary


def main() -> int:
    crisis, hard, ordinary = development_data()
    texts = [normalize(t) for t in crisis + hard + ordinary]
    labels = np.array([1] * len(crisis) + [0] * (len(hard) + len(ordinary)))
    model = make_pipeline(
        make_union(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        LogisticRegression(C=10, class_weight="balanced", max_iter=2000))
    print(f"development data: {len(crisis)} crisis, {len(hard)} hard negatives, {len(ordinary)} ordinary examples")
    cv = cross_val_predict(model, texts, labels, cv=5, method="predict_proba")[:, 1]
    model.fit(texts, labels)
    rules = CrisisDetector()
    for lang in LANGS:
        items = [t for _kind, t in getattr(held_out, f"CRISIS_{lang.upper()}")]
        print(f"held-out {lang}: rules alone {sum(rules.detect(t).crisis for t in items)}/{len(items)}")
    for threshold in THRESHOLDS:
        flagged_ordinary = float(np.mean(cv[len(crisis) + len(hard):] >= threshold))
        print(f"\nthreshold {threshold}: ordinary training examples flagged (5-fold CV) {flagged_ordinary:.1%}")
        for lang in LANGS:
            pos = [t for _kind, t in getattr(held_out, f"CRISIS_{lang.upper()}")]
            neg = [t for _kind, t in getattr(held_out, f"ORDINARY_{lang.upper()}")]
            p = model.predict_proba([normalize(t) for t in pos])[:, 1] >= threshold
            n = model.predict_proba([normalize(t) for t in neg])[:, 1] >= threshold
            rp = np.array([rules.detect(t).crisis for t in pos])
            rn = np.array([rules.detect(t).crisis for t in neg])
            print(f"  {lang}: model {p.sum()}/{len(pos)} caught, {n.sum()}/{len(neg)} false alarms; "
                  f"rules or model {(p | rp).sum()}/{len(pos)}, {(n | rn).sum()}/{len(neg)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
