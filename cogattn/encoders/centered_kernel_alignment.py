"""Centered kernel alignment (CKA) between two representations of the same stimuli.

For representations ``X`` (n x p) and ``Y`` (n x q) of ``n`` stimuli with kernels
``K`` and ``L`` (n x n), ``CKA = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L))``
(Kornblith et al. 2019).

- Biased HSIC: ``tr(K H L H) / (n - 1)^2`` with the centring matrix ``H``.
  For the linear kernel it is ``||Y_c^T X_c||_F^2`` and is computed in feature
  space or with the n x n Grams, whichever is smaller.
- Debiased (unbiased) HSIC (Song et al. 2012): with the diagonals of ``K`` and
  ``L`` set to zero (``K~``, ``L~``),
  ``[tr(K~ L~) + 1^T K~ 1 1^T L~ 1 / ((n - 1)(n - 2)) - 2 1^T K~ L~ 1 / (n - 2)]
  / (n (n - 3))``; it removes the positive bias of CKA between unrelated
  high-dimensional representations (n >= 4).
- RBF kernel ``exp(-||x_i - x_j||^2 / (2 σ^2))`` with ``σ = threshold *
  sqrt(median squared distance)`` unless ``sigma`` is given.

CKA is invariant to orthogonal transforms and isotropic scaling of either input
(linear kernel; the RBF kernel with the median bandwidth is too), and CKA(X, X) = 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import (
    check_array,
    check_option,
    check_positive,
    is_tensor,
)

__all__ = ["cka", "gram_linear", "gram_rbf", "hsic"]


def _host(x: Any) -> Any:
    return x.detach().cpu().numpy() if is_tensor(x) else x


def _check_rep(x: Any, name: str) -> np.ndarray:
    a = check_array(_host(x), name, ndim=2, finite=False)
    a = np.asarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        cols = np.flatnonzero((~np.isfinite(a)).any(axis=0))
        raise ValidationError(
            f"{name} has NaN or infinite values in {cols.size} unit(s)/channel(s) "
            f"(first: {cols[:5].tolist()})"
        )
    return a


def gram_linear(x: Any) -> np.ndarray:
    """Linear kernel ``X X^T`` of shape (n, n)."""
    a = _check_rep(x, "x")
    return a @ a.T


def gram_rbf(x: Any, sigma: float | None = None, threshold: float = 1.0) -> np.ndarray:
    """RBF kernel of shape (n, n).

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
    sigma : float | None
        Bandwidth; default ``threshold * sqrt(median squared distance)``.
    threshold : float
        Multiple of the median distance when ``sigma`` is None.
    """
    a = _check_rep(x, "x")
    sq = np.einsum("ij,ij->i", a, a)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (a @ a.T), 0.0)
    if sigma is None:
        threshold = check_positive(threshold, "threshold")
        med = np.median(d2)
        if med <= 0:
            raise ValidationError(
                "the median squared distance is 0 (most samples identical); pass sigma"
            )
        s2 = threshold**2 * med
    else:
        s2 = check_positive(sigma, "sigma") ** 2
    return np.exp(-d2 / (2.0 * s2))


def _centre_gram(g: np.ndarray) -> np.ndarray:
    g = g - g.mean(axis=0, keepdims=True)
    return g - g.mean(axis=1, keepdims=True)


def hsic(k: Any, l_mat: Any, debiased: bool = False) -> float:
    """Hilbert-Schmidt independence criterion of two n x n kernel matrices.

    Parameters
    ----------
    k, l_mat : array-like of shape (n, n)
        Symmetric kernel matrices over the same samples.
    debiased : bool
        Unbiased estimator of Song et al. (2012) (needs n >= 4); otherwise the
        biased ``tr(K H L H) / (n - 1)^2``.

    Returns
    -------
    hsic : float
    """
    a = check_array(_host(k), "k", ndim=2)
    b = check_array(_host(l_mat), "l_mat", ndim=2)
    n = a.shape[0]
    if a.shape != (n, n) or b.shape != (n, n):
        raise ValidationError(
            f"kernels must be square and of the same size, got {a.shape} and {b.shape}"
        )
    if not debiased:
        return float((_centre_gram(a) * b).sum() / (n - 1) ** 2)
    if n < 4:
        raise ValidationError(f"debiased HSIC needs at least 4 samples, got {n}")
    a = a.copy()
    b = b.copy()
    np.fill_diagonal(a, 0.0)
    np.fill_diagonal(b, 0.0)
    sa, sb = a.sum(axis=0), b.sum(axis=0)
    val = (
        (a * b).sum()
        + sa.sum() * sb.sum() / ((n - 1) * (n - 2))
        - 2.0 * (sa @ sb) / (n - 2)
    )
    return float(val / (n * (n - 3)))


def cka(
    x: Any,
    y: Any,
    kernel: str = "linear",
    debiased: bool = False,
    sigma: float | None = None,
    threshold: float = 1.0,
) -> float:
    """Centered kernel alignment between two representations of the same samples.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features_x)
    y : array-like of shape (n_samples, n_features_y)
        Rows are the same stimuli (conditions, time points) in both.
    kernel : {"linear", "rbf"}
        Kernel applied to each representation.
    debiased : bool
        Use the unbiased HSIC estimator (n_samples >= 4).
    sigma : float | None
        RBF bandwidth for both inputs (default: median heuristic per input).
    threshold : float
        Multiple of the median distance for the RBF bandwidth.

    Returns
    -------
    cka : float
        In ``[0, 1]`` for the biased estimator (the debiased one can be slightly
        negative); 0 when either representation is constant.
    """
    kernel = check_option(kernel, ("linear", "rbf"), "kernel")
    a, b = _check_rep(x, "x"), _check_rep(y, "y")
    if a.shape[0] != b.shape[0]:
        raise ValidationError(
            f"x and y must have the same number of samples (rows), got {a.shape[0]} "
            f"and {b.shape[0]}"
        )
    n = a.shape[0]
    if n < (4 if debiased else 2):
        raise ValidationError(
            f"cka needs at least {4 if debiased else 2} samples, got {n}"
        )
    if kernel == "linear" and not debiased and max(a.shape[1], b.shape[1]) < n:
        ac, bc = a - a.mean(axis=0), b - b.mean(axis=0)
        xy = np.linalg.norm(bc.T @ ac) ** 2
        xx = np.linalg.norm(ac.T @ ac)
        yy = np.linalg.norm(bc.T @ bc)
        den = xx * yy
        return float(xy / den) if den > 0 else 0.0
    if kernel == "linear":
        ka, kb = a @ a.T, b @ b.T
    else:
        ka = gram_rbf(a, sigma, threshold)
        kb = gram_rbf(b, sigma, threshold)
    xy = hsic(ka, kb, debiased)
    xx = hsic(ka, ka, debiased)
    yy = hsic(kb, kb, debiased)
    den = np.sqrt(max(xx, 0.0) * max(yy, 0.0))
    return float(xy / den) if den > 0 else 0.0
