"""The sentence-embedding model and the cascade that asks for it only when the n-gram model is unsure.

The gate is chosen on held-out folds (``choose_gate``), the choice per message is ``takes_slow_path``:
both pure functions, tested as tables. Then the trained model: the encoder's scores only change the answer
on the slow path, a model whose folds find no use for the encoder never loads it, and a saved model keeps
its sentence model and gate.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from vikno.nlu import sentence
from vikno.nlu.builtin import shipped_data_dir
from vikno.nlu.classifier import IntentClassifier, choose_gate, takes_slow_path
from vikno.nlu.rasa_yaml import load_examples

# (n-gram confidence, gate) -> slow path?
SLOW_PATH = [
    (0.95, 0.6, False),
    (0.6, 0.6, False),  # at the gate the n-gram answer stands
    (0.59, 0.6, True),
    (0.0, 0.6, True),
    (0.99, 2.0, True),  # a gate above 1: every message takes the encoder
    (math.nan, 0.6, True),  # never expected; the careful path
]


@pytest.mark.parametrize(("conf", "gate", "slow"), SLOW_PATH)
def test_takes_slow_path(conf: float, gate: float, slow: bool) -> None:
    assert takes_slow_path(conf, gate) is slow


# (n-gram confidences, gain answered by n-grams alone, gain answered by both, floor, tolerance) -> gate
GATES = [
    # the n-grams alone lose nothing anywhere: the gate goes down to the floor's nearest message
    ([0.9, 0.7, 0.5, 0.2], [1, 1, 1, 0], [1, 1, 1, 1], 0.4, 0.0, 0.5),
    # ...but never under the floor (the operating threshold), even where nothing would be lost
    ([0.9, 0.7, 0.5, 0.2], [1, 1, 1, 1], [1, 1, 1, 1], 0.6, 0.0, 0.7),
    # the encoder rescues the 0.5 message: the gate stays above it
    ([0.9, 0.7, 0.5, 0.45], [1, 1, 0, 1], [1, 1, 1, 1], 0.4, 0.0, 0.7),
    # a loss the tolerance covers is accepted
    ([0.9, 0.7, 0.5, 0.45], [1, 1, 0.99, 1], [1, 1, 1, 1], 0.4, 0.02, 0.45),
    # small losses add up: the second one goes past the tolerance
    ([0.9, 0.7, 0.5, 0.45], [1, 0.99, 0.99, 1], [1, 1, 1, 1], 0.4, 0.015, 0.7),
    # a gain of the n-grams alone (the encoder hurt one message) pays for a later loss
    ([0.9, 0.7, 0.5, 0.45], [1, 1, 0, 1], [1, 0, 1, 1], 0.4, 0.0, 0.45),
    # ...but not for an earlier one: every higher gate must be within the tolerance too
    ([0.9, 0.7, 0.5, 0.45], [0, 1, 1, 1], [1, 0, 1, 1], 0.4, 0.0, 2.0),
    # the cut never splits messages of one confidence: the tied 0.8s go together or not at all
    ([0.9, 0.8, 0.8, 0.5], [1, 1, 0, 1], [1, 1, 1, 1], 0.4, 0.0, 0.9),
    # order of the input does not matter
    ([0.2, 0.5, 0.9, 0.7], [0, 1, 1, 1], [1, 1, 1, 1], 0.4, 0.0, 0.5),
    # nothing above the floor: no fast path at all
    ([0.3, 0.2], [1, 1], [1, 1], 0.4, 0.0, 2.0),
]


@pytest.mark.parametrize(("conf", "fast", "slow", "floor", "tolerance", "gate"), GATES)
def test_choose_gate(conf, fast, slow, floor: float, tolerance: float, gate: float) -> None:
    got = choose_gate(np.array(conf), np.array(fast, float), np.array(slow, float), floor, tolerance)
    assert got == pytest.approx(gate)
    # and what it means: every message at or above the gate takes the fast path, and none below the floor
    assert all(not takes_slow_path(c, got) for c in conf if c >= gate)
    assert all(takes_slow_path(c, got) for c in conf if c < floor)


# sentence.embed: whitespace does not make another text, an empty one still gets a vector, rows keep order
EMBED_SAME = [
    ("how do I apply for benefits", "  how do I   apply for benefits\n"),
    ("мені потрібна допомога", "мені  потрібна допомога "),
]


@pytest.mark.parametrize(("a", "b"), EMBED_SAME)
def test_embedding_ignores_spacing(a: str, b: str) -> None:
    va, vb = sentence.embed([a, b])
    assert np.allclose(va, vb, atol=1e-6)
    assert np.linalg.norm(va) == pytest.approx(1.0, abs=1e-3)
    assert np.allclose(sentence.embed_one(b), va, atol=1e-5)  # one by one: the same vector as in a batch


def test_embedding_rows_in_order_and_empty_text() -> None:
    texts = ["I lost my job", "", "I lost my job", "my child does not go to school"]
    E = sentence.embed(texts)
    assert E.shape == (4, sentence.DIM) and np.isfinite(E).all()
    assert np.allclose(E[0], E[2])
    assert not np.allclose(E[0], E[3])


@pytest.fixture(scope="module")
def english() -> tuple[list[str], list[str]]:
    d = shipped_data_dir() / "en"
    ex = [e for f in ("nlu.yml", "situations.yml", "out_of_scope.yml") for e in load_examples(d, only=f)]
    return [e.text for e in ex], [e.intent for e in ex]


@pytest.fixture(scope="module")
def with_encoder(english) -> IntentClassifier:
    return IntentClassifier().fit(*english)


def test_folds_choose_the_sentence_model_and_a_gate(with_encoder: IntentClassifier) -> None:
    clf = with_encoder
    assert clf.uses_sentence_model
    assert clf.report.dense_weight in clf.params.dense_weights and clf.report.dense_weight > 0
    # the fast path never falls back: the gate is at or above the operating threshold
    assert clf.threshold <= clf.report.cascade_gate <= 1.0
    assert 0.0 < clf.report.slow_share < 1.0


def test_slow_path_only_below_the_gate(with_encoder: IntentClassifier) -> None:
    """A confident n-gram answer is the answer; an unsure one is answered by both models."""
    clf = with_encoder
    d = clf._dense
    assert d is not None
    texts = [e.text for e in load_examples(shipped_data_dir() / "en" / "test_situations.yml")]
    n_slow = 0
    for text in texts:
        before = clf.slow_paths
        ranking = clf.rank(text, top=3)
        ngram_conf = float(np.max(_ngram_probs(clf, text)))
        slow = clf.slow_paths > before
        assert slow is takes_slow_path(ngram_conf, d.gate)
        if not slow:
            assert ranking[0][1] == pytest.approx(ngram_conf, rel=1e-5)
        n_slow += slow
    assert 0 < n_slow < len(texts)


def _ngram_probs(clf: IntentClassifier, text: str) -> np.ndarray:
    d = clf._dense
    assert d is not None
    s = np.append(clf.scores(text), 0.0) * d.ngram_temperature
    e = np.exp(s - s.max())
    return (e / e.sum())[: len(clf.intents)]


def test_sentence_model_survives_save_and_load(with_encoder: IntentClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    with_encoder.save(path)
    loaded = IntentClassifier.load(path)
    assert loaded.uses_sentence_model
    for text in ["my landlord wants to throw us out next week", "hi", "what's the weather"]:
        got, want = loaded.rank(text), with_encoder.rank(text)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [c for _, c in got] == pytest.approx([c for _, c in want])


def test_no_sentence_model_when_the_folds_give_it_no_weight(english) -> None:
    """dense_weights (0,) is 'n-grams alone': nothing to load, and the answers are the n-gram model's."""
    clf = IntentClassifier(dense_weights=(0.0,)).fit(*english)
    assert not clf.uses_sentence_model and clf.report.dense_weight == 0.0
    before = clf.slow_paths
    clf.rank("my landlord wants to throw us out next week")
    assert clf.slow_paths == before
