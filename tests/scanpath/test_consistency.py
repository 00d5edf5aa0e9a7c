import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.scanpath.consistency import human_consistency, model_agreement
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.multimatch_similarity import multimatch
from cogattn.scanpath.scanpath import Scanpath
from cogattn.scanpath.sequence_metrics import scanmatch
from tests.scanpath._helpers import random_scanpath

GEO = ScreenGeometry(1024, 768, 40.0, 30.0, 57.0)


def _observer_paths(rng, n_obs=4, per=2):
    out = []
    for o in range(n_obs):
        for _ in range(per):
            out.append(random_scanpath(rng, 6, GEO, observer=f"s{o}"))
    return out


def test_leave_one_observer_out_by_hand(rng):
    """Hand check: the consistency equals the mean over observers of the mean score
    against every scanpath of the other observers, never against their own."""
    paths = _observer_paths(rng)
    res = human_consistency(paths, scanmatch)
    want = []
    for o in ("s0", "s1", "s2", "s3"):
        mine = [p for p in paths if p.observer == o]
        rest = [p for p in paths if p.observer != o]
        want.append(np.mean([scanmatch(a, b) for a in mine for b in rest]))
    assert res.mean == pytest.approx(np.mean(want))
    assert res.n_pairs == 8 * 6
    assert set(res.per_observer) == {"s0", "s1", "s2", "s3"}


def test_never_self_comparison(rng):
    """Identical repeats by one observer do not raise the consistency."""
    base = _observer_paths(rng, n_obs=3, per=1)
    dup = [*base, Scanpath(base[0].x, base[0].y, base[0].duration, GEO, observer="s0")]
    a = human_consistency(base, scanmatch).per_observer["s1"]
    b = human_consistency(dup, scanmatch).per_observer["s0"]
    assert b < 1.0
    assert np.isfinite(a)


def test_model_agreement_and_multimatch(rng):
    humans = _observer_paths(rng, n_obs=3, per=1)
    model = humans[0]  # a model that copies observer s0
    res = model_agreement(
        Scanpath(model.x, model.y, model.duration, GEO), humans, multimatch
    )
    assert res.mean.shape == (5,)
    np.testing.assert_allclose(res.per_observer["s0"], np.ones(5))


def test_consistency_errors(rng):
    paths = [random_scanpath(rng, 4, GEO) for _ in range(3)]
    with pytest.raises(ValidationError, match="has no observer label"):
        human_consistency(paths, scanmatch)
    one = [random_scanpath(rng, 4, GEO, observer="a") for _ in range(3)]
    with pytest.raises(ValidationError, match="at least 2 observers"):
        human_consistency(one, scanmatch)
    short = [*_observer_paths(rng, 2, 1), random_scanpath(rng, 2, GEO, observer="z")]
    with pytest.raises(ValidationError, match="at least 3 fixations"):
        human_consistency(short, multimatch)
    with pytest.raises(ValidationError, match="returned NaN"):
        human_consistency(short, multimatch, short="nan")
