"""Shared response model (Chen et al. 2015), deterministic and probabilistic.

Each subject's data ``X_i`` (n_samples x v_i, centred over samples) is modelled as
``X_i ≈ S W_i^T`` with a shared response ``S`` (n_samples x k) and an orthonormal
basis ``W_i`` (v_i x k, ``W_i^T W_i = I``).

- **Deterministic** (``method="deterministic"``): alternate ``W_i = U V^T`` from the
  SVD of ``X_i^T S`` (Procrustes) and ``S = mean_i X_i W_i``, which decreases
  ``Σ_i ||X_i - S W_i^T||_F^2`` at every step (fmralign's ``DetSRM`` template).
- **Probabilistic** (``method="probabilistic"``): ``x_i = W_i s + ε_i`` with
  ``s ~ N(0, Σ_s)`` and ``ε_i ~ N(0, ρ_i^2 I)``, fitted by EM as in brainiak's
  ``SRM``: with ``ρ_0 = Σ_i 1/ρ_i^2`` and ``A = Σ_s^{-1} + ρ_0 I``, the E-step gives
  ``E[s] = Σ_s (I - ρ_0 A^{-1}) Σ_i W_i^T x_i / ρ_i^2`` and
  ``Σ_s <- A^{-1} + E[s] E[s]^T / n``; the M-step sets ``W_i`` by Procrustes on
  ``X_i^T E[S]`` and ``ρ_i^2 = (||X_i||^2 - 2 tr(W_i^T X_i^T E[S]) + n tr Σ_s)
  / (n v_i)``.

New data of a subject maps into the shared space as ``X_i W_i``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy import linalg  # numpy's LAPACK: the same BLAS as the products around it

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option
from cogattn.encoders._alignment_checks import check_matrix, check_subjects

__all__ = ["SRM"]


def _orthonormal_map(a: np.ndarray) -> np.ndarray:
    """Procrustes solution ``U V^T`` of ``a`` (v x k)."""
    u, _, vt = linalg.svd(a, full_matrices=False)
    return u @ vt


class SRM:
    """Shared response model across subjects watching the same stimulus.

    Parameters
    ----------
    n_components : int
        Dimension ``k`` of the shared space (at most every subject's features).
    method : {"deterministic", "probabilistic"}
        Alternating least squares or EM on the probabilistic model.
    n_iter : int
        Iterations.
    init : array-like of shape (n_samples, n_components) | None
        Initial shared response for the deterministic model (default: Gaussian
        draws from ``random_state``). The probabilistic model starts from random
        orthonormal bases, as brainiak does.
    random_state : int | numpy.random.Generator | None
        Random state of the initialisation.

    Attributes
    ----------
    w_ : list of ndarray of shape (n_features_i, n_components)
        Orthonormal bases.
    s_ : ndarray of shape (n_samples, n_components)
        Shared response of the training data.
    mu_ : list of ndarray of shape (n_features_i,)
        Per-subject means removed before fitting.
    rho2_ : ndarray of shape (n_subjects,)
        Noise variances (probabilistic model only).
    sigma_s_ : ndarray of shape (n_components, n_components)
        Shared-response covariance (probabilistic model only).
    objective_ : list of float
        Deterministic: the reconstruction error after each iteration.
    """

    def __init__(
        self,
        n_components: int = 10,
        method: str = "deterministic",
        n_iter: int = 10,
        init: Any = None,
        random_state: Any = None,
    ) -> None:
        self.n_components = n_components
        self.method = method
        self.n_iter = n_iter
        self.init = init
        self.random_state = random_state

    def fit(self, subjects: Sequence[Any]) -> SRM:
        """Fit the bases and the shared response.

        Parameters
        ----------
        subjects : list of array-like of shape (n_samples, n_features_i)
            Same samples, same order, for every subject.
        """
        xs = check_subjects(subjects)
        method = check_option(self.method, ("deterministic", "probabilistic"), "method")
        k = check_int(self.n_components, "n_components", low=1)
        n_iter = check_int(self.n_iter, "n_iter", low=1)
        n = xs[0].shape[0]
        narrow = min(x.shape[1] for x in xs)
        if k > min(narrow, n):
            raise ValidationError(
                f"n_components={k} exceeds the smallest subject's {narrow} features "
                f"or the {n} samples"
            )
        self.mu_ = [x.mean(axis=0) for x in xs]
        xs = [x - m for x, m in zip(xs, self.mu_, strict=True)]
        rng = check_random_state(self.random_state)
        if method == "deterministic":
            self._fit_det(xs, k, n_iter, rng)
        else:
            self._fit_prob(xs, k, n_iter, rng)
        return self

    def _fit_det(self, xs, k, n_iter, rng) -> None:
        n = xs[0].shape[0]
        if self.init is None:
            s = rng.standard_normal((n, k))
        else:
            s = check_matrix(self.init, "init")
            if s.shape != (n, k):
                raise ValidationError(f"init must have shape ({n}, {k}), got {s.shape}")
        self.objective_ = []
        sq = sum(float((x * x).sum()) for x in xs)
        for _ in range(n_iter):
            ws = [_orthonormal_map(x.T @ s) for x in xs]
            proj = [x @ w for x, w in zip(xs, ws, strict=True)]
            s = np.mean(proj, axis=0)
            # ||X - S W^T||^2 = ||X||^2 - 2 <X W, S> + ||S||^2 (W^T W = I)
            cross = sum(float((pr * s).sum()) for pr in proj)
            self.objective_.append(sq - 2.0 * cross + len(xs) * float((s * s).sum()))
        self.w_, self.s_ = ws, s

    def _fit_prob(self, xs, k, n_iter, rng) -> None:
        n = xs[0].shape[0]
        m = len(xs)
        ws = [_orthonormal_map(rng.random((x.shape[1], k))) for x in xs]
        rho2 = np.ones(m)
        sigma_s = np.eye(k)
        trace_xtx = np.array([(x * x).sum() for x in xs])
        for _ in range(n_iter):
            rho0 = (1.0 / rho2).sum()
            inv_sigma_s = linalg.inv(sigma_s)
            inv_a = linalg.inv(inv_sigma_s + rho0 * np.eye(k))
            wt_x = sum(
                (w.T @ x.T) / r for w, x, r in zip(ws, xs, rho2, strict=True)
            )  # k x n
            s_t = sigma_s @ (np.eye(k) - rho0 * inv_a) @ wt_x
            sigma_s = inv_a + s_t @ s_t.T / n
            tr_sigma = np.trace(sigma_s)
            for i, x in enumerate(xs):
                a_i = x.T @ s_t.T
                ws[i] = _orthonormal_map(a_i)
                rho2[i] = (trace_xtx[i] - 2.0 * (ws[i] * a_i).sum() + n * tr_sigma) / (
                    n * x.shape[1]
                )
        self.w_, self.s_ = ws, s_t.T
        self.rho2_, self.sigma_s_ = rho2, sigma_s

    def transform(self, subjects: Sequence[Any]) -> list[np.ndarray]:
        """Project each subject's data into the shared space: ``(X_i - mu_i) W_i``.

        Parameters
        ----------
        subjects : list of array-like of shape (n_samples_new, n_features_i)
            One entry per fitted subject; ``None`` skips a subject.

        Returns
        -------
        shared : list of ndarray of shape (n_samples_new, n_components)
        """
        if not hasattr(self, "w_"):
            raise ValidationError("this SRM is not fitted yet; call fit first")
        if len(subjects) != len(self.w_):
            raise ValidationError(
                f"expected data for {len(self.w_)} subjects, got {len(subjects)}"
            )
        out = []
        for i, (x, w, mu) in enumerate(zip(subjects, self.w_, self.mu_, strict=True)):
            if x is None:
                out.append(None)
                continue
            a = check_matrix(x, f"subjects[{i}]", min_rows=1)
            if a.shape[1] != w.shape[0]:
                raise ValidationError(
                    f"subjects[{i}] has {a.shape[1]} features; it was fitted with "
                    f"{w.shape[0]}"
                )
            out.append((a - mu) @ w)
        return out

    def add_subject(self, data: Any) -> np.ndarray:
        """Basis of a new subject against the fixed shared response.

        Parameters
        ----------
        data : array-like of shape (n_samples, n_features_new)
            The new subject's responses to the training samples.

        Returns
        -------
        w : ndarray of shape (n_features_new, n_components)
            Appended to ``w_`` (and its mean to ``mu_``).
        """
        if not hasattr(self, "w_"):
            raise ValidationError("this SRM is not fitted yet; call fit first")
        x = check_matrix(data, "data")
        if x.shape[0] != self.s_.shape[0]:
            raise ValidationError(
                f"data must have the training {self.s_.shape[0]} samples, got "
                f"{x.shape[0]}"
            )
        mu = x.mean(axis=0)
        w = _orthonormal_map((x - mu).T @ self.s_)
        self.w_.append(w)
        self.mu_.append(mu)
        return w
