"""Reaction times, search slopes and asymmetry indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cogattn import ValidationError
from cogattn.search.analysis import (
    RT_INTERCEPT_MS,
    RT_SLOPE_MS,
    asymmetry_index,
    asymmetry_table,
    cumulative_found_rate,
    effective_fixations,
    fixations_to_rt,
    load_human_reference,
    search_slopes,
)

SETTINGS = settings(max_examples=50, deadline=None)
slope_values = st.floats(-50.0, 500.0, allow_nan=False)
positive = st.floats(1e-3, 500.0)

# --- reaction times ----------------------------------------------------------------


def test_rt_constants_from_the_paper():
    assert (RT_SLOPE_MS, RT_INTERCEPT_MS) == (252.359, 376.271)


def test_rt_hand_computed():
    assert fixations_to_rt(0) == pytest.approx(376.271)
    assert fixations_to_rt(1) == pytest.approx(628.630)
    assert fixations_to_rt(3) == pytest.approx(1133.348)
    rt = fixations_to_rt([1, 2, 5], found=[True, False, False], set_size=[6, 6, 12])
    # not found: counts as set size (6 -> 1890.425, 12 -> 3404.579)
    np.testing.assert_allclose(rt, [628.630, 1890.425, 3404.579], atol=1e-9)
    assert isinstance(fixations_to_rt(2.0), float)


def test_effective_fixations_broadcasts_scalar_set_size():
    n = effective_fixations([1, 4, 2], found=[True, False, True], set_size=8)
    np.testing.assert_array_equal(n, [1.0, 8.0, 2.0])
    np.testing.assert_array_equal(effective_fixations([3, 2]), [3.0, 2.0])


def test_rt_bad_input():
    with pytest.raises(ValidationError, match="n_fixations must be >= 0"):
        fixations_to_rt([-1, 2])
    with pytest.raises(ValidationError, match="set_size is required when found"):
        fixations_to_rt([1, 2], found=[True, False])
    with pytest.raises(ValidationError, match="found must be boolean"):
        fixations_to_rt([1, 2], found=[1, 0], set_size=3)
    with pytest.raises(ValidationError, match="matching shapes"):
        fixations_to_rt([1, 2, 3], found=[True, False], set_size=3)
    with pytest.raises(ValidationError, match="set_size must be >= 1"):
        fixations_to_rt([1, 2], found=[True, False], set_size=0)
    with pytest.raises(ValidationError, match="NaN"):
        fixations_to_rt([np.nan])


# --- slopes ------------------------------------------------------------------------


@SETTINGS
@given(
    slope=st.floats(-100.0, 100.0),
    intercept=st.floats(0.0, 1000.0),
    sizes=st.lists(st.integers(1, 40), min_size=2, max_size=5, unique=True),
)
def test_slope_of_a_perfect_line_is_recovered(slope, intercept, sizes):
    x = np.repeat(sizes, 3)
    y = intercept + slope * x
    got = search_slopes(y, x, "easy")
    assert got["easy"] == pytest.approx(slope, abs=1e-8 * (1 + abs(intercept)))


def test_slopes_match_scipy_linregress_on_means(rng):
    """Reference: scipy.stats.linregress of the per-set-size mean RTs."""
    sizes = np.array([1, 4, 8, 12])
    n = 200
    set_size = rng.choice(sizes, n)
    condition = rng.choice(["easy", "hard"], n)
    rt = 500 + np.where(condition == "easy", 5.0, 40.0) * set_size
    rt = rt + rng.normal(0, 80, n)
    got = search_slopes(rt, set_size, condition)
    for cond in ("easy", "hard"):
        sel = condition == cond
        means = [rt[sel & (set_size == s)].mean() for s in sizes]
        ref = stats.linregress(sizes, means).slope
        assert got[cond] == pytest.approx(ref, rel=1e-12)
    assert list(got) == ["easy", "hard"]


def test_slopes_with_unbalanced_missing_set_size():
    """A condition may lack a set size; fit on the set sizes it has."""
    x = np.array([1, 1, 4, 8, 8, 1, 12])
    c = np.array(["a", "a", "a", "a", "a", "b", "b"])
    y = np.array([10.0, 12.0, 20.0, 30.0, 34.0, 5.0, 27.0])
    got = search_slopes(y, x, c)
    assert got["a"] == pytest.approx(stats.linregress([1, 4, 8], [11, 20, 32]).slope)
    assert got["b"] == pytest.approx(2.0)


def test_slopes_bad_input():
    with pytest.raises(ValidationError, match="at least two distinct set sizes"):
        search_slopes([1.0, 2.0], [3, 3], "easy")
    with pytest.raises(ValidationError, match=r"set_size must have the shape of rt"):
        search_slopes([1.0, 2.0], [3, 4, 5], "easy")
    with pytest.raises(ValidationError, match=r"condition must be a str or have shape"):
        search_slopes([1.0, 2.0], [3, 4], ["easy"])
    with pytest.raises(ValidationError, match="rt must have 1 dimension"):
        search_slopes([[1.0, 2.0]], [3, 4], "easy")


# --- asymmetry index ---------------------------------------------------------------


def test_asymmetry_index_published_values():
    """Gupta et al. (2021): human curvature 0.8 / 7.6 ms/item -> AI 0.81."""
    assert asymmetry_index(0.8, 7.6) == pytest.approx(0.8095, abs=1e-4)
    # eccNET orientation (homogeneous): 100.4 / 0.0 -> -1 (reversed polarity)
    assert asymmetry_index(100.4, 0.0) == -1.0
    assert asymmetry_index(0.0, 4.4) == 1.0


def test_asymmetry_index_clips_negative_slopes_and_defines_zero_over_zero():
    assert asymmetry_index(-5.0, 3.0) == 1.0
    assert asymmetry_index(3.0, -1.0) == -1.0
    assert asymmetry_index(0.0, 0.0) == 0.0
    assert asymmetry_index(-2.0, -3.0) == 0.0
    np.testing.assert_allclose(
        asymmetry_index([1.0, 2.0, -1.0], [3.0, 2.0, 0.0]), [0.5, 0.0, 0.0]
    )


@SETTINGS
@given(easy=slope_values, hard=slope_values)
def test_asymmetry_index_in_range(easy, hard):
    ai = asymmetry_index(easy, hard)
    assert -1.0 <= ai <= 1.0


@SETTINGS
@given(a=positive, b=positive)
def test_asymmetry_index_antisymmetric(a, b):
    assert asymmetry_index(a, b) == pytest.approx(-asymmetry_index(b, a), abs=1e-12)


@SETTINGS
@given(
    easy=st.lists(slope_values, min_size=1, max_size=8),
    hard=st.lists(slope_values, min_size=1, max_size=8),
)
def test_asymmetry_index_vectorised_equals_scalar(easy, hard):
    k = min(len(easy), len(hard))
    vec = asymmetry_index(easy[:k], hard[:k])
    assert vec.shape == (k,)
    for i in range(k):
        assert vec[i] == asymmetry_index(easy[i], hard[i])


def test_asymmetry_index_bad_input():
    with pytest.raises(ValidationError, match="broadcastable"):
        asymmetry_index([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValidationError, match="slope_easy contains 1 NaN"):
        asymmetry_index(np.nan, 1.0)


# --- found rate --------------------------------------------------------------------


def test_cumulative_found_rate_hand_computed():
    n = [1, 2, 2, 5, 3, 1]
    found = [True, True, True, True, False, True]
    rate = cumulative_found_rate(n, found, 6)
    np.testing.assert_allclose(rate, np.array([2, 4, 4, 4, 5, 5]) / 6)


@SETTINGS
@given(
    n=st.lists(st.integers(0, 20), min_size=1, max_size=40),
    seed=st.integers(0, 2**16),
    max_fix=st.integers(1, 25),
)
def test_cumulative_found_rate_properties(n, seed, max_fix):
    found = np.random.default_rng(seed).random(len(n)) < 0.7
    rate = cumulative_found_rate(n, found, max_fix)
    assert rate.shape == (max_fix,)
    assert np.all(np.diff(rate) >= 0) and rate.min() >= 0 and rate.max() <= 1
    ref = [np.mean(found & (np.asarray(n) <= k)) for k in range(1, max_fix + 1)]
    np.testing.assert_allclose(rate, ref)


def test_cumulative_found_rate_bad_input():
    with pytest.raises(ValidationError, match="found must have the shape"):
        cumulative_found_rate([1, 2], [True], 3)
    with pytest.raises(ValidationError, match=r"max_fix must be .* got 0"):
        cumulative_found_rate([1, 2], [True, True], 0)


# --- per-paradigm table ------------------------------------------------------------


def _synthetic_results(slopes: dict[str, tuple[float, float]]) -> pd.DataFrame:
    ref = load_human_reference().set_index("paradigm")
    rows = []
    for paradigm, (s_easy, s_hard) in slopes.items():
        sizes = [int(v) for v in ref.loc[paradigm, "set_sizes"].split()]
        for cond, s in (("easy", s_easy), ("hard", s_hard)):
            for size in sizes:
                for rep in range(3):
                    rows.append((paradigm, cond, size, 400 + s * size + 10 * (rep - 1)))
    return pd.DataFrame(rows, columns=["paradigm", "condition", "set_size", "rt"])


def test_asymmetry_table_recovers_slopes_and_polarity():
    slopes = {"curvature": (2.0, 30.0), "orientation_homogeneous": (40.0, 10.0)}
    table = asymmetry_table(_synthetic_results(slopes))
    assert list(table.index) == ["curvature", "orientation_homogeneous"]
    np.testing.assert_allclose(table["slope_easy"], [2.0, 40.0])
    np.testing.assert_allclose(table["slope_hard"], [30.0, 10.0])
    np.testing.assert_allclose(table["ai"], [28 / 32, -30 / 50])
    np.testing.assert_allclose(table["human_ai"], [0.81, 0.61])
    np.testing.assert_allclose(table["human_slope_hard"], [7.6, 9.9])
    assert table["polarity_match"].tolist() == [True, False]


def test_asymmetry_table_from_fixations():
    # one fixation per item in the hard condition, one fixation in the easy one;
    # not-found trials count as set size
    rows = []
    for cond in ("easy", "hard"):
        for size in (3, 6, 9):
            n = 1 if cond == "easy" else size
            rows.append(("t_vs_l", cond, size, n, True))
            rows.append(("t_vs_l", cond, size, 0, cond == "easy"))
    df = pd.DataFrame(
        rows, columns=["paradigm", "condition", "set_size", "n_fixations", "found"]
    )
    table = asymmetry_table(df)
    assert table.loc["t_vs_l", "slope_easy"] == pytest.approx(RT_SLOPE_MS * 0.0)
    assert table.loc["t_vs_l", "slope_hard"] == pytest.approx(RT_SLOPE_MS)
    assert table.loc["t_vs_l", "ai"] == pytest.approx(1.0)


def test_asymmetry_table_bad_input():
    good = _synthetic_results({"lighting": (1.0, 5.0)})
    with pytest.raises(ValidationError, match="missing"):
        asymmetry_table(good.drop(columns="rt"))
    with pytest.raises(ValidationError, match=r"unknown paradigm\(s\) \['spiral'\]"):
        asymmetry_table(good.assign(paradigm="spiral"))
    with pytest.raises(ValidationError, match=r"invalid condition\(s\) \['medium'\]"):
        asymmetry_table(good.assign(condition="medium"))
    with pytest.raises(ValidationError, match="both 'easy' and 'hard' are needed"):
        asymmetry_table(good[good["condition"] == "easy"])
    with pytest.raises(ValidationError, match="results must be an instance of"):
        asymmetry_table({"rt": [1.0]})
