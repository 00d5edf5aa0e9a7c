"""Backend conformance: every backend exposes the same names and computes the same
numbers as the numpy reference backend."""

from __future__ import annotations

import threading
from types import FunctionType, ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import BackendError
from cogattn._core import backend as B
from cogattn._core.backend import _numpy, _torch, _torch_cuda


def _public(module: ModuleType) -> set[str]:
    return {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and not isinstance(v, ModuleType)
        and n not in ("annotations", "Any")
    }


@pytest.mark.parametrize("module", [_torch, _torch_cuda], ids=["torch", "torch_cuda"])
def test_same_names_as_numpy(module: ModuleType) -> None:
    assert _public(module) == _public(_numpy)


def test_torch_cuda_functions_target_cuda() -> None:
    assert _torch_cuda.name == "torch_cuda"
    assert _torch_cuda.device == "cuda"
    for name in _public(_numpy):
        func = getattr(_torch_cuda, name)
        if isinstance(func, FunctionType) and name != "is_available":
            assert func.__globals__["device"] == "cuda", name


def _cases(rng: np.random.Generator):
    a = rng.standard_normal((4, 5))
    s = a @ a.T + 5 * np.eye(4)
    b = rng.standard_normal((4, 3))
    return [
        ("matmul", lambda m, x, y: m.matmul(x, y), (a.T, b)),
        ("gemm", lambda m, x, y: m.gemm(x, y), (a.T, b)),
        ("quadratic_forms", lambda m, x, y: m.quadratic_forms(x, y), (s, b)),
        ("transpose", lambda m, x: m.transpose(x), (a,)),
        ("einsum", lambda m, x, y: m.einsum("ij,ik->jk", x, y), (a, b)),
        ("eigvals", lambda m, x: m.eigh(x)[0], (s,)),
        ("svals", lambda m, x: m.svd(x)[1], (a,)),
        ("solve", lambda m, x, y: m.solve(x, y), (s, b)),
        ("solve_spd", lambda m, x, y: m.solve_spd(x, y), (s, b)),
        ("norm", lambda m, x: m.norm(x, axis=1), (a,)),
        ("sum", lambda m, x: m.sum(x, axis=0, keepdims=True), (a,)),
        ("mean", lambda m, x: m.mean(x, axis=1), (a,)),
        ("std", lambda m, x: m.std(x, axis=0), (a,)),
        ("max", lambda m, x: m.max(x, axis=1), (a,)),
        ("min", lambda m, x: m.min(x), (a,)),
        ("argmax", lambda m, x: m.argmax(x, axis=0), (a,)),
        ("topk_values", lambda m, x: m.topk(x, 2, axis=1)[0], (a,)),
        ("topk_idx", lambda m, x: m.topk(x, 2, axis=1)[1], (a,)),
        ("softmax", lambda m, x: m.softmax(x, axis=1), (a,)),
        ("clip", lambda m, x: m.clip(x, -0.5, 0.5), (a,)),
        ("sqrt_abs", lambda m, x: m.sqrt(m.abs(x)), (a,)),
        ("exp_log", lambda m, x: m.log(m.exp(x)), (a,)),
        ("maximum", lambda m, x, y: m.maximum(x, y), (a[:, :3], b)),
        ("where", lambda m, x: m.where(x > 0, x, m.zeros_like(x)), (a,)),
        ("stack", lambda m, x, y: m.stack([x, y], axis=1), (a[:, :3], b)),
        ("concatenate", lambda m, x, y: m.concatenate([x, y], axis=1), (a, b)),
        ("full_ones", lambda m, x: m.full((2, 3), 1.5) + m.ones((2, 3)), (a,)),
    ]


_CASES = _cases(np.random.default_rng(7))


@pytest.mark.parametrize("case", _CASES, ids=[c[0] for c in _CASES])
def test_numbers_match_numpy(case, backend_name: str) -> None:
    name, func, args = case
    ref = func(_numpy, *[np.asarray(x) for x in args])
    with B.backend_context(backend_name) as m:
        out = m.to_numpy(func(m, *[m.asarray(x) for x in args]))
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12, err_msg=name)


def test_solve_spd_refuses_indefinite_matrices(backend_name: str) -> None:
    """An indefinite matrix gives None (the caller falls back), never NaNs."""
    m = B.get_backend(backend_name)
    a = m.asarray(np.diag([1.0, -1.0, 2.0]))
    assert m.solve_spd(a, m.asarray(np.ones((3, 1)))) is None


def test_randn_same_draws_on_every_backend(backend_name: str) -> None:
    ref = _numpy.randn((3, 2), np.random.default_rng(1))
    m = B.get_backend(backend_name)
    np.testing.assert_array_equal(
        m.to_numpy(m.randn((3, 2), np.random.default_rng(1))), ref
    )


def test_context_restores_on_exception() -> None:
    assert B.get_backend().name == "numpy"
    with pytest.raises(RuntimeError, match="boom"):
        with B.backend_context("torch") as m:
            assert m.name == "torch"
            assert B.get_backend().name == "torch"
            raise RuntimeError("boom")
    assert B.get_backend().name == "numpy"


def test_backend_is_per_thread() -> None:
    seen = {}

    def worker() -> None:
        seen["before"] = B.get_backend().name
        B.set_backend("torch")
        seen["after"] = B.get_backend().name

    with B.backend_context("numpy"):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert B.get_backend().name == "numpy"
    assert seen == {"before": "numpy", "after": "torch"}


def test_unknown_backend_message() -> None:
    with pytest.raises(
        BackendError,
        match=r"unknown backend 'jax'; allowed backends are 'numpy', 'torch', "
        r"'torch_cuda'",
    ):
        B.get_backend("jax")


def test_cuda_unavailable_is_clear() -> None:
    if _torch_cuda.is_available():
        pytest.skip(reason="a CUDA device is present, so torch_cuda is available")
    with pytest.raises(BackendError, match="not available on this machine"):
        B.set_backend("torch_cuda")
    assert "torch_cuda" not in B.available_backends()


def test_infer_backend_and_check_arrays() -> None:
    import torch

    assert B.infer_backend(np.ones(2), [1.0]).name == "numpy"
    assert B.infer_backend(np.ones(2), torch.ones(2)).name == "torch"
    x, none, y = B.check_arrays(
        "torch", np.ones((2, 2)), None, [1.0, 2.0], dtype="float32"
    )
    assert none is None
    assert x.dtype == torch.float32 and y.dtype == torch.float32
    (back,) = B.check_arrays("numpy", torch.arange(3.0))
    assert isinstance(back, np.ndarray)


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 40),
    k=st.integers(1, 40),
    n=st.integers(1, 40),
    layout_a=st.sampled_from(["C", "F", "strided"]),
    layout_b=st.sampled_from(["C", "F", "strided"]),
    dtype=st.sampled_from([np.float64, np.float32]),
    seed=st.integers(0, 2**16),
)
def test_numpy_gemm_equals_matmul_for_every_layout(
    m, k, n, layout_a, layout_b, dtype, seed
) -> None:
    # reference: numpy.matmul; gemm calls scipy's BLAS with transposition flags
    rng = np.random.default_rng(seed)

    def make(rows, cols, layout):
        base = rng.standard_normal((rows, 2 * cols)).astype(dtype)
        if layout == "strided":
            return base[:, ::2]
        return np.asarray(base[:, :cols], order=layout)

    a, b = make(m, k, layout_a), make(k, n, layout_b)
    got = _numpy.gemm(a, b)
    assert got.dtype == dtype and got.shape == (m, n)
    assert got.flags.c_contiguous
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, a @ b, rtol=tol, atol=tol * k)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 12),
    layout=st.sampled_from(["C", "F", "strided"]),
    seed=st.integers(0, 2**16),
)
def test_numpy_quadratic_forms_equal_the_dense_products(n, k, layout, seed) -> None:
    # reference: the columns of x.T @ a @ x (numpy.matmul); the kernel reads one
    # triangle of a through a triangular product
    rng = np.random.default_rng(seed)
    half = rng.standard_normal((n, n))
    base = half + half.T
    # only the upper triangle is read: the strictly lower one holds other values
    stored = np.triu(base) + np.tril(rng.standard_normal((n, n)), -1)
    a = stored if layout == "C" else np.asfortranarray(stored)
    if layout == "strided":
        a = np.repeat(stored, 2, axis=1)[:, ::2]
    x = rng.standard_normal((n, k))
    got = _numpy.quadratic_forms(a, x)
    want = np.einsum("ik,ij,jk->k", x, base, x)
    scale = np.abs(x).sum(0) ** 2 * np.abs(base).max()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * scale.max() + 1e-300)
    single = _numpy.quadratic_forms(base.astype(np.float32), x.astype(np.float32))
    assert single.shape == (k,)  # other dtypes: the dense product


def test_numpy_gemm_falls_back_to_matmul() -> None:
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(_numpy.gemm(a, np.arange(3.0)), a @ np.arange(3.0))
    c = (a + 1j)[None]
    ct = c.transpose(0, 2, 1)
    np.testing.assert_array_equal(_numpy.gemm(c, ct), c @ ct)
