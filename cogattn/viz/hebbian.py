"""Figures of Hebbian associative memories: interference, recall and capacity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_hebbian_memory"]

_CAPACITIES = (
    ("cos09_measured", "mean cosine >= 0.9"),
    ("error_free_mean", "error-free (worst case)"),
    ("sign_typical_mean", "error-free (typical values)"),
    ("cleanup_99", "clean-up >= {level:.0%}"),
)


def plot_hebbian_memory(
    points: Any,
    capacities: Any,
    fits: Mapping[str, tuple[float, float]],
    cleanup_level: float = 0.99,
) -> Figure:
    """Plot retrieval cosine, recall and capacity scaling of Hebbian memories.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per (d_k, load, backend) point with columns ``d_k``, ``backend``,
        ``n_items``, ``mean_cosine``, ``cleanup_accuracy`` and
        ``sign_recall_rate``.
    capacities : pandas.DataFrame
        One row per ``d_k`` with the capacities (items) ``cos09_measured``,
        ``error_free_mean``, ``sign_typical_mean`` and ``cleanup_99``.
    fits : mapping of str to (float, float)
        Power-law fit ``(exponent, prefactor)`` of each capacity column against
        ``d_k`` (for ``cos09_measured``, of the capacity minus one item).
    cleanup_level : float
        Fraction of items the clean-up capacity requires (drawn as a dotted line).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Left: mean cosine against ``(N - 1) / d_k`` for every ``d_k`` and backend,
        with the closed form ``1/sqrt(1 + (N-1)/d_k)``; middle: fraction recalled by
        the clean-up (solid) and raw sign (dashed) readouts against the load;
        right: the capacities against ``d_k`` with their power-law fits.
    """
    from matplotlib.figure import Figure

    need = {
        "points": (points, ["d_k", "backend", "n_items", "mean_cosine",
                            "cleanup_accuracy", "sign_recall_rate"]),
        "capacities": (capacities, ["d_k"] + [c for c, _ in _CAPACITIES]),
    }  # fmt: skip
    for name, (table, cols) in need.items():
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise ValidationError(
                f"{name} is missing columns {missing}; got {list(table.columns)}"
            )
    absent = [c for c, _ in _CAPACITIES if c not in fits]
    if absent:
        raise ValidationError(f"fits has no entry for {absent}; got {sorted(fits)}")

    fig = Figure(figsize=(15, 4.5), layout="constrained")
    axes = fig.subplots(1, 3)
    ax = axes[0]
    for (d_k, backend), grp in points.groupby(["d_k", "backend"]):
        x = (grp["n_items"] - 1) / grp["d_k"]
        marker = "o" if backend == "numpy" else "x"
        ax.plot(x, grp["mean_cosine"], marker, ms=5, label=f"d_k={d_k} {backend}")
    xs = np.concatenate([[0.0], np.geomspace(1e-3, 10, 200)])
    ax.plot(xs, 1 / np.sqrt(1 + xs), "k-", lw=1.5, label="1/sqrt(1 + (N-1)/d_k)")
    ax.axhline(0.9, color="0.6", ls=":")
    ax.set_xscale("symlog", linthresh=0.05)
    ax.set_xlim(0, 12)
    ax.set_xlabel("(N - 1) / d_k")
    ax.set_ylabel("mean retrieval cosine (raw readout)")
    ax.set_title("Interference: all d_k collapse")
    ax.legend(fontsize=6, ncol=2)

    ax = axes[1]
    for d_k, grp in points.groupby("d_k"):
        g = grp.groupby("n_items", as_index=False)[
            ["cleanup_accuracy", "sign_recall_rate"]
        ].mean()
        (line,) = ax.plot(g["n_items"] / d_k, g["cleanup_accuracy"], "o-", ms=4,
                          label=f"clean-up d_k={d_k}")  # fmt: skip
        ax.plot(g["n_items"] / d_k, g["sign_recall_rate"], "--", color=line.get_color())
    ax.axhline(cleanup_level, color="0.6", ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("load N / d_k")
    ax.set_ylabel("fraction of items recalled")
    ax.set_title("Clean-up (solid) vs raw sign readout (dashed)")
    ax.legend(fontsize=6)

    ax = axes[2]
    d = capacities["d_k"].to_numpy(dtype=float)
    for col, label in _CAPACITIES:
        b, a = fits[col]
        off = 1.0 if col == "cos09_measured" else 0.0
        (line,) = ax.plot(
            d,
            capacities[col],
            "o",
            label=f"{label.format(level=cleanup_level)}: slope {b:.2f}",
        )
        ax.plot(d, off + a * d**b, "-", color=line.get_color(), lw=1)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("d_k")
    ax.set_ylabel("capacity N")
    ax.set_title("Capacity scaling")
    ax.legend(fontsize=7)
    return fig
