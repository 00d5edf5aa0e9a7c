"""Time lags for temporal response functions.

Seconds to samples, lagged designs, and the lagged Gram / cross products computed
from correlations (without the big lagged matrix).

Conventions
-----------
A lag ``l`` (in samples) pairs the output at time ``t`` with the input at ``t - l``:
positive lags look into the past of the input, as in MNE-Python's
``ReceptiveField`` and mTRF. Samples outside a trial are zero ("zero" edges, MNE's and
mTRF's ``zeropad=True``), or the rows where some lag falls outside the trial are
dropped ("drop" edges, mTRF's ``zeropad=False``). Lagged columns use a feature-major
layout: column ``i * n_lags + a`` holds feature ``i`` at lag ``lags[a]``, so
coefficients reshape to ``(n_features, n_lags)`` as in MNE.

numpy arrays are handled here (the Gram matrix with a numba kernel); torch tensors
stay on their device and go to :mod:`cogattn.encoders._lags_torch`.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import (
    check_array,
    check_option,
    check_positive,
    is_tensor,
)
from cogattn.encoders import _lags_fft

__all__ = [
    "EDGE_MODES",
    "lag_range",
    "lag_samples",
    "lagged_cross",
    "lagged_design",
    "lagged_gram",
    "row_range",
]

EDGE_MODES = ("zero", "drop")
_CHUNK_BYTES = 32 * 2**20


@dataclass
class GramAccumulator:
    """A Gram matrix that trials add into, one at a time, possibly from threads.

    The first addition overwrites what it writes (the upper feature blocks), so the
    matrix needs no zeroing beforehand; blocks it does not write must already hold
    zeros.

    Attributes
    ----------
    gram : ndarray of shape (m, m)
        The sum.
    lock : threading.Lock
        Held while a trial writes.
    started : bool
        Whether a trial has written yet.
    """

    gram: np.ndarray
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: bool = False


def lag_range(tmin: float, tmax: float, sfreq: float) -> tuple[int, int]:
    """First and last sample lag of a lag window, without allocating the lags.

    Parameters
    ----------
    tmin, tmax : float
        First and last lag, in seconds; both included. ``tmin <= tmax``.
    sfreq : float
        Sampling frequency, in Hz.

    Returns
    -------
    first, last : int
        ``round(tmin * sfreq)`` and ``round(tmax * sfreq)``; there are
        ``last - first + 1`` lags.
    """
    sfreq = check_positive(sfreq, "sfreq")
    for value, name in ((tmin, "tmin"), (tmax, "tmax")):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise ValidationError(
                f"{name} must be a number of seconds, got {type(value).__name__} "
                f"({value!r:.40})"
            )
        if not np.isfinite(value):
            raise ValidationError(f"{name} must be finite, got {value}")
        if not np.isfinite(value * sfreq):
            raise ValidationError(
                f"{name} * sfreq must be finite, got {name}={value} and sfreq={sfreq}"
            )
    if tmin > tmax:
        raise ValidationError(f"tmin must be <= tmax, got tmin={tmin} and tmax={tmax}")
    return int(np.round(tmin * sfreq)), int(np.round(tmax * sfreq))


def lag_samples(tmin: float, tmax: float, sfreq: float) -> np.ndarray:
    """Convert a lag window in seconds to integer sample lags (MNE's convention).

    Parameters
    ----------
    tmin, tmax : float
        First and last lag, in seconds; both included. ``tmin <= tmax``.
    sfreq : float
        Sampling frequency, in Hz.

    Returns
    -------
    lags : ndarray of int64, shape (n_lags,)
        ``arange(round(tmin * sfreq), round(tmax * sfreq) + 1)``.
    """
    first, last = lag_range(tmin, tmax, sfreq)
    return np.arange(first, last + 1, dtype=np.int64)


def _check_lags(lags: np.ndarray | list[int]) -> np.ndarray:
    arr = check_array(lags, "lags", ndim=1, dtype="integer").astype(np.int64)
    if np.any(np.diff(arr) <= 0):
        raise ValidationError(f"lags must be strictly increasing, got {arr[:10]}...")
    return arr


def row_range(n_times: int, lags: np.ndarray, edges: str = "zero") -> tuple[int, int]:
    """Rows ``[t0, t1)`` of a trial kept by the lagged design.

    Parameters
    ----------
    n_times : int
        Samples in the trial.
    lags : ndarray of int, shape (n_lags,)
        Sample lags.
    edges : {"zero", "drop"}
        Edge handling.

    Returns
    -------
    t0, t1 : int
        First kept row and one past the last.
    """
    check_option(edges, EDGE_MODES, "edges")
    return _row_range(n_times, _check_lags(lags), edges)


def _row_range(n_times: int, lags: np.ndarray, edges: str) -> tuple[int, int]:
    """:func:`row_range` of checked lags and edges."""
    span = max(int(lags[-1]), 0) - min(int(lags[0]), 0)
    if n_times <= span:
        raise ValidationError(
            f"a trial of {n_times} samples is too short for lags "
            f"{int(lags[0])}..{int(lags[-1])} samples; each trial needs more than "
            f"{span} samples"
        )
    if edges == "zero":
        return 0, n_times
    return max(0, int(lags[-1])), n_times + min(0, int(lags[0]))


def lagged_design(x: np.ndarray, lags: np.ndarray, edges: str = "zero") -> np.ndarray:
    """Materialise the lagged design matrix of one trial.

    Parameters
    ----------
    x : array-like | torch.Tensor of shape (n_times, n_features)
        One trial (a 1-D input is one feature).
    lags : array-like of int, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        ``"zero"`` pads outside the trial with zeros; ``"drop"`` keeps only the rows
        where every lag falls inside the trial.

    Returns
    -------
    design : ndarray | torch.Tensor of shape (n_rows, n_features * n_lags)
        ``design[t, i * n_lags + a] = x[t + t0 - lags[a], i]`` (zero outside); a
        tensor on the device of ``x`` when ``x`` is a tensor.
    """
    x = check_array(x, "x", ndim=(1, 2))
    if x.ndim == 1:
        x = x[:, None]
    lags = _check_lags(lags)
    if is_tensor(x):
        from cogattn.encoders import _lags_torch

        return _lags_torch.lagged_design(x, lags, edges)
    n_times, n_feat = x.shape
    t0, t1 = row_range(n_times, lags, edges)
    out = np.zeros((t1 - t0, n_feat, lags.size), dtype=x.dtype)
    for a, lag in enumerate(lags):  # loop over lags only; each step is one copy
        lo, hi = max(t0, lag), min(t1, n_times + lag)
        out[lo - t0 : hi - t0, :, a] = x[lo - lag : hi - lag]
    return out.reshape(t1 - t0, n_feat * lags.size)


def _edge_tables(
    n_times: int, lags: np.ndarray, t0: int, t1: int
) -> tuple[np.ndarray, ...]:
    """Head/tail strip lengths for every lag pair and correlation ranges (cached)."""
    return _edge_tables_cached(n_times, tuple(int(v) for v in lags), t0, t1)


@functools.lru_cache(maxsize=16)
def _edge_tables_cached(
    n_times: int, lag_tuple: tuple[int, ...], t0: int, t1: int
) -> tuple[np.ndarray, ...]:
    lags = np.asarray(lag_tuple, dtype=np.int64)
    la = lags[:, None]
    lb = lags[None, :]
    d = la - lb
    s0_ab = np.maximum(0, d)
    s1_ab = np.minimum(n_times, n_times + d)
    big_t0 = np.maximum(np.maximum(t0, la), lb)
    big_t1 = np.minimum(np.minimum(t1, n_times + la), n_times + lb)
    kh = (big_t0 - lb) - s0_ab
    kt = s1_ab - (big_t1 - lb)
    d_min = int(lags[0] - lags[-1])
    diffs = np.arange(d_min, -d_min + 1)
    s0 = np.maximum(0, diffs)
    s1 = np.minimum(n_times, n_times + diffs)
    out = (kh.astype(np.int64), kt.astype(np.int64), diffs, s0, s1)
    for arr in out:
        arr.flags.writeable = False
    return out


def lagged_gram(x: np.ndarray, lags: np.ndarray, edges: str = "zero") -> np.ndarray:
    """Lagged Gram matrix ``D.T @ D`` of one trial without building ``D``.

    The full correlation at every lag difference comes from one blocked product or
    short FFT blocks (:mod:`cogattn.encoders._lags_fft`); the samples
    that the lagged design leaves out at the trial edges are then removed with a
    numba kernel (``O(n_features**2 * n_lags**2)``), as MNE's ``edge_correction``.
    A torch tensor stays on its device: one product per lag distance, minus the
    products of the rows dropped at the edges
    (:func:`cogattn.encoders._lags_torch.lagged_gram`).

    Parameters
    ----------
    x : array-like | torch.Tensor of shape (n_times, n_features)
        One trial.
    lags : array-like of int, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        Edge handling, as in :func:`lagged_design`.

    Returns
    -------
    gram : ndarray | torch.Tensor of shape (n_features * n_lags, n_features * n_lags)
        Equal to ``lagged_design(x, lags, edges).T @ lagged_design(x, lags, edges)``
        in float64; a tensor on the device of ``x`` when ``x`` is a tensor.
    """
    x = check_array(x, "x", ndim=(1, 2))
    if x.ndim == 1:
        x = x[:, None]
    if is_tensor(x):
        from cogattn.encoders import _lags_torch

        return _lags_torch.lagged_gram(x.double(), _check_lags(lags), edges)
    check_option(edges, EDGE_MODES, "edges")
    return _lagged_gram_np(x, _check_lags(lags), edges)


def _lagged_gram_np(
    x: np.ndarray,
    lags: np.ndarray,
    edges: str,
    corr: np.ndarray | None = None,
    upper_only: bool = False,
    add_to: GramAccumulator | None = None,
) -> np.ndarray:
    """:func:`lagged_gram` of a checked 2-D numpy trial and checked lags.

    ``corr``: the trial's :func:`_correlations_symmetric`, when already computed.
    ``upper_only``: fill only the blocks of feature pairs ``i <= j`` (the others
    are zeros), half the writes for a consumer that reads one triangle.
    ``add_to``: add the Gram matrix into this sum (returned) instead of a new
    array, holding its lock while writing (several trials may share it).
    """
    from cogattn.encoders import _lags_numba

    x = np.ascontiguousarray(x, dtype=np.float64)
    n_times = x.shape[0]
    t0, t1 = _row_range(n_times, lags, edges)
    kh, kt, diffs, s0, s1 = _edge_tables(n_times, lags, t0, t1)
    # corr[k, i, j] = sum_s x[s - d_k, i] x[s, j]: the zero-edge lagged cross
    # product of x with itself at the lag differences
    if corr is None:
        corr = _correlations_symmetric(x, diffs)
    # the edge sums only run as far as the entries reach
    k_head, k_tail = int(max(kh.max(), 0)), int(max(kt.max(), 0))
    # upper blocks only: one thread (its timing holds up where a parallel region
    # waits for a busy core) and no mirrored writes; the full matrix mirrors
    # blocks in parallel for many features
    if upper_only or x.shape[1] < 8:
        kernel = _lags_numba.gram_from_correlations
    else:
        kernel = _lags_numba.gram_from_correlations_parallel
    args = (x, corr, lags, int(diffs[0]), kh, kt, s0.astype(np.int64),
            s1.astype(np.int64), k_head, k_tail)  # fmt: skip
    if add_to is None:
        size = x.shape[1] * lags.size
        # zeros from calloc: pages that are never written are never touched
        gram = np.zeros((size, size)) if upper_only else np.empty((size, size))
        return kernel(*args, gram, upper_only, False)
    with add_to.lock:
        kernel(*args, add_to.gram, upper_only, add_to.started)
        add_to.started = True
    return add_to.gram


def lagged_cross(
    x: np.ndarray, y: np.ndarray, lags: np.ndarray, edges: str = "zero"
) -> np.ndarray:
    """Lagged cross product ``D.T @ y[t0:t1]`` of one trial without building ``D``.

    Parameters
    ----------
    x : array-like | torch.Tensor of shape (n_times, n_features)
        Input trial.
    y : array-like | torch.Tensor of shape (n_times, n_outputs)
        Output trial, same number of samples.
    lags : array-like of int, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        Edge handling, as in :func:`lagged_design`.

    Returns
    -------
    cross : ndarray | torch.Tensor of shape (n_features * n_lags, n_outputs)
        float64; a tensor on the device of the tensor input when either input is a
        tensor.
    """
    x = check_array(x, "x", ndim=(1, 2))
    y = check_array(y, "y", ndim=(1, 2))
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    if x.shape[0] != y.shape[0]:
        raise ValidationError(
            f"x and y must have the same number of samples, got {x.shape[0]} and "
            f"{y.shape[0]}"
        )
    check_option(edges, EDGE_MODES, "edges")
    lags = _check_lags(lags)
    if is_tensor(x) or is_tensor(y):
        import torch

        from cogattn.encoders import _lags_torch

        device = (x if is_tensor(x) else y).device
        x_t = torch.as_tensor(x, dtype=torch.float64, device=device)
        y_t = torch.as_tensor(y, dtype=torch.float64, device=device)
        return _lags_torch.lagged_cross(x_t, y_t, lags, edges)
    return _lagged_cross_np(x, y, lags, edges)


def _correlations_symmetric(x: np.ndarray, diffs: np.ndarray) -> np.ndarray:
    """Return the zero-edge correlations at symmetric lag differences.

    ``corr[k, i, j] = sum_s x[s - diffs[k], i] * x[s, j]`` for ``diffs`` running
    from ``-D`` to ``D``. Only the differences ``0`` to ``D`` are computed (one
    blocked product); the others follow from ``corr(-d) = corr(d).T``, which halves
    the arithmetic.
    """
    n_feat = x.shape[1]
    d_max = int(diffs[-1])
    pos = _lagged_cross_np(x, x, diffs[d_max:], "zero")
    return _mirrored(pos.reshape(n_feat, d_max + 1, n_feat))


def _mirrored(pos: np.ndarray) -> np.ndarray:
    """Correlations at differences ``-D..D`` from those at ``0..D``.

    ``pos[i, d, j] = sum_s x[s, i] * x[s + d, j]``; the result is laid out as
    :func:`_correlations_symmetric` returns it, ``(2 D + 1, n, n)``.
    """
    n_feat, n_pos = pos.shape[0], pos.shape[1]
    d_max = n_pos - 1
    pos = pos.transpose(1, 0, 2)
    corr = np.empty((2 * d_max + 1, n_feat, n_feat))
    corr[d_max:] = pos
    corr[:d_max] = pos[:0:-1].transpose(0, 2, 1)
    return corr


def _lagged_cross_np(
    x: np.ndarray, y: np.ndarray, lags: np.ndarray, edges: str
) -> np.ndarray:
    """:func:`lagged_cross` of checked 2-D numpy trials and checked lags."""
    n_times, n_feat = x.shape
    t0, t1 = _row_range(n_times, lags, edges)
    x = x.astype(np.float64, copy=False)
    y = y.astype(np.float64, copy=False)
    span = int(lags[-1] - lags[0]) + 1
    if _lags_fft.fft_is_cheaper(n_feat, y.shape[1], span):
        # rows t in [t0, t1) pair y[t] with x[t - lag]: y outside them is zero
        if (t0, t1) != (0, n_times):
            y_kept = np.zeros_like(y)
            y_kept[t0:t1] = y[t0:t1]
            y = y_kept
        corr = _lags_fft.blocked_cross_correlation(x, y, int(lags[0]), span)
        return corr[:, lags - lags[0]].reshape(n_feat * lags.size, y.shape[1])
    out = np.zeros((n_feat * lags.size, y.shape[1]))
    x_t = np.ascontiguousarray(x.T)  # (n_features, n_times): contiguous lag copies
    # materialise the transposed lagged design in row chunks of bounded size
    chunk = max(256, int(_CHUNK_BYTES // (8 * n_feat * lags.size)))
    for start in range(t0, t1, chunk):
        stop = min(t1, start + chunk)
        block = np.zeros((n_feat, lags.size, stop - start))
        for a, lag in enumerate(lags):  # loop over lags only
            lo, hi = max(start, lag), min(stop, n_times + lag)
            if hi > lo:
                block[:, a, lo - start : hi - start] = x_t[:, lo - lag : hi - lag]
        out += block.reshape(n_feat * lags.size, -1) @ y[start:stop]
    return out
