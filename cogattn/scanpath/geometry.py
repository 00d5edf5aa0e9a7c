r"""Screen geometry: pixels to degrees of visual angle.

A position ``(x, y)`` in pixels (origin at the top-left corner of the screen, ``x`` to
the right, ``y`` down) is turned into degrees of visual angle relative to the centre of
the screen, the point straight ahead of the eye:

.. math::

    x_\mathrm{deg} = \frac{180}{\pi}\arctan\frac{(x - W/2)\, s_x}{D}, \qquad
    y_\mathrm{deg} = \frac{180}{\pi}\arctan\frac{(y - H/2)\, s_y}{D}

with ``W, H`` the screen size in pixels, ``s_x = width_cm / W`` and
``s_y = height_cm / H`` the pixel pitch in centimetres and ``D`` the viewing distance in
centimetres. Amplitudes between two positions are the angle between the two lines of
sight (exact, not the small-angle approximation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_positive

__all__ = ["ScreenGeometry"]


@dataclass(frozen=True)
class ScreenGeometry:
    """Size of the screen and distance of the eye from it.

    Parameters
    ----------
    width_px, height_px : int
        Screen (or image) size in pixels.
    width_cm, height_cm : float
        Physical size of the same area in centimetres.
    distance_cm : float
        Viewing distance from the eye to the screen centre in centimetres.
    """

    width_px: int
    height_px: int
    width_cm: float
    height_cm: float
    distance_cm: float

    def __post_init__(self) -> None:
        for name in ("width_px", "height_px"):
            value = getattr(self, name)
            if isinstance(value, bool) or not float(value).is_integer() or value < 1:
                raise ValidationError(
                    f"{name} must be a positive whole number of pixels, got {value!r}"
                )
            object.__setattr__(self, name, int(value))
        for name in ("width_cm", "height_cm", "distance_cm"):
            object.__setattr__(self, name, check_positive(getattr(self, name), name))

    @classmethod
    def from_pixels_per_degree(
        cls,
        width_px: int,
        height_px: int,
        pixels_per_degree: float,
        distance_cm: float = 57.0,
    ) -> ScreenGeometry:
        """Make a geometry where one degree at the centre spans ``pixels_per_degree``.

        Parameters
        ----------
        width_px, height_px : int
            Screen size in pixels.
        pixels_per_degree : float
            Pixels per degree of visual angle at the centre (e.g. 30 for the
            displays of :mod:`cogattn.search`).
        distance_cm : float
            Viewing distance in centimetres.

        Returns
        -------
        geometry : ScreenGeometry
        """
        ppd = check_positive(pixels_per_degree, "pixels_per_degree")
        distance = check_positive(distance_cm, "distance_cm")
        pitch = distance * math.tan(math.radians(1.0)) / ppd
        return cls(width_px, height_px, width_px * pitch, height_px * pitch, distance)

    @property
    def size(self) -> tuple[int, int]:
        """``(width_px, height_px)``."""
        return (self.width_px, self.height_px)

    @property
    def pixels_per_degree(self) -> float:
        """Horizontal pixels per degree of visual angle at the screen centre."""
        pitch = self.width_cm / self.width_px
        return self.distance_cm * math.tan(math.radians(1.0)) / pitch

    def to_degrees(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Pixel positions to degrees of visual angle from the screen centre.

        Parameters
        ----------
        x, y : array-like
            Positions in pixels.

        Returns
        -------
        x_deg, y_deg : numpy.ndarray
            Horizontal and vertical eccentricity in degrees (positive right, down).
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        sx = self.width_cm / self.width_px
        sy = self.height_cm / self.height_px
        x_deg = np.degrees(np.arctan((x - self.width_px / 2) * sx / self.distance_cm))
        y_deg = np.degrees(np.arctan((y - self.height_px / 2) * sy / self.distance_cm))
        return x_deg, y_deg

    def to_pixels(self, x_deg: Any, y_deg: Any) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`to_degrees`.

        Parameters
        ----------
        x_deg, y_deg : array-like
            Eccentricities in degrees.

        Returns
        -------
        x, y : numpy.ndarray
            Positions in pixels.
        """
        sx = self.width_cm / self.width_px
        sy = self.height_cm / self.height_px
        x = np.tan(np.radians(np.asarray(x_deg, float))) * self.distance_cm / sx
        y = np.tan(np.radians(np.asarray(y_deg, float))) * self.distance_cm / sy
        return x + self.width_px / 2, y + self.height_px / 2

    def amplitudes(self, x0: Any, y0: Any, x1: Any, y1: Any) -> np.ndarray:
        """Angle in degrees between the lines of sight to two pixel positions.

        Parameters
        ----------
        x0, y0, x1, y1 : array-like
            Start and end positions in pixels (broadcast together).

        Returns
        -------
        amplitude : numpy.ndarray
            Angular distance in degrees.
        """
        sx = self.width_cm / self.width_px
        sy = self.height_cm / self.height_px
        a = np.stack(
            np.broadcast_arrays(
                (np.asarray(x0, float) - self.width_px / 2) * sx,
                (np.asarray(y0, float) - self.height_px / 2) * sy,
                np.full(np.broadcast(x0, y0).shape, self.distance_cm),
            ),
            axis=-1,
        )
        b = np.stack(
            np.broadcast_arrays(
                (np.asarray(x1, float) - self.width_px / 2) * sx,
                (np.asarray(y1, float) - self.height_px / 2) * sy,
                np.full(np.broadcast(x1, y1).shape, self.distance_cm),
            ),
            axis=-1,
        )
        cross = np.linalg.norm(np.cross(a, b), axis=-1)
        dot = np.sum(a * b, axis=-1)
        return np.degrees(np.arctan2(cross, dot))
