"""Figures of the tensor brain: link-prediction MRR per model and data set."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_link_prediction"]


def plot_link_prediction(
    summary: Any, *, reference: dict[str, float] | None = None
) -> Figure:
    """Bar chart of filtered MRR per data set and model, with intervals.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per (dataset, model) with columns ``dataset``, ``model``,
        ``mrr`` and optionally ``mrr_low`` / ``mrr_high`` (an interval).
    reference : dict of str to float | None
        A reference MRR per data set (e.g. PyKEEN DistMult), drawn as a tick.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    need = {"dataset", "model", "mrr"}
    missing = sorted(need - set(summary.columns))
    if missing:
        raise ValidationError(
            f"summary is missing column(s) {missing}; got {list(summary.columns)}"
        )
    datasets = list(dict.fromkeys(summary["dataset"]))
    models = list(dict.fromkeys(summary["model"]))
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(datasets), 3.2))
    x = np.arange(len(datasets))
    for j, model in enumerate(models):
        rows = summary[summary["model"] == model].set_index("dataset")
        vals = np.array([rows["mrr"].get(d, np.nan) for d in datasets], dtype=float)
        err = None
        if {"mrr_low", "mrr_high"} <= set(summary.columns):
            lo = np.array([rows["mrr_low"].get(d, np.nan) for d in datasets], float)
            hi = np.array([rows["mrr_high"].get(d, np.nan) for d in datasets], float)
            err = np.vstack([vals - lo, hi - vals])
        ax.bar(
            x + (j - (len(models) - 1) / 2) * width,
            vals,
            width,
            yerr=err,
            label=model,
            capsize=2,
        )
    if reference:
        for i, d in enumerate(datasets):
            if d in reference:
                ax.hlines(
                    reference[d],
                    i - 0.45,
                    i + 0.45,
                    colors="k",
                    linestyles="--",
                    label="PyKEEN DistMult" if i == 0 else None,
                )
    ax.set_xticks(x, datasets)
    ax.set_ylim(0, 1)
    ax.set_ylabel("filtered test MRR")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
