"""Figures of visual search: slopes and asymmetry indices against humans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.search.analysis import asymmetry_table, load_human_reference
from cogattn.viz.search import (
    plot_asymmetry,
    plot_asymmetry_by_variant,
    plot_diet_pairs,
)


def _synthetic_results(slopes: dict[str, tuple[float, float]]) -> pd.DataFrame:
    ref = load_human_reference().set_index("paradigm")
    rows = []
    for paradigm, (s_easy, s_hard) in slopes.items():
        sizes = [int(v) for v in ref.loc[paradigm, "set_sizes"].split()]
        for cond, s in (("easy", s_easy), ("hard", s_hard)):
            for size in sizes:
                rows += [(paradigm, cond, size, 400 + s * size) for _ in range(2)]
    return pd.DataFrame(rows, columns=["paradigm", "condition", "set_size", "rt"])


def test_plot_asymmetry_figure():
    import matplotlib.pyplot as plt

    table = asymmetry_table(
        _synthetic_results({"curvature": (2.0, 30.0), "t_vs_l": (10.0, 20.0)})
    )
    fig = plot_asymmetry(table)
    try:
        ax_s, ax_ai = fig.axes
        assert len(ax_s.patches) == 4 * 2 and len(ax_ai.patches) == 2 * 2
        heights = sorted(p.get_height() for p in ax_ai.patches)
        np.testing.assert_allclose(heights, sorted([0.81, 0.40, 28 / 32, 1 / 3]))
        assert [t.get_text() for t in ax_ai.get_xticklabels()] == [
            "curvature",
            "t_vs_l",
        ]
    finally:
        plt.close(fig)
    with pytest.raises(ValidationError, match=r"missing columns \['ai'\]"):
        plot_asymmetry(table.drop(columns="ai"))


def test_plot_asymmetry_by_variant():
    index = pd.MultiIndex.from_product(
        [["eccnet", "chance"], ["curvature", "lighting"]], names=["variant", "p"]
    )
    table = pd.DataFrame(
        {"ai": [0.5, -0.2, 0.0, 0.1], "human_ai": [0.81, 0.7, 0.81, 0.7]}, index=index
    )
    fig = plot_asymmetry_by_variant(table)
    (ax,) = fig.axes
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([0.81, 0.7, 0.5, -0.2, 0.0, 0.1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "humans",
        "eccnet",
        "chance",
    ]
    with pytest.raises(ValidationError, match=r"missing columns \['human_ai'\]"):
        plot_asymmetry_by_variant(table.drop(columns="human_ai"))
    with pytest.raises(ValidationError, match="indexed by \\(variant, paradigm\\)"):
        plot_asymmetry_by_variant(table.reset_index(level=0))


def test_plot_diet_pairs():
    wide = pd.DataFrame({"ai_upright": [0.5, 0.3], "ai_rotated": [-0.2, 0.1]})
    fig = plot_diet_pairs(wide)
    (ax,) = fig.axes
    pair_lines = [ln for ln in ax.lines if len(ln.get_xdata()) == 2][:2]
    np.testing.assert_allclose(pair_lines[0].get_ydata(), [0.5, -0.2])
    means = [ln.get_ydata()[0] for ln in ax.lines[2:4]]
    assert means == pytest.approx([0.4, -0.05])
    with pytest.raises(ValidationError, match=r"missing columns \['ai_rotated'\]"):
        plot_diet_pairs(wide.drop(columns="ai_rotated"))
