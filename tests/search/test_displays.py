"""Geometry, determinism and conditions of the search displays."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cogattn import ValidationError
from cogattn.search.displays import (
    ORIENTATIONS,
    PARADIGMS,
    SearchTrials,
    cell_edges,
    make_paradigm,
    make_trials,
    paradigm_info,
)
from cogattn.search.paradigms import get_spec, item_set

CONDITIONS = ("easy", "hard")


def _crop(trials: SearchTrials, t: int, i: int) -> np.ndarray:
    """The item patch of item ``i`` in display ``t``."""
    p = item_set(trials.paradigm, trials.px_per_degree).size
    r0, c0 = (trials.item_centers[t, i] - (p - 1) / 2).astype(int)
    return trials.images[t, r0 : r0 + p, c0 : c0 + p]


def _target_core(trials: SearchTrials) -> np.ndarray:
    """The item patch at the centre of the target image."""
    p = item_set(trials.paradigm, trials.px_per_degree).size
    o = (trials.target.shape[0] - p) // 2
    return trials.target[o : o + p, o : o + p]


def test_paradigm_names():
    assert PARADIGMS == (
        "curvature",
        "lighting",
        "intersection",
        "t_vs_l",
        "orientation_homogeneous",
        "orientation_heterogeneous",
    )


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_shapes_dtypes_and_ranges(trials_by_cell, paradigm):
    spec = get_spec(paradigm)
    for condition in CONDITIONS:
        tr = trials_by_cell[paradigm, condition]
        side = round(spec.field_deg * 30.0)
        n, s = tr.n_trials, tr.set_size
        assert tr.images.shape == (n, side, side)
        assert tr.images.dtype == np.float32
        assert tr.images.min() >= 0.0 and tr.images.max() <= 1.0
        # the background dominates every display
        assert np.median(tr.images) == pytest.approx(spec.background)
        cell = round(side / spec.grid)
        assert tr.target.shape == (cell, cell) and tr.target.dtype == np.float32
        assert tr.target_masks.shape == (n, side, side)
        assert tr.target_masks.dtype == bool
        assert tr.item_boxes.shape == (n, s, 4)
        assert np.issubdtype(tr.item_boxes.dtype, np.integer)
        assert tr.target_index.shape == (n,)
        assert np.all((tr.target_index >= 0) & (tr.target_index < s))
        assert (tr.paradigm, tr.condition, tr.set_size) == (paradigm, condition, s)
        assert tr.px_per_degree == 30.0 and tr.seed == 7
        assert paradigm in repr(tr)


@pytest.mark.parametrize("ppd", [20.0, 30.0, 41.5])
def test_image_size_is_field_times_resolution(ppd):
    for paradigm in PARADIGMS:
        spec = get_spec(paradigm)
        tr = make_trials(paradigm, "easy", 1, 1, random_state=0, px_per_degree=ppd)
        assert tr.images.shape[1:] == (round(spec.field_deg * ppd),) * 2


def _ink_extent(patch: np.ndarray, axis: int, paradigm: str) -> int:
    """Pixels more than half covered along ``axis`` (rows: 0, columns: 1)."""
    spec = get_spec(paradigm)
    half = 0.5 * abs(spec.ink - spec.background)  # half of the ink contrast
    inked = np.abs(patch - spec.background) > half
    idx = np.flatnonzero(inked.any(axis=1 - axis))
    return int(idx[-1] - idx[0] + 1)


@pytest.mark.parametrize("ppd", [30.0, 24.0])
def test_item_sizes_within_one_pixel(ppd):
    """Item extents match the published sizes (degrees x px/deg) within 1 px."""
    cases = {  # paradigm: {kind: (height_deg, width_deg)}
        "curvature": {"straight": (1.6, 0.1)},
        "orientation_homogeneous": {"tilt+0": (2.0, 0.3)},
    }
    for paradigm, kinds in cases.items():
        items = item_set(paradigm, ppd)
        for kind, (h, w) in kinds.items():
            patch = items.patches[items.kinds.index(kind)]
            assert abs(_ink_extent(patch, 0, paradigm) - h * ppd) <= 1, kind
            assert abs(_ink_extent(patch, 1, paradigm) - w * ppd) <= 1, kind
    # every drawing of the turned items fills a 5.5 x 5.5 deg box
    for paradigm in ("intersection", "t_vs_l"):
        for orientations in ORIENTATIONS:
            items = item_set(paradigm, ppd, orientations)
            for kind, patch in zip(items.kinds, items.patches, strict=True):
                for axis in (0, 1):
                    extent = _ink_extent(patch, axis, paradigm)
                    assert abs(extent - 5.5 * ppd) <= 1, (orientations, kind)
    # curved stroke: 1.6 deg tall; lighting discs: 1.04 deg across along the gradient
    items = item_set("curvature", ppd)
    assert abs(_ink_extent(items.patches[1], 0, "curvature") - 1.6 * ppd) <= 1
    items = item_set("lighting", ppd)
    assert abs(_ink_extent(items.patches[0], 0, "lighting") - 1.04 * ppd) <= 1  # top
    assert abs(_ink_extent(items.patches[2], 1, "lighting") - 1.04 * ppd) <= 1  # left


def _orientation_deg(patch: np.ndarray, background: float) -> float:
    """Tilt from vertical (clockwise positive) from the ink's second moments."""
    w = np.abs(patch.astype(np.float64) - background)
    rows, cols = np.indices(patch.shape)
    m = w.sum()
    r_bar, c_bar = (w * rows).sum() / m, (w * cols).sum() / m
    y = -(rows - r_bar)  # upwards
    x = cols - c_bar
    cov_xx, cov_yy = (w * x * x).sum() / m, (w * y * y).sum() / m
    cov_xy = (w * x * y).sum() / m
    # a line along (x, y) = (sin a, cos a) gives atan2(sin 2a, cos 2a) = 2a
    return 0.5 * np.degrees(np.arctan2(2 * cov_xy, cov_yy - cov_xx))


def test_bar_tilts_from_image_moments():
    items = item_set("orientation_heterogeneous", 30.0)
    background = get_spec("orientation_heterogeneous").background
    expected = (0.0, 20.0, -40.0, 40.0, -60.0, 60.0, -80.0, 80.0)
    for patch, angle in zip(items.patches, expected, strict=True):
        assert _orientation_deg(patch, background) == pytest.approx(angle, abs=0.5)


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_item_patches_have_blank_border(paradigm):
    for ppd in (16.0, 30.0, 45.0):
        patches = item_set(paradigm, ppd).patches
        assert patches.shape[-1] % 2 == 1
        border = np.concatenate(
            [patches[:, 0], patches[:, -1], patches[:, :, 0], patches[:, :, -1]]
        )
        assert np.all(border == np.float32(get_spec(paradigm).background))


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_items_inside_their_cells_without_overlap(trials_by_cell, paradigm):
    spec = get_spec(paradigm)
    background = np.float32(spec.background)
    for condition in CONDITIONS:
        tr = trials_by_cell[paradigm, condition]
        items = item_set(paradigm, 30.0)
        side = tr.images.shape[1]
        edges = cell_edges(side, spec.grid)
        for t in range(tr.n_trials):
            boxes = tr.item_boxes[t]
            # each box is a distinct grid cell
            assert np.all(np.isin(boxes[:, [0, 2]], edges))
            assert np.all(np.isin(boxes[:, [1, 3]], edges))
            assert len({tuple(b) for b in boxes}) == tr.set_size
            covered = np.zeros((side, side), bool)
            for i, (r0, c0, r1, c1) in enumerate(boxes):
                covered[r0:r1, c0:c1] = True
                cell = tr.images[t, r0:r1, c0:c1]
                # ink keeps at least one background pixel from the cell's edges:
                # neighbouring items are >= 2 px apart
                frame = np.concatenate([cell[0], cell[-1], cell[:, 0], cell[:, -1]])
                assert np.all(frame == background)
                # the item is drawn intact (nothing overlaps it)
                np.testing.assert_array_equal(
                    _crop(tr, t, i), items.patches[tr.item_kinds[t, i]]
                )
                ctr = tr.item_centers[t, i]
                assert r0 <= ctr[0] < r1 and c0 <= ctr[1] < c1
            # outside the occupied cells everything is background
            assert np.all(tr.images[t][~covered] == background)


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_exactly_one_target_and_its_mask(trials_by_cell, paradigm):
    items = item_set(paradigm, 30.0)
    for condition in CONDITIONS:
        tr = trials_by_cell[paradigm, condition]
        target_kinds, _, distractor_kinds = items.roles[condition]
        assert not set(target_kinds) & set(distractor_kinds)
        is_target_kind = np.isin(tr.item_kinds, target_kinds)
        assert np.all(is_target_kind.sum(axis=1) == 1)
        assert np.all(is_target_kind[np.arange(tr.n_trials), tr.target_index])
        assert np.all(np.isin(tr.item_kinds[~is_target_kind], distractor_kinds))
        for t in range(tr.n_trials):
            r0, c0, r1, c1 = tr.item_boxes[t, tr.target_index[t]]
            mask = tr.target_masks[t]
            assert mask.sum() == (r1 - r0) * (c1 - c0)
            assert mask[r0:r1, c0:c1].all()
            ink = tr.images[t] != np.float32(get_spec(paradigm).background)
            # every inked pixel of the target is in the mask ...
            p = items.size
            tr0, tc0 = (tr.item_centers[t, tr.target_index[t]] - (p - 1) / 2).astype(
                int
            )
            target_ink = np.zeros_like(ink)
            target_ink[tr0 : tr0 + p, tc0 : tc0 + p] = ink[tr0 : tr0 + p, tc0 : tc0 + p]
            assert target_ink.any()
            assert np.all(mask[target_ink])
            # ... and no inked pixel of any other item is
            assert not np.any(ink & mask & ~target_ink)


def test_target_image_is_the_canonical_target(trials_by_cell):
    for (paradigm, condition), tr in trials_by_cell.items():
        items = item_set(paradigm, 30.0)
        _, image_kind, _ = items.roles[condition]
        np.testing.assert_array_equal(_target_core(tr), items.patches[image_kind])
        # background all around the item
        p = items.size
        o = (tr.target.shape[0] - p) // 2
        rest = tr.target.copy()
        background = np.float32(get_spec(paradigm).background)
        rest[o : o + p, o : o + p] = background
        assert np.all(rest == background)


@pytest.mark.parametrize("paradigm", ["curvature", "orientation_homogeneous"])
def test_easy_and_hard_swap_target_and_distractors(trials_by_cell, paradigm):
    easy, hard = trials_by_cell[paradigm, "easy"], trials_by_cell[paradigm, "hard"]
    assert not np.array_equal(easy.target, hard.target)
    for a, b in ((easy, hard), (hard, easy)):
        t = 0
        i = 1 if a.target_index[t] == 0 else 0  # a distractor of display ``a``
        np.testing.assert_array_equal(_crop(a, t, i), _target_core(b))
        np.testing.assert_array_equal(_crop(a, t, a.target_index[t]), _target_core(a))


def _published_variants(drawing: np.ndarray) -> list[np.ndarray]:
    """The four drawings of the published eccNET stimuli, made by hand."""
    return [drawing, drawing[::-1], drawing.T, drawing.T[:, ::-1]]


def _rotations(drawing: np.ndarray) -> list[np.ndarray]:
    return [np.rot90(drawing, k) for k in range(4)]


@pytest.mark.parametrize("orientations", ["published", "rotations"])
@pytest.mark.parametrize("paradigm", ["intersection", "t_vs_l"])
def test_turned_items_swap_between_conditions(paradigm, orientations):
    """Easy and hard swap the two shapes; display items take all four drawings."""
    size = max(get_spec(paradigm).set_sizes)
    easy = make_trials(
        paradigm, "easy", size, 6, random_state=7, orientations=orientations
    )
    hard = make_trials(
        paradigm, "hard", size, 6, random_state=7, orientations=orientations
    )
    t_upright, l_upright = _target_core(easy), _target_core(hard)
    assert not np.array_equal(t_upright, l_upright)
    variants = _published_variants if orientations == "published" else _rotations
    used = []
    for tr, target_letter, distractor_letter in (
        (easy, t_upright, l_upright),
        (hard, l_upright, t_upright),
    ):
        for t in range(tr.n_trials):
            for i in range(tr.set_size):
                letter = target_letter if i == tr.target_index[t] else distractor_letter
                k = int(tr.item_kinds[t, i]) % 4  # which of the shape's four drawings
                np.testing.assert_array_equal(_crop(tr, t, i), variants(letter)[k])
                used.append(k)
    assert set(used) == {0, 1, 2, 3}


def test_published_drawings_as_quarter_turns():
    """Which quarter turns the published flips and transposes give, shape by shape.

    Reference worked out by hand from the drawings: a T (bar on top) and a cross are
    symmetric about their vertical axis, so flipping upside down is a half turn and
    the two transposes are the two quarter turns. An L (stroke on the left, bar at
    the bottom) is symmetric about its anti-diagonal: flipped upside down and
    transposed-then-flipped it is the same drawing, the L turned by 270 degrees
    counter-clockwise; transposed it is the half turn; the 90 degree turn never
    appears. A non-cross has a half-turn symmetry but no mirror symmetry: two of its
    published drawings are mirror images.
    """
    expected = {  # kind: quarter turns (counter-clockwise) of the upright drawing
        "T0": 0, "T_flipud": 2, "T_transposed": 1, "T_transposed_fliplr": 3,
        "L0": 0, "L_flipud": 3, "L_transposed": 2, "L_transposed_fliplr": 3,
        "cross0": 0, "cross_flipud": 2, "cross_transposed": 1,
        "cross_transposed_fliplr": 3,
        "non_cross0": 0, "non_cross_transposed_fliplr": 1,
    }  # fmt: skip
    mirrored = {"non_cross_flipud", "non_cross_transposed"}
    for paradigm in ("t_vs_l", "intersection"):
        items = item_set(paradigm, 30.0, "published")
        for i, kind in enumerate(items.kinds):
            upright = items.patches[i - i % 4]
            turns = [
                k
                for k, drawing in enumerate(_rotations(upright))
                if np.allclose(items.patches[i], drawing, atol=1e-6)
            ]
            if kind in mirrored:
                assert turns == [], kind
                mirror = upright[:, ::-1]
                assert any(
                    np.allclose(items.patches[i], d, atol=1e-6)
                    for d in _rotations(mirror)
                ), kind
            else:
                assert expected[kind] in turns, kind
    letters = item_set("t_vs_l", 30.0, "published").patches
    distinct_l = {
        k
        for drawing in letters[4:]
        for k, turned in enumerate(_rotations(letters[4]))
        if np.allclose(drawing, turned, atol=1e-6)
    }
    assert distinct_l == {0, 2, 3}


def test_orientations_error_and_default():
    with pytest.raises(ValidationError, match=r"orientations.*published.*rotations"):
        make_trials("t_vs_l", "easy", 3, 2, random_state=0, orientations="mirrored")
    with pytest.raises(ValidationError, match="orientations"):
        make_paradigm("t_vs_l", 2, random_state=0, orientations="flips")
    default = make_trials("t_vs_l", "hard", 6, 4, random_state=5)
    published = make_trials(
        "t_vs_l", "hard", 6, 4, random_state=5, orientations="published"
    )
    turned = make_trials(
        "t_vs_l", "hard", 6, 4, random_state=5, orientations="rotations"
    )
    np.testing.assert_array_equal(default.images, published.images)
    assert default.kind_names != turned.kind_names
    # same layouts and variant indices: only the drawings of the turned items differ
    np.testing.assert_array_equal(default.item_kinds, turned.item_kinds)
    np.testing.assert_array_equal(default.item_boxes, turned.item_boxes)
    # the other paradigms draw the same items either way
    a = make_trials("curvature", "easy", 8, 2, random_state=1, orientations="rotations")
    b = make_trials("curvature", "easy", 8, 2, random_state=1)
    np.testing.assert_array_equal(a.images, b.images)


def test_cross_and_non_cross_have_equal_ink():
    items = item_set("intersection", 30.0)
    spec = get_spec("intersection")
    ink = np.abs(items.patches.astype(np.float64) - spec.background).sum(axis=(1, 2))
    cross, non_cross = (
        ink[items.kinds.index("cross0")],
        ink[items.kinds.index("non_cross0")],
    )
    assert non_cross == pytest.approx(cross, rel=1e-3)
    # a cross has ink where its bars cross the stem on both sides; a non-cross does not
    p = items.size
    m = (p - 1) // 2
    row = m - round(0.15 * 5.5 * 30)  # 35 % of the height
    c = items.patches[items.kinds.index("cross0")][row]
    n = items.patches[items.kinds.index("non_cross0")][row]
    right = m + round(0.25 * 5.5 * 30)
    assert c[right] == spec.ink and n[right] == np.float32(spec.background)


def test_lighting_hard_is_easy_turned_a_quarter(trials_by_cell):
    easy, hard = trials_by_cell["lighting", "easy"], trials_by_cell["lighting", "hard"]
    # easy target: bright at the top; hard target: bright on the left
    p = item_set("lighting", 30.0).size
    m = (p - 1) // 2
    et, ht = _target_core(easy), _target_core(hard)
    assert et[m - 10, m] > 0.75 and et[m + 10, m] < 0.25
    assert ht[m, m - 10] > 0.75 and ht[m, m + 10] < 0.25
    np.testing.assert_array_equal(ht, np.rot90(et))
    i = 1 if easy.target_index[0] == 0 else 0
    j = 1 if hard.target_index[0] == 0 else 0
    np.testing.assert_array_equal(_crop(hard, 0, j), np.rot90(_crop(easy, 0, i)))
    # distractors have the opposite polarity of the target
    np.testing.assert_array_equal(_crop(easy, 0, i), np.flipud(et))


def test_heterogeneous_orientation_shares_distractors():
    items = item_set("orientation_heterogeneous", 30.0)
    (te,), _, de = items.roles["easy"]
    (th,), _, dh = items.roles["hard"]
    assert items.kinds[te] == "tilt+0" and items.kinds[th] == "tilt+20"
    assert de == dh
    assert sorted(items.kinds[k] for k in de) == sorted(
        f"tilt{s}{a}" for s in "+-" for a in (40, 60, 80)
    )
    tr = make_trials("orientation_heterogeneous", "easy", 12, 20, random_state=3)
    used = set(tr.item_kinds.ravel().tolist()) - {te}
    assert used == set(de)


def test_antialiased_edges_take_intermediate_values(trials_by_cell):
    for paradigm in ("curvature", "lighting", "orientation_homogeneous"):
        img = trials_by_cell[paradigm, "easy"].images
        spec = get_spec(paradigm)
        lo, hi = sorted((spec.ink, spec.background))
        inter = (img > lo + 0.05) & (img < hi - 0.05)
        assert inter.sum() > 50, paradigm
        # not just two levels: many distinct grey values along the edges
        assert np.unique(img).size > 20, paradigm


def test_same_seed_same_displays_other_seed_differs():
    for paradigm in PARADIGMS:
        a = make_trials(paradigm, "hard", 3, 4, random_state=11)
        b = make_trials(paradigm, "hard", 3, 4, random_state=11)
        c = make_trials(paradigm, "hard", 3, 4, random_state=12)
        for field in ("images", "target_masks", "item_boxes", "target_index"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        assert not np.array_equal(a.images, c.images)


def test_positions_and_target_cells_vary_across_trials():
    tr = make_trials("curvature", "easy", 8, 200, random_state=1)
    cells = tr.item_boxes[..., :2].reshape(-1, 2)
    assert len({tuple(c) for c in cells}) == 36  # every cell gets used
    target_cells = tr.item_boxes[np.arange(200), tr.target_index, :2]
    assert len({tuple(c) for c in target_cells}) > 25
    assert np.unique(tr.target_index).size == 8
    # whole-pixel jitter inside the cells, both directions
    offsets = tr.item_centers - tr.item_boxes[..., :2]
    assert np.unique(offsets[..., 0]).size > 1 and np.unique(offsets[..., 1]).size > 1


def test_set_size_counts_all_items():
    tr = make_trials("t_vs_l", "easy", 9, 2, random_state=0)
    background = np.float32(get_spec("t_vs_l").background)
    ink_cells = [
        sum(
            np.any(tr.images[t, r0:r1, c0:c1] != background)
            for r0, c0, r1, c1 in tr.item_boxes[t]
        )
        for t in range(2)
    ]
    assert ink_cells == [9, 9]


def test_make_paradigm_yields_every_cell_reproducibly():
    batches = list(make_paradigm("lighting", 3, random_state=5))
    spec = get_spec("lighting")
    assert [(b.condition, b.set_size) for b in batches] == [
        (c, s) for c in CONDITIONS for s in spec.set_sizes
    ]
    # one seed per set size, shared by the two conditions
    n_sizes = len(spec.set_sizes)
    assert [b.seed for b in batches[:n_sizes]] == [b.seed for b in batches[n_sizes:]]
    assert len({b.seed for b in batches}) == n_sizes
    again = list(make_paradigm("lighting", 3, random_state=5))
    for a, b in zip(batches, again, strict=True):
        np.testing.assert_array_equal(a.images, b.images)
        redo = make_trials(a.paradigm, a.condition, a.set_size, 3, a.seed)
        np.testing.assert_array_equal(a.images, redo.images)
    other = next(make_paradigm("lighting", 3, random_state=6))
    assert not np.array_equal(other.images, batches[0].images)


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_conditions_of_a_seed_share_their_layouts(paradigm):
    easy = make_trials(paradigm, "easy", 3, 6, random_state=21)
    hard = make_trials(paradigm, "hard", 3, 6, random_state=21)
    for name in ("item_boxes", "item_centers", "target_index", "target_masks"):
        np.testing.assert_array_equal(getattr(easy, name), getattr(hard, name))
    items = item_set(paradigm, 30.0)
    roles = [items.roles[c] for c in CONDITIONS]
    # where both conditions draw from as many variants, each item keeps its variant
    if len(roles[0][0]) == len(roles[1][0]) and len(roles[0][2]) == len(roles[1][2]):
        pos_e = _variant_positions(easy.item_kinds, easy.target_index, roles[0])
        pos_h = _variant_positions(hard.item_kinds, hard.target_index, roles[1])
        np.testing.assert_array_equal(pos_e, pos_h)
    assert not np.array_equal(easy.images, hard.images)


def _variant_positions(kinds, target_index, role):
    """Each item's index within its role's list of drawings (target or distractor)."""
    target_kinds, _, distractor_kinds = role
    is_target = np.arange(kinds.shape[1])[None, :] == target_index[:, None]
    t_pos = {k: i for i, k in enumerate(target_kinds)}
    d_pos = {k: i for i, k in enumerate(distractor_kinds)}
    return np.array(
        [
            [t_pos[k] if t else d_pos[k] for k, t in zip(row, flags, strict=True)]
            for row, flags in zip(kinds.tolist(), is_target.tolist(), strict=True)
        ]
    )


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_paradigm_info(paradigm):
    info = paradigm_info(paradigm)
    spec = get_spec(paradigm)
    assert info["field_deg"] == spec.field_deg and info["grid"] == spec.grid
    assert info["item_deg"] == spec.item_deg and info["set_sizes"] == spec.set_sizes
    assert (info["background"], info["ink"]) == (spec.background, spec.ink)
    assert info["human_slope_hard"] > info["human_slope_easy"] > 0
    assert 0 < info["human_ai"] <= 1
    assert re.search(r"\((19|20)\d\d\)", info["reference"])  # a dated citation


def test_published_layouts():
    expected = {
        "curvature": (11.3, 6, 1.6, (8, 16, 32)),
        "lighting": (6.6, 4, 1.04, (1, 6, 12)),
        "intersection": (20.5, 3, 5.5, (3, 6, 9)),
        "t_vs_l": (20.5, 3, 5.5, (3, 6, 9)),
        "orientation_homogeneous": (11.3, 4, 2.0, (1, 4, 8, 12)),
        "orientation_heterogeneous": (11.3, 4, 2.0, (1, 4, 8, 12)),
    }
    for name, (field, grid, item, sizes) in expected.items():
        s = get_spec(name)
        assert (s.field_deg, s.grid, s.item_deg, s.set_sizes) == (
            field,
            grid,
            item,
            sizes,
        )


# --- bad input ---------------------------------------------------------------------


def test_unknown_paradigm_lists_allowed():
    with pytest.raises(ValidationError, match=r"paradigm: 'spiral'.*'curvature'"):
        make_trials("spiral", "easy", 3, 1, random_state=0)
    with pytest.raises(ValidationError, match=r"allowed values are .*'t_vs_l'"):
        paradigm_info("spiral")
    with pytest.raises(ValidationError, match="paradigm"):
        make_paradigm("spiral", 3, random_state=0)


def test_unknown_condition_lists_allowed():
    with pytest.raises(ValidationError, match=r"condition: 'medium'.*'easy', 'hard'"):
        make_trials("curvature", "medium", 3, 1, random_state=0)


@pytest.mark.parametrize(
    ("paradigm", "n_cells"), [("curvature", 36), ("lighting", 16), ("t_vs_l", 9)]
)
def test_set_size_beyond_grid(paradigm, n_cells):
    with pytest.raises(
        ValidationError, match=rf"set_size must be an integer in \[1, {n_cells}\]"
    ):
        make_trials(paradigm, "easy", n_cells + 1, 1, random_state=0)
    # the full grid is allowed
    tr = make_trials(paradigm, "easy", n_cells, 1, random_state=0)
    assert tr.item_boxes.shape[1] == n_cells


def test_bad_counts_and_seed():
    with pytest.raises(ValidationError, match=r"set_size must be .* got 0"):
        make_trials("curvature", "easy", 0, 1, random_state=0)
    with pytest.raises(ValidationError, match="set_size must be an instance of int"):
        make_trials("curvature", "easy", 2.5, 1, random_state=0)
    with pytest.raises(ValidationError, match=r"n_trials must be .* got 0"):
        make_trials("curvature", "easy", 3, 0, random_state=0)
    with pytest.raises(ValidationError, match=r"random_state must be .* got -1"):
        make_trials("curvature", "easy", 3, 1, random_state=-1)
    with pytest.raises(ValidationError, match=r"n_trials_per_cell must be .* got 0"):
        make_paradigm("curvature", 0, random_state=0)


def test_resolution_too_low():
    with pytest.raises(ValidationError, match=r"px_per_degree=5 is too low.*>= "):
        make_trials("curvature", "easy", 3, 1, random_state=0, px_per_degree=5)
    with pytest.raises(ValidationError, match="px_per_degree must be a finite number"):
        make_trials("curvature", "easy", 3, 1, random_state=0, px_per_degree=-30)


@pytest.mark.parametrize("paradigm", PARADIGMS)
def test_per_display_cue_is_the_display_target(trials_by_cell, paradigm):
    for condition in CONDITIONS:
        tr = trials_by_cell[paradigm, condition]
        p = item_set(paradigm, tr.px_per_degree).size
        o = (tr.target.shape[0] - p) // 2
        assert tr.targets.shape == (tr.n_trials, *tr.target.shape)
        assert tr.targets.dtype == np.float32
        for t in range(tr.n_trials):
            cue = tr.targets[t]
            np.testing.assert_array_equal(
                cue[o : o + p, o : o + p], _crop(tr, t, tr.target_index[t])
            )
            rest = cue.copy()
            background = np.float32(get_spec(paradigm).background)
            rest[o : o + p, o : o + p] = background
            assert np.all(rest == background)
        turned = paradigm in ("intersection", "t_vs_l")
        same = np.all(tr.targets == tr.target[None], axis=(1, 2))
        # items are turned only in the two letter-like paradigms
        assert same.all() != turned or tr.n_trials == 1


def test_contrast_polarity_follows_the_published_stimuli():
    """eccNET's stimuli: white strokes on black for curvature, black on white for
    the line paradigms; the lighting discs lie on grey, their mean luminance."""
    expected = {
        "curvature": (0.0, 1.0),
        "lighting": (0.5, 0.0),
        "intersection": (1.0, 0.0),
        "t_vs_l": (1.0, 0.0),
        "orientation_homogeneous": (1.0, 0.0),
        "orientation_heterogeneous": (1.0, 0.0),
    }
    for paradigm, (background, ink) in expected.items():
        spec = get_spec(paradigm)
        assert (spec.background, spec.ink) == (background, ink), paradigm
        tr = make_trials(paradigm, "easy", 1, 1, random_state=0)
        patch = item_set(paradigm, 30.0).patches
        if paradigm == "lighting":  # shaded from 0 to 1 around the grey
            assert patch.min() < 0.05 and patch.max() > 0.95
            assert patch.mean() == pytest.approx(background, abs=1e-3)
        else:  # the strokes reach the ink luminance
            assert np.isin(np.float32(ink), patch)
        assert tr.images[0, 0, 0] == np.float32(background)
