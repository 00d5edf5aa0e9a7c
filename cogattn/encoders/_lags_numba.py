"""Numba kernel for lagged Gram matrices (edge corrections of full correlations).

Called only through :func:`cogattn.encoders.lags.lagged_gram`, which validates inputs.
"""

from __future__ import annotations

import numpy as np

from cogattn._core.jit import jit, prange

__all__ = ["gram_from_correlations", "gram_from_correlations_parallel"]


def _gram_from_correlations(
    x: np.ndarray,
    corr: np.ndarray,
    lags: np.ndarray,
    d_min: int,
    kh: np.ndarray,
    kt: np.ndarray,
    s0: np.ndarray,
    s1: np.ndarray,
    k_max: int,
) -> np.ndarray:
    """Assemble the lagged Gram matrix from full correlations minus edge strips.

    Parameters
    ----------
    x : ndarray of shape (n_times, n_features)
        One trial.
    corr : ndarray of shape (n_diffs, n_features, n_features)
        ``corr[d - d_min, i, j] = sum_s x[s - d, i] * x[s, j]`` over ``s`` in
        ``[s0[d - d_min], s1[d - d_min])``.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags.
    d_min : int
        Smallest lag difference ``lags[a] - lags[b]``.
    kh, kt : ndarray of int64, shape (n_lags, n_lags)
        Number of products to remove at the head and at the tail of each
        ``(a, b)`` entry.
    s0, s1 : ndarray of int64, shape (n_diffs,)
        Range of ``s`` covered by ``corr`` for each lag difference.
    k_max : int
        Largest value in ``kh`` and ``kt``.

    Returns
    -------
    gram : ndarray of shape (n_features * n_lags, n_features * n_lags)
        Feature-major layout: row ``i * n_lags + a``.
    """
    n_feat = x.shape[1]
    n_lags = lags.shape[0]
    n_diffs = corr.shape[0]
    gram = np.empty((n_feat * n_lags, n_feat * n_lags))
    for ij in prange(n_feat * n_feat):
        i = ij // n_feat
        j = ij % n_feat
        head = np.zeros((n_diffs, k_max + 1))
        tail = np.zeros((n_diffs, k_max + 1))
        for di in range(n_diffs):
            d = di + d_min
            lo = s0[di]
            hi = s1[di]
            acc = 0.0
            for k in range(1, k_max + 1):
                s = lo + k - 1
                if s < hi:
                    acc += x[s - d, i] * x[s, j]
                head[di, k] = acc
            acc = 0.0
            for k in range(1, k_max + 1):
                s = hi - k
                if s >= lo:
                    acc += x[s - d, i] * x[s, j]
                tail[di, k] = acc
        for a in range(n_lags):
            for b in range(n_lags):
                di = lags[a] - lags[b] - d_min
                gram[i * n_lags + a, j * n_lags + b] = (
                    corr[di, i, j] - head[di, kh[a, b]] - tail[di, kt[a, b]]
                )
    return gram


gram_from_correlations = jit()(_gram_from_correlations)
gram_from_correlations_parallel = jit(parallel=True)(_gram_from_correlations)
