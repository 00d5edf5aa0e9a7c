"""The antialiased renderer against supersampling and closed-form areas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cogattn.search.shape_coverage import (
    arc_coverage,
    disc_coverage,
    edge_coverage,
    rectangle_coverage,
)

SETTINGS = settings(max_examples=40, deadline=None)
SUB = 256  # supersampling reference: SUB x SUB points per pixel
_U = (np.arange(SUB) + 0.5) / SUB - 0.5  # sample offsets inside a pixel


def _supersampled_edge(inside: float, angle: float) -> float:
    """Fraction of SUB x SUB points of a pixel on the inner side of an edge."""
    nx, ny = np.cos(angle), np.sin(angle)
    proj = _U[:, None] * ny + _U[None, :] * nx
    return float((proj <= inside).mean())


def _supersampled_mask(shape, inside_fn, sub: int = 16) -> np.ndarray:
    """Coverage by ``sub x sub`` point sampling of the predicate ``inside_fn(y, x)``."""
    u = (np.arange(sub) + 0.5) / sub - 0.5
    y = np.arange(shape[0])[:, None, None, None] + u[None, None, :, None]
    x = np.arange(shape[1])[None, :, None, None] + u[None, None, None, :]
    return inside_fn(y, x).mean(axis=(2, 3))


@SETTINGS
@given(
    inside=st.floats(-1.0, 1.0),
    angle=st.floats(0.0, 2 * np.pi),
)
def test_edge_coverage_matches_supersampling(inside, angle):
    cov = float(edge_coverage(inside, np.cos(angle), np.sin(angle)))
    assert 0.0 <= cov <= 1.0
    # the point grid's own error is below (|nx| + |ny|) / SUB < 0.006
    assert cov == pytest.approx(_supersampled_edge(inside, angle), abs=0.006)


def test_edge_coverage_closed_form_values():
    # axis-aligned: a linear ramp; 45 degrees: two quadratic pieces (hand-computed)
    assert edge_coverage(0.0, 1.0, 0.0) == pytest.approx(0.5)
    assert edge_coverage(0.25, 1.0, 0.0) == pytest.approx(0.75)
    assert edge_coverage(0.6, 0.0, 1.0) == pytest.approx(1.0)
    h = np.sqrt(0.5)
    # s = d + sqrt(2)/2; for s < sqrt(2)/2 the covered area is the corner
    # triangle s^2 / (2 * 0.5)
    s = -0.2 + h
    assert edge_coverage(-0.2, h, h) == pytest.approx(s * s)
    assert edge_coverage(0.2, h, h) == pytest.approx(1 - s * s)


@SETTINGS
@given(
    radius=st.floats(2.0, 40.0),
    cy=st.floats(0.0, 1.0),
    cx=st.floats(0.0, 1.0),
)
def test_disc_area_matches_pi_r_squared(radius, cy, cx):
    n = 2 * int(radius) + 7
    cov = disc_coverage((n, n), (n // 2 + cy, n // 2 + cx), radius)
    assert cov.min() >= 0.0 and cov.max() <= 1.0
    assert cov.sum() == pytest.approx(np.pi * radius**2, rel=0.01)


def test_rendered_disc_mean_intensity_is_its_area():
    """A disc of ink on grey: mean intensity = grey + (ink - grey) * area / pixels."""
    grey, ink = 0.5, 0.0
    radius, n = 15.6, 41
    cov = disc_coverage((n, n), (20.3, 19.8), radius)
    img = grey + cov * (ink - grey)
    expected = grey + (ink - grey) * np.pi * radius**2 / n**2
    assert abs(img.mean() - expected) <= 0.01 * abs(expected - grey)
    # edge pixels are partly covered: intermediate grey levels, not a binary mask
    assert np.sum((cov > 0.05) & (cov < 0.95)) > 2 * np.pi * radius * 0.5


def test_disc_matches_supersampling_pixelwise():
    c, r = (16.3, 15.7), 11.2
    cov = disc_coverage((33, 33), c, r)
    ref = _supersampled_mask(
        (33, 33), lambda y, x: (y - c[0]) ** 2 + (x - c[1]) ** 2 <= r * r, sub=32
    )
    assert np.abs(cov - ref).max() < 0.04


@SETTINGS
@given(
    length=st.floats(8.0, 60.0),
    width=st.floats(2.0, 8.0),
    angle=st.floats(-180.0, 180.0),
    cy=st.floats(0.0, 1.0),
    cx=st.floats(0.0, 1.0),
)
def test_rectangle_area_matches_length_times_width(length, width, angle, cy, cx):
    # corner pixels of a tilted bar are approximate: a 5 x 1 px bar can miss by 1-2 %;
    # from 8 x 2 px on (every stimulus stroke is at least 3 px wide) the error stays
    # below 0.7 %
    n = int(np.hypot(length, width)) + 7
    cov = rectangle_coverage((n, n), (n // 2 + cy, n // 2 + cx), length, width, angle)
    assert cov.min() >= 0.0 and cov.max() <= 1.0
    assert cov.sum() == pytest.approx(length * width, rel=0.01)


def test_axis_aligned_rectangle_is_exact_per_pixel():
    c, length, width = (10.3, 9.6), 12.4, 3.3
    cov = rectangle_coverage((21, 21), c, length, width)
    ref = _supersampled_mask(
        (21, 21),
        lambda y, x: (np.abs(y - c[0]) <= length / 2) & (np.abs(x - c[1]) <= width / 2),
        sub=40,
    )
    assert np.abs(cov - ref).max() < 0.03  # the point grid's own resolution


def test_tilted_rectangle_matches_supersampling():
    c, length, width, angle = (20.4, 19.7), 30.0, 4.5, 27.0
    a = np.deg2rad(angle)
    cov = rectangle_coverage((41, 41), c, length, width, angle)

    def inside(y, x):
        dy, dx = y - c[0], x - c[1]
        u = -dy * np.cos(a) + dx * np.sin(a)
        v = dy * np.sin(a) + dx * np.cos(a)
        return (np.abs(u) <= length / 2) & (np.abs(v) <= width / 2)

    ref = _supersampled_mask((41, 41), inside, sub=32)
    err = np.abs(cov - ref)
    assert np.sort(err.ravel())[-5] < 0.04  # only the corner pixels differ more
    assert err.max() < 0.2


def _arc_area(chord: float, sagitta: float, width: float) -> float:
    """Closed form: annulus between radii R -+ w/2, cut at |y| <= chord / 2."""
    radius = (0.25 * chord**2 + sagitta**2) / (2 * sagitta)
    y = 0.5 * chord

    def g(r):  # integral of sqrt(r^2 - t^2) dt from 0 to y
        return 0.5 * (y * np.sqrt(r * r - y * y) + r * r * np.arcsin(y / r))

    return 2.0 * (g(radius + 0.5 * width) - g(radius - 0.5 * width))


@SETTINGS
@given(
    chord=st.floats(10.0, 60.0),
    depth=st.floats(0.08, 0.4),
    width=st.floats(1.0, 5.0),
    cy=st.floats(0.0, 1.0),
    cx=st.floats(0.0, 1.0),
)
def test_arc_area_matches_closed_form(chord, depth, width, cy, cx):
    sagitta = depth * chord
    radius = (0.25 * chord**2 + sagitta**2) / (2 * sagitta)
    assume(radius - 0.5 * width > 0.5 * chord + 1.0)
    n = int(chord + sagitta + width) + 9
    cov = arc_coverage((n, n), (n // 2 + cy, n // 2 + cx), chord, sagitta, width)
    assert cov.min() >= 0.0 and cov.max() <= 1.0
    assert cov.sum() == pytest.approx(_arc_area(chord, sagitta, width), rel=0.01)


def test_tilted_bar_item_matches_scikit_image_polygon():
    """Reference: skimage.draw.polygon on a 16x finer grid, box filtered."""
    from skimage.draw import polygon
    from skimage.transform import downscale_local_mean

    from cogattn.search.paradigms import get_spec, item_set

    spec = get_spec("orientation_homogeneous")
    items = item_set("orientation_homogeneous", 30.0)
    patch = items.patches[items.kinds.index("tilt+20")].astype(np.float64)
    p, sup = items.size, 16
    m = (p - 1) / 2
    a = np.deg2rad(20.0)
    u = np.array([-np.cos(a), np.sin(a)]) * 30.0  # half of the 2 deg length
    v = np.array([np.sin(a), np.cos(a)]) * 4.5  # half of the 0.3 deg width
    corners = np.array([u + v, u - v, -u - v, -u + v]) + m
    rr, cc = polygon(
        (corners[:, 0] + 0.5) * sup - 0.5,
        (corners[:, 1] + 0.5) * sup - 0.5,
        shape=(p * sup, p * sup),
    )
    mask = np.zeros((p * sup, p * sup))
    mask[rr, cc] = 1.0
    cov = downscale_local_mean(mask, (sup, sup))
    ref = spec.background + cov * (spec.ink - spec.background)
    assert np.abs(patch - ref).max() < 0.02
