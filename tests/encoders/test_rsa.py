"""RDMs, crossnobis, RDM comparisons, bootstrap and noise ceilings.

Anchors: rsatoolbox (calc_rdm, prec_from_residuals, compare, boot_noise_ceiling,
its RDM covariance ``get_v``), scipy's kendalltau and brute-force pair counts.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cogattn.encoders import rsa
from tests._reference import require_reference

_SETTINGS = settings(max_examples=25, deadline=None)


def _design(rng, k=10, p=40, f=4, signal=1.0):
    means = signal * rng.standard_normal((k, p))
    x = np.concatenate([means + rng.standard_normal((k, p)) for _ in range(f)])
    cond = np.tile(np.arange(k), f)
    fold = np.repeat(np.arange(f), k)
    return x, cond, fold


@pytest.mark.parametrize("method", ["euclidean", "correlation"])
def test_rdm_matches_rsatoolbox(rng, method):
    """rdm equals rsatoolbox.rdm.calc_rdm (same scaling) to 1e-12."""
    rt = require_reference("rsatoolbox")
    pat = rng.standard_normal((15, 60))
    ref = rt.rdm.calc_rdm(rt.data.Dataset(pat), method=method).get_vectors()[0]
    np.testing.assert_allclose(rsa.rdm(pat, method), ref, atol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("noise", [None, "shrinkage", "diag"])
def test_crossnobis_matches_rsatoolbox(rng, noise):
    """crossnobis_rdm equals rsatoolbox's leave-one-fold-out crossnobis, with the
    precision from rsatoolbox.data.prec_from_residuals (shrinkage_eye / diag)."""
    rt = require_reference("rsatoolbox")
    x, cond, fold = _design(rng)
    perm = rng.permutation(x.shape[0])  # unsorted rows must not matter
    x, cond, fold = x[perm], cond[perm], fold[perm]
    res = rng.standard_normal((30, 40)) @ rng.standard_normal((40, 40)) * 0.3
    ds = rt.data.Dataset(x, obs_descriptors={"c": cond, "f": fold})
    prec = None
    if noise is not None:
        name = "shrinkage_eye" if noise == "shrinkage" else "diag"
        prec = rt.data.prec_from_residuals(res, method=name)
    ref = rt.rdm.calc_rdm(
        ds, method="crossnobis", descriptor="c", cv_descriptor="f", noise=prec
    ).get_vectors()[0]
    got = rsa.crossnobis_rdm(x, cond, fold, noise=noise, residuals=res)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    if prec is not None:  # an explicit full precision gives the same
        full = rsa.crossnobis_rdm(x, cond, fold, noise=prec)
        np.testing.assert_allclose(full, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_crossnobis_averages_repeats_within_folds(rng):
    """Several observations of a condition in one fold are averaged first, as
    rsatoolbox's calc_rdm does (3 repeats per fold, rows shuffled)."""
    rt = require_reference("rsatoolbox")
    k, p, f, r = 6, 20, 3, 3
    cond = np.tile(np.repeat(np.arange(k), r), f)
    fold = np.repeat(np.arange(f), k * r)
    x = rng.standard_normal((cond.size, p)) + rng.standard_normal((k, p))[cond]
    perm = rng.permutation(cond.size)
    x, cond, fold = x[perm], cond[perm], fold[perm]
    ds = rt.data.Dataset(x, obs_descriptors={"c": cond, "f": fold})
    ref = rt.rdm.calc_rdm(
        ds, method="crossnobis", descriptor="c", cv_descriptor="f"
    ).get_vectors()[0]
    np.testing.assert_allclose(rsa.crossnobis_rdm(x, cond, fold), ref, atol=1e-12)


def test_crossnobis_unbiased_closed_form(rng):
    """Closed form: with identical condition means the expected crossnobis distance
    is 0 (while the plain euclidean RDM of the means is positive); with known
    means it estimates ||mu_i - mu_j||^2 / P."""
    k, p, f = 6, 200, 8
    dists = []
    for _ in range(20):
        x = np.concatenate([rng.standard_normal((k, p)) for _ in range(f)])
        cond, fold = np.tile(np.arange(k), f), np.repeat(np.arange(f), k)
        dists.append(rsa.crossnobis_rdm(x, cond, fold))
    assert abs(np.mean(dists)) < 0.01
    assert rsa.rdm(x.reshape(f, k, p).mean(axis=0)).mean() > 0.2
    p = 4000
    mu = rng.standard_normal((k, p))
    x = np.concatenate([mu + rng.standard_normal((k, p)) for _ in range(f)])
    np.testing.assert_allclose(
        rsa.crossnobis_rdm(x, cond, fold), rsa.rdm(mu), atol=0.15
    )


def test_crossnobis_memory_is_bounded(rng):
    """Thousands of channels with residual-based noise: no P x P allocation
    (tracemalloc peak far below one 5000 x 5000 float64 matrix, 200 MB)."""
    import tracemalloc

    k, p, f = 20, 5000, 3
    x, cond, fold = _design(rng, k=k, p=p, f=f)
    res = rng.standard_normal((60, p))
    tracemalloc.start()
    rsa.crossnobis_rdm(x, cond, fold, noise="shrinkage", residuals=res)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 30e6


@pytest.mark.parametrize(
    "method", ["cosine", "corr", "spearman", "rho-a", "tau-a", "cosine_cov", "corr_cov"]
)
def test_compare_matches_rsatoolbox(rng, method):
    """compare_rdms equals rsatoolbox.rdm.compare, including tied RDMs for tau-a."""
    rt = require_reference("rsatoolbox")
    a = np.stack([rsa.rdm(rng.standard_normal((9, 20))) for _ in range(3)])
    b = np.stack([rsa.rdm(rng.standard_normal((9, 20))) for _ in range(4)])
    a[0] = np.round(a[0] * 2) / 2  # ties
    ref = rt.rdm.compare(rt.rdm.RDMs(a), rt.rdm.RDMs(b), method=method)
    np.testing.assert_allclose(rsa.compare_rdms(a, b, method), ref, atol=1e-12)


def test_tau_a_brute_force(rng):
    """Kendall tau-a equals (concordant - discordant) / (n (n - 1) / 2) counted over
    all pairs, with ties."""
    a = np.round(rng.standard_normal(15), 1)
    b = np.round(rng.standard_normal(15), 1)
    b[:5] = b[0]
    s = 0.0
    for i, j in itertools.combinations(range(15), 2):
        s += np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
    got = rsa.compare_rdms(a[None, :], b[None, :], "tau-a")[0, 0]
    assert got == pytest.approx(s / 105, abs=1e-12)


@pytest.mark.parametrize("method", ["cosine", "corr", "spearman"])
def test_noise_ceiling_matches_rsatoolbox(rng, method):
    """noise_ceiling equals rsatoolbox.inference.boot_noise_ceiling."""
    rt = require_reference("rsatoolbox")
    base = rsa.rdm(rng.standard_normal((10, 30)))
    subj = base + 0.3 * rng.standard_normal((6, base.size))
    lo, hi = rt.inference.boot_noise_ceiling(rt.rdm.RDMs(subj), method=method)
    got = rsa.noise_ceiling(subj, method)
    assert got == pytest.approx((lo, hi), abs=1e-12)
    assert got[0] <= got[1]


@pytest.mark.parametrize("method", ["cosine_cov", "corr_cov"])
def test_whitened_pooling_uses_rsatoolbox_covariance(rng, method):
    """The whitened norm used to pool RDMs is sqrt(v^T V^-1 v) with rsatoolbox's
    RDM covariance V = get_v(K) (solved exactly; rsatoolbox itself uses an
    approximate conjugate-gradient solve)."""
    require_reference("rsatoolbox")
    from rsatoolbox.util.matrix import get_v

    k = 9
    v = np.stack([rsa.rdm(rng.standard_normal((k, 20))) for _ in range(4)])
    if method == "corr_cov":
        v = v - v.mean(axis=1, keepdims=True)
    big_v = get_v(k, None)
    big_v = big_v.toarray() if hasattr(big_v, "toarray") else np.asarray(big_v)
    exact = np.einsum("ij,ij->i", v, np.linalg.solve(big_v, v.T).T)
    ours = (rsa.whitened_rdm_vectors(v) ** 2).sum(axis=1)
    np.testing.assert_allclose(ours, exact, rtol=1e-10)


def test_bootstrap_covers_and_orders(rng):
    """A model close to the data has a higher mean similarity with a bootstrap
    interval that excludes the unrelated model's; seeds reproduce."""
    k = 12
    truth = rng.standard_normal((k, 30))
    data = np.stack(
        [rsa.rdm(truth + 0.5 * rng.standard_normal((k, 30))) for _ in range(5)]
    )
    models = np.stack([rsa.rdm(truth), rsa.rdm(rng.standard_normal((k, 30)))])
    for over in ("conditions", "subjects", "both"):
        out = rsa.bootstrap_rdm_comparison(
            data, models, "corr", over=over, n_boot=200, random_state=1
        )
        again = rsa.bootstrap_rdm_comparison(
            data, models, "corr", over=over, n_boot=200, random_state=1
        )
        np.testing.assert_array_equal(out["boot"], again["boot"])
        assert out["ci_low"][0] > out["ci_high"][1]
        assert out["ci_low"][0] <= out["observed"][0] <= out["ci_high"][0]


def test_bad_input_errors(rng):
    """Clear errors: NaN channels, too few conditions, unbalanced folds, sizes."""
    pat = rng.standard_normal((5, 10))
    pat[:, 3] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values in 1 channel"):
        rsa.rdm(pat)
    with pytest.raises(ValueError, match="at least 3 conditions"):
        rsa.rdm(rng.standard_normal((2, 10)))
    with pytest.raises(ValueError, match="invalid value for method"):
        rsa.rdm(rng.standard_normal((4, 10)), "cityblock")
    flat = rng.standard_normal((4, 10))
    flat[1] = 1.0
    with pytest.raises(ValueError, match="constant across channels"):
        rsa.rdm(flat, "correlation")
    x, cond, fold = _design(rng, k=4, p=5, f=3)
    with pytest.raises(ValueError, match="every condition in every fold"):
        rsa.crossnobis_rdm(x[1:], cond[1:], fold[1:])
    with pytest.raises(ValueError, match="at least 2 folds"):
        rsa.crossnobis_rdm(x, cond, np.zeros_like(fold))
    with pytest.raises(ValueError, match="at least 3 conditions"):
        rsa.crossnobis_rdm(x, cond % 2, fold)
    with pytest.raises(ValueError, match="pass residuals"):
        rsa.crossnobis_rdm(x, cond, fold, noise="shrinkage")
    with pytest.raises(ValueError, match="one label per observation"):
        rsa.crossnobis_rdm(x, cond[:-1], fold)
    with pytest.raises(ValueError, match="same conditions"):
        rsa.compare_rdms(np.ones(6), np.ones(10))
    with pytest.raises(ValueError, match="not such a number"):
        rsa.compare_rdms(np.ones(7), np.ones(7))
    with pytest.raises(ValueError, match="at least 2 subjects"):
        rsa.noise_ceiling(np.ones((1, 6)))
    with pytest.raises(ValueError, match="over='subjects'"):
        rsa.bootstrap_rdm_comparison(np.ones((2, 6)), np.ones(6), "cosine_cov")


@st.composite
def _patterns(draw):
    k = draw(st.integers(3, 8))
    p = draw(st.integers(2, 12))
    return draw(
        arrays(np.float64, (k, p), elements=st.floats(-10, 10, allow_subnormal=False))
    )


@given(_patterns())
@_SETTINGS
def test_rdm_properties(x):
    """Euclidean RDMs: non-negative, zero diagonal and symmetric in square form,
    invariant to a common shift of all patterns."""
    d = rsa.rdm(x)
    m = rsa.rdm_to_matrix(d)
    assert (d >= 0).all()
    np.testing.assert_array_equal(np.diag(m), 0.0)
    np.testing.assert_array_equal(m, m.T)
    np.testing.assert_allclose(rsa.rdm(x + 3.0), d, atol=1e-9)
    np.testing.assert_array_equal(rsa.matrix_to_rdm(m), d)


@given(_patterns(), st.floats(0.1, 10))
@_SETTINGS
def test_comparison_properties(x, scale):
    """Similarity of an RDM with itself is 1 for every method (when it varies),
    and cosine/corr/rank methods are invariant to positive scaling."""
    d = rsa.rdm(x)
    if np.ptp(d) < 1e-6:
        return
    for method in rsa.COMPARE_METHODS:
        s = rsa.compare_rdms(d, d, method)[0, 0]
        if (
            method in ("cosine_cov", "corr_cov")
            and np.ptp(rsa.whitened_rdm_vectors(d - d.mean() * (method == "corr_cov")))
            < 1e-6
        ):
            continue
        if method in ("rho-a", "tau-a") and np.unique(d).size < d.size:
            continue  # below 1 with ties by construction
        assert s == pytest.approx(1.0, abs=1e-9)
        assert rsa.compare_rdms(d * scale, d, method)[0, 0] == pytest.approx(
            s, abs=1e-9
        )
