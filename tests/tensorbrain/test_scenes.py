"""Procedural scenes: entities, spatial predicates, rendering and patches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.tensorbrain.scenes import (
    PREDICATES,
    make_entities,
    make_scenes,
    object_crops,
    render_scenes,
)


def test_entities_have_distinct_labels():
    pool = make_entities(32, random_state=0)
    assert len({tuple(x) for x in pool.labels}) == 32
    assert np.all((pool.home >= 8) & (pool.home <= 32))
    with pytest.raises(ValidationError, match="n_entities"):
        make_entities(33)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_predicates_follow_the_displacement(seed, n_objects):
    """Closed form: the predicate is the dominant axis of position(o) - position(s)."""
    pool = make_entities(12, random_state=seed)
    sc = make_scenes(pool, 4, n_objects=n_objects, random_state=seed)
    assert len(sc.triples) == 4 * n_objects * (n_objects - 1)
    for scene, s, p, o in sc.triples:
        dx, dy = sc.positions[scene, o] - sc.positions[scene, s]
        if abs(dx) > abs(dy):
            expected = "left_of" if dx > 0 else "right_of"
        else:
            expected = "above" if dy >= 0 else "below"
        assert PREDICATES[p] == expected
    # entities of a scene are distinct
    assert all(len(set(row)) == n_objects for row in sc.entities)


def test_novel_first_slot():
    pool = make_entities(10, random_state=1)
    sc = make_scenes(pool, 20, allowed=np.arange(8), first=[8, 9], random_state=2)
    assert set(sc.entities[:, 0]) <= {8, 9}
    assert np.all(sc.entities[:, 1:] < 8)
    with pytest.raises(ValidationError, match="must not share"):
        make_scenes(pool, 2, allowed=np.arange(8), first=[7])


def test_render_and_crop():
    pool = make_entities(6, random_state=3)
    sc = make_scenes(pool, 3, n_objects=2, jitter=0.0, random_state=4)
    img = render_scenes(sc)
    assert img.shape == (3, 3, 40, 40)
    assert img.min() >= 0 and img.max() <= 1
    crops = object_crops(img, sc.positions, 16)
    assert crops.shape == (3, 2, 3, 16, 16)
    # the patch centre holds the object's colour (objects sit apart at their homes,
    # except where a later object covers an earlier one)
    from cogattn.tensorbrain.scenes import _RGB

    last = crops[:, 1, :, 8, 8]
    np.testing.assert_allclose(last, _RGB[pool.labels[sc.entities[:, 1], 1]], atol=0.05)
    with pytest.raises(ValidationError, match="images must have shape"):
        object_crops(img[0], sc.positions)
