"""Small linear-algebra helpers of the ridge solvers (BLAS threads, reductions)."""

from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any

import numpy as np

__all__ = ["column_sumsq", "eigh_small", "single_blas_thread"]

_THREADPOOLS: list[Any] = []


#: largest matrix whose eigendecomposition runs on one BLAS thread (numpy backend)
_SERIAL_EIGH_MAX = 1024


def single_blas_thread() -> Any:
    """Context limiting numpy's BLAS/LAPACK to one thread (no-op without threadpoolctl).

    Multithreaded LAPACK (``syevd``, ``geqrf``) on a few hundred rows is slower than
    one thread (thread start-up and synchronisation dominate), and much slower when
    the CPU is shared; one thread takes ~25 ms for a 400 x 400 eigendecomposition.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl ships with scikit-learn; be safe anyway
        return contextlib.nullcontext()
    if not _THREADPOOLS:
        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1, user_api="blas")


def eigh_small(a: Any, xp: ModuleType) -> tuple[Any, Any]:
    """Eigendecompose a symmetric matrix; small numpy matrices use one BLAS thread."""
    if xp.name != "numpy" or a.shape[-1] > _SERIAL_EIGH_MAX:
        return xp.eigh(a)
    with single_blas_thread():
        return xp.eigh(a)


def column_sumsq(z: Any, xp: ModuleType) -> Any:
    """Sum of squares of each column, returned in float64."""
    if xp.name == "numpy":
        out = np.einsum("ij,ij->j", z, z)  # fused, no (r, n_batch) temporary
    else:
        out = xp.sum(z * z, axis=0)
    return xp.astype(out, xp.float64)
