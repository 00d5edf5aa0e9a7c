"""RidgeCV in float32 on collinear features against the same cross-validation in
float64 (cogattn's float64 path, held to himalaya's float64 RidgeCV here and to a
fold-by-fold implementation in ``test_ridge_reference.py``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import require_reference

from cogattn.encoders.ridge import RidgeCV

ALPHAS = np.logspace(-1, 6, 10)


def _collinear(n=3000, p=400, t=200, decay=2.0, seed=0):
    """Features with singular values ``k^-decay`` (Gram condition ~p^(2 decay)),
    signal-to-noise from 0.01 to 10 across targets."""
    rng = np.random.default_rng(seed)
    rot, _ = np.linalg.qr(rng.standard_normal((p, p)))
    X = (rng.standard_normal((n, p)) * np.arange(1, p + 1) ** -decay) @ rot
    X /= X.std(axis=0)
    S = X @ rng.standard_normal((p, t))
    S /= S.std(axis=0)
    Y = S * np.sqrt(np.logspace(-2, 1, t)) + rng.standard_normal((n, t))
    return X.astype(np.float32), Y.astype(np.float32)


def _fit(X, Y, fit_intercept, **kw):
    model = RidgeCV(alphas=ALPHAS, cv=5, fit_intercept=fit_intercept, **kw)
    return model.fit(X, Y)


@pytest.mark.parametrize("decay", [1.0, 2.0])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_float32_matches_float64_on_collinear_features(decay, fit_intercept):
    X, Y = _collinear(decay=decay)
    m32 = _fit(X, Y, fit_intercept)
    m64 = _fit(X.astype(np.float64), Y.astype(np.float64), fit_intercept)
    assert m32.coef_.dtype == np.float32
    same = np.isclose(m32.best_alphas_, m64.best_alphas_)
    assert same.mean() >= 0.999, (~same).sum()
    c32 = m32.coef_[same].astype(np.float64)
    c64 = m64.coef_[same]
    rel = np.abs(c32 - c64).max(axis=1) / np.abs(c64).max(axis=1)
    # measured <= 1.2e-6; 2e-4 to 4e-3 when the float32 products were formed in
    # the original feature basis
    assert rel.max() <= 1e-4, rel.max()


def test_float64_matches_himalaya_on_collinear_features():
    require_reference("himalaya")
    from himalaya.backend import set_backend
    from himalaya.ridge import RidgeCV as HRidgeCV
    from himalaya.scoring import r2_score
    from sklearn.model_selection import KFold

    X, Y = _collinear(n=600, p=80, t=100)
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    set_backend("numpy")
    ref = HRidgeCV(
        alphas=ALPHAS,
        cv=KFold(5),
        fit_intercept=False,
        solver_params={"score_func": r2_score},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref.fit(X, Y)
    ours = _fit(X, Y, False)
    np.testing.assert_allclose(ours.best_alphas_, ref.best_alphas_)
    np.testing.assert_allclose(ours.coef_, ref.coef_.T, rtol=1e-7, atol=1e-9)
