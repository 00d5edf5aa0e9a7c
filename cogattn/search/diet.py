"""Training diet and the polarity of the lighting asymmetry.

Gupta et al. (2021) found that the lighting asymmetry of their search model flips when
its backbone is trained on ImageNet rotated by 90 degrees. This module runs a small,
CPU-sized version of that test: the same small CNN is trained from scratch on
procedurally rendered scenes lit from above, or on the same scenes rotated by 90
degrees (lit from the side), and each trained network then drives the eccentricity
search model on the lighting paradigm.

Training task: each scene (``size`` x ``size`` pixels, grey background with pixel
noise) holds one shaded disc at a random place and size; under a light from above, a
bump is bright at the top and dark at the bottom and a dent the reverse (shape from
shading, Ramachandran 1988). The network classifies bump vs dent. In the rotated diet
every scene (and so its light) is turned by 90 degrees counter-clockwise, so the
shading that separates the classes runs left-right.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option

__all__ = [
    "DIETS",
    "SmallShadingNet",
    "lighting_diet_experiment",
    "render_shaded_scenes",
    "train_on_diet",
]

#: The two training diets: light from above, and the same scenes turned 90 degrees.
DIETS: tuple[str, ...] = ("upright", "rotated")


def render_shaded_scenes(
    n: int, rng: Any = None, *, size: int = 48, diet: str = "upright"
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
    sign = np.where(labels == 1, -1.0, 1.0)[:, None, None]  # bump: bright on top
    shade = 0.5 + 0.5 * contrast[:, None, None] * sign * dy
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
        x, y = render_shaded_scenes(n, rng, diet=diet)
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


def lighting_diet_experiment(
    *, n_steps: int = 300, n_trials: int = 20, seed: int = 0
) -> dict[str, float]:
    """Train on each diet and measure the lighting asymmetry of the search model.

    Parameters
    ----------
    n_steps : int
        Training steps per diet.
    n_trials : int
        Search displays per condition and set size.
    seed : int
        Seed of training and of the displays.

    Returns
    -------
    out : dict of str to float
        ``ai_<diet>``, ``slope_easy_<diet>``, ``slope_hard_<diet>`` (ms/item) and
        ``accuracy_<diet>`` for ``upright`` and ``rotated``. Humans: AI 0.70; with a
        light-from-above diet the AI should be positive and flip with the rotated
        diet.
    """
    from cogattn.features.extractor import FeatureExtractor
    from cogattn.search.experiment import run_paradigm
    from cogattn.search.model import EccentricitySearchModel

    out: dict[str, float] = {}
    for diet in DIETS:  # two networks
        net, acc = train_on_diet(diet, n_steps=n_steps, seed=seed)
        taps = {"features.1": 4, "features.2": 8, "features.3": 8}
        fx = FeatureExtractor(
            net, taps, name="small_shading", weights=diet, mean=[0.5] * 3,
            std=[0.25] * 3,
        )  # fmt: skip
        model = EccentricitySearchModel(fx, device="cpu")
        res = run_paradigm(
            "lighting", model=model, n_trials=n_trials, stimulus_seed=seed
        )
        out[f"accuracy_{diet}"] = acc
        out[f"slope_easy_{diet}"] = res["slope_easy"]
        out[f"slope_hard_{diet}"] = res["slope_hard"]
        out[f"ai_{diet}"] = res["ai"]
    return out
