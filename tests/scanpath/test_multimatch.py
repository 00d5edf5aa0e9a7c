import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.multimatch_similarity import multimatch, multimatch_pairs
from cogattn.scanpath.scanpath import Scanpath
from tests._reference import require_reference
from tests.scanpath._helpers import random_scanpath

GEO = ScreenGeometry(1280, 720, 50.0, 28.0, 60.0)


def _rec(sp):
    return np.rec.fromarrays(
        [sp.x, sp.y, sp.duration], names=["start_x", "start_y", "duration"]
    )


@pytest.mark.parametrize("simplify", [False, True])
def test_against_multimatch_gaze(rng, simplify):
    """Anchor: multimatch_gaze.docomparison (0.1.3), pair by pair, within 1e-9, with
    and without its simplification step (TDir 45 deg, TDur 0.3 s, TAmp 300 px). Pairs
    on which multimatch-gaze itself raises (IndexError in its simplification) are
    skipped; there must be few."""
    mg = require_reference("multimatch_gaze")
    a = [random_scanpath(rng, int(rng.integers(3, 14)), GEO) for _ in range(150)]
    b = [random_scanpath(rng, int(rng.integers(3, 14)), GEO) for _ in range(150)]
    opts = {"simplify": simplify}
    ref_opts = {}
    if simplify:
        opts.update(
            amplitude_threshold=300.0, direction_threshold=45.0, duration_threshold=0.3
        )
        ref_opts = {"grouping": True, "TDir": 45.0, "TDur": 0.3, "TAmp": 300.0}
    ours = multimatch(a, b, **opts)
    compared = 0
    for k in range(len(a)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = mg.docomparison(
                    _rec(a[k]), _rec(b[k]), screensize=[1280, 720], **ref_opts
                )
        except IndexError:
            continue
        np.testing.assert_allclose(ours[k], ref, atol=1e-9, err_msg=f"pair {k}")
        compared += 1
    assert compared >= 140


def test_hand_computed_pair():
    """Hand computation: two 3-fixation paths with parallel saccades.

    Path A saccades (100, 0), (0, 100); path B the same vectors shifted by 30 px. The
    aligned pairs are (0,0) and (1,1): vector, direction and length differences are 0,
    positions differ by 30 px, durations 0.1 vs 0.2 s differ by 0.5 relative.
    """
    a = Scanpath([100, 200, 200], [100, 100, 200], [0.1, 0.1, 0.1], GEO)
    b = Scanpath([130, 230, 230], [100, 100, 200], [0.2, 0.2, 0.2], GEO)
    out = multimatch(a, b)
    diag = np.hypot(1280, 720)
    np.testing.assert_allclose(out, [1, 1, 1, 1 - 30 / diag, 0.5], atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(3, 12),
    st.integers(3, 12),
    st.floats(0.5, 3.0),
)
def test_properties(seed, n, m, scale):
    """Identity gives 1 on every dimension; values lie in [0, 1]; swapping the pair
    gives the same similarities; scaling positions and the screen together (units)
    leaves them unchanged."""
    rng = np.random.default_rng(seed)
    a = random_scanpath(rng, n, GEO)
    b = random_scanpath(rng, m, GEO)
    np.testing.assert_allclose(multimatch(a, a), np.ones(5), atol=1e-12)
    ab = multimatch(a, b)
    assert ((ab >= 0) & (ab <= 1)).all()
    np.testing.assert_allclose(multimatch(b, a), ab, atol=1e-12)
    big = ScreenGeometry(1280 * 4, 720 * 4, 50.0, 28.0, 60.0)
    s = 4.0
    a4 = Scanpath(a.x * s, a.y * s, a.duration * scale, big)
    b4 = Scanpath(b.x * s, b.y * s, b.duration * scale, big)
    np.testing.assert_allclose(multimatch(a4, b4), ab, atol=1e-9)


def test_short_scanpaths(rng):
    a = random_scanpath(rng, 2, GEO)
    b = random_scanpath(rng, 5, GEO)
    with pytest.raises(ValidationError, match="at least 3 fixations; pair 0 has 2"):
        multimatch(a, b)
    assert np.isnan(multimatch(a, b, short="nan")).all()
    two = multimatch(a, b, min_fixations=2)
    assert np.isfinite(two).all()


def test_pairs_pool(rng):
    pool = [random_scanpath(rng, 6, GEO) for _ in range(5)]
    pairs = np.array([[0, 1], [3, 4], [2, 2]])
    out = multimatch_pairs(pool, pairs)
    np.testing.assert_allclose(out[0], multimatch(pool[0], pool[1]))
    np.testing.assert_allclose(out[2], np.ones(5))
    with pytest.raises(ValidationError, match=r"pairs index scanpaths 0\.\.4"):
        multimatch_pairs(pool, [[0, 5]])
    with pytest.raises(ValidationError, match="shape \\(n_pairs, 2\\)"):
        multimatch_pairs(pool, [0, 1])
    with pytest.raises(ValidationError, match="unknown MultiMatch option"):
        multimatch_pairs(pool, pairs, grouping=True)


def test_multimatch_errors(rng):
    a = random_scanpath(rng, 4, GEO)
    other = random_scanpath(rng, 4, ScreenGeometry(800, 600, 40, 30, 57))
    with pytest.raises(ValidationError, match="mismatched screen sizes"):
        multimatch(a, other)
    with pytest.raises(ValidationError, match="as many scanpaths"):
        multimatch([a, a], [a])
    with pytest.raises(ValidationError, match="invalid value for short"):
        multimatch(a, a, short="skip")
    with pytest.raises(ValidationError, match="duration_threshold must be"):
        multimatch(a, a, duration_threshold=-1)
