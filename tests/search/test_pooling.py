"""Eccentricity pooling against a direct loop implementation of eccNET's rings."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.search.pooling import (
    EccentricityPooling,
    eccentricity_pool,
    feature_coordinates,
    integral_image,
    pool_size_map,
)


def slow_pool(x, fixations, stride, slope, ppd=30.0, fovea=4.0, ring=1.0, rf_min=2):
    """Reference: explicit loops over trials, pixels and window (eccNET's rule)."""
    n, _c, h, w = x.shape
    deg2px = ppd / stride
    out = np.empty_like(x)
    for b in range(n):
        fr = (fixations[b, 0] + 0.5) / stride - 0.5
        fc = (fixations[b, 1] + 0.5) / stride - 0.5
        for i in range(h):
            for j in range(w):
                ecc = math.hypot(i - fr, j - fc) / deg2px
                if ecc < fovea / 2:
                    p = 1
                else:
                    k = math.floor((ecc - fovea / 2) / ring)
                    r_px = (fovea / 2 + (k + 1) * ring) * deg2px
                    p = max(1, rf_min + round(slope * (2 * r_px - fovea * deg2px)))
                i0, i1 = max(0, i - (p - 1) // 2), min(h, i + p // 2 + 1)
                j0, j1 = max(0, j - (p - 1) // 2), min(w, j + p // 2 + 1)
                out[b, :, i, j] = x[b, :, i0:i1, j0:j1].mean(axis=(1, 2))
    return out


@pytest.mark.parametrize(("stride", "slope"), [(8, 0.07), (16, 0.16), (4, 0.32)])
def test_pool_matches_slow_reference(rng, stride, slope):
    x = rng.standard_normal((3, 4, 21, 17)).astype(np.float32)
    fix = np.array([[10, 10], [0, 250], [300, 60]], dtype=np.float64) * (stride / 8)
    got = eccentricity_pool(torch.from_numpy(x), torch.from_numpy(fix), stride, slope)
    want = slow_pool(x, fix, stride, slope)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


def test_fovea_is_untouched_and_periphery_is_smoothed(rng):
    x = torch.from_numpy(rng.standard_normal((1, 2, 40, 40)))
    fix = torch.tensor([[8.0 * 20, 8.0 * 20]])
    pooled = EccentricityPooling(x, 8, 0.32)
    sizes = pooled.sizes(fix)[0]
    out = pooled(fix)
    fovea = sizes == 1
    assert fovea.sum() > 0 and (~fovea).sum() > 0
    torch.testing.assert_close(out[0][:, fovea], x[0][:, fovea])
    # pool sizes never shrink with eccentricity
    coords = feature_coordinates(fix, 8)[0]
    rr, cc = torch.meshgrid(torch.arange(40.0), torch.arange(40.0), indexing="ij")
    ecc = torch.hypot(rr - coords[0], cc - coords[1]).flatten()
    order = torch.argsort(ecc)
    assert torch.all(torch.diff(sizes.flatten()[order]) >= 0)
    assert out[0][:, ~fovea].var() < x[0][:, ~fovea].var()


def test_subset_index_and_constant_maps(rng):
    x = torch.from_numpy(rng.standard_normal((4, 3, 12, 12)))
    pool = EccentricityPooling(x, 16, 0.16)
    fix = torch.tensor([[5.0, 5.0], [100.0, 20.0]])
    idx = torch.tensor([3, 1])
    np.testing.assert_allclose(
        pool(fix, idx).numpy(), eccentricity_pool(x[idx], fix, 16, 0.16).numpy()
    )
    const = torch.full((2, 1, 9, 9), 2.5)
    out = eccentricity_pool(const, torch.zeros(2, 2), 8, 0.5)
    torch.testing.assert_close(out, const)


@settings(max_examples=25, deadline=None)
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_integral_image_box_sums(h, w, seed):
    x = np.random.default_rng(seed).standard_normal((h, w))
    s = integral_image(torch.from_numpy(x)).numpy()
    r0, r1 = sorted(np.random.default_rng(seed + 1).integers(0, h + 1, 2))
    c0, c1 = sorted(np.random.default_rng(seed + 2).integers(0, w + 1, 2))
    box = s[r1, c1] - s[r0, c1] - s[r1, c0] + s[r0, c0]
    np.testing.assert_allclose(box, x[r0:r1, c0:c1].sum(), atol=1e-10)


def test_pool_size_formula_closed_form():
    # eccNET: pool = 2 + round(slope * (2 r_px - 4 deg2px)), r_px the ring's outer
    # radius; deg2px = 30 / 8 = 3.75; a pixel 3.5 deg away is in ring 1 (3-4 deg).
    fix = torch.tensor([[0.0, 0.0]])
    sizes = pool_size_map((1, 20), fix, 3.75, 0.16)
    col = int(3.5 * 3.75)  # 13 px = 3.47 deg
    assert sizes[0, 0, col].item() == 2 + round(0.16 * (2 * 4 * 3.75 - 4 * 3.75))
    assert sizes[0, 0, 0].item() == 1


def test_bad_input():
    with pytest.raises(ValidationError, match=r"x must be a torch tensor of shape"):
        EccentricityPooling(torch.zeros(3, 4, 5), 8, 0.1)
    with pytest.raises(ValidationError, match=r"x must be a float tensor"):
        EccentricityPooling(torch.zeros(1, 3, 4, 5, dtype=torch.int64), 8, 0.1)
    with pytest.raises(ValidationError, match=r"stride must be a positive int"):
        EccentricityPooling(torch.zeros(1, 3, 4, 5), 0, 0.1)
    with pytest.raises(ValidationError, match=r"slope must be a finite number >= 0"):
        EccentricityPooling(torch.zeros(1, 3, 4, 5), 8, -0.1)
    pool = EccentricityPooling(torch.zeros(2, 3, 4, 5), 8, 0.1)
    with pytest.raises(ValidationError, match=r"fixations must have shape \(2, 2\)"):
        pool(torch.zeros(3, 2))


@pytest.mark.parametrize(
    ("ksize", "shared"), [(1, True), (3, False), (5, True), (7, False), (9, True)]
)
def test_pooled_correlation_equals_pool_then_correlate(rng, ksize, shared):
    from cogattn.search.topdown import PooledCorrelation, correlate

    x = torch.from_numpy(rng.standard_normal((3, 30, 14, 12)))
    k = torch.from_numpy(rng.standard_normal((1 if shared else 3, 30, ksize, ksize)))
    fix = torch.tensor([[10.0, 20.0], [100.0, 150.0], [50.0, 5.0]])
    idx = torch.tensor([2, 0, 1])
    fast = PooledCorrelation(x, k, 16, 0.32)
    assert fast.projected == (ksize**2 < 30)
    assert (fast.fft_size is not None) == (ksize**2 > 30)  # 7 x 7 and 9 x 9: FFT
    direct = correlate(
        eccentricity_pool(x[idx], fix, 16, 0.32), k if shared else k[idx]
    )
    np.testing.assert_allclose(fast(fix, idx).numpy(), direct.numpy(), atol=1e-10)
