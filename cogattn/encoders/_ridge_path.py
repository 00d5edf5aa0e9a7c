"""Drivers that run the ridge solvers over batches of targets."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.progress import progress_bar
from cogattn.encoders._ridge_solvers import (
    batch_statistics,
    center_targets,
    cv_scores_batch,
    fold_statistics,
    partitions_samples,
    prepare_design,
    refit_batch,
    select_alphas,
)

__all__ = ["ridge_cv_path", "ridge_refit"]


def _batches(n_targets: int, size: int) -> list[slice]:
    return [
        slice(start, min(start + size, n_targets))
        for start in range(0, n_targets, size)
    ]


def _refit_into(
    design: Any,
    FtY: Any,
    alphas_t: Any,
    y_mean: Any,
    xp: ModuleType,
    coef: Any,
    intercept: Any,
    sl: slice,
) -> None:
    coef_b = refit_batch(design, FtY, alphas_t, xp)
    coef[sl] = xp.transpose(coef_b)
    intercept[sl] = xp.astype(
        y_mean - xp.matmul(design.x_mean, xp.astype(coef_b, xp.float64)), coef.dtype
    )


def _zero_fit(
    design: Any, n_targets: int, n_features: int, xp: ModuleType
) -> tuple[Any, Any]:
    """Zero coefficients (n_targets, n_features) and intercepts, compute dtype."""
    coef = xp.zeros((n_targets, n_features), dtype=design.F.dtype)
    intercept = xp.zeros(n_targets, dtype=design.F.dtype)
    return coef, intercept


def ridge_refit(
    X: Any,
    Y: Any,
    alpha_t: np.ndarray,
    *,
    fit_intercept: bool,
    form: str,
    xp: ModuleType,
    dtype: Any,
    batch: int,
) -> tuple[Any, Any]:
    """Ridge on all samples with one alpha per target.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Validated features (numpy array or tensor; moved to ``xp``).
    Y : array of shape (n_samples, n_targets)
        Validated targets (numpy array or tensor; moved to ``xp``).
    alpha_t : numpy.ndarray of shape (n_targets,)
        Alpha of each target (> 0).
    fit_intercept : bool
        Whether to fit intercepts.
    form : {"primal", "kernel"}
        Working basis.
    xp : module
        Backend.
    dtype : numpy dtype
        Compute dtype.
    batch : int
        Targets per batch.

    Returns
    -------
    coef : array of shape (n_targets, n_features)
        On backend ``xp``, compute dtype.
    intercept : array of shape (n_targets,)
        On backend ``xp``, compute dtype.
    """
    design = prepare_design(
        X, fit_intercept=fit_intercept, form=form, xp=xp, dtype=dtype
    )
    n_targets = Y.shape[1]
    coef, intercept = _zero_fit(design, n_targets, X.shape[1], xp)
    for sl in _batches(n_targets, batch):
        Yb = xp.asarray(Y[:, sl], dtype=design.F.dtype)
        _, y_mean, FtY = batch_statistics(
            design, Yb, fit_intercept=fit_intercept, xp=xp
        )
        alphas_b = xp.asarray(alpha_t[sl], dtype=xp.float64)
        _refit_into(design, FtY, alphas_b, y_mean, xp, coef, intercept, sl)
    return coef, intercept


def ridge_cv_path(
    X: Any,
    Y: Any,
    alphas: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    fit_intercept: bool,
    score_func: str,
    form: str,
    xp: ModuleType,
    dtype: Any,
    batch: int,
    refit: bool = True,
    verbose: bool | str | int | None = False,
) -> dict[str, Any]:
    """Cross-validated scores of every alpha for every target, then the refit.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Validated features (numpy array or tensor; moved to ``xp``).
    Y : array of shape (n_samples, n_targets)
        Validated targets (numpy array or tensor; moved to ``xp``).
    alphas : numpy.ndarray of shape (n_alphas,)
        Candidate strengths.
    folds : list of (train, test) int arrays
        Splits.
    fit_intercept : bool
        Whether to fit intercepts (per-fold centring).
    score_func : {"r2", "r"}
        Score of each test fold.
    form : {"primal", "kernel"}
        Working basis.
    xp : module
        Backend.
    dtype : numpy dtype
        Compute dtype.
    batch : int
        Targets per batch.
    refit : bool
        Whether to refit each target with its best alpha on all samples.
    verbose : bool | str | int | None
        Progress bar over the batches of targets (``False``: silent).

    Returns
    -------
    result : dict
        Arrays on backend ``xp``: ``scores`` (n_alphas, n_targets) mean CV scores
        (float64), ``best`` (n_targets,) indices of the chosen alphas, and with
        ``refit`` ``coef`` (n_targets, n_features) and ``intercept`` (n_targets,)
        in the compute dtype.
    """
    design = prepare_design(
        X, fit_intercept=fit_intercept, form=form, xp=xp, dtype=dtype
    )
    stats = fold_statistics(design, folds, alphas, fit_intercept=fit_intercept, xp=xp)
    partition = partitions_samples(stats, folds, X.shape[0])
    n_targets = Y.shape[1]
    alphas_b = xp.asarray(alphas, dtype=xp.float64)
    scores_all = xp.zeros((alphas.size, n_targets), dtype=xp.float64)
    best = xp.zeros(n_targets, dtype=xp.int64)
    out: dict[str, Any] = {"scores": scores_all, "best": best}
    if refit:
        out["coef"], out["intercept"] = _zero_fit(design, n_targets, X.shape[1], xp)
    batches = _batches(n_targets, batch)
    for sl in progress_bar(batches, desc="RidgeCV", verbose=verbose, unit="batch"):
        Yb = xp.asarray(Y[:, sl], dtype=design.F.dtype)
        Yc, y_mean = center_targets(Yb, fit_intercept=fit_intercept, xp=xp)
        del Yb
        scores, FtY = cv_scores_batch(
            design,
            stats,
            Yc,
            fit_intercept=fit_intercept,
            score_func=score_func,
            partition=partition,
            xp=xp,
        )
        del Yc
        idx = select_alphas(scores, alphas, xp)
        scores_all[:, sl] = scores
        best[sl] = idx
        if refit:
            _refit_into(
                design,
                FtY,
                alphas_b[idx],
                y_mean,
                xp,
                out["coef"],
                out["intercept"],
                sl,
            )
    return out
