"""Ridge solvers for lagged designs from summed sufficient statistics.

The statistics (:mod:`cogattn.encoders._trf_stats`) of a training set are centred
into normal equations, solved for every penalty (eigendecomposition, Cholesky per
penalty, or preconditioned conjugate gradients), and held-out Pearson correlations
follow from the held-out statistics without predicting a single sample.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.scratch import scratch
from cogattn._core.validation import is_tensor
from cogattn.encoders._trf_iterative import CirculantPreconditioner, solve_alphas_cg
from cogattn.encoders._trf_stats import LaggedStats
from cogattn.encoders._trf_structured import LaggedCorrelations, LaggedOperator

__all__ = [
    "RidgeProblem",
    "build_problem",
    "cv_scores_from_stats",
    "full_gram",
    "intercepts",
    "solve_alphas",
    "solve_exact",
]


@dataclass
class RidgeProblem:
    """Centred normal equations of one training set, on a backend.

    Attributes
    ----------
    xtx : array of shape (n_coef, n_coef) | LaggedOperator
        Centred lagged Gram matrix, ``n_coef = n_features * n_lags``; an operator
        (FFT over lags, no dense matrix) for factored numpy statistics.
    xty : array of shape (n_coef, n_outputs)
        Centred lagged cross products.
    x_shift : array of shape (n_coef,)
        Prediction is ``design @ coef + (y_shift - x_shift @ coef)``.
    y_shift : array of shape (n_outputs,)
        See ``x_shift``.
    upper_only : bool
        Only the upper triangle of a dense numpy ``xtx`` holds values (all that a
        Cholesky factorisation reads); :func:`full_gram` mirrors it.
    """

    xtx: object
    xty: object
    x_shift: object
    y_shift: object
    upper_only: bool = False


def full_gram(problem: RidgeProblem) -> object:
    """Return ``problem.xtx`` with both triangles (mirrored in place if needed)."""
    if problem.upper_only:
        xtx = problem.xtx
        lower = np.tri(xtx.shape[0], k=-1, dtype=bool)
        np.copyto(xtx, xtx.T, where=lower)
        problem.upper_only = False
    return problem.xtx


def build_problem(
    st: LaggedStats,
    n_features: int,
    n_lags: int,
    centering: str | None,
    backend: ModuleType,
    minus: LaggedStats | None = None,
    out: np.ndarray | None = None,
    upper_only: bool = False,
) -> RidgeProblem:
    """Centre the statistics of a training set and move them to ``backend``.

    Parameters
    ----------
    st : LaggedStats
        Summed statistics of the training trials (numpy arrays, or tensors already
        on ``backend``'s device).
    n_features, n_lags : int
        Input features and lags.
    centering : {"signal", "columns"} | None
        ``"signal"``: remove the mean of every input and output signal before
        lagging (MNE ``TimeDelayingRidge``); ``"columns"``: centre every lagged
        column, i.e. an unpenalised intercept (mTRF, scikit-learn); ``None``: no
        intercept.
    backend : module
        Backend for the returned arrays.
    minus : LaggedStats | None
        Statistics to subtract first (a cross-validation fold's held-out trials):
        the training set is ``st - minus``. For numpy statistics the Gram matrix of
        the difference is never formed on its own; one pass builds the centred,
        symmetrised result.
    out : ndarray of shape (n_features * n_lags,) * 2 | None
        For dense numpy statistics: where to write the centred Gram matrix (a
        buffer reused from fold to fold has no fresh pages to fault in).
    upper_only : bool
        For dense numpy statistics: write only the upper triangle of the centred
        Gram matrix (see :attr:`RidgeProblem.upper_only`).

    Returns
    -------
    problem : RidgeProblem
    """
    if is_tensor(st.gram):
        if minus is not None:
            st = st - minus
        return _build_problem_tensor(st, n_features, n_lags, centering, backend)
    p_l = n_features * n_lags
    small = (
        _without_gram(st) if minus is None else _without_gram(st) - _without_gram(minus)
    )
    cxy = small.cross[:p_l, :-1]
    colsum = small.cross[:p_l, -1]
    mean = np.zeros(n_features)
    if centering is None:
        xty = cxy
        x_shift = np.zeros(p_l)
        y_shift = np.zeros(cxy.shape[1])
    elif centering == "columns":
        mu = colsum / small.n_rows
        ybar = small.y_sum / small.n_rows
        xty = cxy - small.n_rows * np.outer(mu, ybar)
        x_shift, y_shift = mu, ybar
    else:  # "signal": x - m before lagging, so lagged columns lose m * lagged ones
        mean = small.x_sum_all / small.n_all
        my = small.y_sum_all / small.n_all
        co = small.cross[p_l:, :-1]  # (n_lags, n_outputs): lagged ones x y
        colsum_o = small.cross[p_l:, -1]  # (n_lags,)
        cxy_c = cxy - np.einsum("i,ao->iao", mean, co).reshape(p_l, -1)
        col_c = colsum - np.einsum("i,a->ia", mean, colsum_o).reshape(p_l)
        xty = cxy_c - np.outer(col_c, my)
        x_shift = np.repeat(mean, n_lags)
        y_shift = my
    b = backend
    if isinstance(st.gram, LaggedCorrelations):  # an operator, never a dense matrix
        gram = st.gram if minus is None else st.gram - minus.gram
        op = LaggedOperator(gram, n_features, centering, mean, x_shift, small.n_rows)
        return RidgeProblem(
            xtx=op,
            xty=np.ascontiguousarray(xty),
            x_shift=x_shift,
            y_shift=np.asarray(y_shift, dtype=np.float64),
        )
    gxo = st.gram[:p_l, p_l:]
    goo = st.gram[p_l:, p_l:]
    if minus is not None:
        gxo = gxo - minus.gram[:p_l, p_l:]
        goo = goo - minus.gram[p_l:, p_l:]
    gxo = np.ascontiguousarray(gxo).reshape(n_features, n_lags, n_lags)
    goo = np.ascontiguousarray(goo)
    from cogattn.encoders import _lags_numba

    # threads only pay on large matrices (a parallel region also wakes a pool
    # that competes with BLAS's)
    kernel = (
        _lags_numba.centered_gram_parallel
        if p_l >= PARALLEL_MIN_COEF
        else _lags_numba.centered_gram
    )
    xtx = kernel(
        st.gram,
        minus.gram if minus is not None else np.zeros((0, 0)),
        _feature_pairs(n_features),
        gxo,
        goo,
        mean,
        np.empty((p_l, p_l)) if out is None else out,
        upper_only,
    )
    if centering == "columns":  # xtx -= n mu mu' in place (symmetric: any order)
        from scipy.linalg import blas

        blas.dger(-small.n_rows, x_shift, x_shift, a=xtx.T, overwrite_a=True)
    problem = RidgeProblem(
        xtx=xtx,
        xty=np.ascontiguousarray(xty),
        x_shift=x_shift,
        y_shift=np.asarray(y_shift, dtype=np.float64),
        upper_only=upper_only,
    )
    if b.name != "numpy":
        full_gram(problem)
        problem = RidgeProblem(
            *(b.asarray(v, dtype=b.float64) for v in (xtx, problem.xty, x_shift)),
            b.asarray(problem.y_shift, dtype=b.float64),
        )
    return problem


def _without_gram(st: LaggedStats) -> LaggedStats:
    """``st`` with an empty Gram matrix (cheap arithmetic on the other fields)."""
    return LaggedStats(
        np.zeros(0), st.cross, st.y_sum, st.y_sq, st.n_rows, st.x_sum_all,
        st.y_sum_all, st.n_all,
    )  # fmt: skip


@functools.lru_cache(maxsize=8)
def _feature_pairs(n_features: int) -> np.ndarray:
    """Feature pairs ``i <= j`` as an (n_pairs, 2) int64 array (cached)."""
    i, j = np.triu_indices(n_features)
    pairs = np.ascontiguousarray(np.stack([i, j], axis=1).astype(np.int64))
    pairs.flags.writeable = False  # shared by every call
    return pairs


def _build_problem_tensor(
    st: LaggedStats,
    n_features: int,
    n_lags: int,
    centering: str | None,
    backend: ModuleType,
) -> RidgeProblem:
    """:func:`build_problem` for statistics held as tensors, on their device."""
    import torch

    xp: Any = torch
    p_l = n_features * n_lags
    gxx = st.gram[:p_l, :p_l]
    cxy = st.cross[:p_l, :-1]
    colsum = st.cross[:p_l, -1]
    if centering is None:
        xtx, xty = gxx, cxy
        x_shift = xp.zeros_like(colsum)
        y_shift = xp.zeros_like(cxy[0])
    elif centering == "columns":
        mu = colsum / st.n_rows
        ybar = st.y_sum / st.n_rows
        xtx = gxx - st.n_rows * xp.outer(mu, mu)
        xty = cxy - st.n_rows * xp.outer(mu, ybar)
        x_shift, y_shift = mu, ybar
    else:  # "signal": x - m before lagging, so lagged columns lose m * lagged ones
        mx = st.x_sum_all / st.n_all
        my = st.y_sum_all / st.n_all
        gxo = st.gram[:p_l, p_l:].reshape(n_features, n_lags, n_lags)
        goo = st.gram[p_l:, p_l:]
        # t[(i, a), (j, b)] = m_j * gxo[i, a, b]
        t = xp.einsum("iab,j->iajb", gxo, mx).reshape(p_l, p_l)
        corr = -t - t.T + xp.einsum("i,j,ab->iajb", mx, mx, goo).reshape(p_l, p_l)
        xtx = gxx + corr
        co = st.cross[p_l:, :-1]  # (n_lags, n_outputs): lagged ones x y
        colsum_o = st.cross[p_l:, -1]  # (n_lags,)
        cxy_c = cxy - xp.einsum("i,ao->iao", mx, co).reshape(p_l, -1)
        col_c = colsum - xp.einsum("i,a->ia", mx, colsum_o).reshape(p_l)
        xty = cxy_c - xp.outer(col_c, my)
        x_shift = mx.repeat_interleave(n_lags)
        y_shift = my
    xtx = (0.5 * (xtx + xtx.T)).contiguous()
    b = backend
    return RidgeProblem(
        xtx=b.asarray(xtx, dtype=b.float64),
        xty=b.asarray(xty.contiguous(), dtype=b.float64),
        x_shift=b.asarray(x_shift, dtype=b.float64),
        y_shift=b.asarray(y_shift, dtype=b.float64),
    )


#: Rows per band when the upper triangle of a shifted system is copied.
_BAND_ROWS = 128
#: Centred Gram matrices of at least this many coefficients are built in parallel.
PARALLEL_MIN_COEF = 512
#: Below this many penalties, a large system is solved by one Cholesky factorisation
#: per penalty: LAPACK's symmetric eigendecomposition (half of it memory-bound
#: reductions) costs about as much as ten factorisations of the same matrix.
CHOLESKY_MAX_ALPHAS = 9
#: Systems smaller than this use the eigendecomposition whatever the penalties.
CHOLESKY_MIN_COEF = 256


def solve_alphas(
    problem: RidgeProblem,
    alphas: np.ndarray,
    backend: ModuleType,
    precond: CirculantPreconditioner | None = None,
    scale: float = 1.0,
    work: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> object:
    """Ridge coefficients for many penalties.

    Small systems and long penalty grids share one eigendecomposition; a large system
    with a few penalties (a backward model over many channels) is solved by one
    Cholesky factorisation per penalty, which is several times cheaper. The two give
    the same coefficients to rounding. Given a block-circulant preconditioner (numpy
    backend), all penalties are solved together by preconditioned conjugate gradients
    to a relative residual of 1e-12, and a penalty that does not get there is solved
    directly.

    Parameters
    ----------
    problem : RidgeProblem
        Centred normal equations.
    alphas : ndarray of shape (n_alphas,)
        Penalties added to the diagonal of the (unnormalised) Gram matrix.
    backend : module
        Backend of ``problem``.
    precond : CirculantPreconditioner | None
        Approximation of ``problem.xtx / scale``
        (:func:`cogattn.encoders._trf_iterative.circulant_preconditioner`).
    scale : float
        See ``precond``.
    work : ndarray of shape (n_coef, n_coef) | None
        numpy backend: a buffer for the shifted systems, each factored in place
        (one reused from fold to fold has no fresh pages to fault in).
    out : ndarray of shape (n_alphas, n_outputs, n_coef) | None
        numpy backend, Cholesky route: where the solutions go, each solved in
        place (the returned array is then its transposed view).

    Returns
    -------
    coef : array of shape (n_alphas, n_coef, n_outputs)
    """
    b = backend
    n_coef = problem.xtx.shape[0]
    if precond is not None and b.name == "numpy":
        coef, ok = solve_alphas_cg(
            problem.xtx, problem.xty, np.asarray(alphas), precond, scale
        )
        if not ok.all():  # not converged: the direct solve decides
            direct = _densified(problem)
            for i in np.flatnonzero(~ok):
                coef[i] = solve_exact(direct, np.full(coef.shape[2], alphas[i]), b)
        return coef
    if len(alphas) <= CHOLESKY_MAX_ALPHAS and n_coef >= CHOLESKY_MIN_COEF:
        into = out if b.name == "numpy" else None
        coefs = _solve_each_alpha(problem, alphas, backend, work, into)
        if coefs is not None:
            return into.transpose(0, 2, 1) if into is not None else b.stack(coefs)
    evals, evecs = b.eigh(full_gram(problem))
    proj = b.matmul(b.transpose(evecs), problem.xty)  # (n_coef, n_outputs)
    al = b.asarray(np.asarray(alphas, dtype=np.float64), dtype=b.float64)
    scale = 1.0 / (evals[None, :] + al[:, None])  # (n_alphas, n_coef)
    return b.einsum("ck,ak,ko->aco", evecs, scale, proj)


def _solve_each_alpha(
    problem: RidgeProblem,
    alphas: Any,
    backend: ModuleType,
    work: Any = None,
    out: np.ndarray | None = None,
) -> list[object] | None:
    """One Cholesky solve per penalty; ``None`` if a system is not definite.

    numpy: ``work`` holds each shifted system, factored in place, and ``out`` (of
    shape ``(n_alphas, n_outputs, n_coef)``) each solution, solved in place.
    """
    b = backend
    coefs = []
    for k, value in enumerate(alphas):
        system = _shifted(problem.xtx, float(value), b, work, problem.upper_only)
        work = system if b.name == "numpy" else None
        if out is None:
            coef = b.solve_spd(system, problem.xty, overwrite_a=True)
        else:
            rhs = out[k].T  # Fortran order: LAPACK solves it in place
            rhs[...] = problem.xty
            coef = b.solve_spd(system, rhs, overwrite_a=True, overwrite_b=True)
        if coef is None:
            return None
        coefs.append(coef)
    return coefs


def _shifted(
    gram: Any, value: float, backend: ModuleType, out: Any = None, upper: bool = False
) -> Any:
    """Return ``gram + value * I`` as a new array (no identity matrix built).

    A numpy ``out`` of the same shape receives the result instead (no fresh
    pages to fault in). With ``upper`` (numpy ``out``) only the upper triangle is
    copied, by bands of rows: half the memory traffic, for a Cholesky
    factorisation that reads nothing else.
    """
    if backend.name == "numpy":
        if out is None:
            out = np.array(gram)
        elif upper:
            n = gram.shape[0]
            for r0 in range(0, n, _BAND_ROWS):
                out[r0 : r0 + _BAND_ROWS, r0:] = gram[r0 : r0 + _BAND_ROWS, r0:]
        else:
            np.copyto(out, gram)
        out.flat[:: out.shape[0] + 1] += value
        return out
    out = gram.clone()
    out.diagonal().add_(value)
    return out


def solve_exact(
    problem: RidgeProblem,
    alpha: object,
    backend: ModuleType,
    precond: CirculantPreconditioner | None = None,
    work: np.ndarray | None = None,
) -> object:
    """Ridge coefficients for one penalty per output, to rounding.

    Parameters
    ----------
    problem : RidgeProblem
        Centred normal equations.
    alpha : ndarray of shape (n_outputs,)
        Penalty for every output.
    backend : module
        Backend of ``problem``.
    precond : CirculantPreconditioner | None
        Approximation of ``problem.xtx`` (numpy backend): the penalties are first
        solved by preconditioned conjugate gradients to a relative residual of
        1e-12, and directly only where that does not converge.
    work : ndarray of shape (n_coef, n_coef) | None
        numpy backend: a buffer for the shifted systems, as in
        :func:`solve_alphas`.

    Returns
    -------
    coef : array of shape (n_coef, n_outputs)
    """
    b = backend
    alpha = np.asarray(alpha, dtype=np.float64)
    n_coef = problem.xtx.shape[0]
    values = np.unique(alpha)
    done: dict[float, Any] = {}
    if precond is not None and b.name == "numpy":
        sols, ok = solve_alphas_cg(problem.xtx, problem.xty, values, precond)
        done = {float(v): sols[k] for k, v in enumerate(values) if ok[k]}
    coef = b.zeros((n_coef, alpha.size), dtype=b.float64)
    if len(done) < values.size:
        problem = _densified(problem)
        full_gram(problem)  # the LU fallback reads both triangles
    for value in values:  # one solve per distinct penalty
        mask = b.asarray((alpha == value)[None, :].astype(np.float64), dtype=b.float64)
        if float(value) in done:
            coef = coef + mask * done[float(value)]
            continue
        system = _shifted(problem.xtx, float(value), b, out=work)
        sol = b.solve_spd(system, problem.xty, overwrite_a=True)
        if sol is None:  # not numerically definite: LU copes (on a fresh copy)
            system = _shifted(problem.xtx, float(value), b, out=work)
            sol = b.solve(system, problem.xty)
        coef = coef + mask * sol
    return coef


def _densified(problem: RidgeProblem) -> RidgeProblem:
    """``problem`` with a dense Gram matrix (formed here from an operator)."""
    if not isinstance(problem.xtx, LaggedOperator):
        return problem
    return RidgeProblem(
        problem.xtx.dense(), problem.xty, problem.x_shift, problem.y_shift
    )


def intercepts(problem: RidgeProblem, coef: object, backend: ModuleType) -> object:
    """Return the intercepts ``y_shift - x_shift @ coef`` for ``(..., n_coef, q)``."""
    wide = _wide(coef, backend)
    return problem.y_shift - _contract(problem.x_shift, wide, coef.shape, backend)


def _wide(coef: Any, backend: ModuleType) -> Any:
    """Lay 3-D coefficients out as ``(n_coef, n_alphas * n_outputs)``.

    Coefficients of shape ``(n_alphas, n_coef, n_outputs)`` become one matrix with a
    column per penalty and output; 2-D coefficients stay as they are.
    """
    if coef.ndim == 2:
        return coef
    n_a, n_c, n_o = coef.shape
    return backend.einsum("aco->cao", coef).reshape(n_c, n_a * n_o)


def _contract(vec: Any, wide: Any, shape: tuple[int, ...], backend: ModuleType) -> Any:
    """``vec @ coef`` over the coefficient axis, from :func:`_wide` coefficients.

    The product goes through the backend's ``gemm``: on numpy, the BLAS of the
    scipy factorisations that run between folds (see its docstring).
    """
    out = backend.gemm(vec[None, :], wide)[0]
    return out if len(shape) == 2 else out.reshape(shape[0], shape[2])


def cv_scores_from_stats(
    coef: object,
    intercept: object,
    test: LaggedStats,
    n_features: int,
    n_lags: int,
    backend: ModuleType,
) -> object:
    """Pearson r of held-out predictions, computed from held-out statistics.

    Parameters
    ----------
    coef : array of shape (n_alphas, n_coef, n_outputs)
        Coefficients per penalty.
    intercept : array of shape (n_alphas, n_outputs)
        Intercepts per penalty.
    test : LaggedStats
        Summed statistics of the held-out trials.
    n_features, n_lags : int
        Input features and lags.
    backend : module
        Backend of ``coef``.

    Returns
    -------
    r : array of shape (n_alphas, n_outputs)
        Correlation between prediction and output over the concatenated held-out
        rows.
    """
    b = backend
    p_l = n_features * n_lags
    # the whole Gram matrix of [x, 1]: its leading block is a strided view, which
    # BLAS would first copy; zero coefficients on the lagged ones skip the rest
    gram = test.gram
    if not isinstance(gram, LaggedCorrelations):
        gram = b.asarray(gram, dtype=b.float64)
    cxy = b.asarray(test.cross[:p_l, :-1], dtype=b.float64)
    colsum = b.asarray(test.cross[:p_l, -1], dtype=b.float64)
    y_sum = b.asarray(test.y_sum, dtype=b.float64)
    y_sq = b.asarray(test.y_sq, dtype=b.float64)
    n = test.n_rows
    n_a, n_c, n_o = coef.shape
    wide = _wide(coef, b)
    lin = _contract(colsum, wide, coef.shape, b)  # sum over rows of design @ coef
    s_p = lin + n * intercept
    cross_sums = b.einsum("cao,co->ao", wide.reshape(n_c, n_a, n_o), cxy)
    s_py = cross_sums + intercept * y_sum
    quad = _quadratic_forms(gram, wide, n_a, b)
    s_pp = quad + 2.0 * intercept * lin + n * intercept * intercept
    cov = s_py - s_p * y_sum / n
    var_p = b.maximum(s_pp - s_p * s_p / n, 0.0)
    var_y = b.maximum(y_sq - y_sum * y_sum / n, 0.0)
    denom = b.sqrt(var_p * var_y)
    safe = b.where(denom > 0, denom, 1.0)
    return b.where(denom > 0, cov / safe, 0.0)


def _quadratic_forms(gram: Any, wide: Any, n_alphas: int, backend: ModuleType) -> Any:
    """Return ``coef[a, :, o] @ gram @ coef[a, :, o]`` for every ``(a, o)``.

    ``wide`` holds the coefficients as :func:`_wide` lays them out; a larger
    ``gram`` (of the augmented input) is read with zero coefficients on its extra
    rows. One product over all penalties (a batched ``gram @ coef`` reads ``gram``
    once per penalty, which dominates for a large Gram matrix and a few outputs),
    triangular on numpy: half the multiplications of the full product.
    """
    n_c = wide.shape[0]
    if isinstance(gram, LaggedCorrelations):  # uncentred, by FFT over lags
        op = LaggedOperator(gram, n_c // gram.n_lags, None)
        return (op.matvec(wide) * wide).sum(0).reshape(n_alphas, -1)
    if gram.shape[0] > n_c:  # ``gram`` is the Gram matrix of the augmented input
        if backend.name == "numpy":  # Fortran order, as BLAS reads it
            shape = (wide.shape[1], gram.shape[0])
            padded = scratch("trf.quadratic_forms", shape).T
            padded[n_c:] = 0.0
        else:
            padded = backend.zeros((gram.shape[0], wide.shape[1]), dtype=wide.dtype)
        padded[:n_c] = wide
        wide = padded
    return backend.quadratic_forms(gram, wide).reshape(n_alphas, -1)
