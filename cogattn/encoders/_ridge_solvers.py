"""Ridge solvers built on sufficient statistics and shared eigenbases.

Notation: ``F`` (n_samples, q) are the features the solver works with. In the primal
form ``F`` is the (centred) design ``X`` and q = n_features. In the kernel form
(n_features > n_samples) ``F = U sqrt(lam)`` from the eigendecomposition of the linear
kernel ``K = X X^T = U lam U^T``: ``F F^T = K``, q <= n_samples, and a ridge
solution ``g`` for ``F`` maps back to ``X`` through ``b = W g`` with
``W = X^T U / sqrt(lam)``. Either way ``F`` is then rotated (in float64) into the
eigenbasis ``V`` of its Gram, ``F <- F V`` and ``W <- W V`` (``W = V`` in the primal
form), so ``F^T F = diag(s)`` and each column keeps its own scale when cast to
float32. Every ridge fit on a subset of samples lives in that basis, so both forms
give the same coefficients.

Cross-validation never forms predictions sample by sample. For a test fold ``f``
and its training set ``S`` (centred with the training means ``mx``, ``my``):

- ``G_S = F_S^T F_S - n_S mx mx^T = V diag(s) V^T`` (float64 eigendecomposition),
  ``B = V^T (F_S^T Y_S - n_S mx my^T)``: training statistics in the eigenbasis;
  ``F_S^T Y_S = F^T Y - F_f^T Y_f`` when ``S`` is the complement of ``f``.
- predictions ``Yhat = A diag(d) B + my`` with ``A = (F_f - mx) V`` and
  ``d_k = 1 / (s_k + alpha)``;
- every per-target score follows from three quantities per alpha,
  ``L = sum_k P_k d_k B_k`` (``P = A^T (Y_f - mean Y_f)``), ``m = sum_k a_k d_k B_k``
  (``a = A^T 1``) and ``Q = ||A diag(d) B||^2``. ``L`` and ``m`` for all alphas are
  one matrix product each. ``Q`` is split by partial fractions
  (:func:`_quadratic_parts`) into one float64 product ``N B`` shared by every
  alpha plus direct terms for clusters of (near-)equal eigenvalues, so no product
  of size ``q x n_batch`` is formed per alpha.
- when the test folds partition the samples, ``F^T Y`` is the sum of the test
  folds' products ``F_f^T Y_f``, which are needed anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from cogattn.encoders._ridge_checks import check_finite_sums
from cogattn.encoders._ridge_linalg import column_sumsq, eigh_small
from cogattn.encoders._ridge_quadratic import (
    cluster_rtol,
    quadratic_form,
    quadratic_parts,
)

__all__ = [
    "Design",
    "FoldStats",
    "batch_statistics",
    "center_targets",
    "cv_scores_batch",
    "fold_statistics",
    "partitions_samples",
    "prepare_design",
    "refit_batch",
    "select_alphas",
]


@dataclass
class Design:
    """Features prepared once for all targets.

    Attributes
    ----------
    F : array of shape (n_samples, q)
        Working features in the compute dtype (centred when fitting an intercept).
    F64 : array of shape (n_samples, q)
        The same in float64, for Gram matrices.
    x_mean : array of shape (n_features,)
        Column means of ``X`` (zeros without intercept), float64.
    W : array of shape (n_features, q)
        Map from working coefficients to coefficients of ``X``, compute dtype.
    s : array of shape (q,)
        Eigenvalues of ``F^T F`` (float64, clipped at 0); ``F`` is expressed in
        their eigenbasis, so ``F^T F = diag(s)``.
    form : str
        ``"primal"`` or ``"kernel"``.
    """

    F: Any
    F64: Any
    x_mean: Any
    W: Any
    s: Any
    form: str


@dataclass
class FoldStats:
    """Target-independent statistics of one (train, test) split.

    ``Ft_test`` is ``[F_f, 1]^T`` (q + 1, n_f): one product with the test targets
    gives both ``F_f^T Y_f`` and the column sums of ``Y_f``. ``K_train`` and
    ``K_test`` map such augmented products to the eigenbasis with the centring
    folded in: ``B = K_train [F_S^T Y_S; 1^T Y_S]`` and
    ``P = K_test [F_f^T Y_f; 1^T Y_f]``.
    """

    train: Any
    test: Any
    complement: bool
    n_train: int
    n_test: int
    Ft_test: Any
    K_train: Any
    K_test: Any
    dmat: Any
    dmat_a: Any
    dmat64_2: Any
    dmat64_sq_m: Any
    N: Any
    blocks: list[tuple[slice, Any, bool, Any]]


def prepare_design(
    X: np.ndarray,
    *,
    fit_intercept: bool,
    form: str,
    xp: ModuleType,
    dtype: Any,
) -> Design:
    """Centre ``X``, choose the working features and eigendecompose their Gram.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_samples, n_features)
        Validated features.
    fit_intercept : bool
        Whether to centre the columns.
    form : {"primal", "kernel"}
        Working basis (see the module docstring).
    xp : module
        Backend.
    dtype : numpy dtype
        Compute dtype of the large products (float32 or float64).

    Returns
    -------
    design : Design
    """
    X64 = xp.asarray(X, dtype=xp.float64)
    n, p = X64.shape
    x_mean = xp.mean(X64, axis=0) if fit_intercept else xp.zeros(p, dtype=xp.float64)
    Xc = X64 - x_mean[None, :] if fit_intercept else X64
    W = None
    if form == "kernel":
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below
            K = xp.matmul(Xc, xp.transpose(Xc))
        check_finite_sums(K, "X")
        lam, U = eigh_small(K, xp)
        lam_max = float(xp.max(lam))
        if lam_max <= 0:  # constant design: nothing to fit, coefficients are 0
            F64 = xp.zeros((n, 1), dtype=xp.float64)
            W = xp.zeros((p, 1), dtype=xp.float64)
        else:
            keep = lam > lam_max * n * np.finfo(np.float64).eps
            lam, U = lam[keep], U[:, keep]
            root = xp.sqrt(lam)
            F64 = U * root[None, :]
            W = xp.matmul(xp.transpose(Xc), U) / root[None, :]
    else:
        F64 = Xc
    with np.errstate(over="ignore", invalid="ignore"):  # reported just below
        G = xp.matmul(xp.transpose(F64), F64)
    check_finite_sums(G, "X")
    s, V = eigh_small(G, xp)
    s = xp.clip(s, 0.0, None)
    # Work in the eigenbasis of F^T F (rotated in float64, before any cast): column
    # k of F V has norm sqrt(s_k), so rounding in the compute dtype stays relative
    # to each direction's own scale. In the original basis a float32 product
    # F^T Y carries an error of eps * ||F|| ||Y|| into every direction, which the
    # factor 1 / (s_k + alpha) magnifies on collinear features.
    F64 = xp.matmul(F64, V)
    W = V if W is None else xp.matmul(W, V)
    cdt = _cdtype(xp, dtype)
    return Design(
        F=xp.astype(F64, cdt),
        F64=F64,
        x_mean=x_mean,
        W=xp.astype(W, cdt),
        s=s,
        form=form,
    )


def _cdtype(xp: ModuleType, dtype: Any) -> Any:
    return xp.float32 if np.dtype(dtype) == np.float32 else xp.float64


def _selector(idx: np.ndarray, xp: ModuleType) -> Any:
    """Return a slice for a contiguous run of indices (a view), else the indices."""
    if idx.size and np.array_equal(idx, np.arange(idx[0], idx[0] + idx.size)):
        return slice(int(idx[0]), int(idx[0]) + idx.size)
    return xp.asarray(idx)


def fold_statistics(
    design: Design,
    folds: list[tuple[np.ndarray, np.ndarray]],
    alphas: np.ndarray,
    *,
    fit_intercept: bool,
    xp: ModuleType,
) -> list[FoldStats]:
    """Eigendecompose every training Gram and precompute the test-side factors.

    Parameters
    ----------
    design : Design
        Output of :func:`prepare_design`.
    folds : list of (train, test) int arrays
        Splits.
    alphas : numpy.ndarray of shape (n_alphas,)
        Candidate strengths.
    fit_intercept : bool
        Whether each training set is centred with its own means.
    xp : module
        Backend.

    Returns
    -------
    stats : list of FoldStats
    """
    F = design.F64
    n, q = F.shape
    cdt = design.F.dtype
    G = xp.matmul(xp.transpose(F), F)
    fsum = xp.sum(F, axis=0)
    alphas_b = xp.asarray(alphas, dtype=xp.float64)
    rtol = cluster_rtol(np.float32 if cdt == xp.float32 else np.float64)
    out = []
    for train, test in folds:
        complement = train.size + test.size == n and np.union1d(train, test).size == n
        test_b = _selector(test, xp)
        train_b = _selector(train, xp)
        Ff = F[test_b]
        n_f, n_s = int(test.size), int(train.size)
        if complement:
            Gs = G - xp.matmul(xp.transpose(Ff), Ff)
            ssum = fsum - xp.sum(Ff, axis=0)
        else:
            Fs = F[train_b]
            Gs = xp.matmul(xp.transpose(Fs), Fs)
            ssum = xp.sum(Fs, axis=0)
        if fit_intercept:
            mx = ssum / n_s
            Gs = Gs - n_s * (mx[:, None] * mx[None, :])
        else:
            mx = xp.zeros(q, dtype=xp.float64)
        s, V = eigh_small(Gs, xp)
        s = xp.clip(s, 0.0, None)
        A = xp.matmul(Ff - mx[None, :], V)
        a = xp.sum(A, axis=0)
        Vt = xp.transpose(V)
        vmx = xp.matmul(Vt, mx)
        N, m_single, blocks = quadratic_parts(A, s, xp, rtol)
        dmat = 1.0 / (s[None, :] + alphas_b[:, None])
        ones = xp.ones((1, n_f), dtype=cdt)
        out.append(
            FoldStats(
                train=train_b,
                test=test_b,
                complement=complement,
                n_train=n_s,
                n_test=n_f,
                Ft_test=xp.concatenate([xp.transpose(design.F[test_b]), ones], axis=0),
                K_train=xp.astype(xp.concatenate([Vt, -vmx[:, None]], axis=1), cdt),
                K_test=xp.astype(
                    xp.concatenate([Vt, -(vmx + a / n_f)[:, None]], axis=1), cdt
                ),
                dmat=xp.astype(dmat, cdt),
                dmat_a=xp.astype(dmat * a[None, :], cdt),
                dmat64_2=2.0 * dmat,
                dmat64_sq_m=dmat**2 * m_single[None, :],
                N=N,
                blocks=[
                    (
                        sl,
                        xp.astype(R, cdt),
                        tri,
                        xp.astype(xp.transpose(dmat[:, sl]), cdt),
                    )
                    for sl, R, tri in blocks
                ],
            )
        )
    return out


def partitions_samples(
    stats: list[FoldStats], folds: list[tuple[np.ndarray, np.ndarray]], n: int
) -> bool:
    """Whether the test folds partition the samples and every train set is the rest.

    Then ``F^T Y`` is the sum of the test folds' products and is not formed again.
    """
    if not all(st.complement for st in stats):
        return False
    tests = np.concatenate([test for _, test in folds])
    return tests.size == n and np.unique(tests).size == n


def center_targets(Yb: Any, *, fit_intercept: bool, xp: ModuleType) -> tuple[Any, Any]:
    """Remove the target means of a batch (their exact values are kept).

    Parameters
    ----------
    Yb : array of shape (n_samples, n_batch)
        Targets in the compute dtype.
    fit_intercept : bool
        Whether to centre; without it ``Yb`` is returned with zero means.
    xp : module
        Backend.

    Returns
    -------
    Yc : array of shape (n_samples, n_batch)
        Centred targets.
    y_mean : array of shape (n_batch,)
        Target means in float64 (zeros without intercept).
    """
    if not fit_intercept:
        return Yb, xp.zeros(Yb.shape[1], dtype=xp.float64)
    if xp.name == "numpy":  # float64 accumulation without a float64 copy
        y_mean = np.mean(Yb, axis=0, dtype=np.float64)
    else:
        y_mean = xp.mean(xp.astype(Yb, xp.float64), axis=0)
    return Yb - xp.astype(y_mean, Yb.dtype)[None, :], y_mean


def batch_statistics(
    design: Design, Yb: Any, *, fit_intercept: bool, xp: ModuleType
) -> tuple[Any, Any, Any]:
    """Centre a batch of targets and form ``F^T Y``.

    Parameters
    ----------
    design : Design
        Prepared features.
    Yb : array of shape (n_samples, n_batch)
        Targets in the compute dtype.
    fit_intercept : bool
        Whether to remove the target means (their exact values are kept).
    xp : module
        Backend.

    Returns
    -------
    Yc : array of shape (n_samples, n_batch)
        Centred targets (``Yb`` itself without intercept).
    y_mean : array of shape (n_batch,)
        Target means in float64 (zeros without intercept).
    FtY : array of shape (q, n_batch)
        ``F^T Yc``.
    """
    Yc, y_mean = center_targets(Yb, fit_intercept=fit_intercept, xp=xp)
    return Yc, y_mean, xp.matmul(xp.transpose(design.F), Yc)


def _augmented_product(F: Any, Y: Any, xp: ModuleType) -> Any:
    """``[F^T Y; 1^T Y]`` of shape (q + 1, n_batch)."""
    return xp.concatenate(
        [xp.matmul(xp.transpose(F), Y), xp.sum(Y, axis=0)[None, :]], axis=0
    )


def cv_scores_batch(
    design: Design,
    stats: list[FoldStats],
    Yc: Any,
    *,
    fit_intercept: bool,
    score_func: str,
    partition: bool,
    xp: ModuleType,
) -> tuple[Any, Any]:
    """Cross-validated scores of every alpha for a batch of targets.

    Parameters
    ----------
    design : Design
        Prepared features.
    stats : list of FoldStats
        Output of :func:`fold_statistics`.
    Yc : array of shape (n_samples, n_batch)
        Targets of the batch (centred when fitting an intercept).
    fit_intercept : bool
        Whether each training set is centred with its own means.
    score_func : {"r2", "r"}
        Score computed on each test fold: coefficient of determination (1 - SSE /
        SST, 0 for a constant test target) or Pearson correlation.
    partition : bool
        Whether the test folds partition the samples (:func:`partitions_samples`);
        then ``F^T Y`` is the sum of the folds' products.
    xp : module
        Backend.

    Returns
    -------
    scores : array of shape (n_alphas, n_batch)
        Scores averaged over folds, float64.
    FtY : array of shape (q, n_batch)
        ``F^T Yc`` (for the refit).
    """
    F = design.F
    q = F.shape[1]
    f64 = xp.float64
    fold_products = [xp.matmul(st.Ft_test, Yc[st.test]) for st in stats]
    if partition:
        FtYa = fold_products[0]
        for prod in fold_products[1:]:
            FtYa = FtYa + prod
    else:
        FtYa = _augmented_product(F, Yc, xp)
    total = None
    for st, FfYa in zip(stats, fold_products, strict=True):
        yy_f = column_sumsq(Yc[st.test], xp)
        if st.complement:
            Ca = FtYa - FfYa
        else:
            Ca = _augmented_product(F[st.train], Yc[st.train], xp)
        n_f = st.n_test
        ys_f64 = xp.astype(FfYa[q], f64)
        B = xp.matmul(st.K_train, Ca)
        P = xp.matmul(st.K_test, FfYa)
        L = xp.astype(xp.matmul(st.dmat, P * B), f64)
        m = xp.astype(xp.matmul(st.dmat_a, B), f64)
        Q = quadratic_form(st, B, xp)
        svar_y = xp.clip(yy_f - ys_f64**2 / n_f, 0.0, None)
        if score_func == "r2":
            c = ys_f64 / n_f
            if fit_intercept:
                c = c - xp.astype(Ca[q], f64) / st.n_train
            sse = svar_y + n_f * c**2 + Q - 2.0 * L - 2.0 * c[None, :] * m
            ok = xp.astype(svar_y > 0, f64)
            score = (1.0 - sse / (svar_y + (1.0 - ok))[None, :]) * ok[None, :]
        else:
            svar_hat = xp.clip(Q - m**2 / n_f, 0.0, None)
            prod = svar_hat * svar_y[None, :]
            ok = xp.astype(prod > 0, f64)
            score = L / xp.sqrt(prod + (1.0 - ok)) * ok
        total = score if total is None else total + score
    return total / len(stats), FtYa[:q]


def select_alphas(scores: Any, alphas: np.ndarray, xp: ModuleType) -> Any:
    """Index of the best alpha per target.

    Scores equal up to rounding go to the larger alpha: a slope of
    ``1e-10 log(alpha)`` is added before the argmax (the same rule as himalaya).

    Parameters
    ----------
    scores : array of shape (n_alphas, n_targets)
        Mean CV scores.
    alphas : numpy.ndarray of shape (n_alphas,)
        Candidate strengths.
    xp : module
        Backend.

    Returns
    -------
    best : array of shape (n_targets,)
        Indices into ``alphas``.
    """
    slope = xp.asarray(np.log(alphas) * 1e-10, dtype=xp.float64)
    return xp.argmax(scores + slope[:, None], axis=0)


def refit_batch(design: Design, FtY: Any, alphas_t: Any, xp: ModuleType) -> Any:
    """Ridge coefficients on all samples with one alpha per target.

    Parameters
    ----------
    design : Design
        Prepared features.
    FtY : array of shape (q, n_batch)
        ``F^T Yc``.
    alphas_t : array of shape (n_batch,)
        Alpha of each target (float64).
    xp : module
        Backend.

    Returns
    -------
    coef : array of shape (n_features, n_batch)
        Coefficients of the (uncentred) features ``X``, compute dtype.
    """
    scale = 1.0 / (design.s[:, None] + alphas_t[None, :])
    return xp.matmul(design.W, xp.astype(scale, FtY.dtype) * FtY)
