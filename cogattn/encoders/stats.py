"""Statistics for encoding models.

Correlations, permutation nulls, bootstrap, FDR and noise ceilings.

Everything is vectorised over targets (columns) and resamples; sums accumulate in
float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import (
    check_array,
    check_int,
    check_positive,
    is_tensor,
)
from cogattn.encoders.scores import pearson_per_target, r2_per_target

__all__ = [
    "bootstrap_indices",
    "bootstrap_scores",
    "circular_shift_test",
    "fdr_bh",
    "paired_bootstrap_difference",
    "pearsonr",
    "r2_score",
    "split_half_reliability",
    "trial_permutation_test",
]


def _pair(y_true: Any, y_pred: Any, names: tuple[str, str] = ("y_true", "y_pred")):
    a = check_array(_np(y_true), names[0], ndim=(1, 2)).astype(np.float64, copy=False)
    b = check_array(_np(y_pred), names[1], ndim=(1, 2)).astype(np.float64, copy=False)
    a = a[:, None] if a.ndim == 1 else a
    b = b[:, None] if b.ndim == 1 else b
    if a.shape != b.shape:
        raise ValidationError(
            f"{names[0]} and {names[1]} must have the same shape, got {a.shape} and "
            f"{b.shape}"
        )
    if a.shape[0] < 2:
        raise ValidationError(f"{names[0]} needs at least 2 samples, got {a.shape[0]}")
    return a, b


def _np(x: Any) -> Any:
    """Copy a torch tensor to numpy: these statistics run on the CPU."""
    return x.detach().cpu().numpy() if is_tensor(x) else x


def pearsonr(y_true: Any, y_pred: Any) -> np.ndarray:
    """Pearson correlation per target (column).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, n_targets) or (n_samples,)
        Data and prediction.

    Returns
    -------
    r : ndarray of shape (n_targets,)
        In ``[-1, 1]``; 0 where either column is constant (the rule of
        :mod:`cogattn.encoders.scores`).
    """
    a, b = _pair(y_true, y_pred)
    return pearson_per_target(a, b)


def r2_score(y_true: Any, y_pred: Any) -> np.ndarray:
    """Coefficient of determination per target, ``1 - SS_res / SS_tot``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, n_targets) or (n_samples,)
        Data and prediction.

    Returns
    -------
    r2 : ndarray of shape (n_targets,)
        At most 1; can be negative. A constant ``y_true`` column gives 1.0 when it
        is predicted exactly, else 0.0 (scikit-learn's ``force_finite=True``, see
        :mod:`cogattn.encoders.scores`).
    """
    a, b = _pair(y_true, y_pred)
    return r2_per_target(a, b)


def circular_shift_test(
    y_true: Any,
    y_pred: Any,
    n_perm: int = 1000,
    min_shift: int | None = None,
    random_state: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Circular-shift permutation test of the correlation per target.

    The prediction is rotated in time against the data; every rotation's correlation
    comes from one FFT cross-correlation per target (all shifts at once), so the
    null costs ``O(n_targets * n_samples log n_samples)``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, n_targets) or (n_samples,)
        Data and prediction.
    n_perm : int
        Number of random shifts drawn (without replacement when possible).
    min_shift : int | None
        Smallest rotation in samples, both ways (default ``n_samples // 10``), so
        that autocorrelation does not leak the true alignment into the null.
    random_state : int | numpy.random.Generator | None
        Random state.

    Returns
    -------
    r : ndarray of shape (n_targets,)
        Observed correlation.
    p : ndarray of shape (n_targets,)
        One-sided p-value ``(1 + #(null >= r)) / (1 + n_perm)``.
    null : ndarray of shape (n_perm, n_targets)
        Correlations under the drawn shifts.
    """
    a, b = _pair(y_true, y_pred)
    n = a.shape[0]
    n_perm = check_int(n_perm, "n_perm", low=1)
    min_shift = (
        n // 10 if min_shift is None else check_int(min_shift, "min_shift", low=1)
    )
    n_allowed = n - 2 * min_shift + 1
    if n_allowed < 1:
        raise ValidationError(
            f"min_shift={min_shift} leaves no shift for {n} samples; use min_shift "
            f"< {n // 2}"
        )
    rng = check_random_state(random_state)
    shifts = min_shift + (
        rng.choice(n_allowed, size=n_perm, replace=False)
        if n_perm <= n_allowed
        else rng.integers(0, n_allowed, size=n_perm)
    )
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    den = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    den = np.where(den > 0, den, np.inf)
    fa = np.fft.rfft(a, axis=0)
    fb = np.fft.rfft(b, axis=0)
    # xc[k] = sum_t b[t] * a[(t + k) % n]
    xc = np.fft.irfft(fa * np.conj(fb), n=n, axis=0)
    r_all = xc / den
    r_obs = r_all[0]
    null = r_all[shifts]
    p = (1.0 + (null >= r_obs).sum(axis=0)) / (1.0 + n_perm)
    return r_obs, p, null


def trial_permutation_test(
    y_true: list[Any], y_pred: list[Any], n_perm: int = 1000, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trial-mismatch permutation test: predictions paired with the wrong trials.

    Trials are cropped to the shortest one; the correlation of every prediction
    with every trial is computed once (one einsum), then each permutation of the
    trial pairing averages its entries.

    Parameters
    ----------
    y_true, y_pred : list of array-like of shape (n_times, n_targets)
        Data and prediction per trial (at least 3 trials).
    n_perm : int
        Number of random derangements of the trial pairing.
    random_state : int | numpy.random.Generator | None
        Random state.

    Returns
    -------
    r : ndarray of shape (n_targets,)
        Mean matched-trial correlation.
    p : ndarray of shape (n_targets,)
        One-sided p-value against the mismatched pairings.
    null : ndarray of shape (n_perm, n_targets)
        Mean correlation under each mismatched pairing.
    """
    if not isinstance(y_true, (list, tuple)) or not isinstance(y_pred, (list, tuple)):
        raise ValidationError("y_true and y_pred must be lists of trials")
    if len(y_true) != len(y_pred) or len(y_true) < 3:
        raise ValidationError(
            f"need the same number (>= 3) of data and prediction trials, got "
            f"{len(y_true)} and {len(y_pred)}"
        )
    pairs = [_pair(t, p) for t, p in zip(y_true, y_pred, strict=True)]
    n = min(t.shape[0] for t, _ in pairs)
    z_t = np.stack([_zscore(t[:n]) for t, _ in pairs])  # (K, n, q)
    z_p = np.stack([_zscore(p[:n]) for _, p in pairs])
    corr = np.einsum("ktq,mtq->kmq", z_p, z_t) / n  # prediction k vs data m
    n_trials = corr.shape[0]
    r_obs = corr[np.arange(n_trials), np.arange(n_trials)].mean(axis=0)
    rng = check_random_state(random_state)
    n_perm = check_int(n_perm, "n_perm", low=1)
    perms = np.argsort(rng.random((n_perm, n_trials)), axis=1)
    fixed = perms == np.arange(n_trials)
    while fixed.any():  # redraw rows with a fixed point (derangements only)
        rows = fixed.any(axis=1)
        perms[rows] = np.argsort(rng.random((int(rows.sum()), n_trials)), axis=1)
        fixed = perms == np.arange(n_trials)
    null = corr[np.arange(n_trials)[None, :], perms].mean(axis=1)
    p = (1.0 + (null >= r_obs).sum(axis=0)) / (1.0 + n_perm)
    return r_obs, p, null


def _zscore(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=0)
    sd = x.std(axis=0)
    return x / np.where(sd > 0, sd, 1.0)


def bootstrap_indices(
    n: int, n_boot: int, block: int = 1, random_state: Any = None
) -> np.ndarray:
    """Resample indices, drawn once and shared by every model being compared.

    Parameters
    ----------
    n : int
        Number of samples (time points, events or trials).
    n_boot : int
        Number of resamples.
    block : int
        Length of the contiguous blocks (moving-block bootstrap, for autocorrelated
        time series); 1 gives the ordinary bootstrap.
    random_state : int | numpy.random.Generator | None
        Random state.

    Returns
    -------
    indices : ndarray of int64, shape (n_boot, n)
    """
    n = check_int(n, "n", low=2)
    n_boot = check_int(n_boot, "n_boot", low=1)
    block = check_int(block, "block", low=1, high=n)
    rng = check_random_state(random_state)
    n_blocks = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)
    return idx[:, :n].astype(np.int64)


def _check_indices(indices: Any, n: int) -> np.ndarray:
    idx = check_array(indices, "indices", ndim=2, dtype="integer")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValidationError(
            f"indices must lie in [0, {n - 1}] for {n} samples, got range "
            f"[{idx.min()}, {idx.max()}]"
        )
    return idx


def bootstrap_scores(y_true: Any, y_pred: Any, indices: Any) -> np.ndarray:
    """Pearson r per target on each resample given by ``indices``.

    Resamples are expressed as counts, so all of them cost one matrix product
    ``(n_boot, n) @ (n, n_targets)`` per moment.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples, n_targets) or (n_samples,)
        Data and prediction.
    indices : array-like of int, shape (n_boot, n_samples)
        From :func:`bootstrap_indices`; pass the same array for every model.

    Returns
    -------
    r : ndarray of shape (n_boot, n_targets)
    """
    a, b = _pair(y_true, y_pred)
    n = a.shape[0]
    idx = _check_indices(indices, n)
    counts = np.zeros((idx.shape[0], n))
    np.add.at(counts, (np.arange(idx.shape[0])[:, None], idx), 1.0)
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    m = idx.shape[1]
    sa, sb = counts @ a, counts @ b
    cov = counts @ (a * b) - sa * sb / m
    va = counts @ (a * a) - sa * sa / m
    vb = counts @ (b * b) - sb * sb / m
    den = np.sqrt(np.maximum(va, 0) * np.maximum(vb, 0))
    r = np.where(den > 0, cov / np.where(den > 0, den, 1.0), 0.0)
    return np.clip(r, -1.0, 1.0)


def paired_bootstrap_difference(
    y_true: Any, pred_a: Any, pred_b: Any, indices: Any, ci: float = 0.95
) -> dict[str, np.ndarray]:
    """Compare two models' correlations on the same resamples.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_targets)
        Data.
    pred_a, pred_b : array-like of shape (n_samples, n_targets)
        Predictions of the two models.
    indices : array-like of int, shape (n_boot, n_samples)
        Shared resamples from :func:`bootstrap_indices`.
    ci : float
        Confidence level of the percentile interval, in (0, 1).

    Returns
    -------
    result : dict
        ``"diff"`` (n_targets,) observed ``r_a - r_b``; ``"boot"`` (n_boot,
        n_targets) resampled differences; ``"ci_low"``, ``"ci_high"`` (n_targets,);
        ``"p"`` (n_targets,) two-sided bootstrap p-value of no difference.
    """
    ci = check_positive(ci, "ci")
    if ci >= 1:
        raise ValidationError(f"ci must be in (0, 1), got {ci}")
    boot = bootstrap_scores(y_true, pred_a, indices) - bootstrap_scores(
        y_true, pred_b, indices
    )
    diff = pearsonr(y_true, pred_a) - pearsonr(y_true, pred_b)
    lo, hi = np.quantile(boot, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    n_boot = boot.shape[0]
    tail = np.minimum((boot <= 0).sum(axis=0), (boot >= 0).sum(axis=0))
    p = np.minimum(1.0, 2.0 * (tail + 1.0) / (n_boot + 1.0))
    return {"diff": diff, "boot": boot, "ci_low": lo, "ci_high": hi, "p": p}


def fdr_bh(p_values: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg false discovery rate control.

    Parameters
    ----------
    p_values : array-like of shape (n_tests,)
        P-values in ``[0, 1]``.
    alpha : float
        FDR level, in (0, 1).

    Returns
    -------
    reject : ndarray of bool, shape (n_tests,)
        Tests declared significant.
    p_adjusted : ndarray of shape (n_tests,)
        BH-adjusted p-values (as ``scipy.stats.false_discovery_control``).
    """
    p = check_array(p_values, "p_values", ndim=1)
    if np.any((p < 0) | (p > 1)):
        raise ValidationError("p_values must lie in [0, 1]")
    alpha = check_positive(alpha, "alpha")
    if alpha >= 1:
        raise ValidationError(f"alpha must be in (0, 1), got {alpha}")
    m = p.size
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adj_sorted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = adj_sorted
    return adjusted <= alpha, adjusted


def split_half_reliability(
    repeats: Any, n_splits: int = 100, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Split-half reliability with the Spearman-Brown correction, and noise ceiling.

    Parameters
    ----------
    repeats : array-like of shape (n_repeats, n_samples, n_targets)
        Responses to repeated presentations of the same stimulus.
    n_splits : int
        Random splits of the repeats into two halves.
    random_state : int | numpy.random.Generator | None
        Random state.

    Returns
    -------
    reliability : ndarray of shape (n_targets,)
        ``2 r / (1 + r)`` of the mean split-half correlation ``r``: the estimated
        reliability of the mean over all repeats.
    ceiling : ndarray of shape (n_targets,)
        ``sqrt(max(reliability, 0))``: the highest correlation a model can reach
        with the repeat-averaged response.
    """
    data = check_array(_np(repeats), "repeats", ndim=3)
    n_rep = data.shape[0]
    if n_rep < 2:
        raise ValidationError(f"repeats needs at least 2 repeats, got {n_rep}")
    n_splits = check_int(n_splits, "n_splits", low=1)
    rng = check_random_state(random_state)
    perms = np.argsort(rng.random((n_splits, n_rep)), axis=1)
    half = n_rep // 2
    mask = np.zeros((n_splits, n_rep))
    np.put_along_axis(mask, perms[:, :half], 1.0, axis=1)
    other = np.zeros((n_splits, n_rep))
    np.put_along_axis(other, perms[:, half : 2 * half], 1.0, axis=1)
    mean_a = np.einsum("sr,rtq->stq", mask / half, data)
    mean_b = np.einsum("sr,rtq->stq", other / half, data)
    za = mean_a - mean_a.mean(axis=1, keepdims=True)
    zb = mean_b - mean_b.mean(axis=1, keepdims=True)
    num = (za * zb).sum(axis=1)
    den = np.sqrt((za * za).sum(axis=1) * (zb * zb).sum(axis=1))
    r = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0).mean(axis=0)
    factor = n_rep / half  # lengthen from half the repeats to all of them
    rel = factor * r / (1.0 + (factor - 1.0) * r)
    return rel, np.sqrt(np.maximum(rel, 0.0))
