"""The grid point (sentence-model weight, temperature scales) is chosen on an objective averaged over a band of
operating points, not at the single point ``catch``.

At one operating point the in-scope rate hangs on one quantile of the unseen topics' confidences: a grid point
whose threshold happens to fall just under a cluster of in-scope messages wins by a few fold messages, and a few
hundred lines of new data (round 13 of issue 23) moved the quantile, flipped the chosen temperature and moved
every threshold (ru 0.297 -> 0.426, en 0.324 -> 0.448). Averaged over ``catch`` ± ``catch_band`` the objective
rewards a calibration that is good around the operating point, which a small change of data does not undo.
"""

from __future__ import annotations

import numpy as np
import pytest

from vikno.nlu.classifier import _band_objective, _calibrate, _lookup, _Params, language_thresholds
from vikno.nlu.classifier import nearest_plain_scales, threshold_for_catch

UNSEEN = np.linspace(0.01, 0.99, 100)  # the held-out intents' confidences: catch c -> threshold just above the c-th


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _scores(in_conf: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray, list[np.ndarray]], np.ndarray, np.ndarray]:
    """Fold scores of two intents whose calibrated confidence (temperature 1) is ``in_conf`` for the in-scope
    messages (all of intent 0, all right) and ``UNSEEN`` for one group of held-out intents' messages."""
    far = -1e9
    oof = np.stack([_logit(in_conf), np.full(len(in_conf), far)], axis=1).astype(np.float32)
    unseen = np.stack([_logit(UNSEEN), np.full(len(UNSEEN), far)], axis=1).astype(np.float32)
    return (
        (oof, np.empty((0, 2), dtype=np.float32), [unseen]),
        np.ones(len(in_conf), dtype=bool),
        np.zeros(len(in_conf), dtype=np.int64),
    )


def _objective(in_conf: np.ndarray, **params: object) -> float:
    scores, keep, y_in = _scores(in_conf)
    return _calibrate(scores, keep, y_in, 2, _Params(**params), temperature=1.0).objective  # type: ignore[arg-type]


# At catch 0.75 the threshold sits just above the 75th unseen confidence (0.7376); at 0.8 above the 80th (0.7871).
HAIR = np.concatenate([np.full(90, 0.99), np.full(10, 0.76)])  # 10 messages between the 0.75 and 0.8 thresholds
PLATEAU = np.concatenate([np.full(99, 0.99), [0.05]])  # one message fewer right, whatever the operating point


def test_a_winner_at_the_one_point_only_loses_to_one_good_around_it() -> None:
    # at catch 0.75 alone the first wins by one message of 100 ...
    assert _objective(HAIR, catch_band=0.0) == pytest.approx(_objective(PLATEAU, catch_band=0.0) + 0.01)
    # ... but catching a little more costs it ten; the default objective (a band around catch) prefers the other
    assert _Params().catch_band > 0
    assert _objective(PLATEAU) > _objective(HAIR) + 0.02


def test_the_band_keeps_the_operating_point_meaning() -> None:
    # the thresholds and the share caught are still those of ``catch`` itself; only the choosing objective changes
    scores, keep, y_in = _scores(HAIR)
    cal = _calibrate(scores, keep, y_in, 2, _Params(), temperature=1.0)
    assert cal.threshold == pytest.approx(threshold_for_catch(UNSEEN, None, 0.75))
    assert cal.oos_recall == pytest.approx(0.75)
    assert cal.accepted == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(5))
def test_a_band_of_zero_is_the_one_point_objective(seed: int) -> None:
    """Per-language thresholds, the shared one for the rest, real out-of-scope messages blended in."""
    rng = np.random.default_rng(seed)
    n = 400
    in_conf, in_ok = rng.random(n), rng.random(n) < 0.8
    oc, real = rng.random(500) * 0.7, rng.random(60) * 0.5
    lang_in = rng.choice(["uk", "en", ""], n).astype(object)
    lang_oc = rng.choice(["uk", "en", ""], 500).astype(object)
    lang_real = rng.choice(["uk", "en"], 60).astype(object)
    p = _Params(catch_band=0.0, language_min_unseen=100)
    by_language = language_thresholds(oc, lang_oc, real, lang_real, 0.75, p.real_oos_share, p.language_min_unseen)
    assert set(by_language) == {"uk", "en"}
    shared = threshold_for_catch(oc, real, 0.75, p.real_oos_share)
    expected = np.mean(in_ok & (in_conf >= _lookup(by_language, shared, lang_in, n)))
    assert _band_objective(in_conf, in_ok, oc, real, lang_in, lang_oc, lang_real, p) == pytest.approx(expected)


SCALES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
ONE = 1 / 7036  # one in-scope fold message of the shipped data


def _row(uk_az: list[float], en_ru_best: int = 1) -> np.ndarray:
    """A weight's row of the grid: the en/ru scale at ``en_ru_best`` wins by ten messages, the uk/az axis is given."""
    row = np.tile(np.asarray(uk_az), (len(SCALES), 1))
    row[np.arange(len(SCALES)) != en_ru_best] -= 10 * ONE
    return row


@pytest.mark.parametrize(
    ("uk_az", "chosen"),
    [
        # the shipped data's row (session 19): 0.75 and 1.5 tie to the message, 1.0 one message behind -> 1.0
        ([0.833826, 0.834792, 0.835361, 0.835361 - ONE, 0.835361, 0.834878], 3),
        # another process on the same data: 1.5 ahead by a fifth of a message, 1.0 1.2 behind it -> 1.0 still
        ([0.833826, 0.834821, 0.835361, 0.835219, 0.835389, 0.834878], 3),
        # the same tie where 1.0 is three messages behind: of the tied pair the nearer 1 (|log 0.75| < |log 1.5|)
        ([0.833826, 0.834792, 0.835361, 0.835361 - 3 * ONE, 0.835361, 0.834878], 2),
        # a clear winner three messages ahead keeps its place however far from 1
        ([0.835361 + 3 * ONE, 0.834792, 0.835361, 0.835361, 0.835361, 0.834878], 0),
    ],
)
def test_near_ties_go_to_the_scale_nearest_one(uk_az: list[float], chosen: int) -> None:
    j, o = nearest_plain_scales(_row(uk_az), SCALES, ONE)
    assert (j, o) == (1, chosen)


def test_the_arithmetic_side_of_a_tie_no_longer_decides() -> None:
    """The flip of session 18: 0.75 ahead of 1.5 by a hair in one process, behind it in another; both choose 1.0."""
    base = [0.833826, 0.834792, 0.835361, 0.835361 - ONE, 0.835361, 0.834878]
    one, other = list(base), list(base)
    one[2] += 1e-12
    other[4] += 1e-12
    assert nearest_plain_scales(_row(one), SCALES, ONE) == nearest_plain_scales(_row(other), SCALES, ONE) == (1, 3)


def test_one_group_of_languages_has_one_scale_axis() -> None:
    """Without messages the encoder does not read (CLINC150), the row has one column: only the en/ru scale moves."""
    row = np.asarray([[0.90], [0.95], [0.95 - 0.5 * ONE], [0.95 - 2 * ONE], [0.95 - 2.5 * ONE], [0.92]])
    assert nearest_plain_scales(row, SCALES, ONE) == (3, 0)


def test_on_small_data_two_messages_are_no_tie() -> None:
    """20 fold messages: two of them are 10 % of the objective, a real difference (tests/nlu/test_morphology.py's
    small models chose another temperature when they were read as a tie); only a gap within 0.05 % is."""
    row = np.asarray([[0.70], [0.75], [0.80], [0.75], [0.70], [0.65]])
    assert nearest_plain_scales(row, SCALES, 1 / 20) == (2, 0)
    assert nearest_plain_scales(row + np.asarray([[0], [0], [0], [0.05], [0], [0]]), SCALES, 1 / 20) == (3, 0)
