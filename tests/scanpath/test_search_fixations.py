import numpy as np
import pytest
import torch

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.search_fixations import (
    SEARCH_FIXATION_DURATION_S,
    scanpaths_from_search,
)
from cogattn.search.wta_ior import run_search


def test_search_result_to_scanpaths():
    """The WTA/IOR search loop's fixations become scanpaths (x = col, y = row)."""
    gen = torch.Generator().manual_seed(0)
    n, h, w = 3, 64, 96
    boxes = torch.tensor([[[4, 4, 14, 14], [30, 50, 40, 60], [50, 10, 60, 20]]] * n)
    masks = torch.zeros(n, h, w, dtype=torch.bool)
    masks[:, 52:58, 12:18] = True
    att = torch.rand(n, h, w, generator=gen)
    res = run_search(att, masks, boxes, verbose=False)
    geo = ScreenGeometry.from_pixels_per_degree(w, h, 30.0)
    paths = scanpaths_from_search(res.fixations, geo, stimulus="toy")
    assert len(paths) == n
    for t, sp in enumerate(paths):
        valid = (res.fixations[t] >= 0).all(1)
        np.testing.assert_array_equal(sp.x, res.fixations[t, valid, 1])
        np.testing.assert_array_equal(sp.y, res.fixations[t, valid, 0])
        assert len(sp) == res.n_fixations[t] + 1 if res.found[t] else True
        np.testing.assert_allclose(sp.duration, SEARCH_FIXATION_DURATION_S)
        assert sp.observer == "model" and sp.stimulus == "toy"
    no_centre = scanpaths_from_search(res.fixations, geo, include_initial=False)
    assert len(no_centre[0]) == len(paths[0]) - 1


def test_search_conversion_errors():
    geo = ScreenGeometry.from_pixels_per_degree(96, 64, 30.0)
    with pytest.raises(ValidationError, match="must have 3 dimension"):
        scanpaths_from_search(np.zeros((3, 2)), geo)
    with pytest.raises(ValidationError, match=r"\(row, col\) pairs"):
        scanpaths_from_search(np.zeros((1, 3, 3)), geo)
    with pytest.raises(ValidationError, match="trial 0 has no fixation"):
        scanpaths_from_search(-np.ones((1, 3, 2)), geo)
    fix = np.array([[[32, 48], [-1, -1], [10, 10]]])
    with pytest.raises(ValidationError, match="must come after the fixations"):
        scanpaths_from_search(fix, geo)
    with pytest.raises(ValidationError, match="trial 0: 1 fixation"):
        scanpaths_from_search(np.array([[[32, 480]]]), geo)
