"""Per-target scores: coefficient of determination and Pearson correlation.

The one implementation used by the ridge estimators (``score``,
``score_targets``) and by :mod:`cogattn.encoders.stats`. Every function works
column by column on numpy arrays or torch tensors (on their device) through the
backend interface of :mod:`cogattn._core.backend`; inputs are not validated here
(callers check them once at their public boundary).

Constant columns
----------------
A column is *constant* when its sum of squared deviations from its mean is at
most ``n * (64 * eps * max|y|)**2`` (``eps`` of the data dtype): exactly
constant data, up to the rounding of the mean.

- R^2 follows scikit-learn's ``r2_score(force_finite=True)``: for a constant truth
  column the score is 1.0 when the prediction matches it (residual sum of squares
  within the same tolerance) and 0.0 otherwise, instead of ``nan`` or ``-inf``.
- Pearson r is 0.0 when either column is constant (where :func:`scipy.stats.pearsonr`
  returns ``nan``); otherwise it is clipped to ``[-1, 1]``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.backend import get_backend, infer_backend

__all__ = ["pearson_per_target", "r2_per_target"]

#: rounding allowance of the constant-column test, in units of ``eps * max|y|``
_CONSTANT_ULPS = 64.0


def _xp(arr: Any, xp: ModuleType | None) -> ModuleType:
    if xp is not None:
        return xp
    return get_backend("numpy") if isinstance(arr, np.ndarray) else infer_backend(arr)


def _eps(arr: Any) -> float:
    if isinstance(arr, np.ndarray):
        return float(np.finfo(arr.dtype).eps)
    return float(np.finfo(str(arr.dtype).removeprefix("torch.")).eps)


def _tolerance(Y: Any, weight_sum: Any, xp: ModuleType) -> Any:
    """Return the sum of squares per column at or below which data is constant."""
    scale = _CONSTANT_ULPS * _eps(Y) * xp.max(xp.abs(Y), axis=0)
    return weight_sum * scale**2


def r2_per_target(
    y_true: Any,
    y_pred: Any,
    *,
    sample_weight: Any = None,
    xp: ModuleType | None = None,
) -> Any:
    """Coefficient of determination of every column, ``1 - SS_res / SS_tot``.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_samples, n_targets)
        Observed and predicted targets, float, on one backend.
    sample_weight : array of shape (n_samples,) | None
        Sample weights on the same backend (weighted sums and weighted mean, as
        scikit-learn).
    xp : module | None
        Backend; ``None`` follows ``y_true``.

    Returns
    -------
    r2 : array of shape (n_targets,)
        At most 1, can be negative; for a constant ``y_true`` column 1.0 when it is
        predicted exactly, else 0.0 (see the module docstring).
    """
    xp = _xp(y_true, xp)
    if sample_weight is None:
        w = None
        w_sum = y_true.shape[0]
        mean = xp.mean(y_true, axis=0, keepdims=True)
    else:
        w = sample_weight[:, None]
        w_sum = xp.sum(sample_weight)
        mean = xp.sum(w * y_true, axis=0, keepdims=True) / w_sum
    res = (y_true - y_pred) ** 2
    dev = (y_true - mean) ** 2
    if w is not None:
        res, dev = w * res, w * dev
    ss_res = xp.sum(res, axis=0)
    ss_tot = xp.sum(dev, axis=0)
    tol = _tolerance(y_true, w_sum, xp)
    varies = ss_tot > tol
    ratio = ss_res / xp.where(varies, ss_tot, 1.0)
    constant_score = xp.astype(ss_res <= tol, ss_tot.dtype)
    return xp.where(varies, 1.0 - ratio, constant_score)


def pearson_per_target(
    y_true: Any, y_pred: Any, *, xp: ModuleType | None = None
) -> Any:
    """Pearson correlation of every column of ``y_true`` with ``y_pred``.

    Parameters
    ----------
    y_true, y_pred : array of shape (n_samples, n_targets)
        Observed and predicted targets, float, on one backend.
    xp : module | None
        Backend; ``None`` follows ``y_true``.

    Returns
    -------
    r : array of shape (n_targets,)
        In ``[-1, 1]``; 0.0 where either column is constant (see the module
        docstring).
    """
    xp = _xp(y_true, xp)
    n = y_true.shape[0]
    a = y_true - xp.mean(y_true, axis=0, keepdims=True)
    b = y_pred - xp.mean(y_pred, axis=0, keepdims=True)
    ss_a = xp.sum(a * a, axis=0)
    ss_b = xp.sum(b * b, axis=0)
    ok = (ss_a > _tolerance(y_true, n, xp)) & (ss_b > _tolerance(y_pred, n, xp))
    den = xp.sqrt(xp.where(ok, ss_a * ss_b, 1.0))
    r = xp.sum(a * b, axis=0) / den
    return xp.clip(xp.where(ok, r, 0.0), -1.0, 1.0)
