"""Confidence intervals of the asymmetry index, by a bootstrap over trials.

The asymmetry index of a paradigm comes from two search slopes, each fitted to mean
reaction times at a few set sizes. With 30 trials per cell, and searches that take
one or two fixations, the two slopes can be close and their difference within the
trial-to-trial noise: the sign of the index is then not a property of the model but
of the displays drawn. :func:`asymmetry_index_ci` says which is the case: it
resamples the trials of every (condition, set size) cell independently (a
stratified bootstrap, :func:`scipy.stats.bootstrap` with one sample per cell), refits
both slopes and recomputes the index on every resample. When the two conditions of a
set size were searched on the same layouts (``paired=True``, the displays of
:func:`~cogattn.search.paradigm_run.run_paradigm`), trial ``i`` of the easy cell and
trial ``i`` of the hard cell are resampled together, which keeps the correlation
between the two conditions that the shared layouts create.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int
from cogattn.search.analysis import asymmetry_index

__all__ = ["asymmetry_index_ci"]


def _slope(means: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Least-squares slope of ``means`` (..., n_sizes) on ``sizes`` (n_sizes,)."""
    dx = sizes - sizes.mean()
    centred = means - means.mean(axis=-1, keepdims=True)
    return (centred * dx).sum(axis=-1) / (dx * dx).sum()


def _paired_distribution(
    cells: list[np.ndarray],
    sizes: dict[bool, np.ndarray],
    n_resamples: int,
    rng: np.random.Generator,
    statistic: Any,
) -> np.ndarray:
    """Bootstrap indices with the easy and hard trials of a set size drawn as pairs."""
    if not np.array_equal(sizes[False], sizes[True]):
        raise ValidationError(
            "paired conditions need the same set sizes, got easy "
            f"{sizes[False].tolist()} and hard {sizes[True].tolist()}"
        )
    k = sizes[False].size
    easy, hard = cells[:k], cells[k:]
    for s, e, h in zip(sizes[False], easy, hard, strict=True):
        if e.size != h.size:
            raise ValidationError(
                f"paired conditions need as many trials in both cells of a set size; "
                f"set size {s} has {e.size} easy and {h.size} hard trials"
            )
    # one index draw per set size, shared by its easy and hard cells
    draws = [rng.integers(0, e.size, (n_resamples, e.size)) for e in easy]
    samples = [e[i] for e, i in zip(easy, draws, strict=True)]
    samples += [h[i] for h, i in zip(hard, draws, strict=True)]
    return np.asarray(statistic(*samples, axis=-1))


def asymmetry_index_ci(
    rt: Any,
    set_size: Any,
    hard: Any,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    random_state: int | np.random.Generator | None = 0,
    paired: bool = False,
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
    random_state : int | numpy.random.Generator | None
        Seed of the resampling (``None``: fresh OS entropy).
    paired : bool
        Whether the ``i``-th easy and the ``i``-th hard trial of each set size (in
        the order given) were searched on the same layout; they are then resampled
        as pairs. Needs the same set sizes in both conditions and the same number of
        trials in the two cells of every set size.

    Returns
    -------
    out : dict
        ``ai`` (the index on all trials), ``ai_low`` and ``ai_high`` (the interval)
        and ``p_reversed`` (fraction of resamples whose index is below 0: with
        ``hard`` the condition harder for humans, the reverse of their polarity).

    Raises
    ------
    ValidationError
        On mismatched shapes, a condition with fewer than two set sizes, a cell
        with fewer than two trials, or (``paired``) conditions that cannot be
        paired.
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
    rng = check_random_state(random_state)
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
    if paired:
        dist = _paired_distribution(cells, sizes, n_resamples, rng, statistic)
        alpha = (1.0 - float(confidence)) / 2.0
        low, high = np.percentile(dist, [100 * alpha, 100 * (1 - alpha)])
        return {
            "ai": point,
            "ai_low": float(low),
            "ai_high": float(high),
            "p_reversed": float(np.mean(dist < 0)),
        }
    res = bootstrap(
        cells,
        statistic,
        n_resamples=n_resamples,
        confidence_level=float(confidence),
        method="percentile",
        vectorized=True,
        rng=rng,
    )
    dist = np.asarray(res.bootstrap_distribution)
    return {
        "ai": point,
        "ai_low": float(res.confidence_interval.low),
        "ai_high": float(res.confidence_interval.high),
        "p_reversed": float(np.mean(dist < 0)),
    }
