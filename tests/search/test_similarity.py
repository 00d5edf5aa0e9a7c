"""Cosine (normalised) top-down similarity and per-display search cues."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn.search.model import EccentricitySearchModel, target_kernels
from cogattn.search.pooling import eccentricity_pool
from cogattn.search.topdown import PooledCorrelation, cosine_correlate


def slow_cosine(x, k):
    """Cosine of ``k`` with every zero-padded window of ``x``, by explicit loops."""
    n, _, h, w = x.shape
    kh, kw = k.shape[-2:]
    xp = np.pad(x, ((0, 0), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)))
    out = np.zeros((n, h, w))
    for b in range(n):
        kb = k[b if k.shape[0] > 1 else 0]
        for i in range(h):
            for j in range(w):
                win = xp[b, :, i : i + kh, j : j + kw]
                den = np.linalg.norm(win) * np.linalg.norm(kb)
                out[b, i, j] = (win * kb).sum() / den if den > 0 else 0.0
    return out


@pytest.mark.parametrize("shared", [True, False])
def test_cosine_correlate_matches_explicit_loops(rng, shared):
    x = rng.standard_normal((2, 4, 6, 7))
    x[0, :, :3, :4] = 0.0  # windows without energy give 0
    k = rng.standard_normal((1 if shared else 2, 4, 3, 5))
    got = cosine_correlate(torch.from_numpy(x), torch.from_numpy(k)).numpy()
    np.testing.assert_allclose(got, slow_cosine(x, k), atol=1e-12)
    assert np.all(np.abs(got) <= 1 + 1e-12)
    # a window equal to the kernel (times a positive factor) has similarity 1
    x2 = np.zeros((1, 4, 5, 7))
    x2[0, :, 1:4, 1:6] = 2.5 * k[0]
    assert cosine_correlate(torch.from_numpy(x2), torch.from_numpy(k[:1]))[
        0, 2, 3
    ].item() == pytest.approx(1.0)


@pytest.mark.parametrize("ksize", [1, 3, 7])
@pytest.mark.parametrize("shared", [True, False])
def test_pooled_cosine_equals_cosine_of_pooled_maps(rng, ksize, shared):
    # 1 x 1 and 3 x 3 kernels on 30 channels take the projected route, 7 x 7 the FFT
    x = torch.from_numpy(np.abs(rng.standard_normal((3, 30, 14, 12))))
    k = torch.from_numpy(rng.standard_normal((1 if shared else 3, 30, ksize, ksize)))
    fix = torch.tensor([[10.0, 20.0], [100.0, 150.0], [50.0, 5.0]])
    idx = torch.tensor([2, 0, 1])
    fast = PooledCorrelation(x, k, 16, 0.32, cosine=True)
    pooled = eccentricity_pool(x[idx], fix, 16, 0.32)
    direct = cosine_correlate(pooled, k if shared else k[idx])
    np.testing.assert_allclose(fast(fix, idx).numpy(), direct.numpy(), atol=1e-10)


def test_target_kernels_of_repeated_targets_equal_one_by_one():
    from test_model import tiny_extractor

    fx = tiny_extractor()
    g = torch.Generator().manual_seed(0)
    two = torch.rand((2, 24, 24), generator=g)
    targets = two[[0, 1, 1, 0, 1]]
    layers = ["features.1", "features.2"]
    got = target_kernels(fx, targets, layers, context_px=8)
    for i in range(5):
        one = target_kernels(fx, targets[i : i + 1], layers, context_px=8)
        for g_l, o_l in zip(got, one, strict=True):
            torch.testing.assert_close(g_l[i : i + 1], o_l)
    shared = target_kernels(fx, two[[1, 1, 1]], layers, context_px=8)
    assert [k.shape[0] for k in shared] == [1, 1]  # one kernel for identical cues


class BlockMeans:
    """A one-layer "backbone": the mean of each ``stride x stride`` pixel block."""

    def __init__(self, stride):
        self.stride = stride

    def receptive_stride(self, layer):
        return self.stride

    def extract(self, images, layers):
        x = images if images.ndim == 4 else images[:, None]
        return {layers[0]: torch.nn.functional.avg_pool2d(x, self.stride)}


def numpy_phase_kernel(target, stride, context, phases):
    """Mean over target positions of block means cropped around the target's centre."""
    th, tw = target.shape
    bg = np.median(np.concatenate([target[0], target[-1], target[:, 0], target[:, -1]]))
    shifts = [j * stride // phases for j in range(phases)]
    kh, kw = 2 * (th // (2 * stride)) + 1, 2 * (tw // (2 * stride)) + 1
    out = []
    for dr in shifts:
        for dc in shifts:
            canvas = np.full((th + 2 * context + shifts[-1],) * 2, bg)
            canvas[
                context + dr : context + dr + th, context + dc : context + dc + tw
            ] = target
            h, w = canvas.shape[0] // stride, canvas.shape[1] // stride
            blocks = canvas[: h * stride, : w * stride]
            blocks = blocks.reshape(h, stride, w, stride).mean((1, 3))
            # the block whose centre is nearest the target's centre
            centres = (np.arange(h) + 0.5) * stride
            r = int(np.argmin(np.abs(centres - (context + dr + th / 2))))
            c = int(np.argmin(np.abs(centres - (context + dc + tw / 2))))
            out.append(
                blocks[r - kh // 2 : r + kh // 2 + 1, c - kw // 2 : c + kw // 2 + 1]
            )
    return np.mean(out, 0)


@pytest.mark.parametrize("phases", [1, 2, 4, 9])
def test_phase_averaged_kernel_matches_numpy_block_means(rng, phases):
    # reference: numpy block means of the target placed at each position by hand
    target = np.full((21, 17), 0.3)  # its border (the canvas' background) is 0.3
    target[2:-2, 2:-2] = rng.random((17, 13))
    got = target_kernels(
        BlockMeans(4),
        torch.from_numpy(target[None]),
        ["x"],
        context_px=6,
        phases=phases,
    )[0]
    want = numpy_phase_kernel(target, 4, 6, min(phases, 4))  # one per pixel at most
    assert got.shape == (1, 1, *want.shape)
    np.testing.assert_allclose(got[0, 0].numpy(), want, atol=1e-12)


def test_model_computes_each_targets_kernels_once():
    from test_model import cross_display, tiny_extractor

    imgs, target, masks, boxes = cross_display(3, [0, 4, 8])
    fx = tiny_extractor()
    calls = []
    extract = fx.extract

    def counting_extract(images, layers, **kwargs):
        calls.append(tuple(images.shape))
        return extract(images, layers, **kwargs)

    fx.extract = counting_extract
    model = EccentricitySearchModel(fx, device="cpu", px_per_degree=8.0)
    first = model.search(imgs, target, masks, boxes)
    n_first = len(calls)  # the scenes, then the target at 16 positions
    again = model.search(imgs, target, masks, boxes)
    assert len(calls) == n_first + 1  # the scenes only
    np.testing.assert_array_equal(first.fixations, again.fixations)
    model.kernel_phases = 1  # new setting: new kernels
    one = model.search(imgs, target, masks, boxes)
    assert len(calls) == n_first + 3
    fresh = EccentricitySearchModel(
        fx, device="cpu", px_per_degree=8.0, kernel_phases=1
    )
    np.testing.assert_array_equal(
        one.fixations, fresh.search(imgs, target, masks, boxes).fixations
    )


def test_kernel_phases_must_be_positive():
    from cogattn._core.errors import ValidationError

    with pytest.raises(ValidationError, match="phases"):
        target_kernels(BlockMeans(4), torch.zeros(1, 8, 8), ["x"], phases=0)


def test_dot_and_cosine_models_differ_only_in_the_similarity():
    from test_model import cross_display, tiny_extractor

    imgs, target, masks, boxes = cross_display(3, [0, 4, 8])
    fx = tiny_extractor()
    for similarity in ("dot", "cosine"):
        res = EccentricitySearchModel(
            fx, device="cpu", px_per_degree=8.0, similarity=similarity, kernel_phases=1
        ).search(imgs, target, masks, boxes)
        np.testing.assert_array_equal(res.n_fixations, 1)
    from cogattn._core.errors import ValidationError

    with pytest.raises(ValidationError, match="similarity"):
        EccentricitySearchModel(fx, similarity="euclid").search(
            imgs, target, masks, boxes
        )
