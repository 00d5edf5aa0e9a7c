import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.scanpath.generators import (
    SaliencyScanpathGenerator,
    centre_bias_scanpaths,
    human_likeness,
    random_scanpaths,
    spectral_residual_saliency,
)
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.saliency_metrics import nss

GEO = ScreenGeometry(640, 480, 40.0, 30.0, 57.0)


def _blob_image(rng):
    """Uniform texture with one odd square: the square is the salient spot."""
    img = rng.normal(0.5, 0.02, (480, 640))
    img[300:340, 450:490] = 1.0
    return img


def test_spectral_residual_finds_the_odd_patch(rng):
    """The odd patch holds the saliency maximum region (Hou & Zhang's pop-out)."""
    sal = spectral_residual_saliency(_blob_image(rng))
    assert sal.shape == (480, 640)
    assert sal.min() == 0.0 and sal.max() == 1.0
    assert sal[300:340, 450:490].mean() > 5 * sal.mean()


def test_generator_visits_salient_spots_and_inhibits_return(rng):
    sal = spectral_residual_saliency(_blob_image(rng))
    gen = SaliencyScanpathGenerator(n_fixations=6, proximity_sigma_deg=None, noise=0)
    paths = gen.generate(sal, GEO, 3, random_state=1)
    assert len(paths) == 3 and all(len(p) == 6 for p in paths)
    first = paths[0]
    assert (first.x[0], first.y[0]) == (320.0, 240.0)  # starts at the centre
    assert 440 <= first.x[1] <= 500 and 290 <= first.y[1] <= 350  # then the patch
    # inhibition of return: no two later fixations within 1 degree of each other
    d = np.hypot(
        first.x[1:, None] - first.x[None, 1:], first.y[1:, None] - first.y[None, 1:]
    )
    assert (d[np.triu_indices(5, 1)] > GEO.pixels_per_degree).all()
    assert 0.1 < np.mean([p.duration.mean() for p in paths]) < 0.5


def test_generator_beats_baselines_on_nss(rng):
    """Generated fixations land on higher saliency than random or centre-bias ones,
    on several seeds."""
    sal = spectral_residual_saliency(_blob_image(rng))
    for seed in (0, 1, 2):
        gen = SaliencyScanpathGenerator().generate(sal, GEO, 5, random_state=seed)
        rnd = random_scanpaths(GEO, 5, random_state=seed)
        cen = centre_bias_scanpaths(GEO, 5, random_state=seed)
        g = nss(sal, gen)
        assert g > nss(sal, rnd) and g > nss(sal, cen)


def test_same_seed_same_scanpaths(rng):
    sal = rng.random((48, 64))
    a = SaliencyScanpathGenerator().generate(sal, GEO, 2, random_state=5)
    b = SaliencyScanpathGenerator().generate(sal, GEO, 2, random_state=5)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p.x, q.x)
        np.testing.assert_array_equal(p.duration, q.duration)


def test_human_likeness_closed_forms(rng):
    """Identical sets give KS 0 and Wasserstein 0; a set against itself scaled in
    duration by 2 gives a duration Wasserstein distance of the mean duration."""
    paths = random_scanpaths(GEO, 4, random_state=0)
    same = human_likeness(paths, paths)
    assert same["amplitude_ks"] == 0 and same["duration_wasserstein_s"] == 0
    from cogattn.scanpath.scanpath import Scanpath

    slow = [Scanpath(p.x, p.y, 2 * p.duration, GEO) for p in paths]
    out = human_likeness(slow, paths)
    mean_dur = np.mean(np.concatenate([p.duration for p in paths]))
    assert out["duration_wasserstein_s"] == pytest.approx(mean_dur)


def test_generator_errors(rng):
    with pytest.raises(ValidationError, match="ior_strength must be in"):
        SaliencyScanpathGenerator(ior_strength=2).generate(rng.random((8, 8)), GEO)
    with pytest.raises(ValidationError, match="must have values in"):
        SaliencyScanpathGenerator().generate(-rng.random((8, 8)), GEO)
    with pytest.raises(ValidationError, match="at least 8 x 8"):
        spectral_residual_saliency(np.zeros((4, 4)))
    with pytest.raises(ValidationError, match="has no saccades"):
        human_likeness(random_scanpaths(GEO, 2, 1), random_scanpaths(GEO, 2))
