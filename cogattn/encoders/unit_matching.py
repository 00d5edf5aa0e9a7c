"""Unit-to-unit matching between two networks or two subjects (convergent learning).

Both representations answer the same stimuli: ``A`` (n x p units) and ``B``
(n x q units). Following Li et al. (2016, "Convergent learning"):

- **one-to-one**: the Pearson correlation matrix ``C`` (p x q) between units, then the
  assignment that maximises the summed correlation (Hungarian algorithm,
  :func:`scipy.optimize.linear_sum_assignment` on ``-C``); with ``p != q`` the
  smaller side is matched completely;
- **one-to-many**: each unit of ``B`` is predicted from all units of ``A`` with an
  L1-penalised regression (Lasso, coordinate descent from scikit-learn), so each
  target unit is explained by a few source units; the fit is scored on held-out
  samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_positive, is_tensor
from cogattn.encoders.scores import pearson_per_target

__all__ = ["match_units_one_to_many", "match_units_one_to_one", "unit_correlations"]


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    out = []
    for x, name in ((a, "a"), (b, "b")):
        x = x.detach().cpu().numpy() if is_tensor(x) else x
        arr = np.asarray(check_array(x, name, ndim=2, finite=False), dtype=np.float64)
        if not np.isfinite(arr).all():
            cols = np.flatnonzero((~np.isfinite(arr)).any(axis=0))
            raise ValidationError(
                f"{name} has NaN or infinite values in {cols.size} unit(s) "
                f"(first: {cols[:5].tolist()})"
            )
        out.append(arr)
    if out[0].shape[0] != out[1].shape[0]:
        raise ValidationError(
            f"a and b must have the same number of samples (stimuli), got "
            f"{out[0].shape[0]} and {out[1].shape[0]}"
        )
    if out[0].shape[0] < 3:
        raise ValidationError(
            f"unit matching needs at least 3 samples, got {out[0].shape[0]}"
        )
    return out[0], out[1]


def unit_correlations(a: Any, b: Any) -> np.ndarray:
    """Pearson correlation between every unit of ``a`` and every unit of ``b``.

    Parameters
    ----------
    a : array-like of shape (n_samples, n_units_a)
    b : array-like of shape (n_samples, n_units_b)

    Returns
    -------
    corr : ndarray of shape (n_units_a, n_units_b)
        0 where a unit is constant.
    """
    x, y = _pair(a, b)
    x = x - x.mean(axis=0)
    y = y - y.mean(axis=0)
    nx = np.sqrt((x * x).sum(axis=0))
    ny = np.sqrt((y * y).sum(axis=0))
    x = x / np.where(nx > 0, nx, np.inf)
    y = y / np.where(ny > 0, ny, np.inf)
    return np.clip(x.T @ y, -1.0, 1.0)


def match_units_one_to_one(a: Any, b: Any) -> dict[str, np.ndarray]:
    """Optimal one-to-one pairing of units by correlation.

    Parameters
    ----------
    a : array-like of shape (n_samples, n_units_a)
    b : array-like of shape (n_samples, n_units_b)

    Returns
    -------
    result : dict
        ``"rows"``, ``"cols"`` (n_matched,) paired unit indices of ``a`` and ``b``;
        ``"corr"`` (n_matched,) their correlations; ``"max_corr"`` (n_units_a,)
        each ``a`` unit's best correlation with any ``b`` unit (the greedy,
        one-to-many upper bound); ``"corr_matrix"``.
    """
    c = unit_correlations(a, b)
    rows, cols = linear_sum_assignment(-c)
    return {
        "rows": rows,
        "cols": cols,
        "corr": c[rows, cols],
        "max_corr": c.max(axis=1),
        "corr_matrix": c,
    }


def match_units_one_to_many(
    a: Any,
    b: Any,
    alpha: float = 0.01,
    test_fraction: float = 0.25,
    max_iter: int = 5000,
    random_state: Any = None,
) -> dict[str, np.ndarray]:
    """Sparse (Lasso) mapping from the units of ``a`` to each unit of ``b``.

    Parameters
    ----------
    a : array-like of shape (n_samples, n_units_a)
        Source units (predictors), standardised internally.
    b : array-like of shape (n_samples, n_units_b)
        Target units, standardised internally.
    alpha : float
        L1 penalty (scikit-learn's ``Lasso(alpha)`` on standardised data).
    test_fraction : float
        Fraction of samples held out to score the mapping, in (0, 1).
    max_iter : int
        Coordinate-descent iterations.
    random_state : int | numpy.random.Generator | None
        Random state of the train/test split.

    Returns
    -------
    result : dict
        ``"coef"`` (n_units_b, n_units_a) sparse weights fitted on the training
        samples; ``"n_active"`` (n_units_b,) number of non-zero weights;
        ``"test_r"`` (n_units_b,) held-out correlation of each target unit with its
        prediction; ``"train_index"``, ``"test_index"``.
    """
    from sklearn.linear_model import Lasso

    x, y = _pair(a, b)
    alpha = check_positive(alpha, "alpha")
    test_fraction = check_positive(test_fraction, "test_fraction")
    if test_fraction >= 1:
        raise ValidationError(f"test_fraction must be in (0, 1), got {test_fraction}")
    n = x.shape[0]
    n_test = max(1, round(test_fraction * n))
    if n - n_test < 3 or n_test < 3:
        raise ValidationError(
            f"{n} samples are too few to hold out {test_fraction:.2f} of them; "
            "need at least 3 training and 3 test samples"
        )
    rng = check_random_state(random_state)
    perm = rng.permutation(n)
    test, train = np.sort(perm[:n_test]), np.sort(perm[n_test:])
    mu_x, sd_x = x[train].mean(axis=0), x[train].std(axis=0)
    mu_y, sd_y = y[train].mean(axis=0), y[train].std(axis=0)
    sd_x = np.where(sd_x > 0, sd_x, 1.0)
    sd_y = np.where(sd_y > 0, sd_y, 1.0)
    xs, ys = (x - mu_x) / sd_x, (y - mu_y) / sd_y
    model = Lasso(alpha=alpha, max_iter=max_iter, fit_intercept=False)
    model.fit(xs[train], ys[train])
    coef = np.atleast_2d(model.coef_)
    pred = xs[test] @ coef.T
    return {
        "coef": coef,
        "n_active": (coef != 0).sum(axis=1),
        "test_r": pearson_per_target(ys[test], pred),
        "train_index": train,
        "test_index": test,
    }
