"""Properties of ridge that hold for any data: targets are solved independently, and
rescaling X by c is undone by rescaling alpha by c**2."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn.encoders.ridge import Ridge, RidgeCV

_SETTINGS = settings(max_examples=15, deadline=None)


def _problem(seed, n, p, t):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    Y = X @ rng.standard_normal((p, t)) + rng.standard_normal((n, t))
    return X, Y


@_SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(12, 60),
    p=st.integers(1, 30),
    t=st.integers(2, 9),
    batch=st.integers(1, 5),
)
def test_target_permutation_invariance(seed, n, p, t, batch):
    X, Y = _problem(seed, n, p, t)
    perm = np.random.default_rng(seed + 1).permutation(t)
    alphas = np.logspace(-2, 3, 6)
    a = RidgeCV(alphas, cv=3, n_targets_batch=batch).fit(X, Y)
    b = RidgeCV(alphas, cv=3, n_targets_batch=batch + 1).fit(X, Y[:, perm])
    np.testing.assert_allclose(
        b.predict(X), a.predict(X)[:, perm], rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(b.cv_scores_, a.cv_scores_[:, perm], atol=1e-9)
    np.testing.assert_array_equal(b.best_alphas_, a.best_alphas_[perm])


@_SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    c=st.floats(0.05, 20.0),
    alpha=st.floats(1e-2, 1e3),
    wide=st.booleans(),
)
def test_scaling_x_by_c(seed, c, alpha, wide):
    # min ||y - cX b||^2 + c^2 alpha ||b||^2 has solution b = b(X, alpha) / c
    X, Y = _problem(seed, 25, 40 if wide else 6, 3)
    ref = Ridge(alpha=alpha).fit(X, Y)
    out = Ridge(alpha=alpha * c**2).fit(c * X, Y)
    scale = np.abs(ref.coef_).max() + 1e-12
    np.testing.assert_allclose(out.coef_ * c, ref.coef_, rtol=0, atol=1e-8 * scale)
    np.testing.assert_allclose(out.predict(c * X), ref.predict(X), rtol=1e-7, atol=1e-8)


@_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), c=st.floats(0.1, 10.0))
def test_ridgecv_scaling_x_and_alphas(seed, c):
    X, Y = _problem(seed, 50, 5, 4)
    alphas = np.logspace(-2, 3, 6)
    ref = RidgeCV(alphas, cv=5).fit(X, Y)
    out = RidgeCV(alphas * c**2, cv=5).fit(c * X, Y)
    np.testing.assert_allclose(out.cv_scores_, ref.cv_scores_, atol=1e-8)
    np.testing.assert_allclose(out.predict(c * X), ref.predict(X), rtol=1e-7, atol=1e-8)
