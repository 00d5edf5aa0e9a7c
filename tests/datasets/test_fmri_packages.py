"""Loaders of the fMRI data shipped with brainspace and nitime: small local files
written here, errors, and the installed packages' real files."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.errors import DataNotFoundError
from cogattn.datasets.brainspace_bold import RUN, load_brainspace_bold
from cogattn.datasets.nitime_rois import load_nitime_rois
from tests._reference import require_reference


def _write_mgz(path, data):
    import nibabel as nib

    nib.save(nib.MGHImage(data.astype(np.float32), np.eye(4)), str(path))


def test_brainspace_loader_on_local_files(tmp_path, rng):
    """Vertices x volumes are transposed, hemispheres concatenated, constant
    vertices dropped with their indices kept."""
    lh = rng.standard_normal((6, 1, 1, 12))
    rh = rng.standard_normal((5, 1, 1, 12))
    lh[2] = 1.0  # a medial-wall-like constant vertex
    _write_mgz(tmp_path / f"{RUN}.fsa5.lh.mgz", lh)
    _write_mgz(tmp_path / f"{RUN}.fsa5.rh.mgz", rh)
    bold, vert = load_brainspace_bold("both", data_dir=tmp_path)
    assert bold.shape == (12, 10)
    np.testing.assert_array_equal(vert, [0, 1, 3, 4, 5, 6, 7, 8, 9, 10])
    np.testing.assert_allclose(bold[:, 0], lh[0, 0, 0].astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(bold[:, -1], rh[4, 0, 0].astype(np.float32), rtol=1e-6)
    full, _ = load_brainspace_bold("lh", data_dir=tmp_path, drop_constant=False)
    assert full.shape == (12, 6)


def test_loaders_missing_files(tmp_path):
    """Missing files: DataNotFoundError naming the file and how to get it."""
    with pytest.raises(
        DataNotFoundError, match=r"fsa5\.lh\.mgz.*pip install brainspace"
    ):
        load_brainspace_bold("lh", data_dir=tmp_path)
    with pytest.raises(DataNotFoundError, match=r"fmri_timeseries\.csv.*nitime"):
        load_nitime_rois(tmp_path)
    with pytest.raises(ValueError, match="invalid value for hemisphere"):
        load_brainspace_bold("left", data_dir=tmp_path)


def test_nitime_loader_on_local_file(tmp_path):
    (tmp_path / "fmri_timeseries.csv").write_text('"A","B"\n1.0,2.0\n3.5,4.0\n')
    data, names = load_nitime_rois(tmp_path)
    assert names == ["A", "B"]
    np.testing.assert_array_equal(data, [[1.0, 2.0], [3.5, 4.0]])


def test_installed_package_files():
    """The real files: 652 volumes of fsaverage5 (10,242 vertices per
    hemisphere) and 250 x 31 ROI series."""
    require_reference("brainspace")
    require_reference("nitime")
    bold, _ = load_brainspace_bold("lh", drop_constant=False)
    assert bold.shape == (652, 10242)
    kept, _ = load_brainspace_bold("lh")
    assert 9000 < kept.shape[1] < 10242
    data, names = load_nitime_rois()
    assert data.shape == (250, 31) and len(names) == 31 and names[0] == "WM"
