"""Numba kernels of the fixation detectors (I-VT, I-DT); callers check the inputs."""

from __future__ import annotations

import numpy as np

from cogattn._core.jit import jit


@jit
def ivt_runs(speed, times, threshold, min_duration):  # pragma: no cover - numba
    """Find runs of samples with ``speed < threshold`` of at least ``min_duration``.

    Returns ``starts, stops`` (sample indices, stop exclusive); NaN speeds end a run.
    The duration test is ``times[last] - times[first] >= min_duration`` (as in
    Salvucci & Goldberg's pseudocode and pymovements).
    """
    n = speed.shape[0]
    starts = np.empty(n, np.int64)
    stops = np.empty(n, np.int64)
    k = 0
    i = 0
    while i < n:
        if speed[i] < threshold:
            j = i
            while j + 1 < n and speed[j + 1] < threshold:
                j += 1
            if times[j] - times[i] >= min_duration:
                starts[k] = i
                stops[k] = j + 1
                k += 1
            i = j + 1
        else:
            i += 1
    return starts[:k], stops[:k]


@jit
def _window_dispersion(x, y, a, b):  # pragma: no cover - numba
    xmin = np.inf
    xmax = -np.inf
    ymin = np.inf
    ymax = -np.inf
    for i in range(a, b):
        if np.isnan(x[i]) or np.isnan(y[i]):
            return np.inf
        xmin = min(xmin, x[i])
        xmax = max(xmax, x[i])
        ymin = min(ymin, y[i])
        ymax = max(ymax, y[i])
    return (xmax - xmin) + (ymax - ymin)


@jit
def idt_windows(x, y, min_samples, threshold):  # pragma: no cover - numba
    """Dispersion-threshold windows (Salvucci & Goldberg 2000).

    A window of ``min_samples`` samples whose dispersion ``(max x - min x) +
    (max y - min y)`` is ``<= threshold`` starts a fixation; it grows one sample at a
    time while the dispersion stays below the threshold. The sample that breaks the
    criterion ends the fixation (stop, exclusive) and the next window starts after
    it. A window holding a NaN sample is never a fixation. Returns ``starts, stops``.
    """
    n = x.shape[0]
    starts = np.empty(n, np.int64)
    stops = np.empty(n, np.int64)
    k = 0
    ws = 0
    while ws + min_samples <= n:
        we = ws + min_samples
        if _window_dispersion(x, y, ws, we) <= threshold:
            xmin = np.inf
            xmax = -np.inf
            ymin = np.inf
            ymax = -np.inf
            for i in range(ws, we):
                xmin = min(xmin, x[i])
                xmax = max(xmax, x[i])
                ymin = min(ymin, y[i])
                ymax = max(ymax, y[i])
            broken = False
            while we < n:
                xi = x[we]
                yi = y[we]
                if np.isnan(xi) or np.isnan(yi):
                    broken = True
                    break
                disp = (max(xmax, xi) - min(xmin, xi)) + (max(ymax, yi) - min(ymin, yi))
                if disp >= threshold:
                    broken = True
                    break
                xmin = min(xmin, xi)
                xmax = max(xmax, xi)
                ymin = min(ymin, yi)
                ymax = max(ymax, yi)
                we += 1
            starts[k] = ws
            stops[k] = we
            k += 1
            ws = we + 1 if broken else we
        else:
            ws += 1
    return starts[:k], stops[:k]
