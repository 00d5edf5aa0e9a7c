"""Capacity of Hebbian associative memories: closed forms and measured capacities.

Three readouts, three capacities (``N`` stored pairs, key dimension ``d_k``):

mean cosine 0.9 (raw readout ``M k_j``)
    The largest ``N`` whose mean cosine between readout and stored value is at least
    0.9. With random unit keys the signal is ``v_j`` and the cross-talk has expected
    squared norm ``(N - 1) / d_k`` (for unit, mutually orthogonal values), so
    ``cos ~= 1 / sqrt(1 + (N - 1) / d_k)`` and ``N_0.9 = 1 + d_k (1/0.81 - 1)``
    ``~= 0.235 d_k + 1``: linear in ``d_k``.
error-free (worst-case sign readout ``sign(M k_j)``)
    The largest ``N`` for which the sign readout recovers *every* stored binary
    value for *every* possible choice of binary values. The worst value set aligns
    all cross-talk against the signal, so the condition is
    ``sum_{i != j} |k_i . k_j| < 1`` for every ``j`` (the key Gram matrix is strictly
    diagonally dominant). Each term is ``~ 1/sqrt(d_k)`` in size, so the capacity is
    ``O(sqrt(d_k))`` (about ``sqrt(pi d_k / 2)`` for the average row). For the
    random values actually stored (typical case, :func:`sign_recall_capacity`) the
    sign readout holds longer, ``~ d_k / (2 ln(N d_v))``.
nearest-neighbour clean-up (``argmax_i cos(M k_j, v_i)`` over stored values)
    The largest ``N`` at which at least 99% of the items are recalled as their own
    value; it grows like ``d_k d_v / (2 ln N)``, i.e. several times ``d_k`` for
    moderate value dimensions ``d_v``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.backend import check_arrays, infer_backend
from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_positive
from cogattn.workspace.associative.hebbian import _check_key_value_pairs

__all__ = [
    "capacity_from_curve",
    "closed_form_capacity",
    "closed_form_cosine",
    "cosine_capacity",
    "error_free_capacity",
    "power_law_fit",
    "sign_recall_capacity",
]


def _check_counts(x: Any, name: str, low: float) -> np.ndarray:
    arr = check_array(x, name, dtype="numeric")
    if np.any(arr < low):
        raise ValidationError(
            f"{name} must be >= {low:g} everywhere, got min {float(np.min(arr)):g}"
        )
    return arr.astype(np.float64)


def closed_form_cosine(n_items: Any, d_k: Any) -> Any:
    """Return the expected retrieval cosine ``1/sqrt(1 + (N-1)/d_k)`` (unit keys).

    Exact as ``E[r . v_j] / sqrt(E|r|^2)`` for unit values that are orthogonal to
    each other; the mean of the per-item cosine differs from it by a Jensen term of
    order ``1 / d_k`` (and ``1 / d_v`` for random, not orthogonal, values).

    Parameters
    ----------
    n_items : float or array-like
        Number of stored pairs ``N >= 1`` (broadcast against ``d_k``).
    d_k : float or array-like
        Key dimension ``>= 1``.

    Returns
    -------
    cosine : float or numpy.ndarray
        Same broadcast shape as the inputs; a float for scalar inputs.
    """
    n = _check_counts(n_items, "n_items", 1)
    d = _check_counts(d_k, "d_k", 1)
    out = 1.0 / np.sqrt(1.0 + (n - 1.0) / d)
    return float(out) if out.ndim == 0 else out


def closed_form_capacity(d_k: Any, cosine: float = 0.9) -> Any:
    """Closed-form capacity at a mean cosine: ``N = 1 + d_k (1/cosine^2 - 1)``.

    Parameters
    ----------
    d_k : float or array-like
        Key dimension ``>= 1``.
    cosine : float
        Required mean retrieval cosine, in ``(0, 1]``.

    Returns
    -------
    n_items : float or numpy.ndarray
        Largest (real-valued) number of pairs with ``closed_form_cosine >= cosine``;
        ``~= 0.235 d_k + 1`` at 0.9.
    """
    d = _check_counts(d_k, "d_k", 1)
    c = check_positive(cosine, "cosine")
    if c > 1:
        raise ValidationError(f"cosine must be in (0, 1], got {c}")
    out = 1.0 + d * (1.0 / c**2 - 1.0)
    return float(out) if out.ndim == 0 else out


def _curve(n_items: Any, score: Any) -> tuple[np.ndarray, np.ndarray]:
    n = _check_counts(n_items, "n_items", 1)
    s = check_array(score, "score", dtype="numeric").astype(np.float64)
    if n.ndim != 1 or n.shape != s.shape:
        raise ValidationError(
            "n_items and score must be 1-d arrays of the same length, got shapes "
            f"{n.shape} and {s.shape}"
        )
    if np.unique(n).size != n.size:
        raise ValidationError("n_items must not repeat (average repeated points first)")
    order = np.argsort(n)
    return n[order], s[order]


def capacity_from_curve(n_items: Any, score: Any, threshold: float) -> float:
    """Largest ``N`` with ``score >= threshold`` on a measured curve.

    The curve is walked in increasing ``N``; the capacity is where it first drops
    below ``threshold``, linearly interpolated between the last point at or above
    and the first point below.

    Parameters
    ----------
    n_items : array-like of shape (n_points,)
        Numbers of stored pairs (distinct, any order).
    score : array-like of shape (n_points,)
        Score at each ``N`` (e.g. clean-up accuracy), expected to decrease with ``N``.
    threshold : float
        Required score.

    Returns
    -------
    capacity : float
        Interpolated ``N``; ``inf`` when the score never drops below the threshold on
        the grid (the capacity exceeds the largest ``N``), ``nan`` when the first
        point is already below it.
    """
    n, s = _curve(n_items, score)
    thr = float(threshold)
    below = np.flatnonzero(s < thr)
    if below.size == 0:
        return float("inf")
    i = int(below[0])
    if i == 0:
        return float("nan")
    n0, n1, s0, s1 = n[i - 1], n[i], s[i - 1], s[i]
    return float(n0 + (s0 - thr) * (n1 - n0) / (s0 - s1))


def cosine_capacity(n_items: Any, mean_cosine: Any, cosine: float = 0.9) -> float:
    """Largest ``N`` with mean retrieval cosine ``>= cosine``, from a measured curve.

    Interpolates ``1 / cos^2`` linearly in ``N`` between the grid points that bracket
    the crossing: that variable is exactly linear in ``N`` under the closed form
    ``1 + (N - 1) / d_k``, so a coarse load grid gives no interpolation bias.

    Parameters
    ----------
    n_items : array-like of shape (n_points,)
        Numbers of stored pairs (distinct).
    mean_cosine : array-like of shape (n_points,)
        Measured mean retrieval cosine at each ``N``, in ``(0, 1]``.
    cosine : float
        Threshold, in ``(0, 1]``.

    Returns
    -------
    capacity : float
        As :func:`capacity_from_curve` (``inf`` above the grid, ``nan`` below).
    """
    n, s = _curve(n_items, mean_cosine)
    c = check_positive(cosine, "cosine")
    if np.any(s <= 0) or np.any(s > 1 + 1e-12):
        raise ValidationError("mean_cosine must lie in (0, 1] for the capacity")
    return capacity_from_curve(n, -1.0 / s**2, -1.0 / c**2)


def error_free_capacity(keys: Any) -> Any:
    """Worst-case error-free capacity of each memory, by an exact prefix sweep.

    Readout: the sign readout ``sign(M k_j)`` with binary values. A set of ``N``
    keys is error-free when the readout recovers every stored value for every
    possible choice of binary values, i.e. ``sum_{i != j} |k_i . k_j| < k_j . k_j``
    for every ``j < N`` (strict diagonal dominance of the key Gram matrix). Items are
    stored in order, so the capacity of a memory is the largest prefix ``N`` of its
    keys that is error-free; since adding a key can only add cross-talk, every
    smaller prefix is error-free too. Computed for all prefixes at once from
    cumulative row sums of ``|K K^T|`` (no loop over ``N``).

    Parameters
    ----------
    keys : array of shape (..., n_max, d_k)
        Keys in storage order (e.g. from :func:`random_unit_keys` with a generous
        ``n_max``).

    Returns
    -------
    capacity : integer array of shape (...)
        In ``[1, n_max]``; equal to ``n_max`` means "at least ``n_max``": draw more
        keys.
    """
    keys = check_array(keys, "keys", min_ndim=2)
    backend = infer_backend(keys)
    (keys,) = check_arrays(backend, keys)
    n_max = int(keys.shape[-2])
    gram = backend.matmul(keys, backend.transpose(keys))
    eye = backend.eye(n_max, dtype=keys.dtype)
    diag = backend.sum(gram * eye, axis=-1)  # (..., n_max): k_j . k_j
    cross = backend.abs(gram) * (1.0 - eye)
    upper = backend.asarray(np.triu(np.ones((n_max, n_max))), dtype=keys.dtype)
    # running[..., j, n] = sum_{i <= n, i != j} |k_i . k_j|
    running = backend.matmul(cross, upper)
    # row j only belongs to prefixes n >= j; elsewhere it cannot fail
    margin = running - diag[..., :, None]
    margin = backend.where(backend.asarray(upper > 0), margin, -1.0)
    ok = backend.max(margin, axis=-2) < 0  # (..., n_max): prefix n + 1 error-free
    return backend.sum(backend.astype(ok, backend.int64), axis=-1)


def sign_recall_capacity(keys: Any, values: Any) -> Any:
    """Typical-case error-free capacity of each memory for its own binary values.

    Readout: ``sign(M k_j)``; a prefix of ``N`` pairs is error-free when every one of
    its items has its sign pattern recovered exactly (zero counts as an error). Unlike
    :func:`error_free_capacity` this is for the values actually stored, not the worst
    possible ones, and it grows like ``d_k / (2 ln(N d_v))`` rather than
    ``sqrt(d_k)``. The capacity is the number of leading prefixes that are all
    error-free (the first failure ends it), from the running readouts of all
    prefixes at once (memory ``O(n_max^2 d_v)`` per memory).

    Parameters
    ----------
    keys : array of shape (..., n_max, d_k)
        Keys in storage order.
    values : array of shape (..., n_max, d_v)
        Binary values in storage order.

    Returns
    -------
    capacity : integer array of shape (...)
        In ``[0, n_max]``; ``n_max`` means "at least ``n_max``".
    """
    backend, keys, values = _check_key_value_pairs(keys, values, items="n_max")
    n_max = int(keys.shape[-2])
    gram = backend.matmul(keys, backend.transpose(keys))
    upper = backend.asarray(np.triu(np.ones((n_max, n_max))), dtype=keys.dtype)
    # running[..., j, p, m] = sum_{i <= p} (k_i . k_j) v_im: readout of j after p + 1
    running = backend.einsum("...ji,ip,...im->...jpm", gram, upper, values)
    margin = backend.min(running * values[..., :, None, :], axis=-1)
    margin = backend.where(backend.asarray(upper > 0), margin, 1.0)
    ok = backend.min(margin, axis=-2) > 0  # (..., n_max): prefix p + 1 recalled
    # leading[..., p] = number of ok prefixes up to p; all ok up to p iff == p + 1
    leading = backend.matmul(backend.astype(ok, keys.dtype), upper)
    steps = backend.arange(1, n_max + 1, dtype=keys.dtype)
    all_ok = backend.abs(leading - steps) < 0.5
    return backend.sum(backend.astype(all_ok, backend.int64), axis=-1)


def power_law_fit(x: Any, y: Any) -> tuple[float, float]:
    """Least-squares fit of ``y = a x^b`` on log-log axes.

    Parameters
    ----------
    x, y : array-like of shape (n_points,)
        Positive, finite values; at least two distinct ``x``.

    Returns
    -------
    exponent : float
        ``b``, the log-log slope.
    prefactor : float
        ``a``.
    """
    x = check_array(x, "x", ndim=1, dtype="numeric").astype(np.float64)
    y = check_array(y, "y", ndim=1, dtype="numeric").astype(np.float64)
    if x.shape != y.shape or np.unique(x).size < 2:
        raise ValidationError(
            "x and y must have the same length with at least two distinct x, got "
            f"shapes {x.shape} and {y.shape}"
        )
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValidationError("x and y must be > 0 for a log-log fit")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope), float(np.exp(intercept))
