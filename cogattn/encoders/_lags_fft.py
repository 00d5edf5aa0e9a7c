"""Lagged cross products through short FFT blocks (overlap-save).

The lagged cross product ``r[lag, i, j] = sum_s x[s, i] * y[s + lag, j]`` over a
window of ``K`` consecutive lags costs ``n_times * n_in * n_out * K`` multiply-adds
as a product with the lagged design. Cut ``x`` into blocks of ``L`` samples, each
zero-padded to ``N >= L + K - 1``, and pair each block with the ``N`` samples of
``y`` that its lags reach: a circular correlation of length ``N`` then holds the
block's ``K`` lags without wrap-around. The spectra add over blocks, so the whole
trial is one batched complex product per frequency (``N / 2 + 1`` of them, each
summing over the blocks) and one inverse transform per ``(i, j)`` pair: about
``n_times * n_in * n_out * N / (2 L)`` complex multiply-adds, independent of ``K``.

Called by :mod:`cogattn.encoders.lags` on validated float64 arrays.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy import fft

from cogattn._core.scratch import scratch

__all__ = [
    "blocked_cross_correlation",
    "blocked_cross_correlations",
    "fft_is_cheaper",
]

#: Cost model (nanoseconds per unit, measured on a 2-core x86 machine with
#: OpenBLAS and pocketfft): the lagged-design route copies ``n_in * K`` values per
#: sample and multiplies them with ``n_out`` outputs; the FFT route transforms
#: ``n_in + n_out`` channels per sample and multiplies the spectra pair by pair.
#: The transform cost is the one seen inside a TRF fit (cold caches), where one
#: envelope against 64 channels over 65 lags is faster as a product.
_COPY_NS, _GEMM_NS = 0.75, 0.067
_FFT_NS, _SPECTRUM_NS = 5.5, 0.23


def fft_is_cheaper(n_in: int, n_out: int, n_lags: int) -> bool:
    """Whether :func:`blocked_cross_correlation` beats the lagged-design product.

    Parameters
    ----------
    n_in, n_out : int
        Channels of ``x`` and ``y``.
    n_lags : int
        Number of consecutive lags.

    Returns
    -------
    bool
        True when the FFT route's modelled cost per sample is lower.
    """
    design = n_in * n_lags * (_COPY_NS + _GEMM_NS * n_out)
    blocked = _FFT_NS * (n_in + n_out) + _SPECTRUM_NS * n_in * n_out
    return design > blocked


def _fft_size(n_lags: int) -> int:
    """FFT length for ``n_lags`` lags: about four times the lags (blocks of 3/4)."""
    return fft.next_fast_len(max(4 * n_lags, 64), real=True)


def blocked_cross_correlation(
    x: np.ndarray, y: np.ndarray, first_lag: int, n_lags: int
) -> np.ndarray:
    """Zero-padded cross-correlation of every channel pair at consecutive lags.

    Parameters
    ----------
    x : ndarray of float64, shape (n_times, n_in)
        First signal.
    y : ndarray of float64, shape (n_times, n_out)
        Second signal, same number of samples.
    first_lag : int
        First lag (any sign).
    n_lags : int
        Number of consecutive lags, ``>= 1``.

    Returns
    -------
    corr : ndarray of float64, shape (n_in, n_lags, n_out)
        ``corr[i, k, j] = sum_s x[s, i] * y[s + first_lag + k, j]``, with both
        signals zero outside ``[0, n_times)``.
    """
    return blocked_cross_correlations(x, [(y, first_lag, None)], n_lags)[0]


def blocked_cross_correlations(
    x: np.ndarray,
    targets: Sequence[tuple[np.ndarray, int, tuple[int, int] | None]],
    n_lags: int,
) -> list[np.ndarray]:
    """:func:`blocked_cross_correlation` of one ``x`` with several signals.

    ``x`` is cut and transformed once for all of them.

    Parameters
    ----------
    x : ndarray of float64, shape (n_times, n_in)
        First signal.
    targets : sequence of (y, first_lag, rows)
        Second signals ``y`` of shape ``(n_times, n_out)`` (``n_out`` may differ
        between them), each with its first lag and the rows ``[start, stop)``
        outside which it counts as zero (``None``: all of them).
    n_lags : int
        Number of consecutive lags, ``>= 1``.

    Returns
    -------
    corrs : list of ndarray of float64, shape (n_in, n_lags, n_out)
        One per target, as :func:`blocked_cross_correlation` returns it.
    """
    n_times, n_in = x.shape
    size = _fft_size(n_lags)
    n_freq = size // 2 + 1
    block = size - n_lags + 1  # samples of x per block: no lag wraps around
    n_blocks = -(-n_times // block)
    # the temporaries are this thread's scratch arrays, reused from call to call
    x_pad = scratch("lags_fft.x_pad", (n_blocks * block, n_in))
    x_pad[:n_times] = x
    x_pad[n_times:] = 0.0
    # each block time-reversed: its spectrum is conj(X_b) times a phase ramp, so
    # the products below need no conjugate and the lags come out shifted by
    # block - 1 (read back from there: block - 1 + n_lags <= size, no wrap)
    x_rev = x_pad.reshape(n_blocks, block, n_in)[:, ::-1]
    x_spec = scratch("lags_fft.x_spec", (n_blocks, n_freq, n_in), np.complex128)
    np.fft.rfft(x_rev, n=size, axis=1, out=x_spec)
    # every target, shifted by its first lag, side by side in one padded signal:
    # y_pad[u, cols] = y[u + first_lag]; block b reads y_pad[b * block :][:size]
    widths = [y.shape[1] for y, _, _ in targets]
    span = n_blocks * block + size
    y_pad = scratch("lags_fft.y_pad", (span, sum(widths)))
    col = 0
    for (y, first_lag, rows), width in zip(targets, widths, strict=True):
        start, stop = (0, n_times) if rows is None else rows
        lo = min(max(0, start - first_lag), span)
        hi = max(min(span, stop - first_lag), lo)
        band = y_pad[:, col : col + width]
        band[:lo] = 0.0
        band[lo:hi] = y[lo + first_lag : hi + first_lag]
        band[hi:] = 0.0
        col += width
    step, item = y_pad.strides
    windows = np.lib.stride_tricks.as_strided(
        y_pad, (n_blocks, size, col), (block * step, step, item), writeable=False
    )
    y_spec = scratch("lags_fft.y_spec", (n_blocks, n_freq, col), np.complex128)
    np.fft.rfft(windows, axis=1, out=y_spec)
    # sum over blocks of X_b Y_b^T, one (n_in, n_out) product per frequency
    spec = scratch("lags_fft.spec", (n_freq, n_in, col), np.complex128)
    np.matmul(x_spec.transpose(1, 2, 0), y_spec.transpose(1, 0, 2), out=spec)
    corr = scratch("lags_fft.corr", (size, n_in, col))
    np.fft.irfft(spec, n=size, axis=0, out=corr)
    lagged = corr[block - 1 : block - 1 + n_lags]
    bounds = np.cumsum([0, *widths])
    # copies: the scratch arrays are overwritten by the next call
    return [
        lagged[:, :, a:b].transpose(1, 0, 2).copy()
        for a, b in itertools.pairwise(bounds)
    ]
