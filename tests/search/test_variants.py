"""Baseline searchers: template matching, saliency, chance, and the variant factory."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import ndimage
from skimage.feature import match_template

from cogattn._core.errors import ValidationError
from cogattn.search.matching_saliency_maps import (
    normalized_cross_correlation,
    spectral_residual_saliency,
)
from cogattn.search.model import EccentricitySearchModel
from cogattn.search.variants import (
    VARIANTS,
    ChanceSearch,
    PixelMatchingSearch,
    SaliencySearch,
    make_search_model,
)


def grid_boxes(n_trials, grid, cell):
    r, c = np.divmod(np.arange(grid * grid), grid)
    boxes = np.stack([r * cell, c * cell, (r + 1) * cell, (c + 1) * cell], 1)
    return np.tile(boxes, (n_trials, 1, 1))


def test_ncc_matches_skimage_match_template(rng):
    # reference: skimage.feature.match_template (valid windows)
    imgs = rng.random((3, 40, 33))
    tmpl = rng.random((7, 5))
    got = normalized_cross_correlation(torch.from_numpy(imgs), torch.from_numpy(tmpl),
                                       pad_input=False).numpy()  # fmt: skip
    for b in range(3):
        np.testing.assert_allclose(got[b], match_template(imgs[b], tmpl), atol=1e-9)
    padded = normalized_cross_correlation(
        torch.from_numpy(imgs), torch.from_numpy(tmpl)
    )
    assert padded.shape == (3, 40, 33)
    np.testing.assert_allclose(padded[:, 3 : 3 + 34, 2 : 2 + 29].numpy(), got)
    with pytest.raises(ValidationError, match=r"template \(50 x 5 px\) is larger"):
        normalized_cross_correlation(torch.zeros(1, 40, 33), torch.zeros(50, 5))


def test_spectral_residual_matches_scipy_reference(rng):
    # reference: the method written with scipy.fft / scipy.ndimage on a 64-px image
    img = rng.random((48, 64))
    got = spectral_residual_saliency(torch.from_numpy(img)[None], sigma=2.5)[0].numpy()
    f = np.fft.fft2(img)
    log_amp = np.log(np.abs(f) + 1e-6 * np.abs(f).max())
    residual = log_amp - ndimage.uniform_filter(log_amp, 3, mode="wrap")
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(f)))) ** 2
    sal = ndimage.gaussian_filter(sal, 2.5, mode="nearest", truncate=3.0)
    sal = (sal - sal.min()) / (sal.max() - sal.min())
    np.testing.assert_allclose(got, sal, atol=1e-6)


def test_saliency_finds_odd_one_out():
    imgs = np.full((2, 96, 96), 0.5, np.float32)
    boxes = grid_boxes(2, 3, 32)
    where = [4, 7]
    masks = np.zeros((2, 96, 96), bool)
    rr, cc = np.mgrid[:96, :96]
    for t, i in enumerate(where):
        r0, c0, r1, c1 = boxes[t, i]
        disc = np.hypot(rr - (r0 + r1) / 2, cc - (c0 + c1) / 2) < 7
        imgs[t][disc] = 1.0
        masks[t, r0:r1, c0:c1] = True
    res = SaliencySearch(device="cpu").search(imgs, imgs[0, :32, :32], masks, boxes)
    np.testing.assert_array_equal(res.n_fixations, 1)


def test_pixel_matching_finds_exact_copy(rng):
    imgs = rng.random((2, 60, 60)).astype(np.float32)
    boxes = grid_boxes(2, 3, 20)
    masks = np.zeros((2, 60, 60), bool)
    masks[0, 20:40, 40:60] = True
    masks[1, 0:20, 0:20] = True
    target = np.stack([imgs[0, 20:40, 40:60], imgs[1, 0:20, 0:20]])
    res = PixelMatchingSearch(device="cpu").search(imgs, target, masks, boxes)
    np.testing.assert_array_equal(res.n_fixations, 1)
    assert res.found.all()


def test_chance_is_seeded_and_uniform():
    n, size = 300, 30
    imgs = np.full((n, size, size), 0.5, np.float32)
    boxes = grid_boxes(n, 3, 10)
    masks = np.zeros((n, size, size), bool)
    masks[:, 0:10, 0:10] = True
    a = ChanceSearch(device="cpu", random_state=3).search(
        imgs, imgs[0, :10, :10], masks, boxes
    )
    b = ChanceSearch(device="cpu", random_state=3).search(
        imgs, imgs[0, :10, :10], masks, boxes
    )
    c = ChanceSearch(device="cpu", random_state=4).search(
        imgs, imgs[0, :10, :10], masks, boxes
    )
    np.testing.assert_array_equal(a.fixations, b.fixations)
    assert not np.array_equal(a.fixations, c.fixations)
    # random order: the target's rank is uniform on 1..9, mean 5 (+- 4 s.e.)
    assert abs(a.n_fixations.mean() - 5.0) < 4 * np.sqrt((81 - 1) / 12 / n)
    first = a.fixated_items[:, 0]
    assert np.bincount(first, minlength=9).min() > 0


def test_variant_factory():
    assert VARIANTS[0] == "eccnet" and len(VARIANTS) == 8
    assert make_search_model("eccnet").layers is None  # the backbone's default
    eff = make_search_model("eccnet_efficientnet")
    assert eff.backbone == "efficientnet_lite0" and eff.layers is None
    assert eff.eccentricity is True and eff.similarity == "cosine"
    with pytest.raises(ValidationError, match="fixes the backbone"):
        make_search_model("eccnet_efficientnet", backbone="vgg16")
    three = make_search_model("eccnet_three_layers")
    assert three.layers == ("features.7.expand", "features.14.expand", "final")
    with pytest.raises(ValidationError, match="no three-stage layers"):
        make_search_model("eccnet_three_layers", backbone="vgg16")
    assert isinstance(make_search_model("saliency"), SaliencySearch)
    assert isinstance(make_search_model("chance", random_state=1), ChanceSearch)
    ivsn = make_search_model("ivsn")
    assert isinstance(ivsn, EccentricitySearchModel)
    assert ivsn.layers == ("final",) and ivsn.eccentricity is False
    assert ivsn.similarity == "dot"
    assert make_search_model("eccnet").similarity == "cosine"
    assert make_search_model("no_eccentricity").eccentricity is False
    with pytest.raises(ValidationError, match=r"invalid value for variant: 'ecc'"):
        make_search_model("ecc")
