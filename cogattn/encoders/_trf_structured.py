"""Lagged Gram matrices kept as correlations and edge samples, applied by FFT.

Over all the rows where some lag of a trial reaches inside it, the lagged Gram
matrix of ``[x, 1]`` is exactly block Toeplitz: block ``(i, j)`` at lags ``(a, b)``
is the correlation of inputs ``i`` and ``j`` at lag difference ``a - b``. The design
keeps only the rows ``[t0, t1)``; the others, at most ``2 * (n_lags - 1)`` per trial,
are the *edge rows* ``E``. So

    G = T(corr) - E.T @ E,

with ``corr`` of size ``(2 n_lags - 1) x q x q`` for ``q`` augmented inputs. An edge
row at the head of a trial reads only its first samples, and one at the tail only
its last ones, so ``E @ u`` is the convolution of those few samples with ``u`` and
``E.T @ z`` their correlation with ``z``. A product ``G @ v`` is then computed in
the frequency domain over lags: one FFT of ``v``, one small complex product per
frequency for the Toeplitz part and two for the edges (with one FFT pair over the
edge rows), and one inverse FFT. That is about a millisecond where a dense
``(q n_lags)^2`` Gram matrix is 138 MB to read (64 inputs, 65 lags). Centering is a
change of variables on the lagged ones (``"signal"``) or a rank-one term
(``"columns"``), so it never needs the dense matrix either.

Statistics add over trials: correlations add, edge samples are kept per trial (keyed
by a unique number), so a fold's training set is still ``total - held out``. The
dense matrix is formed only when a penalty must be solved directly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import fft

from cogattn._core.backend._numpy import gemm

__all__ = [
    "EdgeSegment",
    "LaggedCorrelations",
    "LaggedOperator",
    "edge_segments",
    "first_circulant_column",
]

_TRIAL_KEYS = itertools.count()


@dataclass(frozen=True)
class EdgeSegment:
    """The samples behind a run of edge rows, and where those rows sit.

    Row ``m`` (``first <= m < stop``) of the run holds ``samples[m - a, i]`` at
    column ``(i, a)``, zero where ``m - a`` falls outside ``[0, len(samples))``:
    row ``m`` is the convolution of ``samples`` with the lagged coefficients.

    Attributes
    ----------
    samples : ndarray of shape (n_samples, q)
        The trial's first samples (head) or last samples (tail) of ``[x, 1]``.
    first, stop : int
        The rows, as positions in that convolution.
    """

    samples: np.ndarray
    first: int
    stop: int

    def rows(self, n_lags: int) -> np.ndarray:
        """Form the rows as a dense matrix, ``(stop - first, q * n_lags)``."""
        return _rows(self.samples, np.arange(self.first, self.stop), np.arange(n_lags))

    def fft_size(self, n_lags: int) -> int:
        """Shortest period whose circular convolution and correlation are exact."""
        return max(self.stop, self.samples.shape[0] + n_lags - 1 - self.first)


@dataclass
class LaggedCorrelations:
    """Lagged Gram matrix of ``[x, 1]`` over some trials, in factored form.

    Attributes
    ----------
    corr : ndarray of shape (2 * n_lags - 1, q, q)
        ``corr[d + n_lags - 1, i, j] = sum_s x[s, i] x[s + d, j]`` summed over the
        trials (``q = n_features + 1``: the last input is the constant).
    edges : dict of int to tuple of EdgeSegment
        Every trial's edge rows (:func:`edge_segments`), head and tail.
    """

    corr: np.ndarray
    edges: dict[int, tuple[EdgeSegment, ...]]

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

    def segments(self) -> list[EdgeSegment]:
        """Every trial's edge segments that hold rows."""
        return [
            seg for segs in self.edges.values() for seg in segs if seg.stop > seg.first
        ]

    def dense(self) -> np.ndarray:
        """Form the Gram matrix ``T(corr) - E.T @ E``, ``(q n_lags, q n_lags)``."""
        n_l = self.n_lags
        q = self.corr.shape[1]
        lag = np.arange(n_l)
        # block (i, j) at lags (a, b) reads corr[a - b + n_l - 1, i, j]
        blocks = self.corr[lag[:, None] - lag[None, :] + n_l - 1]  # (a, b, i, j)
        gram = np.ascontiguousarray(blocks.transpose(2, 0, 3, 1))
        gram = gram.reshape(q * n_l, q * n_l)
        segs = self.segments()
        if segs:
            rows = np.concatenate([seg.rows(n_l) for seg in segs], axis=0)
            gram -= gemm(np.ascontiguousarray(rows.T), rows)
        return 0.5 * (gram + gram.T)


def edge_segments(
    xa: np.ndarray, lags: np.ndarray, t0: int, t1: int
) -> tuple[int, tuple[EdgeSegment, EdgeSegment]]:
    """Edge rows of one trial, as the samples they read, and a fresh key for them.

    The edge rows are the rows ``t`` in ``[lags[0], n_times + lags[-1])`` (those
    that some lag reaches) outside the kept rows ``[t0, t1)``; row ``t`` holds
    ``xa[t - lags[a], i]`` at column ``(i, a)``, zero outside the trial. A head row
    (``t < t0``) reads samples before ``t0 - lags[0]`` only, a tail row (``t >=
    t1``) samples from ``t1 - lags[-1]`` on.

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
    segments : (EdgeSegment, EdgeSegment)
        Head and tail rows.
    """
    n_times = xa.shape[0]
    lo, hi = int(lags[0]), n_times + int(lags[-1])
    head_stop = min(t0, hi)  # head rows [lo, head_stop)
    tail_start = max(t1, lo)  # tail rows [tail_start, hi)
    n_head = int(np.clip(head_stop - lo, 0, n_times))
    start = int(np.clip(tail_start - int(lags[-1]), 0, n_times))
    # row t reads sample t - lags[a] = s0 + m - a with m = t - lags[0] - s0
    head = EdgeSegment(xa[:n_head].copy(), 0, max(head_stop - lo, 0))
    tail = EdgeSegment(
        xa[start:].copy(), tail_start - lo - start, max(hi - lo - start, 0)
    )
    if tail.stop <= tail.first:
        tail = EdgeSegment(xa[:0].copy(), 0, 0)
    return next(_TRIAL_KEYS), (head, tail)


def _rows(xa: np.ndarray, times: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Lagged design rows ``times`` on ``lags``: ``(n_rows, q * n_lags)``."""
    n_times, q = xa.shape
    src = times[:, None] - lags[None, :]  # (n_rows, n_lags)
    inside = (src >= 0) & (src < n_times)
    vals = xa[np.clip(src, 0, max(n_times - 1, 0))] * inside[:, :, None]
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
        n_l = self.n_lags
        segs = gram.segments()
        # the convolution of 2 n_lags - 1 differences with n_lags coefficients
        # wraps around a period of 2 n_lags - 1 or more only into the outputs
        # outside [n_lags - 1, 2 n_lags - 1), which are dropped (overlap-save)
        need = max([2 * n_l - 1] + [seg.fft_size(n_l) for seg in segs])
        self.size = fft.next_fast_len(need, real=True)
        self._spec = fft.rfft(gram.corr, n=self.size, axis=0)  # (n_freqs, q, q)
        self._edge_spec = None
        if segs:
            q = gram.corr.shape[1]
            samples = np.zeros((self.size, len(segs), q))
            keep = np.zeros((self.size, len(segs), 1))
            for c, seg in enumerate(segs):
                samples[: seg.samples.shape[0], c] = seg.samples
                keep[seg.first : seg.stop, c] = 1.0
            self._edge_spec = fft.rfft(samples, axis=0)  # (F, n_segments, q)
            self._edge_spec_h = np.ascontiguousarray(
                self._edge_spec.conj().transpose(0, 2, 1)
            )
            self._keep = keep
            # the edge correlation lands on lags [0, n_lags): shift it to the
            # Toeplitz outputs [n_lags - 1, 2 n_lags - 1)
            freqs = np.arange(self.size // 2 + 1)
            self._shift = np.exp(-2j * np.pi * freqs * (n_l - 1) / self.size)

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
        prod = np.matmul(self._spec, spec)
        if self._edge_spec is not None:
            # E u: each segment convolved with u, kept on its edge rows
            rows = fft.irfft(np.matmul(self._edge_spec, spec), n=self.size, axis=0)
            rows *= self._keep
            # E.T (E u): the segments correlated with those rows
            back = np.matmul(self._edge_spec_h, fft.rfft(rows, axis=0))
            prod -= self._shift[:, None, None] * back
        full = fft.irfft(prod, n=self.size, axis=0)
        out = full[n_l - 1 : 2 * n_l - 1].transpose(1, 0, 2)  # (q, n_l, k)
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
        from cogattn.encoders._trf_solvers import _feature_pairs

        out = _lags_numba.centered_gram(
            full, np.zeros((0, 0)), _feature_pairs(p), gxo, goo,
            np.asarray(mean, dtype=float), np.empty((p_l, p_l)), False,
        )  # fmt: skip
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
