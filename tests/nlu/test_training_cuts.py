"""What round 6 cut from training time on 15,000 examples, each checked to change nothing it should not.

Speed itself is measured by bench/nlu_train_profile.py, never here. What is tested: big data trains on
character n-grams from 3 letters and word-boundary n-grams up to 5 (and parse builds the same features from
the saved model), the final sentence model started from the fold models' mean ends where a cold start does,
and the log-likelihood temperature found in 20 golden-section steps is the minimum.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from vikno.nlu.builtin import shipped_data_dir
from vikno.nlu.classifier import IntentClassifier, _fit_temperature, _fold_mean, _with_null
from vikno.nlu.rasa_yaml import load_examples


@pytest.fixture(scope="module")
def english() -> tuple[list[str], list[str]]:
    ex = load_examples(shipped_data_dir() / "en", only="nlu.yml")
    return [e.text for e in ex], [e.intent for e in ex]


def _shortest(clf: IntentClassifier, block: int) -> int:
    return min(len(g) for g in clf._blocks[block].vocab)


def test_big_data_trains_on_the_shorter_ranges_and_parse_uses_them(english, tmp_path: Path) -> None:
    """Red before round 6: the ranges were (2, 5) and (3, 6) at any size (session 18: both end at 4)."""
    texts, intents = english
    big = IntentClassifier(big_data=len(texts) - 1, dense=False).fit(texts, intents)
    assert big.params.char_range == (3, 4) and big.params.phrase_range == (3, 4)
    assert _shortest(big, 1) == 3  # no character bigram (" a", "ab") in the vocabulary
    assert max(len(g) for g in big._blocks[1].vocab) == 4 and max(len(g) for g in big._blocks[2].vocab) == 4
    big.save(tmp_path / "m.pkl")
    loaded = IntentClassifier.load(tmp_path / "m.pkl")
    assert loaded.params.char_range == (3, 4) and loaded.params.phrase_range == (3, 4)
    for text in texts[:40]:
        assert loaded.rank(text, 3) == big.rank(text, 3)
    small = IntentClassifier(dense=False).fit(texts, intents)
    assert small.params.char_range == (2, 5) and small.params.phrase_range == (3, 6)
    assert _shortest(small, 1) == 2
    off = IntentClassifier(big_data=len(texts) - 1, big_data_ranges=None, dense=False).fit(texts, intents)
    assert off.params.char_range == (2, 5)


@pytest.mark.parametrize(
    ("biases", "expected"),
    [
        # two folds, both have every class: the plain mean
        ([[1.0, 3.0], [3.0, 5.0]], [2.0, 4.0]),
        # class 1 held out in the second fold (-1e9): its mean is the first fold's alone
        ([[1.0, 3.0], [3.0, -1e9]], [2.0, 3.0]),
        # a class no fold had: 0 (lbfgs starts it where a cold start would)
        ([[1.0, -1e9], [3.0, -1e9]], [2.0, 0.0]),
    ],
)
def test_fold_mean(biases, expected) -> None:
    folds = []
    for b in biases:
        b = np.array(b, dtype=np.float32)
        W = np.where(b > -1e8, b, 0.0)[None, :].repeat(4, axis=0).astype(np.float32)  # weights = the bias, or 0
        folds.append((W, b))
    W, b = _fold_mean(folds)
    assert np.allclose(b, expected)
    assert np.allclose(W, np.array(expected)[None, :].repeat(4, axis=0))
    assert _fold_mean([]) is None


def test_a_warm_started_sentence_model_ends_where_a_cold_one_does() -> None:
    rng = np.random.default_rng(3)
    k, dim, per = 8, 32, 60
    centres = rng.normal(size=(k, dim))
    E = np.concatenate([c + rng.normal(scale=1.5, size=(per, dim)) for c in centres]).astype(np.float32)
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    y = np.repeat(np.arange(k), per)
    clf = IntentClassifier()
    rows = np.arange(len(y))
    halves = [clf._dense_fit(E, y, rows[rows % 2 == h], k) for h in (0, 1)]
    cold = clf._dense_fit(E, y, rows, k)
    warm = clf._dense_fit(E, y, rows, k, _fold_mean(halves))
    s_cold, s_warm = E @ cold[0] + cold[1], E @ warm[0] + warm[1]
    assert np.mean(s_cold.argmax(1) == s_warm.argmax(1)) >= 0.99
    assert np.allclose(s_cold, s_warm, atol=0.05 * np.abs(s_cold).max())


@pytest.mark.parametrize("spread", [0.3, 1.0, 3.0, 10.0])
def test_the_temperature_is_the_likelihood_minimum(spread: float) -> None:
    rng = np.random.default_rng(int(spread * 10))
    y = rng.integers(0, 5, 400)
    scores = rng.normal(scale=spread, size=(400, 5)).astype(np.float32)
    scores[np.arange(400), y] += spread  # the right intent scores higher, more or less
    t = _fit_temperature(scores, y)
    s = _with_null(scores).astype(np.float64)

    def nll(temp: float) -> float:
        z = s * temp
        z -= z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(400), y]))

    grid = np.exp(np.linspace(math.log(0.1), math.log(200.0), 20001))
    best = grid[int(np.argmin([nll(g) for g in grid]))]
    assert t == pytest.approx(best, rel=2e-3)
