"""Figures of brain encoders: temporal response functions against evoked averages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_trf_vs_evoked"]


def plot_trf_vs_evoked(
    times: Any,
    kernels: Sequence[Any],
    evokeds: Sequence[Any],
    labels: Sequence[str],
    correlations: Sequence[float] | None = None,
) -> Figure:
    """Plot each TRF kernel's global field power beside that of the evoked average.

    Parameters
    ----------
    times : array-like of shape (n_times,)
        Lag times in seconds (the same for kernels and evoked averages).
    kernels : sequence of array-like of shape (n_channels, n_times)
        One TRF kernel per condition.
    evokeds : sequence of array-like of shape (n_channels, n_times)
        The plain average of the epochs of each condition.
    labels : sequence of str
        Condition names.
    correlations : sequence of float | None
        TRF-vs-evoked correlation of each condition, shown in the titles.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    n = len(labels)
    if not (len(kernels) == len(evokeds) == n) or n == 0:
        raise ValidationError(
            f"need one kernel and one evoked average per label, got {len(kernels)}, "
            f"{len(evokeds)} and {n}"
        )
    t_ms = 1e3 * np.asarray(times, dtype=float)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 2.8), squeeze=False, sharey=False)
    for k, ax in enumerate(axes[0]):
        kern = np.asarray(kernels[k], dtype=float)
        evk = np.asarray(evokeds[k], dtype=float)
        ax.plot(t_ms, kern.std(axis=0) * 1e6, color="C0", label="TRF")
        ax.plot(t_ms, evk.std(axis=0) * 1e6, color="C1", ls="--", label="evoked")
        title = labels[k]
        if correlations is not None:
            title += f" (r = {correlations[k]:.2f})"
        ax.set_title(title, fontsize=9)
        ax.axvline(0.0, color="0.7", lw=0.8)
        ax.set_xlabel("lag (ms)")
        if k == 0:
            ax.set_ylabel("global field power (µV)")
            ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
