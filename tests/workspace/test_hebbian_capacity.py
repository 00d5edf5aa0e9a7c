"""Capacity functions: closed forms, curve capacities, the error-free prefix sweep."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.workspace import (
    capacity_from_curve,
    closed_form_capacity,
    closed_form_cosine,
    cosine_capacity,
    error_free_capacity,
    orthogonal_keys,
    power_law_fit,
    random_binary_values,
    random_unit_keys,
    retrieve,
    sign_recall,
    sign_recall_capacity,
    store,
)


def test_closed_form_values_by_hand():
    assert closed_form_cosine(1, 7) == 1.0
    assert closed_form_cosine(17, 16) == pytest.approx(1 / np.sqrt(2))
    np.testing.assert_allclose(
        closed_form_cosine(np.array([1, 5, 9]), 4), [1, 1 / np.sqrt(2), 1 / np.sqrt(3)]
    )
    # N = 1 + d_k (1/0.81 - 1): 0.2346 d_k + 1
    assert closed_form_capacity(100) == pytest.approx(1 + 100 * 19 / 81)
    assert closed_form_capacity(1, 1.0) == 1.0


@settings(max_examples=50, deadline=None)
@given(d_k=st.integers(1, 4096), cos=st.floats(0.05, 1.0))
def test_closed_form_capacity_inverts_closed_form_cosine(d_k, cos):
    n = closed_form_capacity(d_k, cos)
    assert closed_form_cosine(n, d_k) == pytest.approx(cos, rel=1e-9)


def test_capacity_from_curve_by_hand():
    n = [1, 2, 4, 8]
    assert capacity_from_curve(n, [1.0, 1.0, 0.98, 0.90], 0.99) == pytest.approx(3.0)
    reverse = capacity_from_curve(n[::-1], [0.90, 0.98, 1.0, 1.0], 0.99)
    assert reverse == pytest.approx(3.0)
    assert capacity_from_curve(n, [1, 1, 1, 1], 0.99) == np.inf
    assert np.isnan(capacity_from_curve(n, [0.5, 0.4, 0.3, 0.2], 0.99))
    # first crossing counts, even if the curve recovers later
    assert capacity_from_curve(n, [1.0, 0.9, 1.0, 1.0], 0.95) == pytest.approx(1.5)


def test_cosine_capacity_is_exact_on_the_closed_form_curve():
    d_k = 64
    n = np.array([1, 4, 16, 64, 256])
    got = cosine_capacity(n, closed_form_cosine(n, d_k), 0.9)
    assert got == pytest.approx(closed_form_capacity(d_k, 0.9), rel=1e-12)


def test_error_free_capacity_by_hand():
    c = 0.6
    keys = np.array([[1.0, 0.0], [c, 0.8], [0.0, 1.0]])
    # prefix 2: 0.6 < 1; prefix 3: row 1 sums 0.6 + 0.8 >= 1
    assert int(error_free_capacity(keys)) == 2
    assert int(error_free_capacity(keys[[0, 2, 1]])) == 2
    # the crossing is strict: |k_0 . k_1| = 1 for identical keys
    assert int(error_free_capacity(np.array([[1.0, 0.0], [1.0, 0.0]]))) == 1
    three = np.eye(3)[None].repeat(2, axis=0)
    np.testing.assert_array_equal(error_free_capacity(three), [3, 3])


def test_error_free_capacity_matches_direct_check(rng):
    # Reference: the definition, checked directly for every prefix with a loop.
    keys = random_unit_keys(30, 32, batch=20, random_state=rng)
    cap = error_free_capacity(keys)
    for b in range(20):
        direct = 0
        for n in range(1, 31):
            g = np.abs(keys[b, :n] @ keys[b, :n].T)
            if np.all(g.sum(1) - np.diag(g) < np.diag(g)):
                direct = n
            else:
                break
        assert cap[b] == direct


def test_error_free_capacity_orthogonal_and_backends(backend_name, rng):
    keys = orthogonal_keys(16, 16, batch=3, random_state=rng, backend=backend_name)
    cap = error_free_capacity(keys)
    assert type(cap) is type(keys)
    assert [int(x) for x in cap] == [16, 16, 16]


def test_sign_recall_capacity_matches_direct_check(rng):
    # Reference: store each prefix separately and test sign recall of all its items.
    keys = random_unit_keys(12, 16, batch=15, random_state=rng)
    values = random_binary_values(12, 32, batch=15, random_state=rng)
    cap = sign_recall_capacity(keys, values)
    for b in range(15):
        direct = 0
        for n in range(1, 13):
            k, v = keys[b, :n], values[b, :n]
            if not np.all(sign_recall(retrieve(store(k, v), k), v)):
                break
            direct = n
        assert cap[b] == direct
    # the worst case over all value sets can only be smaller
    assert np.all(cap >= error_free_capacity(keys))


def test_power_law_fit_recovers_exponent():
    x = np.array([16.0, 64, 256, 1024])
    b, a = power_law_fit(x, 3 * x**0.5)
    assert b == pytest.approx(0.5)
    assert a == pytest.approx(3.0)


def test_capacity_bad_inputs():
    with pytest.raises(ValidationError, match="n_items must be >= 1"):
        closed_form_cosine(0, 16)
    with pytest.raises(ValidationError, match="d_k must be >= 1"):
        closed_form_cosine(3, 0.5)
    with pytest.raises(ValidationError, match="NaN"):
        closed_form_cosine(np.nan, 4)
    with pytest.raises(ValidationError, match=r"cosine must be in \(0, 1\]"):
        closed_form_capacity(16, 1.5)
    with pytest.raises(ValidationError, match="same length"):
        capacity_from_curve([1, 2, 3], [1, 0.5], 0.9)
    with pytest.raises(ValidationError, match="must not repeat"):
        capacity_from_curve([1, 2, 2], [1, 0.5, 0.4], 0.9)
    with pytest.raises(ValidationError, match=r"mean_cosine must lie in \(0, 1\]"):
        cosine_capacity([1, 2], [1.0, -0.2])
    with pytest.raises(ValidationError, match="> 0 for a log-log fit"):
        power_law_fit([1, 2], [0, 1])
    with pytest.raises(ValidationError, match=r"keys contains \d+ NaN"):
        error_free_capacity(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValidationError, match="keys and values must agree"):
        sign_recall_capacity(np.ones((3, 4)), np.ones((2, 4)))
