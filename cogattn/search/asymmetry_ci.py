"""Confidence intervals of the asymmetry index, by a bootstrap over trials.

The asymmetry index of a paradigm comes from two search slopes, each fitted to mean
reaction times at a few set sizes. With 30 trials per cell, and searches that take
one or two fixations, the two slopes can be close and their difference within the
trial-to-trial noise: the sign of the index is then not a property of the model but
of the displays drawn. :func:`asymmetry_index_ci` says which is the case: it
resamples the trials of every (condition, set size) cell independently (a
stratified bootstrap, :func:`scipy.stats.bootstrap` with one sample per cell), refits
both slopes and recomputes the index on every resample.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int
from cogattn.search.analysis import asymmetry_index

__all__ = ["asymmetry_index_ci"]


def _slope(means: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Least-squares slope of ``means`` (..., n_sizes) on ``sizes`` (n_sizes,)."""
    dx = sizes - sizes.mean()
    centred = means - means.mean(axis=-1, keepdims=True)
    return (centred * dx).sum(axis=-1) / (dx * dx).sum()


def asymmetry_index_ci(
    rt: Any,
    set_size: Any,
    hard: Any,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    seed: int | np.random.Generator | None = 0,
) -> dict[str, float]:
    """Percentile bootstrap interval of the asymmetry index.

    Parameters
    ----------
    rt : array-like of shape (n_trials,)
        Reaction times (ms; any unit).
    set_size : array-like of int, shape (n_trials,)
        Set size of each trial.
    hard : array-like of bool or {0, 1}, shape (n_trials,)
        True for the condition hard for humans.
    confidence : float
        Coverage of the interval, in (0, 1).
    n_resamples : int
        Bootstrap resamples.
    seed : int | numpy.random.Generator | None
        Seed of the resampling.

    Returns
    -------
    out : dict
        ``ai`` (the index on all trials), ``ai_low`` and ``ai_high`` (the interval)
        and ``p_reversed`` (fraction of resamples whose index is below 0: with
        ``hard`` the condition harder for humans, the reverse of their polarity).

    Raises
    ------
    ValidationError
        On mismatched shapes, a condition with fewer than two set sizes, or a cell
        with fewer than two trials.
    """
    from scipy.stats import bootstrap

    y = check_array(rt, "rt", ndim=1)
    x = check_array(set_size, "set_size", ndim=1, dtype="numeric")
    h = check_array(hard, "hard", ndim=1).astype(bool)
    if not (x.shape == y.shape == h.shape):
        raise ValidationError(
            f"rt, set_size and hard must have the same shape, got {y.shape}, "
            f"{x.shape} and {h.shape}"
        )
    if not 0.0 < float(confidence) < 1.0:
        raise ValidationError(f"confidence must be in (0, 1), got {confidence!r}")
    n_resamples = check_int(n_resamples, "n_resamples", low=2)
    sizes = {c: np.unique(x[h == c]) for c in (False, True)}
    for c, name in ((False, "easy"), (True, "hard")):
        if sizes[c].size < 2:
            raise ValidationError(
                f"the {name} condition needs trials at two or more set sizes, got "
                f"{sizes[c].tolist()}"
            )
    cells = [y[(h == c) & (x == s)] for c in (False, True) for s in sizes[c]]
    if min(cell.size for cell in cells) < 2:
        raise ValidationError("every (condition, set size) cell needs two trials")
    n_easy = sizes[False].size
    xs = [sizes[c].astype(np.float64) for c in (False, True)]

    def statistic(*samples: np.ndarray, axis: int = -1) -> np.ndarray:
        means = np.stack([s.mean(axis=axis) for s in samples], axis=-1)
        easy = _slope(means[..., :n_easy], xs[0])
        hard_ = _slope(means[..., n_easy:], xs[1])
        return np.asarray(asymmetry_index(easy, hard_))

    point = float(statistic(*cells))
    if all(np.ptp(cell) == 0 for cell in cells):  # no spread: nothing to resample
        reversed_ = float(point < 0)
        return {"ai": point, "ai_low": point, "ai_high": point, "p_reversed": reversed_}
    res = bootstrap(
        cells,
        statistic,
        n_resamples=n_resamples,
        confidence_level=float(confidence),
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    dist = np.asarray(res.bootstrap_distribution)
    return {
        "ai": point,
        "ai_low": float(res.confidence_interval.low),
        "ai_high": float(res.confidence_interval.high),
        "p_reversed": float(np.mean(dist < 0)),
    }
