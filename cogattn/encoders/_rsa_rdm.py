"""Representational dissimilarity matrices: euclidean, correlation, crossnobis.

RDMs are returned in condensed form (the upper triangle row by row, as
:func:`scipy.spatial.distance.squareform` and rsatoolbox store them). The scaling
follows rsatoolbox so that values agree:

- ``"euclidean"``: squared euclidean distance per channel,
  ``d_ij = ||x_i - x_j||^2 / P`` for ``P`` channels;
- ``"correlation"``: ``d_ij = 1 - r(x_i, x_j)`` (patterns centred over channels);
- crossnobis (cross-validated squared Mahalanobis distance, Walther et al. 2016):
  with fold means ``m_f`` (``F`` folds, ``K`` conditions) and noise precision
  ``Λ``, every pair of different folds contributes
  ``(m_f,i - m_f,j) Λ (m_g,i - m_g,j)^T / P``. The average over the ``F (F - 1)``
  ordered pairs follows from one sum ``S = Σ_f m_f``:
  ``K = (S Λ S^T - Σ_f m_f Λ m_f^T) / (F (F - 1))`` and ``d_ij = K_ii + K_jj -
  K_ij - K_ji`` (divided by ``P``). This equals rsatoolbox's leave-one-fold-out
  average.

Memory: the noise precision estimated from residuals (``noise="shrinkage"``, the
Ledoit-Wolf shrinkage towards a multiple of the identity as rsatoolbox's
``shrinkage_eye``; ``"diag"``, univariate noise normalisation) is never formed as a
``P x P`` matrix. The shrunk covariance ``c (a I + (b / n) R^T R)`` of ``n``
residuals ``R`` is inverted with the Woodbury identity, so the kernel costs
``O(K P n + K^2 P)`` time and ``O((K + n) P)`` memory beyond the data (one
fold mean at a time).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_option, is_tensor

__all__ = [
    "RDM_METHODS",
    "crossnobis_rdm",
    "matrix_to_rdm",
    "n_conditions_from_rdm",
    "rdm",
    "rdm_to_matrix",
]

RDM_METHODS = ("euclidean", "correlation")


def _host(x: Any) -> Any:
    return x.detach().cpu().numpy() if is_tensor(x) else x


def _check_patterns(patterns: Any, name: str = "patterns") -> np.ndarray:
    x = check_array(_host(patterns), name, ndim=2, finite=False)
    x = np.asarray(x, dtype=np.float64)
    bad = ~np.isfinite(x)
    if bad.any():
        cols = np.flatnonzero(bad.any(axis=0))
        raise ValidationError(
            f"{name} has NaN or infinite values in {cols.size} channel(s) "
            f"(first: {cols[:5].tolist()}); drop or impute those channels first"
        )
    if x.shape[0] < 3:
        raise ValidationError(
            f"{name} needs at least 3 conditions (rows) for an RDM, got {x.shape[0]}"
        )
    return x


def rdm(patterns: Any, method: str = "euclidean") -> np.ndarray:
    """Dissimilarities between the condition patterns (rows).

    Parameters
    ----------
    patterns : array-like of shape (n_conditions, n_channels)
        One response pattern per condition (averaged over repetitions).
    method : {"euclidean", "correlation"}
        ``"euclidean"``: squared euclidean distance divided by ``n_channels``;
        ``"correlation"``: one minus the Pearson correlation of the two patterns.

    Returns
    -------
    rdm : ndarray of shape (n_conditions * (n_conditions - 1) // 2,)
        Condensed upper triangle (row-major), as rsatoolbox's ``RDMs.dissimilarities``.
    """
    method = check_option(method, RDM_METHODS, "method")
    x = _check_patterns(patterns)
    n, p = x.shape
    iu = np.triu_indices(n, 1)
    if method == "euclidean":
        sq = np.einsum("ij,ij->i", x, x)
        gram = x @ x.T
        d = (sq[:, None] + sq[None, :] - 2.0 * gram)[iu] / p
        return np.maximum(d, 0.0)
    xc = x - x.mean(axis=1, keepdims=True)
    norms = np.sqrt(np.einsum("ij,ij->i", xc, xc))
    flat = np.flatnonzero(norms == 0)
    if flat.size:
        raise ValidationError(
            f"correlation distance is undefined for constant patterns; conditions "
            f"{flat[:5].tolist()} are constant across channels"
        )
    xc /= norms[:, None]
    return (1.0 - xc @ xc.T)[iu]


def n_conditions_from_rdm(n_pairs: int) -> int:
    """Return the number of conditions ``K`` of an RDM with ``K (K - 1) / 2`` pairs."""
    k = round((1 + np.sqrt(1 + 8 * n_pairs)) / 2)
    if k * (k - 1) // 2 != n_pairs or k < 2:
        raise ValidationError(
            f"a condensed RDM has K (K - 1) / 2 entries; {n_pairs} is not such a number"
        )
    return k


def rdm_to_matrix(rdm_vector: Any) -> np.ndarray:
    """Square symmetric form of condensed RDM(s), zero on the diagonal.

    Parameters
    ----------
    rdm_vector : array-like of shape (n_pairs,) or (n_rdms, n_pairs)

    Returns
    -------
    matrix : ndarray of shape (n_conditions, n_conditions) or (n_rdms, K, K)
    """
    v = check_array(_host(rdm_vector), "rdm_vector", ndim=(1, 2), finite=False)
    single = v.ndim == 1
    v = np.atleast_2d(v)
    k = n_conditions_from_rdm(v.shape[1])
    out = np.zeros((v.shape[0], k, k))
    iu = np.triu_indices(k, 1)
    out[:, iu[0], iu[1]] = v
    out[:, iu[1], iu[0]] = v
    return out[0] if single else out


def matrix_to_rdm(matrix: Any) -> np.ndarray:
    """Condensed upper triangle of square RDM(s) of shape (K, K) or (n_rdms, K, K)."""
    m = check_array(_host(matrix), "matrix", ndim=(2, 3), finite=False)
    if m.shape[-1] != m.shape[-2]:
        raise ValidationError(f"matrix must be square, got shape {m.shape}")
    iu = np.triu_indices(m.shape[-1], 1)
    return m[..., iu[0], iu[1]]


def _labels(values: Any, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    lab = np.asarray(_host(values))
    if lab.ndim != 1 or lab.shape[0] != n:
        raise ValidationError(
            f"{name} must have one label per observation ({n}), got shape {lab.shape}"
        )
    uniq, inv = np.unique(lab, return_inverse=True)
    return uniq, inv.ravel()


def _fold_mean(
    x: np.ndarray, cond: np.ndarray, rows: np.ndarray, k: int, fold: int
) -> np.ndarray:
    """Mean pattern per condition over ``rows`` (one fold): shape (K, P)."""
    c = cond[rows]
    counts = np.bincount(c, minlength=k)
    if np.any(counts == 0):
        raise ValidationError(
            "crossnobis needs every condition in every fold; condition index "
            f"{int(np.flatnonzero(counts == 0)[0])} is missing from fold index {fold}"
        )
    order = rows[np.argsort(c, kind="stable")]
    if np.all(counts == 1):  # one observation per condition
        if np.all(np.diff(order) == 1):  # rows already in place: a view, no copy
            return x[order[0] : order[-1] + 1]
        return x[order]
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return np.add.reduceat(x[order], starts, axis=0) / counts[:, None]


def _check_finite(x: np.ndarray, name: str) -> None:
    """Name the channels holding NaN or inf (column sums first: one fast pass)."""
    if np.isfinite(x.sum(axis=0)).all():
        return
    bad = ~np.isfinite(x)
    if bad.any():  # the sums may also overflow on finite data
        cols = np.flatnonzero(bad.any(axis=0))
        raise ValidationError(
            f"{name} has NaN or infinite values in {cols.size} channel(s) "
            f"(first: {cols[:5].tolist()}); drop or impute those channels first"
        )


class _Precision:
    """Noise precision ``Λ`` applied as a bilinear form without forming P x P."""

    def __init__(self, noise: Any, residuals: Any, p: int, dof: int | None) -> None:
        self.kind = "eye"
        if isinstance(noise, str):
            check_option(noise, ("shrinkage", "diag"), "noise")
            if residuals is None:
                raise ValidationError(
                    f"noise={noise!r} estimates the noise from residuals; pass "
                    "residuals of shape (n_residuals, n_channels)"
                )
            r = check_array(_host(residuals), "residuals", ndim=2)
            r = np.asarray(r, dtype=np.float64)
            if r.shape[1] != p:
                raise ValidationError(
                    f"residuals must have {p} channels like the data, got {r.shape[1]}"
                )
            if r.shape[0] < 2:
                raise ValidationError(
                    f"residuals needs at least 2 rows, got {r.shape[0]}"
                )
            r = r - r.mean(axis=0)
            n = r.shape[0]
            dof = n - 1 if dof is None else int(dof)
            if noise == "diag":
                var = (r * r).sum(axis=0) / dof
                if np.any(var <= 0):
                    raise ValidationError("residuals have a constant channel")
                self.kind, self.diag = "diag", 1.0 / var
            else:
                self._woodbury(r, n, dof, p)
        elif noise is not None:
            lam = check_array(_host(noise), "noise", ndim=(1, 2))
            lam = np.asarray(lam, dtype=np.float64)
            if lam.shape[0] != p or (lam.ndim == 2 and lam.shape != (p, p)):
                raise ValidationError(
                    f"noise precision must have shape ({p},) or ({p}, {p}), got "
                    f"{lam.shape}"
                )
            if lam.ndim == 1:
                self.kind, self.diag = "diag", lam
            else:
                self.kind, self.full = "full", lam

    def _woodbury(self, r: np.ndarray, n: int, dof: int, p: int) -> None:
        # Ledoit-Wolf towards m I from the n x n Gram of the residuals only.
        g = r @ r.T
        s_fro2 = float((g * g).sum()) / n**2
        m = float(np.trace(g)) / (n * p)
        d2 = s_fro2 - p * m * m
        b2 = (float((np.diag(g) ** 2).sum()) / n - s_fro2) / n
        b2 = min(d2, b2)
        shrink = b2 / d2 if d2 > 0 else 1.0
        c = n / dof
        self.a = shrink * m  # covariance = c (a I + (b / n) R^T R)
        self.b = 1.0 - shrink
        if self.a <= 0:
            raise ValidationError("residuals are all zero; no noise to normalise by")
        self.c = c
        self.r = r
        inner = self.a * np.eye(n) + (self.b / n) * g
        self.inner_inv = np.linalg.inv(inner)
        self.n = n
        self.kind = "woodbury"

    def kernel(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Return ``a Λ b^T`` for a, b of shape (K, P)."""
        if self.kind == "eye":
            return a @ b.T
        if self.kind == "diag":
            return (a * self.diag) @ b.T
        if self.kind == "full":
            return a @ self.full @ b.T
        ar = a @ self.r.T
        br = b @ self.r.T
        corr = (self.b / self.n) * (ar @ self.inner_inv @ br.T)
        return (a @ b.T - corr) / (self.c * self.a)


def crossnobis_rdm(
    data: Any,
    conditions: Any,
    folds: Any,
    noise: Any = None,
    residuals: Any = None,
    dof: int | None = None,
) -> np.ndarray:
    """Cross-validated squared Mahalanobis ("crossnobis") distances.

    Parameters
    ----------
    data : array-like of shape (n_observations, n_channels)
        Single-trial or per-run patterns.
    conditions : array-like of shape (n_observations,)
        Condition label of each row; RDM rows follow the sorted unique labels.
    folds : array-like of shape (n_observations,)
        Cross-validation fold (e.g. run) of each row; at least 2 folds, every
        condition in every fold.
    noise : None | "shrinkage" | "diag" | array-like
        Noise precision ``Λ``: ``None`` is the identity (cross-validated
        euclidean); ``"shrinkage"`` and ``"diag"`` estimate it from ``residuals``
        (Ledoit-Wolf shrinkage to a multiple of the identity, or channel variances,
        as rsatoolbox's ``prec_from_residuals`` with ``"shrinkage_eye"`` /
        ``"diag"``) without forming a channels x channels matrix; an array of shape
        (n_channels,) is a diagonal precision and (n_channels, n_channels) a full one.
    residuals : array-like of shape (n_residuals, n_channels) | None
        Residuals of the first-level model, for ``noise="shrinkage"`` / ``"diag"``.
    dof : int | None
        Degrees of freedom of the residuals (default ``n_residuals - 1``).

    Returns
    -------
    rdm : ndarray of shape (n_conditions * (n_conditions - 1) // 2,)
        Unbiased distance estimates (can be negative when conditions do not differ).
    """
    x = check_array(_host(data), "data", ndim=2, finite=False)
    x = np.asarray(x, dtype=np.float64)
    _check_finite(x, "data")
    n, p = x.shape
    cond_names, cond = _labels(conditions, "conditions", n)
    fold_names, fold = _labels(folds, "folds", n)
    k, f = cond_names.size, fold_names.size
    if k < 3:
        raise ValidationError(f"crossnobis needs at least 3 conditions, got {k}")
    if f < 2:
        raise ValidationError(f"crossnobis needs at least 2 folds, got {f}")
    prec = _Precision(noise, residuals, p, dof)
    total = np.zeros((k, p))
    kern = np.zeros((k, k))
    for i in range(f):  # one fold mean in memory at a time
        m = _fold_mean(x, cond, np.flatnonzero(fold == i), k, i)
        kern -= prec.kernel(m, m)
        total += m
    kern += prec.kernel(total, total)
    kern /= f * (f - 1)
    diag = np.diag(kern)
    iu = np.triu_indices(k, 1)
    d = diag[:, None] + diag[None, :] - kern - kern.T
    return d[iu] / p
