"""The built-in intent classifier: TF-IDF word + character n-grams, linear SVM,
temperature-calibrated confidence and an out-of-scope threshold.

Why this shape:
- character n-grams inside words (2-5) carry Ukrainian/Russian/Azerbaijani
  inflection and typos ("допомогу", "допомоги", "дапамога") without a
  lemmatiser; word uni/bigrams carry meaning ("не можу", "з'єднайте з");
- a linear SVM trains in seconds on 15,000 messages and its margins rank
  intents well; its raw scores are not probabilities, so a softmax
  temperature is fitted on out-of-fold scores (cross-validation on the
  training data only) to make ``confidence`` mean something;
- the out-of-scope threshold is also chosen from training data alone: whole
  intents are held out in turn (inside the cross-validation folds, so that
  calibrating costs no extra fits) and play the part of unseen topics, so the
  threshold is the one that separates "an intent I know" from "something I was
  never taught" best, instead of one fitted to a test set;
- out-of-scope examples in the training data (``nlu_fallback``, ``oos`` or
  ``out_of_scope``; see :data:`OOS_LABELS`) are not an intent: they train a
  rejection class whose share of the softmax is "none of my intents" (so it
  lowers every intent's confidence instead of being answered), and their
  out-of-fold confidences join the pseudo out-of-scope set the threshold is
  chosen on.

Inference does not go through scikit-learn (its per-call overhead is ~0.5 ms):
features are looked up in the fitted vocabularies and multiplied with the
weight rows they touch, which takes tens of microseconds.
"""

from __future__ import annotations

import math
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .noise import AZ_PLAIN, latin_twin
from .textnorm import normalize, tokens

__all__ = [
    "FORMAT_VERSION",
    "OOS_LABELS",
    "IntentClassifier",
    "TrainReport",
    "char_grams",
    "phrase_grams",
    "stem_grams",
    "word_grams",
    "ModelFormatError",
]

FORMAT_VERSION = 4  # 4: a third block of word-boundary character n-grams (phrase_grams); 3: fold_az
# Labels that mean "out of scope" in Rasa data written by different people: Rasa's
# own fallback intent, CLINC150's "oos" and the spelled-out variant.
OOS_LABELS = frozenset({"nlu_fallback", "oos", "out_of_scope"})
_MAGIC = "vikno-nlu-intent-classifier"


class ModelFormatError(ValueError):
    """A model file that is not ours or was written by an incompatible version."""


_AZ_FOLD = str.maketrans(AZ_PLAIN)


def fold_az(norm: str) -> str:
    """Azerbaijani's own letters as typed on a phone without them (ə->e, ş->s, ı->i...).

    Many Azerbaijani messages are typed "yasamaq", "komek", "usaq"; with the
    letters kept apart the two spellings of one word share no word feature and few
    character n-grams, so each had to be taught separately. Folding costs little:
    no two intents differ only by these letters.
    """
    return norm.translate(_AZ_FOLD)


def word_grams(norm: str) -> list[str]:
    toks = tokens(norm)
    out = list(toks)
    out.extend(f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False))
    return out


def stem_grams(norm: str, keep: int = 5) -> list[str]:
    """Word uni- and bigrams of the words' first ``keep`` letters, marked apart from the whole words.

    Ukrainian, Russian and Azerbaijani put the grammar at the end of the word
    ("допомогу/допомоги/допомогою", "uşağa/uşağım/uşaqlar"): cutting every word
    to its first letters is the lightest stemmer there is and needs no word list
    per language, and a bigram of two stems keeps the phrase whatever the endings.
    """
    stems = [w[:keep] for w in tokens(norm)]
    out = [f"~{w}" for w in stems]
    out.extend(f"~{a} {b}" for a, b in zip(stems, stems[1:], strict=False))
    return out


def char_grams(norm: str, lo: int = 2, hi: int = 5) -> list[str]:
    out: list[str] = []
    for w in tokens(norm):
        w = f" {w} "
        n_max = min(hi, len(w))
        for n in range(lo, n_max + 1):
            out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


def phrase_grams(norm: str, lo: int = 3, hi: int = 6) -> list[str]:
    """Character n-grams that span a word boundary: the end of one word with the start of the next.

    Word bigrams need both words spelled exactly as taught; character n-grams
    inside words forget which words stood together. The joints between words
    ("ng my b" in "cancel**ing my b**ooking", "у з'є" in "допомог**у з'є**днати")
    keep the phrase while tolerating a different ending or a typo in either
    word. Measured on CLINC150 val: +0.4 top-1, +1.4 points in-scope at 80 %
    out-of-scope caught.
    """
    s = f" {norm} "
    out: list[str] = []
    for n in range(lo, min(hi, len(s)) + 1):
        for i in range(len(s) - n + 1):
            g = s[i : i + n]
            if " " in g[1:-1]:
                out.append(g)
    return out


@dataclass
class _Block:
    """One TF-IDF block (vocabulary, idf); rows of the weight matrix are per feature."""

    vocab: dict[str, int]
    idf: np.ndarray  # float32 (n_features,)
    offset: int  # position of this block's first feature in the weight matrix
    weight: float  # block weight relative to the other block

    def vector(self, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        vocab = self.vocab
        for g in grams:
            j = vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        vals = (1.0 + np.log(tf)) * self.idf[idx]
        norm = float(np.sqrt(vals @ vals))
        if norm > 0:
            vals *= self.weight / norm
        return idx + self.offset, vals


@dataclass
class TrainReport:
    """What training measured on the training data itself (cross-validated)."""

    n_examples: int = 0
    n_intents: int = 0
    cv_accuracy: float = float("nan")
    temperature: float = 1.0
    threshold: float = 0.0
    pseudo_oos_recall: float = float("nan")
    n_oos_examples: int = 0
    accepted_accuracy: float = float("nan")
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Params:
    C: float = 1.0
    # (2, 4) and word_weight 1.0 measured +0.3 pt top-1 on CLINC150 val but moved the shipped az
    # figures and OOS recall down by a few examples, so the original features stay.
    char_range: tuple[int, int] = (2, 5)
    word_weight: float = 0.6  # chosen by the cross-validated objective (held-out intents), not the test files
    char_weight: float = 1.0
    phrase_weight: float = 0.5  # word-boundary n-grams (phrase_grams); 0 leaves the block out
    phrase_range: tuple[int, int] = (3, 6)
    stem_letters: int = 5  # >0: the word block also has uni/bigrams of words cut to this many letters (stem_grams)
    char_min_df: int = 2
    max_char_features: int = 120_000
    cv_folds: int = 3
    holdout_rounds: int = 3
    big_data: int = 10_000  # above this many examples one holdout round fewer (each round is thousands of examples)
    holdout_fraction: float = 0.25
    calibration: str = "folded"  # "folded": unseen topics held out inside the CV folds; "separate": extra fits
    unseen_fraction: float = 0.15  # "folded": share of intents each CV fold's model leaves out whole
    oos_weight: float = 0.5  # how much one caught out-of-scope message is worth vs one in-scope message
    real_oos_share: float = 0.5  # weight of real out-of-scope training examples vs held-out intents in that rate
    class_weight: str | None = "balanced"
    seed: int = 13
    fold_az: bool = True  # features see Azerbaijani letters folded to plain ones (fold_az)
    latin_twins: bool = True  # each Cyrillic training example also trains in Latin letters (noise.latin_twin)


class IntentClassifier:
    """Fit on (text, intent) pairs; ``rank`` returns calibrated (intent, confidence) best first."""

    def __init__(self, **params: object) -> None:
        self.params = _Params(**params)  # type: ignore[arg-type]  # _Params' own fields; its constructor rejects others
        self.intents: list[str] = []
        self._blocks: list[_Block] = []
        self._W: np.ndarray | None = None  # (n_features, n_intents) float32
        self._b: np.ndarray | None = None
        self.temperature = 1.0
        self.threshold = 0.0
        self.has_reject = False  # last weight column is the out-of-scope rejection class
        self.report = TrainReport()

    # ----------------------------------------------------------------- features
    def _fit_blocks(self, texts: Sequence[str]) -> tuple[list[_Block], Any]:  # Any: a scipy sparse matrix
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        p = self.params
        norms = [self._norm(t) for t in texts]
        wv = TfidfVectorizer(analyzer=self._word_feats, sublinear_tf=True, dtype=np.float32)
        lo, hi = p.char_range
        cv = TfidfVectorizer(
            analyzer=lambda s: char_grams(s, lo, hi),
            sublinear_tf=True,
            dtype=np.float32,
            min_df=p.char_min_df if len(texts) >= 200 else 1,
            max_features=p.max_char_features,
        )
        parts = [(wv, p.word_weight), (cv, p.char_weight)]
        if p.phrase_weight > 0:
            plo, phi = p.phrase_range
            pv = TfidfVectorizer(
                analyzer=lambda s: phrase_grams(s, plo, phi),
                sublinear_tf=True,
                dtype=np.float32,
                min_df=p.char_min_df if len(texts) >= 200 else 1,
                max_features=p.max_char_features,
            )
            parts.append((pv, p.phrase_weight))
        blocks: list[_Block] = []
        mats = []
        offset = 0
        for vec, weight in parts:
            mats.append(vec.fit_transform(norms) * weight)
            blocks.append(_Block(dict(vec.vocabulary_), vec.idf_.astype(np.float32), offset, weight))
            offset += len(vec.vocabulary_)
        return blocks, sparse.hstack(mats, format="csr")

    def _word_feats(self, norm: str) -> list[str]:
        keep = self.params.stem_letters
        return word_grams(norm) + stem_grams(norm, keep) if keep > 0 else word_grams(norm)

    def _norm(self, text: str) -> str:
        norm = normalize(text)
        return fold_az(norm) if self.params.fold_az else norm

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        norm = self._norm(text)
        lo, hi = self.params.char_range
        parts = [self._blocks[0].vector(self._word_feats(norm)), self._blocks[1].vector(char_grams(norm, lo, hi))]
        if len(self._blocks) > 2:
            plo, phi = self.params.phrase_range
            parts.append(self._blocks[2].vector(phrase_grams(norm, plo, phi)))
        return np.concatenate([i for i, _ in parts]), np.concatenate([v for _, v in parts])

    # ----------------------------------------------------------------- training
    def _svm(self):
        from sklearn.svm import LinearSVC

        p = self.params
        return LinearSVC(C=p.C, class_weight=p.class_weight, dual=True, max_iter=3000, tol=1e-3)

    def _fit_scores(self, X, y: np.ndarray, train: np.ndarray, test: np.ndarray, n_classes: int) -> np.ndarray:
        """Decision scores for ``test`` rows from a model fitted on ``train`` rows (classes absent -> -inf)."""
        clf = self._svm()
        classes = np.unique(y[train])
        if len(classes) < 2:
            out = np.full((len(test), n_classes), -1e9, dtype=np.float32)
            out[:, classes[0]] = 1.0
            return out
        clf.fit(X[train], y[train])
        dec = clf.decision_function(X[test])
        if dec.ndim == 1:  # binary: sklearn returns one column
            dec = np.stack([-dec, dec], axis=1)
        out = np.full((len(test), n_classes), -1e9, dtype=np.float32)
        out[:, clf.classes_] = dec
        return out

    def fit(
        self,
        texts: Sequence[str],
        intents: Sequence[str],
        oos_texts: Sequence[str] = (),
        progress: Callable[[str], None] | None = None,
    ) -> IntentClassifier:
        """Train on (text, intent) pairs; ``oos_texts`` are out-of-scope examples (a rejection class).

        Pairs whose intent is one of :data:`OOS_LABELS` are moved to ``oos_texts``. ``progress`` hears one
        line per stage (examples, features, seconds so far): training takes seconds to a minute, and a
        helpline editing its data should see it move.
        """
        import time

        t0 = time.perf_counter()

        def say(stage: str) -> None:
            if progress is not None:
                progress(f"{stage} ({time.perf_counter() - t0:.1f} s)")

        if len(texts) != len(intents):
            raise ValueError("texts and intents differ in length")
        oos_texts = list(oos_texts) + [t for t, i in zip(texts, intents, strict=True) if i in OOS_LABELS]
        pairs = [(t, i) for t, i in zip(texts, intents, strict=True) if i not in OOS_LABELS]
        texts, intents = [t for t, _ in pairs], [i for _, i in pairs]
        if len(set(intents)) < 2:
            raise ValueError("need at least two intents to train a classifier")
        p = self.params
        self.intents = sorted(set(intents))
        index = {name: i for i, name in enumerate(self.intents)}
        k = len(self.intents)
        self.has_reject = len(oos_texts) >= 2
        if not self.has_reject:
            oos_texts = []
        y0 = np.array([index[i] for i in intents] + [k] * len(oos_texts))
        originals = list(texts) + list(oos_texts)
        # Latin twins (people type Ukrainian and Russian in Latin letters) train with their original's label and
        # always sit in its fold, so cross-validation never scores a message whose twin it trained on.
        twin_of: list[int] = []
        twins: list[str] = []
        if p.latin_twins:
            for j, t in enumerate(originals):
                tw = latin_twin(t)
                if tw is not None and self._norm(tw) != self._norm(t):
                    twin_of.append(j)
                    twins.append(tw)
        source = np.concatenate([np.arange(len(originals)), np.array(twin_of, dtype=np.int64)])
        y = y0[source]
        self._blocks, X = self._fit_blocks(originals + twins)
        n0, n = len(y0), len(y)
        say(
            f"features: {n0} examples ({len(oos_texts)} out of scope, {len(twins)} Latin twins added), "
            f"{k} intents, {X.shape[1]} features"
        )
        is_twin = np.arange(n) >= n0
        n_cols = k + 1 if self.has_reject else k  # score columns: intents, then the rejection class
        is_oos = y == k
        rng = np.random.default_rng(p.seed)
        notes: list[str] = []

        # 1) Out-of-fold scores (stratified folds) -> CV accuracy and temperature, on the originals only;
        # 2) pseudo out-of-scope: whole intents held out, their examples scored by a model that never saw
        #    them, so the threshold is the one that best separates "an intent I know" from "a topic I was
        #    never taught". See _calibration_scores for the two ways of getting both.
        oof, real_oos, oos_conf = self._calibration_scores(X, y, y0, source, is_twin, is_oos, k, n_cols, rng, say)
        keep = ~is_oos & ~is_twin & ~np.isnan(oof[:, 0])
        oof, y_in = oof[keep], y[keep]
        cv_acc = float(np.mean(oof[:, :k].argmax(1) == y_in))
        self.temperature = _fit_temperature(oof, y_in)
        in_conf = _softmax_max(oof, self.temperature, k)
        in_ok = oof[:, :k].argmax(1) == y_in
        oos_conf = [_softmax_max(s, self.temperature, k) for s in oos_conf]
        real_conf = _softmax_max(real_oos, self.temperature, k) if len(real_oos) else np.empty(0)
        if oos_conf or len(real_conf):
            oc = np.concatenate(oos_conf) if oos_conf else real_conf
            self._calibration = (in_conf, in_ok, oc, real_conf)  # for diagnostics; not saved
            self.threshold, pseudo_recall, acc_at = _choose_threshold(
                in_conf, in_ok, oc, p.oos_weight, real_conf if oos_conf and len(real_conf) else None, p.real_oos_share
            )
        else:
            self.threshold, pseudo_recall, acc_at = 0.0, float("nan"), cv_acc
            notes.append("fewer than 4 intents: no out-of-scope threshold")

        # 3) Final model on everything.
        clf = self._svm()
        clf.fit(X, y)
        coef = clf.coef_
        inter = clf.intercept_
        if n_cols == 2:
            coef = np.vstack([-coef[0], coef[0]])
            inter = np.array([-inter[0], inter[0]])
        self._W = np.ascontiguousarray(coef.T, dtype=np.float32)
        self._b = inter.astype(np.float32)
        say("final model")
        self.report = TrainReport(
            n_examples=n0,
            n_intents=k,
            cv_accuracy=cv_acc,
            temperature=self.temperature,
            threshold=self.threshold,
            pseudo_oos_recall=pseudo_recall,
            n_oos_examples=len(oos_texts),
            accepted_accuracy=acc_at,
            seconds=time.perf_counter() - t0,
            notes=notes,
        )
        return self

    def _calibration_scores(
        self,
        X: Any,
        y: np.ndarray,
        y0: np.ndarray,
        source: np.ndarray,
        is_twin: np.ndarray,
        is_oos: np.ndarray,
        k: int,
        n_cols: int,
        rng: np.random.Generator,
        say: Callable[[str], None],
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """Out-of-fold scores of the examples (NaN rows: not scored), of the real out-of-scope examples, and
        of held-out intents' examples (a list of score matrices, the held intents' columns at -1e9).

        ``calibration="folded"`` (default) gets all three from the cross-validation folds alone: fold f's
        model also leaves out a disjoint group of whole intents (``unseen_fraction`` of them), whose
        examples, in every fold, are then topics that model was never taught; the other intents' fold-f
        examples are its in-scope out-of-fold scores. Three SVM fits on about half the data each, instead
        of three CV fits plus two or three unseen-topic fits on three quarters of it: the calibration cost
        two thirds of training time on 15,000 examples. ``"separate"`` is the earlier way (kept to compare).
        """
        p = self.params
        n = len(y)
        folds = _stratified_folds(y0, p.cv_folds, rng)[source]
        oof = np.full((n, n_cols), np.nan, dtype=np.float32)
        unseen: list[np.ndarray] = []
        if p.calibration == "folded":
            groups: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * p.cv_folds
            if k >= 4:
                n_out = max(1, int(round(k * p.unseen_fraction)))
                order = rng.permutation(k)
                groups = [np.roll(order, -f * n_out)[:n_out] for f in range(p.cv_folds)]  # disjoint while 3 × share ≤ 1
            for f in range(p.cv_folds):
                held = groups[f]
                is_held = np.isin(y, held)
                train = np.flatnonzero((folds != f) & ~is_held)
                test = np.flatnonzero(((folds == f) | is_held) & ~is_twin)
                scores = self._fit_scores(X, y, train, test, n_cols)
                held_rows = is_held[test]
                oof[test[~held_rows]] = scores[~held_rows]
                if held_rows.any():
                    s = scores[held_rows]
                    s[:, held] = -1e9
                    unseen.append(s)
                say(f"cross-validation {f + 1}/{p.cv_folds}")
        else:
            for f in range(p.cv_folds):
                test = np.flatnonzero((folds == f) & ~is_twin)
                train = np.flatnonzero(folds != f)
                oof[test] = self._fit_scores(X, y, train, test, n_cols)
                say(f"cross-validation {f + 1}/{p.cv_folds}")
            if k >= 4:
                n_out = max(1, int(round(k * p.holdout_fraction)))
                rounds = p.holdout_rounds if n <= p.big_data else max(1, p.holdout_rounds - 1)
                for r in range(rounds):
                    held = rng.choice(k, size=n_out, replace=False)
                    mask = np.isin(y, held)
                    scores = self._fit_scores(X, y, np.flatnonzero(~mask), np.flatnonzero(mask & ~is_twin), n_cols)
                    scores[:, held] = -1e9
                    unseen.append(scores)
                    say(f"unseen-topic round {r + 1}/{rounds}")
        real = is_oos & ~is_twin & ~np.isnan(oof[:, 0])
        return oof, oof[real], unseen

    # ---------------------------------------------------------------- inference
    def scores(self, text: str) -> np.ndarray:
        if self._W is None or self._b is None:
            raise RuntimeError("classifier is not trained")
        idx, vals = self._features(text)
        if len(idx) == 0:
            return self._b.copy()
        return vals @ self._W[idx] + self._b

    def rank(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        """Best intents first with calibrated confidences.

        Softmax of temperature-scaled SVM scores plus a fixed "none of these"
        logit at 0: a message no one-vs-rest model claims gets low confidence
        for every intent instead of the least-bad intent getting 0.9. Measured
        on held-out data this separates out-of-scope messages better (AUROC
        0.952 -> 0.961) than the plain softmax.
        """
        s = np.append(self.scores(text), 0.0) * self.temperature
        s = s - s.max()
        e = np.exp(s)
        # The null logit's share (and the rejection class's, if trained) is "none of my intents".
        probs = (e / e.sum())[: len(self.intents)]
        order = np.argsort(-probs)[:top]
        return [(self.intents[i], float(probs[i])) for i in order]

    # ------------------------------------------------------------ persistence
    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # inside vikno's private data folder
        state = {
            "magic": _MAGIC,
            "format_version": FORMAT_VERSION,
            "params": self.params.__dict__,
            "intents": self.intents,
            "blocks": [(b.vocab, b.idf, b.offset, b.weight) for b in self._blocks],
            "W": self._W,
            "b": self._b,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "has_reject": self.has_reject,
            "report": self.report.__dict__,
        }
        tmp = path.with_suffix(path.suffix + ".tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)  # atomic: a crash never leaves half a model behind

    @classmethod
    def load(cls, path: Path | str) -> IntentClassifier:
        with open(path, "rb") as fh:
            try:
                state = pickle.load(fh)
            except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a model"
                raise ModelFormatError(f"{path}: not a vikno NLU model ({exc})") from exc
        if not isinstance(state, dict) or state.get("magic") != _MAGIC:
            raise ModelFormatError(f"{path}: not a vikno NLU model")
        if state.get("format_version") != FORMAT_VERSION:
            raise ModelFormatError(
                f"{path}: model format {state.get('format_version')} but this vikno reads {FORMAT_VERSION}; "
                "retrain with 'vikno nlu train'"
            )
        params = dict(state["params"])
        params["char_range"] = tuple(params["char_range"])
        params["phrase_range"] = tuple(params["phrase_range"])
        self = cls(**params)
        self.intents = list(state["intents"])
        self._blocks = [_Block(v, idf, off, w) for v, idf, off, w in state["blocks"]]
        self._W = state["W"]
        self._b = state["b"]
        self.temperature = float(state["temperature"])
        self.threshold = float(state["threshold"])
        self.has_reject = bool(state.get("has_reject", False))
        self.report = TrainReport(**state["report"])
        return self


# --------------------------------------------------------------------- helpers
def _stratified_folds(y: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    folds = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        folds[idx] = np.arange(len(idx)) % k
    return folds


def _with_null(scores: np.ndarray) -> np.ndarray:
    """Append the "none of these" logit: 0 is where every one-vs-rest SVM says "not mine"."""
    return np.concatenate([scores, np.zeros((scores.shape[0], 1), dtype=scores.dtype)], axis=1)


def _softmax_max(scores: np.ndarray, t: float, k: int | None = None) -> np.ndarray:
    """Best intent's confidence; columns past ``k`` (the rejection class) and the null logit only dilute it."""
    s = _with_null(scores) * t
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    k = scores.shape[1] if k is None else k
    return e[:, :k].max(axis=1) / e.sum(axis=1)


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold scores (golden-section on log T)."""
    rows = np.arange(len(y))
    scores = _with_null(scores)

    def nll(log_t: float) -> float:
        s = scores * math.exp(log_t)
        s = s - s.max(axis=1, keepdims=True)
        lse = np.log(np.exp(s).sum(axis=1))
        return float(np.mean(lse - s[rows, y]))

    lo, hi = math.log(0.1), math.log(200.0)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(40):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return math.exp((lo + hi) / 2)


def _choose_threshold(
    in_conf: np.ndarray,
    in_ok: np.ndarray,
    oos_conf: np.ndarray,
    oos_weight: float,
    real_conf: np.ndarray | None = None,
    real_share: float = 0.5,
) -> tuple[float, float, float]:
    """Threshold maximising accepted-and-correct in-scope + ``oos_weight`` × caught out-of-scope (both as rates).

    The out-of-scope rate is that of the pseudo-OOS (held-out intents) or, when
    the data has real out-of-scope examples, a ``real_share`` blend of both.
    """
    extra = [] if real_conf is None else [real_conf]
    cands = np.unique(np.concatenate([in_conf, oos_conf, *extra, [0.0]]))
    ok_sorted = np.sort(in_conf[in_ok])
    acc = (len(ok_sorted) - np.searchsorted(ok_sorted, cands, side="left")) / max(len(in_conf), 1)

    def caught(conf: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.sort(conf), cands, side="left") / max(len(conf), 1)

    rec = caught(oos_conf)
    if real_conf is not None:
        rec = (1 - real_share) * rec + real_share * caught(real_conf)
    i = int(np.argmax(acc + oos_weight * rec))
    return float(cands[i]), float(rec[i]), float(acc[i])
