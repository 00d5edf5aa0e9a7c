"""Figures of representational analyses: RDMs, CKA matrices, alignment, sites.

- :func:`plot_rdms`: square RDMs side by side;
- :func:`plot_similarity_matrix`: a CKA (or RDM-comparison) matrix with values;
- :func:`plot_alignment_generalisation`: held-out correlation per subject after
  alignment, against a null and an unaligned baseline;
- :func:`plot_integration_sites`: per-site gains of a multimodal model over the
  best unimodal model and over the linear concatenation, integration sites marked.

matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cogattn._core.errors import ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_alignment_generalisation",
    "plot_integration_sites",
    "plot_rdms",
    "plot_similarity_matrix",
]


def plot_rdms(rdms: Sequence[Any], titles: Sequence[str]) -> Figure:
    """Draw condensed or square RDMs as matrices, one panel each.

    Parameters
    ----------
    rdms : sequence of array-like, each (n_pairs,) or (n_conditions, n_conditions)
    titles : sequence of str
        One title per RDM.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from cogattn.encoders.rsa import rdm_to_matrix

    if len(rdms) != len(titles) or not rdms:
        raise ValidationError(
            f"need one title per RDM, got {len(rdms)} RDMs and {len(titles)} titles"
        )
    n = len(rdms)
    fig, axes = plt.subplots(1, n, figsize=(3.0 * n, 3.0), squeeze=False)
    for ax, d, title in zip(axes[0], rdms, titles, strict=True):
        m = np.asarray(d, dtype=float)
        m = rdm_to_matrix(m) if m.ndim == 1 else m
        im = ax.imshow(m, cmap="viridis")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def plot_similarity_matrix(
    matrix: Any, labels: Sequence[str], title: str = "linear CKA"
) -> Figure:
    """Draw a square similarity matrix (e.g. CKA between layers) with its values.

    Parameters
    ----------
    matrix : array-like of shape (n, n)
    labels : sequence of str of length n
    title : str

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] != len(labels):
        raise ValidationError(
            f"matrix must be square with one label per row, got shape {m.shape} and "
            f"{len(labels)} labels"
        )
    n = m.shape[0]
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * n, 0.8 + 0.6 * n))
    im = ax.imshow(m, vmin=min(0.0, float(m.min())), vmax=1.0, cmap="magma")
    ax.set_xticks(range(n), labels, rotation=45, ha="right")
    ax.set_yticks(range(n), labels)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="w" if m[i, j] < 0.6 else "k")  # fmt: skip
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def plot_alignment_generalisation(
    results: Mapping[str, Mapping[str, Any]],
) -> Figure:
    """Bar chart of held-out correlations per alignment method.

    Parameters
    ----------
    results : mapping of method name -> mapping
        Each value holds ``"aligned_r"`` (n_subjects,) and optionally ``"null_r"``
        and ``"baseline_r"`` of the same length.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not results:
        raise ValidationError("results is empty; pass at least one method")
    kinds = [("aligned_r", "aligned", "C0"), ("null_r", "null (shifted training)",
             "C7"), ("baseline_r", "no alignment", "C1")]  # fmt: skip
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(results), 3.0))
    width = 0.8 / len(kinds)
    for k, (key, label, color) in enumerate(kinds):
        means, errs, pos = [], [], []
        for i, res in enumerate(results.values()):
            vals = np.asarray(res.get(key, []), dtype=float)
            vals = vals[np.isfinite(vals)]
            if vals.size:
                means.append(vals.mean())
                errs.append(vals.std())
                pos.append(i + (k - 1) * width)
        if pos:
            ax.bar(pos, means, width, yerr=errs, color=color, label=label)
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xticks(range(len(results)), list(results))
    ax.set_ylabel("held-out r (mean over subjects)")
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def plot_integration_sites(
    gain_unimodal: Any,
    gain_concat: Any,
    is_site: Any,
    planted: Any | None = None,
) -> Figure:
    """Scatter of per-site gains of the multimodal model.

    Parameters
    ----------
    gain_unimodal : array-like of shape (n_sites,)
        Multimodal r minus the best unimodal r.
    gain_concat : array-like of shape (n_sites,)
        Multimodal r minus the concatenation's r.
    is_site : array-like of bool, shape (n_sites,)
        Sites declared integration sites by the decision rule.
    planted : array-like of bool, shape (n_sites,) | None
        Ground truth in simulations (drawn as open circles).

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    gu = np.asarray(gain_unimodal, dtype=float)
    gc = np.asarray(gain_concat, dtype=float)
    site = np.asarray(is_site, dtype=bool)
    if not (gu.shape == gc.shape == site.shape) or gu.ndim != 1:
        raise ValidationError(
            f"gains and is_site must be 1-D of one length, got {gu.shape}, "
            f"{gc.shape}, {site.shape}"
        )
    fig, ax = plt.subplots(figsize=(3.6, 3.4))
    ax.scatter(gu[~site], gc[~site], s=12, color="C7", label="not a site")
    ax.scatter(gu[site], gc[site], s=16, color="C3", label="integration site")
    if planted is not None:
        p = np.asarray(planted, dtype=bool)
        ax.scatter(gu[p], gc[p], s=60, facecolors="none", edgecolors="k",
                   label="planted")  # fmt: skip
    ax.axhline(0.0, color="k", lw=0.5)
    ax.axvline(0.0, color="k", lw=0.5)
    ax.set_xlabel("r(multimodal) - r(best unimodal)")
    ax.set_ylabel("r(multimodal) - r(concatenation)")
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig
