"""Resting-state BOLD on fsaverage5 shipped with the PyPI package ``brainspace``.

One run of one subject (``sub-010188_ses-02_task-rest_acq-AP_run-01``, from the
MICA-MICs / brainspace tutorial data), preprocessed and projected onto the
fsaverage5 surface: 10,242 vertices per hemisphere, 652 volumes. The files are
``brainspace/datasets/preprocessing/*.fsa5.{lh,rh}.mgz`` inside the installed
package (BSD-3-Clause, Vos de Wael et al. 2020, Communications Biology 3:103); they
are read with nibabel. Nothing is downloaded: install ``brainspace==0.3.0`` or pass
``data_dir`` pointing at a folder with the two ``.mgz`` files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn._core.validation import check_option

__all__ = ["RUN", "brainspace_bold_path", "load_brainspace_bold"]

#: File stem of the run inside ``brainspace/datasets/preprocessing``.
RUN = "sub-010188_ses-02_task-rest_acq-AP_run-01"


def _package_folder() -> Path | None:
    try:
        import brainspace
    except ImportError:
        return None
    return Path(brainspace.__file__).parent / "datasets" / "preprocessing"


def brainspace_bold_path(
    hemisphere: str, data_dir: str | os.PathLike | None = None
) -> Path:
    """Return the path of one hemisphere's ``.mgz`` file.

    Parameters
    ----------
    hemisphere : {"lh", "rh"}
    data_dir : path-like | None
        Folder holding the files; ``None`` looks inside the installed brainspace.

    Raises
    ------
    DataNotFoundError
        Naming the file, where it was looked for and how to get it.
    """
    hemisphere = check_option(hemisphere, ("lh", "rh"), "hemisphere")
    folder = Path(data_dir) if data_dir is not None else _package_folder()
    name = f"{RUN}.fsa5.{hemisphere}.mgz"
    if folder is not None and (folder / name).is_file():
        return folder / name
    where = (
        "brainspace is not installed"
        if folder is None
        else f"it was looked for at {str(folder / name)!r}"
    )
    raise DataNotFoundError(
        f"brainspace BOLD file {name!r} not found: {where}. Install the package "
        "(pip install brainspace==0.3.0, which ships it) or pass data_dir=<folder "
        "holding the .mgz files>."
    )


def load_brainspace_bold(
    hemisphere: str = "both",
    data_dir: str | os.PathLike | None = None,
    drop_constant: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Read the BOLD time series as (n_volumes, n_vertices).

    Parameters
    ----------
    hemisphere : {"lh", "rh", "both"}
        ``"both"`` concatenates left then right vertices.
    data_dir : path-like | None
        Folder holding the files (``None``: the installed brainspace package).
    drop_constant : bool
        Drop vertices whose time series is constant (the medial wall, about 9%).

    Returns
    -------
    bold : ndarray of shape (n_volumes, n_vertices_kept), float64
    vertices : ndarray of int, shape (n_vertices_kept,)
        Index of each kept vertex (right-hemisphere vertices offset by 10,242 with
        ``"both"``).
    """
    import nibabel as nib

    hemisphere = check_option(hemisphere, ("lh", "rh", "both"), "hemisphere")
    hemis = ("lh", "rh") if hemisphere == "both" else (hemisphere,)
    blocks = []
    for h in hemis:
        img = nib.load(brainspace_bold_path(h, data_dir))
        data = np.asarray(img.dataobj, dtype=np.float64)
        if data.ndim != 4 or data.shape[1:3] != (1, 1):
            raise ValidationError(
                f"expected a surface .mgz of shape (n_vertices, 1, 1, n_volumes), "
                f"got {data.shape}"
            )
        blocks.append(data[:, 0, 0, :].T)
    bold = np.concatenate(blocks, axis=1)
    vertices = np.arange(bold.shape[1])
    if not np.isfinite(bold).all():
        raise ValidationError("the BOLD file holds NaN or infinite values")
    if drop_constant:
        keep = bold.std(axis=0) > 0
        bold, vertices = bold[:, keep], vertices[keep]
    return bold, vertices
