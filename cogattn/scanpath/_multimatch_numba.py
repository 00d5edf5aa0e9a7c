"""Numba kernels of MultiMatch: simplification, alignment, the five similarities.

A transcription of the algorithm of Jarodzka et al. (2010) / Dewhurst et al. (2012)
as implemented by multimatch-gaze, array for array, including its bookkeeping of
fixation durations during simplification. Callers check the inputs.
"""

from __future__ import annotations

import math

import numpy as np

from cogattn._core.jit import jit


@jit
def _angle_deg(ax, ay, bx, by):  # pragma: no cover - numba
    na = math.sqrt(ax * ax + ay * ay)
    nb = math.sqrt(bx * bx + by * by)
    if na == 0.0 or nb == 0.0:
        return np.nan
    c = (ax * bx + ay * by) / (na * nb)
    c = min(1.0, max(-1.0, c))
    return math.degrees(math.acos(c))


@jit
def _simdir(sx, sy, lx, ly, th, rh, ns, dur, nd, tdir, tdur):  # pragma: no cover
    osx = np.empty(ns)
    osy = np.empty(ns)
    olx = np.empty(ns)
    oly = np.empty(ns)
    oth = np.empty(ns)
    orh = np.empty(ns)
    odur = np.empty(nd + 1)
    if ns < 1:
        return sx, sy, lx, ly, th, rh, ns, dur, nd
    i = 0
    j = 0
    k = 0  # number of durations written
    while i <= ns - 1:
        if i < ns - 1:
            angle = _angle_deg(lx[i], ly[i], lx[i + 1], ly[i + 1])
        else:
            angle = np.inf
        if angle < tdir and i < ns - 1 and dur[i + 1] < tdur:
            vx = lx[i] + lx[i + 1]
            vy = ly[i] + ly[i + 1]
            osx[j] = sx[i]
            osy[j] = sy[i]
            olx[j] = vx
            oly[j] = vy
            oth[j] = math.atan2(vy, vx)
            orh[j] = math.sqrt(vx * vx + vy * vy)
            odur[k] = dur[i]
            k += 1
            i += 2
            j += 1
        else:
            osx[j] = sx[i]
            osy[j] = sy[i]
            olx[j] = lx[i]
            oly[j] = ly[i]
            oth[j] = th[i]
            orh[j] = rh[i]
            odur[k] = dur[i]
            k += 1
            i += 1
            j += 1
    odur[k] = dur[nd - 1]
    k += 1
    return osx, osy, olx, oly, oth, orh, j, odur, k


@jit
def _simlen(sx, sy, lx, ly, th, rh, ns, dur, nd, tamp, tdur):  # pragma: no cover
    if ns < 1:
        return sx, sy, lx, ly, th, rh, ns, dur, nd
    osx = np.empty(ns)
    osy = np.empty(ns)
    olx = np.empty(ns)
    oly = np.empty(ns)
    oth = np.empty(ns)
    orh = np.empty(ns)
    odur = np.empty(nd + 2)
    i = 0
    j = 0
    k = 0
    while i <= ns - 1:
        merged = False
        if i == ns - 1:
            # a last short saccade is merged into the previous one; a lone saccade
            # (j == 0) has no previous one and is kept
            if (
                rh[i] < tamp
                and j > 0
                and ns > 1
                and (dur[nd - 1] < tdur or dur[nd - 2] < tdur)
            ):
                vx = lx[ns - 2] + lx[ns - 1]
                vy = ly[ns - 2] + ly[ns - 1]
                olx[j - 1] = vx
                oly[j - 1] = vy
                oth[j - 1] = math.atan2(vy, vx)
                orh[j - 1] = math.sqrt(vx * vx + vy * vy)
                odur[k] = dur[i - 1]
                k += 1
                break  # the last saccade: the loop ends, j saccades are kept
        elif rh[i] < tamp and (dur[i + 1] < tdur or dur[i] < tdur):
            vx = lx[i] + lx[i + 1]
            vy = ly[i] + ly[i + 1]
            osx[j] = sx[i]
            osy[j] = sy[i]
            olx[j] = vx
            oly[j] = vy
            oth[j] = math.atan2(vy, vx)
            orh[j] = math.sqrt(vx * vx + vy * vy)
            odur[k] = dur[i]
            k += 1
            i += 2
            j += 1
            merged = True
        if not merged:
            osx[j] = sx[i]
            osy[j] = sy[i]
            olx[j] = lx[i]
            oly[j] = ly[i]
            oth[j] = th[i]
            orh[j] = rh[i]
            odur[k] = dur[i]
            k += 1
            i += 1
            j += 1
    odur[k] = dur[nd - 1]
    k += 1
    return osx, osy, olx, oly, oth, orh, j, odur, k


@jit
def _structure(x, y, d):  # pragma: no cover - numba
    n = x.shape[0]
    ns = n - 1
    sx = x[:ns].copy()
    sy = y[:ns].copy()
    lx = np.empty(ns)
    ly = np.empty(ns)
    th = np.empty(ns)
    rh = np.empty(ns)
    for i in range(ns):
        lx[i] = x[i + 1] - x[i]
        ly[i] = y[i + 1] - y[i]
        th[i] = math.atan2(ly[i], lx[i])
        rh[i] = math.sqrt(lx[i] * lx[i] + ly[i] * ly[i])
    return sx, sy, lx, ly, th, rh, ns, d.copy(), n


@jit
def _simplify(x, y, d, tamp, tdir, tdur):  # pragma: no cover - numba
    sx, sy, lx, ly, th, rh, ns, dur, nd = _structure(x, y, d)
    prev = nd
    while True:
        sx, sy, lx, ly, th, rh, ns, dur, nd = _simdir(
            sx, sy, lx, ly, th, rh, ns, dur, nd, tdir, tdur
        )
        sx, sy, lx, ly, th, rh, ns, dur, nd = _simlen(
            sx, sy, lx, ly, th, rh, ns, dur, nd, tamp, tdur
        )
        if nd == prev:
            return sx, sy, lx, ly, th, rh, ns, dur, nd
        prev = nd


@jit
def _pair(x1, y1, d1, x2, y2, d2, diag, grouping, tamp, tdir, tdur):  # pragma: no cover
    out = np.empty(5)
    if grouping:
        a = _simplify(x1, y1, d1, tamp, tdir, tdur)
        b = _simplify(x2, y2, d2, tamp, tdir, tdur)
    else:
        a = _structure(x1, y1, d1)
        b = _structure(x2, y2, d2)
    sx1, sy1, lx1, ly1, th1, rh1, n, dur1, _ = a
    sx2, sy2, lx2, ly2, th2, rh2, m, dur2, _ = b
    cost = np.empty((n, m))
    mm = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            mm[i, j] = math.sqrt((lx1[i] - lx2[j]) ** 2 + (ly1[i] - ly2[j]) ** 2)
    for i in range(n):
        for j in range(m):
            if i == 0 and j == 0:
                cost[i, j] = 0.0
                continue
            best = np.inf
            if i > 0 and j > 0:
                best = cost[i - 1, j - 1]
            if i > 0 and cost[i - 1, j] < best:
                best = cost[i - 1, j]
            if j > 0 and cost[i, j - 1] < best:
                best = cost[i, j - 1]
            cost[i, j] = best + mm[i, j]
    length = n + m - 1
    pi_ = np.empty(length, np.int64)
    pj = np.empty(length, np.int64)
    i = n - 1
    j = m - 1
    p = 0
    while True:
        pi_[p] = i
        pj[p] = j
        p += 1
        if i == 0 and j == 0:
            break
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            c_d = cost[i - 1, j - 1]
            c_u = cost[i - 1, j]
            c_l = cost[i, j - 1]
            if c_d <= c_u and c_d <= c_l:
                i -= 1
                j -= 1
            elif c_u <= c_l:
                i -= 1
            else:
                j -= 1
    vec = np.empty(p)
    ang = np.empty(p)
    lng = np.empty(p)
    pos = np.empty(p)
    drt = np.empty(p)
    for q in range(p):
        i = pi_[q]
        j = pj[q]
        vec[q] = mm[i, j]
        t1 = th1[i]
        t2 = th2[j]
        if t1 < 0:
            t1 = math.pi + (math.pi + t1)
        if t2 < 0:
            t2 = math.pi + (math.pi + t2)
        da = abs(t1 - t2)
        if da > math.pi:
            da = 2 * math.pi - da
        ang[q] = da
        lng[q] = abs(rh1[i] - rh2[j])
        pos[q] = math.sqrt((sx1[i] - sx2[j]) ** 2 + (sy1[i] - sy2[j]) ** 2)
        big = max(dur1[i], dur2[j])
        drt[q] = 0.0 if big == 0.0 else abs(dur1[i] - dur2[j]) / abs(big)
    out[0] = 1.0 - np.median(vec) / (2.0 * diag)
    out[1] = 1.0 - np.median(ang) / math.pi
    out[2] = 1.0 - np.median(lng) / diag
    out[3] = 1.0 - np.median(pos) / diag
    out[4] = 1.0 - np.median(drt)
    return out


@jit
def multimatch_batch(
    x, y, d, offsets, ia, ib, diag, min_len, grouping, tamp, tdir, tdur
):  # pragma: no cover - numba
    """MultiMatch similarities of pairs ``(ia[k], ib[k])`` of a packed pool."""
    n_pairs = ia.shape[0]
    out = np.full((n_pairs, 5), np.nan)
    for k in range(n_pairs):  # serial: thread start-up costs more than a pair
        a0 = offsets[ia[k]]
        a1 = offsets[ia[k] + 1]
        b0 = offsets[ib[k]]
        b1 = offsets[ib[k] + 1]
        if a1 - a0 < min_len or b1 - b0 < min_len:
            continue
        out[k] = _pair(
            x[a0:a1],
            y[a0:a1],
            d[a0:a1],
            x[b0:b1],
            y[b0:b1],
            d[b0:b1],
            diag,
            grouping,
            tamp,
            tdir,
            tdur,
        )
    return out
