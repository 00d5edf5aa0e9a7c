"""fMRI ROI time series shipped with the PyPI package ``nitime``.

``nitime/data/fmri_timeseries.csv``: 250 volumes (TR 1.89 s) of 31 regions (white
matter, ventricles, whole brain and 28 cortical/subcortical ROIs, left and right),
from nitime's examples (BSD-3-Clause). Read from the installed package, or from
``data_dir``; nothing is downloaded.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from cogattn._core.errors import DataNotFoundError, ValidationError

__all__ = ["FILE", "TR", "load_nitime_rois"]

#: File name inside ``nitime/data``.
FILE = "fmri_timeseries.csv"
#: Repetition time of the series, in seconds.
TR = 1.89


def _folder(data_dir: str | os.PathLike | None) -> Path | None:
    if data_dir is not None:
        return Path(data_dir)
    try:
        import nitime
    except ImportError:
        return None
    return Path(nitime.__file__).parent / "data"


def load_nitime_rois(
    data_dir: str | os.PathLike | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Read the ROI time series.

    Parameters
    ----------
    data_dir : path-like | None
        Folder holding ``fmri_timeseries.csv`` (``None``: the installed nitime).

    Returns
    -------
    data : ndarray of shape (250, 31), float64
    names : list of str
        ROI names, in column order.

    Raises
    ------
    DataNotFoundError
        When the file is missing (names where it was looked for).
    """
    folder = _folder(data_dir)
    if folder is None or not (folder / FILE).is_file():
        where = (
            "nitime is not installed"
            if folder is None
            else f"it was looked for at {str(folder / FILE)!r}"
        )
        raise DataNotFoundError(
            f"nitime ROI file {FILE!r} not found: {where}. Install the package "
            "(pip install nitime==0.12.1, which ships it) or pass data_dir."
        )
    with open(folder / FILE, newline="") as fh:
        rows = list(csv.reader(fh))
    names = [n.strip() for n in rows[0]]
    try:
        data = np.array([[float(v) for v in r] for r in rows[1:] if r], dtype=float)
    except ValueError as err:
        raise ValidationError(f"{FILE} holds a non-numeric value: {err}") from err
    if data.ndim != 2 or data.shape[1] != len(names):
        raise ValidationError(
            f"{FILE}: {len(names)} names but rows of {data.shape[-1]} values"
        )
    return data, names
