import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.viz.scanpath import plot_distributions, plot_scanpaths
from tests.scanpath._helpers import random_scanpath

GEO = ScreenGeometry(160, 120, 40.0, 30.0, 57.0)


def test_plot_scanpaths(rng):
    paths = [random_scanpath(rng, 5, GEO, observer=f"s{i}") for i in range(2)]
    fig = plot_scanpaths(rng.random((120, 160)), paths)
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_xdata(), paths[0].x)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["s0", "s1"]


def test_plot_distributions(rng):
    fig = plot_distributions(
        {"real": rng.gamma(2, 1, 50) + 0.1, "model": rng.gamma(3, 1, 40) + 0.1},
        xlabel="amplitude (deg)",
        log=True,
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert len(ax.patches) == 2
    assert "median" in ax.get_legend().get_texts()[0].get_text()


def test_viz_errors(rng):
    with pytest.raises(ValidationError, match="image is 10x10 px"):
        plot_scanpaths(np.zeros((10, 10)), [random_scanpath(rng, 3, GEO)])
    with pytest.raises(ValidationError, match="log bins need positive"):
        plot_distributions({"a": np.array([0.0, 1.0])}, log=True)
    with pytest.raises(ValidationError, match="values is empty"):
        plot_distributions({})
