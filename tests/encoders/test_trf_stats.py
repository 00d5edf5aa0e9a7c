"""Sufficient statistics of one trial, against the materialised lagged design.

Reference: ``D.T @ D`` and ``D.T @ [y, 1]`` of the lagged design of ``[x, 1]``
(:func:`cogattn.encoders.lags.lagged_design`, built sample by sample), on both
routes of the lagged products (short FFT blocks sharing one transform of the input,
or the design product).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn.encoders import _lags_fft
from cogattn.encoders._trf_stats import trial_stats
from cogattn.encoders.lags import lagged_design, row_range


@settings(max_examples=50, deadline=None)
@given(
    n_times=st.integers(30, 90),  # longer than any lag span drawn
    n_feat=st.integers(1, 9),
    n_out=st.integers(1, 3),
    lo=st.integers(-8, 8),
    steps=st.lists(st.integers(1, 3), min_size=0, max_size=7),
    edges=st.sampled_from(["zero", "drop"]),
    fft_route=st.booleans(),
    upper_only=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_trial_statistics_equal_the_materialised_design(
    n_times, n_feat, n_out, lo, steps, edges, fft_route, upper_only, seed
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_times, n_feat)) + 0.5
    y = rng.standard_normal((n_times, n_out))
    lags = lo + np.concatenate([[0], np.cumsum(steps, dtype=np.int64)])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_lags_fft, "fft_is_cheaper", lambda *args: fft_route)
        st_ = trial_stats(x, y, lags, edges, upper_only=upper_only)
    design = lagged_design(np.column_stack([x, np.ones(n_times)]), lags, edges)
    t0, t1 = row_range(n_times, lags, edges)
    gram = design.T @ design
    cross = design.T @ np.column_stack([y, np.ones(n_times)])[t0:t1]
    np.testing.assert_allclose(st_.cross, cross, atol=1e-10 * n_times)
    q, n_lags = n_feat + 1, lags.size
    if upper_only:  # blocks of feature pairs i <= j; zeros below them
        upper = np.kron(np.triu(np.ones((q, q))), np.ones((n_lags, n_lags))) > 0
        np.testing.assert_array_equal(st_.gram[~upper], 0.0)
        gram = np.where(upper, gram, 0.0)
    np.testing.assert_allclose(st_.gram, gram, atol=1e-10 * n_times)
    assert st_.n_rows == t1 - t0
    np.testing.assert_allclose(st_.y_sum, y[t0:t1].sum(axis=0), atol=1e-12 * n_times)
