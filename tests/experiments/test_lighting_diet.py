"""Training-diet experiment: rendered shaded scenes and the lighting asymmetry."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.search.diet import (
    SmallShadingNet,
    lighting_diet_experiment,
    paired_diet_test,
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


def test_paired_diet_test_against_exact_values():
    # all five differences positive: exact one-sided signed-rank p = 1 / 2**5
    out = paired_diet_test([0.5, 0.4, 0.3, 0.2, 0.9], [-0.1, 0.0, -0.4, 0.1, 0.2])
    assert out["n_positive"] == 5 and out["p_value"] == pytest.approx(1 / 32)
    assert out["mean_difference"] == pytest.approx(np.mean([0.6, 0.4, 0.7, 0.1, 0.7]))
    assert paired_diet_test([0.1, 0.2], [0.1, 0.2])["p_value"] == 1.0
    with pytest.raises(ValidationError, match=r"same, non-zero length"):
        paired_diet_test([0.1, 0.2], [0.1])


def test_diet_report_pairs_networks_by_seed():
    import pandas as pd

    from cogattn.search.diet_experiment import LightingDiet

    rows = [
        dict(diet=d, net_seed=s, ai=a, accuracy=1.0)
        for s, (up, rot) in enumerate([(0.5, -0.2), (0.3, 0.1), (0.4, -0.5)])
        for d, a in (("upright", up), ("rotated", rot))
    ]
    rep = LightingDiet.report(pd.DataFrame(rows))
    assert rep.measured["mean_ai_upright"] == pytest.approx(0.4)
    assert rep.measured["mean_ai_rotated"] == pytest.approx(-0.2)
    assert rep.measured["n_positive"] == 3 and rep.measured["n_pairs"] == 3
    assert rep.measured["p_value"] == pytest.approx(1 / 8)
    with pytest.raises(ValidationError, match=r"both diets are needed"):
        LightingDiet.report(pd.DataFrame(rows[::2]))


def test_diet_spec_loads():
    from pathlib import Path

    from cogattn.sim.spec import load_spec

    spec = load_spec(Path(__file__).parents[2] / "experiments" / "lighting_diet.toml")
    assert spec.experiment == "lighting_diet"
    assert spec.grid["diet"] == ["upright", "rotated"]
    assert {c.measured for c in spec.checks} == {
        "mean_ai_upright",
        "mean_ai_rotated",
        "p_value",
    }


@pytest.mark.slow
def test_lighting_polarity_follows_the_diet():
    out = lighting_diet_experiment(seeds=(0, 1, 2), n_steps=300, n_trials=20)
    assert np.all(out["accuracy_upright"] > 0.9)
    assert np.all(out["accuracy_rotated"] > 0.9)
    # measured (9 seeds, experiments/lighting_diet.toml): mean AI +0.23 upright,
    # -0.26 rotated, upright larger in 9 of 9 pairs; seeds 0-2 here
    assert out["mean_ai_upright"] > 0 > out["mean_ai_rotated"]
    assert out["n_positive"] == 3
