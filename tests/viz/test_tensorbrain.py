"""Figures of the tensor brain."""

from __future__ import annotations

import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.viz.tensorbrain import plot_decoder_scores, plot_link_prediction


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


def test_plot_decoder_scores():
    summary = pd.DataFrame(
        {"mean": [0.95, 0.9, 0.4], "low": [0.94, 0.88, 0.3], "high": [0.96, 0.92, 0.5]},
        index=[
            "label_acc_hard_map",
            "predicate_hits2_hard_map",
            "episodic_subject_recall",
        ],
    )
    fig = plot_decoder_scores(summary)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.95, 0.9, 0.4])
    assert len(ax.collections) >= 1  # the chance line of predicate Hits@2
    with pytest.raises(ValidationError, match="none of the read-outs"):
        plot_decoder_scores(pd.DataFrame({"mean": [1.0]}, index=["x"]))
    with pytest.raises(ValidationError, match="'mean' column"):
        plot_decoder_scores(summary.drop(columns="mean"))
