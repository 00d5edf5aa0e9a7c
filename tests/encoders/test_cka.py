"""Centered kernel alignment.

Anchors: brute-force U-statistic HSIC over all ordered quadruples (Song et al.
2012), the n x n Gram formula for linear CKA, rsatoolbox's whitened cosine of
euclidean RDMs (which equals linear CKA over conditions), and invariances.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from cogattn.encoders import cka, gram_rbf, hsic, rdm
from tests._reference import require_reference

_SETTINGS = settings(max_examples=20, deadline=None)


def _hsic_u_brute(k, l_mat):
    """Unbiased HSIC as the mean over distinct quadruples of Song et al.'s h."""
    n = k.shape[0]
    total, count = 0.0, 0
    for i, j, q, r in itertools.permutations(range(n), 4):
        kij = k[i, j]
        total += kij * l_mat[i, j] + kij * l_mat[q, r] - 2 * kij * l_mat[i, q]
        count += 1
    return total / count


def test_debiased_hsic_brute_force(rng):
    """Closed-form unbiased HSIC equals the brute-force U-statistic."""
    x, y = rng.standard_normal((7, 3)), rng.standard_normal((7, 2))
    k, l_mat = x @ x.T, gram_rbf(y)
    assert hsic(k, l_mat, debiased=True) == pytest.approx(
        _hsic_u_brute(k, l_mat), rel=1e-10
    )


def test_biased_linear_feature_and_gram_agree(rng):
    """Feature-space linear CKA equals the Gram-based HSIC ratio."""
    x, y = rng.standard_normal((50, 5)), rng.standard_normal((50, 8))
    kx, ky = x @ x.T, y @ y.T
    ref = hsic(kx, ky) / np.sqrt(hsic(kx, kx) * hsic(ky, ky))
    assert cka(x, y) == pytest.approx(ref, rel=1e-10)
    wide = np.hstack([y, rng.standard_normal((50, 60))])
    kw = wide @ wide.T
    ref = hsic(kx, kw) / np.sqrt(hsic(kx, kx) * hsic(kw, kw))
    assert cka(x, wide) == pytest.approx(ref, rel=1e-10)


def test_linear_cka_equals_rsatoolbox_whitened_cosine(rng):
    """Linear CKA over conditions equals rsatoolbox's whitened cosine ('cosine_cov')
    between the squared-euclidean RDMs of the two representations."""
    rt = require_reference("rsatoolbox")
    x, y = rng.standard_normal((12, 30)), rng.standard_normal((12, 7))
    y[:, :3] += x[:, :3]
    ref = rt.rdm.compare(
        rt.rdm.RDMs(rdm(x) * 30), rt.rdm.RDMs(rdm(y) * 7), method="cosine_cov"
    )[0, 0]
    assert cka(x, y) == pytest.approx(ref, rel=1e-10)


def test_debiased_removes_bias(rng):
    """Unrelated wide representations: biased CKA is large, debiased near 0."""
    vals = []
    for _ in range(5):
        x, y = rng.standard_normal((60, 500)), rng.standard_normal((60, 500))
        assert cka(x, y) > 0.5
        vals.append(cka(x, y, debiased=True))
    assert abs(np.mean(vals)) < 0.03


_KERNELS = st.sampled_from(["linear", "rbf"])


@given(st.integers(0, 2**31 - 1), st.floats(0.01, 100), _KERNELS)
@_SETTINGS
def test_invariances(seed, scale, kernel):
    """CKA(X, X) = 1; invariant to orthogonal transforms and isotropic scaling."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((20, 6))
    y = x @ rng.standard_normal((6, 4)) + 0.5 * rng.standard_normal((20, 4))
    q = ortho_group.rvs(6, random_state=seed)
    for debiased in (False, True):
        assert cka(x, x, kernel, debiased) == pytest.approx(1.0, abs=1e-10)
        base = cka(x, y, kernel, debiased)
        assert cka(scale * x @ q, y, kernel, debiased) == pytest.approx(base, abs=1e-9)
        assert cka(y, x, kernel, debiased) == pytest.approx(base, abs=1e-12)


def test_bad_input(rng):
    """Clear errors for mismatched samples, NaN units, too few samples, kernels."""
    with pytest.raises(ValueError, match="same number of samples"):
        cka(rng.standard_normal((10, 3)), rng.standard_normal((9, 3)))
    bad = rng.standard_normal((10, 3))
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite values in 1 unit"):
        cka(bad, rng.standard_normal((10, 3)))
    with pytest.raises(ValueError, match="at least 4 samples"):
        cka(rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), debiased=True)
    with pytest.raises(ValueError, match="invalid value for kernel"):
        cka(rng.standard_normal((5, 3)), rng.standard_normal((5, 3)), "poly")
    with pytest.raises(ValueError, match="pass sigma"):
        gram_rbf(np.zeros((5, 2)))
