"""Training diet and the polarity of the lighting asymmetry.

Gupta et al. (2021) found that the lighting asymmetry of their search model flips when
its backbone is trained on ImageNet rotated by 90 degrees. This module runs a small,
CPU-sized version of that test: the same small CNN is trained from scratch on
procedurally rendered scenes lit from above, or on the same scenes rotated by 90
degrees (lit from the side), and each trained network then drives the eccentricity
search model on the lighting paradigm.

Training task: each scene (``size`` x ``size`` pixels, grey background with pixel
noise) holds one shaded disc at a random place and size, lit from a direction drawn
within ``light_spread_deg`` (60) degrees of straight above; a bump is bright on the
side facing the light and a dent the reverse (shape from shading, Ramachandran
1988). The network classifies bump vs dent: only the vertical component of the
shading separates the classes, its horizontal component is a nuisance. In the
rotated diet every scene (and so its light) is turned by 90 degrees
counter-clockwise, which swaps the two. Networks are compared in pairs that share
their seed; the experiment ``lighting_diet`` (:mod:`cogattn.search.diet_experiment`)
runs many seeds through the simulation runner.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive

__all__ = [
    "DIETS",
    "SmallShadingNet",
    "diet_network_search",
    "lighting_diet_experiment",
    "paired_diet_test",
    "render_shaded_scenes",
    "train_on_diet",
]

#: The two training diets: light from above, and the same scenes turned 90 degrees.
DIETS: tuple[str, ...] = ("upright", "rotated")


def render_shaded_scenes(
    n: int,
    rng: Any = None,
    *,
    size: int = 48,
    diet: str = "upright",
    light_spread_deg: float = 60.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Render shaded bumps and dents lit from above (or from the side, rotated).

    Parameters
    ----------
    n : int
        Number of scenes.
    rng : int | numpy.random.Generator | None
        Seed.
    size : int
        Side of the square scenes in pixels.
    diet : {"upright", "rotated"}
        ``"rotated"`` turns every scene by 90 degrees counter-clockwise.
    light_spread_deg : float
        The light's direction is drawn uniformly within this many degrees of
        straight above (0: always from above), so only the vertical component of
        the shading tells a bump from a dent.

    Returns
    -------
    images : numpy.ndarray of shape (n, size, size), float32
        Scenes in [0, 1] on a 0.5 background.
    labels : numpy.ndarray of shape (n,), int64
        1 for a bump, 0 for a dent.
    """
    n = check_int(n, "n", low=1)
    size = check_int(size, "size", low=16)
    check_option(diet, DIETS, "diet")
    spread = check_positive(light_spread_deg, "light_spread_deg", strict=False)
    if spread > 90:
        raise ValidationError(
            f"light_spread_deg must be between 0 and 90 degrees (the light stays "
            f"above the horizon), got {light_spread_deg!r}"
        )
    rng = check_random_state(rng)
    labels = rng.integers(0, 2, n)
    radius = rng.uniform(0.15 * size, 0.35 * size, n)
    cy = rng.uniform(radius, size - radius)
    cx = rng.uniform(radius, size - radius)
    contrast = rng.uniform(0.4, 1.0, n)
    yy, xx = np.mgrid[:size, :size].astype(np.float64)
    dy = (yy[None] - cy[:, None, None]) / radius[:, None, None]
    dx = (xx[None] - cx[:, None, None]) / radius[:, None, None]
    dist_px = np.hypot(dy, dx) * radius[:, None, None]
    inside = np.clip(radius[:, None, None] - dist_px + 0.5, 0.0, 1.0)  # soft edge
    theta = np.deg2rad(rng.uniform(-spread, spread, n))
    toward_light = (
        -np.cos(theta)[:, None, None] * dy + np.sin(theta)[:, None, None] * dx
    )
    sign = np.where(labels == 1, 1.0, -1.0)[:, None, None]  # bump: bright facing it
    shade = 0.5 + 0.5 * contrast[:, None, None] * sign * toward_light
    img = 0.5 + inside * (shade - 0.5)
    img = img + rng.normal(0.0, 0.03, img.shape)
    if diet == "rotated":
        img = np.rot90(img, 1, axes=(1, 2))
    return np.clip(img, 0.0, 1.0).astype(np.float32), labels.astype(np.int64)


class SmallShadingNet(nn.Module):
    """A four-layer CNN (strides 2, 4, 8, 8) with a bump/dent read-out.

    ``features`` is an ``nn.Sequential`` of conv + ReLU stages (16, 32, 64, 64
    channels), so :class:`cogattn.features.extractor.FeatureExtractor` can tap it.
    """

    def __init__(self) -> None:
        super().__init__()

        def stage(i: int, o: int, s: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(i, o, 3, s, 1), nn.ReLU())

        self.features = nn.Sequential(
            stage(3, 16, 2), stage(16, 32, 2), stage(32, 64, 2), stage(64, 64, 1)
        )
        self.head = nn.Linear(64, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits (n, 2) of images (n, 3, H, W)."""
        return self.head(self.features(x).mean((-2, -1)))


def train_on_diet(
    diet: str = "upright",
    *,
    n_steps: int = 300,
    batch_size: int = 64,
    seed: int = 0,
    light_spread_deg: float = 60.0,
) -> tuple[SmallShadingNet, float]:
    """Train :class:`SmallShadingNet` from scratch on one diet (fresh scenes per step).

    Parameters
    ----------
    diet : {"upright", "rotated"}
        Training diet.
    n_steps : int
        Adam steps (learning rate 3e-3).
    batch_size : int
        Scenes per step.
    seed : int
        Seed of the initial weights and of the scenes.
    light_spread_deg : float
        Spread of the light's direction around the diet's main direction
        (:func:`render_shaded_scenes`).

    Returns
    -------
    net : SmallShadingNet
        The trained network (eval mode).
    accuracy : float
        Accuracy on 512 new scenes of the same diet.
    """
    check_option(diet, DIETS, "diet")
    n_steps = check_int(n_steps, "n_steps", low=1)
    batch_size = check_int(batch_size, "batch_size", low=2)
    seed = check_int(seed, "seed", low=0)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = SmallShadingNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    def batch(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = render_shaded_scenes(
            n, rng, diet=diet, light_spread_deg=light_spread_deg
        )
        x = torch.from_numpy((x - 0.5) / 0.25)[:, None].expand(-1, 3, -1, -1)
        return x, torch.from_numpy(y)

    net.train()
    for _ in range(n_steps):  # optimisation steps are sequential
        x, y = batch(batch_size)
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        x, y = batch(512)
        accuracy = float((net(x).argmax(1) == y).float().mean())
    return net, accuracy


def diet_network_search(
    diet: str = "upright",
    *,
    seed: int = 0,
    n_steps: int = 300,
    n_trials: int = 20,
    light_spread_deg: float = 60.0,
) -> dict[str, float]:
    """Train one network on a diet and measure its lighting asymmetry.

    The trained network's stride-4 and stride-8 stages (``features.1`` to
    ``features.3``) drive :class:`~cogattn.search.model.EccentricitySearchModel`
    (dot-product similarity) on the lighting paradigm (both conditions, set sizes
    1, 6 and 12).

    Parameters
    ----------
    diet : {"upright", "rotated"}
        Training diet.
    seed : int
        Seed of the network (weights and training scenes) and of the displays.
    n_steps : int
        Training steps.
    n_trials : int
        Search displays per condition and set size.
    light_spread_deg : float
        Spread of the light's direction in the training scenes.

    Returns
    -------
    out : dict of str to float
        ``accuracy`` (bump/dent, new scenes of the same diet), ``slope_easy`` and
        ``slope_hard`` (ms/item) and ``ai``.
    """
    from cogattn.features.extractor import FeatureExtractor
    from cogattn.search.experiment import run_paradigm
    from cogattn.search.model import EccentricitySearchModel

    net, acc = train_on_diet(
        diet, n_steps=n_steps, seed=seed, light_spread_deg=light_spread_deg
    )
    taps = {"features.1": 4, "features.2": 8, "features.3": 8}
    fx = FeatureExtractor(
        net, taps, name="small_shading", weights=diet, mean=[0.5] * 3, std=[0.25] * 3
    )
    # raw (dot-product) top-down correlation: with the cosine similarity of the
    # ImageNet model, these small task-trained networks find every lighting target
    # at the first fixation in both conditions (AI 0 for both diets, seeds 0-2),
    # which leaves no search slope to compare
    model = EccentricitySearchModel(fx, device="cpu", similarity="dot")
    res = run_paradigm("lighting", model=model, n_trials=n_trials, stimulus_seed=seed)
    return {
        "accuracy": acc,
        "slope_easy": res["slope_easy"],
        "slope_hard": res["slope_hard"],
        "ai": res["ai"],
    }


def lighting_diet_experiment(
    *,
    seeds: Any = (0, 1, 2),
    n_steps: int = 300,
    n_trials: int = 20,
    light_spread_deg: float = 60.0,
) -> dict[str, Any]:
    """Train one network per diet and seed; compare the lighting asymmetries.

    Networks of the same seed share their initial weights, their training scenes
    (turned by 90 degrees in the rotated diet) and the search displays, so the
    paired difference ``ai_upright - ai_rotated`` isolates the diet.

    Parameters
    ----------
    seeds : sequence of int
        One network per diet for each seed.
    n_steps : int
        Training steps per network.
    n_trials : int
        Search displays per condition and set size.
    light_spread_deg : float
        Spread of the light's direction in the training scenes.

    Returns
    -------
    out : dict
        ``ai_<diet>``, ``accuracy_<diet>`` (arrays, one value per seed),
        ``mean_ai_<diet>``, and :func:`paired_diet_test` of the AIs. Humans (light
        from above): AI 0.70; the polarity should follow the diet.
    """
    seeds = [check_int(s, "seeds", low=0) for s in np.atleast_1d(seeds).tolist()]
    if not seeds:
        raise ValidationError("seeds must hold at least one seed")
    out: dict[str, Any] = {}
    for diet in DIETS:
        runs = [  # one network per seed; each trains and searches in torch
            diet_network_search(
                diet,
                seed=seed,
                n_steps=n_steps,
                n_trials=n_trials,
                light_spread_deg=light_spread_deg,
            )
            for seed in seeds
        ]
        out[f"ai_{diet}"] = np.array([r["ai"] for r in runs])
        out[f"accuracy_{diet}"] = np.array([r["accuracy"] for r in runs])
        out[f"mean_ai_{diet}"] = float(out[f"ai_{diet}"].mean())
    out.update(paired_diet_test(out["ai_upright"], out["ai_rotated"]))
    return out


def paired_diet_test(ai_upright: Any, ai_rotated: Any) -> dict[str, float]:
    """Paired comparison of the asymmetry indices of the two diets.

    Parameters
    ----------
    ai_upright, ai_rotated : array-like of shape (n_seeds,)
        Asymmetry indices of the networks, paired by seed.

    Returns
    -------
    out : dict of str to float
        ``mean_difference`` (upright - rotated), ``n_positive`` (pairs where the
        upright network's AI is larger) and ``p_value``: one-sided Wilcoxon
        signed-rank test that the difference is positive (scipy, exact for small
        samples; 1.0 when every difference is zero).
    """
    from scipy.stats import wilcoxon

    up = np.asarray(ai_upright, dtype=np.float64)
    rot = np.asarray(ai_rotated, dtype=np.float64)
    if up.shape != rot.shape or up.ndim != 1 or up.size == 0:
        raise ValidationError(
            "ai_upright and ai_rotated must be 1-d arrays of the same, non-zero "
            f"length, got shapes {up.shape} and {rot.shape}"
        )
    diff = up - rot
    if np.all(diff == 0):
        p = 1.0
    else:
        p = float(wilcoxon(diff, alternative="greater", zero_method="zsplit").pvalue)
    return {
        "mean_difference": float(diff.mean()),
        "n_positive": float((diff > 0).sum()),
        "p_value": p,
    }
