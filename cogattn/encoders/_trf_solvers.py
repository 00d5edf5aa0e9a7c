"""Ridge solvers for lagged designs from per-trial sufficient statistics.

Each trial contributes the lagged Gram matrix and lagged cross products of an
augmented input ``[x, 1]`` (the lagged constant gives the edge-aware sums that exact
centering needs), plus sums of the output. Statistics add over trials, so a
cross-validation fold's training set is the total minus its held-out trials, and
held-out Pearson correlations follow from the held-out statistics without predicting
a single sample.

Statistics of numpy trials are numpy arrays (lagged products on the host, numba edge
corrections); statistics of torch tensors are tensors on the trials' device, computed
by the numpy kernels for CPU tensors and by :mod:`cogattn.encoders._lags_torch` on
other devices, and every later step stays there.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.validation import is_tensor
from cogattn.encoders.lags import _lagged_cross_np, _lagged_gram_np, _row_range

__all__ = [
    "LaggedStats",
    "RidgeProblem",
    "build_problem",
    "cv_scores_from_stats",
    "intercepts",
    "solve_alphas",
    "solve_exact",
    "trial_stats",
]


@dataclass
class LaggedStats:
    """Additive sufficient statistics of one or more trials.

    The arrays are numpy arrays for numpy trials and tensors on the trials' device
    for torch trials.

    Attributes
    ----------
    gram : ndarray of shape ((n_features + 1) * n_lags, (n_features + 1) * n_lags)
        Lagged Gram matrix of ``[x, 1]`` over the kept rows.
    cross : ndarray of shape ((n_features + 1) * n_lags, n_outputs + 1)
        Lagged cross products of ``[x, 1]`` with ``[y, 1]`` over the kept rows.
    y_sum, y_sq : ndarray of shape (n_outputs,)
        Sum and sum of squares of ``y`` over the kept rows.
    n_rows : float
        Number of kept rows.
    x_sum_all : ndarray of shape (n_features,)
        Sum of ``x`` over all samples (for MNE's centering).
    y_sum_all : ndarray of shape (n_outputs,)
        Sum of ``y`` over all samples.
    n_all : float
        Number of samples.
    """

    gram: Any
    cross: Any
    y_sum: Any
    y_sq: Any
    n_rows: float
    x_sum_all: Any
    y_sum_all: Any
    n_all: float

    def __add__(self, other: LaggedStats) -> LaggedStats:
        return LaggedStats(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )

    def __sub__(self, other: LaggedStats) -> LaggedStats:
        return LaggedStats(
            *(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__)
        )


def trial_stats(x: Any, y: Any, lags: np.ndarray, edges: str) -> LaggedStats:
    """Sufficient statistics of one trial (inputs already validated, float64).

    Parameters
    ----------
    x : ndarray | torch.Tensor of shape (n_times, n_features)
        Input trial.
    y : ndarray | torch.Tensor of shape (n_times, n_outputs)
        Output trial, same kind (and device) as ``x``.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags.
    edges : {"zero", "drop"}
        Edge handling.

    Returns
    -------
    stats : LaggedStats
        numpy arrays for numpy trials; tensors on the trials' device for tensors.
    """
    if is_tensor(x):
        if x.device.type != "cpu":
            return _trial_stats_torch(x, y, lags, edges)
        # on the CPU the numpy kernels (one blocked product, numba edge
        # corrections) beat many small torch products; DLPack views share the
        # tensors' memory (no copy)
        import torch

        st = trial_stats(np.from_dlpack(x), np.from_dlpack(y), lags, edges)
        return LaggedStats(
            *(
                torch.from_numpy(np.ascontiguousarray(v))
                if isinstance(v, np.ndarray)
                else v
                for v in (getattr(st, f) for f in st.__dataclass_fields__)
            )
        )
    n_times, n_feat = x.shape
    xa = np.concatenate([x, np.ones((n_times, 1))], axis=1)
    t0, t1 = _row_range(n_times, lags, edges)
    yr = y[t0:t1]
    # rows of lag a where the lagged input is inside the trial: [lo_a, hi_a)
    lo = np.maximum(t0, lags)
    hi = np.minimum(t1, n_times + lags)
    n_lags = lags.size
    # each whole-trial sum once: the window sums and the kept rows start from them
    x_total, y_total = x.sum(axis=0), y.sum(axis=0)
    cross = np.empty(((n_feat + 1) * n_lags, y.shape[1] + 1))
    cross[: n_feat * n_lags, :-1] = _lagged_cross_np(x, y, lags, edges)
    cross[n_feat * n_lags :, :-1] = _window_sums(y, lo, hi, y_total)  # ones x y
    cross[: n_feat * n_lags, -1] = _window_sums(
        x, lo - lags, hi - lags, x_total
    ).T.reshape(-1)
    cross[n_feat * n_lags :, -1] = hi - lo
    return LaggedStats(
        gram=_lagged_gram_np(xa, lags, edges),
        cross=cross,
        y_sum=y_total if (t0, t1) == (0, n_times) else yr.sum(axis=0),
        y_sq=np.einsum("ij,ij->j", yr, yr),
        n_rows=float(t1 - t0),
        x_sum_all=x_total,
        y_sum_all=y_total,
        n_all=float(n_times),
    )


def _trial_stats_torch(x: Any, y: Any, lags: np.ndarray, edges: str) -> LaggedStats:
    """:func:`trial_stats` of float64 tensors, computed on their device.

    The Gram matrix and the cross products of the augmented ``[x, 1]`` with ``[y,
    1]`` hold the edge-aware window sums directly (the lagged ones), so no separate
    cumulative sums are needed.
    """
    from cogattn.encoders import _lags_torch

    n_times = x.shape[0]
    t0, t1 = _row_range(n_times, lags, edges)
    xa = _append_ones(x)
    yr = y[t0:t1]
    return LaggedStats(
        gram=_lags_torch.lagged_gram(xa, lags, edges),
        cross=_lags_torch.lagged_cross(xa, _append_ones(y), lags, edges),
        y_sum=yr.sum(dim=0),
        y_sq=(yr * yr).sum(dim=0),
        n_rows=float(t1 - t0),
        x_sum_all=x.sum(dim=0),
        y_sum_all=y.sum(dim=0),
        n_all=float(n_times),
    )


def _append_ones(x: Any) -> Any:
    """``[x, 1]`` for a 2-D tensor, on its device."""
    import torch

    return torch.cat([x, x.new_ones((x.shape[0], 1))], dim=1)


def _window_sums(
    arr: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: np.ndarray
) -> np.ndarray:
    """``arr[lo[k]:hi[k]].sum(0)`` for every k, when windows miss only the edges.

    ``total`` is ``arr.sum(0)``.
    """
    n = arr.shape[0]
    k_head = int(lo.max())
    k_tail = int(n - hi.min())
    head = np.zeros((k_head + 1, arr.shape[1]))
    np.cumsum(arr[:k_head], axis=0, out=head[1:])
    tail = np.zeros((k_tail + 1, arr.shape[1]))
    np.cumsum(arr[n - k_tail :][::-1], axis=0, out=tail[1:])
    return total - head[lo] - tail[n - hi]


@dataclass
class RidgeProblem:
    """Centred normal equations of one training set, on a backend.

    Attributes
    ----------
    xtx : array of shape (n_coef, n_coef)
        Centred lagged Gram matrix, ``n_coef = n_features * n_lags``.
    xty : array of shape (n_coef, n_outputs)
        Centred lagged cross products.
    x_shift : array of shape (n_coef,)
        Prediction is ``design @ coef + (y_shift - x_shift @ coef)``.
    y_shift : array of shape (n_outputs,)
        See ``x_shift``.
    """

    xtx: object
    xty: object
    x_shift: object
    y_shift: object


def build_problem(
    st: LaggedStats,
    n_features: int,
    n_lags: int,
    centering: str | None,
    backend: ModuleType,
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

    Returns
    -------
    problem : RidgeProblem
    """
    p_l = n_features * n_lags
    tensor = is_tensor(st.gram)
    xp: Any = np
    if tensor:  # statistics of tensors: the same algebra with torch, on their device
        import torch

        xp = torch
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
        x_shift = mx.repeat_interleave(n_lags) if tensor else np.repeat(mx, n_lags)
        y_shift = my
    xtx = 0.5 * (xtx + xtx.T)
    b = backend
    if tensor:
        xtx, xty = xtx.contiguous(), xty.contiguous()
    else:
        xtx, xty = np.ascontiguousarray(xtx), np.ascontiguousarray(xty)
    return RidgeProblem(
        xtx=b.asarray(xtx, dtype=b.float64),
        xty=b.asarray(xty, dtype=b.float64),
        x_shift=b.asarray(x_shift, dtype=b.float64),
        y_shift=b.asarray(y_shift, dtype=b.float64),
    )


#: Below this many penalties, a large system is solved by one Cholesky factorisation
#: per penalty: LAPACK's symmetric eigendecomposition (half of it memory-bound
#: reductions) costs about as much as ten factorisations of the same matrix.
CHOLESKY_MAX_ALPHAS = 9
#: Systems smaller than this use the eigendecomposition whatever the penalties.
CHOLESKY_MIN_COEF = 256


def solve_alphas(
    problem: RidgeProblem, alphas: np.ndarray, backend: ModuleType
) -> object:
    """Ridge coefficients for many penalties.

    Small systems and long penalty grids share one eigendecomposition; a large system
    with a few penalties (a backward model over many channels) is solved by one
    Cholesky factorisation per penalty, which is several times cheaper. The two give
    the same coefficients to rounding.

    Parameters
    ----------
    problem : RidgeProblem
        Centred normal equations.
    alphas : ndarray of shape (n_alphas,)
        Penalties added to the diagonal of the (unnormalised) Gram matrix.
    backend : module
        Backend of ``problem``.

    Returns
    -------
    coef : array of shape (n_alphas, n_coef, n_outputs)
    """
    b = backend
    n_coef = problem.xtx.shape[0]
    if len(alphas) <= CHOLESKY_MAX_ALPHAS and n_coef >= CHOLESKY_MIN_COEF:
        coefs = _solve_each_alpha(problem, alphas, backend)
        if coefs is not None:
            return b.stack(coefs, axis=0)
    evals, evecs = b.eigh(problem.xtx)
    proj = b.matmul(b.transpose(evecs), problem.xty)  # (n_coef, n_outputs)
    al = b.asarray(np.asarray(alphas, dtype=np.float64), dtype=b.float64)
    scale = 1.0 / (evals[None, :] + al[:, None])  # (n_alphas, n_coef)
    return b.einsum("ck,ak,ko->aco", evecs, scale, proj)


def _solve_each_alpha(
    problem: RidgeProblem, alphas: Any, backend: ModuleType
) -> list[object] | None:
    """One Cholesky solve per penalty; ``None`` if a system is not definite."""
    b = backend
    eye = b.eye(problem.xtx.shape[0], dtype=b.float64)
    coefs = []
    for value in alphas:
        coef = b.solve_spd(problem.xtx + float(value) * eye, problem.xty)
        if coef is None:
            return None
        coefs.append(coef)
    return coefs


def solve_exact(problem: RidgeProblem, alpha: object, backend: ModuleType) -> object:
    """Ridge coefficients with a direct solve, one penalty per output.

    Parameters
    ----------
    problem : RidgeProblem
        Centred normal equations.
    alpha : ndarray of shape (n_outputs,)
        Penalty for every output.
    backend : module
        Backend of ``problem``.

    Returns
    -------
    coef : array of shape (n_coef, n_outputs)
    """
    b = backend
    alpha = np.asarray(alpha, dtype=np.float64)
    n_coef = problem.xtx.shape[0]
    eye = b.eye(n_coef, dtype=b.float64)
    coef = b.zeros((n_coef, alpha.size), dtype=b.float64)
    for value in np.unique(alpha):  # one solve per distinct penalty
        mask = b.asarray((alpha == value)[None, :].astype(np.float64), dtype=b.float64)
        system = problem.xtx + float(value) * eye
        sol = b.solve_spd(system, problem.xty)
        if sol is None:  # not numerically definite: LU copes
            sol = b.solve(system, problem.xty)
        coef = coef + mask * sol
    return coef


def intercepts(problem: RidgeProblem, coef: object, backend: ModuleType) -> object:
    """Return the intercepts ``y_shift - x_shift @ coef`` for ``(..., n_coef, q)``."""
    b = backend
    return problem.y_shift - b.einsum("c,...co->...o", problem.x_shift, coef)


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
    gxx = b.asarray(test.gram[:p_l, :p_l], dtype=b.float64)
    cxy = b.asarray(test.cross[:p_l, :-1], dtype=b.float64)
    colsum = b.asarray(test.cross[:p_l, -1], dtype=b.float64)
    y_sum = b.asarray(test.y_sum, dtype=b.float64)
    y_sq = b.asarray(test.y_sq, dtype=b.float64)
    n = test.n_rows
    lin = b.einsum("c,aco->ao", colsum, coef)  # sum over rows of design @ coef
    s_p = lin + n * intercept
    s_py = b.einsum("co,aco->ao", cxy, coef) + intercept * y_sum
    quad = b.einsum("aco,aco->ao", b.matmul(gxx, coef), coef)
    s_pp = quad + 2.0 * intercept * lin + n * intercept * intercept
    cov = s_py - s_p * y_sum / n
    var_p = b.maximum(s_pp - s_p * s_p / n, 0.0)
    var_y = b.maximum(y_sq - y_sum * y_sum / n, 0.0)
    denom = b.sqrt(var_p * var_y)
    safe = b.where(denom > 0, denom, 1.0)
    return b.where(denom > 0, cov / safe, 0.0)
