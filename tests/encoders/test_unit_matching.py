"""Unit-to-unit matching. Anchors: brute force over all permutations, a planted
permutation and a planted sparse mixing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cogattn.encoders import (
    match_units_one_to_many,
    match_units_one_to_one,
    unit_correlations,
)


def test_correlations_match_numpy(rng):
    """unit_correlations equals the cross block of numpy.corrcoef."""
    a, b = rng.standard_normal((30, 4)), rng.standard_normal((30, 3))
    ref = np.corrcoef(a.T, b.T)[:4, 4:]
    np.testing.assert_allclose(unit_correlations(a, b), ref, atol=1e-12)


def test_one_to_one_brute_force(rng):
    """The assignment maximises the summed correlation over all permutations."""
    a, b = rng.standard_normal((25, 6)), rng.standard_normal((25, 6))
    b += 0.5 * a[:, ::-1]
    c = unit_correlations(a, b)
    perms = itertools.permutations(range(6))
    best = max(sum(c[i, p[i]] for i in range(6)) for p in perms)
    out = match_units_one_to_one(a, b)
    assert out["corr"].sum() == pytest.approx(best, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_to_one_recovers_planted_permutation(seed):
    """Units of b are a noisy permutation of a's: the permutation is recovered."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((200, 40))
    perm = rng.permutation(40)
    b = a[:, perm] + 0.5 * rng.standard_normal((200, 40))
    out = match_units_one_to_one(a, b)
    np.testing.assert_array_equal(perm[out["cols"]], out["rows"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_to_many_recovers_sparse_mixing(seed):
    """Each b unit mixes 2 a units: Lasso finds them and predicts held-out data."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((300, 30))
    w = np.zeros((10, 30))
    for j in range(10):
        w[j, rng.choice(30, 2, replace=False)] = rng.uniform(0.5, 1.0, 2)
    b = a @ w.T + 0.2 * rng.standard_normal((300, 10))
    out = match_units_one_to_many(a, b, alpha=0.05, random_state=seed)
    top2 = np.argsort(-np.abs(out["coef"]), axis=1)[:, :2]
    for j in range(10):
        assert set(top2[j]) == set(np.flatnonzero(w[j]))
    assert (out["test_r"] > 0.9).all()
    assert (out["n_active"] < 10).all()


def test_bad_input(rng):
    """Different sample counts, NaN units and too few samples are refused."""
    with pytest.raises(ValueError, match="same number of samples"):
        match_units_one_to_one(
            rng.standard_normal((10, 3)), rng.standard_normal((8, 3))
        )
    a = rng.standard_normal((10, 3))
    a[0, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite values in 1 unit"):
        unit_correlations(a, rng.standard_normal((10, 3)))
    with pytest.raises(ValueError, match="too few"):
        match_units_one_to_many(
            rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
        )


def test_real_fmri_homologous_rois_are_matched():
    """nitime's 14 left and 14 right ROIs (250 volumes): the optimal one-to-one
    assignment pairs every ROI with its homologue (measured 14/14), which the
    greedy best match does not (measured 9/14)."""
    from cogattn.datasets.nitime_rois import load_nitime_rois
    from tests._reference import require_reference

    require_reference("nitime")
    data, names = load_nitime_rois()
    left = [i for i, n in enumerate(names) if n.startswith("L") or n == "APHG"]
    right = [i for i, n in enumerate(names) if n.startswith("R")]
    out = match_units_one_to_one(data[:, left], data[:, right])
    assert (out["cols"] == np.arange(14)).all()
    greedy = out["corr_matrix"].argmax(axis=1)
    assert (greedy == np.arange(14)).mean() < 1.0
