"""Figures of the tensor brain."""

from __future__ import annotations

import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.viz.tensorbrain import plot_link_prediction


def test_plot_link_prediction():
    summary = pd.DataFrame(
        {
            "dataset": ["nations", "nations", "umls", "umls"],
            "model": ["distmult", "complex"] * 2,
            "mrr": [0.7, 0.8, 0.85, 0.94],
            "mrr_low": [0.68, 0.78, 0.84, 0.93],
            "mrr_high": [0.72, 0.82, 0.86, 0.95],
        }
    )
    fig = plot_link_prediction(summary, reference={"nations": 0.665, "umls": 0.617})
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_xticklabels()] == ["nations", "umls"]
    # bars are drawn model by model: distmult (nations, umls), then complex
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([0.7, 0.85, 0.8, 0.94])
    with pytest.raises(ValidationError, match="missing column"):
        plot_link_prediction(summary.drop(columns="mrr"))
