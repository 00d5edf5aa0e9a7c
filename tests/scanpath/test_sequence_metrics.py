import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath
from cogattn.scanpath.sequence_metrics import (
    FixationClusters,
    edit_distance,
    fixation_clusters,
    grid_labels,
    scanmatch,
    sequence_score,
    substitution_matrix,
)
from cogattn.scanpath.trajectory_metrics import dtw_distance, frechet_distance
from tests.scanpath._helpers import random_scanpath

GEO = ScreenGeometry(1024, 768, 40.0, 30.0, 57.0)


def _at_bins(cols, rows, durations=None, screen=GEO, n_x=12, n_y=8):
    """Fixations at the centres of the given grid bins."""
    w, h = screen.size
    x = (np.asarray(cols) + 0.5) * w / n_x
    y = (np.asarray(rows) + 0.5) * h / n_y
    d = np.full(len(x), 0.2) if durations is None else np.asarray(durations)
    return Scanpath(x, y, d, screen)


def test_substitution_matrix_hand_computed():
    """Hand computation of ScanMatch_CreateSubMatrix: threshold minus bin distance."""
    sub = substitution_matrix(12, 8, 3.5)
    assert sub.shape == (96, 96)
    assert sub.max() == pytest.approx(3.5)
    assert sub[0, 1] == pytest.approx(2.5)  # neighbours across
    assert sub[0, 12] == pytest.approx(2.5)  # neighbours down
    assert sub[0, 13] == pytest.approx(3.5 - np.sqrt(2))
    assert sub[0, 95] == pytest.approx(3.5 - np.hypot(11, 7))


def test_scanmatch_hand_computed():
    """Hand-computed Needleman-Wunsch cases with the toolbox defaults (12 x 8 grid,
    threshold 3.5, gap 0, normalised by 3.5 x the longer length)."""
    a = _at_bins([0], [0])
    assert scanmatch(a, _at_bins([1], [0])) == pytest.approx(2.5 / 3.5)
    assert scanmatch(a, _at_bins([6], [0])) == pytest.approx(0.0)  # gap beats -2.5
    # A = (0,0) (5,0) (5,5); B = (0,0) (5,5): align 1-1, gap, 3-2 -> 7 / (3.5 * 3)
    a3 = _at_bins([0, 5, 5], [0, 0, 5])
    b2 = _at_bins([0, 5], [0, 5])
    assert scanmatch(a3, b2) == pytest.approx(7.0 / 10.5)
    # a gap penalty of -1 now costs: 3.5 + 3.5 - 1 = 6 -> 6 / 10.5
    assert scanmatch(a3, b2, gap=-1.0) == pytest.approx(6.0 / 10.5)
    # temporal binning: durations 0.1, 0.3 s with 0.1 s bins -> strings 1x and 3x
    t1 = _at_bins([0, 3], [0, 0], durations=[0.1, 0.3])
    t2 = _at_bins([0, 3], [0, 0], durations=[0.3, 0.1])
    # strings [0, 3, 3, 3] and [0, 0, 0, 3]: best alignment 0-0, 3 vs 0 (d 3: 0.5),
    # 3 vs 0 (0.5), 3-3 (3.5) = 8.0, or with gaps 0,0,3 matched = 7.0
    assert scanmatch(t1, t2, temporal_bin=0.1) == pytest.approx(8.0 / 14.0)


def test_sequence_score_hand_computed():
    """Hand computation: labels [0,1,2,0] vs [0,2,0]: LCS 3 over length 4."""
    clusters = FixationClusters(
        centers=np.array([[100.0, 100.0], [900.0, 100.0], [500.0, 600.0]]),
        bandwidth=50.0,
    )
    a = Scanpath([110, 880, 520, 90], [95, 120, 580, 100], [0.2] * 4, GEO)
    b = Scanpath([105, 490, 101], [99, 610, 110], [0.2] * 3, GEO)
    np.testing.assert_array_equal(clusters.labels(a), [0, 1, 2, 0])
    assert sequence_score(a, b, clusters) == pytest.approx(0.75)
    assert sequence_score(a, a, clusters) == pytest.approx(1.0)


def test_fixation_clusters_find_blobs(rng):
    """MeanShift recovers three well separated blobs of fixations."""
    centres = np.array([[200.0, 200.0], [800.0, 200.0], [500.0, 600.0]])
    paths = []
    for _ in range(6):
        order = rng.permutation(3)
        xy = centres[order] + rng.normal(0, 10, (3, 2))
        paths.append(Scanpath(xy[:, 0], xy[:, 1], [0.2] * 3, GEO))
    cl = fixation_clusters(paths)
    assert len(cl.centers) == 3
    got = sorted(map(tuple, np.round(cl.centers, -2)))
    assert got == sorted(map(tuple, centres))


def _lev_brute(a, b):
    @functools.cache
    def rec(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(
            rec(i - 1, j) + 1,
            rec(i, j - 1) + 1,
            rec(i - 1, j - 1) + (a[i - 1] != b[j - 1]),
        )

    return rec(len(a), len(b))


def _paths(n, m):
    """Every monotone warping path from (0, 0) to (n-1, m-1) (brute force)."""
    if n == 1 and m == 1:
        return [[(0, 0)]]
    out = []
    for di, dj in ((1, 0), (0, 1), (1, 1)):
        if n - di >= 1 and m - dj >= 1:
            for p in _paths(n - di, m - dj):
                out.append([*p, (n - 1, m - 1)])
    return out


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(1, 5))
def test_dtw_frechet_edit_brute_force(seed, n, m):
    """Brute force: DTW = least path sum, Fréchet = least path maximum, over every
    monotone warping path; Levenshtein = the exhaustive recursion."""
    rng = np.random.default_rng(seed)
    a = random_scanpath(rng, n, GEO)
    b = random_scanpath(rng, m, GEO)
    d = np.hypot(a.x[:, None] - b.x[None], a.y[:, None] - b.y[None])
    paths = _paths(n, m)
    assert dtw_distance(a, b) == pytest.approx(
        min(sum(d[i, j] for i, j in p) for p in paths)
    )
    assert frechet_distance(a, b) == pytest.approx(
        min(max(d[i, j] for i, j in p) for p in paths)
    )
    la, lb = grid_labels(a, 3, 2), grid_labels(b, 3, 2)
    assert edit_distance(a, b, n_x=3, n_y=2) == _lev_brute(tuple(la), tuple(lb))


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 12),
    st.integers(1, 12),
    st.sampled_from([2, 4]),
)
def test_properties(seed, n, m, s):
    """Symmetry; identity gives the optimum (ScanMatch 1, distances 0); bounds;
    invariance to units: scaling the screen resolution leaves the grid metrics and the
    degree-based distances unchanged and multiplies pixel distances by the factor."""
    rng = np.random.default_rng(seed)
    a = random_scanpath(rng, n, GEO)
    b = random_scanpath(rng, m, GEO)
    sm_ab = scanmatch(a, b)
    assert sm_ab == pytest.approx(scanmatch(b, a))
    assert scanmatch(a, a) == pytest.approx(1.0)
    assert sm_ab <= 1.0 + 1e-12
    for f in (dtw_distance, frechet_distance, edit_distance):
        assert f(a, b) == pytest.approx(f(b, a))
        assert f(a, a) == 0.0
        assert f(a, b) >= 0
    assert 0 <= edit_distance(a, b, normalize=True) <= 1
    big = ScreenGeometry(1024 * s, 768 * s, 40.0, 30.0, 57.0)
    a2 = Scanpath(a.x * s, a.y * s, a.duration, big)
    b2 = Scanpath(b.x * s, b.y * s, b.duration, big)
    assert scanmatch(a2, b2) == pytest.approx(sm_ab)
    assert edit_distance(a2, b2) == edit_distance(a, b)
    assert dtw_distance(a2, b2) == pytest.approx(s * dtw_distance(a, b))
    assert dtw_distance(a2, b2, units="deg") == pytest.approx(
        dtw_distance(a, b, units="deg")
    )
    assert frechet_distance(a2, b2, units="deg") == pytest.approx(
        frechet_distance(a, b, units="deg")
    )


def test_batched_equals_single(rng):
    a = [random_scanpath(rng, int(rng.integers(1, 9)), GEO) for _ in range(6)]
    b = [random_scanpath(rng, int(rng.integers(1, 9)), GEO) for _ in range(6)]
    for f in (scanmatch, dtw_distance, frechet_distance, edit_distance):
        batch = f(a, b)
        assert batch.shape == (6,)
        np.testing.assert_allclose(batch, [f(x, y) for x, y in zip(a, b, strict=True)])


def test_sequence_errors(rng):
    a = random_scanpath(rng, 3, GEO)
    with pytest.raises(ValidationError, match="clusters must come from"):
        sequence_score(a, a, clusters=None)
    with pytest.raises(ValidationError, match="invalid value for units"):
        dtw_distance(a, a, units="cm")
    with pytest.raises(ValidationError, match="binned sequence is empty"):
        scanmatch(_at_bins([0], [0], durations=[0.01]), a, temporal_bin=0.1)
    with pytest.raises(ValidationError, match="n_x must be an integer"):
        scanmatch(a, a, n_x=0)
    with pytest.raises(ValidationError, match="mismatched screen sizes"):
        scanmatch(a, random_scanpath(rng, 3, ScreenGeometry(800, 600, 40, 30, 57)))
