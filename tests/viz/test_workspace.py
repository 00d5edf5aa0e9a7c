"""Figures of the neuronal workspace draw what they are given and refuse bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from cogattn import ValidationError
from cogattn.viz.workspace import (
    plot_blink_conditions,
    plot_neuromodulation,
    plot_sparse_factors,
    plot_t2_activity,
    plot_workspace_rates,
)


def test_blink_conditions_draw_one_line_per_condition_with_error_bars():
    lags = np.array([0, 100, 200, 400])
    mean = np.array([1.0, 0.8, 0.3, 1.0])
    fig = plot_blink_conditions(
        lags, {"full": np.vstack([mean, mean * 0.1]), "no top-down": np.ones(4)}
    )
    ax = fig.axes[0]
    assert len(ax.lines) >= 2
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), mean)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "full",
        "no top-down",
    ]
    with pytest.raises(ValidationError, match="curve 'x' has 3 values for 4 lags"):
        plot_blink_conditions(lags, {"x": np.ones(3)})
    with pytest.raises(ValidationError, match="curves is empty"):
        plot_blink_conditions(lags, {})


def test_other_figures():
    fig = plot_t2_activity(np.r_[np.zeros(10), np.full(10, 50.0)], 20.0)
    assert sum(p.get_height() for p in fig.axes[0].patches) == 20
    t = np.arange(5.0)
    fig = plot_workspace_rates(t, {"W1:T1": t * 2}, onsets=[1.0])
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), t * 2)
    with pytest.raises(ValidationError, match=r"rates\['a'\] has shape"):
        plot_workspace_rates(t, {"a": np.ones(3)})
    fig = plot_neuromodulation([0, 1], [0.0, 1.0], [1.0, 0.5])
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [1.0, 0.5])
    with pytest.raises(ValidationError, match="2 values for 3 levels"):
        plot_neuromodulation([0, 1, 2], [0, 1], [1, 1, 1])


def test_sparse_factors_figure_draws_one_line_per_training_size():
    table = pd.DataFrame(
        {"variant": ["dense", "bottleneck_k2"] * 2, "n_train": [8, 8, 64, 64],
         "mean": [0.5, 0.7, 0.6, 0.9], "ci95": [0.1, 0.1, 0.05, 0.0]}
    )  # fmt: skip
    fig = plot_sparse_factors({"in distribution": table, "shifted": table})
    assert len(fig.axes) == 2
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [0.5, 0.7])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["dense", "k2"]
    with pytest.raises(ValidationError, match=r"lacks column\(s\) \['ci95'\]"):
        plot_sparse_factors({"a": table.drop(columns="ci95")})
    with pytest.raises(ValidationError, match="tables is empty"):
        plot_sparse_factors({})
    mixed = table.assign(factor=["sum", "sum", "parity", "parity"])
    with pytest.raises(ValidationError, match=r"mixes factors \['parity', 'sum'\]"):
        plot_sparse_factors({"a": mixed})
