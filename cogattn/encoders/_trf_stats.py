"""Additive sufficient statistics of lagged designs, one trial at a time.

Each trial contributes the lagged Gram matrix and lagged cross products of an
augmented input ``[x, 1]`` (the lagged constant gives the edge-aware sums that exact
centering needs), plus sums of the output. Statistics add over trials, so a
cross-validation fold's training set is the total minus its held-out trials
(:mod:`cogattn.encoders._trf_solvers` solves from them).

Statistics of numpy trials are numpy arrays (lagged products on the host, numba edge
corrections); statistics of torch tensors are tensors on the trials' device, computed
by the numpy kernels for CPU tensors and by :mod:`cogattn.encoders._lags_torch` on
other devices, and every later step stays there.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.validation import is_tensor
from cogattn.encoders import _lags_fft
from cogattn.encoders._trf_structured import LaggedCorrelations, edge_segments
from cogattn.encoders.lags import (
    GramAccumulator,
    _correlations_symmetric,
    _lagged_cross_np,
    _lagged_gram_np,
    _mirrored,
    _row_range,
)

__all__ = ["LaggedStats", "each_group_stats", "each_trial_stats", "trial_stats"]


@dataclass
class LaggedStats:
    """Additive sufficient statistics of one or more trials.

    The arrays are numpy arrays for numpy trials and tensors on the trials' device
    for torch trials.

    Attributes
    ----------
    gram : ndarray | LaggedCorrelations
        Lagged Gram matrix of ``[x, 1]`` over the kept rows: dense, of shape
        ``((n_features + 1) * n_lags,) * 2``, or factored.
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

    @classmethod
    def sum(
        cls,
        items: list[LaggedStats],
        reuse_first: bool = False,
        block: int = 0,
        out: np.ndarray | None = None,
    ) -> LaggedStats:
        """Sum of statistics, accumulated in place.

        ``a + b + c`` allocates a new Gram matrix for every ``+``; this allocates
        one, or none with ``reuse_first`` (the first item's arrays then hold the sum:
        only for statistics that are not needed on their own afterwards). With
        ``block`` (rows per feature, numpy Gram matrices filled with ``upper_only``)
        only the blocks of feature pairs ``i <= j`` are read and summed, into a new
        matrix whose other blocks are zeros, or into ``out`` (overwritten).
        """
        fields = list(cls.__dataclass_fields__)  # "gram" first
        if block:
            from cogattn.encoders._lags_numba import add_upper_blocks

            if out is None:
                gram = np.zeros_like(items[0].gram)
            else:
                gram = out
                gram[...] = 0.0
            for item in items:
                add_upper_blocks(gram, item.gram, block)
            return cls(gram, *_sum_fields(items, fields[1:], reuse_first=False))
        return cls(*_sum_fields(items, fields, reuse_first))

    def __sub__(self, other: LaggedStats) -> LaggedStats:
        return LaggedStats(
            *(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__)
        )


def _sum_fields(
    items: list[LaggedStats], names: list[str], reuse_first: bool
) -> list[Any]:
    """Sum the fields ``names`` over ``items`` (into the first's arrays if reused)."""
    first = [getattr(items[0], name) for name in names]
    out = first if reuse_first else [_fresh_copy(v) for v in first]
    for item in items[1:]:
        for k, name in enumerate(names):
            out[k] += getattr(item, name)  # in place for arrays and tensors
    return out


def _fresh_copy(value: Any) -> Any:
    """Return a copy of an array or tensor (floats are immutable)."""
    if is_tensor(value):
        return value.clone()
    if isinstance(value, LaggedCorrelations):
        return value.copy()
    return np.array(value) if isinstance(value, np.ndarray) else value


def trial_stats(
    x: Any,
    y: Any,
    lags: np.ndarray,
    edges: str,
    factored: bool = False,
    upper_only: bool = False,
    add_gram_to: GramAccumulator | None = None,
) -> LaggedStats:
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
    factored : bool
        Keep the Gram matrix as correlations and edge rows
        (:class:`cogattn.encoders._trf_structured.LaggedCorrelations`; numpy trials
        and consecutive lags only).
    upper_only : bool
        Fill only the Gram matrix's blocks of feature pairs ``i <= j``, zeros
        elsewhere (numpy trials; for the host solvers, which read that triangle).
    add_gram_to : GramAccumulator | None
        numpy trials with ``upper_only`` and not ``factored``: add the Gram
        matrix's upper blocks into this sum instead of returning a new matrix (the
        returned ``gram`` is then ``None``).

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
    span = int(lags[-1] - lags[0]) + 1
    corr = None  # the Gram matrix's correlations, when computed here
    q = n_feat + 1
    cheaper = _lags_fft.fft_is_cheaper
    if cheaper(n_feat, y.shape[1], span) and cheaper(q, q, span):
        # one transform of [x, 1] serves the cross products (with the lagged ones
        # x y row) and the correlations of the Gram matrix
        with_y, with_x = _lags_fft.blocked_cross_correlations(
            xa, [(y, int(lags[0]), (t0, t1)), (xa, 0, None)], span
        )
        picked = with_y[:, lags - lags[0]] if span != n_lags else with_y
        cross[:, :-1] = picked.reshape(q * n_lags, -1)
        corr = _mirrored(with_x)
    else:
        cross[: n_feat * n_lags, :-1] = _lagged_cross_np(x, y, lags, edges)
        cross[n_feat * n_lags :, :-1] = _window_sums(y, lo, hi, y_total)  # ones x y
    cross[: n_feat * n_lags, -1] = _window_sums(
        x, lo - lags, hi - lags, x_total
    ).T.reshape(-1)
    cross[n_feat * n_lags :, -1] = hi - lo
    if factored:
        diffs = np.arange(1 - n_lags, n_lags)
        key, segments = edge_segments(xa, lags, t0, t1)
        if corr is None:
            corr = _correlations_symmetric(xa, diffs)
        gram: Any = LaggedCorrelations(corr, {key: segments})
    elif add_gram_to is not None:
        _lagged_gram_np(xa, lags, edges, corr=corr, upper_only=True, add_to=add_gram_to)
        gram = None
    else:
        gram = _lagged_gram_np(xa, lags, edges, corr=corr, upper_only=upper_only)
    return LaggedStats(
        gram=gram,
        cross=cross,
        # a copy: sums accumulate in place, so no two fields may share memory
        y_sum=y_total.copy() if (t0, t1) == (0, n_times) else yr.sum(axis=0),
        y_sq=np.einsum("ij,ij->j", yr, yr),
        n_rows=float(t1 - t0),
        x_sum_all=x_total,
        y_sum_all=y_total,
        n_all=float(n_times),
    )


def each_trial_stats(
    pairs: Sequence[tuple[Any, Any]],
    lags: np.ndarray,
    edges: str,
    factored: bool = False,
    upper_only: bool = False,
    done: Callable[[int], Any] | None = None,
) -> list[LaggedStats]:
    """:func:`trial_stats` of every ``(x, y)`` trial, in order.

    numpy trials run in threads, one per usable core: the transforms, products and
    numba kernels release the GIL, and one trial's work is too small to spread
    over cores by itself (about 1.6 times faster on two cores for 16 -> 64
    channels; the per-frequency products are small enough for BLAS to keep each
    on one thread). Overflow is left to the caller's checks (no numpy warnings).

    Parameters
    ----------
    pairs : sequence of (x, y)
        Input and output trials, as :func:`trial_stats` takes them.
    lags, edges, factored, upper_only
        As in :func:`trial_stats`.
    done : callable | None
        Called with ``1`` after each trial (a progress bar's ``update``).

    Returns
    -------
    stats : list of LaggedStats
    """

    def one(pair: tuple[Any, Any]) -> LaggedStats:
        return trial_stats(
            pair[0], pair[1], lags, edges, factored=factored, upper_only=upper_only
        )

    return _map_trials(one, pairs, done, threads=not is_tensor(pairs[0][0]))


def each_group_stats(
    pairs: Sequence[tuple[Any, Any]],
    groups: Sequence[Sequence[int]],
    lags: np.ndarray,
    edges: str,
    factored: bool = False,
    upper_only: bool = False,
    done: Callable[[int], Any] | None = None,
    grams: Sequence[np.ndarray] | None = None,
) -> list[LaggedStats]:
    """Sum :func:`trial_stats` over each of disjoint groups of trials (k folds).

    For numpy trials with ``upper_only`` (and not ``factored``) every trial adds
    its Gram matrix straight into its group's matrix, so no trial's matrix is
    ever allocated, written whole and summed afterwards. Trials run in threads
    as in :func:`each_trial_stats`, taking the groups in turn, and a lock per
    group serialises the additions into one matrix.

    Parameters
    ----------
    pairs : sequence of (x, y)
        Input and output trials.
    groups : sequence of sequence of int
        Disjoint lists of trial indices; trials in no group are skipped.
    lags, edges, factored, upper_only, done
        As in :func:`each_trial_stats`.
    grams : sequence of ndarray of shape (m, m) | None
        Where the groups' Gram matrices go when trials add into them (``m = (n_features
        + 1) * n_lags``), one per group, overwritten: buffers reused from fit to
        fit have no fresh pages to fault in (two threads faulting at once wait on
        each other). ``None``: new arrays.

    Returns
    -------
    stats : list of LaggedStats
        One sum per group, in order.
    """
    members = [[int(t) for t in group] for group in groups]
    flat = [t for group in members for t in group]
    if len(set(flat)) != len(flat) or not all(members):
        raise ValueError(f"groups must be disjoint and not empty, got {members}")
    if factored or not upper_only or is_tensor(pairs[0][0]):
        per_trial = each_trial_stats(
            [pairs[t] for t in flat], lags, edges, factored, upper_only, done
        )
        found = dict(zip(flat, per_trial, strict=True))
        # each trial is in one group: its arrays may hold the group's sum
        return [
            LaggedStats.sum([found[t] for t in group], reuse_first=True)
            for group in members
        ]
    n_lags = lags.size
    size = (pairs[0][0].shape[1] + 1) * n_lags
    if grams is None:  # zeros from calloc: the lower blocks are never touched
        grams = [np.zeros((size, size)) for _ in members]
    elif len(grams) != len(members) or any(g.shape != (size, size) for g in grams):
        raise ValueError(f"grams must be {len(members)} arrays of shape {(size,) * 2}")
    else:  # the first trial of a group writes the upper blocks, these stay zeros
        for gram in grams:
            for r0 in range(n_lags, size, n_lags):
                gram[r0 : r0 + n_lags, :r0] = 0.0
    sums = [GramAccumulator(gram) for gram in grams]
    group_of = {t: k for k, group in enumerate(members) for t in group}
    # one trial of each group in turn: two threads rarely want the same lock
    turns = itertools.zip_longest(*members)
    order = [t for turn in turns for t in turn if t is not None]

    def one(t: int) -> LaggedStats:
        x, y = pairs[t]
        return trial_stats(
            x, y, lags, edges, upper_only=True, add_gram_to=sums[group_of[t]]
        )

    found = dict(zip(order, _map_trials(one, order, done, threads=True), strict=True))
    return [
        _summed_with_gram([found[t] for t in group], gram)
        for group, gram in zip(members, grams, strict=True)
    ]


def _summed_with_gram(items: list[LaggedStats], gram: np.ndarray) -> LaggedStats:
    """Sum of statistics without Gram matrices (into the first's arrays), ``gram``."""
    names = list(LaggedStats.__dataclass_fields__)[1:]  # all but "gram"
    return LaggedStats(gram, *_sum_fields(items, names, reuse_first=True))


def _map_trials(
    fn: Callable[[Any], LaggedStats],
    items: Sequence[Any],
    done: Callable[[int], Any] | None,
    threads: bool,
) -> list[LaggedStats]:
    """``[fn(item) for item in items]``, in threads when asked and cores allow."""

    def one(item: Any) -> LaggedStats:
        # numpy's error state is per thread: set it in the worker
        with np.errstate(over="ignore", invalid="ignore"):
            out = fn(item)
        if done is not None:
            done(1)
        return out

    if not threads or min(len(items), _usable_cores()) < 2:
        return [one(item) for item in items]
    return list(_pool().map(one, items))


def _usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_POOLS: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """One thread per usable core, started once (a start costs milliseconds)."""
    with _POOL_LOCK:
        if not _POOLS:
            _POOLS.append(
                ThreadPoolExecutor(_usable_cores(), thread_name_prefix="cogattn-trf")
            )
        return _POOLS[0]


def _forget_pool() -> None:
    """In a forked child: the parent's threads are gone, so start afresh."""
    global _POOL_LOCK
    _POOLS.clear()
    _POOL_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_pool)


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
