"""Ridge solvers built on sufficient statistics and shared eigenbases.

Notation: ``F`` (n_samples, q) are the features the solver works with. In the primal
form ``F`` is the (centred) design ``X`` and q = n_features. In the kernel form
(n_features > n_samples) ``F = U sqrt(lam)`` from the eigendecomposition of the linear
kernel ``K = X X^T = U lam U^T``: ``F F^T = K``, q <= n_samples, and a ridge
solution ``g`` for ``F`` maps back to ``X`` through ``b = W g`` with
``W = X^T U / sqrt(lam)``. Every ridge fit on a subset of samples lives in that
basis, so both forms give the same coefficients.

Cross-validation never forms predictions sample by sample. For a test fold ``f``
and its training set ``S`` (centred with the training means ``mx``, ``my``):

- ``G_S = F_S^T F_S - n_S mx mx^T = V diag(s) V^T`` (float64 eigendecomposition),
  ``B = V^T (F_S^T Y_S - n_S mx my^T)``: training statistics in the eigenbasis;
  ``F_S^T Y_S = F^T Y - F_f^T Y_f`` when ``S`` is the complement of ``f``.
- predictions ``Yhat = A diag(d) B + my`` with ``A = (F_f - mx) V`` and
  ``d_k = 1 / (s_k + alpha)``;
- every per-target score follows from three quantities per alpha,
  ``L = sum_k P_k d_k B_k`` (``P = A^T (Y_f - mean Y_f)``), ``m = sum_k a_k d_k B_k``
  (``a = A^T 1``) and ``Q = ||R diag(d) B||^2`` (``R^T R = A^T A``). ``L`` and ``m``
  for all alphas are one matrix product; ``Q`` costs ``min(n_f, q) q`` per target
  and alpha, the only term that grows with the number of alphas.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

__all__ = [
    "Design",
    "FoldStats",
    "batch_statistics",
    "cv_scores_batch",
    "fold_statistics",
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
    W : array of shape (n_features, q) or None
        Map from working coefficients to coefficients of ``X`` (kernel form).
    s : array of shape (q,)
        Eigenvalues of ``F^T F`` (float64, clipped at 0).
    V : array of shape (q, q)
        Eigenvectors of ``F^T F`` in the compute dtype.
    form : str
        ``"primal"`` or ``"kernel"``.
    """

    F: Any
    F64: Any
    x_mean: Any
    W: Any
    s: Any
    V: Any
    form: str


@dataclass
class FoldStats:
    """Target-independent statistics of one (train, test) split."""

    train: Any
    test: Any
    complement: bool
    n_train: int
    n_test: int
    mx: Any
    V: Any
    dmat: Any
    dmat_t: Any
    a: Any
    R: Any


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
        lam, U = _eigh(xp.matmul(Xc, xp.transpose(Xc)), xp)
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
    s, V = _eigh(xp.matmul(xp.transpose(F64), F64), xp)
    s = xp.clip(s, 0.0, None)
    cdt = _cdtype(xp, dtype)
    return Design(
        F=xp.astype(F64, cdt),
        F64=F64,
        x_mean=x_mean,
        W=None if W is None else xp.astype(W, cdt),
        s=s,
        V=xp.astype(V, cdt),
        form=form,
    )


#: largest matrix whose eigendecomposition runs on one BLAS thread (numpy backend)
_SERIAL_EIGH_MAX = 1024
_THREADPOOLS: list[Any] = []


def _eigh(a: Any, xp: ModuleType) -> tuple[Any, Any]:
    """Eigendecompose a symmetric matrix; small numpy matrices use a single BLAS thread.

    Multithreaded LAPACK ``syevd`` on a few hundred rows is slower than one thread
    (thread start-up and synchronisation dominate), and much slower when the CPU
    is shared; one thread takes ~25 ms for a 400 x 400 matrix.
    """
    if xp.name != "numpy" or a.shape[-1] > _SERIAL_EIGH_MAX:
        return xp.eigh(a)
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl ships with scikit-learn; be safe anyway
        return xp.eigh(a)
    if not _THREADPOOLS:
        _THREADPOOLS.append(ThreadpoolController())
    with _THREADPOOLS[0].limit(limits=1, user_api="blas"):
        return xp.eigh(a)


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
        s, V = _eigh(Gs, xp)
        s = xp.clip(s, 0.0, None)
        A = xp.matmul(Ff - mx[None, :], V)
        if n_f <= q:
            R = A
        else:
            lam, Qm = _eigh(xp.matmul(xp.transpose(A), A), xp)
            R = xp.transpose(Qm * xp.sqrt(xp.clip(lam, 0.0, None))[None, :])
        dmat = 1.0 / (s[None, :] + alphas_b[:, None])
        out.append(
            FoldStats(
                train=train_b,
                test=test_b,
                complement=complement,
                n_train=n_s,
                n_test=n_f,
                mx=xp.astype(mx, cdt),
                V=xp.astype(V, cdt),
                dmat=xp.astype(dmat, cdt),
                dmat_t=xp.astype(1.0 / (s[:, None] + alphas_b[None, :]), cdt),
                a=xp.astype(xp.sum(A, axis=0), cdt),
                R=xp.astype(R, cdt),
            )
        )
    return out


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
    if fit_intercept:
        y_mean = xp.mean(xp.astype(Yb, xp.float64), axis=0)
        Yc = Yb - xp.astype(y_mean, Yb.dtype)[None, :]
    else:
        y_mean = xp.zeros(Yb.shape[1], dtype=xp.float64)
        Yc = Yb
    return Yc, y_mean, xp.matmul(xp.transpose(design.F), Yc)


def cv_scores_batch(
    design: Design,
    stats: list[FoldStats],
    Yc: Any,
    FtY: Any,
    *,
    fit_intercept: bool,
    score_func: str,
    xp: ModuleType,
) -> Any:
    """Cross-validated scores of every alpha for a batch of targets.

    Parameters
    ----------
    design : Design
        Prepared features.
    stats : list of FoldStats
        Output of :func:`fold_statistics`.
    Yc : array of shape (n_samples, n_batch)
        Targets of the batch (centred when fitting an intercept).
    FtY : array of shape (q, n_batch)
        ``F^T Yc``.
    fit_intercept : bool
        Whether each training set is centred with its own means.
    score_func : {"r2", "r"}
        Score computed on each test fold: coefficient of determination (1 - SSE /
        SST, 0 for a constant test target) or Pearson correlation.
    xp : module
        Backend.

    Returns
    -------
    scores : array of shape (n_alphas, n_batch)
        Scores averaged over folds, float64.
    """
    F = design.F
    f64 = xp.float64
    total = None
    y_sum = xp.sum(Yc, axis=0)
    for st in stats:
        Yf = Yc[st.test]
        Ff = F[st.test]
        FfY = xp.matmul(xp.transpose(Ff), Yf)
        ys_f = xp.sum(Yf, axis=0)
        yy_f = _column_sumsq(Yf, xp)
        if st.complement:
            C = FtY - FfY
            ys_s = y_sum - ys_f
        else:
            Ys = Yc[st.train]
            C = xp.matmul(xp.transpose(F[st.train]), Ys)
            ys_s = xp.sum(Ys, axis=0)
        n_f = st.n_test
        if fit_intercept:
            my = ys_s / st.n_train
            C = C - st.n_train * (st.mx[:, None] * my[None, :])
            T = FfY - st.mx[:, None] * ys_f[None, :]
        else:
            my = xp.zeros_like(ys_f)
            T = FfY
        B = xp.matmul(xp.transpose(st.V), C)
        P = xp.matmul(xp.transpose(st.V), T) - st.a[:, None] * (ys_f / n_f)[None, :]
        L = xp.astype(xp.matmul(st.dmat, P * B), f64)
        m = xp.astype(xp.matmul(st.dmat, st.a[:, None] * B), f64)
        Q = _quadratic_terms(st.R, st.dmat_t, B, xp)
        ys_f64 = xp.astype(ys_f, f64)
        svar_y = xp.clip(yy_f - ys_f64**2 / n_f, 0.0, None)
        if score_func == "r2":
            c = ys_f64 / n_f - xp.astype(my, f64)
            sse = svar_y + n_f * c**2 + Q - 2.0 * L - 2.0 * c[None, :] * m
            ok = xp.astype(svar_y > 0, f64)
            score = (1.0 - sse / (svar_y + (1.0 - ok))[None, :]) * ok[None, :]
        else:
            svar_hat = xp.clip(Q - m**2 / n_f, 0.0, None)
            prod = svar_hat * svar_y[None, :]
            ok = xp.astype(prod > 0, f64)
            score = L / xp.sqrt(prod + (1.0 - ok)) * ok
        total = score if total is None else total + score
    return total / len(stats)


#: columns of the widest product formed by :func:`_quadratic_terms`
_MAX_COLUMNS = 32768


def _quadratic_terms(R: Any, dmat_t: Any, B: Any, xp: ModuleType) -> Any:
    """``Q[j, t] = ||R diag(dmat_t[:, j]) B[:, t]||^2`` for every alpha ``j``.

    Several alphas go into one matrix product ``R @ [d_1 * B, d_2 * B, ...]``
    (at most ``_MAX_COLUMNS`` columns): fewer, larger BLAS calls.
    """
    q, n_alphas = dmat_t.shape
    n_batch = B.shape[1]
    chunk = max(1, _MAX_COLUMNS // max(n_batch, 1))
    out = []
    for j0 in range(0, n_alphas, chunk):
        d = dmat_t[:, j0 : j0 + chunk]  # (q, c), row-major like B
        c = d.shape[1]
        scaled = (d[:, :, None] * B[:, None, :]).reshape(q, c * n_batch)
        sq = _column_sumsq(xp.matmul(R, scaled), xp)
        out.append(sq.reshape(c, n_batch))
    return out[0] if len(out) == 1 else xp.concatenate(out, axis=0)


def _column_sumsq(z: Any, xp: ModuleType) -> Any:
    """Sum of squares of each column, returned in float64."""
    if xp.name == "numpy":
        out = np.einsum("ij,ij->j", z, z)  # fused, no (r, n_batch) temporary
    else:
        out = xp.sum(z * z, axis=0)
    return xp.astype(out, xp.float64)


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
    V = design.V
    scale = 1.0 / (design.s[:, None] + alphas_t[None, :])
    inner = xp.astype(scale, V.dtype) * xp.matmul(xp.transpose(V), FtY)
    coef = xp.matmul(V, inner)
    if design.W is not None:
        coef = xp.matmul(design.W, coef)
    return coef
