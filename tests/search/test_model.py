"""Fixation loop (WTA + IOR), found/cap logic, RTs, and the eccentricity model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.search.model import EccentricitySearchModel, target_kernels
from cogattn.search.topdown import (
    combine_layers,
    correlate,
    minmax_normalise,
    self_response,
)
from cogattn.search.wta_ior import SearchResult, item_label_map, run_search


def grid_boxes(n_trials, grid, cell):
    """Boxes of a ``grid x grid`` array of ``cell``-pixel cells, row-major."""
    r, c = np.divmod(np.arange(grid * grid), grid)
    boxes = np.stack([r * cell, c * cell, (r + 1) * cell, (c + 1) * cell], 1)
    return torch.from_numpy(np.tile(boxes, (n_trials, 1, 1)))


def masks_for(boxes, items, shape):
    m = torch.zeros((boxes.shape[0], *shape), dtype=torch.bool)
    for t, i in enumerate(items):
        r0, c0, r1, c1 = boxes[t, i].tolist()
        m[t, r0:r1, c0:c1] = True
    return m


def test_item_label_map_matches_loop(rng):
    boxes = torch.tensor([[[0, 0, 4, 5], [6, 2, 9, 9], [3, 3, 7, 6]]])
    got = item_label_map(boxes, (10, 10))[0].numpy()
    want = np.full((10, 10), -1)
    count = np.zeros((10, 10), int)
    for i, (r0, c0, r1, c1) in enumerate(boxes[0].tolist()):
        want[r0:r1, c0:c1] = i
        count[r0:r1, c0:c1] += 1
    want[count > 1] = -1
    np.testing.assert_array_equal(got, want)


def test_planted_target_found_in_one_fixation():
    boxes = grid_boxes(3, 4, 8)
    targets = [5, 0, 15]
    att = torch.zeros(3, 32, 32, dtype=torch.float64)
    for t, i in enumerate(targets):
        r0, c0, r1, c1 = boxes[t, i].tolist()
        att[t, (r0 + r1) // 2, (c0 + c1) // 2] = 1.0
    res = run_search(att, masks_for(boxes, targets, (32, 32)), boxes)
    np.testing.assert_array_equal(res.n_fixations, [1, 1, 1])
    assert res.found.all()
    np.testing.assert_array_equal(res.fixations[:, 0], [[16, 16]] * 3)  # centre
    np.testing.assert_array_equal(res.fixated_items[:, 0], targets)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), grid=st.integers(1, 5))
def test_ior_never_revisits(seed, grid):
    rng = np.random.default_rng(seed)
    n = 4
    boxes = grid_boxes(n, grid, 6)
    size = grid * 6
    att = torch.from_numpy(rng.random((n, size, size)))
    no_target = torch.zeros(n, size, size, dtype=torch.bool)
    res = run_search(att, no_target, boxes, max_fixations=grid * grid + 3)
    for t in range(n):
        items = res.fixated_items[t][res.fixated_items[t] >= 0]
        assert len(items) == len(set(items.tolist())) == grid * grid
        # every fixation lies inside the box of the item it fixated
        for k, i in enumerate(items):
            r, c = res.fixations[t, k + 1]
            r0, c0, r1, c1 = boxes[t, i].tolist()
            assert r0 <= r < r1 and c0 <= c < c1
    assert not res.found.any()
    np.testing.assert_array_equal(res.n_fixations, grid * grid)


def test_found_cap_and_rt_hand_computed():
    # four items in a row; attention decreases left to right; target is item 2
    boxes = grid_boxes(1, 2, 5)
    att = torch.tensor([[4.0] * 5 + [3.0] * 5] * 5 + [[2.0] * 5 + [1.0] * 5] * 5)[None]
    masks = masks_for(boxes, [2], (10, 10))
    res = run_search(att, masks, boxes)
    assert res.found[0] and res.n_fixations[0] == 3
    np.testing.assert_array_equal(res.fixated_items[0], [0, 1, 2, -1, -1])
    # RT = 252.359 n + 376.271 ms (eccNET): 3 fixations -> 1133.348 ms
    np.testing.assert_allclose(res.reaction_times(), [1133.348])
    capped = run_search(att, masks, boxes, max_fixations=2)
    assert not capped.found[0]
    assert capped.n_fixations[0] == 4  # not found counts as set size
    np.testing.assert_allclose(capped.reaction_times(), [252.359 * 4 + 376.271])
    assert (capped.fixations[0, 3:] == -1).all()


def test_search_result_default_cap_is_set_size_plus_one():
    boxes = grid_boxes(2, 2, 4)
    att = torch.rand(2, 8, 8, dtype=torch.float64)
    res = run_search(att, torch.zeros(2, 8, 8, dtype=torch.bool), boxes)
    assert isinstance(res, SearchResult)
    assert res.fixations.shape == (2, 6, 2) and res.fixated_items.shape == (2, 5)


def test_correlate_matches_explicit_sum(rng):
    x = torch.from_numpy(rng.standard_normal((2, 3, 6, 7)))
    k = torch.from_numpy(rng.standard_normal((2, 3, 3, 1)))
    got = correlate(x, k).numpy()
    xp = np.pad(x.numpy(), ((0, 0), (0, 0), (1, 1), (0, 0)))
    want = np.zeros((2, 6, 7))
    for b in range(2):
        for i in range(6):
            for j in range(7):
                want[b, i, j] = (xp[b, :, i : i + 3, j] * k[b, :, :, 0].numpy()).sum()
    np.testing.assert_allclose(got, want, atol=1e-12)
    shared = correlate(x, k[:1]).numpy()
    np.testing.assert_allclose(shared[0], want[0], atol=1e-12)
    with pytest.raises(ValidationError, match="kernel sizes must be odd"):
        correlate(x, torch.zeros(2, 3, 2, 3, dtype=x.dtype))


def test_combine_layers_weights_by_peak():
    a = torch.zeros(1, 4, 4, dtype=torch.float64)
    a[0, 0, 0] = 3.0
    b = torch.zeros(1, 2, 2, dtype=torch.float64)
    b[0, 1, 1] = 1.0
    out = combine_layers([a, b], (4, 4))
    # weights 3/4 and 1/4 of the min-max normalised maps
    assert out[0, 0, 0] == pytest.approx(0.75)
    assert out.max() <= 1.0 and out.min() >= 0.0
    flat = minmax_normalise(torch.ones(1, 3, 3))
    assert torch.all(flat == 0)


def test_combine_layers_weights_by_peak_over_self_response():
    a = torch.zeros(2, 4, 4, dtype=torch.float64)
    a[:, 0, 0] = 3.0
    b = torch.zeros(2, 2, 2, dtype=torch.float64)
    b[:, 1, 1] = 1.0
    kernels = torch.full((2, 3, 1, 1), 2.0, dtype=torch.float64)
    energy = self_response(kernels)
    assert energy.tolist() == [12.0, 12.0]
    # layer a: peak 3 / self-response 12; layer b: peak 1 / self-response 1
    out = combine_layers(
        [a, b], (4, 4), self_responses=[energy, torch.ones(1, dtype=a.dtype)]
    )
    assert out[0, 0, 0] == pytest.approx(0.25 / 1.25)
    assert out[1, 3, 3] == pytest.approx(1.0 / 1.25)
    with pytest.raises(ValidationError, match="one tensor per layer"):
        combine_layers([a, b], (4, 4), self_responses=[energy])


# --------------------------------------------------------------- network model
def tiny_extractor():
    from cogattn.features.extractor import FeatureExtractor

    torch.manual_seed(0)
    net = torch.nn.Module()
    net.features = torch.nn.Sequential(
        torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, 2, 1), torch.nn.ReLU()),
        torch.nn.Sequential(torch.nn.Conv2d(8, 16, 3, 2, 1), torch.nn.ReLU()),
        torch.nn.Sequential(torch.nn.Conv2d(16, 16, 3, 2, 1), torch.nn.ReLU()),
    )
    return FeatureExtractor(net, {"features.1": 4, "features.2": 8}, name="tiny")


def cross_display(n, where, cell=24, grid=3):
    """Grey displays with one black cross in cell ``where[t]`` and blank cells."""
    size = cell * grid
    imgs = np.full((n, size, size), 0.5, np.float32)
    boxes = grid_boxes(n, grid, cell).numpy()
    for t, i in enumerate(where):
        r0, c0, r1, c1 = boxes[t, i]
        imgs[t, r0 + 4 : r1 - 4, (c0 + c1) // 2 - 1 : (c0 + c1) // 2 + 2] = 0.0
        imgs[t, (r0 + r1) // 2 - 1 : (r0 + r1) // 2 + 2, c0 + 4 : c1 - 4] = 0.0
    target = imgs[0, boxes[0, where[0], 0] : boxes[0, where[0], 2],
                  boxes[0, where[0], 1] : boxes[0, where[0], 3]].copy()  # fmt: skip
    masks = masks_for(torch.from_numpy(boxes), where, (size, size)).numpy()
    return imgs, target, masks, boxes


@pytest.mark.parametrize("eccentricity", [True, False])
def test_model_finds_lone_target_first(eccentricity):
    where = [0, 4, 8, 2]
    imgs, target, masks, boxes = cross_display(4, where)
    model = EccentricitySearchModel(
        tiny_extractor(),
        eccentricity=eccentricity,
        device="cpu",
        px_per_degree=8.0,
        kernel_phases=1,  # the random toy net's kernel at the target's own alignment
    )
    res = model.search(imgs, target, masks, boxes)
    np.testing.assert_array_equal(res.n_fixations, 1)
    assert res.found.all()
    again = model.search(imgs, target, masks, boxes)  # deterministic
    np.testing.assert_array_equal(again.fixations, res.fixations)
    maps = model.attention_maps(imgs, target)
    assert maps.shape == imgs.shape and maps.min() >= 0 and maps.max() <= 1


def test_target_kernels_are_odd_and_centred():
    fx = tiny_extractor()
    target = torch.full((1, 24, 24), 0.5)
    kernels = target_kernels(fx, target, ["features.1", "features.2"], context_px=8)
    assert [tuple(k.shape[-2:]) for k in kernels] == [(7, 7), (3, 3)]


def test_imagenet_backbone_finds_lone_target():
    # cells of 2 stride-32 feature pixels: the default (deepest) layer resolves them
    imgs, target, masks, boxes = cross_display(2, [1, 6], cell=64)
    res = EccentricitySearchModel(device="cpu").search(imgs, target, masks, boxes)
    np.testing.assert_array_equal(res.n_fixations, 1)


def test_bad_input():
    imgs, target, masks, boxes = cross_display(2, [0, 1])
    model = EccentricitySearchModel(tiny_extractor(), device="cpu")
    with pytest.raises(ValidationError, match=r"target \(80 x 80 px\) is larger"):
        model.search(imgs, np.full((80, 80), 0.5, np.float32), masks, boxes)
    with pytest.raises(ValidationError, match=r"images must have 3 or 4 dimension"):
        model.search(imgs[0], target, masks, boxes)
    with pytest.raises(ValidationError, match=r"images must be a float array"):
        model.search((imgs * 255).astype(np.uint8), target, masks, boxes)
    with pytest.raises(ValidationError, match=r"values in \[0, 1\]"):
        model.search(imgs * 3, target, masks, boxes)
    with pytest.raises(ValidationError, match=r"target_masks must be boolean"):
        model.search(imgs, target, masks.astype(float), boxes)
    with pytest.raises(ValidationError, match=r"item_boxes must have shape \(2, "):
        model.search(imgs, target, masks, boxes[0])
    with pytest.raises(ValidationError, match=r"box\(es\) are empty"):
        model.search(imgs, target, masks, boxes[..., [2, 1, 0, 3]])
    with pytest.raises(ValidationError, match=r"unknown layer"):
        EccentricitySearchModel(tiny_extractor(), layers=["nope"]).search(
            imgs, target, masks, boxes
        )
    with pytest.raises(ValidationError, match=r"slopes must hold one value per layer"):
        EccentricitySearchModel(tiny_extractor(), slopes=[0.1]).search(
            imgs, target, masks, boxes
        )
    with pytest.raises(ValidationError, match=r"eccentricity must be an instance"):
        EccentricitySearchModel(tiny_extractor(), eccentricity="yes").search(
            imgs, target, masks, boxes
        )
