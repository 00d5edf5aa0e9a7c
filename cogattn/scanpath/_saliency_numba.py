"""Numba kernels of the saliency metrics, one map at a time in a loop over the batch.

Maps arrive as ``(n_maps, n_pixels)`` float arrays; fixations as flat pixel indices
with offsets per map. Callers check the inputs. (The KL divergence is computed with
numpy in :mod:`cogattn.scanpath.saliency_metrics`: numpy's SIMD logarithm is several
times faster than numba's scalar one.)
"""

from __future__ import annotations

import math

import numpy as np

from cogattn._core.jit import jit

#: MATLAB's eps, the regulariser of the MIT saliency benchmark
EPS = 2.2204e-16


@jit
def count_nonfinite(maps):  # pragma: no cover - numba
    """Count NaN and infinite entries in one pass."""
    flat = maps.ravel()
    bad = 0
    for i in range(flat.shape[0]):
        v = flat[i]
        if not (v - v == 0.0):
            bad += 1
    return bad


@jit
def _mean_std(m):  # pragma: no cover - numba
    n = m.shape[0]
    s = 0.0
    for i in range(n):
        s += m[i]
    mean = s / n
    ss = 0.0
    for i in range(n):
        d = m[i] - mean
        ss += d * d
    return mean, math.sqrt(ss / n)


@jit
def nss_batch(maps, idx, offsets):  # pragma: no cover - numba
    n_maps = maps.shape[0]
    out = np.empty(n_maps)
    for k in range(n_maps):
        m = maps[k]
        mean, std = _mean_std(m)
        if std == 0.0:
            std = 1.0  # a constant map: values are only centred (pysaliency)
        acc = 0.0
        for f in range(offsets[k], offsets[k + 1]):
            acc += (m[idx[f]] - mean) / std
        out[k] = acc / (offsets[k + 1] - offsets[k])
    return out


@jit
def cc_batch(a, b):  # pragma: no cover - numba
    n_maps = a.shape[0]
    n = a.shape[1]
    out = np.empty(n_maps)
    for k in range(n_maps):
        x = a[k]
        y = b[k]
        sx = 0.0
        sy = 0.0
        for i in range(n):
            sx += x[i]
            sy += y[i]
        mx = sx / n
        my = sy / n
        sxx = 0.0
        syy = 0.0
        sxy = 0.0
        for i in range(n):
            dx = x[i] - mx
            dy = y[i] - my
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        if sxx == 0.0 or syy == 0.0:
            out[k] = 0.0
        else:
            out[k] = sxy / math.sqrt(sxx * syy)
    return out


@jit
def _density_params(m):  # pragma: no cover - numba
    """Shift and scale that turn ``m`` into a density (pysaliency's convention)."""
    n = m.shape[0]
    lo = np.inf
    s = 0.0
    for i in range(n):
        lo = min(lo, m[i])
        s += m[i]
    shift = lo if lo < 0 else 0.0
    total = s - n * shift
    if total == 0.0:
        return shift, 0.0
    return shift, total


@jit(fastmath=True)
def _sim_sum(x, y, xs, xinv, ys, yinv):  # pragma: no cover - numba
    acc = 0.0
    for i in range(x.shape[0]):
        acc += min((x[i] - xs) * xinv, (y[i] - ys) * yinv)
    return acc


@jit
def sim_batch(a, b):  # pragma: no cover - numba
    n_maps = a.shape[0]
    n = a.shape[1]
    out = np.empty(n_maps)
    for k in range(n_maps):
        x = a[k]
        y = b[k]
        xs, xt = _density_params(x)
        ys, yt = _density_params(y)
        if xt == 0.0:  # an all-zero map is read as uniform
            xs, xt, x = -1.0, float(n), np.zeros(n)
        if yt == 0.0:
            ys, yt, y = -1.0, float(n), np.zeros(n)
        out[k] = _sim_sum(x, y, xs, 1.0 / xt, ys, 1.0 / yt)
    return out


@jit
def info_gain_batch(pred, base, idx, offsets):  # pragma: no cover - numba
    n_maps = pred.shape[0]
    out = np.empty(n_maps)
    for k in range(n_maps):
        p = pred[k]
        b = base[k]
        sp = 0.0
        sb = 0.0
        for i in range(p.shape[0]):
            sp += p[i]
            sb += b[i]
        acc = 0.0
        for f in range(offsets[k], offsets[k + 1]):
            j = idx[f]
            acc += math.log2(EPS + p[j] / sp) - math.log2(EPS + b[j] / sb)
        out[k] = acc / (offsets[k + 1] - offsets[k])
    return out


@jit
def _upper_bound(u, v):  # pragma: no cover - numba
    """Count the entries of the ascending ``u`` that are <= ``v``."""
    lo = 0
    hi = u.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if u[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@jit
def auc_judd_batch(maps, idx, offsets):  # pragma: no cover - numba
    """AUC with the fixated values as thresholds; negatives: unfixated pixels.

    As pysaliency's ``AUC_Judd`` (``nonfixations='unfixated'``,
    ``thresholds='fixations'``) without jitter.
    """
    n_maps = maps.shape[0]
    n = maps.shape[1]
    out = np.empty(n_maps)
    for k in range(n_maps):
        m = maps[k]
        fix = idx[offsets[k] : offsets[k + 1]]
        n_pos = fix.shape[0]
        pos = np.empty(n_pos)
        for f in range(n_pos):
            pos[f] = m[fix[f]]
        pos.sort()
        fixed = np.unique(fix)  # sorted unique fixated pixels
        n_neg = n - fixed.shape[0]
        if n_neg == 0:
            out[k] = np.nan
            continue
        # thresholds, ascending: min value, the positives, max value + 1
        lo = pos[0]
        hi = pos[n_pos - 1]
        ptr = 0
        for i in range(n):
            if ptr < fixed.shape[0] and fixed[ptr] == i:
                ptr += 1
                continue
            lo = min(lo, m[i])
            hi = max(hi, m[i])
        u = np.empty(n_pos + 2)
        u[0] = lo
        u[1 : n_pos + 1] = pos
        u[n_pos + 1] = hi + 1.0
        # histogram of negatives over the thresholds: bin(v) = #u <= v. The last
        # threshold (max + 1) exceeds every value. A bucket table on [lo, hi]
        # replaces most of the binary search: f(v) = int((v - lo) * scale) is
        # monotone in v, so thresholds in lower buckets are <= v, those in higher
        # buckets > v, and only v's own bucket is searched.
        L = n_pos + 2
        n_buckets = 65536
        span = hi - lo
        scale = (n_buckets - 1) / span if span > 0 else 0.0
        first = np.zeros(n_buckets + 1, np.int64)  # thresholds in lower buckets
        for j in range(L - 1):
            first[int((u[j] - lo) * scale) + 1] += 1
        for b in range(n_buckets):
            first[b + 1] += first[b]
        hist = np.zeros(L + 1, np.int64)  # bins 0 .. L
        ptr = 0
        for i in range(n):
            if ptr < fixed.shape[0] and fixed[ptr] == i:
                ptr += 1
                continue
            v = m[i]
            b = int((v - lo) * scale)
            j = first[b]
            stop = first[b + 1]
            if stop - j > 8:  # crowded bucket: binary search inside it
                while j < stop:
                    mid = (j + stop) >> 1
                    if u[mid] <= v:
                        j = mid + 1
                    else:
                        stop = mid
            else:
                while j < stop and u[j] <= v:
                    j += 1
            hist[j] += 1
        # walk thresholds from the largest: tp = #pos >= t, fp = #neg >= t
        # negatives >= u[j] are those with bin index > j
        suffix = np.zeros(L + 1, np.int64)
        for j in range(L - 1, -1, -1):
            suffix[j] = suffix[j + 1] + hist[j + 1]
        auc = 0.0
        prev_tp = 0.0
        prev_fp = 0.0
        for j in range(L - 1, -1, -1):
            t = u[j]
            n_tp = n_pos - _lower_bound(pos, t)
            tp = n_tp / n_pos
            fp = suffix[j] / n_neg
            auc += (fp - prev_fp) * (tp + prev_tp) / 2.0
            prev_tp = tp
            prev_fp = fp
        out[k] = auc
    return out


@jit
def _lower_bound(u, v):  # pragma: no cover - numba
    """Count the entries of the ascending ``u`` that are < ``v``."""
    lo = 0
    hi = u.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if u[mid] < v:
            lo = mid + 1
        else:
            hi = mid
    return lo


@jit
def auc_split_batch(
    pos_vals, pos_off, neg_vals, neg_off, n_splits, step
):  # pragma: no cover - numba
    """MIT AUC_Borji / AUC_shuffled given positive and sampled negative values.

    ``pos_vals[pos_off[k]:pos_off[k+1]]`` are the normalised map values at the
    fixated pixels of map ``k``; ``neg_vals`` holds ``n_splits`` consecutive blocks of
    negatives per map (block ``s`` of map ``k`` at ``neg_off[k] + s * n_neg_k``).
    """
    n_maps = pos_off.shape[0] - 1
    out = np.empty(n_maps)
    for k in range(n_maps):
        sth = pos_vals[pos_off[k] : pos_off[k + 1]]
        n_pos = sth.shape[0]
        n_negk = (neg_off[k + 1] - neg_off[k]) // n_splits
        total = 0.0
        for s in range(n_splits):
            cur = neg_vals[neg_off[k] + s * n_negk : neg_off[k] + (s + 1) * n_negk]
            top = 0.0
            for v in sth:
                top = max(top, v)
            for v in cur:
                top = max(top, v)
            n_thr = math.floor(top / step + 1e-12) + 1
            prev_tp = 0.0
            prev_fp = 0.0
            auc = 0.0
            for t in range(n_thr - 1, -1, -1):
                thresh = t * step
                c_tp = 0
                for v in sth:
                    if v >= thresh:
                        c_tp += 1
                c_fp = 0
                for v in cur:
                    if v >= thresh:
                        c_fp += 1
                tp = c_tp / n_pos
                fp = c_fp / n_negk
                auc += (fp - prev_fp) * (tp + prev_tp) / 2.0
                prev_tp = tp
                prev_fp = fp
            auc += (1.0 - prev_fp) * (1.0 + prev_tp) / 2.0
            total += auc
        out[k] = total / n_splits
    return out
