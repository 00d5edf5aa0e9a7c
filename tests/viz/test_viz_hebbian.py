"""Figures of Hebbian memories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.viz.hebbian import plot_hebbian_memory

CAPS = ("cos09_measured", "error_free_mean", "sign_typical_mean", "cleanup_99")


def _tables() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    rows = [
        {"d_k": d_k, "backend": b, "n_items": n, "mean_cosine": 1 / np.sqrt(n),
         "cleanup_accuracy": 1.0, "sign_recall_rate": 0.9}
        for d_k in (16, 32) for b in ("numpy", "torch") for n in (1, 4, 16)
    ]  # fmt: skip
    caps = pd.DataFrame({"d_k": [16, 32], **{c: [4.0, 8.0] for c in CAPS}})
    fits = {c: (1.0, 0.25) for c in CAPS}
    return pd.DataFrame(rows), caps, fits


def test_three_panels():
    points, caps, fits = _tables()
    fig = plot_hebbian_memory(points, caps, fits, cleanup_level=0.95)
    left, middle, right = fig.axes
    assert len(left.lines) == 4 + 1 + 1  # d_k x backend, closed form, 0.9 line
    assert middle.lines[-1].get_ydata()[0] == 0.95
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert labels[-1] == "clean-up >= 95%: slope 1.00"


def test_missing_columns_and_fits():
    points, caps, fits = _tables()
    with pytest.raises(ValidationError, match=r"points is missing columns \['d_k'\]"):
        plot_hebbian_memory(points.drop(columns="d_k"), caps, fits)
    with pytest.raises(ValidationError, match=r"no entry for \[.cleanup_99.\]"):
        plot_hebbian_memory(
            points, caps, {k: v for k, v in fits.items() if k != "cleanup_99"}
        )
