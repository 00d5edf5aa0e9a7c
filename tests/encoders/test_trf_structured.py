"""Lagged Gram matrices kept as correlations and edge rows.

References: the materialised lagged design (``D.T @ D`` of ``lagged_design``, built
sample by sample) for the factored Gram matrix; the dense centred Gram matrix of
the direct path (:func:`build_problem` on dense statistics) for the operator's
products; the dense T. Chan construction for the preconditioner's first columns.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn.encoders._trf_iterative import circulant_preconditioner
from cogattn.encoders._trf_solvers import build_problem
from cogattn.encoders._trf_stats import LaggedStats, trial_stats
from cogattn.encoders._trf_structured import (
    LaggedCorrelations,
    LaggedOperator,
    first_circulant_column,
)
from cogattn.encoders.lags import lagged_design


def _trials(rng, n_trials, n_times, n_feat, n_out=2):
    x = [rng.standard_normal((n_times + 5 * k, n_feat)) + 0.7 for k in range(n_trials)]
    y = [rng.standard_normal((t.shape[0], n_out)) for t in x]
    return x, y


@settings(max_examples=40, deadline=None)
@given(
    n_trials=st.integers(1, 3),
    n_times=st.integers(30, 70),
    n_feat=st.integers(1, 4),
    lo=st.integers(-7, 7),
    width=st.integers(1, 9),
    edges=st.sampled_from(["zero", "drop"]),
    centering=st.sampled_from(["signal", "columns", None]),
    seed=st.integers(0, 2**16),
)
def test_operator_equals_dense_centred_gram(
    n_trials, n_times, n_feat, lo, width, edges, centering, seed
) -> None:
    rng = np.random.default_rng(seed)
    x, y = _trials(rng, n_trials, n_times, n_feat)
    lags = np.arange(lo, lo + width)
    dense = LaggedStats.sum(_each(x, y, lags, edges, factored=False))
    factored = LaggedStats.sum(_each(x, y, lags, edges, factored=True))
    # the factored Gram matrix of [x, 1] is the materialised design's
    want = sum(
        d.T @ d
        for d in (
            lagged_design(np.column_stack([a, np.ones(len(a))]), lags, edges) for a in x
        )
    )
    np.testing.assert_allclose(factored.gram.dense(), want, atol=1e-9)
    ref = build_problem(dense, n_feat, width, centering, _numpy_backend())
    got = build_problem(factored, n_feat, width, centering, _numpy_backend())
    assert isinstance(got.xtx, LaggedOperator)
    v = rng.standard_normal((n_feat * width, 3))
    scale = np.abs(ref.xtx).max()
    np.testing.assert_allclose(got.xtx.matvec(v), ref.xtx @ v, atol=1e-10 * scale)
    np.testing.assert_allclose(got.xtx.dense(), ref.xtx, atol=1e-10 * scale)
    np.testing.assert_allclose(got.xty, ref.xty, atol=1e-10 * scale)
    np.testing.assert_allclose(got.x_shift, ref.x_shift, atol=1e-12)


def test_fold_statistics_are_total_minus_held_out() -> None:
    rng = np.random.default_rng(3)
    x, y = _trials(rng, 4, 60, 2)
    lags = np.arange(-3, 6)
    stats = _each(x, y, lags, "zero", factored=True)
    total = LaggedStats.sum(stats)
    held = LaggedStats.sum([stats[1], stats[3]])
    train = total - held
    assert set(train.gram.edges) == set(stats[0].gram.edges) | set(stats[2].gram.edges)
    direct = LaggedStats.sum([stats[0], stats[2]])
    np.testing.assert_allclose(train.gram.dense(), direct.gram.dense(), atol=1e-10)
    # sums accumulate in place into a copy: the items stay as they were
    before = stats[0].gram.corr.copy()
    LaggedStats.sum([stats[0], stats[1]])
    np.testing.assert_array_equal(stats[0].gram.corr, before)
    assert len(stats[0].gram.edges) == 1


@pytest.mark.parametrize("centering", ["signal", None])
def test_preconditioner_columns_match_the_dense_construction(centering) -> None:
    # without edge rows the centred Toeplitz part is the whole Gram matrix, so the
    # first circulant columns from the correlations equal the dense construction
    rng = np.random.default_rng(5)
    n_feat, n_lags = 3, 7
    x, y = _trials(rng, 2, 80, n_feat)
    lags = np.arange(-2, n_lags - 2)
    st_ = LaggedStats.sum(_each(x, y, lags, "zero", factored=True))
    no_edges = LaggedCorrelations(st_.gram.corr, {})
    mean = st_.x_sum_all / st_.n_all if centering == "signal" else np.zeros(n_feat)
    op = LaggedOperator(no_edges, n_feat, centering, mean)
    from_dense = circulant_preconditioner(op.dense(), n_feat, n_lags)
    from_corr = circulant_preconditioner(op, n_feat, n_lags)
    np.testing.assert_allclose(from_corr.evals, from_dense.evals, rtol=1e-10)
    shift = mean if centering == "signal" else np.zeros(n_feat)
    first = first_circulant_column(st_.gram.corr, shift)
    assert first.shape == (n_feat, n_feat, n_lags)
    # the zero-frequency block is the mean of every block over its lags (x n_lags)
    blocks = op.dense().reshape(n_feat, n_lags, n_feat, n_lags)
    np.testing.assert_allclose(
        first.sum(axis=2), blocks.sum(axis=(1, 3)) / n_lags, rtol=1e-10
    )


def _each(x, y, lags, edges, factored):
    return [
        trial_stats(a, b, lags, edges, factored=factored)
        for a, b in zip(x, y, strict=True)
    ]


def _numpy_backend():
    from cogattn._core.backend import get_backend

    return get_backend("numpy")
