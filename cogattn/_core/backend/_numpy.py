"""numpy backend: the reference implementation of the backend interface."""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.scratch import scratch as _scratch

name = "numpy"
device = "cpu"
float32 = np.float32
float64 = np.float64
int64 = np.int64
bool_ = np.bool_
ndarray = np.ndarray


def is_available() -> bool:
    """Return True: numpy is always there."""
    return True


def asarray(x: Any, dtype: Any = None) -> np.ndarray:
    """Convert ``x`` (numpy, torch or list) to a numpy array."""
    if hasattr(x, "detach"):  # torch tensor from another backend
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=dtype)


def to_numpy(x: Any) -> np.ndarray:
    """Return ``x`` as a numpy array on the CPU."""
    return asarray(x)


def is_array(x: Any) -> bool:
    """Whether ``x`` is an array of this backend."""
    return isinstance(x, np.ndarray)


def synchronize() -> None:
    """Wait for pending device work (nothing to wait for on numpy)."""


def zeros(shape: Any, dtype: Any = float64) -> np.ndarray:
    """Array of zeros."""
    return np.zeros(shape, dtype=dtype)


def ones(shape: Any, dtype: Any = float64) -> np.ndarray:
    """Array of ones."""
    return np.ones(shape, dtype=dtype)


def full(shape: Any, value: float, dtype: Any = float64) -> np.ndarray:
    """Array filled with ``value``."""
    return np.full(shape, value, dtype=dtype)


def eye(n: int, dtype: Any = float64) -> np.ndarray:
    """Identity matrix."""
    return np.eye(n, dtype=dtype)


def arange(*args: Any, dtype: Any = None) -> np.ndarray:
    """Evenly spaced values."""
    return np.arange(*args, dtype=dtype)


def zeros_like(x: np.ndarray) -> np.ndarray:
    """Zeros with the shape and dtype of ``x``."""
    return np.zeros_like(x)


def copy(x: np.ndarray) -> np.ndarray:
    """Independent copy."""
    return np.array(x, copy=True)


def astype(x: np.ndarray, dtype: Any) -> np.ndarray:
    """Cast to ``dtype``."""
    return x.astype(dtype)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix product (batched over leading axes)."""
    return np.matmul(a, b)


def gemm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2-D product ``a @ b`` on scipy's BLAS, the library of :mod:`scipy.linalg`.

    numpy and scipy load separate BLAS libraries, each with its own thread pool
    whose workers busy-wait after a call. A numpy product between scipy
    factorisations leaves those workers spinning on the cores the next
    factorisation needs: on two cores, seven Cholesky factorisations of 1,040²
    and one product took about twice as long as on one library. Use this in
    loops that also call :mod:`scipy.linalg`. Other dtypes and shapes use
    :func:`numpy.matmul`. The result is C-ordered.
    """
    from scipy.linalg import blas

    kernels = {np.dtype(np.float64): blas.dgemm, np.dtype(np.float32): blas.sgemm}
    kernel = kernels.get(a.dtype)
    if kernel is None or a.ndim != 2 or b.ndim != 2 or a.dtype != b.dtype:
        return np.matmul(a, b)
    # (a @ b).T = b.T @ a.T, computed in Fortran order: its transpose is C-ordered
    lhs, trans_lhs = _fortran_operand(b.T)
    rhs, trans_rhs = _fortran_operand(a.T)
    return kernel(1.0, lhs, rhs, trans_a=trans_lhs, trans_b=trans_rhs).T


def quadratic_forms(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return ``x[:, k] @ a @ x[:, k]`` for every column of ``x``, ``a`` symmetric.

    On float64, one triangular product with the upper triangle of ``a``
    (``x' a x = 2 x' triu(a) x - sum(diag(a) x**2)``): half the multiplications of
    ``a @ x``, on scipy's BLAS (see :func:`gemm`). Only that triangle is read, so
    the other one may hold anything finite.

    Parameters
    ----------
    a : ndarray of shape (n, n)
        Symmetric matrix.
    x : ndarray of shape (n, k)
        Vectors, one per column.

    Returns
    -------
    ndarray of shape (k,)
    """
    if a.dtype != np.float64 or x.dtype != np.float64 or a.ndim != 2 or x.ndim != 2:
        return (np.matmul(a, x) * x).sum(axis=0)
    from scipy.linalg import blas

    # a C-ordered matrix, read in Fortran order, is its transpose: whose lower
    # triangle is the upper triangle of a
    tri, lower = (a.T, 1) if a.flags.c_contiguous else (np.asfortranarray(a), 0)
    # the product overwrites a copy of x: a scratch array, no fresh pages
    work = _scratch("backend.quadratic_forms", x.shape[::-1]).T
    work[...] = x
    prod = blas.dtrmm(1.0, tri, work, lower=lower, overwrite_b=1)
    # einsum, not matmul: numpy's own BLAS would wake a second thread pool
    twice = np.einsum("ik,ik->k", prod, x)
    return 2.0 * twice - np.einsum("i,ik,ik->k", np.diagonal(a), x, x)


def _fortran_operand(m: np.ndarray) -> tuple[np.ndarray, bool]:
    """``m`` as a Fortran-ordered operand and whether BLAS should transpose it."""
    if m.flags.f_contiguous:
        return m, False
    if m.flags.c_contiguous:
        return m.T, True
    return np.asfortranarray(m), False


def transpose(x: np.ndarray) -> np.ndarray:
    """Swap the last two axes."""
    return np.swapaxes(x, -1, -2)


def einsum(subscripts: str, *operands: np.ndarray) -> np.ndarray:
    """Einstein summation."""
    return np.einsum(subscripts, *operands, optimize=True)


def eigh(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices."""
    return np.linalg.eigh(x)


def svd(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reduced SVD ``U, s, Vt``."""
    return np.linalg.svd(x, full_matrices=False)


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``a @ x = b``."""
    return np.linalg.solve(a, b)


def solve_spd(
    a: np.ndarray, b: np.ndarray, overwrite_a: bool = False, overwrite_b: bool = False
) -> np.ndarray | None:
    """Solve ``a @ x = b`` for symmetric positive definite ``a`` by Cholesky.

    Returns ``None`` when ``a`` is not numerically positive definite, so the caller
    can fall back to a decomposition that copes with it. ``overwrite_a=True`` lets
    the factorisation reuse ``a``'s memory (``a`` is then destroyed);
    ``overwrite_b=True`` lets the solution overwrite a Fortran-ordered float64
    ``b`` (the returned array is then ``b``).
    """
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    if a.flags.c_contiguous and a.ndim == 2:
        # LAPACK reads Fortran order; a symmetric matrix is its own transpose, so
        # the transposed view avoids the copy (about half the time of the factor)
        a = a.T
    try:
        factor = cho_factor(a, lower=True, check_finite=False, overwrite_a=overwrite_a)
    except LinAlgError:
        return None
    return cho_solve(factor, b, overwrite_b=overwrite_b, check_finite=False)


def norm(x: np.ndarray, axis: int | None = None, keepdims: bool = False) -> np.ndarray:
    """Euclidean norm."""
    return np.linalg.norm(x, axis=axis, keepdims=keepdims)


def sum(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """Sum."""
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """Mean."""
    return np.mean(x, axis=axis, keepdims=keepdims)


def std(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """Compute the population standard deviation (``ddof=0``)."""
    return np.std(x, axis=axis, keepdims=keepdims)


def max(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """Maximum."""
    return np.max(x, axis=axis, keepdims=keepdims)


def min(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """Minimum."""
    return np.min(x, axis=axis, keepdims=keepdims)


def argmax(x: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Index of the maximum."""
    return np.argmax(x, axis=axis)


def argmin(x: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Index of the minimum."""
    return np.argmin(x, axis=axis)


def topk(x: np.ndarray, k: int, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``k`` largest values along ``axis`` (descending) and indices."""
    idx = np.argsort(-x, axis=axis, kind="stable")
    idx = np.take(idx, np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis=axis), idx


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (max-subtracted)."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def abs(x: np.ndarray) -> np.ndarray:
    """Absolute value."""
    return np.abs(x)


def sqrt(x: np.ndarray) -> np.ndarray:
    """Square root."""
    return np.sqrt(x)


def exp(x: np.ndarray) -> np.ndarray:
    """Exponential."""
    return np.exp(x)


def log(x: np.ndarray) -> np.ndarray:
    """Natural logarithm."""
    return np.log(x)


def clip(x: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """Clip values to ``[low, high]``."""
    return np.clip(x, low, high)


def maximum(a: Any, b: Any) -> np.ndarray:
    """Element-wise maximum."""
    return np.maximum(a, b)


def minimum(a: Any, b: Any) -> np.ndarray:
    """Element-wise minimum."""
    return np.minimum(a, b)


def where(cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
    """Choose from ``a`` where ``cond`` else ``b``."""
    return np.where(cond, a, b)


def stack(arrays: Any, axis: int = 0) -> np.ndarray:
    """Stack along a new axis."""
    return np.stack(arrays, axis=axis)


def concatenate(arrays: Any, axis: int = 0) -> np.ndarray:
    """Join along an existing axis."""
    return np.concatenate(arrays, axis=axis)


def isfinite(x: np.ndarray) -> np.ndarray:
    """Element-wise finiteness."""
    return np.isfinite(x)


def all(x: np.ndarray) -> bool:
    """Whether every element is true."""
    return bool(np.all(x))


def randn(shape: Any, rng: np.random.Generator, dtype: Any = float64) -> np.ndarray:
    """Draw standard normals from a numpy ``Generator`` (same on every backend)."""
    return rng.standard_normal(shape).astype(dtype, copy=False)
