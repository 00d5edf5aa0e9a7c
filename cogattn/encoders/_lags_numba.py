"""Numba kernels for lagged Gram matrices: edge corrections, centering.

Called only through :func:`cogattn.encoders.lags.lagged_gram` and the TRF solvers
(:mod:`cogattn.encoders._trf_stats`, :mod:`cogattn.encoders._trf_solvers`), which
validate inputs.
"""

from __future__ import annotations

import numpy as np

from cogattn._core.jit import jit, prange

__all__ = [
    "add_upper_blocks",
    "centered_gram",
    "centered_gram_parallel",
    "edge_sums",
    "gram_from_correlations",
    "gram_from_correlations_parallel",
]


def _edge_sums(
    x: np.ndarray,
    i: int,
    j: int,
    n_diffs: int,
    d_min: int,
    s0: np.ndarray,
    s1: np.ndarray,
    k_head: int,
    k_tail: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Return running sums of the first and last ``k`` products of ``i`` and ``j``.

    ``head[di, k]`` (``tail[di, k]``) sums ``x[s - d, i] * x[s, j]`` over the first
    (last) ``k`` values of ``s`` in ``[s0[di], s1[di])``, for ``d = di + d_min``:
    the products a lagged Gram entry drops at the trial's head (tail), ``k`` up to
    ``k_head`` (``k_tail``).
    """
    head = np.zeros((n_diffs, k_head + 1))
    tail = np.zeros((n_diffs, k_tail + 1))
    for di in range(n_diffs):
        d = di + d_min
        lo = s0[di]
        hi = s1[di]
        acc = 0.0
        for k in range(1, k_head + 1):
            s = lo + k - 1
            if s < hi:
                acc += x[s - d, i] * x[s, j]
            head[di, k] = acc
        acc = 0.0
        for k in range(1, k_tail + 1):
            s = hi - k
            if s >= lo:
                acc += x[s - d, i] * x[s, j]
            tail[di, k] = acc
    return head, tail


edge_sums = jit(inline="always")(_edge_sums)


def _gram_from_correlations(
    x: np.ndarray,
    corr: np.ndarray,
    lags: np.ndarray,
    d_min: int,
    kh: np.ndarray,
    kt: np.ndarray,
    s0: np.ndarray,
    s1: np.ndarray,
    k_head: int,
    k_tail: int,
    gram: np.ndarray,
    upper_only: bool,
    accumulate: bool,
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
    k_head, k_tail : int
        Largest value in ``kh`` and in ``kt``.
    gram : ndarray of shape (n_features * n_lags, n_features * n_lags)
        Output, feature-major layout: row ``i * n_lags + a``.
    upper_only : bool
        Fill only the blocks of feature pairs ``i <= j`` (the others keep their
        values).
    accumulate : bool
        Add to the entries of ``gram`` instead of overwriting them.

    Returns
    -------
    gram : ndarray
        The output.
    """
    n_feat = x.shape[1]
    n_lags = lags.shape[0]
    n_diffs = corr.shape[0]
    # where entry (a, b) reads the correlation and the flattened edge sums
    at_d = np.empty((n_lags, n_lags), dtype=np.int64)
    at_h = np.empty((n_lags, n_lags), dtype=np.int64)
    at_t = np.empty((n_lags, n_lags), dtype=np.int64)
    for a in range(n_lags):
        for b in range(n_lags):
            di = lags[a] - lags[b] - d_min
            at_d[a, b] = di
            at_h[a, b] = di * (k_head + 1) + kh[a, b]
            at_t[a, b] = di * (k_tail + 1) + kt[a, b]
    c = np.empty(n_diffs)
    for ij in range(n_feat * n_feat):
        i = ij // n_feat
        j = ij % n_feat
        if upper_only and j < i:
            continue
        head, tail = edge_sums(x, i, j, n_diffs, d_min, s0, s1, k_head, k_tail)
        h = head.ravel()
        t = tail.ravel()
        for di in range(n_diffs):  # contiguous: read n_lags**2 times
            c[di] = corr[di, i, j]
        for a in range(n_lags):
            row = gram[i * n_lags + a, j * n_lags : (j + 1) * n_lags]
            for b in range(n_lags):
                v = c[at_d[a, b]] - h[at_h[a, b]] - t[at_t[a, b]]
                if accumulate:
                    row[b] += v
                else:
                    row[b] = v
    return gram


def _gram_from_correlations_symmetric(
    x: np.ndarray,
    corr: np.ndarray,
    lags: np.ndarray,
    d_min: int,
    kh: np.ndarray,
    kt: np.ndarray,
    s0: np.ndarray,
    s1: np.ndarray,
    k_head: int,
    k_tail: int,
    gram: np.ndarray,
    upper_only: bool,
    accumulate: bool,
) -> np.ndarray:
    """:func:`_gram_from_correlations` over blocks ``i <= j``, mirrored.

    Half the edge sums; on small matrices the mirrored writes cost more than they
    save, so only the threaded kernel uses this version. ``upper_only`` skips the
    mirrored writes.
    """
    n_feat = x.shape[1]
    n_lags = lags.shape[0]
    n_diffs = corr.shape[0]
    # blocks i <= j only; block (j, i) is the transpose of block (i, j)
    n_pairs = n_feat * (n_feat + 1) // 2
    for p in prange(n_pairs):
        # row i holds pairs (i, i..n-1): invert the running count
        i = 0
        start = 0
        while start + n_feat - i <= p:
            start += n_feat - i
            i += 1
        j = i + p - start
        head, tail = edge_sums(x, i, j, n_diffs, d_min, s0, s1, k_head, k_tail)
        for a in range(n_lags):
            for b in range(n_lags):
                di = lags[a] - lags[b] - d_min
                v = corr[di, i, j] - head[di, kh[a, b]] - tail[di, kt[a, b]]
                if accumulate:
                    gram[i * n_lags + a, j * n_lags + b] += v
                    if not upper_only:
                        gram[j * n_lags + b, i * n_lags + a] += v
                else:
                    gram[i * n_lags + a, j * n_lags + b] = v
                    if not upper_only:
                        gram[j * n_lags + b, i * n_lags + a] = v
    return gram


gram_from_correlations = jit()(_gram_from_correlations)
gram_from_correlations_parallel = jit(parallel=True)(_gram_from_correlations_symmetric)


def _centered_gram(
    total: np.ndarray,
    minus: np.ndarray,
    pairs: np.ndarray,
    gxo: np.ndarray,
    goo: np.ndarray,
    mean: np.ndarray,
    out: np.ndarray,
    upper_only: bool,
) -> np.ndarray:
    """``total - minus`` with signal centering, in one pass.

    Parameters
    ----------
    total, minus : ndarray of shape (m, m)
        Lagged Gram matrices of ``[x, 1]`` (``m >= n_features * n_lags``); only the
        blocks of feature pairs ``i <= j`` of the leading ``n_features * n_lags``
        rows are read (one triangle: the result is mirrored). ``minus`` may have
        zero rows, meaning nothing is subtracted.
    pairs : ndarray of int64, shape (n_pairs, 2)
        Feature pairs ``i <= j`` to process (an explicit list balances the threads).
    gxo : ndarray of shape (n_features, n_lags, n_lags)
        Lagged input x lagged ones of the same difference.
    goo : ndarray of shape (n_lags, n_lags)
        Lagged ones x lagged ones of the same difference.
    mean : ndarray of shape (n_features,)
        Signal means removed before lagging (zeros: no centering).
    out : ndarray of shape (n_features * n_lags, n_features * n_lags)
        Output (allocated by numpy, which asks the kernel for huge pages).
    upper_only : bool
        Write only the upper triangle (what a Cholesky factorisation reads); the
        lower one keeps its values.

    Returns
    -------
    gram : ndarray of shape (n_features * n_lags, n_features * n_lags)
        ``D = total - minus`` minus the products the means take out: entry ``(i a,
        j b)`` gains ``-m_j gxo[i, a, b] - m_i gxo[j, b, a] + m_i m_j goo[a, b]``;
        exactly symmetric (or its upper triangle).
    """
    n_lags = gxo.shape[1]
    sub = minus.shape[0] > 0
    for p in prange(pairs.shape[0]):
        i = pairs[p, 0]
        j = pairs[p, 1]
        for a in range(n_lags):
            r = i * n_lags + a
            b0 = a if i == j else 0
            for b in range(b0, n_lags):
                c = j * n_lags + b
                v = total[r, c]
                if sub:
                    v -= minus[r, c]
                v = (
                    v
                    - (mean[j] * gxo[i, a, b] + mean[i] * gxo[j, b, a])
                    + mean[i] * mean[j] * goo[a, b]
                )
                out[r, c] = v
                if not upper_only:
                    out[c, r] = v
    return out


def _add_upper_blocks(out: np.ndarray, term: np.ndarray, block: int) -> np.ndarray:
    """Add the blocks ``i <= j`` of a square matrix into ``out``.

    Parameters
    ----------
    out : ndarray of shape (m, m)
        Accumulator; its blocks below the diagonal are left as they are.
    term : ndarray of shape (m, m)
        Matrix whose blocks ``(i, j)``, ``i <= j``, of ``block`` rows and columns
        are added (the others are not read).
    block : int
        Rows (and columns) per block; ``m`` is a multiple of it.

    Returns
    -------
    out : ndarray
    """
    m = out.shape[0]
    for r in prange(m):
        for c in range((r // block) * block, m):  # from the row's diagonal block
            out[r, c] += term[r, c]
    return out


centered_gram = jit()(_centered_gram)
centered_gram_parallel = jit(parallel=True)(_centered_gram)
add_upper_blocks = jit(parallel=True)(_add_upper_blocks)
