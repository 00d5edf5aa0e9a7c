"""torch backend (CPU): same names as the numpy backend, on ``torch.Tensor``."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

name = "torch"
device = "cpu"
float32 = torch.float32
float64 = torch.float64
int64 = torch.int64
bool_ = torch.bool
ndarray = torch.Tensor

_NP_TO_TORCH = {
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.bool_): torch.bool,
}


def _dtype(dtype: Any) -> Any:
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    return _NP_TO_TORCH[np.dtype(dtype)]


def is_available() -> bool:
    """Return True: the CPU is always there."""
    return True


def asarray(x: Any, dtype: Any = None) -> torch.Tensor:
    """Convert ``x`` (numpy, torch or list) to a tensor on this backend's device."""
    dtype = _dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x.to(device=device, dtype=dtype or x.dtype)
    arr = np.asarray(x)
    if not arr.flags.writeable:  # torch cannot wrap read-only memory (e.g. memmaps)
        arr = arr.copy()
    if arr.dtype.kind == "f" and dtype is None:
        dtype = _dtype(arr.dtype)
    return torch.as_tensor(arr, dtype=dtype, device=device)


def to_numpy(x: Any) -> np.ndarray:
    """Return ``x`` as a numpy array on the CPU."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def is_array(x: Any) -> bool:
    """Whether ``x`` is a tensor on this backend's device."""
    return isinstance(x, torch.Tensor) and x.device.type == torch.device(device).type


def synchronize() -> None:
    """Wait for pending device work."""
    if device != "cpu":
        torch.cuda.synchronize()


def zeros(shape: Any, dtype: Any = float64) -> torch.Tensor:
    """Tensor of zeros."""
    return torch.zeros(shape, dtype=_dtype(dtype), device=device)


def ones(shape: Any, dtype: Any = float64) -> torch.Tensor:
    """Tensor of ones."""
    return torch.ones(shape, dtype=_dtype(dtype), device=device)


def full(shape: Any, value: float, dtype: Any = float64) -> torch.Tensor:
    """Tensor filled with ``value``."""
    return torch.full(
        shape if isinstance(shape, tuple) else (shape,),
        value,
        dtype=_dtype(dtype),
        device=device,
    )


def eye(n: int, dtype: Any = float64) -> torch.Tensor:
    """Identity matrix."""
    return torch.eye(n, dtype=_dtype(dtype), device=device)


def arange(*args: Any, dtype: Any = None) -> torch.Tensor:
    """Evenly spaced values."""
    return torch.arange(*args, dtype=_dtype(dtype), device=device)


def zeros_like(x: torch.Tensor) -> torch.Tensor:
    """Zeros with the shape and dtype of ``x``."""
    return torch.zeros_like(x)


def copy(x: torch.Tensor) -> torch.Tensor:
    """Independent copy."""
    return x.clone()


def astype(x: torch.Tensor, dtype: Any) -> torch.Tensor:
    """Cast to ``dtype``."""
    return x.to(_dtype(dtype))


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Matrix product (batched over leading axes)."""
    return torch.matmul(a, b)


def gemm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """2-D product ``a @ b`` (torch has one BLAS; see the numpy backend's ``gemm``)."""
    return torch.matmul(a, b)


def quadratic_forms(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Return ``x[:, k] @ a @ x[:, k]`` for every column of ``x``, ``a`` symmetric."""
    return (torch.matmul(a, x) * x).sum(dim=0)


def transpose(x: torch.Tensor) -> torch.Tensor:
    """Swap the last two axes."""
    return torch.transpose(x, -1, -2)


def einsum(subscripts: str, *operands: torch.Tensor) -> torch.Tensor:
    """Einstein summation."""
    return torch.einsum(subscripts, *operands)


def eigh(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices."""
    return torch.linalg.eigh(x)


def svd(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Reduced SVD ``U, s, Vt``."""
    return torch.linalg.svd(x, full_matrices=False)


def solve(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Solve ``a @ x = b``."""
    return torch.linalg.solve(a, b)


def solve_spd(
    a: torch.Tensor,
    b: torch.Tensor,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
) -> torch.Tensor | None:
    """Solve ``a @ x = b`` for symmetric positive definite ``a`` by Cholesky.

    Returns ``None`` when ``a`` is not numerically positive definite, so the caller
    can fall back to a decomposition that copes with it (one flag read on the host).
    ``overwrite_a`` and ``overwrite_b`` are accepted for the numpy backend's
    signature; ``a`` and ``b`` are kept.
    """
    factor, info = torch.linalg.cholesky_ex(a)
    if int(info) != 0:
        return None
    return torch.cholesky_solve(b, factor)


def norm(
    x: torch.Tensor, axis: int | None = None, keepdims: bool = False
) -> torch.Tensor:
    """Euclidean norm."""
    return torch.linalg.vector_norm(x, dim=axis, keepdim=keepdims)


def sum(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Sum."""
    return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)


def mean(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Mean."""
    return x.mean() if axis is None else x.mean(dim=axis, keepdim=keepdims)


def std(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Compute the population standard deviation (``ddof=0``)."""
    if axis is None:
        return x.std(correction=0)
    return x.std(dim=axis, keepdim=keepdims, correction=0)


def max(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Maximum."""
    return x.max() if axis is None else torch.amax(x, dim=axis, keepdim=keepdims)


def min(x: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    """Minimum."""
    return x.min() if axis is None else torch.amin(x, dim=axis, keepdim=keepdims)


def argmax(x: torch.Tensor, axis: int | None = None) -> torch.Tensor:
    """Index of the maximum."""
    return torch.argmax(x, dim=axis)


def argmin(x: torch.Tensor, axis: int | None = None) -> torch.Tensor:
    """Index of the minimum."""
    return torch.argmin(x, dim=axis)


def topk(x: torch.Tensor, k: int, axis: int = -1) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the ``k`` largest values along ``axis`` (descending) and indices."""
    values, idx = torch.sort(x, dim=axis, descending=True, stable=True)
    return values.narrow(axis, 0, k), idx.narrow(axis, 0, k)


def softmax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """Softmax along ``axis``."""
    return torch.softmax(x, dim=axis)


def abs(x: torch.Tensor) -> torch.Tensor:
    """Absolute value."""
    return torch.abs(x)


def sqrt(x: torch.Tensor) -> torch.Tensor:
    """Square root."""
    return torch.sqrt(x)


def exp(x: torch.Tensor) -> torch.Tensor:
    """Exponential."""
    return torch.exp(x)


def log(x: torch.Tensor) -> torch.Tensor:
    """Natural logarithm."""
    return torch.log(x)


def clip(x: torch.Tensor, low: float | None, high: float | None) -> torch.Tensor:
    """Clip values to ``[low, high]``."""
    return torch.clamp(x, low, high)


def maximum(a: Any, b: Any) -> torch.Tensor:
    """Element-wise maximum."""
    return torch.maximum(asarray(a), asarray(b))


def minimum(a: Any, b: Any) -> torch.Tensor:
    """Element-wise minimum."""
    return torch.minimum(asarray(a), asarray(b))


def where(cond: torch.Tensor, a: Any, b: Any) -> torch.Tensor:
    """Choose from ``a`` where ``cond`` else ``b``."""
    return torch.where(cond, a, b)


def stack(arrays: Any, axis: int = 0) -> torch.Tensor:
    """Stack along a new axis."""
    return torch.stack(list(arrays), dim=axis)


def concatenate(arrays: Any, axis: int = 0) -> torch.Tensor:
    """Join along an existing axis."""
    return torch.cat(list(arrays), dim=axis)


def isfinite(x: torch.Tensor) -> torch.Tensor:
    """Element-wise finiteness."""
    return torch.isfinite(x)


def all(x: torch.Tensor) -> bool:
    """Whether every element is true."""
    return bool(torch.all(x))


def randn(shape: Any, rng: np.random.Generator, dtype: Any = float64) -> torch.Tensor:
    """Draw standard normals from a numpy ``Generator`` (same on every backend)."""
    return asarray(rng.standard_normal(shape), dtype=dtype)
