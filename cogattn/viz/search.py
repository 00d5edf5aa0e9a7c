"""Figures of visual search: slopes and asymmetry indices against humans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import validate_type

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_asymmetry", "plot_asymmetry_by_variant", "plot_diet_pairs"]


def _need_columns(table: Any, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValidationError(
            f"table must be {what}; missing columns {missing}, got "
            f"{list(table.columns)}"
        )


def plot_asymmetry(table: Any) -> Figure:
    """Bar charts of model and human search slopes and asymmetry per paradigm.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`cogattn.search.asymmetry_table`: indexed by paradigm, with
        columns ``slope_easy``, ``slope_hard`` (ms/item), ``ai``,
        ``human_slope_easy``, ``human_slope_hard`` and ``human_ai``.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Left: slopes (ms/item) in the easy and hard conditions, model and human;
        right: asymmetry index, model and human.
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    validate_type(table, pd.DataFrame, "table")
    cols = ["slope_easy", "slope_hard", "ai", "human_slope_easy", "human_slope_hard"]
    _need_columns(table, [*cols, "human_ai"], "the output of asymmetry_table")
    names = [str(p) for p in table.index]
    x = np.arange(len(names))
    fig, (ax_s, ax_ai) = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    width = 0.2
    bars = (
        ("human_slope_easy", "human easy", "#9ecae1"),
        ("human_slope_hard", "human hard", "#3182bd"),
        ("slope_easy", "model easy", "#fdae6b"),
        ("slope_hard", "model hard", "#e6550d"),
    )
    for i, (col, label, color) in enumerate(bars):
        ax_s.bar(x + (i - 1.5) * width, table[col], width, label=label, color=color)
    ax_s.set_ylabel("search slope (ms/item)")
    ax_s.legend(frameon=False, fontsize=8)
    ax_ai.bar(x - 0.2, table["human_ai"], 0.4, label="human", color="#3182bd")
    ax_ai.bar(x + 0.2, table["ai"], 0.4, label="model", color="#e6550d")
    ax_ai.axhline(0.0, color="k", lw=0.8)
    ax_ai.set_ylim(-1.05, 1.05)
    ax_ai.set_ylabel("asymmetry index")
    ax_ai.legend(frameon=False, fontsize=8)
    for ax in (ax_s, ax_ai):
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
    return fig


def plot_asymmetry_by_variant(table: Any) -> Figure:
    """Asymmetry index per paradigm: humans, then one bar per model variant.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by (variant, paradigm), with columns ``ai`` and ``human_ai``, as
        returned by
        :func:`cogattn.experiments.search_asymmetry.asymmetry_report_table`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One group of bars per paradigm (in the order of the first variant): the human
        index in black, then each variant's.
    """
    from matplotlib.figure import Figure

    _need_columns(table, ["ai", "human_ai"], "indexed by (variant, paradigm)")
    if getattr(table.index, "nlevels", 1) != 2:
        raise ValidationError(
            "table must be indexed by (variant, paradigm), got an index with "
            f"{table.index.nlevels} level(s)"
        )
    variants = list(dict.fromkeys(table.index.get_level_values(0)))
    paradigms = list(dict.fromkeys(table.index.get_level_values(1)))
    fig = Figure(figsize=(8, 3.5), layout="tight")
    ax = fig.subplots()
    width = 0.8 / (len(variants) + 1)
    x = np.arange(len(paradigms))
    human = table.xs(variants[0], level=0)["human_ai"].reindex(paradigms)
    ax.bar(x, human.to_numpy(), width, color="k", label="humans")
    for i, v in enumerate(variants):
        ai = table.xs(v, level=0)["ai"].reindex(paradigms).to_numpy()
        ax.bar(x + (i + 1) * width, ai, width, label=v)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x + 0.4 - width / 2)
    ax.set_xticklabels([p.replace("_", "\n") for p in paradigms], fontsize=8)
    ax.set_ylabel("asymmetry index")
    ax.set_ylim(-1.05, 1.05)
    ax.legend(fontsize=7, ncol=2)
    return fig


def plot_diet_pairs(wide: Any) -> Figure:
    """Lighting asymmetry index of each network pair, upright vs rotated diet.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per network seed with columns ``ai_upright`` and ``ai_rotated``, as
        returned by :func:`cogattn.experiments.lighting_diet.diet_table`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One line per seed joining its two networks, the diet means as black bars
        and the human index (0.70, light from above) dashed.
    """
    from matplotlib.figure import Figure

    _need_columns(wide, ["ai_upright", "ai_rotated"], "one row per seed")
    fig = Figure(figsize=(4, 4), layout="constrained")
    ax = fig.subplots()
    pairs = wide[["ai_upright", "ai_rotated"]].to_numpy(dtype=float)
    for up, rot in pairs:  # one line per seed: a handful of networks
        ax.plot([0, 1], [up, rot], "o-", color="0.6", lw=1, ms=4)
    means = pairs.mean(axis=0) if len(pairs) else np.full(2, np.nan)
    ax.plot([-0.15, 0.15], [means[0]] * 2, "k-", lw=3)
    ax.plot([0.85, 1.15], [means[1]] * 2, "k-", lw=3, label="mean")
    ax.axhline(0.70, color="#3182bd", ls="--", lw=1, label="humans (lit from above)")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xticks([0, 1], ["upright diet", "rotated diet"])
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("lighting asymmetry index")
    ax.legend(fontsize=7, loc="lower left")
    return fig
