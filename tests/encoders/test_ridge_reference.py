"""Ridge and RidgeCV against independent references: the closed form
``(X^T X + alpha I)^-1 X^T y``, scikit-learn's Ridge, himalaya's RidgeCV and a direct
fold-by-fold implementation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import require_reference
from sklearn.linear_model import Ridge as SkRidge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, TimeSeriesSplit

from cogattn.encoders.ridge import Ridge, RidgeCV


def _data(rng, n=120, p=15, t=40, noise=2.0, offset=3.0):
    X = rng.standard_normal((n, p)) + rng.uniform(-2, 2, p)
    W = rng.standard_normal((p, t)) * rng.uniform(0, 1, t)
    Y = X @ W + noise * rng.standard_normal((n, t)) + offset
    return X, Y


def _closed_form(X, Y, alpha, fit_intercept):
    if fit_intercept:
        mx, my = X.mean(0), Y.mean(0)
    else:
        mx, my = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    Xc, Yc = X - mx, Y - my
    coef = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ Yc)
    return coef.T, my - mx @ coef


def _slow_cv(X, Y, alphas, folds, fit_intercept, score_func):
    """Fold by fold, alpha by alpha: fit on the training rows, score the test rows."""
    scores = np.zeros((len(alphas), Y.shape[1]))
    for train, test in folds:
        for a, alpha in enumerate(alphas):
            coef, b = _closed_form(X[train], Y[train], alpha, fit_intercept)
            pred = X[test] @ coef.T + b
            if score_func == "r2":
                s = r2_score(Y[test], pred, multioutput="raw_values")
            else:
                s = np.array(
                    [
                        np.corrcoef(Y[test][:, j], pred[:, j])[0, 1]
                        for j in range(len(b))
                    ]
                )
            scores[a] += s
    return scores / len(folds)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 250.0])
@pytest.mark.parametrize("solver", ["primal", "kernel"])
def test_ridge_matches_closed_form_and_sklearn(rng, fit_intercept, alpha, solver):
    X, Y = _data(rng)
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver=solver).fit(X, Y)
    coef, b = _closed_form(X, Y, alpha, fit_intercept)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, b, rtol=1e-9, atol=1e-10)
    sk = SkRidge(alpha=alpha, fit_intercept=fit_intercept).fit(X, Y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(model.predict(X), sk.predict(X), rtol=1e-8, atol=1e-8)


def test_ridge_per_target_alpha_matches_sklearn(rng):
    # reference: sklearn Ridge accepts one alpha per target
    X, Y = _data(rng, t=6)
    alphas = np.logspace(-2, 3, 6)
    model = Ridge(alpha=alphas, n_targets_batch=4).fit(X, Y)
    sk = SkRidge(alpha=alphas).fit(X, Y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, sk.intercept_, rtol=1e-8, atol=1e-9)


def test_ridge_wide_kernel_form_matches_sklearn(rng):
    # n_features > n_samples: "auto" uses the kernel form; reference: sklearn Ridge
    X, Y = _data(rng, n=40, p=150, t=7)
    model = Ridge(alpha=3.0).fit(X, Y)
    sk = SkRidge(alpha=3.0).fit(X, Y)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, sk.intercept_, rtol=1e-7, atol=1e-8)


def test_ridge_1d_target(rng):
    X, Y = _data(rng, t=1)
    model = Ridge(alpha=2.0).fit(X, Y[:, 0])
    sk = SkRidge(alpha=2.0).fit(X, Y[:, 0])
    assert model.coef_.shape == (X.shape[1],)
    assert np.ndim(model.intercept_) == 0
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-9)
    np.testing.assert_allclose(model.predict(X), sk.predict(X), rtol=1e-9)


@pytest.mark.parametrize("score_func", ["r2", "r"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridgecv_matches_fold_by_fold_reference(rng, score_func, fit_intercept):
    X, Y = _data(rng, n=97, p=12, t=25)
    alphas = np.logspace(-3, 4, 8)
    model = RidgeCV(
        alphas,
        cv=4,
        score_func=score_func,
        fit_intercept=fit_intercept,
        n_targets_batch=7,
    ).fit(X, Y)
    folds = list(KFold(4).split(X))
    ref = _slow_cv(X, Y, alphas, folds, fit_intercept, score_func)
    np.testing.assert_allclose(model.cv_scores_, ref, rtol=1e-8, atol=1e-10)
    best = alphas[np.argmax(ref + 1e-10 * np.log(alphas)[:, None], axis=0)]
    np.testing.assert_array_equal(model.best_alphas_, best)
    for j in (0, 11, 24):
        coef, b = _closed_form(X, Y[:, j : j + 1], best[j], fit_intercept)
        np.testing.assert_allclose(model.coef_[j], coef[0], rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(model.intercept_[j], b[0], rtol=1e-9, atol=1e-10)


def test_ridgecv_non_complement_folds_match_reference(rng):
    # TimeSeriesSplit: training sets are not the complement of their test fold
    X, Y = _data(rng, n=90, p=8, t=10)
    alphas = np.logspace(-2, 3, 6)
    cv = TimeSeriesSplit(3)
    model = RidgeCV(alphas, cv=cv).fit(X, Y)
    ref = _slow_cv(X, Y, alphas, list(cv.split(X)), True, "r2")
    np.testing.assert_allclose(model.cv_scores_, ref, rtol=1e-8, atol=1e-10)
    # the same folds given as a list of (train, test) pairs
    pairs = [(tr.tolist(), te) for tr, te in cv.split(X)]
    np.testing.assert_allclose(RidgeCV(alphas, cv=pairs).fit(X, Y).cv_scores_, ref)


@pytest.mark.parametrize("score", ["r2", "r"])
@pytest.mark.parametrize("shape", [(150, 20), (50, 120)], ids=["primal", "kernel"])
def test_ridgecv_matches_himalaya(rng, score, shape):
    himalaya_ridge = require_reference("himalaya.ridge")
    from himalaya.scoring import correlation_score
    from himalaya.scoring import r2_score as h_r2

    n, p = shape
    X, Y = _data(rng, n=n, p=p, t=200)
    alphas = np.logspace(-2, 5, 15)
    model = RidgeCV(alphas, cv=5, score_func=score).fit(X, Y)
    func = h_r2 if score == "r2" else correlation_score
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # himalaya's wide-X advice
        ref = himalaya_ridge.RidgeCV(
            alphas=alphas, cv=5, fit_intercept=True, solver_params={"score_func": func}
        ).fit(X, Y)
    same = np.isclose(model.best_alphas_, ref.best_alphas_, rtol=1e-12)
    assert same.mean() >= 0.999
    rel = np.abs(model.coef_ - ref.coef_.T).max() / np.abs(ref.coef_).max()
    assert rel <= 1e-4
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model.cv_scores_.max(0), ref.cv_scores_, atol=1e-8)


def test_kernel_and_primal_forms_agree(rng):
    X, Y = _data(rng, n=60, p=45, t=30)
    alphas = np.logspace(-2, 4, 7)
    primal = RidgeCV(alphas, solver="primal").fit(X, Y)
    kernel = RidgeCV(alphas, solver="kernel").fit(X, Y)
    np.testing.assert_allclose(kernel.cv_scores_, primal.cv_scores_, atol=1e-9)
    np.testing.assert_array_equal(kernel.best_alphas_, primal.best_alphas_)
    np.testing.assert_allclose(kernel.coef_, primal.coef_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(("dtype", "tol"), [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_backend_matches_numpy(rng, dtype, tol):
    X, Y = _data(rng, n=200, p=20, t=50)
    X, Y = X.astype(dtype), Y.astype(dtype)
    alphas = np.logspace(-1, 4, 6)
    ref = RidgeCV(alphas, backend="numpy").fit(X, Y)
    out = RidgeCV(alphas, backend="torch").fit(X, Y)
    assert isinstance(out.coef_, np.ndarray) and out.coef_.dtype == dtype
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(out.coef_, ref.coef_, rtol=0, atol=tol * scale)
    np.testing.assert_allclose(out.cv_scores_, ref.cv_scores_, rtol=0, atol=tol)
    assert np.mean(out.best_alphas_ == ref.best_alphas_) >= 0.98
    np.testing.assert_allclose(out.predict(X), ref.predict(X), rtol=0, atol=tol * 10)


@pytest.mark.gpu
def test_cuda_backend_matches_numpy(rng):
    from cogattn._core.backend import available_backends

    if "torch_cuda" not in available_backends():
        pytest.skip(reason="no CUDA device: the torch_cuda backend is unavailable")
    X, Y = _data(rng, n=200, p=20, t=50)
    alphas = np.logspace(-1, 4, 6)
    ref = RidgeCV(alphas, backend="numpy").fit(X, Y)
    out = RidgeCV(alphas, backend="torch_cuda").fit(X, Y)
    np.testing.assert_allclose(out.cv_scores_, ref.cv_scores_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.coef_, ref.coef_, rtol=1e-9, atol=1e-10)


def test_torch_tensors_in_give_tensors_out(rng):
    import torch

    X, Y = _data(rng, n=80, p=6, t=3)
    model = RidgeCV([0.1, 1.0, 10.0]).fit(torch.as_tensor(X), torch.as_tensor(Y))
    assert model.backend_ == "torch"
    assert isinstance(model.coef_, torch.Tensor)
    pred = model.predict(torch.as_tensor(X))
    assert isinstance(pred, torch.Tensor)
    ref = RidgeCV([0.1, 1.0, 10.0]).fit(X, Y)
    np.testing.assert_allclose(pred.numpy(), ref.predict(X), rtol=1e-10)


def test_float32_close_to_float64(rng):
    X, Y = _data(rng, n=300, p=30, t=40)
    alphas = np.logspace(-1, 4, 6)
    m64 = RidgeCV(alphas).fit(X, Y)
    m32 = RidgeCV(alphas).fit(X.astype(np.float32), Y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    np.testing.assert_allclose(m32.cv_scores_, m64.cv_scores_, atol=1e-4)
    same = m32.best_alphas_ == m64.best_alphas_
    assert same.mean() >= 0.95
    np.testing.assert_allclose(
        m32.coef_[same], m64.coef_[same], atol=1e-4 * np.abs(m64.coef_).max()
    )


def test_score_targets(rng):
    X, Y = _data(rng, t=5)
    model = RidgeCV([0.1, 10.0], score_func="r").fit(X, Y)
    pred = model.predict(X)
    r = [np.corrcoef(Y[:, j], pred[:, j])[0, 1] for j in range(5)]
    np.testing.assert_allclose(model.score_targets(X, Y), r, rtol=1e-10)
    np.testing.assert_allclose(
        model.score_targets(X, Y, score_func="r2"),
        r2_score(Y, pred, multioutput="raw_values"),
        rtol=1e-10,
    )
    assert model.score(X, Y) == pytest.approx(r2_score(Y, pred))


@pytest.mark.parametrize("solver", ["primal", "kernel"])
def test_constant_features_predict_the_mean(rng, solver):
    X = np.full((40, 6), 2.5)
    Y = rng.standard_normal((40, 3)) + 1.0
    alphas = np.array([0.1, 10.0])
    model = RidgeCV(alphas, cv=4, solver=solver).fit(X, Y)
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, Y.mean(0), rtol=1e-12)
    ref = _slow_cv(X, Y, alphas, list(KFold(4).split(X)), True, "r2")
    np.testing.assert_allclose(model.cv_scores_, ref, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_quadratic_terms_triangular_and_chunked_agree_with_direct(
    rng, monkeypatch, dtype
):
    """``||A diag(d_j) b_t||^2`` three ways: direct, QR triangle + trmm, chunked."""
    from cogattn._core.backend import get_backend
    from cogattn.encoders import _ridge_quadratic

    xp = get_backend("numpy")
    A = rng.standard_normal((30, 8))
    B = rng.standard_normal((8, 5)).astype(dtype)
    dmat_t = rng.uniform(0.1, 2.0, (8, 4)).astype(dtype)
    direct = np.array(
        [
            [np.sum((A @ (dmat_t[:, j] * B[:, t])) ** 2) for t in range(5)]
            for j in range(4)
        ]
    )
    R, triangular = _ridge_quadratic._test_root(A, xp)
    assert triangular and R.shape == (8, 8)
    tri = _ridge_quadratic._quadratic_terms(R.astype(dtype), True, dmat_t, B, xp)
    monkeypatch.setattr(
        _ridge_quadratic, "_MAX_ELEMENTS", 30 * 5
    )  # 1 alpha per product
    chunked = _ridge_quadratic._quadratic_terms(A.astype(dtype), False, dmat_t, B, xp)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(tri, direct, rtol=rtol)
    np.testing.assert_allclose(chunked, direct, rtol=rtol)


def test_folds_that_do_not_partition_give_the_same_scores(rng):
    """Overlapping or partial test folds take the direct ``F^T Y`` route."""
    X, Y = _data(rng, n=60, p=5, t=4)
    alphas = np.logspace(-2, 3, 4)
    folds = [
        (np.arange(20, 60), np.arange(0, 20)),
        (np.arange(0, 40), np.arange(40, 60)),
    ]
    model = RidgeCV(alphas, cv=folds).fit(X, Y)
    ref = _slow_cv(X, Y, alphas, folds, True, "r2")
    np.testing.assert_allclose(model.cv_scores_, ref, rtol=1e-10, atol=1e-12)


def test_eigen_clusters_split_at_gaps():
    from cogattn.encoders._ridge_quadratic import eigen_clusters

    s = np.array([0.0, 0.0, 1e-12, 1.0, 2.0, 2.0 + 1e-9, 3.0])
    got = [(c.start, c.stop) for c in eigen_clusters(s, rtol=1e-6)]
    assert got == [(0, 3), (3, 4), (4, 6), (6, 7)]
    assert [(c.start, c.stop) for c in eigen_clusters(np.zeros(4))] == [(0, 4)]


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_partial_fraction_quadratic_form_with_degenerate_spectrum(rng, backend):
    """``||A diag(1/(s+alpha)) b||^2`` against the direct sum, with zero, repeated and
    near-repeated eigenvalues and alphas far above and below the spectrum."""
    from types import SimpleNamespace

    from cogattn._core.backend import get_backend
    from cogattn.encoders import _ridge_quadratic as rs

    xp = get_backend(backend)
    s = np.array([0.0, 0.0, 1e-10, 0.5, 1.0, 1.0 + 1e-9, 3.0, 3.0, 40.0])
    A = rng.standard_normal((12, s.size))
    B = rng.standard_normal((s.size, 6))
    alphas = np.logspace(-3, 7, 6)
    dmat = 1.0 / (s[None, :] + alphas[:, None])
    direct = np.stack([np.sum((A @ (d[:, None] * B)) ** 2, axis=0) for d in dmat])
    N, m_single, blocks = rs.quadratic_parts(xp.asarray(A), xp.asarray(s), xp)
    assert [(sl.start, sl.stop) for sl, _, _ in blocks] == [(0, 3), (4, 6), (6, 8)]
    st = SimpleNamespace(
        dmat64_2=xp.asarray(2.0 * dmat),
        dmat64_sq_m=xp.asarray(dmat**2) * m_single[None, :],
        N=N,
        blocks=[(sl, R, tri, xp.asarray(dmat[:, sl].T)) for sl, R, tri in blocks],
    )
    got = xp.to_numpy(rs.quadratic_form(st, xp.asarray(B), xp))
    # rounding bound eps64 (s_max + alpha) / gap: 2e-9 at alpha = 1e7, gap 0.5
    np.testing.assert_allclose(got, direct, rtol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_rank_deficient_primal_design_matches_fold_by_fold(rng, fit_intercept):
    """Duplicated columns and more features than training rows (zero eigenvalues)."""
    X, Y = _data(rng, n=50, p=30, t=5)
    X = np.hstack([X, X[:, :15]])  # 45 features, 40 training rows per fold
    alphas = np.logspace(-2, 4, 5)
    folds = list(KFold(5).split(X))
    model = RidgeCV(alphas, cv=5, solver="primal", fit_intercept=fit_intercept)
    model.fit(X, Y)
    ref = _slow_cv(X, Y, alphas, folds, fit_intercept, "r2")
    np.testing.assert_allclose(model.cv_scores_, ref, rtol=1e-8, atol=1e-10)
