"""Out-of-scope scores from the sentence-embedding space, measured on CLINC150 val (never test).

    taskset -c 1 python bench/nlu_embed_oos.py --embed-cache /tmp/clincoos_use.npz

Trains the shipped classifier on CLINC150 train + oos_train (as ``bench/nlu_train_profile.py``), keeps its
calibration folds (which rows each fold trained on, the held-out intents, the calibrated confidence of every
fold message), and on the same folds fits an embedding-space score per fold: the Mahalanobis distance to the
nearest intent mean with a shared covariance (Podolskiy et al. 2021), the distance to the predicted intent's
mean, the cosine to the nearest intent centroid, the mean cosine to the k nearest training examples. Each is
mixed with the calibrated confidence, ``log(conf) - alpha * z(score)`` (z: standardised on the in-scope fold
messages), ``alpha`` chosen on the folds by the shipped objective (in-scope right at the threshold that catches
``catch`` of the unseen topics); then val is scored at that alpha and the folds' threshold. Printed per score:
fold objective, val top-1 / in@oos80 (oracle) / AUROC / in-scope and OOS caught at the folds' operating point.

``--heads`` (step 2 of session 17): other heads on the embedding instead of the logistic regression (random
Fourier features before it, a one-hidden-layer MLP, a nearest-neighbour head), fitted on all of train +
oos_train and added to the trained model's n-gram scores on val with weights 0.25-1 (every message through
both models): val top-1, and in@oos80 at the best of four temperatures fitted on val in-scope (a comparison of
heads, not an operating figure), with each head's fitting seconds of CPU.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from nlu_train_profile import MIRROR, cached_embed, clinc  # noqa: E402

from vikno.nlu import classifier as C  # noqa: E402
from vikno.nlu import sentence  # noqa: E402


def auroc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(an in-scope message scores above an out-of-scope one); ties count half."""
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    # average ranks of ties
    _, inv, cnt = np.unique(allv, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / cnt)[inv]
    r_pos = ranks[: len(pos)].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


class Recording(C.IntentClassifier):
    """The shipped classifier, remembering each calibration fold's rows and the fold scores' layout."""

    def _fit_scores(self, X, y, train, test, n_cols):  # type: ignore[override]
        self.fold_rows.append((train.copy(), test.copy()))
        return super()._fit_scores(X, y, train, test, n_cols)

    def _calibration_scores(self, *args, **kw):  # type: ignore[override]
        self.fold_rows: list[tuple[np.ndarray, np.ndarray]] = []
        out = super()._calibration_scores(*args, **kw)
        self.where = out[2]
        self.y_all = args[1]
        self.n0 = len(args[2])
        return out


class Space:
    """Embedding-space scores fitted on some intents' training embeddings; higher = more out of scope."""

    def __init__(self, E: np.ndarray, y: np.ndarray, shrink: float) -> None:
        self.classes = np.unique(y)
        self.mu = np.stack([E[y == c].mean(0) for c in self.classes])
        R = E - self.mu[np.searchsorted(self.classes, y)]
        S = R.T @ R / len(R)
        S = (1 - shrink) * S + shrink * np.trace(S) / S.shape[0] * np.eye(S.shape[0])
        self.P = np.linalg.inv(S)
        self.L = np.linalg.cholesky(self.P)  # P = L L^T: Mahalanobis = |(x - mu) L|^2
        self.muL = self.mu @ self.L
        self.cen = self.mu / np.linalg.norm(self.mu, axis=1, keepdims=True)
        self.E, self.y = E, y
        # background Gaussian over all training embeddings (relative Mahalanobis, Ren et al. 2021)
        self.mu0 = E.mean(0)
        S0 = np.cov(E.T, bias=True)
        S0 = (1 - shrink) * S0 + shrink * np.trace(S0) / S0.shape[0] * np.eye(S0.shape[0])
        self.L0 = np.linalg.cholesky(np.linalg.inv(S0))

    def maha_all(self, X: np.ndarray) -> np.ndarray:
        XL = X @ self.L
        d = (XL**2).sum(1)[:, None] - 2 * XL @ self.muL.T + (self.muL**2).sum(1)[None, :]
        return d

    def scores(self, X: np.ndarray, pred: np.ndarray) -> dict[str, np.ndarray]:
        d = self.maha_all(X)
        col = np.searchsorted(self.classes, pred)
        ok = (col < len(self.classes)) & (self.classes[np.minimum(col, len(self.classes) - 1)] == pred)
        d_pred = np.where(ok, d[np.arange(len(X)), np.minimum(col, len(self.classes) - 1)], d.max(1))
        cos_c = X @ self.cen.T
        d0 = (((X - self.mu0) @ self.L0) ** 2).sum(1)
        out = {"maha_min": d.min(1), "maha_pred": d_pred, "cos_centroid": -cos_c.max(1)}
        out["rel_maha_min"] = (d - d0[:, None]).min(1)
        out["rel_maha_pred"] = d_pred - d0
        E32 = self.E.astype(np.float32)
        parts = []
        for i in range(0, len(X), 1000):
            sims = X[i : i + 1000].astype(np.float32) @ E32.T
            top = -np.partition(-sims, 10, axis=1)[:, :10]
            top.sort(axis=1)
            parts.append(top[:, ::-1])
        part = np.concatenate(parts) if parts else np.empty((0, 10))
        out["knn1"] = -part[:, 0]
        out["knn5"] = -part[:, :5].mean(1)
        out["knn10"] = -part[:, :10].mean(1)
        return out


def heads(clf: C.IntentClassifier, X: np.ndarray, y: np.ndarray, Ev: np.ndarray, vt: list, yv: np.ndarray) -> None:
    """Step 2: each head's val scores added to the n-gram scores (see the module's docstring)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    k, nv = len(clf.intents), len(yv)
    NG = np.stack([clf.scores(t, "en") for t in vt])

    def top1_and_oracle(comb: np.ndarray) -> tuple[float, float]:
        """Val top-1, and in-scope right at 80 % of val out-of-scope caught (best of four temperatures), in %."""
        ok = comb[:nv, :k].argmax(1) == yv
        t_ll = C._fit_temperature(comb[:nv], yv)
        best = 0.0
        for scale in (0.25, 0.5, 0.75, 1.0):
            conf = C._softmax_max(comb, t_ll * scale, k)
            best = max(best, float(np.mean(ok & (conf[:nv] >= np.quantile(conf[nv:], 0.8)))))
        return 100 * float(ok.mean()), 100 * best

    def show(name: str, S: np.ndarray, secs: float) -> None:
        row = [f"{name:<34} fit {secs:5.1f} s CPU  alone top-1 {100 * np.mean(S[:nv, :k].argmax(1) == yv):.2f}"]
        for w in (0.25, 0.5, 0.75, 1.0):
            top1, oracle = top1_and_oracle(NG + w * S)
            row.append(f"w{w}: {top1:.2f}/{oracle:.2f}")
        print("  ".join(row), flush=True)

    def lr(Z: np.ndarray, Zv: np.ndarray) -> tuple[np.ndarray, float]:
        c0 = time.process_time()
        m = LogisticRegression(C=clf.params.dense_C, max_iter=200, class_weight="balanced").fit(Z, y)
        return (Zv @ m.coef_.T + m.intercept_).astype(np.float32), time.process_time() - c0

    dn = clf._dense
    if dn is not None:
        show("shipped logistic regression", Ev @ dn.W + dn.b, 0.0)
    show("logistic regression, cold", *lr(X, Ev))
    rng = np.random.default_rng(0)
    for D, g in ((2048, 1.0), (2048, 2.0), (4096, 1.0)):
        # unit vectors: an RBF kernel exp(-g |x - x'|^2) through random Fourier features, beside the linear ones
        c0 = time.process_time()
        Om = rng.normal(0, np.sqrt(2 * g), (X.shape[1], D)).astype(np.float32)
        be = rng.uniform(0, 2 * np.pi, D).astype(np.float32)

        def phi(Z: np.ndarray, Om: np.ndarray = Om, be: np.ndarray = be, D: int = D) -> np.ndarray:
            return np.hstack([Z, np.float32(np.sqrt(2.0 / D)) * np.cos(Z @ Om + be)])

        Z, Zv = phi(X), phi(Ev)
        S, secs = lr(Z, Zv)
        show(f"RFF {D} gamma {g} + logistic", S, secs + time.process_time() - c0)
    for h, a, it in ((512, 1e-4, 40), (1024, 1e-3, 40), (512, 1e-2, 60)):
        c0 = time.process_time()
        m = MLPClassifier(hidden_layer_sizes=(h,), alpha=a, max_iter=it, batch_size=256, random_state=0).fit(X, y)
        secs = time.process_time() - c0
        H = np.maximum(Ev @ m.coefs_[0] + m.intercepts_[0], 0)
        show(f"MLP {h} alpha {a} {it} epochs, logits", (H @ m.coefs_[1] + m.intercepts_[1]).astype(np.float32), secs)
        logp = np.log(np.maximum(m.predict_proba(Ev), 1e-9)).astype(np.float32)
        show(f"MLP {h} alpha {a} {it} epochs, log-p", logp, secs)
    # nearest neighbours: per intent, the mean cosine of the message's m nearest examples of it (no fitting),
    # added beside the shipped sentence model (weight 0.5) as v x (its score - the best intent's)
    if dn is None:
        return
    base = NG + 0.5 * (Ev @ dn.W + dn.b)
    order = np.argsort(y, kind="stable")
    Xi, yi = X[order], y[order]
    bounds = np.searchsorted(yi, np.arange(k + 1))
    c0 = time.process_time()
    sims = Ev @ Xi.T
    for m_ in (1, 3, 5):
        S = np.zeros((len(Ev), k), np.float32)
        for c in range(k):
            blk = sims[:, bounds[c] : bounds[c + 1]]
            S[:, c] = -np.partition(-blk, m_ - 1, axis=1)[:, :m_].mean(1)
        secs = time.process_time() - c0
        row = [f"kNN head m {m_}: alone top-1 {100 * np.mean(S[:nv].argmax(1) == yv):.2f} ({secs:.1f} s CPU)"]
        for v in (1.0, 2.0, 4.0, 8.0):
            comb = base.copy()
            comb[:, :k] += v * (S - S.max(1, keepdims=True))
            top1, oracle = top1_and_oracle(comb)
            row.append(f"v{v}: {top1:.2f}/{oracle:.2f}")
        print("  ".join(row), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    ap.add_argument("--embed-cache", type=Path, required=True)
    ap.add_argument("--shrink", type=float, default=0.1, help="covariance shrinkage toward a scaled identity")
    ap.add_argument("--save", type=Path, default=None, help="save fold and val arrays here (npz)")
    ap.add_argument("--heads", action="store_true", help="also step 2: other heads on the embedding (slow)")
    args = ap.parse_args()
    data = clinc(args.mirror)
    sentence.embed = cached_embed(args.embed_cache)  # type: ignore[assignment]
    pairs = [tuple(p) for p in data["train"]] + [tuple(p) for p in data["oos_train"]]
    texts, labels = [t for t, _ in pairs], [i for _, i in pairs]
    t0, c0 = time.perf_counter(), time.process_time()
    clf = Recording().fit(texts, labels)
    print(f"trained: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU", flush=True)
    p = clf.params
    k = len(clf.intents)
    ngram, dense, keep, y_in, langs, cov = clf._folds
    best = clf._calibration
    w = clf.report.dense_weight
    sc = C._combined(ngram, dense, w) if w > 0 else ngram
    in_ok_f = sc[0][keep][:, :k].argmax(1) == y_in
    pred_in = sc[0][keep][:, :k].argmax(1)
    pred_real = sc[1][:, :k].argmax(1)
    pred_un = [s[:, :k].argmax(1) for s in sc[2]]
    n_in, n_un = int(keep.sum()), sum(len(s) for s in sc[2])
    conf = best.fast_conf  # the calibrated confidence of the fold messages: in-scope, held-out intents', real OOS
    E_all = sentence.embed(texts + [t for t, _ in data["val"]] + [t for t, _ in data["oos_val"]])
    n0 = clf.n0
    E0 = E_all[:n0].astype(np.float64)
    y_all = clf.y_all
    # fold scores, laid out like the calibration (in-scope kept rows, unseen groups in order, real OOS)
    t1, c1 = time.perf_counter(), time.process_time()
    fold_scores: dict[str, np.ndarray] = {}
    where_in, where_real, where_un = clf.where
    spaces = []  # each fold's space: the intents (not the rejection class) of the rows that fold trained on
    for train, _ in clf.fold_rows:
        tr = train[(train < n0) & (y_all[train] < k)]
        spaces.append(Space(E0[tr], y_all[tr], args.shrink))
    un_fold = np.full(len(y_all), -1)
    in_fold = np.full(len(y_all), -1)
    for f, (train, test) in enumerate(clf.fold_rows):
        held = np.setdiff1d(np.unique(y_all[test]), np.unique(y_all[train]))
        is_held = np.isin(y_all[test], held)
        un_fold[test[is_held]] = f
        in_fold[test[~is_held]] = f
    names = ["maha_min", "maha_pred", "rel_maha_min", "rel_maha_pred", "cos_centroid", "knn1", "knn5", "knn10"]
    layout_rows = [where_in[keep], np.concatenate(where_un), where_real]
    layout_fold = [in_fold[layout_rows[0]], un_fold[layout_rows[1]], in_fold[layout_rows[2]]]
    layout_pred = [pred_in, np.concatenate(pred_un), pred_real]
    for nm in names:
        fold_scores[nm] = np.zeros(n_in + n_un + len(where_real))
    off = 0
    for rows, fl, pr in zip(layout_rows, layout_fold, layout_pred, strict=True):
        for f, sp in enumerate(spaces):
            sel = np.flatnonzero(fl == f)
            s = sp.scores(E0[rows[sel]], pr[sel])
            for nm in names:
                fold_scores[nm][off + sel] = s[nm]
        off += len(rows)
    print(f"fold space scores: {time.perf_counter() - t1:.1f} s wall, {time.process_time() - c1:.1f} s CPU")
    # val: the model's calibrated confidence (cascade as at parse, and every message through both models)
    val, oos = data["val"], data["oos_val"]
    Ev = E_all[n0:].astype(np.float32)
    vt = [t for t, _ in val] + [t for t, _ in oos]
    yv = np.array([clf.intents.index(i) for _, i in val])
    nv = len(val)
    dn = clf._dense
    conf_casc, conf_slow, pred_v, pred_slow = [], [], [], []
    for j, t in enumerate(vt):
        s = clf.scores(t, "en")
        if dn is None:
            pr = C._probs(s, clf.temperature, k)
            conf_casc.append(pr.max())
            conf_slow.append(pr.max())
            pred_v.append(int(pr.argmax()))
            pred_slow.append(int(pr.argmax()))
            continue
        pf = C._probs(s, dn.ngram_temperature, k)
        ps = C._probs(s + dn.weight * (Ev[j] @ dn.W + dn.b), clf.temperature, k)
        slow = C.takes_slow_path(float(pf.max()), dn.gate)
        pc = ps if slow else pf
        conf_casc.append(pc.max())
        conf_slow.append(ps.max())
        pred_v.append(int(pc.argmax()))
        pred_slow.append(int(ps.argmax()))
    conf_casc, conf_slow, pred_v = np.array(conf_casc), np.array(conf_slow), np.array(pred_v)
    ok_v = pred_v[:nv] == yv
    ok_slow = np.array(pred_slow[:nv]) == yv  # every message through both models (no cascade)
    th = clf.threshold_for("en")
    tr = np.flatnonzero(y_all[:n0] < k)
    sp_all = Space(E0[tr], y_all[tr], args.shrink)
    val_scores = sp_all.scores(Ev.astype(np.float64), pred_v)

    def report(name: str, sv_in: np.ndarray, sv_out: np.ndarray, thv: float, ok: np.ndarray = ok_v) -> None:
        t80 = float(np.quantile(sv_out, 0.8))
        print(
            f"{name:<34} val top-1 {100 * ok.mean():.2f}  in@oos80 {100 * np.mean(ok & (sv_in >= t80)):.2f}  "
            f"AUROC {auroc(sv_in, sv_out):.4f}  operating in-scope {100 * np.mean(ok & (sv_in >= thv)):.2f} / "
            f"OOS caught {100 * np.mean(sv_out < thv):.1f}",
            flush=True,
        )

    print(f"weight {w}, T {clf.temperature:.3f}, threshold {th:.3f}, gate {dn.gate if dn else float('nan'):.3f}")
    report("shipped (cascade)", conf_casc[:nv], conf_casc[nv:], th)
    report("shipped (all slow)", conf_slow[:nv], conf_slow[nv:], th, ok_slow)

    def fold_objective(s: np.ndarray) -> tuple[float, float, float]:
        s_in, s_un, s_real = s[:n_in], s[n_in : n_in + n_un], s[n_in + n_un :]
        t = C.threshold_for_catch(s_un, s_real, p.catch, p.real_oos_share)
        return float(np.mean(in_ok_f & (s_in >= t))), t, auroc(s_in, np.concatenate([s_un, s_real]))

    base_obj, _, base_auc = fold_objective(conf)
    print(f"folds: shipped objective {100 * base_obj:.2f}, AUROC {base_auc:.4f}")
    saved: dict[str, np.ndarray] = {"fold_conf": conf, "val_casc": conf_casc, "val_slow": conf_slow, "ok_v": ok_v}
    for nm in names:
        fs = fold_scores[nm]
        mu, sd = fs[:n_in].mean(), fs[:n_in].std()
        z_f = (fs - mu) / sd
        z_v = (val_scores[nm] - mu) / sd
        saved[f"fold_{nm}"], saved[f"val_{nm}"] = fs, val_scores[nm]
        obj_alone, _, auc_alone = fold_objective(-z_f)
        rows = []
        for alpha in (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0):
            comb_f = np.log(np.maximum(conf, 1e-12)) - alpha * z_f
            obj, t, auc = fold_objective(comb_f)
            rows.append((obj, alpha, t, auc))
        obj, alpha, t, auc = max(rows, key=lambda r: (r[0], -r[1]))
        print(
            f"{nm}: alone folds obj {100 * obj_alone:.2f} AUROC {auc_alone:.4f}; mixed best alpha {alpha} "
            f"folds obj {100 * obj:.2f} AUROC {auc:.4f}  ("
            + " ".join(f"{a}:{100 * o:.2f}" for o, a, _, _ in rows)
            + ")"
        )
        for label, cv, ok in (("cascade", conf_casc, ok_v), ("all slow", conf_slow, ok_slow)):
            comb_v = np.log(np.maximum(cv, 1e-12)) - alpha * z_v
            report(f"  {nm} a={alpha} ({label})", comb_v[:nv], comb_v[nv:], t, ok)
        zr = -z_v
        report(f"  {nm} alone", zr[:nv], zr[nv:], -np.inf)
        # the ceiling: alpha chosen on val itself (what the best mix could give; not an operating figure)
        ceil = []
        for alpha in (0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0):
            cv = np.log(np.maximum(conf_casc, 1e-12)) - alpha * z_v
            t80 = float(np.quantile(cv[nv:], 0.8))
            ceil.append((float(np.mean(ok_v & (cv[:nv] >= t80))), alpha, auroc(cv[:nv], cv[nv:])))
        top = max(ceil)
        print(f"  {nm} val-chosen alpha {top[1]}: in@oos80 {100 * top[0]:.2f}, AUROC {top[2]:.4f} (a ceiling)")
    if args.save:
        np.savez(args.save, **saved, n_in=n_in, n_un=n_un, in_ok_f=in_ok_f, nv=nv)
    if args.heads:
        X = E_all[:n0].astype(np.float32)
        heads(clf, X, y_all[:n0], Ev, vt, yv)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
