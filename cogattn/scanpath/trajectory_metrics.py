r"""Distances between scanpaths as point sequences: DTW and discrete Fréchet.

For fixation positions :math:`a_1..a_n`, :math:`b_1..b_m` and ground distance
:math:`d(i, j) = \lVert a_i - b_j \rVert` (pixels, or degrees of visual angle from the
screen centre with ``units="deg"``):

- **Dynamic time warping**: :math:`D(i, j) = d(i, j) + \min(D(i-1, j), D(i, j-1),
  D(i-1, j-1))`, :math:`D(0, 0) = 0`; the distance is :math:`D(n, m)`, the least sum of
  ground distances along a monotone path that pairs every fixation.
- **Discrete Fréchet** (Eiter & Mannila 1994): the same recursion with ``max`` of the
  step and the ground distance in place of the sum: the shortest leash that lets both
  walkers reach the ends without going back.

Both are symmetric, zero for identical scanpaths and defined for any lengths >= 1 (a
Scanpath always has one fixation), so no NaN is returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.validation import check_option
from cogattn.scanpath.packing import as_pairs

__all__ = ["dtw_distance", "frechet_distance"]


def _coords(pool: Any, units: str) -> tuple[np.ndarray, np.ndarray]:
    check_option(units, ("px", "deg"), "units")
    if units == "px":
        return pool.x, pool.y
    return pool.screen.to_degrees(pool.x, pool.y)


def dtw_distance(a: Any, b: Any, *, units: str = "px") -> Any:
    """Dynamic time warping distance between fixation sequences.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Scanpaths on one screen.
    units : {"px", "deg"}
        Ground distance in pixels or in degrees of visual angle.

    Returns
    -------
    distance : float | numpy.ndarray of shape (n_pairs,)
    """
    from cogattn.scanpath._alignment_numba import dtw_batch

    pool, ia, ib, single = as_pairs(a, b)
    x, y = _coords(pool, units)
    out = dtw_batch(x, y, pool.offsets, ia, ib)
    return float(out[0]) if single else out


def frechet_distance(a: Any, b: Any, *, units: str = "px") -> Any:
    """Discrete Fréchet distance between fixation sequences.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Scanpaths on one screen.
    units : {"px", "deg"}
        Ground distance in pixels or in degrees of visual angle.

    Returns
    -------
    distance : float | numpy.ndarray of shape (n_pairs,)
    """
    from cogattn.scanpath._alignment_numba import frechet_batch

    pool, ia, ib, single = as_pairs(a, b)
    x, y = _coords(pool, units)
    out = frechet_batch(x, y, pool.offsets, ia, ib)
    return float(out[0]) if single else out
