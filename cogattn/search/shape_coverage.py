"""Antialiased coverage of simple shapes on a pixel grid, vectorised with numpy.

Every function returns the fraction of each pixel covered by a shape, in ``[0, 1]``.
Pixel ``(i, j)`` is the unit square centred on ``(row, col) = (i, j)``; rows grow
downwards. Coverage is analytic (a box filter over the pixel):

- a straight edge at any angle: the area of the pixel on the inner side, computed in
  closed form from the signed distance ``d`` of the pixel centre and the edge normal
  (the projection of a uniform point of the pixel onto the normal has a trapezoidal
  density; its cumulative distribution is the covered area), see :func:`edge_coverage`;
- a strip (bar of infinite length): exact, the difference of two edge coverages;
- a rectangle: the product of the strip coverages across and along it, exact except
  on the few corner pixels of a tilted rectangle;
- a disc or a circular arc: the edge coverage with the normal taken along the radius
  (the edge treated as locally straight). The rendered radius is shrunk to
  ``sqrt(r**2 - 1/12)``, which makes the summed coverage equal the analytic area
  ``pi r**2`` (any such profile adds ``pi / 12`` pixels, the pixel's variance along
  the normal times ``pi``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "arc_coverage",
    "disc_coverage",
    "edge_coverage",
    "pixel_offsets",
    "rectangle_coverage",
]


def edge_coverage(
    inside: np.ndarray | float, nx: np.ndarray | float, ny: np.ndarray | float
) -> np.ndarray:
    """Area of a unit pixel on the inner side of a straight edge.

    Parameters
    ----------
    inside : numpy.ndarray | float
        Signed distance in pixels from the edge to the pixel centre, positive when the
        centre is inside the shape.
    nx, ny : numpy.ndarray | float
        Components of the edge's unit normal (any sign; broadcastable with
        ``inside``).

    Returns
    -------
    coverage : numpy.ndarray
        Covered fraction in ``[0, 1]``: the cumulative distribution, at ``inside``, of
        the projection onto the normal of a uniform point of the pixel (the sum of
        two uniform variables of widths ``|nx|`` and ``|ny|``).
    """
    ax, ay = np.abs(nx), np.abs(ny)
    a, b = np.maximum(ax, ay), np.minimum(ax, ay)  # a >= 1 / sqrt(2) > 0
    s = np.asarray(inside, dtype=np.float64) + 0.5 * (a + b)
    two_ab = np.maximum(2.0 * a * b, 1e-300)
    low = s * s / two_ab
    mid = (s - 0.5 * b) / a
    high = 1.0 - (a + b - s) ** 2 / two_ab
    cov = np.where(s < b, low, np.where(s <= a, mid, high))
    return np.clip(np.where(s <= 0.0, 0.0, np.where(s >= a + b, 1.0, cov)), 0.0, 1.0)


def _strip(
    offset: np.ndarray,
    half_width: float,
    nx: np.ndarray | float,
    ny: np.ndarray | float,
) -> np.ndarray:
    """Coverage of the strip ``|offset| <= half_width`` (normal ``(nx, ny)``)."""
    return edge_coverage(half_width - offset, nx, ny) - edge_coverage(
        -half_width - offset, nx, ny
    )


def pixel_offsets(
    shape: tuple[int, int], center: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column offsets of every pixel centre from ``center``.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` of the patch in pixels.
    center : tuple of float
        ``(row, col)`` of the shape's centre in pixel coordinates.

    Returns
    -------
    dy : numpy.ndarray of shape (height, 1)
        Row offsets in pixels (positive downwards).
    dx : numpy.ndarray of shape (1, width)
        Column offsets in pixels (positive to the right).
    """
    dy = np.arange(shape[0], dtype=np.float64)[:, None] - center[0]
    dx = np.arange(shape[1], dtype=np.float64)[None, :] - center[1]
    return dy, dx


def _rotate(
    dy: np.ndarray, dx: np.ndarray, angle_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates along (``u``) and across (``v``) a line tilted ``angle_deg``.

    The angle is measured from vertical, positive clockwise on screen (the top of the
    line leans to the right).
    """
    a = np.deg2rad(angle_deg)
    # unit vector along the line, pointing up-right for positive angles: (-cos, sin)
    u = -dy * np.cos(a) + dx * np.sin(a)
    v = dy * np.sin(a) + dx * np.cos(a)
    return u, v


def _radial(
    dy: np.ndarray, dx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distance from the origin and the unit radial direction (1, 0 at the origin)."""
    rho = np.sqrt(dy * dy + dx * dx)
    safe = np.where(rho > 0, rho, 1.0)
    return rho, np.where(rho > 0, dy / safe, 1.0), np.where(rho > 0, dx / safe, 0.0)


def rectangle_coverage(
    shape: tuple[int, int],
    center: tuple[float, float],
    length: float,
    width: float,
    angle_deg: float = 0.0,
) -> np.ndarray:
    """Coverage of a filled rectangle (a bar), possibly tilted.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` of the patch in pixels.
    center : tuple of float
        ``(row, col)`` of the rectangle's centre in pixels.
    length : float
        Extent along the bar's axis, in pixels (vertical when ``angle_deg == 0``).
    width : float
        Extent across the bar, in pixels; at least 1 for exact edge coverage.
    angle_deg : float
        Tilt from vertical in degrees, positive clockwise.

    Returns
    -------
    coverage : numpy.ndarray of shape (height, width)
        Fraction of each pixel covered, in ``[0, 1]``.
    """
    dy, dx = pixel_offsets(shape, center)
    u, v = _rotate(dy, dx, angle_deg)
    a = np.deg2rad(angle_deg)
    c, s = float(np.cos(a)), float(np.sin(a))
    along = _strip(u, 0.5 * length, c, s)
    across = _strip(v, 0.5 * width, s, c)
    return np.clip(along * across, 0.0, 1.0)


def disc_coverage(
    shape: tuple[int, int], center: tuple[float, float], radius: float
) -> np.ndarray:
    """Coverage of a filled disc.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` of the patch in pixels.
    center : tuple of float
        ``(row, col)`` of the disc's centre in pixels.
    radius : float
        Radius in pixels (> 0.5 for a meaningful disc).

    Returns
    -------
    coverage : numpy.ndarray of shape (height, width)
        Fraction of each pixel covered, in ``[0, 1]``; sums to ``pi * radius**2``
        up to sampling error.
    """
    dy, dx = pixel_offsets(shape, center)
    rho, ny, nx = _radial(dy, dx)
    # a box filter adds pi / 12 px^2 to a disc's area; shrink the edge to compensate
    r_eff = np.sqrt(max(radius * radius - 1.0 / 12.0, 0.0))
    return edge_coverage(r_eff - rho, nx, ny)


def arc_coverage(
    shape: tuple[int, int],
    center: tuple[float, float],
    chord: float,
    sagitta: float,
    width: float,
) -> np.ndarray:
    """Coverage of a curved stroke: a circular arc bulging to the right.

    The arc's end points lie on a vertical chord of length ``chord``; its middle is
    ``sagitta`` pixels to the right of the chord. The stroke is cut by the two
    horizontal lines through the end points, so its vertical extent is exactly
    ``chord``. ``center`` is the centre of the bounding box of the centre line.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` of the patch in pixels.
    center : tuple of float
        ``(row, col)`` of the arc's centre-line bounding box.
    chord : float
        Vertical extent in pixels.
    sagitta : float
        Depth of the curve in pixels (> 0).
    width : float
        Stroke width in pixels.

    Returns
    -------
    coverage : numpy.ndarray of shape (height, width)
        Fraction of each pixel covered, in ``[0, 1]``.
    """
    radius = (0.25 * chord * chord + sagitta * sagitta) / (2.0 * sagitta)
    dy, dx = pixel_offsets(shape, center)
    # circle centre lies on the horizontal midline, left of the arc's apex
    cx = 0.5 * sagitta - radius
    rho, ny, nx = _radial(dy, dx - cx)
    band = _strip(rho - radius, 0.5 * width, nx, ny)
    cut = _strip(dy, 0.5 * chord, 1.0, 0.0)
    right_half = dx > cx
    return np.clip(band * cut * right_half, 0.0, 1.0)
