import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath, check_same_screen
from cogattn.scanpath.tabular import read_scanpaths, write_scanpaths
from tests.scanpath._helpers import random_scanpath


def test_degrees_closed_form(screen):
    """Closed form: a point d cm right of centre is atan(d / D) degrees away."""
    px_per_cm = screen.width_px / screen.width_cm
    x = screen.width_px / 2 + 10 * px_per_cm
    xd, yd = screen.to_degrees([x], [screen.height_px / 2])
    assert xd[0] == pytest.approx(math.degrees(math.atan(10 / 57.0)), abs=1e-12)
    assert yd[0] == pytest.approx(0.0, abs=1e-12)


def test_pixels_per_degree_roundtrip():
    geo = ScreenGeometry.from_pixels_per_degree(640, 480, 30.0)
    assert geo.pixels_per_degree == pytest.approx(30.0)
    xd, _ = geo.to_degrees([320 + 30.0], [240.0])
    assert xd[0] == pytest.approx(1.0, rel=1e-3)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(0, 1023.9), st.floats(0, 767.9), st.floats(0, 1023.9), st.floats(0, 767.9)
)
def test_amplitude_properties(x0, y0, x1, y1):
    """Amplitude: symmetric, zero on identity, equals the degree difference on the
    horizontal meridian through the centre (closed form)."""
    geo = ScreenGeometry(1024, 768, 40.0, 30.0, 57.0)
    a = geo.amplitudes(x0, y0, x1, y1)
    assert a == pytest.approx(geo.amplitudes(x1, y1, x0, y0), abs=1e-9)
    assert geo.amplitudes(x0, y0, x0, y0) == pytest.approx(0.0, abs=1e-6)
    xa, _ = geo.to_degrees(x0, 384)
    xb, _ = geo.to_degrees(x1, 384)
    assert geo.amplitudes(x0, 384, x1, 384) == pytest.approx(abs(xa - xb), abs=1e-7)
    back = geo.to_pixels(*geo.to_degrees(x0, y0))
    assert back[0] == pytest.approx(x0, abs=1e-7)
    assert back[1] == pytest.approx(y0, abs=1e-7)


def test_scanpath_defaults(screen):
    sp = Scanpath([10, 20, 30], [5, 6, 7], [0.1, 0.2, 0.3], screen)
    np.testing.assert_allclose(sp.onset, [0.0, 0.1, 0.3])
    assert len(sp) == 3
    assert sp.saccade_amplitudes().shape == (2,)
    assert "3 fixations" in repr(sp)
    with pytest.raises(ValueError, match="read-only"):
        sp.x[0] = 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [10, 2000]}, r"off the screen: x\[1\] = 2000"),
        ({"y": [-1, 3]}, r"off the screen: y\[0\] = -1"),
        ({"duration": [0.1, -0.2]}, r"durations must be >= 0 s, got duration\[1\]"),
        ({"x": [np.nan, 3]}, "NaN or infinite"),
        ({"x": [], "y": [], "duration": []}, "at least one fixation"),
        ({"y": [1, 2, 3]}, "one value per fixation"),
        ({"onset": [0.0, 0.05]}, "before fixation 0 ends"),
        ({"screen": (1024, 768)}, "must be a ScreenGeometry"),
    ],
)
def test_scanpath_errors(screen, kwargs, match):
    args = {"x": [10, 20], "y": [5, 6], "duration": [0.1, 0.2], "screen": screen}
    args.update(kwargs)
    with pytest.raises(ValidationError, match=match):
        Scanpath(**args)


def test_screen_errors():
    with pytest.raises(ValidationError, match="width_px must be a positive whole"):
        ScreenGeometry(10.5, 10, 1, 1, 1)
    with pytest.raises(ValidationError, match="distance_cm must be a finite number"):
        ScreenGeometry(10, 10, 1, 1, -1)


def test_mismatched_screens(screen, rng):
    other = ScreenGeometry(800, 600, 40, 30, 57)
    a = random_scanpath(rng, 4, screen)
    b = random_scanpath(rng, 4, other)
    with pytest.raises(ValidationError, match="mismatched screen sizes"):
        check_same_screen([a, b])


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_table_roundtrip(tmp_path, screen, rng, suffix):
    paths = [
        random_scanpath(rng, n, screen, observer=f"s{n}", stimulus="img")
        for n in (1, 5, 9)
    ]
    target = write_scanpaths(tmp_path / f"fix{suffix}", paths)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    if suffix == ".tsv":
        assert "\t" in target.read_text().splitlines()[0]
    back = read_scanpaths(target, screen)
    assert [len(b) for b in back] == [1, 5, 9]
    for a, b in zip(paths, back, strict=True):
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.duration, b.duration)
        np.testing.assert_array_equal(a.onset, b.onset)
        assert b.observer == a.observer


def test_table_errors(tmp_path, screen):
    bad = tmp_path / "bad.csv"
    bad.write_text("scanpath,x,y\n0,1,2\n")
    with pytest.raises(ValidationError, match="lacks the column"):
        read_scanpaths(bad, screen)
    bad.write_text("scanpath,x,y,duration\n0,1,2,abc\n")
    with pytest.raises(ValidationError, match="line 2: column duration holds 'abc'"):
        read_scanpaths(bad, screen)
    bad.write_text("scanpath,x,y,duration\n0,1,2,0.1\n1,1,2,0.1\n0,3,3,0.1\n")
    with pytest.raises(ValidationError, match="not contiguous"):
        read_scanpaths(bad, screen)
    bad.write_text("scanpath,x,y,duration\n0,5000,2,0.1\n")
    with pytest.raises(ValidationError, match="scanpath '0': 1 fixation"):
        read_scanpaths(bad, screen)
