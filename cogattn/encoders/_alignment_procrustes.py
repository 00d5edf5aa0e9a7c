"""Procrustes alignment and hyperalignment to an iterative template.

Orthogonal Procrustes: the orthogonal ``R`` minimising ``||s X R - Y||_F`` is
``R = U V^T`` from the SVD ``X^T Y = U Σ V^T`` (Schönemann 1966); with scaling,
``s = tr(Σ) / ||X||_F^2``. For ``X`` (n x p) and ``Y`` (n x q) with ``p != q``,
``R`` is p x q with orthonormal rows or columns. When ``n < p`` the SVD is taken
in the sample space (``X = U_x S_x V_x^T``, ``Y = U_y S_y V_y^T``,
``R = V_x svd(S_x U_x^T U_y S_y) V_y^T``), which costs ``O(n^2 (p + q))``; the
map is then unique only on the data's row space and ``R`` is a partial isometry
(zero outside it), as in fmralign. (Centred data lose one more dimension: the
singular vector of its zero singular value is arbitrary, so two correct solvers can
map new data differently along it while agreeing on the training data.)

Hyperalignment (Haxby et al. 2011) as in fmralign's template alignment: the
template starts as the subjects' mean, then for ``n_iter`` rounds every subject is
aligned to the template by Procrustes and the template becomes the mean of the
aligned data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy import linalg  # numpy's LAPACK: the same BLAS as the products around it

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int
from cogattn.encoders._alignment_checks import check_matrix, check_subjects

__all__ = ["Hyperalignment", "Procrustes", "procrustes"]


def procrustes(
    source: Any, target: Any, scaling: bool = False
) -> tuple[np.ndarray, float]:
    """Orthogonal (optionally scaled) map from ``source`` to ``target``.

    Parameters
    ----------
    source : array-like of shape (n_samples, n_features_source)
    target : array-like of shape (n_samples, n_features_target)
        The same samples (time points, stimuli) in the same order.
    scaling : bool
        Also fit the isotropic scale ``s``.

    Returns
    -------
    R : ndarray of shape (n_features_source, n_features_target)
        Minimiser of ``||s source R - target||_F`` over (semi-)orthogonal ``R``.
    scale : float
        ``s`` (1.0 without scaling).
    """
    x = check_matrix(source, "source")
    y = check_matrix(target, "target")
    if x.shape[0] != y.shape[0]:
        raise ValidationError(
            f"source and target must have the same number of samples, got "
            f"{x.shape[0]} and {y.shape[0]}"
        )
    return _procrustes(x, y, scaling)


def _procrustes(
    x: np.ndarray, y: np.ndarray, scaling: bool
) -> tuple[np.ndarray, float]:
    parts, scale, _ = _procrustes_parts(x, y, scaling, mapped=False)
    return _build(parts), scale


def _build(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    vx, m, vyt = parts
    return vx @ m @ vyt


def _procrustes_parts(
    x: np.ndarray,
    y: np.ndarray,
    scaling: bool,
    svd_x: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    mapped: bool = True,
) -> tuple[tuple[np.ndarray, ...], float, np.ndarray | None]:
    """Procrustes map in factored form, its scale and the mapped data ``s x R``.

    In the sample-space case ``R = V_x M V_y^T`` is kept as its three factors, so
    the mapped data ``U_x S_x M V_y^T`` cost no p x q product (``svd_x`` may be
    passed to reuse the SVD of a fixed ``x`` across template updates).
    """
    n, p = x.shape
    if n >= min(p, y.shape[1]):
        u, s, vt = linalg.svd(x.T @ y, full_matrices=False)
        parts: tuple[np.ndarray, ...] = (u @ vt,)
        out = x @ parts[0] if mapped else None
    else:
        ux, sx, vxt = svd_x if svd_x is not None else linalg.svd(x, full_matrices=False)
        uy, sy, vyt = linalg.svd(y, full_matrices=False)
        u, s, vt = linalg.svd((sx[:, None] * (ux.T @ uy)) * sy[None, :])
        m = u @ vt
        parts = (vxt.T, m, vyt)
        out = ((ux * sx) @ m) @ vyt if mapped else None
    scale = 1.0
    if scaling:
        nx = float((x * x).sum())
        scale = float(s.sum() / nx) if nx > 0 else 1.0
    return parts, scale, None if out is None else scale * out


class Procrustes:
    """Orthogonal (optionally scaled) Procrustes alignment, scikit-learn style.

    Parameters
    ----------
    scaling : bool
        Fit an isotropic scale as well.

    Attributes
    ----------
    R_ : ndarray of shape (n_features_source, n_features_target)
    scale_ : float
    """

    def __init__(self, scaling: bool = False) -> None:
        self.scaling = scaling

    def fit(self, X: Any, Y: Any) -> Procrustes:
        """Fit the map from ``X`` (source) to ``Y`` (target)."""
        self.R_, self.scale_ = procrustes(X, Y, self.scaling)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Map source data into the target space: ``scale X R``."""
        if not hasattr(self, "R_"):
            raise ValidationError("this Procrustes is not fitted yet; call fit first")
        x = check_matrix(X, "X", min_rows=1)
        if x.shape[1] != self.R_.shape[0]:
            raise ValidationError(
                f"X has {x.shape[1]} features; the fitted map expects "
                f"{self.R_.shape[0]}"
            )
        return self.scale_ * (x @ self.R_)


class Hyperalignment:
    """Procrustes hyperalignment of several subjects to an iterative template.

    Parameters
    ----------
    n_iter : int
        Template updates after the initial mean (fmralign's ``n_iter``).
    scaling : bool
        Scaled Procrustes.
    reference : int | None
        Subject whose feature space is the template's when subjects have different
        numbers of features (default: all subjects share the feature count).

    Attributes
    ----------
    template_ : ndarray of shape (n_samples, n_features)
    transforms_ : list of Procrustes
        One fitted map per subject, into the template space.
    """

    def __init__(
        self, n_iter: int = 2, scaling: bool = False, reference: int | None = None
    ) -> None:
        self.n_iter = n_iter
        self.scaling = scaling
        self.reference = reference

    def fit(self, subjects: Sequence[Any]) -> Hyperalignment:
        """Fit the template and the per-subject maps.

        Parameters
        ----------
        subjects : list of array-like of shape (n_samples, n_features_i)
            The same samples in the same order for every subject.
        """
        xs = check_subjects(subjects)
        n_iter = check_int(self.n_iter, "n_iter", low=0)
        widths = {x.shape[1] for x in xs}
        if self.reference is None:
            if len(widths) > 1:
                raise ValidationError(
                    "subjects have different numbers of features "
                    f"{[x.shape[1] for x in xs]}; pass reference=<subject index> to "
                    "align them into one subject's space"
                )
            template = np.mean(xs, axis=0)
        else:
            ref = check_int(self.reference, "reference", low=0, high=len(xs) - 1)
            template = xs[ref].copy()
        svds = [
            linalg.svd(x, full_matrices=False) if x.shape[0] < x.shape[1] else None
            for x in xs
        ]
        maps = [
            _procrustes_parts(x, template, self.scaling, sv)
            for x, sv in zip(xs, svds, strict=True)
        ]
        for _ in range(n_iter):
            template = np.mean([mapped for _, _, mapped in maps], axis=0)
            maps = [
                _procrustes_parts(x, template, self.scaling, sv)
                for x, sv in zip(xs, svds, strict=True)
            ]
        self.template_ = template
        self.transforms_ = []
        for parts, scale, _ in maps:
            est = Procrustes(self.scaling)
            est.R_, est.scale_ = _build(parts), scale
            self.transforms_.append(est)
        return self

    def transform(self, subjects: Sequence[Any]) -> list[np.ndarray]:
        """Map each subject's (new) data into the template space."""
        if not hasattr(self, "transforms_"):
            raise ValidationError("this Hyperalignment is not fitted yet; call fit")
        if len(subjects) != len(self.transforms_):
            raise ValidationError(
                f"expected data for {len(self.transforms_)} subjects, got "
                f"{len(subjects)}"
            )
        return [t.transform(x) for t, x in zip(self.transforms_, subjects, strict=True)]

    def add_subject(self, data: Any) -> Procrustes:
        """Fit a new subject's map to the fixed template (same samples as fit)."""
        if not hasattr(self, "template_"):
            raise ValidationError("this Hyperalignment is not fitted yet; call fit")
        x = check_matrix(data, "data")
        if x.shape[0] != self.template_.shape[0]:
            raise ValidationError(
                f"data must have the template's {self.template_.shape[0]} samples, "
                f"got {x.shape[0]}"
            )
        return Procrustes(self.scaling).fit(x, self.template_)
