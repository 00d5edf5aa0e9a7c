"""Figures of the tensor brain: link-prediction MRR, semantic-decoder read-outs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_decoder_scores", "plot_link_prediction"]


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


#: read-outs drawn by :func:`plot_decoder_scores`: (key, label, chance or None)
DECODER_SCORES = (
    ("label_acc_hard_map", "unary labels", None),
    ("entity_acc_hard_map", "entity", None),
    ("predicate_hits2_hard_map", "predicate\nHits@2", 0.5),
    ("episodic_subject_recall", "episodic\nrecall", None),
    ("semantic_hits10", "semantic\nHits@10", None),
    ("rescal_hits10", "RESCAL\nHits@10", None),
)


def plot_decoder_scores(summary: Any) -> Figure:
    """Bar chart of the semantic decoder's read-outs, with intervals.

    Parameters
    ----------
    summary : pandas.DataFrame
        Indexed by metric name (those of
        :func:`cogattn.tensorbrain.run_perception_task`) with a ``mean`` column and
        optionally ``low`` / ``high``; metrics it lacks are left out.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if "mean" not in getattr(summary, "columns", ()):
        raise ValidationError(
            "summary must be a table with a 'mean' column, indexed by metric; got "
            f"{type(summary).__name__}"
        )
    rows = [(k, lab, ch) for k, lab, ch in DECODER_SCORES if k in summary.index]
    if not rows:
        raise ValidationError(
            f"summary holds none of the read-outs {[k for k, _, _ in DECODER_SCORES]}"
        )
    means = np.array([summary.loc[k, "mean"] for k, _, _ in rows], dtype=float)
    err = None
    if {"low", "high"} <= set(summary.columns):
        lo = np.array([summary.loc[k, "low"] for k, _, _ in rows], dtype=float)
        hi = np.array([summary.loc[k, "high"] for k, _, _ in rows], dtype=float)
        err = np.vstack([means - lo, hi - means])
    fig, ax = plt.subplots(figsize=(1.2 * len(rows) + 1.5, 3.2))
    x = np.arange(len(rows))
    colours = ["C3" if k.startswith("rescal") else "C0" for k, _, _ in rows]
    ax.bar(x, means, yerr=err, capsize=3, color=colours)
    for i, (_, _, chance) in enumerate(rows):
        if chance is not None:
            ax.hlines(chance, i - 0.4, i + 0.4, colors="k", linestyles=":")
    ax.set_xticks(x, [lab for _, lab, _ in rows])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share (mean, 95 % CI)")
    fig.tight_layout()
    return fig
