"""Behavioural analysis of visual search: reaction times, slopes, asymmetry.

The conversion from fixations to reaction times and the asymmetry index follow
Gupta, Zhang, Wu, Wolfe & Kreiman (2021, NeurIPS, "Visual Search Asymmetry: Deep Nets
and Humans Share Similar Inherent Biases"):

- ``RT = 252.359 * n + 376.271`` ms, with ``n`` the number of fixations needed to
  find the target, not counting the initial fixation at the centre; a trial in which
  the target is not found counts as ``n = set_size``;
- the search slope is the least-squares slope of mean RT on set size (ms/item);
- ``AI = (s_hard - s_easy) / (s_hard + s_easy)`` with negative slopes clipped to 0,
  "hard" being the condition that is harder for humans: ``AI > 0`` is the human
  polarity, ``AI = -1`` the reversed one.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int, validate_type

__all__ = [
    "RT_INTERCEPT_MS",
    "RT_SLOPE_MS",
    "asymmetry_index",
    "asymmetry_table",
    "cumulative_found_rate",
    "effective_fixations",
    "fixations_to_rt",
    "load_human_reference",
    "search_slopes",
]

#: Milliseconds per fixation in the fixation-to-RT conversion.
RT_SLOPE_MS = 252.359
#: Intercept of the fixation-to-RT conversion, in milliseconds.
RT_INTERCEPT_MS = 376.271


def _scalar_or_array(x: np.ndarray) -> np.ndarray | float:
    return float(x) if x.ndim == 0 else x


def effective_fixations(
    n_fixations: Any, found: Any = None, set_size: Any = None
) -> np.ndarray:
    """Return the fixation count that enters the RT: ``set_size`` if not found.

    Parameters
    ----------
    n_fixations : array-like of shape (n_trials,)
        Fixations made until the target was found, the initial central fixation not
        counted; non-negative.
    found : array-like of bool, shape (n_trials,) | None
        Whether the target was found; ``None`` means found on every trial.
    set_size : int | array-like of int, shape (n_trials,) | None
        Items per display; required when ``found`` is given.

    Returns
    -------
    n : numpy.ndarray of shape (n_trials,), float64
        ``n_fixations`` where found, ``set_size`` elsewhere.
    """
    n = check_array(n_fixations, "n_fixations", dtype="numeric").astype(np.float64)
    if np.any(n < 0):
        raise ValidationError(f"n_fixations must be >= 0, got minimum {n.min():g}")
    if found is None:
        return n
    f = check_array(found, "found", dtype="bool")
    if set_size is None:
        raise ValidationError(
            "set_size is required when found is given (a trial in which the target is "
            "not found counts as set_size fixations)"
        )
    s = check_array(set_size, "set_size", dtype="integer")
    if np.any(s < 1):
        raise ValidationError(f"set_size must be >= 1, got minimum {s.min()}")
    try:
        n, f, s = np.broadcast_arrays(n, f, s)
    except ValueError:
        raise ValidationError(
            f"n_fixations, found and set_size must have matching shapes, got "
            f"{np.shape(n)}, {np.shape(f)} and {np.shape(s)}"
        ) from None
    return np.where(f, n, s).astype(np.float64)


def fixations_to_rt(
    n_fixations: Any, found: Any = None, set_size: Any = None
) -> np.ndarray | float:
    """Reaction time from the number of fixations, in milliseconds.

    ``RT = 252.359 * n + 376.271`` (Gupta et al. 2021), where ``n`` excludes the
    initial fixation at the centre and equals ``set_size`` on trials where the target
    was not found.

    Parameters
    ----------
    n_fixations : float | array-like of shape (n_trials,)
        Fixations until the target was found (>= 0).
    found : bool | array-like of bool, shape (n_trials,) | None
        Whether the target was found; ``None`` means found on every trial.
    set_size : int | array-like of int, shape (n_trials,) | None
        Items per display; required with ``found``.

    Returns
    -------
    rt : float | numpy.ndarray of shape (n_trials,)
        Reaction times in ms (a float for scalar input).
    """
    n = effective_fixations(n_fixations, found, set_size)
    return _scalar_or_array(RT_SLOPE_MS * n + RT_INTERCEPT_MS)


def _labels(condition: Any, n: int) -> np.ndarray:
    if isinstance(condition, str):
        return np.full(n, condition, dtype=object)
    cond = np.asarray(condition)
    if cond.shape != (n,):
        raise ValidationError(
            f"condition must be a str or have shape ({n},) like rt, got shape "
            f"{cond.shape}"
        )
    return cond


def search_slopes(rt: Any, set_size: Any, condition: Any) -> dict[Any, float]:
    """Search slope per condition: least-squares slope of mean RT on set size.

    RTs are first averaged per (condition, set size); the slope is then fitted to
    those means with equal weight per set size, as
    :func:`scipy.stats.linregress` does on the means.

    Parameters
    ----------
    rt : array-like of shape (n_trials,)
        Reaction times, in ms (any unit: the slope is in that unit per item).
    set_size : array-like of int, shape (n_trials,)
        Set size of each trial.
    condition : str | array-like of shape (n_trials,)
        Condition label of each trial (e.g. ``"easy"`` / ``"hard"``).

    Returns
    -------
    slopes : dict
        ``{condition: slope}`` in ms/item, conditions in sorted order.

    Raises
    ------
    ValidationError
        On mismatched shapes, or a condition with fewer than two distinct set sizes.
    """
    y = check_array(rt, "rt", ndim=1)
    x = check_array(set_size, "set_size", ndim=1, dtype="numeric")
    if x.shape != y.shape:
        raise ValidationError(
            f"set_size must have the shape of rt {y.shape}, got {x.shape}"
        )
    cond = _labels(condition, y.size)
    names, ci = np.unique(cond, return_inverse=True)
    sizes, si = np.unique(x, return_inverse=True)
    n_c, n_s = names.size, sizes.size
    cell = ci * n_s + si
    counts = np.bincount(cell, minlength=n_c * n_s).reshape(n_c, n_s)
    sums = np.bincount(cell, weights=y, minlength=n_c * n_s).reshape(n_c, n_s)
    present = counts > 0
    k = present.sum(axis=1)
    if np.any(k < 2):
        bad = names[k < 2].tolist()
        raise ValidationError(
            f"each condition needs at least two distinct set sizes to fit a slope; "
            f"condition(s) {bad} have fewer"
        )
    means = np.where(present, sums / np.maximum(counts, 1), 0.0)
    xs = np.where(present, sizes[None, :].astype(np.float64), 0.0)
    x_bar = xs.sum(axis=1, keepdims=True) / k[:, None]
    y_bar = means.sum(axis=1, keepdims=True) / k[:, None]
    dx = np.where(present, xs - x_bar, 0.0)
    slope = (dx * (means - y_bar)).sum(axis=1) / (dx * dx).sum(axis=1)
    return {name: float(s) for name, s in zip(names.tolist(), slope, strict=True)}


def asymmetry_index(slope_easy: Any, slope_hard: Any) -> np.ndarray | float:
    """Search asymmetry index ``(s_hard - s_easy) / (s_hard + s_easy)``.

    Negative slopes are clipped to 0 first. When both clipped slopes are 0 (no
    slope in either condition) the index is defined as 0: no asymmetry.

    Parameters
    ----------
    slope_easy : float | array-like
        Slope(s) in the condition easy for humans, ms/item.
    slope_hard : float | array-like
        Slope(s) in the condition hard for humans, broadcastable with
        ``slope_easy``.

    Returns
    -------
    ai : float | numpy.ndarray
        In ``[-1, 1]``; 1 is the human polarity at its strongest, -1 the reverse
        (a float for scalar input).
    """
    e = np.clip(check_array(slope_easy, "slope_easy", dtype="numeric"), 0, None)
    h = np.clip(check_array(slope_hard, "slope_hard", dtype="numeric"), 0, None)
    try:
        e, h = np.broadcast_arrays(e.astype(np.float64), h.astype(np.float64))
    except ValueError:
        raise ValidationError(
            f"slope_easy and slope_hard must be broadcastable, got shapes {e.shape} "
            f"and {h.shape}"
        ) from None
    total = e + h
    ai = np.divide(h - e, total, out=np.zeros_like(total), where=total > 0)
    return _scalar_or_array(ai)


def cumulative_found_rate(n_fixations: Any, found: Any, max_fix: int) -> np.ndarray:
    """Fraction of trials in which the target was found within ``k`` fixations.

    Parameters
    ----------
    n_fixations : array-like of shape (n_trials,)
        Fixations until the target was found (initial centre fixation not counted).
    found : array-like of bool, shape (n_trials,)
        Whether the target was found at all.
    max_fix : int
        Largest fixation count ``k`` reported (>= 1).

    Returns
    -------
    rate : numpy.ndarray of shape (max_fix,), float64
        ``rate[k - 1]`` = fraction of all trials found with ``n_fixations <= k``;
        non-decreasing, in ``[0, 1]``.
    """
    n = check_array(n_fixations, "n_fixations", ndim=1, dtype="numeric")
    f = check_array(found, "found", ndim=1, dtype="bool")
    max_fix = check_int(max_fix, "max_fix", low=1)
    if n.shape != f.shape:
        raise ValidationError(
            f"found must have the shape of n_fixations {n.shape}, got {f.shape}"
        )
    if np.any(n < 0):
        raise ValidationError(f"n_fixations must be >= 0, got minimum {n.min():g}")
    k = np.ceil(n[f]).astype(np.int64)
    k = k[k <= max_fix]
    hits = np.bincount(np.maximum(k, 1) - 1, minlength=max_fix)
    return np.cumsum(hits) / n.size


@lru_cache(maxsize=1)
def _reference() -> pd.DataFrame:
    path = resources.files("cogattn.search") / "data" / "human_slopes.csv"
    with resources.as_file(path) as p:
        return pd.read_csv(p)


def load_human_reference() -> pd.DataFrame:
    """Human and eccNET search slopes and asymmetry indices of the six paradigms.

    Digitised by Gupta, Zhang, Wu, Wolfe & Kreiman (2021, NeurIPS); the column
    ``human_source`` names the original human study where it is known.

    Returns
    -------
    table : pandas.DataFrame
        One row per paradigm (``cogattn.search.displays.PARADIGMS`` order) with
        columns ``paradigm``, ``experiment``, ``easy_condition``, ``hard_condition``,
        ``set_sizes`` (space-separated), ``human_slope_easy``, ``human_slope_hard``
        (ms/item), ``human_ai``, ``eccnet_slope_easy``, ``eccnet_slope_hard``
        (ms/item), ``eccnet_ai``, ``human_source`` and ``reference``. A fresh copy.
    """
    return _reference().copy()


def asymmetry_table(results: pd.DataFrame) -> pd.DataFrame:
    """Model search slopes and asymmetry per paradigm, next to the human ones.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per trial with columns ``paradigm``, ``condition`` (``"easy"`` /
        ``"hard"``), ``set_size`` and either ``rt`` (ms) or ``n_fixations`` (then
        converted with :func:`fixations_to_rt`, using a ``found`` column when
        present).

    Returns
    -------
    table : pandas.DataFrame
        Indexed by paradigm, with columns ``slope_easy``, ``slope_hard`` (ms/item),
        ``ai``, ``human_slope_easy``, ``human_slope_hard``, ``human_ai`` and
        ``polarity_match`` (``ai`` has the sign of ``human_ai``).
    """
    validate_type(results, pd.DataFrame, "results")
    need = {"paradigm", "condition", "set_size"}
    missing = sorted(need - set(results.columns))
    if missing or not ({"rt", "n_fixations"} & set(results.columns)):
        raise ValidationError(
            f"results must have columns paradigm, condition, set_size and rt or "
            f"n_fixations; missing {missing or ['rt or n_fixations']}, got columns "
            f"{list(results.columns)}"
        )
    ref = load_human_reference().set_index("paradigm")
    unknown = sorted(set(results["paradigm"]) - set(ref.index))
    if unknown:
        raise ValidationError(
            f"unknown paradigm(s) {unknown} in results; allowed values are "
            f"{', '.join(repr(p) for p in ref.index)}"
        )
    bad = sorted(set(results["condition"]) - {"easy", "hard"})
    if bad:
        raise ValidationError(
            f"invalid condition(s) {bad} in results; allowed values are 'easy', 'hard'"
        )
    if "rt" in results.columns:
        rt = check_array(results["rt"].to_numpy(), "results['rt']", ndim=1)
    else:
        found = results["found"].to_numpy() if "found" in results.columns else None
        rt = np.atleast_1d(
            fixations_to_rt(
                results["n_fixations"].to_numpy(), found, results["set_size"].to_numpy()
            )
        )
    rows = []
    order = [p for p in ref.index if p in set(results["paradigm"])]
    par = results["paradigm"].to_numpy()
    for paradigm in order:  # six paradigms at most; trials are vectorised within
        sel = par == paradigm
        slopes = search_slopes(
            rt[sel],
            results["set_size"].to_numpy()[sel],
            results["condition"].to_numpy()[sel],
        )
        missing_cond = {"easy", "hard"} - set(slopes)
        if missing_cond:
            raise ValidationError(
                f"paradigm {paradigm!r} has no trials in condition(s) "
                f"{sorted(missing_cond)}; both 'easy' and 'hard' are needed"
            )
        rows.append((paradigm, slopes["easy"], slopes["hard"]))
    table = pd.DataFrame(rows, columns=["paradigm", "slope_easy", "slope_hard"])
    table = table.set_index("paradigm")
    table["ai"] = asymmetry_index(
        table["slope_easy"].to_numpy(), table["slope_hard"].to_numpy()
    )
    for col in ("human_slope_easy", "human_slope_hard", "human_ai"):
        table[col] = ref.loc[table.index, col].to_numpy()
    table["polarity_match"] = np.sign(table["ai"]) == np.sign(table["human_ai"])
    return table
