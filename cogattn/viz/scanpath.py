"""Figures of scanpaths: a scanpath over its image, and metric distributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_distributions", "plot_scanpaths"]


def plot_scanpaths(
    image: Any,
    scanpaths: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    max_marker: float = 300.0,
) -> Figure:
    """Scanpaths drawn over the image they were made on.

    Parameters
    ----------
    image : array-like of shape (H, W) or (H, W, 3)
        Image (or saliency map) covering the screen.
    scanpaths : sequence of Scanpath
        Scanpaths on a screen of the image's size.
    labels : sequence of str | None
        Legend entries (default: the observers).
    max_marker : float
        Marker area of the longest fixation (areas are proportional to duration).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Fixations as circles (area ~ duration) joined by saccades; the first
        fixation of each scanpath is numbered 1.
    """
    from matplotlib.figure import Figure

    img = check_array(image, "image", ndim=(2, 3))
    paths = list(scanpaths)
    if not paths:
        raise ValidationError("scanpaths is empty: give at least one Scanpath")
    h, w = img.shape[:2]
    for i, sp in enumerate(paths):
        if sp.screen.size != (w, h):
            raise ValidationError(
                f"scanpaths[{i}] is on a {sp.screen.width_px}x{sp.screen.height_px} "
                f"px screen but the image is {w}x{h} px"
            )
    if labels is not None and len(labels) != len(paths):
        raise ValidationError(
            f"labels has {len(labels)} entries for {len(paths)} scanpaths"
        )
    fig = Figure(figsize=(7, 7 * h / w + 0.4), layout="constrained")
    ax = fig.subplots()
    ax.imshow(np.asarray(img), cmap="gray" if img.ndim == 2 else None)
    longest = max(float(sp.duration.max()) for sp in paths) or 1.0
    for i, sp in enumerate(paths):
        label = labels[i] if labels is not None else (sp.observer or f"scanpath {i}")
        (line,) = ax.plot(sp.x, sp.y, "-", lw=1.2, alpha=0.8, label=label)
        ax.scatter(
            sp.x,
            sp.y,
            s=max_marker * sp.duration / longest,
            color=line.get_color(),
            alpha=0.6,
            edgecolors="k",
            linewidths=0.5,
        )
        ax.annotate(
            "1", (sp.x[0], sp.y[0]), color="w", fontsize=8, ha="center", va="center"
        )
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_axis_off()
    ax.legend(fontsize=7, loc="upper right")
    return fig


def plot_distributions(
    values: Mapping[str, Any], *, xlabel: str = "", bins: int = 30, log: bool = False
) -> Figure:
    """Overlaid histograms (as densities) of one quantity for several groups.

    Parameters
    ----------
    values : mapping of str to array-like
        Group name -> values (e.g. saccade amplitudes of real and generated
        scanpaths, or a metric's scores per model).
    xlabel : str
        Label of the quantity, with its unit.
    bins : int
        Histogram bins, shared by the groups.
    log : bool
        Logarithmic bins (for amplitudes and durations).

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    if not values:
        raise ValidationError("values is empty: give at least one group")
    data = {k: check_array(v, f"values[{k!r}]", ndim=1) for k, v in values.items()}
    allv = np.concatenate(list(data.values()))
    if log:
        if (allv <= 0).any():
            raise ValidationError("log bins need positive values")
        edges = np.geomspace(allv.min(), allv.max(), bins + 1)
    else:
        edges = np.linspace(allv.min(), allv.max(), bins + 1)
    fig = Figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.subplots()
    for name, v in data.items():
        ax.hist(
            v,
            bins=edges,
            density=True,
            histtype="step",
            lw=1.5,
            label=f"{name} (median {np.median(v):.3g})",
        )
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend(fontsize=7, frameon=False)
    return fig
