"""Shaded scenes and the small CNN of the training-diet experiment."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.search.diet import SmallShadingNet, render_shaded_scenes


def test_scenes_rotated_diet_is_the_upright_diet_turned():
    up, y_up = render_shaded_scenes(16, 5, diet="upright")
    rot, y_rot = render_shaded_scenes(16, 5, diet="rotated")
    np.testing.assert_array_equal(y_up, y_rot)
    np.testing.assert_allclose(rot, np.rot90(up, 1, axes=(1, 2)))
    assert up.dtype == np.float32 and up.min() >= 0 and up.max() <= 1


def test_bumps_are_bright_on_top():
    img, lab = render_shaded_scenes(200, 0, size=48)
    dev = img - 0.5
    rows = np.arange(48)[None, :, None]
    # luminance-weighted mean row of the bright part: above the dark part for bumps
    bright = np.clip(dev, 0, None)
    dark = np.clip(-dev, 0, None)
    centroid = lambda w: (w * rows).sum((1, 2)) / w.sum((1, 2))  # noqa: E731
    up = centroid(bright) < centroid(dark)
    assert (up == (lab == 1)).mean() > 0.95


def test_bad_diet():
    with pytest.raises(ValidationError, match=r"invalid value for diet: 'sideways'"):
        render_shaded_scenes(4, 0, diet="sideways")
    with pytest.raises(ValidationError, match=r"between 0 and 90 degrees"):
        render_shaded_scenes(4, 0, light_spread_deg=120.0)
    with pytest.raises(ValidationError, match=r"light_spread_deg"):
        render_shaded_scenes(4, 0, light_spread_deg=-1.0)


def test_small_net_shapes():
    import torch

    net = SmallShadingNet()
    assert net(torch.zeros(2, 3, 48, 48)).shape == (2, 2)


def test_light_spread_leaves_only_the_vertical_shading_informative():
    img, lab = render_shaded_scenes(400, 1, size=48, light_spread_deg=60.0)
    dev = img - 0.5
    cols = np.arange(48)[None, None, :]
    bright, dark = np.clip(dev, 0, None), np.clip(-dev, 0, None)
    centroid = lambda w: (w * cols).sum((1, 2)) / w.sum((1, 2))  # noqa: E731
    left = centroid(bright) < centroid(dark)
    # the horizontal shading has a random sign: it does not predict the label
    assert abs((left == (lab == 1)).mean() - 0.5) < 0.1
    shift = np.abs(centroid(bright) - centroid(dark))
    flat, _ = render_shaded_scenes(400, 1, size=48, light_spread_deg=0.0)
    dev = flat - 0.5
    flat_shift = np.abs(
        centroid(np.clip(dev, 0, None)) - centroid(np.clip(-dev, 0, None))
    )
    assert flat_shift.mean() < 0.5 < shift.mean()  # px: no left-right shading at 0
