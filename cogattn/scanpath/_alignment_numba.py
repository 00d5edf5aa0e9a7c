"""Numba kernels of the pairwise dynamic programmes (NW, Levenshtein, DTW, Fréchet).

Sequences come pooled (codes or coordinates with offsets); pair ``k`` compares
sequences ``ia[k]`` and ``ib[k]``. Each kernel keeps one row of its table, O(n m) time
and O(m) memory per pair. Callers check the inputs.
"""

from __future__ import annotations

import math

import numpy as np

from cogattn._core.jit import jit


@jit
def nw_batch(codes, offsets, ia, ib, sub, gap):  # pragma: no cover - numba
    """Needleman-Wunsch global alignment scores (linear gap ``gap``)."""
    n_pairs = ia.shape[0]
    out = np.empty(n_pairs)
    for k in range(n_pairs):
        a = codes[offsets[ia[k]] : offsets[ia[k] + 1]]
        b = codes[offsets[ib[k]] : offsets[ib[k] + 1]]
        n = a.shape[0]
        m = b.shape[0]
        row = np.empty(m + 1)
        for j in range(m + 1):
            row[j] = gap * j
        for i in range(1, n + 1):
            diag = row[0]
            row[0] = gap * i
            ai = a[i - 1]
            for j in range(1, m + 1):
                up = row[j]
                best = diag + sub[ai, b[j - 1]]
                if up + gap > best:
                    best = up + gap
                if row[j - 1] + gap > best:
                    best = row[j - 1] + gap
                diag = up
                row[j] = best
        out[k] = row[m]
    return out


@jit
def levenshtein_batch(codes, offsets, ia, ib):  # pragma: no cover - numba
    """Levenshtein distances (unit insertion, deletion and substitution costs)."""
    n_pairs = ia.shape[0]
    out = np.empty(n_pairs, np.int64)
    for k in range(n_pairs):
        a = codes[offsets[ia[k]] : offsets[ia[k] + 1]]
        b = codes[offsets[ib[k]] : offsets[ib[k] + 1]]
        n = a.shape[0]
        m = b.shape[0]
        row = np.empty(m + 1, np.int64)
        for j in range(m + 1):
            row[j] = j
        for i in range(1, n + 1):
            diag = row[0]
            row[0] = i
            for j in range(1, m + 1):
                up = row[j]
                cost = diag + (0 if a[i - 1] == b[j - 1] else 1)
                cost = min(cost, up + 1, row[j - 1] + 1)
                diag = up
                row[j] = cost
        out[k] = row[m]
    return out


@jit
def dtw_batch(x, y, offsets, ia, ib):  # pragma: no cover - numba
    """Dynamic time warping: least sum of Euclidean distances along a warping path."""
    n_pairs = ia.shape[0]
    out = np.empty(n_pairs)
    for k in range(n_pairs):
        a0 = offsets[ia[k]]
        n = offsets[ia[k] + 1] - a0
        b0 = offsets[ib[k]]
        m = offsets[ib[k] + 1] - b0
        row = np.full(m + 1, np.inf)
        row[0] = 0.0
        for i in range(1, n + 1):
            diag = row[0]
            row[0] = np.inf
            xa = x[a0 + i - 1]
            ya = y[a0 + i - 1]
            for j in range(1, m + 1):
                up = row[j]
                d = math.sqrt((xa - x[b0 + j - 1]) ** 2 + (ya - y[b0 + j - 1]) ** 2)
                row[j] = d + min(diag, up, row[j - 1])
                diag = up
        out[k] = row[m]
    return out


@jit
def frechet_batch(x, y, offsets, ia, ib):  # pragma: no cover - numba
    """Discrete Fréchet distance (Eiter & Mannila 1994)."""
    n_pairs = ia.shape[0]
    out = np.empty(n_pairs)
    for k in range(n_pairs):
        a0 = offsets[ia[k]]
        n = offsets[ia[k] + 1] - a0
        b0 = offsets[ib[k]]
        m = offsets[ib[k] + 1] - b0
        row = np.empty(m)
        for i in range(n):
            xa = x[a0 + i]
            ya = y[a0 + i]
            diag = 0.0
            for j in range(m):
                d = math.sqrt((xa - x[b0 + j]) ** 2 + (ya - y[b0 + j]) ** 2)
                up = row[j]
                if i == 0 and j == 0:
                    best = d
                elif i == 0:
                    best = max(row[j - 1], d)
                elif j == 0:
                    best = max(up, d)
                else:
                    best = max(min(diag, up, row[j - 1]), d)
                diag = up
                row[j] = best
        out[k] = row[m - 1]
    return out
