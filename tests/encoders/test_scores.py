"""Per-target R^2 and Pearson r against scikit-learn and scipy, constant columns too."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from sklearn.metrics import r2_score as sk_r2

from cogattn.encoders.scores import pearson_per_target, r2_per_target
from cogattn.encoders.stats import pearsonr, r2_score


def _data(rng):
    Y = rng.standard_normal((50, 6))
    P = Y + rng.standard_normal((50, 6))
    Y[:, 1] = 3.0  # constant truth, predicted badly
    Y[:, 2] = -2.0  # constant truth, predicted exactly
    P[:, 2] = -2.0
    P[:, 3] = 1.5  # constant prediction
    return Y, P


def test_r2_matches_sklearn_force_finite(rng) -> None:
    Y, P = _data(rng)
    expected = sk_r2(Y, P, multioutput="raw_values", force_finite=True)
    np.testing.assert_allclose(r2_per_target(Y, P), expected, rtol=1e-12)
    np.testing.assert_allclose(r2_score(Y, P), expected, rtol=1e-12)
    assert r2_per_target(Y, P)[1] == 0.0 and r2_per_target(Y, P)[2] == 1.0


def test_weighted_r2_matches_sklearn(rng) -> None:
    Y, P = _data(rng)
    w = rng.uniform(0.1, 2.0, Y.shape[0])
    expected = sk_r2(Y, P, sample_weight=w, multioutput="raw_values")
    np.testing.assert_allclose(r2_per_target(Y, P, sample_weight=w), expected)


def test_pearson_matches_scipy_and_is_zero_for_constant_columns(rng) -> None:
    Y, P = _data(rng)
    r = pearson_per_target(Y, P)
    for j in range(Y.shape[1]):
        if j in (1, 2, 3):
            assert r[j] == 0.0  # scipy gives nan (ConstantInputWarning)
        else:
            np.testing.assert_allclose(r[j], sps.pearsonr(Y[:, j], P[:, j])[0])
    np.testing.assert_array_equal(pearsonr(Y, P), r)


def test_rounding_level_variation_is_constant() -> None:
    y = np.full((7, 1), 0.1)
    y[3] = np.nextafter(0.1, 1.0)
    assert r2_per_target(y, y + 1.0)[0] == 0.0
    assert pearson_per_target(y, np.arange(7.0)[:, None])[0] == 0.0


def test_torch_gives_the_numpy_scores(rng) -> None:
    torch = pytest.importorskip("torch")
    Y, P = _data(rng)
    r2 = r2_per_target(torch.from_numpy(Y), torch.from_numpy(P))
    r = pearson_per_target(torch.from_numpy(Y), torch.from_numpy(P))
    assert isinstance(r2, torch.Tensor) and isinstance(r, torch.Tensor)
    np.testing.assert_allclose(r2.numpy(), r2_per_target(Y, P), rtol=1e-12)
    np.testing.assert_allclose(r.numpy(), pearson_per_target(Y, P), rtol=1e-12)
