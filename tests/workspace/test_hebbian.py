"""Hebbian memory: storage, retrieval, readouts, backends and input checks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.workspace import (
    HebbianMemory,
    cleanup,
    closed_form_cosine,
    orthogonal_keys,
    random_binary_values,
    random_unit_keys,
    retrieval_cosine,
    retrieve,
    sign_recall,
    store,
)


def _np(x):
    return x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)


# ------------------------------------------------------------ closed form (MC)
def test_squared_norm_matches_exact_expectation(rng):
    # Reference: the analytic expectation E|M k_j|^2 = 1 + (N - 1) / d_k, exact for
    # random unit keys and any unit values independent of the keys.
    d_k, n, batch = 32, 24, 400
    keys = random_unit_keys(n, d_k, batch=batch, random_state=rng)
    values = random_binary_values(n, 64, batch=batch, random_state=rng)
    r = retrieve(store(keys, values), keys)
    per_memory = (r**2).sum(-1).mean(-1)
    sem = per_memory.std(ddof=1) / np.sqrt(batch)
    assert abs(per_memory.mean() - (1 + (n - 1) / d_k)) < 3 * sem
    # the signal term E[r_j . v_j] is exactly 1
    signal = (r * values).sum(-1).mean(-1)
    assert abs(signal.mean() - 1.0) < 3 * signal.std(ddof=1) / np.sqrt(batch)


@pytest.mark.parametrize(("d_k", "n"), [(16, 8), (64, 64), (128, 512)])
def test_mean_cosine_matches_closed_form(rng, d_k, n):
    # Reference: closed form 1/sqrt(1 + (N-1)/d_k). The mean of the per-item cosine
    # differs from it by a Jensen term below 0.01 for d_k >= 16 (plus ~0.3/d_v from
    # value cross-talk), so the tolerance is that bound plus 3 standard errors.
    batch = max(4, 4096 // n)
    keys = random_unit_keys(n, d_k, batch=batch, random_state=rng)
    values = random_binary_values(n, 256, batch=batch, random_state=rng)
    cos = retrieval_cosine(retrieve(store(keys, values), keys), values)
    per_memory = cos.mean(-1)
    sem = per_memory.std(ddof=1) / np.sqrt(batch)
    assert abs(per_memory.mean() - closed_form_cosine(n, d_k)) < 0.01 + 3 * sem


def test_single_item_is_recalled_exactly(rng):
    keys = random_unit_keys(1, 20, batch=3, random_state=rng)
    values = rng.standard_normal((3, 1, 7))
    r = retrieve(store(keys, values), keys)
    np.testing.assert_allclose(r, values, rtol=0, atol=1e-14)
    np.testing.assert_allclose(retrieval_cosine(r, values), 1.0, atol=1e-14)
    assert closed_form_cosine(1, 20) == 1.0


def test_orthogonal_keys_recall_perfectly_up_to_d_k(rng):
    # Reference: with orthonormal keys the cross-talk k_i . k_j vanishes, so the
    # readout is exactly v_j (cosine 1) for every N <= d_k.
    d_k = 24
    keys = orthogonal_keys(d_k, d_k, batch=5, random_state=rng)
    gram = keys @ np.swapaxes(keys, -1, -2)
    eye = np.broadcast_to(np.eye(d_k), gram.shape)
    np.testing.assert_allclose(gram, eye, atol=1e-12)
    values = random_binary_values(d_k, 16, batch=5, random_state=rng)
    r = retrieve(store(keys, values), keys)
    np.testing.assert_allclose(r, values, atol=1e-12)
    assert np.all(sign_recall(r, values))
    assert np.all(cleanup(r, values) == np.arange(d_k))
    with pytest.raises(ValidationError, match=r"n_items must be an integer in \[1, 24"):
        orthogonal_keys(25, d_k, random_state=rng)


def test_batched_equals_looped_reference(rng):
    # Reference: a plain per-item, per-query Python loop with np.outer.
    batch, n, d_k, d_v = 3, 6, 5, 4
    keys = random_unit_keys(n, d_k, batch=batch, random_state=rng)
    values = rng.standard_normal((batch, n, d_v))
    queries = rng.standard_normal((batch, 9, d_k))
    memory = store(keys, values)
    retrieved = retrieve(memory, queries)
    winners = cleanup(retrieved, values)
    for b in range(batch):
        m = np.zeros((d_v, d_k))
        for i in range(n):
            m += np.outer(values[b, i], keys[b, i])
        np.testing.assert_allclose(memory[b], m, atol=1e-13)
        for q in range(queries.shape[1]):
            r = m @ queries[b, q]
            np.testing.assert_allclose(retrieved[b, q], r, atol=1e-13)
            sims = [r @ v / np.linalg.norm(v) for v in values[b]]
            assert winners[b, q] == int(np.argmax(sims))
            cos = r @ values[b, 0] / (np.linalg.norm(r) * np.linalg.norm(values[b, 0]))
            assert np.isclose(retrieval_cosine(r, values[b, 0]), cos, atol=1e-14)
    # one query per memory
    single = retrieve(memory, queries[:, 0])
    np.testing.assert_allclose(single, retrieved[:, 0], atol=1e-14)


def test_numpy_and_torch_agree_on_the_same_seed():
    out = {}
    for name in ("numpy", "torch"):
        keys = random_unit_keys(40, 32, batch=4, random_state=7, backend=name)
        values = random_binary_values(40, 16, batch=4, random_state=8, backend=name)
        mem = HebbianMemory(keys, values)
        r = mem.retrieve(keys)
        out[name] = (keys, r, retrieval_cosine(r, values), mem.recall(keys))
    assert type(out["torch"][1]).__module__.startswith("torch")
    assert isinstance(out["numpy"][1], np.ndarray)
    for a, b in zip(out["numpy"], out["torch"], strict=True):
        np.testing.assert_allclose(_np(a), _np(b), rtol=0, atol=1e-12)


@pytest.mark.parametrize("d_v", [8, 100, 128])
def test_binary_values_are_float64_exact_on_every_backend(d_v):
    # 1/sqrt(d_v) is not a float32 number for these d_v: no backend may round it
    scale = 1.0 / np.sqrt(d_v)
    out = {
        name: _np(random_binary_values(6, d_v, batch=3, random_state=4, backend=name))
        for name in ("numpy", "torch")
    }
    for values in out.values():
        assert values.dtype == np.float64
        assert set(np.unique(values).tolist()) == {-scale, scale}
    np.testing.assert_array_equal(out["numpy"], out["torch"])


def test_backend_kind_follows_input(backend_name, rng):
    keys = random_unit_keys(10, 16, batch=2, random_state=rng, backend=backend_name)
    values = random_binary_values(
        10, 8, batch=2, random_state=rng, backend=backend_name
    )
    cos = retrieval_cosine(retrieve(store(keys, values), keys), values)
    assert type(cos) is type(keys)
    assert float(_np(cos).min()) > 0


def test_memory_write_is_incremental(rng):
    keys = random_unit_keys(10, 16, random_state=rng)
    values = random_binary_values(10, 8, random_state=rng)
    mem = HebbianMemory(keys[:4], values[:4]).write(keys[4:], values[4:])
    np.testing.assert_allclose(mem.matrix, store(keys, values), atol=1e-14)
    assert mem.n_items == 10
    assert list(mem.recall(keys)) == list(range(10))
    with pytest.raises(ValidationError, match="memories of shape"):
        mem.write(random_unit_keys(2, 5, random_state=rng), values[:2])


# ------------------------------------------------------------- properties
_vec = st.lists(
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=5, max_size=5
)


@settings(max_examples=60, deadline=None)
@given(a=_vec, b=_vec)
def test_cosine_is_bounded(a, b):
    c = retrieval_cosine(np.array(a), np.array(b))
    assert -1.0 <= float(c) <= 1.0


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    key_scale=st.floats(1e-3, 1e3),
    value_scale=st.floats(1e-3, 1e3),
)
def test_cosine_invariant_to_key_and_value_rescaling(seed, key_scale, value_scale):
    keys = random_unit_keys(6, 8, batch=2, random_state=seed)
    values = random_binary_values(6, 5, batch=2, random_state=seed + 1)
    base = retrieval_cosine(retrieve(store(keys, values), keys), values)
    k2, v2 = keys * key_scale, values * value_scale
    scaled = retrieval_cosine(retrieve(store(k2, v2), k2), v2)
    np.testing.assert_allclose(scaled, base, atol=1e-10)


# ------------------------------------------------------------- bad input
def test_bad_inputs_raise_clear_errors(rng):
    with pytest.raises(ValidationError, match=r"d_k must be an integer in \[1, inf"):
        random_unit_keys(4, 0, random_state=rng)
    with pytest.raises(ValidationError, match=r"invalid value for backend: 'jax'"):
        random_unit_keys(4, 8, random_state=rng, backend="jax")
    with pytest.raises(ValidationError, match=r"invalid value for dtype: 'float16'"):
        random_binary_values(4, 8, random_state=rng, dtype="float16")
    with pytest.raises(ValidationError, match="batch must be None"):
        random_unit_keys(4, 8, random_state=rng, batch=2.5)
    keys = random_unit_keys(4, 8, random_state=rng)
    with pytest.raises(ValidationError, match=r"must agree .* \(4, 8\)"):
        store(keys, np.ones((5, 3)))
    bad = keys.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValidationError, match=r"keys contains \d+ NaN"):
        store(bad, np.ones((4, 3)))
    memory = store(keys, np.ones((4, 3)))
    with pytest.raises(ValidationError, match="queries must have d_k = 8"):
        retrieve(memory, np.ones((2, 7)))
    with pytest.raises(ValidationError, match=r"queries must have 1 .* or 2"):
        retrieve(memory, np.ones((2, 2, 2, 8)))
    with pytest.raises(ValidationError, match="retrieved and targets must have"):
        retrieval_cosine(np.ones(3), np.ones(4))
    with pytest.raises(ValidationError, match="share d_v"):
        cleanup(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValidationError, match="float dtype"):
        store(np.array([["a"]]), np.array([["b"]]))
    with pytest.raises(ValidationError, match="at least 2 dimension"):
        store(np.ones(3), np.ones(3))


def test_import_stays_light():
    code = (
        "import sys, cogattn.workspace; "
        "bad = [m for m in ('torch', 'matplotlib', 'numba') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
