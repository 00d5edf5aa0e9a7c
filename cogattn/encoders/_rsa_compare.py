"""Comparing RDMs: rank and linear correlations, cosines, whitened cosines.

All comparisons take stacks of condensed RDMs and return every pairing at once
(shape ``(n_a, n_b)``), following rsatoolbox's ``rdm.compare`` methods:

- ``"cosine"``: ``a·b / (|a| |b|)``;
- ``"corr"``: Pearson correlation of the two vectors;
- ``"spearman"``: Pearson correlation of the ranks (average ranks for ties);
- ``"rho-a"``: ``12 Σ r_a r_b / (n^3 - n)`` of centred ranks (Spearman with ties
  broken at random, in expectation);
- ``"tau-a"``: Kendall's tau-a, ``(concordant - discordant) / (n (n - 1) / 2)``,
  which does not reward models that predict ties (Nili et al. 2014). It is computed
  from scipy's O(n log n) tau-b and the tie counts,
  ``τ_a = τ_b sqrt((n0 - n1)(n0 - n2)) / n0``;
- ``"cosine_cov"`` / ``"corr_cov"``: whitened cosine / correlation (Diedrichsen et
  al. 2021). With independent pattern noise the covariance of the distance
  estimates is ``V ∝ (C C^T)∘(C C^T)`` for the pair contrasts ``C``; the whitened
  cosine ``a^T V^{-1} b / sqrt(a^T V^{-1} a b^T V^{-1} b)`` equals the Frobenius
  cosine of the double-centred second moments ``G = -H D H / 2``, which is what
  is computed (``"corr_cov"`` first removes each vector's mean).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_option
from cogattn.encoders._rsa_rdm import _host, n_conditions_from_rdm, rdm_to_matrix

__all__ = ["COMPARE_METHODS", "compare_rdms", "whitened_rdm_vectors"]

COMPARE_METHODS = (
    "cosine",
    "corr",
    "spearman",
    "rho-a",
    "tau-a",
    "cosine_cov",
    "corr_cov",
)


def _stack(x: Any, name: str) -> np.ndarray:
    v = check_array(_host(x), name, ndim=(1, 2))
    v = np.atleast_2d(np.asarray(v, dtype=np.float64))
    k = n_conditions_from_rdm(v.shape[1])
    if k < 3:
        raise ValidationError(
            f"{name} has {k} conditions; comparing RDMs needs at least 3 conditions"
        )
    return v


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    na = np.sqrt(np.einsum("ij,ij->i", a, a))
    nb = np.sqrt(np.einsum("ij,ij->i", b, b))
    num = a @ b.T
    den = np.outer(na, nb)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def _centre(v: np.ndarray) -> np.ndarray:
    return v - v.mean(axis=1, keepdims=True)


def _ranks(v: np.ndarray) -> np.ndarray:
    return stats.rankdata(v, axis=1)


def whitened_rdm_vectors(rdms: Any) -> np.ndarray:
    """Flattened double-centred second moments ``G = -H D H / 2`` of RDMs.

    The Frobenius inner product of two such vectors is the whitened inner product
    ``a^T V^{-1} b`` of the RDM vectors up to a common factor (independent, equal
    pattern noise), so cosines between them are whitened cosines.

    Parameters
    ----------
    rdms : array-like of shape (n_rdms, n_pairs)

    Returns
    -------
    g : ndarray of shape (n_rdms, n_conditions ** 2)
    """
    v = _stack(rdms, "rdms")
    d = rdm_to_matrix(v)
    g = -0.5 * d
    g = g - g.mean(axis=1, keepdims=True)
    g = g - g.mean(axis=2, keepdims=True)
    return g.reshape(g.shape[0], -1)


def _tau_a(x: np.ndarray, y: np.ndarray) -> float:
    n = x.size
    n0 = n * (n - 1) / 2.0
    tau_b = stats.kendalltau(x, y).statistic

    def ties(v: np.ndarray) -> float:
        _, c = np.unique(v, return_counts=True)
        return float((c * (c - 1) / 2.0).sum())

    n1, n2 = ties(x), ties(y)
    if not np.isfinite(tau_b):  # a constant vector: no concordant or discordant pair
        return 0.0
    return float(np.clip(tau_b * np.sqrt((n0 - n1) * (n0 - n2)) / n0, -1.0, 1.0))


def compare_rdms(rdms_a: Any, rdms_b: Any, method: str = "cosine") -> np.ndarray:
    """Similarity of every RDM in ``rdms_a`` with every RDM in ``rdms_b``.

    Parameters
    ----------
    rdms_a : array-like of shape (n_a, n_pairs) or (n_pairs,)
        Condensed RDMs (e.g. models).
    rdms_b : array-like of shape (n_b, n_pairs) or (n_pairs,)
        Condensed RDMs over the same conditions (e.g. subjects).
    method : {"cosine", "corr", "spearman", "rho-a", "tau-a", "cosine_cov", "corr_cov"}
        See the module docstring; names follow rsatoolbox.

    Returns
    -------
    similarity : ndarray of shape (n_a, n_b)
    """
    method = check_option(method, COMPARE_METHODS, "method")
    a, b = _stack(rdms_a, "rdms_a"), _stack(rdms_b, "rdms_b")
    if a.shape[1] != b.shape[1]:
        raise ValidationError(
            f"rdms_a and rdms_b must describe the same conditions, got "
            f"{n_conditions_from_rdm(a.shape[1])} and "
            f"{n_conditions_from_rdm(b.shape[1])} conditions"
        )
    if method == "cosine":
        return _cosine(a, b)
    if method == "corr":
        return _cosine(_centre(a), _centre(b))
    if method == "spearman":
        return _cosine(_centre(_ranks(a)), _centre(_ranks(b)))
    if method == "rho-a":
        n = a.shape[1]
        return 12.0 * (_centre(_ranks(a)) @ _centre(_ranks(b)).T) / (n**3 - n)
    if method == "tau-a":
        out = np.empty((a.shape[0], b.shape[0]))
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                out[i, j] = _tau_a(x, y)
        return out
    if method == "corr_cov":
        a, b = _centre(a), _centre(b)
    return _cosine(whitened_rdm_vectors(a), whitened_rdm_vectors(b))
