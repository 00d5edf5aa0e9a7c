"""Lagged designs, Gram matrices and cross products of torch tensors, on their device.

The torch counterparts of :func:`~cogattn.encoders.lags.lagged_design`,
:func:`~cogattn.encoders.lags.lagged_gram` and
:func:`~cogattn.encoders.lags.lagged_cross`, with the same lag and edge conventions
(see :mod:`cogattn.encoders.lags`). Every product runs where the tensors are; only
the lags (a handful of integers) live on the host.

The Gram matrix is built from full correlations: the design over every row where some
lag touches the trial has a block-Toeplitz Gram matrix whose block ``(a, b)`` is the
correlation of the input at lag difference ``lags[a] - lags[b]``. The rows that the
lagged design leaves out (at most the lag span at each edge) are then materialised
and their products subtracted, which gives the Gram matrix of the kept rows exactly.

Called through :mod:`cogattn.encoders.lags` and the TRF solvers, which validate
inputs: ``x`` and ``y`` are 2-D float tensors on one device, ``lags`` strictly
increasing int64 and the trial longer than the lag span.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cogattn.encoders.lags import row_range

__all__ = ["lagged_cross", "lagged_design", "lagged_gram", "lagged_rows"]

_CHUNK_BYTES = 32 * 2**20


def lagged_rows(x: torch.Tensor, lags: np.ndarray, r0: int, r1: int) -> torch.Tensor:
    """Rows ``[r0, r1)`` of the lagged design of one trial, zero outside the trial.

    Parameters
    ----------
    x : torch.Tensor of shape (n_times, n_features)
        One trial.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags, strictly increasing.
    r0, r1 : int
        First row and one past the last (any integers, ``r0 <= r1``).

    Returns
    -------
    rows : torch.Tensor of shape (r1 - r0, n_features * n_lags)
        ``rows[t, i * n_lags + a] = x[r0 + t - lags[a], i]`` (zero outside the
        trial), on the device of ``x``.
    """
    n_times, n_feat = x.shape
    # source samples [lo, hi) cover every (row - lag); copy them next to zeros
    lo, hi = r0 - int(lags[-1]), r1 - int(lags[0])
    src = x.new_zeros((hi - lo, n_feat))
    a, b = max(lo, 0), min(hi, n_times)
    if b > a:
        src[a - lo : b - lo] = x[a:b]
    shift = torch.as_tensor(r0 - lo - lags, device=x.device)
    idx = torch.arange(r1 - r0, device=x.device)[:, None] + shift[None, :]
    return src[idx].transpose(1, 2).reshape(r1 - r0, n_feat * lags.size)


def lagged_design(x: torch.Tensor, lags: np.ndarray, edges: str) -> torch.Tensor:
    """Lagged design matrix of one trial (kept rows only).

    Parameters
    ----------
    x : torch.Tensor of shape (n_times, n_features)
        One trial.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        Edge handling.

    Returns
    -------
    design : torch.Tensor of shape (n_rows, n_features * n_lags)
        As :func:`cogattn.encoders.lags.lagged_design`, on the device of ``x``.
    """
    t0, t1 = row_range(x.shape[0], lags, edges)
    return lagged_rows(x, lags, t0, t1)


def lagged_gram(x: torch.Tensor, lags: np.ndarray, edges: str) -> torch.Tensor:
    """Lagged Gram matrix ``D.T @ D`` of one trial from correlations.

    Parameters
    ----------
    x : torch.Tensor of shape (n_times, n_features)
        One trial.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        Edge handling.

    Returns
    -------
    gram : torch.Tensor of shape (n_features * n_lags, n_features * n_lags)
        Feature-major layout, on the device of ``x``.
    """
    n_times, n_feat = x.shape
    n_lags = lags.size
    t0, t1 = row_range(n_times, lags, edges)
    diff = lags[:, None] - lags[None, :]
    dist, which = np.unique(np.abs(diff), return_inverse=True)
    # corr[k][i, j] = sum_s x[s - d, i] * x[s, j] for d = dist[k] >= 0
    corr = torch.stack([x[: n_times - d].T @ x[d:] for d in dist.tolist()])
    blocks = corr[torch.as_tensor(which.reshape(n_lags, n_lags), device=x.device)]
    negative = torch.as_tensor(diff < 0, device=x.device)[:, :, None, None]
    blocks = torch.where(negative, blocks.transpose(-1, -2), blocks)
    gram = blocks.permute(2, 0, 3, 1).reshape(n_feat * n_lags, n_feat * n_lags)
    # rows touching the trial are [lags[0], n_times + lags[-1]); remove the dropped
    for r0, r1 in ((int(lags[0]), t0), (t1, n_times + int(lags[-1]))):
        if r1 > r0:
            rows = lagged_rows(x, lags, r0, r1)
            gram = gram - rows.T @ rows
    return gram


def lagged_cross(
    x: torch.Tensor, y: torch.Tensor, lags: np.ndarray, edges: str
) -> torch.Tensor:
    """Lagged cross product ``D.T @ y[t0:t1]`` of one trial.

    The design is materialised in row chunks of bounded size.

    Parameters
    ----------
    x : torch.Tensor of shape (n_times, n_features)
        Input trial.
    y : torch.Tensor of shape (n_times, n_outputs)
        Output trial, same samples and device.
    lags : ndarray of int64, shape (n_lags,)
        Sample lags, strictly increasing.
    edges : {"zero", "drop"}
        Edge handling.

    Returns
    -------
    cross : torch.Tensor of shape (n_features * n_lags, n_outputs)
        On the device of ``x``.
    """
    n_times, n_feat = x.shape
    t0, t1 = row_range(n_times, lags, edges)
    chunk = max(256, int(_CHUNK_BYTES // (x.element_size() * n_feat * lags.size)))
    out: Any = None
    for start in range(t0, t1, chunk):
        stop = min(t1, start + chunk)
        part = lagged_rows(x, lags, start, stop).T @ y[start:stop]
        out = part if out is None else out + part
    return out
