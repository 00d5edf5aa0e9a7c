"""Procrustes, hyperalignment, SRM, alignment generalisation.

Anchors: scipy.linalg.orthogonal_procrustes, fmralign (scaled_procrustes,
GroupAlignment template alignment with Procrustes and DetSRM), planted rotations
and a planted shared response with known noise variance (closed form). brainiak's
SRM is not importable here (it needs an MPI library), so the probabilistic SRM is
checked against the planted model.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from cogattn.encoders.alignment import (
    SRM,
    Hyperalignment,
    Procrustes,
    alignment_generalisation,
    procrustes,
)
from tests._reference import require_reference


@pytest.mark.parametrize("shape", [(50, 10), (20, 60)])
def test_procrustes_matches_scipy(rng, shape):
    """Orthogonal map equals scipy.linalg.orthogonal_procrustes (tall and wide,
    the wide case through the sample-space SVD; compared on the mapped data)."""
    from scipy.linalg import orthogonal_procrustes

    x, y = rng.standard_normal(shape), rng.standard_normal(shape)
    ref, _ = orthogonal_procrustes(x, y)
    r, s = procrustes(x, y)
    assert s == 1.0
    np.testing.assert_allclose(x @ r, x @ ref, atol=1e-10)
    rtr = r.T @ r
    if shape[0] >= shape[1]:
        np.testing.assert_allclose(rtr, np.eye(shape[1]), atol=1e-10)
    else:  # the map is unique only on the data's row space: a partial isometry
        np.testing.assert_allclose(rtr @ rtr, rtr, atol=1e-10)


@pytest.mark.parametrize("shape", [(50, 10), (20, 60)])
def test_scaled_procrustes_matches_fmralign(rng, shape):
    """Scaled Procrustes equals fmralign.methods.procrustes.scaled_procrustes."""
    fm = require_reference("fmralign.methods.procrustes")
    x, y = rng.standard_normal(shape), 3.0 * rng.standard_normal(shape)
    ref_r, ref_s = fm.scaled_procrustes(x, y, scaling=True)
    r, s = procrustes(x, y, scaling=True)
    assert s == pytest.approx(ref_s, rel=1e-12)
    np.testing.assert_allclose(x @ r, x @ ref_r, atol=1e-10)


@given(st.integers(0, 2**31 - 1), st.floats(0.1, 10.0))
@settings(max_examples=20, deadline=None)
def test_planted_rotation_recovered(seed, scale):
    """Y = s X Q exactly: Procrustes returns Q and s."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((30, 6))
    q = ortho_group.rvs(6, random_state=seed)
    r, s = procrustes(x, scale * x @ q, scaling=True)
    np.testing.assert_allclose(r, q, atol=1e-8)
    assert s == pytest.approx(scale, rel=1e-8)


def test_hyperalignment_matches_fmralign(rng):
    """Hyperalignment(n_iter=k) equals fmralign GroupAlignment(procrustes,
    n_iter=k + 1) on new data (fmralign's last maps are fitted before its last
    template update, so it is one update behind)."""
    ga_mod = require_reference("fmralign")
    subs = {f"s{i}": rng.standard_normal((40, 8)) for i in range(4)}
    test = {k: rng.standard_normal((10, 8)) for k in subs}
    ga = ga_mod.GroupAlignment(method="procrustes", n_iter=3).fit(subs, y="template")
    ours = Hyperalignment(n_iter=2, scaling=True).fit(list(subs.values()))
    ref = ga.transform(test)
    got = ours.transform(list(test.values()))
    for key, g in zip(subs, got, strict=True):
        np.testing.assert_allclose(g, ref[key], atol=1e-10)


def test_deterministic_srm_matches_fmralign(rng):
    """SRM(method='deterministic') from the same initial shared response equals
    fmralign's template alignment with DetSRM (bases and shared response)."""
    require_reference("fmralign")
    from fmralign import GroupAlignment
    from fmralign.methods.srm import DetSRM

    subs = {f"s{i}": rng.standard_normal((40, 8)) for i in range(4)}
    subs = {k: v - v.mean(axis=0) for k, v in subs.items()}
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(3)  # noqa: NPY002
    init = np.random.randn(40, 5)  # noqa: NPY002
    np.random.seed(3)  # noqa: NPY002
    ga = GroupAlignment(method=DetSRM(5), n_iter=4).fit(subs, y="template")
    np.random.set_state(state)  # noqa: NPY002
    ours = SRM(5, n_iter=4, init=init).fit(list(subs.values()))
    for est, w in zip(ga.fitted_estimators.values(), ours.w_, strict=True):
        np.testing.assert_allclose(w, est.Wt, atol=1e-10)
    np.testing.assert_allclose(ours.s_, ga.template, atol=1e-10)
    assert np.all(np.diff(ours.objective_) <= 1e-9)  # monotone decrease
    direct = sum(
        ((x - ours.s_ @ w.T) ** 2).sum()
        for x, w in zip(subs.values(), ours.w_, strict=True)
    )
    assert ours.objective_[-1] == pytest.approx(direct, rel=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["deterministic", "probabilistic"])
def test_srm_recovers_planted_model(seed, method):
    """x_i = W_i s + noise(0.3): the shared response's span is recovered (R^2 >
    0.95) and the probabilistic model's noise variances are 0.3^2 within 15%."""
    rng = np.random.default_rng(seed)
    k, n = 5, 300
    s = rng.standard_normal((n, k))
    ws = [np.linalg.qr(rng.standard_normal((30, k)))[0] for _ in range(5)]
    xs = [s @ w.T + 0.3 * rng.standard_normal((n, 30)) for w in ws]
    model = SRM(k, method=method, n_iter=30, random_state=seed).fit(xs)
    coef = np.linalg.lstsq(model.s_, s, rcond=None)[0]
    resid = s - model.s_ @ coef
    assert 1 - (resid**2).sum() / (s**2).sum() > 0.95
    for w in model.w_:
        np.testing.assert_allclose(w.T @ w, np.eye(k), atol=1e-10)
    if method == "probabilistic":
        np.testing.assert_allclose(model.rho2_, 0.09, rtol=0.15)


@pytest.mark.parametrize("method", ["hyperalignment", "srm", "srm_probabilistic"])
def test_alignment_generalises_on_planted_data(method):
    """Rotated copies of a shared signal: aligned held-out correlation is high,
    the unaligned baseline is near 0 (three seeds)."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        shared = rng.standard_normal((200, 12))
        xs = [
            shared @ ortho_group.rvs(12, random_state=seed * 10 + i)
            + 0.5 * rng.standard_normal((200, 12))
            for i in range(4)
        ]
        out = alignment_generalisation(xs, method, n_components=12, random_state=0)
        assert out["aligned_r"].min() > 0.7
        assert np.abs(out["baseline_r"]).max() < 0.4


def test_bad_input(rng):
    """Different sample counts, NaN channels, too few subjects/samples, unfitted."""
    good = [rng.standard_normal((20, 5)) for _ in range(3)]
    with pytest.raises(ValueError, match=r"same number of samples .*\[20, 19, 20\]"):
        Hyperalignment().fit([good[0], good[1][:19], good[2]])
    bad = [g.copy() for g in good]
    bad[1][:, 2] = np.nan
    with pytest.raises(ValueError, match=r"subjects\[1\] has NaN or infinite values"):
        SRM(2).fit(bad)
    with pytest.raises(ValueError, match="at least 2 subjects"):
        SRM(2).fit(good[:1])
    with pytest.raises(ValueError, match="n_components=9 exceeds"):
        SRM(9).fit(good)
    with pytest.raises(ValueError, match="different numbers of features"):
        Hyperalignment().fit([good[0], rng.standard_normal((20, 4))])
    with pytest.raises(ValueError, match="not fitted"):
        Procrustes().transform(good[0])
    with pytest.raises(ValueError, match="same number of samples"):
        procrustes(good[0], good[1][:10])
    with pytest.raises(ValueError, match="at least 3 subjects"):
        alignment_generalisation(good[:2])
    with pytest.raises(ValueError, match="invalid value for method"):
        alignment_generalisation(good, "ot")
