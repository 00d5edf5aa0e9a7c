"""Figures of representational analyses: what each panel draws."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn import ValidationError
from cogattn.encoders import rdm
from cogattn.viz.representations import (
    plot_alignment_generalisation,
    plot_integration_sites,
    plot_rdms,
    plot_similarity_matrix,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_rdms(rng):
    d = rdm(rng.standard_normal((6, 4)))
    fig = plot_rdms([d, d * 2], ["a", "b"])
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (6, 6) and img[0, 0] == 0 and img[0, 1] == pytest.approx(d[0])
    with pytest.raises(ValidationError, match="one title per RDM"):
        plot_rdms([d], ["a", "b"])


def test_plot_similarity_matrix():
    fig = plot_similarity_matrix(np.eye(3), ["x", "y", "z"])
    assert len(fig.axes[0].texts) == 9
    with pytest.raises(ValidationError, match="square"):
        plot_similarity_matrix(np.ones((2, 3)), ["x", "y"])


def test_plot_alignment_generalisation():
    res = {
        "srm": {
            "aligned_r": [0.9, 0.8],
            "null_r": [0.0, 0.1],
            "baseline_r": [0.2, 0.3],
        },
        "hyper": {"aligned_r": [0.7, 0.7], "null_r": [0.0, 0.0]},
    }
    fig = plot_alignment_generalisation(res)
    heights = sorted(round(p.get_height(), 3) for p in fig.axes[0].patches)
    assert heights == sorted([0.85, 0.7, 0.05, 0.0, 0.25])


def test_plot_integration_sites():
    fig = plot_integration_sites([0.1, -0.1], [0.2, 0.0], [True, False], [True, True])
    assert len(fig.axes[0].collections) == 3
    with pytest.raises(ValidationError, match="one length"):
        plot_integration_sites([0.1], [0.2, 0.0], [True, False])
