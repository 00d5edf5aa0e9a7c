"""Lagged Gram matrices kept as correlations and edge rows, applied by FFT.

Over all the rows where some lag of a trial reaches inside it, the lagged Gram
matrix of ``[x, 1]`` is exactly block Toeplitz: block ``(i, j)`` at lags ``(a, b)``
is the correlation of inputs ``i`` and ``j`` at lag difference ``a - b``. The design
keeps only the rows ``[t0, t1)``; the others, at most ``2 * (n_lags - 1)`` per trial,
are the *edge rows* ``E``. So

    G = T(corr) - E.T @ E,

with ``corr`` of size ``(2 n_lags - 1) x q x q`` for ``q`` augmented inputs. A product
``G @ v`` is then a block convolution over lags (one FFT of ``v``, one small complex
product per frequency) plus two thin products with the edge rows: a few
milliseconds where a dense ``(q n_lags)^2`` Gram matrix is 138 MB to read (64 inputs,
65 lags). Centering is a change of variables on the lagged ones (``"signal"``) or a
rank-one term (``"columns"``), so it never needs the dense matrix either.

Statistics add over trials: correlations add, edge rows are kept per trial (keyed by
a unique number), so a fold's training set is still ``total - held out``. The dense
matrix is formed only when a penalty must be solved directly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import fft

from cogattn._core.backend._numpy import gemm

__all__ = [
    "LaggedCorrelations",
    "LaggedOperator",
    "edge_rows",
    "first_circulant_column",
]

_TRIAL_KEYS = itertools.count()


@dataclass
class LaggedCorrelations:
    """Lagged Gram matrix of ``[x, 1]`` over some trials, in factored form.

    Attributes
    ----------
    corr : ndarray of shape (2 * n_lags - 1, q, q)
        ``corr[d + n_lags - 1, i, j] = sum_s x[s, i] x[s + d, j]`` summed over the
        trials (``q = n_features + 1``: the last input is the constant).
    edges : dict of int to (ndarray, ndarray)
        Every trial's edge rows (:func:`edge_rows`): the head rows on the first
        ``w_head`` lags, shape ``(n_head, q * w_head)``, and the tail rows on the
        last ``w_tail`` lags, shape ``(n_tail, q * w_tail)``; the other lags of
        those rows are zero. The widths are the same for every trial.
    """

    corr: np.ndarray
    edges: dict[int, tuple[np.ndarray, np.ndarray]]

    @property
    def n_lags(self) -> int:
        """Number of (consecutive) lags."""
        return (self.corr.shape[0] + 1) // 2

    def copy(self) -> LaggedCorrelations:
        """Copy whose correlations can be updated in place."""
        return LaggedCorrelations(self.corr.copy(), dict(self.edges))

    def __add__(self, other: LaggedCorrelations) -> LaggedCorrelations:
        return LaggedCorrelations(self.corr + other.corr, {**self.edges, **other.edges})

    def __iadd__(self, other: LaggedCorrelations) -> LaggedCorrelations:
        self.corr += other.corr
        self.edges.update(other.edges)
        return self

    def __sub__(self, other: LaggedCorrelations) -> LaggedCorrelations:
        kept = {k: v for k, v in self.edges.items() if k not in other.edges}
        return LaggedCorrelations(self.corr - other.corr, kept)

    def edge_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """Head rows and tail rows of all trials, each stacked over trials."""
        if not self.edges:
            return np.zeros((0, 0)), np.zeros((0, 0))
        heads, tails = zip(*self.edges.values(), strict=True)
        return np.concatenate(heads, axis=0), np.concatenate(tails, axis=0)

    def dense(self) -> np.ndarray:
        """Form the Gram matrix ``T(corr) - E.T @ E``, ``(q n_lags, q n_lags)``."""
        n_l = self.n_lags
        q = self.corr.shape[1]
        lag = np.arange(n_l)
        # block (i, j) at lags (a, b) reads corr[a - b + n_l - 1, i, j]
        blocks = self.corr[lag[:, None] - lag[None, :] + n_l - 1]  # (a, b, i, j)
        gram = np.ascontiguousarray(blocks.transpose(2, 0, 3, 1))  # (i, a, j, b)
        for rows, window in zip(self.edge_blocks(), _windows(self), strict=True):
            if rows.shape[0]:
                w = window.stop - window.start
                prod = gemm(np.ascontiguousarray(rows.T), rows).reshape(q, w, q, w)
                gram[:, window, :, window] -= prod
        gram = gram.reshape(q * n_l, q * n_l)
        return 0.5 * (gram + gram.T)


def _windows(gram: LaggedCorrelations) -> tuple[slice, slice]:
    """Lags covered by the head rows and by the tail rows."""
    q, n_l = gram.corr.shape[1], gram.n_lags
    if not gram.edges:
        return slice(0, 0), slice(n_l, n_l)
    head, tail = next(iter(gram.edges.values()))
    return slice(0, head.shape[1] // q), slice(n_l - tail.shape[1] // q, n_l)


def edge_rows(
    xa: np.ndarray, lags: np.ndarray, t0: int, t1: int
) -> tuple[int, tuple[np.ndarray, np.ndarray]]:
    """Edge rows of one trial and a fresh key for them.

    The edge rows are the rows ``t`` in ``[lags[0], n_times + lags[-1])`` (those
    that some lag reaches) outside the kept rows ``[t0, t1)``; row ``t`` holds
    ``xa[t - lags[a], i]`` at column ``(i, a)``, zero outside the trial. A head row
    (``t < t0``) is zero beyond lag ``t0 - lags[0]`` and a tail row (``t >= t1``)
    before lag ``t1 - n_times + 1 - lags[0]``, so each part keeps only its lags.

    Parameters
    ----------
    xa : ndarray of shape (n_times, q)
        The trial's augmented input ``[x, 1]``.
    lags : ndarray of int64, shape (n_lags,)
        Consecutive sample lags.
    t0, t1 : int
        Kept rows.

    Returns
    -------
    key : int
        Unique key of the trial's rows.
    rows : (ndarray, ndarray)
        Head rows on lags ``[0, w_head)``, shape ``(n_head, q * w_head)``, and tail
        rows on lags ``[n_lags - w_tail, n_lags)``, shape ``(n_tail, q * w_tail)``;
        feature-major like the design.
    """
    n_times = xa.shape[0]
    n_l = lags.size
    lo, hi = int(lags[0]), n_times + int(lags[-1])
    w_head = int(np.clip(t0 - lo, 0, n_l))
    w_tail = n_l - int(np.clip(t1 - n_times + 1 - lo, 0, n_l))
    head = _rows(xa, np.arange(lo, min(t0, hi)), lags[:w_head])
    tail = _rows(xa, np.arange(max(t1, lo), hi), lags[n_l - w_tail :])
    return next(_TRIAL_KEYS), (head, tail)


def _rows(xa: np.ndarray, times: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Lagged design rows ``times`` on ``lags``: ``(n_rows, q * n_lags)``."""
    n_times, q = xa.shape
    src = times[:, None] - lags[None, :]  # (n_rows, n_lags)
    inside = (src >= 0) & (src < n_times)
    vals = xa[np.clip(src, 0, n_times - 1)] * inside[:, :, None]  # (rows, lags, q)
    rows = np.ascontiguousarray(vals.transpose(0, 2, 1))
    return rows.reshape(times.size, q * lags.size)


def first_circulant_column(corr: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """First columns of the block T. Chan circulant of the centred Toeplitz part.

    Parameters
    ----------
    corr : ndarray of shape (2 * n_lags - 1, q, q)
        Correlations of ``[x, 1]``.
    shift : ndarray of shape (q - 1,)
        Per-input mean taken out with the lagged ones (zeros: no centering).

    Returns
    -------
    first : ndarray of shape (q - 1, q - 1, n_lags)
        ``first[i, j, k]`` averages block ``(i, j)`` over the entries with
        ``(a - b) mod n_lags = k`` (edge rows left out: an approximation).
    """
    n_l = (corr.shape[0] + 1) // 2
    q = corr.shape[1]
    # centred blocks P.T C_d P with P = [I; -shift]
    proj = np.vstack([np.eye(q - 1), -shift[None, :]])  # (q, q - 1)
    cen = np.matmul(np.matmul(proj.T, corr), proj)  # (2 n_l - 1, p, p)
    k = np.arange(n_l)
    # (n_l - k) entries at difference k and k entries at k - n_l
    first = (n_l - k)[:, None, None] * cen[k + n_l - 1]
    first[1:] += k[1:, None, None] * cen[k[1:] - 1]
    return (first / n_l).transpose(1, 2, 0)


class LaggedOperator:
    """A centred lagged Gram matrix as a linear operator on coefficients.

    Parameters
    ----------
    gram : LaggedCorrelations
        Statistics of the trials.
    n_features : int
        Inputs ``p`` (the statistics hold ``p + 1``, the last one the constant).
    centering : {"signal", "columns"} | None
        As in :func:`cogattn.encoders._trf_solvers.build_problem`.
    mean : ndarray of shape (n_features,)
        Signal means (``"signal"``).
    col_mean : ndarray of shape (n_features * n_lags,)
        Lagged column means (``"columns"``).
    n_rows : float
        Kept rows (``"columns"``).
    """

    def __init__(
        self,
        gram: LaggedCorrelations,
        n_features: int,
        centering: str | None,
        mean: np.ndarray | None = None,
        col_mean: np.ndarray | None = None,
        n_rows: float = 0.0,
    ) -> None:
        self.gram = gram
        self.n_features = n_features
        self.n_lags = gram.n_lags
        self.centering = centering
        self.mean = mean
        self.col_mean = col_mean
        self.n_rows = n_rows
        n_coef = n_features * self.n_lags
        self.shape = (n_coef, n_coef)
        # the convolution of 2 n_lags - 1 differences with n_lags coefficients
        # wraps around a period of 2 n_lags - 1 or more only into the outputs
        # outside [n_lags - 1, 2 n_lags - 1), which are dropped (overlap-save)
        self.size = fft.next_fast_len(2 * self.n_lags - 1, real=True)
        self._spec = fft.rfft(gram.corr, n=self.size, axis=0)  # (n_freqs, q, q)
        self._edges = list(zip(gram.edge_blocks(), _windows(gram), strict=True))

    def _augment(self, w: np.ndarray) -> np.ndarray:
        """Coefficients ``(p, n_lags, k)`` on ``[x, 1]``: ``(p + 1, n_lags, k)``."""
        ones = np.zeros((1, *w.shape[1:]))
        if self.centering == "signal":  # x - m lagged = lagged x - m lagged ones
            ones[0] = -np.einsum("i,iak->ak", self.mean, w)
        return np.concatenate([w, ones], axis=0)

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """Return ``G_centred @ v`` for ``v`` of shape ``(n_coef, k)``."""
        p, n_l = self.n_features, self.n_lags
        k = v.shape[1]
        u = self._augment(v.reshape(p, n_l, k))  # (q, n_l, k)
        spec = fft.rfft(u, n=self.size, axis=1).transpose(1, 0, 2)  # (F, q, k)
        full = fft.irfft(np.matmul(self._spec, spec), n=self.size, axis=0)
        out = np.ascontiguousarray(full[n_l - 1 : 2 * n_l - 1].transpose(1, 0, 2))
        for rows, window in self._edges:
            if rows.shape[0]:
                part = u[:, window].reshape(-1, k)
                # numpy's BLAS, like the batched product above: alternating with
                # scipy's pool would leave one pool spinning while the other works
                out[:, window] -= (rows.T @ (rows @ part)).reshape(u.shape[0], -1, k)
        z = out[:p]
        if self.centering == "signal":
            z = z - self.mean[:, None, None] * out[p][None]
        z = z.reshape(p * n_l, k)
        if self.centering == "columns":
            z = z - self.n_rows * np.outer(self.col_mean, self.col_mean @ v)
        return z

    def dense(self) -> np.ndarray:
        """Form the centred Gram matrix, ``(n_coef, n_coef)`` (for direct solves)."""
        from cogattn.encoders import _lags_numba

        p, n_l = self.n_features, self.n_lags
        p_l = p * n_l
        full = self.gram.dense()
        mean = self.mean if self.centering == "signal" else np.zeros(p)
        gxo = np.ascontiguousarray(full[:p_l, p_l:]).reshape(p, n_l, n_l)
        goo = np.ascontiguousarray(full[p_l:, p_l:])
        i, j = np.triu_indices(p)
        pairs = np.ascontiguousarray(np.stack([i, j], axis=1).astype(np.int64))
        out = _lags_numba.centered_gram(
            full, np.zeros((0, 0)), pairs, gxo, goo, np.asarray(mean, dtype=float)
        )
        if self.centering == "columns":
            out -= self.n_rows * np.outer(self.col_mean, self.col_mean)
        return out

    def preconditioner_column(self) -> np.ndarray:
        """:func:`first_circulant_column` with this operator's centering."""
        p, n_l = self.n_features, self.n_lags
        if self.centering == "signal":
            shift = self.mean
        elif self.centering == "columns":  # lagged column means, averaged
            shift = self.col_mean.reshape(p, n_l).mean(axis=1)
        else:
            shift = np.zeros(p)
        return first_circulant_column(self.gram.corr, shift)


def as_matvec(gram: Any) -> Any:
    """``v -> gram @ v`` for a dense matrix or a :class:`LaggedOperator`."""
    if isinstance(gram, LaggedOperator):
        return gram.matvec
    return lambda v: gemm(gram, v)
