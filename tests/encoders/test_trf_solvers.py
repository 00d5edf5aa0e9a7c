"""The TRF's two ways of solving a penalty grid give the same coefficients."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.backend import get_backend
from cogattn.encoders import _trf_solvers
from cogattn.encoders._trf_solvers import RidgeProblem, solve_alphas, solve_exact
from cogattn.encoders.trf import TRF


def _problem(n_coef: int, n_out: int, backend, seed: int = 0) -> RidgeProblem:
    rng = np.random.default_rng(seed)
    design = rng.standard_normal((3 * n_coef, n_coef)) @ np.diag(
        np.logspace(0, -3, n_coef)
    )  # a decaying spectrum, as lagged neighbours give
    xty = design.T @ rng.standard_normal((3 * n_coef, n_out))
    b = backend
    return RidgeProblem(
        xtx=b.asarray(design.T @ design),
        xty=b.asarray(xty),
        x_shift=b.zeros((n_coef,)),
        y_shift=b.zeros((n_out,)),
    )


@pytest.mark.parametrize("backend_name", ["numpy", "torch"])
@pytest.mark.parametrize("n_out", [1, 7])
def test_cholesky_path_equals_closed_form(backend_name: str, n_out: int) -> None:
    """Per-penalty Cholesky solves equal ``numpy.linalg.solve`` of (G + aI) c = b."""
    b = get_backend(backend_name)
    n_coef = _trf_solvers.CHOLESKY_MIN_COEF + 4
    prob = _problem(n_coef, n_out, b)
    alphas = np.logspace(-2, 3, 5)
    coef = b.to_numpy(solve_alphas(prob, alphas, b))
    g, rhs = b.to_numpy(prob.xtx), b.to_numpy(prob.xty)
    for a, alpha in enumerate(alphas):
        ref = np.linalg.solve(g + alpha * np.eye(n_coef), rhs)
        np.testing.assert_allclose(coef[a], ref, rtol=1e-8, atol=1e-12 * abs(ref).max())
    exact = b.to_numpy(solve_exact(prob, np.full(n_out, alphas[2]), b))
    np.testing.assert_allclose(exact, coef[2], rtol=1e-8, atol=1e-12 * abs(exact).max())


def test_cholesky_and_eigh_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forcing the eigendecomposition gives the same coefficients as Cholesky."""
    b = get_backend("numpy")
    prob = _problem(_trf_solvers.CHOLESKY_MIN_COEF, 3, b, seed=1)
    alphas = np.logspace(-1, 2, 4)
    chol = solve_alphas(prob, alphas, b)
    monkeypatch.setattr(_trf_solvers, "CHOLESKY_MAX_ALPHAS", 0)
    eig = solve_alphas(prob, alphas, b)
    np.testing.assert_allclose(chol, eig, rtol=1e-7, atol=1e-10 * abs(eig).max())


def test_indefinite_system_falls_back_to_eigh() -> None:
    """A Gram matrix with a negative direction (alpha cannot fix) still solves."""
    b = get_backend("numpy")
    n = _trf_solvers.CHOLESKY_MIN_COEF
    xtx = np.diag(np.r_[-5.0, np.ones(n - 1)])
    rhs = np.ones((n, 1))
    prob = RidgeProblem(xtx, rhs, np.zeros(n), np.zeros(1))
    coef = solve_alphas(prob, np.array([1.0, 2.0]), b)
    np.testing.assert_allclose(coef[0, 0, 0], 1 / (-5.0 + 1.0))
    np.testing.assert_allclose(coef[1, 1:, 0], 1 / 3.0)


def test_backward_model_over_many_channels_matches_direct_ridge() -> None:
    """A 40-channel backward TRF (280 coefficients) equals ridge on the lagged design.

    Reference: ``numpy.linalg.solve`` of the normal equations of the explicit lagged
    design with centred columns (the penalty grid selects through the Cholesky path).
    """
    rng = np.random.default_rng(3)
    sfreq, n_ch = 50.0, 40
    eeg = [rng.standard_normal((400, n_ch)) for _ in range(4)]
    stim = [e[:, :3].sum(1, keepdims=True) + rng.standard_normal((400, 1)) for e in eeg]
    model = TRF(
        0.0, 0.12, sfreq, alpha=[1.0, 10.0, 100.0], cv=2, direction="backward",
        centering="columns",
    ).fit(stim, eeg)  # fmt: skip
    lags = model.delays_
    rows, targets = [], []
    for x, y in zip(eeg, stim, strict=True):
        d = np.zeros((x.shape[0], n_ch * lags.size))
        n = x.shape[0]
        for a, lag in enumerate(lags):  # row t holds x[t - lag], zero outside
            lo, hi = max(0, lag), min(n, n + lag)
            d[lo:hi, a :: lags.size] = x[lo - lag : hi - lag]
        rows.append(d)
        targets.append(y)
    d, y = np.vstack(rows), np.vstack(targets)
    d_c, y_c = d - d.mean(0), y - y.mean(0)
    alpha = float(np.asarray(model.best_alpha_).ravel()[0])
    ref = np.linalg.solve(d_c.T @ d_c + alpha * np.eye(d.shape[1]), d_c.T @ y_c)
    coef = np.asarray(model.coef_)[0]  # (n_ch, n_lags)
    np.testing.assert_allclose(coef.reshape(-1), ref[:, 0], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("edges", ["zero", "drop"])
def test_in_place_sums_equal_pairwise_sums(edges: str) -> None:
    """Sums accumulate in place: no two fields of a trial's statistics may alias."""
    from cogattn.encoders._trf_stats import LaggedStats, trial_stats

    rng = np.random.default_rng(7)
    lags = np.arange(-3, 6)
    trials = [
        trial_stats(
            rng.standard_normal((80, 3)), rng.standard_normal((80, 2)), lags, edges
        )
        for _ in range(3)
    ]
    fields = list(LaggedStats.__dataclass_fields__)
    arrays = [
        getattr(trials[0], f)
        for f in fields
        if isinstance(getattr(trials[0], f), np.ndarray)
    ]
    for i, a in enumerate(arrays):
        for b in arrays[i + 1 :]:
            assert not np.shares_memory(a, b)
    want = trials[0] + trials[1] + trials[2]
    copied = LaggedStats.sum(trials)
    reused = LaggedStats.sum(trials, reuse_first=True)
    for f in fields:
        np.testing.assert_allclose(getattr(copied, f), getattr(want, f), rtol=1e-12)
        np.testing.assert_allclose(getattr(reused, f), getattr(want, f), rtol=1e-12)


@pytest.mark.parametrize("buffers", [False, True])
@pytest.mark.parametrize("indefinite", [False, True])
def test_upper_triangle_problem_solves_as_the_full_one(
    indefinite: bool, buffers: bool
) -> None:
    """A Gram matrix given by its upper triangle only (garbage below) solves alike.

    Reference: the same problem with the whole symmetric matrix. The Cholesky path
    reads the upper triangle (and copies only that into a reused system buffer);
    an indefinite system falls back to the eigendecomposition, which first mirrors
    the triangle. Reused buffers hold garbage from earlier use.
    """
    b = get_backend("numpy")
    n = _trf_solvers.CHOLESKY_MIN_COEF + 2
    full = _problem(n, 3, b, seed=5)
    if indefinite:
        full.xtx[0, 0] = -50.0
    alphas = np.logspace(-1, 2, 4)
    ref = solve_alphas(full, alphas, b)
    garbage = np.triu(full.xtx) + np.tril(np.full((n, n), 1e300), -1)
    upper = RidgeProblem(garbage, full.xty, full.x_shift, full.y_shift, upper_only=True)
    work = out = None
    if buffers:
        work = np.full((n, n), 1e300)
        out = np.full((alphas.size, 3, n), np.nan)
    got = solve_alphas(upper, alphas, b, work=work, out=out)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12 * abs(ref).max())
    if buffers and not indefinite:  # solved in place, into the given buffer
        assert np.shares_memory(got, out)
    # the Cholesky path never mirrors; the fallback did, in place
    assert upper.upper_only is not indefinite
    # one penalty per output: the LU fallback of an indefinite system reads both
    # triangles, so it mirrors first
    again = RidgeProblem(
        np.triu(full.xtx) + np.tril(np.full((n, n), 1e300), -1),
        full.xty, full.x_shift, full.y_shift, upper_only=True,
    )  # fmt: skip
    each = np.array([alphas[0], alphas[1], alphas[0]])
    np.testing.assert_allclose(
        solve_exact(again, each, b), solve_exact(full, each, b),
        rtol=1e-9, atol=1e-12 * abs(ref).max(),
    )  # fmt: skip
    np.testing.assert_array_equal(_trf_solvers.full_gram(upper), full.xtx)


def test_centred_fold_gram_upper_triangle_equals_the_full_build(rng) -> None:
    """``build_problem(upper_only=True)`` writes the full build's upper triangle."""
    from cogattn.encoders._trf_stats import LaggedStats, each_group_stats

    lags = np.arange(-2, 6)
    pairs = [
        (rng.standard_normal((70, 3)), rng.standard_normal((70, 2))) for _ in range(4)
    ]
    stats = each_group_stats(pairs, [[0, 1], [2, 3]], lags, "zero", upper_only=True)
    total = LaggedStats.sum(stats, block=lags.size)
    dense = each_group_stats(pairs, [[0, 1, 2, 3]], lags, "zero")[0]
    upper = np.kron(np.triu(np.ones((4, 4))), np.ones((8, 8))) > 0
    np.testing.assert_allclose(total.gram[upper], dense.gram[upper], rtol=1e-12)
    np.testing.assert_array_equal(total.gram[~upper], 0.0)
    b = get_backend("numpy")
    for centering in ("signal", "columns", None):
        ref = _trf_solvers.build_problem(total, 3, 8, centering, b, minus=stats[1])
        buf = np.full((24, 24), np.nan)
        got = _trf_solvers.build_problem(
            total, 3, 8, centering, b, minus=stats[1], out=buf, upper_only=True
        )
        assert got.xtx is buf and got.upper_only
        iu = np.triu_indices(24)
        np.testing.assert_allclose(buf[iu], ref.xtx[iu], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(
            _trf_solvers.full_gram(got), ref.xtx, rtol=1e-12, atol=1e-12
        )
