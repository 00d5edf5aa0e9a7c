"""Encoder statistics against scipy, brute force and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cogattn._core.errors import ValidationError
from cogattn.encoders.stats import (
    bootstrap_indices,
    bootstrap_scores,
    circular_shift_test,
    fdr_bh,
    paired_bootstrap_difference,
    pearsonr,
    r2_score,
    split_half_reliability,
    trial_permutation_test,
)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (12, 3), elements=finite),
    arrays(np.float64, (12, 3), elements=finite),
    st.floats(0.1, 10),
    st.floats(-5, 5),
)
def test_pearson_bounded_and_affine_invariant(a, b, scale, shift):
    # A column whose spread is below float64 resolution at the shifted magnitude
    # (e.g. one entry of 1e-156 among zeros) becomes exactly constant after the shift:
    # invariance cannot hold in floating point there, so such draws are excluded.
    spread = np.ptp(b, axis=0)
    resolution = 1e-9 * (abs(shift) + scale * np.abs(b).max(axis=0))
    assume(np.all((spread == 0) | (scale * spread > resolution)))
    r = pearsonr(a, b)
    assert np.all(np.abs(r) <= 1.0)
    np.testing.assert_allclose(pearsonr(a, scale * b + shift), r, atol=1e-6)
    np.testing.assert_allclose(pearsonr(b, a), r, atol=1e-12)


def test_pearson_and_r2_match_scipy_sklearn(rng):
    from sklearn.metrics import r2_score as sk_r2

    a = rng.standard_normal((100, 4))
    b = a + rng.standard_normal((100, 4))
    expect = [scipy.stats.pearsonr(a[:, j], b[:, j])[0] for j in range(4)]
    np.testing.assert_allclose(pearsonr(a, b), expect, atol=1e-12)
    np.testing.assert_allclose(
        r2_score(a, b), sk_r2(a, b, multioutput="raw_values"), atol=1e-12
    )


def test_circular_shift_null_equals_rolled_correlations(rng):
    y = rng.standard_normal((300, 3))
    pred = y + 2.0 * rng.standard_normal((300, 3))
    pred[:, 2] = rng.standard_normal(300)  # no signal in the last target
    r, p, null = circular_shift_test(y, pred, n_perm=200, random_state=1)
    shifts = 30 + np.random.default_rng(1).choice(300 - 60 + 1, 200, replace=False)
    brute = np.array([pearsonr(y, np.roll(pred, s, axis=0)) for s in shifts])
    np.testing.assert_allclose(null, brute, atol=1e-10)
    assert p[0] < 0.01 and p[1] < 0.01 and p[2] > 0.05
    np.testing.assert_allclose(r, pearsonr(y, pred), atol=1e-12)


def test_trial_permutation_test(rng):
    truth = [rng.standard_normal((200, 2)) for _ in range(6)]
    preds = [t + rng.standard_normal((200, 2)) for t in truth]
    r, p, null = trial_permutation_test(truth, preds, n_perm=300, random_state=0)
    assert null.shape == (300, 2)
    assert np.all(p < 0.01) and np.all(r > 0.5) and np.abs(null).max() < 0.2
    r0, p0, _ = trial_permutation_test(
        truth,
        [rng.standard_normal((200, 2)) for _ in range(6)],
        n_perm=300,
        random_state=0,
    )
    assert not np.all(p0 < 0.05) and np.abs(r0).max() < 0.2


def test_bootstrap_indices_blocks_and_shared_scores(rng):
    idx = bootstrap_indices(100, 50, block=10, random_state=0)
    assert idx.shape == (50, 100) and idx.min() >= 0 and idx.max() < 100
    assert np.all(np.diff(idx[:, :10], axis=1) == 1)  # blocks are contiguous
    np.testing.assert_array_equal(
        idx, bootstrap_indices(100, 50, block=10, random_state=0)
    )
    y = rng.standard_normal((100, 2))
    pred = y + rng.standard_normal((100, 2))
    scores = bootstrap_scores(y, pred, idx)
    brute = np.array([pearsonr(y[i], pred[i]) for i in idx])
    np.testing.assert_allclose(scores, brute, atol=1e-10)


def test_paired_difference_uses_the_same_resamples(rng):
    y = rng.standard_normal((400, 2))
    good = y + 0.5 * rng.standard_normal((400, 2))
    bad = y + 3.0 * rng.standard_normal((400, 2))
    idx = bootstrap_indices(400, 500, block=20, random_state=3)
    res = paired_bootstrap_difference(y, good, bad, idx)
    np.testing.assert_allclose(
        res["boot"], bootstrap_scores(y, good, idx) - bootstrap_scores(y, bad, idx)
    )
    assert np.all(res["ci_low"] > 0) and np.all(res["p"] < 0.01)
    same = paired_bootstrap_difference(y, good, good, idx)
    np.testing.assert_array_equal(same["boot"], 0.0)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(0, 1)))
def test_fdr_matches_scipy_and_is_monotone(p):
    reject, adj = fdr_bh(p, alpha=0.05)
    np.testing.assert_allclose(adj, scipy.stats.false_discovery_control(p), atol=1e-12)
    assert np.all(adj >= p - 1e-15)
    order = np.argsort(p)
    assert np.all(np.diff(adj[order]) >= -1e-15)  # adjusted p follows raw p
    np.testing.assert_array_equal(reject, adj <= 0.05)


def test_split_half_spearman_brown_closed_form(rng):
    # signal variance 1, noise variance s2 per repeat, R repeats: the reliability of
    # the repeat mean is 1 / (1 + s2 / R) (Spearman-Brown)
    n_rep, s2 = 8, 4.0
    signal = rng.standard_normal((20000, 2))
    data = signal[None] + np.sqrt(s2) * rng.standard_normal((n_rep, 20000, 2))
    rel, ceiling = split_half_reliability(data, n_splits=20, random_state=0)
    expect = 1.0 / (1.0 + s2 / n_rep)
    np.testing.assert_allclose(rel, expect, atol=0.02)
    np.testing.assert_allclose(ceiling, np.sqrt(rel))


def test_stats_bad_input(rng):
    a = rng.standard_normal((10, 2))
    with pytest.raises(
        ValidationError, match=r"same shape, got \(10, 2\) and \(9, 2\)"
    ):
        pearsonr(a, a[:9])
    with pytest.raises(ValidationError, match="y_pred contains 1 NaN"):
        bad = a.copy()
        bad[3, 1] = np.nan
        pearsonr(a, bad)
    with pytest.raises(ValidationError, match="p_values must lie in"):
        fdr_bh([0.1, 1.2])
    with pytest.raises(ValidationError, match=r"block must be an integer in \[1, 10\]"):
        bootstrap_indices(10, 5, block=20)
    with pytest.raises(ValidationError, match=r"indices must lie in \[0, 9\]"):
        bootstrap_scores(a, a, np.full((2, 10), 10))
    with pytest.raises(ValidationError, match="min_shift=6 leaves no shift"):
        circular_shift_test(a, a, min_shift=6)
    with pytest.raises(ValidationError, match="need the same number"):
        trial_permutation_test([a, a], [a, a])
    with pytest.raises(ValidationError, match="at least 2 repeats"):
        split_half_reliability(a[None])
