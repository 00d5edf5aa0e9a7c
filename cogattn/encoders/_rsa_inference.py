"""Inference on RDM comparisons: bootstrap over conditions/subjects, noise ceilings.

Noise ceiling (Nili et al. 2014, as rsatoolbox's ``boot_noise_ceiling``): each
subject's RDM is compared with the pooled RDM of the other subjects (lower bound:
the pooled RDM was not fitted to that subject) and with the pooled RDM of all
subjects (upper bound: it was); the bounds are means over subjects. The pooled RDM
is the average that maximises the mean similarity under the method: RDMs scaled to
unit root mean square for ``"cosine"``, z-scored for ``"corr"``, ranks for the rank
methods, unit whitened norm for ``"cosine_cov"`` / ``"corr_cov"``.

Bootstrap over conditions resamples the conditions with replacement and keeps the
distances between distinct draws (pairs of the same condition drawn twice are
dropped, as in rsatoolbox); over subjects it resamples the subjects' RDMs; ``"both"``
does both at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.encoders._rsa_compare import (
    COMPARE_METHODS,
    _stack,
    compare_rdms,
    whitened_rdm_vectors,
)
from cogattn.encoders._rsa_rdm import n_conditions_from_rdm, rdm_to_matrix

__all__ = ["bootstrap_rdm_comparison", "noise_ceiling", "pool_rdms"]


def pool_rdms(rdms: Any, method: str = "cosine") -> np.ndarray:
    """Average RDM that best represents a group under a comparison method.

    Parameters
    ----------
    rdms : array-like of shape (n_rdms, n_pairs)
        Condensed RDMs (e.g. one per subject).
    method : str
        One of :data:`COMPARE_METHODS`.

    Returns
    -------
    pooled : ndarray of shape (n_pairs,)
    """
    method = check_option(method, COMPARE_METHODS, "method")
    v = _stack(rdms, "rdms")
    if method == "cosine":
        rms = np.sqrt((v * v).mean(axis=1, keepdims=True))
        v = v / np.where(rms > 0, rms, 1.0)
    elif method == "corr":
        c = v - v.mean(axis=1, keepdims=True)
        sd = c.std(axis=1, keepdims=True)
        v = c / np.where(sd > 0, sd, 1.0)
    elif method in ("spearman", "rho-a", "tau-a"):
        from scipy.stats import rankdata

        v = rankdata(v, axis=1)
    else:
        if method == "corr_cov":
            v = v - v.mean(axis=1, keepdims=True)
        norm = np.sqrt((whitened_rdm_vectors(v) ** 2).sum(axis=1, keepdims=True))
        v = v / np.where(norm > 0, norm, 1.0)
    return v.mean(axis=0)


def noise_ceiling(rdms: Any, method: str = "cosine") -> tuple[float, float]:
    """Lower and upper bounds of the best achievable mean RDM similarity.

    Parameters
    ----------
    rdms : array-like of shape (n_subjects, n_pairs)
        One condensed RDM per subject, at least 2 subjects.
    method : str
        Comparison method (see :func:`compare_rdms`).

    Returns
    -------
    lower, upper : float
        Leave-one-subject-out and all-subjects bounds (rsatoolbox's
        ``boot_noise_ceiling``).
    """
    v = _stack(rdms, "rdms")
    n = v.shape[0]
    if n < 2:
        raise ValidationError(f"noise_ceiling needs at least 2 subjects, got {n}")
    upper = compare_rdms(pool_rdms(v, method), v, method)[0]
    lower = np.empty(n)
    for s in range(n):
        others = np.delete(v, s, axis=0)
        lower[s] = compare_rdms(pool_rdms(others, method), v[s], method)[0, 0]
    return float(lower.mean()), float(upper.mean())


def _pattern_resample(idx: np.ndarray, n_cond: int) -> tuple[np.ndarray, np.ndarray]:
    """Row/column condition indices of the pairs kept after resampling conditions."""
    idx = np.sort(idx)
    i, j = np.triu_indices(idx.size, 1)
    keep = idx[i] != idx[j]
    return idx[i][keep], idx[j][keep]


def bootstrap_rdm_comparison(
    data_rdms: Any,
    model_rdms: Any,
    method: str = "cosine",
    over: str = "both",
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: Any = None,
) -> dict[str, np.ndarray]:
    """Bootstrap distribution of the mean similarity of each model to the data.

    Parameters
    ----------
    data_rdms : array-like of shape (n_subjects, n_pairs)
        One condensed RDM per subject (or a single RDM).
    model_rdms : array-like of shape (n_models, n_pairs)
        Condensed model RDMs over the same conditions.
    method : str
        Comparison method (see :func:`compare_rdms`).
    over : {"conditions", "subjects", "both"}
        What is resampled. ``"subjects"`` needs at least 2 subjects.
    n_boot : int
        Number of resamples.
    ci : float
        Level of the percentile interval, in (0, 1).
    random_state : int | numpy.random.Generator | None
        Random state.

    Returns
    -------
    result : dict
        ``"observed"`` (n_models,) mean similarity over subjects; ``"boot"``
        (n_boot, n_models); ``"se"``, ``"ci_low"``, ``"ci_high"`` (n_models,).
    """
    over = check_option(over, ("conditions", "subjects", "both"), "over")
    data = _stack(data_rdms, "data_rdms")
    models = _stack(model_rdms, "model_rdms")
    if data.shape[1] != models.shape[1]:
        raise ValidationError(
            "data_rdms and model_rdms must describe the same conditions, got "
            f"{n_conditions_from_rdm(data.shape[1])} and "
            f"{n_conditions_from_rdm(models.shape[1])} conditions"
        )
    n_boot = check_int(n_boot, "n_boot", low=1)
    ci = check_positive(ci, "ci")
    if ci >= 1:
        raise ValidationError(f"ci must be in (0, 1), got {ci}")
    n_sub = data.shape[0]
    if over in ("conditions", "both") and method in ("cosine_cov", "corr_cov"):
        raise ValidationError(
            f"method={method!r} whitens complete RDMs; a condition resample repeats "
            "conditions, so bootstrap it with over='subjects'"
        )
    if over in ("subjects", "both") and n_sub < 2:
        raise ValidationError(
            f"bootstrapping over subjects needs at least 2 subjects, got {n_sub}"
        )
    rng = check_random_state(random_state)
    k = n_conditions_from_rdm(data.shape[1])
    observed = compare_rdms(models, data, method).mean(axis=1)
    boot = np.empty((n_boot, models.shape[0]))
    dmat = rdm_to_matrix(data)
    mmat = rdm_to_matrix(models)
    for b in range(n_boot):
        subs = (
            rng.integers(0, n_sub, n_sub)
            if over in ("subjects", "both")
            else np.arange(n_sub)
        )
        if over in ("conditions", "both"):
            ii, jj = _pattern_resample(rng.integers(0, k, k), k)
            if ii.size < 3 or np.unique(np.r_[ii, jj]).size < 3:
                boot[b] = np.nan
                continue
            dv, mv = dmat[subs][:, ii, jj], mmat[:, ii, jj]
            boot[b] = _compare_vectors(mv, dv, method).mean(axis=1)
        else:
            boot[b] = compare_rdms(models, data[subs], method).mean(axis=1)
    lo, hi = np.nanquantile(boot, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return {
        "observed": observed,
        "boot": boot,
        "se": np.nanstd(boot, axis=0, ddof=1) if n_boot > 1 else np.zeros_like(lo),
        "ci_low": lo,
        "ci_high": hi,
    }


def _compare_vectors(a: np.ndarray, b: np.ndarray, method: str) -> np.ndarray:
    """Compare resampled dissimilarity vectors (not full RDMs any more)."""
    from cogattn.encoders._rsa_compare import _centre, _cosine, _ranks, _tau_a

    if method == "cosine":
        return _cosine(a, b)
    if method == "corr":
        return _cosine(_centre(a), _centre(b))
    if method == "spearman":
        return _cosine(_centre(_ranks(a)), _centre(_ranks(b)))
    if method == "rho-a":
        n = a.shape[1]
        return 12.0 * (_centre(_ranks(a)) @ _centre(_ranks(b)).T) / (n**3 - n)
    out = np.empty((a.shape[0], b.shape[0]))
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i, j] = _tau_a(x, y)
    return out
