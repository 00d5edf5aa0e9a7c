"""Helpers shared by the scanpath tests."""

from __future__ import annotations

import numpy as np

from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath


def random_scanpath(
    rng: np.random.Generator, n: int, screen: ScreenGeometry, **kwargs
) -> Scanpath:
    """``n`` fixations uniform on the screen, durations 0.05-0.6 s."""
    x = rng.uniform(0, screen.width_px - 1, n)
    y = rng.uniform(0, screen.height_px - 1, n)
    d = rng.uniform(0.05, 0.6, n)
    return Scanpath(x, y, d, screen, **kwargs)
