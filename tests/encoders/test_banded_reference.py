"""BandedRidgeCV against himalaya's GroupRidgeCV (banded ridge) and
MultipleKernelRidgeCV (kernel form) with the same candidate weightings, and the
split R^2 against himalaya's r2_score_split."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import require_reference

from cogattn.encoders.banded import BandedRidgeCV
from cogattn.encoders.ridge import RidgeCV

himalaya = require_reference("himalaya")


def _two_spaces(rng, n, p1, p2, t=30):
    X = rng.standard_normal((n, p1 + p2)) + 1.5
    W = rng.standard_normal((p1 + p2, t))
    W[:p1] *= rng.uniform(0, 2, t)
    W[p1:] *= rng.uniform(0, 0.3, t)
    Y = X @ W + 2 * rng.standard_normal((n, t)) + 4.0
    return X, Y


def _candidates(rng, k=5):
    return np.vstack([[0.5, 0.5], rng.dirichlet([1.0, 1.0], k)])


@pytest.mark.parametrize(
    "shape", [(150, 10, 20), (60, 50, 40)], ids=["primal", "kernel"]
)
def test_matches_himalaya_group_ridge(rng, shape):
    from himalaya.ridge import GroupRidgeCV
    from himalaya.scoring import r2_score

    n, p1, p2 = shape
    X, Y = _two_spaces(rng, n, p1, p2)
    alphas, gammas = np.logspace(-2, 4, 7), _candidates(rng)
    model = BandedRidgeCV(groups=[p1, p2], alphas=alphas, n_iter=gammas).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = GroupRidgeCV(
            groups=np.r_[np.zeros(p1), np.ones(p2)],
            fit_intercept=True,
            solver_params={
                "n_iter": gammas,
                "alphas": alphas,
                "score_func": r2_score,
                "progress_bar": False,
            },
        ).fit(X, Y)
    np.testing.assert_allclose(model.deltas_, ref.deltas_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(model.cv_scores_, ref.cv_scores_, atol=1e-9)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9, atol=1e-9)


def test_matches_himalaya_multiple_kernel_ridge(rng):
    # himalaya's multiple-kernel ridge fits no intercept: use fit_intercept=False
    from himalaya.kernel_ridge import (
        ColumnKernelizer,
        Kernelizer,
        MultipleKernelRidgeCV,
    )
    from himalaya.scoring import r2_score
    from sklearn.pipeline import make_pipeline

    X, Y = _two_spaces(rng, 50, 30, 40)
    alphas, gammas = np.logspace(-2, 4, 7), _candidates(rng)
    model = BandedRidgeCV(
        groups=[slice(0, 30), np.arange(30, 70)],
        alphas=alphas,
        n_iter=gammas,
        fit_intercept=False,
    ).fit(X, Y)
    ref = make_pipeline(
        ColumnKernelizer(
            [("a", Kernelizer(), slice(0, 30)), ("b", Kernelizer(), slice(30, 70))]
        ),
        MultipleKernelRidgeCV(
            kernels="precomputed",
            solver_params={
                "n_iter": gammas,
                "alphas": alphas,
                "score_func": r2_score,
                "progress_bar": False,
            },
        ),
    ).fit(X, Y)
    np.testing.assert_allclose(model.deltas_, ref[-1].deltas_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8)


def test_split_scores_match_himalaya(rng):
    from himalaya.scoring import r2_score_split

    X, Y = _two_spaces(rng, 120, 8, 12)
    model = BandedRidgeCV(groups=[8, 12], alphas=np.logspace(-1, 3, 5), n_iter=6).fit(
        X, Y
    )
    split = model.predict_split(X)
    assert split.shape == (2, 120, Y.shape[1])
    np.testing.assert_allclose(split.sum(0) + model.intercept_, model.predict(X))
    centred = split - split.mean(axis=1, keepdims=True)
    ref = r2_score_split(Y - Y.mean(0), centred)
    r2 = model.score_split(X, Y)
    np.testing.assert_allclose(r2, ref, rtol=1e-10, atol=1e-12)
    # the splits add up to the R^2 of the joint prediction (means match in-sample)
    np.testing.assert_allclose(r2.sum(0), model.score_targets(X, Y, "r2"), atol=1e-10)
    r = model.score_split(X, Y, score_func="r")
    for k in range(2):
        ref_r = [np.corrcoef(Y[:, j], split[k][:, j])[0, 1] for j in range(Y.shape[1])]
        np.testing.assert_allclose(r[k], ref_r, rtol=1e-9)


def test_one_space_equals_ridgecv(rng):
    X, Y = _two_spaces(rng, 80, 5, 5)
    alphas = np.logspace(-2, 3, 6)
    banded = BandedRidgeCV(groups=[10], alphas=alphas, n_iter=4).fit(X, Y)
    plain = RidgeCV(alphas).fit(X, Y)
    np.testing.assert_allclose(banded.coef_, plain.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(banded.best_alphas_, plain.best_alphas_)


def test_favours_the_informative_space(rng):
    X, Y = _two_spaces(rng, 300, 10, 10, t=20)
    model = BandedRidgeCV(groups=[10, 10], n_iter=30, random_state=0).fit(X, Y)
    # space 0 carries most of the signal: it is penalised less for most targets
    assert np.mean(model.deltas_[0] > model.deltas_[1]) > 0.7


def test_random_candidates_reproducible_and_on_simplex(rng):
    X, Y = _two_spaces(rng, 60, 4, 6, t=3)
    kw = {"groups": [4, 3, 3], "n_iter": 12, "concentration": [0.1, 1.0]}
    a = BandedRidgeCV(random_state=3, **kw).fit(X, Y)
    b = BandedRidgeCV(random_state=3, **kw).fit(X, Y)
    np.testing.assert_array_equal(a.gammas_, b.gammas_)
    assert a.gammas_.shape == (12, 3)
    np.testing.assert_allclose(a.gammas_.sum(1), 1.0)
    np.testing.assert_allclose(a.gammas_[0], 1 / 3)
    assert np.all(a.gammas_ > 0)


@pytest.mark.parametrize(("dtype", "tol"), [(np.float32, 1e-5), (np.float64, 1e-10)])
def test_torch_matches_numpy(rng, dtype, tol):
    X, Y = _two_spaces(rng, 100, 6, 8, t=12)
    X, Y = (X - X.mean(0)).astype(dtype), (Y - Y.mean(0)).astype(dtype)
    kw = {"groups": [6, 8], "alphas": np.logspace(-1, 3, 5), "n_iter": 5}
    ref = BandedRidgeCV(backend="numpy", random_state=1, **kw).fit(X, Y)
    out = BandedRidgeCV(backend="torch", random_state=1, **kw).fit(X, Y)
    same = np.all(np.isclose(out.deltas_, ref.deltas_), axis=0)
    assert same.mean() >= 0.9
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(out.coef_[same], ref.coef_[same], atol=tol * 10 * scale)
