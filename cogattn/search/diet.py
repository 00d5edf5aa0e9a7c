"""Shaded scenes and a small CNN for the training-diet test of the lighting asymmetry.

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
their seed. This module holds the scenes (:func:`render_shaded_scenes`) and the
network (:class:`SmallShadingNet`); the training and the search protocol are the
experiment ``lighting_diet`` (:mod:`cogattn.experiments.lighting_diet`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive

__all__ = ["DIETS", "SmallShadingNet", "render_shaded_scenes"]

#: The two training diets: light from above, and the same scenes turned 90 degrees.
DIETS: tuple[str, ...] = ("upright", "rotated")


def render_shaded_scenes(
    n: int,
    random_state: Any = None,
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
    random_state : int | numpy.random.Generator | None
        Seed of the scenes (``None``: fresh OS entropy).
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
    rng = check_random_state(random_state)
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
