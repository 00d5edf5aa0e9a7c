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


def test_each_trial_stats_in_threads_equal_one_at_a_time(monkeypatch) -> None:
    # reference: trial_stats called trial by trial (threads change the order in
    # which trials are computed, never the results or their order)
    from cogattn.encoders import _trf_stats

    rng = np.random.default_rng(4)
    pairs = [
        (rng.standard_normal((90 + 7 * k, 3)), rng.standard_normal((90 + 7 * k, 2)))
        for k in range(5)
    ]
    lags = np.arange(-4, 9)
    calls: list[int] = []
    monkeypatch.setattr(_trf_stats, "_usable_cores", lambda: 3)
    got = _trf_stats.each_trial_stats(
        pairs, lags, "zero", upper_only=True, done=calls.append
    )
    assert calls == [1] * len(pairs)
    for (x, y), st_ in zip(pairs, got, strict=True):
        want = trial_stats(x, y, lags, "zero", upper_only=True)
        np.testing.assert_array_equal(st_.gram, want.gram)
        np.testing.assert_array_equal(st_.cross, want.cross)
        assert st_.n_rows == want.n_rows


@pytest.mark.parametrize(
    ("factored", "upper_only", "cores"),
    [(False, True, 3), (False, True, 1), (False, False, 3), (True, False, 3)],
)
def test_group_stats_equal_the_sums_of_trial_stats(
    monkeypatch, factored, upper_only, cores
) -> None:
    # reference: trial_stats trial by trial, summed per group; the dense host path
    # adds every trial's Gram matrix into its group's under a lock, in threads
    from cogattn.encoders import _trf_stats

    rng = np.random.default_rng(6)
    pairs = [
        (rng.standard_normal((80 + 5 * k, 3)), rng.standard_normal((80 + 5 * k, 2)))
        for k in range(7)
    ]
    lags = np.arange(-3, 7)
    groups = [[4, 0], [6], [1, 5, 2]]  # trial 3 in no group: skipped
    calls: list[int] = []
    monkeypatch.setattr(_trf_stats, "_usable_cores", lambda: cores)
    got = _trf_stats.each_group_stats(
        pairs, groups, lags, "zero", factored=factored, upper_only=upper_only,
        done=calls.append,
    )  # fmt: skip
    assert calls == [1] * 6
    for group, st_ in zip(groups, got, strict=True):
        parts = [
            trial_stats(*pairs[t], lags, "zero", factored, upper_only) for t in group
        ]
        want = _trf_stats.LaggedStats.sum(parts)
        gram, ref = (st_.gram, want.gram)
        if factored:
            gram, ref = gram.corr, ref.corr
        np.testing.assert_allclose(gram, ref, rtol=1e-13, atol=1e-12)
        np.testing.assert_allclose(st_.cross, want.cross, rtol=1e-13, atol=1e-12)
        np.testing.assert_allclose(st_.y_sq, want.y_sq, rtol=1e-13)
        assert st_.n_rows == want.n_rows and st_.n_all == want.n_all
    with pytest.raises(ValueError, match="disjoint"):
        _trf_stats.each_group_stats(pairs, [[0, 1], [1]], lags, "zero")


@pytest.mark.parametrize("cores", [1, 2])
def test_group_stats_overwrite_given_buffers(monkeypatch, cores) -> None:
    # buffers reused from an earlier fit hold anything: the first trial of a group
    # overwrites the upper blocks, the lower ones are zeroed; the sum must equal
    # the one into fresh zeros, and a reused total must not keep its old values
    from cogattn.encoders import _trf_stats

    rng = np.random.default_rng(7)
    pairs = [
        (rng.standard_normal((90, 3)), rng.standard_normal((90, 2))) for _ in range(5)
    ]
    lags = np.arange(-2, 5)
    groups = [[0, 3], [1], [4, 2]]
    monkeypatch.setattr(_trf_stats, "_usable_cores", lambda: cores)
    fresh = _trf_stats.each_group_stats(pairs, groups, lags, "zero", upper_only=True)
    size = 4 * lags.size
    dirty = [rng.standard_normal((size, size)) * 1e6 for _ in groups]
    got = _trf_stats.each_group_stats(
        pairs, groups, lags, "zero", upper_only=True, grams=dirty
    )
    for a, b, buf in zip(got, fresh, dirty, strict=True):
        assert a.gram is buf
        np.testing.assert_array_equal(a.gram, b.gram)  # lower blocks zeros too
    out = rng.standard_normal((size, size))
    total = _trf_stats.LaggedStats.sum(got, block=lags.size, out=out)
    assert total.gram is out
    want = _trf_stats.LaggedStats.sum(fresh, block=lags.size)
    np.testing.assert_allclose(total.gram, want.gram, rtol=1e-14, atol=1e-12)
    with pytest.raises(ValueError, match="grams must be 3 arrays"):
        _trf_stats.each_group_stats(
            pairs, groups, lags, "zero", upper_only=True, grams=dirty[:2]
        )


def test_a_forked_child_computes_statistics_in_its_own_threads(monkeypatch) -> None:
    # the parent's thread pool does not survive fork; the child must not wait on it
    import multiprocessing

    from cogattn.encoders import _trf_stats

    rng = np.random.default_rng(6)
    pairs = [(rng.standard_normal((80, 2)), rng.standard_normal((80, 2)))] * 3
    lags = np.arange(-2, 5)
    # threads whatever this machine's cores (the child inherits the patch)
    monkeypatch.setattr(_trf_stats, "_usable_cores", lambda: 2)
    _trf_stats.each_trial_stats(pairs, lags, "zero")  # the parent's pool exists
    assert _trf_stats._POOLS
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        crosses = pool.apply_async(_crosses_in_child, (pairs, lags)).get(timeout=60)
    for (x, y), cross in zip(pairs, crosses, strict=True):
        np.testing.assert_array_equal(cross, trial_stats(x, y, lags, "zero").cross)


def _crosses_in_child(pairs, lags):
    from cogattn.encoders import _trf_stats

    return [st_.cross for st_ in _trf_stats.each_trial_stats(pairs, lags, "zero")]
