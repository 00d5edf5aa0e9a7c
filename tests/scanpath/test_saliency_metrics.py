import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import pearsonr
from sklearn.metrics import roc_auc_score

from cogattn._core.errors import ValidationError
from cogattn.scanpath import saliency_metrics as sm
from cogattn.scanpath.geometry import ScreenGeometry
from tests.scanpath._helpers import random_scanpath
from tests.scanpath._pysaliency import load_pysaliency

H, W = 48, 64


@pytest.fixture
def ps(monkeypatch):
    return load_pysaliency(monkeypatch)


def _maps(rng, n=3):
    smooth = rng.random((n, H, W))
    return smooth, rng.random((n, H, W)) ** 3


def _fix(rng, k=40):
    return np.stack([rng.uniform(0, W, k), rng.uniform(0, H, k)], axis=1)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_against_pysaliency(ps, rng):
    """Anchor: pysaliency 0.2.22 (metrics.NSS, CC, MIT_KLDiv, SIM; general_roc with
    judd=1 on the unfixated negatives) on random maps, batched, within 1e-9."""
    from pysaliency import metrics as pm
    from pysaliency.roc import general_roc
    from pysaliency.saliency_map_models import _get_unfixated_values

    maps, ref = _maps(rng)
    maps[1] -= 0.7  # negative values: densities are shifted first
    fixes = [_fix(rng, k) for k in (1, 40, 300)]
    got_nss = sm.nss(maps, fixes)
    got_judd = sm.auc_judd(maps, fixes)
    for k in range(3):
        xs, ys = fixes[k][:, 0].astype(int), fixes[k][:, 1].astype(int)
        assert got_nss[k] == pytest.approx(pm.NSS(maps[k], xs, ys).mean(), abs=1e-9)
        roc = general_roc(
            maps[k][ys, xs].astype(float),
            _get_unfixated_values(maps[k], ys, xs).astype(float),
            judd=1,
        )[0]
        assert got_judd[k] == pytest.approx(roc, abs=1e-9)
    np.testing.assert_allclose(
        sm.cc(maps, ref),
        [pm.CC(m, r) for m, r in zip(maps, ref, strict=True)],
        atol=1e-9,
    )
    np.testing.assert_allclose(
        sm.kl_divergence(maps, ref),
        [pm.MIT_KLDiv(m, r) for m, r in zip(maps, ref, strict=True)],
        atol=1e-9,
    )
    np.testing.assert_allclose(
        sm.sim(maps, ref),
        [pm.SIM(m, r) for m, r in zip(maps, ref, strict=True)],
        atol=1e-9,
    )


def test_auc_judd_ties_and_jitter(ps, rng):
    """Anchor: pysaliency general_roc on a map with many ties; with jitter, the same
    RandomState(42) noise as pysaliency's RandomNoiseSaliencyMapModel."""
    from pysaliency.roc import general_roc
    from pysaliency.saliency_map_models import _get_unfixated_values

    m = np.round(rng.random((H, W)) * 5)
    xy = _fix(rng, 60)
    xs, ys = xy[:, 0].astype(int), xy[:, 1].astype(int)
    ref = general_roc(
        m[ys, xs].astype(float), _get_unfixated_values(m, ys, xs), judd=1
    )[0]
    assert sm.auc_judd(m, xy) == pytest.approx(ref, abs=1e-12)
    noisy = m + np.random.RandomState(42).randn(H, W) * 1e-7
    ref_j = general_roc(noisy[ys, xs], _get_unfixated_values(noisy, ys, xs), judd=1)[0]
    assert sm.auc_judd(m, xy, jitter=True) == pytest.approx(ref_j, abs=1e-12)


def test_auc_judd_close_to_exact_auc(rng):
    """Closed form: with distinct values the Judd ROC passes through every positive,
    so it equals sklearn's exact AUC of positives vs unfixated pixels within the
    trapezoid steps between positives (small for many positives)."""
    m = rng.random((H, W))
    xy = _fix(rng, 400)
    flat = xy[:, 1].astype(int) * W + xy[:, 0].astype(int)
    neg = np.setdiff1d(np.arange(H * W), flat)
    y = np.r_[np.ones(len(flat)), np.zeros(len(neg))]
    exact = roc_auc_score(y, np.r_[m.ravel()[flat], m.ravel()[neg]])
    assert sm.auc_judd(m, xy) == pytest.approx(exact, abs=5e-3)


def _mit_split_auc(s, fix_idx, negatives, step):
    """Direct transcription of MIT AUC_Borji.m / AUC_shuffled.m for one split."""
    sth = s.ravel()[np.unique(fix_idx)]
    top = max(sth.max(), negatives.max())
    th = np.arange(0, top + 1e-12, step)[::-1]
    tp = np.r_[0, [(sth >= t).mean() for t in th], 1]
    fp = np.r_[0, [(negatives >= t).mean() for t in th], 1]
    return np.trapezoid(tp, fp)


def test_auc_borji_and_shuffled_transcription(rng):
    """Reference: a numpy transcription of the MIT benchmark's AUC_Borji.m and
    AUC_shuffled.m fed with the same random draws (same Generator seed)."""
    m = rng.random((H, W)) ** 2
    xy = _fix(rng, 50)
    other = _fix(rng, 80)
    norm = (m - m.min()) / np.ptp(m)
    flat = xy[:, 1].astype(int) * W + xy[:, 0].astype(int)
    n_pos = np.unique(flat).size
    got = sm.auc_borji(m, xy, n_splits=7, random_state=3)
    g = np.random.default_rng(3)
    draw = g.integers(0, H * W, size=(7, n_pos))
    want = np.mean([_mit_split_auc(norm, flat, norm.ravel()[d], 0.1) for d in draw])
    assert got == pytest.approx(want, abs=1e-12)
    got = sm.auc_shuffled(m, xy, other, n_splits=5, random_state=4)
    g = np.random.default_rng(4)
    others = np.unique(other[:, 1].astype(int) * W + other[:, 0].astype(int))
    k = min(n_pos, others.size)
    want = np.mean(
        [
            _mit_split_auc(
                norm, flat, norm.ravel()[g.choice(others, k, replace=False)], 0.1
            )
            for _ in range(5)
        ]
    )
    assert got == pytest.approx(want, abs=1e-12)


def test_information_gain_closed_form(rng):
    """Closed form: a density that doubles the uniform density at every fixated pixel
    gains 1 bit per fixation; pysaliency's definition (log2 p - log2 b) elsewhere."""
    xy = _fix(rng, 30)
    flat = xy[:, 1].astype(int) * W + xy[:, 0].astype(int)
    p = rng.random((H, W)) + 0.1
    want = np.mean(np.log2(p.ravel()[flat] / p.sum()) - np.log2(1.0 / (H * W)))
    assert sm.information_gain(p, xy) == pytest.approx(want, abs=1e-9)
    assert sm.information_gain(p, xy, p) == pytest.approx(0.0, abs=1e-12)


def test_cc_against_scipy(rng):
    """Anchor: scipy.stats.pearsonr."""
    a, b = _maps(rng, 1)
    assert sm.cc(a[0], b[0]) == pytest.approx(pearsonr(a[0].ravel(), b[0].ravel())[0])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 100.0), st.floats(-5, 5))
def test_metric_properties(seed, scale, shift):
    """Identity gives the optimum (CC 1, KL 0, SIM 1); bounds; NSS, AUC-Judd and CC
    are invariant to positive affine changes of the map; CC and SIM are symmetric."""
    rng = np.random.default_rng(seed)
    a = rng.random((12, 16))
    b = rng.random((12, 16))
    xy = np.stack([rng.uniform(0, 16, 9), rng.uniform(0, 12, 9)], axis=1)
    assert sm.cc(a, a) == pytest.approx(1.0)
    assert sm.kl_divergence(a, a) == pytest.approx(0.0, abs=1e-12)
    assert sm.sim(a, a) == pytest.approx(1.0)
    assert -1 <= sm.cc(a, b) <= 1
    assert 0 <= sm.sim(a, b) <= 1 + 1e-12
    assert sm.kl_divergence(a, b) >= -1e-12
    assert sm.cc(a, b) == pytest.approx(sm.cc(b, a))
    assert sm.sim(a, b) == pytest.approx(sm.sim(b, a))
    assert sm.cc(a * scale + shift, b) == pytest.approx(sm.cc(a, b), abs=1e-9)
    assert sm.nss(a * scale + shift, xy) == pytest.approx(sm.nss(a, xy), abs=1e-7)
    assert sm.auc_judd(a * scale + shift, xy) == pytest.approx(sm.auc_judd(a, xy))
    assert 0 <= sm.auc_judd(a, xy) <= 1


def test_constant_and_zero_maps(rng):
    xy = _fix(rng, 5)
    flat = np.zeros((H, W))
    assert sm.nss(flat, xy) == 0.0
    assert sm.cc(flat, rng.random((H, W))) == 0.0
    assert sm.sim(flat, flat) == pytest.approx(1.0)  # both read as uniform
    assert sm.auc_judd(flat, xy) == pytest.approx(0.5)
    with pytest.raises(ValidationError, match="is constant"):
        sm.auc_borji(flat, xy)


def test_scanpath_fixations_and_density(rng):
    geo = ScreenGeometry(W, H, 4.0, 3.0, 57.0)
    paths = [random_scanpath(rng, 6, geo) for _ in range(3)]
    dens = sm.fixation_density(paths, (H, W), sigma=2.0)
    assert dens.shape == (H, W) and dens.sum() == pytest.approx(1.0)
    assert sm.nss(dens, paths) > 1.0  # the density peaks where the fixations are
    assert sm.auc_judd(dens, paths) > 0.9


def test_saliency_errors(rng):
    m = rng.random((H, W))
    xy = _fix(rng, 5)
    with pytest.raises(ValidationError, match="NaN or infinite"):
        sm.nss(np.full((H, W), np.nan), xy)
    with pytest.raises(ValidationError, match="at least 1 element"):
        sm.nss(np.zeros((0, H, W)), [])
    with pytest.raises(ValidationError, match="off the 64x48 px map"):
        sm.nss(m, [[70.0, 3.0]])
    with pytest.raises(ValidationError, match="has no fixations"):
        sm.auc_judd(m, np.zeros((0, 2)))
    with pytest.raises(ValidationError, match="2 entries for 3 maps"):
        sm.nss(np.stack([m] * 3), [xy, xy])
    with pytest.raises(ValidationError, match="same shape"):
        sm.cc(m, m[:10])
    geo = ScreenGeometry(800, 600, 40, 30, 57)
    with pytest.raises(ValidationError, match="mismatched screen sizes"):
        sm.nss(m, random_scanpath(rng, 3, geo))
    with pytest.raises(ValidationError, match="non-negative"):
        sm.information_gain(m - 1, xy)
    with pytest.raises(ValidationError, match=r"\(x, y\) columns"):
        sm.nss(m, np.zeros((3, 3)))
