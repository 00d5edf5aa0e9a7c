"""Feature-space groups and candidate space weightings for banded ridge."""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int
from cogattn.encoders._ridge_checks import check_index_bounds

__all__ = ["check_groups", "check_weightings", "dirichlet_weightings"]


def check_groups(groups: Any, n_features: int) -> list[np.ndarray]:
    """Turn ``groups`` into column indices, one array per feature space.

    Parameters
    ----------
    groups : sequence of (slice | array-like of int | int)
        Feature spaces: slices or index arrays into the columns of ``X``, or the
        sizes of consecutive blocks (all ints). Together they must cover every
        column exactly once.
    n_features : int
        Number of columns of ``X``.

    Returns
    -------
    index : list of numpy.ndarray
        Column indices of each space.
    """
    if groups is None or isinstance(groups, (str, bytes, slice)) or np.isscalar(groups):
        raise ValidationError(
            "groups must be a list of slices, index arrays or sizes (one per feature "
            f"space), got {groups!r:.60}"
        )
    groups = list(groups)
    if not groups:
        raise ValidationError("groups must name at least one feature space, got []")
    if all(isinstance(g, numbers.Integral) and not isinstance(g, bool) for g in groups):
        sizes = [check_int(g, "groups sizes", low=1) for g in groups]
        if sum(sizes) != n_features:
            raise ValidationError(
                f"groups sizes {sizes} sum to {sum(sizes)}, but X has "
                f"{n_features} features"
            )
        edges = np.concatenate([[0], np.cumsum(sizes)])
        return [np.arange(a, b) for a, b in itertools.pairwise(edges)]
    index = []
    for k, g in enumerate(groups):
        if isinstance(g, slice):
            idx = np.arange(n_features)[g]
        else:
            idx = check_array(g, f"groups[{k}]", ndim=1, dtype="integer")
        if idx.size == 0:
            raise ValidationError(f"groups[{k}] selects no feature")
        check_index_bounds(idx, n_features, f"groups[{k}]")
        index.append(idx.astype(np.int64))
    counts = np.bincount(np.concatenate(index), minlength=n_features)
    if np.any(counts != 1):
        missing = np.flatnonzero(counts == 0)[:5].tolist()
        repeated = np.flatnonzero(counts > 1)[:5].tolist()
        raise ValidationError(
            "groups must cover every feature exactly once; features missing: "
            f"{missing}, features in several groups: {repeated}"
        )
    return index


def dirichlet_weightings(
    n_iter: int, n_spaces: int, concentration: Any, random_state: Any
) -> np.ndarray:
    """Candidate space weightings drawn on the simplex.

    The first candidate weighs every space equally; candidate ``i`` (``i >= 1``)
    is a Dirichlet draw with concentration ``concentration[i % len]`` (small
    concentrations favour one dominant space, 1 is uniform on the simplex).

    Parameters
    ----------
    n_iter : int
        Number of candidates.
    n_spaces : int
        Number of feature spaces.
    concentration : float | array-like of float
        Dirichlet concentrations (> 0), used in turn.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    gammas : numpy.ndarray of shape (n_iter, n_spaces)
        Rows are positive and sum to 1.
    """
    n_iter = check_int(n_iter, "n_iter", low=1)
    conc = check_array(np.atleast_1d(concentration), "concentration", ndim=1)
    if np.any(conc <= 0):
        raise ValidationError(f"concentration must be > 0, got {conc.tolist()}")
    rng = check_random_state(random_state)
    gammas = np.empty((n_iter, n_spaces))
    gammas[0] = 1.0 / n_spaces
    for i in range(1, n_iter):
        gammas[i] = rng.dirichlet(np.full(n_spaces, conc[i % conc.size]))
    # draws can underflow to exactly 0 for tiny concentrations: keep them > 0
    gammas = np.maximum(gammas, np.finfo(np.float64).tiny)
    return gammas / gammas.sum(axis=1, keepdims=True)


def check_weightings(n_iter: Any, n_spaces: int) -> np.ndarray | None:
    """Validate an explicit array of candidate weightings (``None`` for an int).

    Parameters
    ----------
    n_iter : int | array-like of shape (n_candidates, n_spaces)
        Number of random candidates, or the candidates themselves (positive
        rows; they are used as given, not renormalised).
    n_spaces : int
        Number of feature spaces.

    Returns
    -------
    gammas : numpy.ndarray of shape (n_candidates, n_spaces) or None
    """
    if isinstance(n_iter, numbers.Integral) and not isinstance(n_iter, bool):
        return None
    gammas = check_array(n_iter, "n_iter", ndim=2)
    if gammas.shape[1] != n_spaces:
        raise ValidationError(
            f"n_iter candidates must have one column per feature space ({n_spaces}), "
            f"got shape {gammas.shape}"
        )
    if np.any(gammas <= 0):
        raise ValidationError("n_iter candidate weightings must all be > 0")
    return gammas.astype(np.float64)
