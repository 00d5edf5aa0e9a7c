"""Figures of the workspace family.

Blink curves, ignition, neuromodulation, and the accuracies of the sparse-factor
bottleneck task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_blink_conditions",
    "plot_neuromodulation",
    "plot_sparse_factors",
    "plot_t2_activity",
    "plot_workspace_rates",
]


def plot_blink_conditions(lags: Any, curves: Mapping[str, Any]) -> Figure:
    """T2 detection against the T1-T2 lag, one line per condition.

    Parameters
    ----------
    lags : array-like of shape (n_lags,)
        Lags (ms).
    curves : mapping of str to array-like of shape (n_lags,) or (2, n_lags)
        Detection per lag, or its mean and standard deviation (error bars).

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    lags = np.asarray(check_array(lags, "lags", ndim=1), float)
    if not curves:
        raise ValidationError("curves is empty; give at least one condition")
    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for name, values in curves.items():
        v = np.atleast_2d(np.asarray(values, float))
        if v.shape[-1] != lags.size:
            raise ValidationError(
                f"curve {name!r} has {v.shape[-1]} values for {lags.size} lags"
            )
        err = v[1] if v.shape[0] > 1 else None
        ax.errorbar(lags, v[0], yerr=err, marker="o", capsize=3, label=name)
    ax.set_xlabel("T1-T2 lag (ms)")
    ax.set_ylabel("T2 detected (fraction)")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(frameon=False)
    return fig


def plot_t2_activity(activity: Any, threshold: float, bins: int = 25) -> Figure:
    """Histogram of T2's peak workspace rate across trials, with the threshold.

    Parameters
    ----------
    activity : array-like of shape (n_trials,)
        Peak workspace rate (Hz) of T2 on each trial.
    threshold : float
        Detection threshold (Hz).
    bins : int
        Histogram bins.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    activity = np.asarray(check_array(activity, "activity", ndim=1), float)
    fig = Figure(figsize=(4.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(activity, bins=bins, color="0.4")
    ax.axvline(threshold, color="C3", ls="--", label="threshold")
    ax.set_xlabel("T2 peak workspace rate (Hz)")
    ax.set_ylabel("trials")
    ax.legend(frameon=False)
    return fig


def plot_workspace_rates(
    times: Any, rates: Mapping[str, Any], onsets: Any = ()
) -> Figure:
    """Mean population rates against time, with stimulus onsets.

    Parameters
    ----------
    times : array-like of shape (n_bins,)
        Bin centres (ms).
    rates : mapping of str to array-like of shape (n_bins,)
        Rate (Hz) of each population.
    onsets : sequence of float
        Stimulus onsets (ms), drawn as vertical lines.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    times = np.asarray(check_array(times, "times", ndim=1), float)
    fig = Figure(figsize=(6, 3.4), layout="constrained")
    ax = fig.add_subplot()
    for name, r in rates.items():
        r = np.asarray(r, float)
        if r.shape != times.shape:
            raise ValidationError(
                f"rates[{name!r}] has shape {r.shape}; times has {times.shape}"
            )
        ax.plot(times, r, label=name)
    for t in onsets:
        ax.axvline(float(t), color="0.6", ls=":")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    ax.legend(frameon=False, fontsize="small")
    return fig


def plot_neuromodulation(levels: Any, p_spontaneous: Any, p_detected: Any) -> Figure:
    """Spontaneous ignition and stimulus detection against neuromodulation.

    Parameters
    ----------
    levels : array-like of shape (n_levels,)
        Neuromodulatory current (mV).
    p_spontaneous, p_detected : array-like of shape (n_levels,)
        Fraction of trials with a spontaneous ignition, and with the stimulus
        detected.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    levels = np.asarray(check_array(levels, "levels", ndim=1), float)
    fig = Figure(figsize=(4.8, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for values, label in (
        (p_spontaneous, "spontaneous ignition"),
        (p_detected, "stimulus detected"),
    ):
        values = np.asarray(check_array(values, label, ndim=1), float)
        if values.size != levels.size:
            raise ValidationError(
                f"{label}: {values.size} values for {levels.size} levels"
            )
        ax.plot(levels, values, marker="o", label=label)
    ax.set_xlabel("neuromodulation (mV)")
    ax.set_ylabel("fraction of trials")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(frameon=False)
    return fig


def plot_sparse_factors(tables: Mapping[str, Any]) -> Figure:
    """Accuracy per model of the ``sparse_factors`` experiment, one panel per test set.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Panel title to a summary with columns ``variant``, ``n_train``, ``mean`` and
        ``ci95`` (the report's ``test_accuracy`` and ``ood_accuracy`` tables, the
        rows of one factor); one line per ``n_train``, with 95% intervals as error
        bars.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if not tables:
        raise ValidationError("tables is empty; give at least one summary table")
    fig = Figure(figsize=(4.2 * len(tables), 3.4), layout="constrained")
    axes = fig.subplots(1, len(tables), squeeze=False)[0]
    for ax, (title, table) in zip(axes, tables.items(), strict=True):
        missing = {"variant", "n_train", "mean", "ci95"} - set(table.columns)
        if missing:
            raise ValidationError(
                f"table {title!r} lacks column(s) {sorted(missing)}; it needs "
                "variant, n_train, mean and ci95"
            )
        if "factor" in table and table["factor"].nunique() > 1:
            raise ValidationError(
                f"table {title!r} mixes factors {sorted(table['factor'].unique())}; "
                "give the rows of one factor"
            )
        names = list(dict.fromkeys(table["variant"]))
        for n, rows in table.groupby("n_train", sort=True):
            pos = [names.index(v) for v in rows["variant"]]
            ax.errorbar(pos, rows["mean"], yerr=rows["ci95"], marker="o",
                        capsize=3, label=f"n_train = {n}")  # fmt: skip
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([v.replace("bottleneck_", "") for v in names])
        ax.axhline(0.5, color="0.6", ls=":")
        ax.set_title(title)
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(frameon=False, fontsize="small")
    return fig
