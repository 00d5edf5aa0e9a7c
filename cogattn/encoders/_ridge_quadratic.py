"""The test-fold quadratic form of ridge cross-validation, for every alpha at once.

For a fold with test design ``A`` (in the training eigenbasis, eigenvalues ``s``)
and training statistics ``B``, the sum of squared predictions of every target under
every alpha is ``Q[j, t] = ||A diag(d_j) B[:, t]||^2`` with ``d_j = 1 / (s + alpha_j)``.
:func:`quadratic_parts` precomputes the alpha-free pieces; :func:`quadratic_form`
evaluates all alphas with two products.
"""

from __future__ import annotations

import itertools
from types import ModuleType
from typing import Any

import numpy as np

from cogattn.encoders._ridge_linalg import column_sumsq, eigh_small, single_blas_thread

__all__ = ["cluster_rtol", "eigen_clusters", "quadratic_form", "quadratic_parts"]


#: eigenvalues closer than this fraction of the largest share a cluster (float64)
_CLUSTER_RTOL = 1e-6
#: the same with a float32 compute dtype: the cross-cluster rounding error bound
#: ``eps64 / rtol`` (2.2e-8) stays below float32's unit roundoff (6e-8), and the
#: close eigenvalues at the bottom of a decaying spectrum (collinear features) stay
#: out of the direct form, whose cost grows with the square of a cluster's size
_CLUSTER_RTOL_F32 = 1e-8


def cluster_rtol(dtype: Any) -> float:
    """Cluster tolerance for a compute dtype (float32 or float64)."""
    return _CLUSTER_RTOL_F32 if np.dtype(dtype) == np.float32 else _CLUSTER_RTOL


def eigen_clusters(s: np.ndarray, rtol: float = _CLUSTER_RTOL) -> list[slice]:
    """Split ascending eigenvalues into runs whose neighbours are closer than a gap.

    Parameters
    ----------
    s : numpy.ndarray of shape (q,)
        Ascending eigenvalues (>= 0).
    rtol : float
        Neighbours closer than ``rtol * max(s)`` stay in one cluster.

    Returns
    -------
    clusters : list of slice
        Contiguous index ranges covering ``0 .. q``; eigenvalues of different
        clusters differ by more than ``rtol * max(s)``.
    """
    q = s.size
    tol = rtol * float(s[-1]) if q else 0.0
    cuts = np.flatnonzero(np.diff(s) > tol) + 1
    edges = [0, *cuts.tolist(), q]
    return [slice(a, b) for a, b in itertools.pairwise(edges)]


def quadratic_parts(
    A: Any, s: Any, xp: ModuleType, rtol: float = _CLUSTER_RTOL
) -> tuple[Any, Any, list[tuple[slice, Any, bool]]]:
    """Alpha-free pieces of ``Q(alpha) = b^T D M D b`` (``M = A^T A``, ``D = diag(d)``).

    With ``d_i = 1 / (s_i + alpha)``, ``d_i d_j = (d_i - d_j) / (s_j - s_i)`` for
    ``s_i != s_j``; with the antisymmetric ``N_ij = M_ij / (s_j - s_i)`` the pairs
    from different eigenvalue clusters sum to ``2 sum_i d_i b_i (N b)_i``: one
    product with ``N`` serves every alpha. Pairs inside a cluster (close or equal
    eigenvalues, where that quotient would lose precision) keep the direct form:
    the diagonal ``M_ii`` of one-element clusters, and a factor ``R_c`` of
    ``M_cc`` for larger ones. The cross-cluster part is float64: its rounding
    error relative to ``|b| |M| |b| d^2`` is at most
    ``eps64 (s_max + alpha) / gap`` with ``gap >= rtol s_max``.

    Parameters
    ----------
    A : array of shape (n_test, q)
        Test design in the training eigenbasis (float64).
    s : array of shape (q,)
        Ascending training eigenvalues (float64).
    xp : module
        Backend.
    rtol : float
        Cluster tolerance of :func:`eigen_clusters` (``_CLUSTER_RTOL`` for a
        float64 compute dtype, ``_CLUSTER_RTOL_F32`` for float32).

    Returns
    -------
    N : array of shape (q, q)
        Float64, zero inside clusters.
    m_single : array of shape (q,)
        ``M_ii`` for one-element clusters, 0 elsewhere (float64).
    blocks : list of (slice, R_c, triangular)
        Clusters of two or more eigenvalues with a factor of ``M_cc``.
    """
    q = A.shape[1]
    M = xp.matmul(xp.transpose(A), A)
    clusters = eigen_clusters(xp.to_numpy(s), rtol)
    ids = np.repeat(np.arange(len(clusters)), [c.stop - c.start for c in clusters])
    same = xp.asarray(ids[:, None] == ids[None, :])
    gap = s[None, :] - s[:, None]
    N = xp.where(same, 0.0, M / xp.where(same, 1.0, gap))
    single = np.zeros(q)
    blocks = []
    for c in clusters:
        if c.stop - c.start == 1:
            single[c.start] = 1.0
        else:
            R, tri = _test_root(A[:, c], xp)
            blocks.append((c, R, tri))
    diag = xp.einsum("ii->i", M)
    return N, diag * xp.asarray(single), blocks


def _test_root(A: Any, xp: ModuleType) -> tuple[Any, bool]:
    """Return a factor ``R`` of ``A^T A`` (``R^T R``) and whether it is triangular.

    ``R`` has the fewest rows possible.

    With more test samples than columns the numpy backend uses the triangle of a
    QR decomposition; other backends use the symmetric square root.
    """
    n_f, q = A.shape
    if n_f <= q:
        return A, False
    if xp.name == "numpy":
        with single_blas_thread():
            return np.linalg.qr(A, mode="r"), True
    lam, Qm = eigh_small(xp.matmul(xp.transpose(A), A), xp)
    return xp.transpose(Qm * xp.sqrt(xp.clip(lam, 0.0, None))[None, :]), False


def quadratic_form(st: Any, B: Any, xp: ModuleType) -> Any:
    """``Q[j, t] = ||A diag(d_j) B[:, t]||^2`` for every alpha ``j``.

    See :func:`quadratic_parts`: two products for all alphas, plus the direct form
    for clusters of close eigenvalues.
    """
    f64 = xp.float64
    B64 = xp.astype(B, f64)
    NB = xp.matmul(st.N, B64)
    Q = xp.matmul(st.dmat64_2, B64 * NB)
    Q = Q + xp.matmul(st.dmat64_sq_m, B64 * B64)
    for sl, R, tri, dmat_t in st.blocks:
        Q = Q + _quadratic_terms(R, tri, dmat_t, B[sl], xp)
    return Q


#: elements of the widest intermediate formed by :func:`_quadratic_terms`
_MAX_ELEMENTS = 1 << 24


def _quadratic_terms(
    R: Any, triangular: bool, dmat_t: Any, B: Any, xp: ModuleType
) -> Any:
    """``Q[j, t] = ||R diag(dmat_t[:, j]) B[:, t]||^2`` for every alpha ``j``.

    The diagonal scaling goes into ``R`` (q x q per alpha) rather than into ``B``
    (q x n_batch). An upper-triangular ``R`` (numpy) takes one numpy product per
    alpha. BLAS ``trmm`` would do half the multiplications, but it lives in scipy's
    BLAS, and alternating two BLAS libraries leaves one library's threads spinning
    on the cores the other needs (see the numpy backend's ``gemm``): on the
    collinear ridge benchmark the whole fit took 2.2 s with ``trmm`` against
    1.25 s without. Otherwise several alphas share one batched product of at most
    ``_MAX_ELEMENTS`` outputs.
    """
    n_alphas = dmat_t.shape[1]
    n_batch = B.shape[1]
    if triangular:
        out = np.empty((n_alphas, n_batch))
        for j in range(n_alphas):  # a handful of alphas, each one BLAS call
            z = np.matmul(R * dmat_t[:, j][None, :], B)
            out[j] = column_sumsq(z, xp)
        return out
    r = R.shape[0]
    chunk = max(1, _MAX_ELEMENTS // max(r * n_batch, 1))
    parts = []
    for j0 in range(0, n_alphas, chunk):
        d = xp.transpose(dmat_t[:, j0 : j0 + chunk])  # (c, q)
        z = xp.matmul(R[None, :, :] * d[:, None, :], B)  # (c, r, n_batch)
        if xp.name == "numpy":
            sq = np.einsum("kij,kij->kj", z, z)
        else:
            sq = xp.sum(z * z, axis=1)
        parts.append(xp.astype(sq, xp.float64))
    return parts[0] if len(parts) == 1 else xp.concatenate(parts, axis=0)
