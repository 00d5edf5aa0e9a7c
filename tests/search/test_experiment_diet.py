"""Training-diet experiment: rendered shaded scenes and the lighting asymmetry."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.search.diet import (
    SmallShadingNet,
    lighting_diet_experiment,
    render_shaded_scenes,
)


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


def test_small_net_shapes():
    import torch

    net = SmallShadingNet()
    assert net(torch.zeros(2, 3, 48, 48)).shape == (2, 2)


@pytest.mark.slow
def test_lighting_polarity_follows_the_diet():
    out = lighting_diet_experiment(n_steps=300, n_trials=20, seed=0)
    assert out["accuracy_upright"] > 0.9 and out["accuracy_rotated"] > 0.9
    assert out["ai_upright"] > 0
    assert out["ai_rotated"] < out["ai_upright"]
