"""Multimodal-integration sites: event windows, out-of-fold ridge, the decision rule.

Anchors: window means computed by hand (brute force), RidgeCV predictions fold by
fold, a planted simulation (integration sites recovered with the false-positive
rate at most 0.05 on several seeds) and a null multimodal model (no site may be
declared).
"""

from __future__ import annotations

import numpy as np
import pytest

from cogattn.encoders import RidgeCV
from cogattn.encoders.multimodal_sites import (
    cross_validated_predictions,
    event_windows,
    integration_sites,
    simulate_integration_data,
)


def test_event_windows_brute_force(rng):
    """Window means (and baseline correction) equal slicing by hand."""
    x = rng.standard_normal((1000, 3))
    onsets = np.array([0.5, 2.0, 7.3])
    got = event_windows(x, 100.0, onsets, 0.0, 0.25, baseline=(-0.1, 0.0))
    for e, t in enumerate(onsets):
        i = round(t * 100)
        ref = x[i : i + 25].mean(axis=0) - x[i - 10 : i].mean(axis=0)
        np.testing.assert_allclose(got[e], ref, atol=1e-12)
    full = event_windows(x, 100.0, onsets, 0.0, 0.25, average=False)
    assert full.shape == (3, 3, 25)


def test_predictions_match_ridgecv_per_fold(rng):
    """Out-of-fold predictions equal RidgeCV fitted on each training fold."""
    x = rng.standard_normal((60, 4))
    y = x @ rng.standard_normal((4, 2)) + rng.standard_normal((60, 2))
    pred = cross_validated_predictions(x, y, n_folds=3, shuffle=False)
    for test in np.array_split(np.arange(60), 3):
        train = np.setdiff1d(np.arange(60), test)
        ref = RidgeCV(cv=5).fit(x[train], y[train]).predict(x[test])
        np.testing.assert_allclose(pred[test], ref, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_sites_recovered_with_controlled_false_positives(seed):
    """Planted integration sites: power >= 0.8, false discovery proportion and
    false-positive rate <= 0.05 (seeds 0-2; the experiment measures more)."""
    d = simulate_integration_data(n_events=300, n_sites=60, random_state=seed)
    out = integration_sites(
        d["responses"], d["feature_sets"], n_boot=400, random_state=seed
    )
    site, planted = out["is_site"], d["planted"]
    assert (site & planted).sum() / planted.sum() >= 0.8
    assert (site & ~planted).sum() <= 0.05 * max(site.sum(), 1)
    assert set(out["r"]) == {"multimodal", "vision", "language", "concatenation"}
    # the shared resamples are one array for every comparison
    assert out["indices"].shape == (400, 300)


def test_null_multimodal_model_declares_nothing():
    """A multimodal model without interaction information: no integration site."""
    for seed in range(2):
        d = simulate_integration_data(
            n_events=300, n_sites=60, multimodal_model="null", random_state=seed
        )
        out = integration_sites(
            d["responses"], d["feature_sets"], n_boot=400, random_state=seed
        )
        assert not out["is_site"].any()


def test_given_predictions_skip_fitting(rng):
    """Passing predictions uses them as they are (same rule, no ridge)."""
    y = rng.standard_normal((50, 4))
    good = y + 0.3 * rng.standard_normal(y.shape)
    bad = rng.standard_normal(y.shape)
    preds = {"multimodal": good, "vision": bad, "language": bad, "concatenation": bad}
    out = integration_sites(y, {}, predictions=preds, n_boot=300, random_state=0)
    assert out["is_site"].all()


def test_bad_input(rng):
    """NaN sites, too few events, missing sets, windows outside the recording."""
    y = rng.standard_normal((40, 3))
    y[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values at 1 site"):
        integration_sites(y, {})
    with pytest.raises(ValueError, match="at least 20 events"):
        integration_sites(rng.standard_normal((10, 3)), {})
    with pytest.raises(ValueError, match=r"lacks \['multimodal'"):
        integration_sites(rng.standard_normal((40, 3)), {"vision": np.ones((40, 2))})
    with pytest.raises(ValueError, match="outside the recording"):
        event_windows(rng.standard_normal((100, 2)), 100.0, [0.95], 0.0, 0.2)
    with pytest.raises(ValueError, match="one row per event"):
        cross_validated_predictions(np.ones((10, 2)), np.ones((9, 2)))
    with pytest.raises(ValueError, match="fractions must be 5"):
        simulate_integration_data(fractions=(0.5, 0.5))
