"""Block-circulant preconditioned conjugate gradients for large lagged ridge systems.

References: the preconditioner's inverse is checked against ``numpy.linalg.solve`` on
exactly block-circulant matrices (where it is exact, a closed form); the iterative
solutions against ``numpy.linalg.solve`` of ``(G + alpha I) c = b``; TRF fits through
the iterative path against the same fits with the direct path forced.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn.encoders import _trf_iterative as it
from cogattn.encoders import trf as trf_module
from cogattn.encoders._trf_iterative import (
    circulant_preconditioner,
    solve_alphas_cg,
    use_iterative,
)
from cogattn.encoders._trf_solvers import RidgeProblem, solve_alphas
from cogattn.encoders.lags import lagged_gram
from cogattn.encoders.trf import TRF


def _block_circulant(rng: np.random.Generator, n_feat: int, n_lags: int) -> np.ndarray:
    """A symmetric positive definite block-circulant matrix, feature-major."""
    # C = sum_k (A_k kron P^k) with P the cyclic shift; symmetric when A_{-k} = A_k.T
    base = rng.standard_normal((n_lags, n_feat, n_feat))
    shift = np.roll(np.eye(n_lags), 1, axis=0)
    mat = np.zeros((n_feat * n_lags, n_feat * n_lags))
    for k in range(n_lags):
        power = np.linalg.matrix_power(shift, k)
        mat += np.kron(base[k], power)
    mat = mat @ mat.T  # still block circulant (circulant blocks commute)
    return mat + 1e-3 * np.eye(mat.shape[0])


@settings(max_examples=25, deadline=None)
@given(
    n_feat=st.integers(1, 4),
    n_lags=st.integers(2, 9),
    seed=st.integers(0, 2**16),
    scale=st.floats(0.1, 10.0),
    alpha=st.floats(1e-3, 1e3),
)
def test_preconditioner_inverts_block_circulant_exactly(
    n_feat, n_lags, seed, scale, alpha
) -> None:
    rng = np.random.default_rng(seed)
    mat = _block_circulant(rng, n_feat, n_lags)
    pre = circulant_preconditioner(mat, n_feat, n_lags)
    rhs = rng.standard_normal((mat.shape[0], 2))
    got = pre.apply(rhs, scale, np.array([alpha, 2 * alpha]))
    for k, a in enumerate([alpha, 2 * alpha]):
        want = np.linalg.solve(scale * mat + a * np.eye(mat.shape[0]), rhs[:, k])
        np.testing.assert_allclose(got[:, k], want, rtol=1e-8, atol=1e-10)


def _lagged_problem(seed: int = 0, n_feat: int = 16, n_lags: int = 33):
    """A lagged Gram matrix of correlated, low-passed signals (an EEG-like input)."""
    rng = np.random.default_rng(seed)
    n_times = 6000
    src = rng.standard_normal((n_times, 6))
    src = np.cumsum(src, axis=0) * 0.05 + src  # red spectrum
    x = src @ rng.standard_normal((6, n_feat)) + 0.3 * rng.standard_normal(
        (n_times, n_feat)
    )
    gram = lagged_gram(x - x.mean(0), np.arange(-8, n_lags - 8))
    rhs = rng.standard_normal((gram.shape[0], 2))
    return gram, rhs


def test_cg_equals_direct_solve_for_every_alpha() -> None:
    gram, rhs = _lagged_problem()
    top = np.linalg.eigvalsh(gram)[-1]
    alphas = top * np.logspace(-3, 0, 4)
    pre = circulant_preconditioner(gram, 16, 33)
    coef, ok = solve_alphas_cg(gram, rhs, alphas, pre)
    assert ok.all()
    for k, a in enumerate(alphas):
        want = np.linalg.solve(gram + a * np.eye(gram.shape[0]), rhs)
        np.testing.assert_allclose(
            coef[k], want, rtol=1e-8, atol=1e-9 * abs(want).max()
        )


def test_cg_scale_stands_for_a_training_share() -> None:
    gram, rhs = _lagged_problem(seed=1)
    pre = circulant_preconditioner(gram, 16, 33)
    part = 0.8 * gram  # a fold's Gram matrix is about its share of the total
    alpha = np.array([np.trace(gram) / gram.shape[0]])
    coef, ok = solve_alphas_cg(part, rhs, alpha, pre, scale=0.8)
    want = np.linalg.solve(part + alpha[0] * np.eye(gram.shape[0]), rhs)
    assert ok.all()
    np.testing.assert_allclose(coef[0], want, rtol=1e-8, atol=1e-9 * abs(want).max())


def test_hopeless_penalties_are_left_to_the_direct_solver() -> None:
    """A Gram matrix far from block Toeplitz: CG gives up, the result stays exact."""
    rng = np.random.default_rng(2)
    n_feat, n_lags = 8, 32
    basis, _ = np.linalg.qr(rng.standard_normal((n_feat * n_lags,) * 2))
    gram = (basis * np.logspace(0, 8, n_feat * n_lags)) @ basis.T
    gram = 0.5 * (gram + gram.T)
    rhs = rng.standard_normal((gram.shape[0], 1))
    alphas = np.array([1e-2, 1e2, 1e9])
    pre = circulant_preconditioner(gram, n_feat, n_lags)
    _, ok = solve_alphas_cg(gram, rhs, alphas, pre)
    assert not ok[0]  # condition number 1e10: not worth iterating
    assert ok[-1]  # penalty far above the spectrum: converges at once
    problem = RidgeProblem(gram, rhs, np.zeros(gram.shape[0]), np.zeros(1))
    got = solve_alphas(problem, alphas, _numpy_backend(), pre)
    for k, a in enumerate(alphas):
        want = np.linalg.solve(gram + a * np.eye(gram.shape[0]), rhs)
        np.testing.assert_allclose(got[k], want, rtol=1e-7, atol=1e-9 * abs(want).max())


def test_indefinite_systems_are_reported() -> None:
    rng = np.random.default_rng(3)
    n_feat, n_lags = 4, 16
    sym = rng.standard_normal((n_feat * n_lags,) * 2)
    sym = sym + sym.T  # indefinite
    pre = circulant_preconditioner(sym @ sym, n_feat, n_lags)
    _, ok = solve_alphas_cg(sym, rng.standard_normal((sym.shape[0], 1)), [1e-3], pre)
    assert not ok.any()


def test_use_iterative_rules() -> None:
    assert use_iterative(64, 65, 1)  # backward model over 64 channels
    assert not use_iterative(1, 65, 64)  # forward envelope model: 65 coefficients
    assert not use_iterative(16, 65, 64)  # spectrogram: many outputs per coefficient
    assert not use_iterative(512, 4, 1)  # too few lags for a circulant picture
    assert not use_iterative(20, 65, 1)  # 1,300 coefficients: factorising is cheap
    assert not use_iterative(64, 65, 1, n_rows=7680)  # under 4 samples per coefficient
    assert use_iterative(64, 65, 1, n_rows=76800)
    assert it.ITERATIVE_MIN_COEF <= 64 * 65


def _numpy_backend():
    from cogattn._core.backend import get_backend

    return get_backend("numpy")


def _backward_data(
    n_ch: int, n_trials: int, n_times: int, seed: int, drift: float = 0.02
):
    rng = np.random.default_rng(seed)
    env = [
        np.abs(np.convolve(rng.standard_normal(n_times), np.ones(12) / 12, "same"))
        for _ in range(n_trials)
    ]
    mix = rng.standard_normal((n_ch,))
    eeg = []
    for e in env:
        src = np.convolve(e, np.exp(-np.arange(30) / 8.0))[:n_times]
        noise = np.cumsum(rng.standard_normal((n_times, n_ch)), axis=0) * drift
        eeg.append(src[:, None] * mix + noise + rng.standard_normal((n_times, n_ch)))
    return [e[:, None] for e in env], eeg


@pytest.mark.parametrize(
    ("centering", "intercept", "edges"),
    [("signal", True, "zero"), ("columns", True, "zero"), ("signal", False, "drop")],
)
def test_backward_trf_iterative_equals_direct(
    monkeypatch, centering, intercept, edges
) -> None:
    stim, eeg = _backward_data(n_ch=32, n_trials=5, n_times=3000, seed=4)
    kw = dict(
        tmin=-0.1, tmax=0.4, sfreq=128.0, alpha=np.logspace(0, 6, 5), cv=5,
        direction="backward", centering=centering, fit_intercept=intercept,
        edges=edges,
    )  # fmt: skip
    assert use_iterative(32, 65, 1, n_rows=5 * 3000)
    fast = TRF(**kw).fit(stim, eeg)
    monkeypatch.setattr(trf_module, "use_iterative", lambda *a: False)
    slow = TRF(**kw).fit(stim, eeg)
    np.testing.assert_allclose(fast.cv_scores_, slow.cv_scores_, rtol=0, atol=1e-10)
    assert fast.best_alpha_ == slow.best_alpha_
    np.testing.assert_allclose(
        fast.coef_, slow.coef_, rtol=0, atol=1e-8 * np.abs(slow.coef_).max()
    )
    np.testing.assert_allclose(
        fast.patterns_, slow.patterns_, rtol=0, atol=1e-7 * np.abs(slow.patterns_).max()
    )


@pytest.mark.parametrize("alpha", [1e2, 1e5])
def test_backward_single_alpha_iterative_equals_direct(monkeypatch, alpha) -> None:
    # one penalty, no cross-validation: the refit alone goes through the operator
    stim, eeg = _backward_data(n_ch=32, n_trials=3, n_times=3000, seed=8)
    kw = dict(tmin=-0.1, tmax=0.4, sfreq=128.0, alpha=alpha, direction="backward")
    fast = TRF(**kw).fit(stim, eeg)
    monkeypatch.setattr(trf_module, "use_iterative", lambda *a: False)
    slow = TRF(**kw).fit(stim, eeg)
    np.testing.assert_allclose(
        fast.coef_, slow.coef_, rtol=0, atol=1e-8 * np.abs(slow.coef_).max()
    )
    np.testing.assert_allclose(fast.intercept_, slow.intercept_, rtol=1e-8)
    np.testing.assert_allclose(
        fast.patterns_, slow.patterns_, rtol=0, atol=1e-7 * np.abs(slow.patterns_).max()
    )


@pytest.mark.parametrize("factored", [False, True])
def test_iterative_path_converges_on_a_long_recording(factored) -> None:
    """The fast path is taken (no fallback) when data far outnumber coefficients.

    Without slow drifts: a random-walk component (a ``1/f^2`` spectrum) makes the
    circulant picture poor, and the smallest penalties go to the direct solver (the
    test above covers that route).
    """
    from cogattn.encoders._trf_solvers import build_problem
    from cogattn.encoders._trf_stats import LaggedStats, trial_stats

    stim, eeg = _backward_data(n_ch=32, n_trials=4, n_times=6000, seed=5, drift=0.0)
    lags = TRF(-0.1, 0.4, 128.0, direction="backward")._lags()
    stats = [
        trial_stats(e, s, lags, "zero", factored=factored)
        for e, s in zip(eeg, stim, strict=True)
    ]
    total = LaggedStats.sum(stats)
    backend = _numpy_backend()
    everything = build_problem(total, 32, lags.size, "signal", backend)
    pre = circulant_preconditioner(everything.xtx, 32, lags.size)
    fold = build_problem(total, 32, lags.size, "signal", backend, minus=stats[0])
    share = (total.n_rows - stats[0].n_rows) / total.n_rows
    alphas = np.logspace(2, 6, 5)
    _, ok = solve_alphas_cg(fold.xtx, fold.xty, alphas, pre, share)
    assert ok.all()
