"""Bootstrap interval of the asymmetry index."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.search.analysis import asymmetry_index, search_slopes
from cogattn.search.asymmetry_bootstrap import asymmetry_index_ci

SIZES = (3, 6, 9)


def _trials(rng, slope_easy, slope_hard, noise, n=30, layout_sd=0.0):
    """RTs of 2 conditions x 3 set sizes; with ``layout_sd``, the i-th easy and hard
    trial of a set size share a layout effect of that standard deviation."""
    layout = layout_sd * rng.standard_normal((len(SIZES), n))
    rt, size, hard = [], [], []
    for h, slope in ((0, slope_easy), (1, slope_hard)):
        for j, s in enumerate(SIZES):
            rt.append(400 + slope * s + layout[j] + noise * rng.standard_normal(n))
            size.append(np.full(n, s))
            hard.append(np.full(n, h))
    return np.concatenate(rt), np.concatenate(size), np.concatenate(hard)


def _numpy_bootstrap(rt, size, hard, n_resamples, rng):
    """Independent stratified bootstrap: resample each cell, refit both slopes."""
    cells = [(h, s) for h in (0, 1) for s in SIZES]
    means = np.empty((n_resamples, len(cells)))
    for j, (h, s) in enumerate(cells):
        y = rt[(hard == h) & (size == s)]
        means[:, j] = y[rng.integers(0, y.size, (n_resamples, y.size))].mean(1)
    fit = np.polyfit(np.array(SIZES, float), means.T.reshape(2, 3, -1)[0], 1)[0]
    fit_h = np.polyfit(np.array(SIZES, float), means.T.reshape(2, 3, -1)[1], 1)[0]
    return np.asarray(asymmetry_index(fit, fit_h))


def _numpy_paired_bootstrap(rt, size, hard, n_resamples, rng):
    """Pairs (easy i, hard i) of each set size resampled together, slopes refitted."""
    x = np.array(SIZES, float)
    means = np.empty((2, len(SIZES), n_resamples))
    for j, s in enumerate(SIZES):
        e, h = rt[(hard == 0) & (size == s)], rt[(hard == 1) & (size == s)]
        idx = rng.integers(0, e.size, (n_resamples, e.size))
        means[0, j], means[1, j] = e[idx].mean(1), h[idx].mean(1)
    fit = np.polyfit(x, means[0], 1)[0]
    fit_h = np.polyfit(x, means[1], 1)[0]
    return np.asarray(asymmetry_index(fit, fit_h))


def test_pairing_removes_the_shared_layout_variance():
    # a layout effect common to both conditions widens the unpaired interval only
    rt, size, hard = _trials(np.random.default_rng(7), 10, 25, 20, layout_sd=150)
    unpaired = asymmetry_index_ci(rt, size, hard)
    paired = asymmetry_index_ci(rt, size, hard, paired=True)
    assert paired["ai"] == unpaired["ai"]
    width = {k: v["ai_high"] - v["ai_low"] for k, v in (("u", unpaired), ("p", paired))}
    assert width["p"] < 0.6 * width["u"]
    assert paired["ai_low"] > 0 > unpaired["ai_low"]
    assert paired["p_reversed"] < unpaired["p_reversed"]


def test_paired_needs_matching_cells():
    rt, size, hard = _trials(np.random.default_rng(0), 10.0, 20.0, 10.0, layout_sd=50.0)
    keep = ~((hard == 1) & (size == 9) & (np.arange(rt.size) % 2 == 0))
    with pytest.raises(ValidationError, match="set size 9 has 30 easy and 15 hard"):
        asymmetry_index_ci(rt[keep], size[keep], hard[keep], paired=True)
    keep = ~((hard == 1) & (size == 9))
    with pytest.raises(ValidationError, match="same set sizes"):
        asymmetry_index_ci(rt[keep], size[keep], hard[keep], paired=True)


def test_point_estimate_is_the_index_of_the_fitted_slopes():
    rt, size, hard = _trials(np.random.default_rng(0), 10.0, 40.0, 50.0)
    out = asymmetry_index_ci(rt, size, hard)
    slopes = search_slopes(rt, size, np.where(hard == 1, "hard", "easy"))
    assert out["ai"] == pytest.approx(asymmetry_index(slopes["easy"], slopes["hard"]))


@pytest.mark.parametrize("paired", [False, True])
def test_interval_matches_an_independent_numpy_bootstrap(paired):
    # reference: a hand-written percentile bootstrap (numpy, polyfit), stratified by
    # cell or (paired) by set size with each easy trial drawn with its hard twin;
    # the two differ only by Monte Carlo error
    rt, size, hard = _trials(
        np.random.default_rng(5 if paired else 1),
        10.0,
        25.0,
        40.0 if paired else 120.0,
        layout_sd=150.0 if paired else 0.0,
    )
    out = asymmetry_index_ci(
        rt, size, hard, n_resamples=4000, random_state=3, paired=paired
    )
    reference = _numpy_paired_bootstrap if paired else _numpy_bootstrap
    ref = reference(rt, size, hard, 4000, np.random.default_rng(4))
    low, high = np.percentile(ref, [2.5, 97.5])
    assert out["ai_low"] == pytest.approx(low, abs=0.05)
    assert out["ai_high"] == pytest.approx(high, abs=0.05)
    assert out["p_reversed"] == pytest.approx(np.mean(ref < 0), abs=0.02)


def test_clear_asymmetry_is_reliable_and_noise_is_not():
    rng = np.random.default_rng(2)
    clear = asymmetry_index_ci(*_trials(rng, 2.0, 60.0, 40.0))
    assert clear["ai_low"] > 0.5 and clear["p_reversed"] == 0.0
    flat = asymmetry_index_ci(*_trials(np.random.default_rng(1), 20.0, 20.0, 100.0))
    assert flat["ai_low"] < 0 < flat["ai_high"]
    assert 0.05 < flat["p_reversed"] < 0.95


def test_no_spread_gives_a_point_interval():
    rt, size, hard = _trials(np.random.default_rng(0), 10.0, 30.0, 0.0)
    out = asymmetry_index_ci(rt, size, hard)
    assert out["ai_low"] == out["ai_high"] == pytest.approx(0.5)
    assert out["p_reversed"] == 0.0
    rt, size, hard = _trials(np.random.default_rng(0), 30.0, 10.0, 0.0)
    out = asymmetry_index_ci(rt, size, hard)
    assert out["ai_low"] == out["ai_high"] == pytest.approx(-0.5)
    assert out["p_reversed"] == 1.0


@settings(max_examples=25, deadline=None)
@given(
    st.floats(-20, 80),
    st.floats(-20, 80),
    st.floats(1, 300),
    st.integers(0, 2**31 - 1),
)
def test_interval_is_ordered_and_within_bounds(slope_e, slope_h, noise, seed):
    rt, size, hard = _trials(np.random.default_rng(seed), slope_e, slope_h, noise, 8)
    out = asymmetry_index_ci(rt, size, hard, n_resamples=200, random_state=seed)
    assert -1.0 <= out["ai_low"] <= out["ai_high"] <= 1.0
    assert -1.0 <= out["ai"] <= 1.0 and 0.0 <= out["p_reversed"] <= 1.0


def test_bad_input():
    rt, size, hard = _trials(np.random.default_rng(0), 1.0, 2.0, 10.0, 4)
    with pytest.raises(ValidationError, match="same shape"):
        asymmetry_index_ci(rt[:-1], size, hard)
    with pytest.raises(ValidationError, match=r"confidence must be in \(0, 1\)"):
        asymmetry_index_ci(rt, size, hard, confidence=95)
    one = size == 3
    with pytest.raises(ValidationError, match="two or more set sizes"):
        asymmetry_index_ci(rt[one], size[one], hard[one])
    with pytest.raises(ValidationError, match="two trials"):
        asymmetry_index_ci(rt[::4], size[::4], hard[::4])
