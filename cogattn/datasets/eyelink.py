"""EyeLink EDF recordings read through the ``eyelinkio`` package.

:func:`read_eyelink` returns the gaze samples of one eye in screen pixels (missing
samples as NaN), their sampling rate, the screen size from the recording's
``GAZE_COORDS`` setting and the fixations found by the EyeLink online parser.
``eyelinkio`` is an optional dependency, imported when a file is read.

The screen's physical size and the viewing distance are not stored in an EDF file;
:func:`read_eyelink` takes them as arguments (defaults: a 24-inch 16:9 monitor, 53.1 x
29.9 cm, at 60 cm) so that positions can be turned into degrees of visual angle.

:func:`bundled_eyelink_recordings` lists the real recordings that ship with
``eyelinkio``'s tests (two monocular 1000 Hz files and a binocular 500 Hz one, on a
1920 x 1080 screen).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn._core.validation import check_option, validate_type

__all__ = ["EyelinkRecording", "bundled_eyelink_recordings", "read_eyelink"]


@dataclass(frozen=True)
class EyelinkRecording:
    """Gaze samples of one eye from an EDF file.

    Attributes
    ----------
    x, y : numpy.ndarray of shape (n_samples,)
        Gaze position in screen pixels; NaN where the eye was not tracked.
    sfreq : float
        Sampling frequency in Hz.
    screen_px : tuple of int
        ``(width, height)`` of the screen in pixels.
    eye : str
        ``"left"`` or ``"right"``.
    parser_fixations : numpy.ndarray of shape (n_fixations, 4)
        Fixations of the EyeLink online parser for this eye: start and end time in
        seconds from the first sample, mean x and y in pixels.
    screen : ScreenGeometry
        Screen geometry built from ``screen_px`` and the physical size and distance
        given to :func:`read_eyelink`.
    path : pathlib.Path
    """

    x: np.ndarray
    y: np.ndarray
    sfreq: float
    screen_px: tuple[int, int]
    eye: str
    parser_fixations: np.ndarray
    screen: Any
    path: Path

    @property
    def times(self) -> np.ndarray:
        """Sample times in seconds from the first sample."""
        return np.arange(self.x.shape[0]) / self.sfreq


def _import_eyelinkio() -> Any:
    try:
        import eyelinkio
    except ImportError as err:
        raise ImportError(
            "reading EDF files needs the 'eyelinkio' package: pip install eyelinkio"
        ) from err
    return eyelinkio


def bundled_eyelink_recordings() -> list[Path]:
    """Paths of the real EDF recordings bundled with ``eyelinkio``'s tests.

    Returns
    -------
    paths : list of pathlib.Path
        Sorted by name.

    Raises
    ------
    ImportError
        When ``eyelinkio`` is not installed.
    DataNotFoundError
        When the installed ``eyelinkio`` ships no test recordings.
    """
    eyelinkio = _import_eyelinkio()
    folder = Path(eyelinkio.__file__).parent / "tests" / "data"
    paths = sorted(folder.glob("*.edf"))
    if not paths:
        raise DataNotFoundError(
            f"no .edf files in {folder}: this eyelinkio build ships without its test "
            "recordings"
        )
    return paths


def _screen_size(edf: Any) -> tuple[int, int]:
    for _stime, msg in edf["discrete"]["messages"]:
        text = msg.decode(errors="replace") if isinstance(msg, bytes) else str(msg)
        if text.startswith("GAZE_COORDS"):
            left, top, right, bottom = (float(v) for v in text.split()[1:5])
            return round(right - left + 1), round(bottom - top + 1)
    coords = np.asarray(edf["info"].get("screen_coords", ()), dtype=float).ravel()
    if coords.size == 2 and (coords > 1).all():
        return int(coords[0]), int(coords[1])
    raise ValidationError(
        "the recording states no screen size (no GAZE_COORDS message): pass it as "
        "screen_px=(width, height)"
    )


def read_eyelink(
    path: str | os.PathLike,
    *,
    eye: str | None = None,
    screen_px: tuple[int, int] | None = None,
    width_cm: float = 53.1,
    height_cm: float = 29.9,
    distance_cm: float = 60.0,
) -> EyelinkRecording:
    """Read the gaze samples of one eye from an EyeLink EDF file.

    Parameters
    ----------
    path : path-like
        The ``.edf`` file.
    eye : {"left", "right"} | None
        Eye to read from a binocular recording; ``None`` takes the recorded eye of a
        monocular file and the left eye of a binocular one.
    screen_px : tuple of int | None
        Screen size in pixels; ``None`` reads it from the file.
    width_cm, height_cm, distance_cm : float
        Physical screen size and viewing distance (not stored in EDF files).

    Returns
    -------
    recording : EyelinkRecording
    """
    from cogattn.scanpath.geometry import ScreenGeometry

    validate_type(path, "path-like", "path")
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"no EDF file at {path}")
    if eye is not None:
        check_option(eye, ("left", "right"), "eye")
    eyelinkio = _import_eyelinkio()
    with contextlib.redirect_stdout(io.StringIO()):
        edf = eyelinkio.read_edf(str(path))
    info = edf["info"]
    fields = list(info["sample_fields"])
    recorded = str(info["eye"]).upper()
    if recorded == "BINOCULAR":
        eye = eye or "left"
        suffix = f"_{eye}"
    else:
        own = "left" if recorded.startswith("LEFT") else "right"
        if eye is not None and eye != own:
            raise ValidationError(
                f"{path.name} records the {own} eye only; eye={eye!r} is not in it"
            )
        eye, suffix = own, ""
    try:
        xi = fields.index("xpos" + suffix)
        yi = fields.index("ypos" + suffix)
    except ValueError:
        raise ValidationError(
            f"{path.name} has no gaze position fields for the {eye} eye; sample "
            f"fields are {fields}"
        ) from None
    samples = np.asarray(edf["samples"], dtype=np.float64)
    x = samples[xi].copy()
    y = samples[yi].copy()
    size = tuple(screen_px) if screen_px is not None else _screen_size(edf)
    off = (x < 0) | (x >= size[0]) | (y < 0) | (y >= size[1])
    x[off] = np.nan  # samples off the screen: track loss or blinks
    y[off] = np.nan
    fix = edf["discrete"]["fixations"]
    eye_code = 0.0 if eye == "left" else 1.0
    if recorded != "BINOCULAR":
        keep = np.ones(len(fix), bool)
    else:
        keep = np.asarray(fix["eye"]) == eye_code
    parser = np.stack(
        [
            np.asarray(fix["stime"], float)[keep],
            np.asarray(fix["etime"], float)[keep],
            np.asarray(fix["axp"], float)[keep],
            np.asarray(fix["ayp"], float)[keep],
        ],
        axis=1,
    )
    screen = ScreenGeometry(
        int(size[0]), int(size[1]), width_cm, height_cm, distance_cm
    )
    return EyelinkRecording(
        x=x,
        y=y,
        sfreq=float(info["sfreq"]),
        screen_px=(int(size[0]), int(size[1])),
        eye=eye,
        parser_fixations=parser,
        screen=screen,
        path=path,
    )
