"""Bad input to the ridge estimators gives one clear ValidationError naming the
argument."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn import ValidationError
from cogattn.encoders.banded import BandedRidgeCV
from cogattn.encoders.ridge import Ridge, RidgeCV


@pytest.fixture
def xy(rng):
    return rng.standard_normal((30, 4)), rng.standard_normal((30, 3))


@pytest.mark.parametrize("est", [Ridge(), RidgeCV(), BandedRidgeCV(groups=[2, 2])])
def test_data_errors(xy, est):
    X, Y = xy
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValidationError, match="X contains 1 NaN or infinite"):
        est.fit(bad, Y)
    bad_y = Y.copy()
    bad_y[0, 0] = np.inf
    with pytest.raises(ValidationError, match="y contains 1 NaN or infinite"):
        est.fit(X, bad_y)
    with pytest.raises(ValidationError, match="same number of samples, got X with 30"):
        est.fit(X, Y[:20])
    with pytest.raises(ValidationError, match="Complex data not supported"):
        est.fit(X + 1j, Y)
    with pytest.raises(ValidationError, match=r"X must hold real numbers.*object"):
        est.fit(X.astype(object), Y)
    with pytest.raises(ValidationError, match=r"y must hold real numbers.*<U"):
        est.fit(X, Y.astype(str))
    with pytest.raises(ValidationError, match=r"X must have 2 dimension.*Reshape"):
        est.fit(X[:, 0], Y)
    with pytest.raises(
        ValidationError, match=r"y must have 1 or 2 dimension.*\(30, 3, 1\)"
    ):
        est.fit(X, Y[..., None])
    with pytest.raises(ValidationError, match="requires y to be passed"):
        est.fit(X, None)
    with pytest.raises(ValidationError, match="X has 0 sample"):
        est.fit(X[:0], Y[:0])


def test_predict_errors(xy):
    X, Y = xy
    model = RidgeCV().fit(X, Y)
    with pytest.raises(
        ValidationError, match="X has 3 features, but RidgeCV is expecting 4"
    ):
        model.predict(X[:, :3])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        Ridge().predict(X)


@pytest.mark.parametrize("est_cls", [RidgeCV, BandedRidgeCV])
def test_alphas_and_cv_errors(xy, est_cls):
    X, Y = xy
    kw = {"groups": [2, 2]} if est_cls is BandedRidgeCV else {}
    with pytest.raises(ValidationError, match=r"alphas must all be > 0, got \[0.0\]"):
        est_cls(alphas=[0.0, 1.0], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="alphas contains 1 NaN"):
        est_cls(alphas=[np.nan, 1.0], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="alphas must have 1 dimension"):
        est_cls(alphas=[[1.0, 2.0]], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="cv=5 folds need at least 5 samples"):
        est_cls(cv=5, **kw).fit(X[:4], Y[:4])
    with pytest.raises(ValidationError, match=r"cv must be an integer in \[2, inf\]"):
        est_cls(cv=1, **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="cv must be an int >= 2, a splitter"):
        est_cls(cv=2.5, **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="cv gave an empty test set"):
        est_cls(cv=[(np.arange(30), np.array([], dtype=int))], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match=r"cv test indices must lie in \[0, 29\]"):
        est_cls(cv=[(np.arange(10), np.arange(25, 35))], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="each cv entry must be a"):
        est_cls(cv=[np.arange(10)], **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="invalid value for score_func: 'mse'"):
        est_cls(score_func="mse", **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="invalid value for solver: 'qr'"):
        est_cls(solver="qr", **kw).fit(X, Y)
    with pytest.raises(ValidationError, match=r"n_targets_batch must be an integer"):
        est_cls(n_targets_batch=-3, **kw).fit(X, Y)
    with pytest.raises(
        ValidationError, match="fit_intercept must be an instance of bool"
    ):
        est_cls(fit_intercept="yes", **kw).fit(X, Y)
    with pytest.raises(ValidationError, match="invalid value for backend: 'jax'"):
        est_cls(backend="jax", **kw).fit(X, Y)


def test_ridge_alpha_errors(xy):
    X, Y = xy
    with pytest.raises(ValidationError, match="alpha must be > 0"):
        Ridge(alpha=-1.0).fit(X, Y)
    with pytest.raises(ValidationError, match=r"one value per target \(3\), got 2"):
        Ridge(alpha=[1.0, 2.0]).fit(X, Y)


def test_banded_group_errors(xy):
    X, Y = xy
    with pytest.raises(ValidationError, match="sum to 5, but X has 4 features"):
        BandedRidgeCV(groups=[2, 3]).fit(X, Y)
    with pytest.raises(ValidationError, match=r"features missing: \[3\]"):
        BandedRidgeCV(groups=[slice(0, 2), [2]]).fit(X, Y)
    with pytest.raises(ValidationError, match=r"features in several groups: \[1\]"):
        BandedRidgeCV(groups=[slice(0, 2), [1, 2, 3]]).fit(X, Y)
    with pytest.raises(ValidationError, match=r"groups\[1\] indices must lie in"):
        BandedRidgeCV(groups=[slice(0, 2), [2, 3, 9]]).fit(X, Y)
    with pytest.raises(ValidationError, match="groups must be a list"):
        BandedRidgeCV(groups="auto").fit(X, Y)
    with pytest.raises(ValidationError, match=r"one column per feature space \(2\)"):
        BandedRidgeCV(groups=[2, 2], n_iter=np.ones((3, 3)) / 3).fit(X, Y)
    with pytest.raises(ValidationError, match="candidate weightings must all be > 0"):
        BandedRidgeCV(groups=[2, 2], n_iter=np.array([[1.0, 0.0]])).fit(X, Y)
    with pytest.raises(ValidationError, match="concentration must be > 0"):
        BandedRidgeCV(groups=[2, 2], concentration=[0.0]).fit(X, Y)
    with pytest.raises(
        ValidationError, match=r"n_iter must be an integer in \[1, inf\]"
    ):
        BandedRidgeCV(groups=[2, 2], n_iter=0).fit(X, Y)


@pytest.mark.parametrize(
    "est", [Ridge(), RidgeCV(), RidgeCV(solver="kernel"), BandedRidgeCV(groups=[2, 2])]
)
def test_sums_of_squares_overflow(xy, est):
    X, Y = xy
    with pytest.raises(
        ValidationError, match="X's sums of squares overflow float64; rescale"
    ):
        est.fit(X * 1e200, Y)


@pytest.mark.parametrize(
    ("est", "name"),
    [
        (Ridge(alpha=1e300), "alpha"),
        (RidgeCV(alphas=[1.0, 1e300]), "alphas"),
        (BandedRidgeCV(groups=[2, 2], alphas=[1e300]), "alphas"),
    ],
)
def test_alphas_too_large(xy, est, name):
    with pytest.raises(
        ValidationError, match=rf"{name} must be finite and at most 1e\+150.*1e\+300"
    ):
        est.fit(*xy)
