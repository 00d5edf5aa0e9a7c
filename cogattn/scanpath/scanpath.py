"""The scanpath type: fixations with positions, onsets and durations on a screen.

A :class:`Scanpath` holds ``n >= 1`` fixations: positions ``x, y`` in pixels (origin at
the top-left corner, inside ``[0, width) x [0, height)``), onsets and durations in
seconds, and the :class:`~cogattn.scanpath.geometry.ScreenGeometry` that turns pixels
into degrees of visual angle. Every field is checked when the object is made: NaN or
infinite values, fixations off the screen, negative durations, onsets that run
backwards and empty scanpaths are refused with a :class:`~cogattn.ValidationError`
that names the first offending fixation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry

__all__ = ["Scanpath", "check_same_screen"]


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _vector(value: Any, name: str, n: int | None) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValidationError(f"{name} could not be read as numbers: {err}") from None
    if arr.ndim != 1:
        raise ValidationError(
            f"{name} must be one-dimensional (one value per fixation), got shape "
            f"{arr.shape}"
        )
    if n is not None and arr.shape[0] != n:
        raise ValidationError(
            f"{name} must have one value per fixation ({n}), got {arr.shape[0]}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        i = _first_bad(bad)
        raise ValidationError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s) (first at "
            f"fixation {i}); drop those fixations (e.g. blinks) before making a "
            "Scanpath"
        )
    return arr


@dataclass(frozen=True, eq=False)
class Scanpath:
    """A sequence of fixations on one screen.

    Parameters
    ----------
    x, y : array-like of shape (n_fixations,)
        Fixation positions in pixels, ``0 <= x < width_px``, ``0 <= y < height_px``.
    duration : array-like of shape (n_fixations,)
        Fixation durations in seconds (>= 0).
    screen : ScreenGeometry
        Screen size and viewing distance.
    onset : array-like of shape (n_fixations,) | None
        Fixation onsets in seconds, non-decreasing, each at or after the end of the
        previous fixation; ``None`` places the fixations back to back from 0.
    observer : str | None
        Who made the scanpath (used by the consistency protocol).
    stimulus : str | None
        What was looked at.

    Attributes
    ----------
    n_fixations : int
    """

    x: np.ndarray
    y: np.ndarray
    duration: np.ndarray
    screen: ScreenGeometry
    onset: np.ndarray = field(default=None)  # type: ignore[assignment]
    observer: str | None = None
    stimulus: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.screen, ScreenGeometry):
            raise ValidationError(
                f"screen must be a ScreenGeometry, got {type(self.screen).__name__}"
            )
        x = _vector(self.x, "x", None)
        n = x.shape[0]
        if n == 0:
            raise ValidationError(
                "a Scanpath needs at least one fixation, got an empty x"
            )
        y = _vector(self.y, "y", n)
        duration = _vector(self.duration, "duration", n)
        for name, arr, size in (
            ("x", x, self.screen.width_px),
            ("y", y, self.screen.height_px),
        ):
            off = (arr < 0) | (arr >= size)
            if off.any():
                i = _first_bad(off)
                raise ValidationError(
                    f"{int(off.sum())} fixation(s) off the screen: {name}[{i}] = "
                    f"{arr[i]:g} px is outside [0, {size}) px"
                )
        neg = duration < 0
        if neg.any():
            i = _first_bad(neg)
            raise ValidationError(
                f"durations must be >= 0 s, got duration[{i}] = {duration[i]:g}"
            )
        if self.onset is None:
            onset = np.concatenate([[0.0], np.cumsum(duration)[:-1]])
        else:
            onset = _vector(self.onset, "onset", n)
            overlap = onset[1:] < onset[:-1] + duration[:-1] - 1e-9
            if overlap.any():
                i = _first_bad(overlap) + 1
                raise ValidationError(
                    f"fixation {i} starts at {onset[i]:g} s, before fixation {i - 1} "
                    f"ends ({onset[i - 1] + duration[i - 1]:g} s): onsets must run "
                    "forward without overlap"
                )
        for name, arr in (("x", x), ("y", y), ("duration", duration), ("onset", onset)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def __repr__(self) -> str:
        who = f", observer={self.observer!r}" if self.observer is not None else ""
        return (
            f"Scanpath({len(self)} fixations on {self.screen.width_px}x"
            f"{self.screen.height_px} px{who})"
        )

    @property
    def n_fixations(self) -> int:
        """Number of fixations."""
        return len(self)

    @property
    def xy(self) -> np.ndarray:
        """Positions as an array of shape (n_fixations, 2), columns ``x, y`` in px."""
        return np.stack([self.x, self.y], axis=1)

    def degrees(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions in degrees of visual angle from the screen centre.

        Returns
        -------
        x_deg, y_deg : numpy.ndarray of shape (n_fixations,)
        """
        return self.screen.to_degrees(self.x, self.y)

    def saccade_amplitudes(self) -> np.ndarray:
        """Amplitudes of the saccades between consecutive fixations, in degrees.

        Returns
        -------
        amplitude : numpy.ndarray of shape (n_fixations - 1,)
        """
        return self.screen.amplitudes(self.x[:-1], self.y[:-1], self.x[1:], self.y[1:])

    def fixation_vectors(self) -> np.ndarray:
        """``(x, y, duration)`` rows, the input format of MultiMatch.

        Returns
        -------
        vectors : numpy.ndarray of shape (n_fixations, 3)
        """
        return np.stack([self.x, self.y, self.duration], axis=1)

    @classmethod
    def from_degrees(
        cls,
        x_deg: Any,
        y_deg: Any,
        duration: Any,
        screen: ScreenGeometry,
        **kwargs: Any,
    ) -> Scanpath:
        """Make a scanpath from positions in degrees of visual angle.

        Parameters
        ----------
        x_deg, y_deg : array-like of shape (n_fixations,)
            Eccentricities from the screen centre in degrees.
        duration : array-like of shape (n_fixations,)
            Durations in seconds.
        screen : ScreenGeometry
            Screen geometry.
        **kwargs
            ``onset``, ``observer``, ``stimulus``.

        Returns
        -------
        scanpath : Scanpath
        """
        x, y = screen.to_pixels(x_deg, y_deg)
        return cls(x, y, duration, screen, **kwargs)


def check_same_screen(
    scanpaths: Sequence[Scanpath], name: str = "scanpaths"
) -> ScreenGeometry:
    """Check that every scanpath was recorded on the same screen size.

    Parameters
    ----------
    scanpaths : sequence of Scanpath
        At least one scanpath.
    name : str
        What the sequence is, for the message.

    Returns
    -------
    screen : ScreenGeometry
        The screen of the first scanpath.
    """
    if len(scanpaths) == 0:
        raise ValidationError(f"{name} is empty: give at least one Scanpath")
    for i, sp in enumerate(scanpaths):
        if not isinstance(sp, Scanpath):
            raise ValidationError(
                f"{name}[{i}] must be a Scanpath, got {type(sp).__name__}"
            )
    first = scanpaths[0].screen
    for i, sp in enumerate(scanpaths):
        if sp.screen.size != first.size:
            raise ValidationError(
                f"mismatched screen sizes: {name}[0] is on {first.width_px}x"
                f"{first.height_px} px but {name}[{i}] is on {sp.screen.width_px}x"
                f"{sp.screen.height_px} px; compare scanpaths on the same screen"
            )
    return first
