"""Numba shim: one ``jit`` with cogattn's defaults, and a pure-Python fallback.

Kernels live in their own ``_*_numba.py`` / ``_kernels.py`` modules behind Python
wrappers that validate inputs first. Defaults are ``nopython=True, nogil=True,
cache=True``. Set the environment variable ``COGATTN_USE_NUMBA=0`` (before the
kernels are imported) to run them as plain Python, e.g. for debugging or coverage.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

__all__ = ["HAS_NUMBA", "jit", "prange"]


def _numba_wanted() -> bool:
    return os.environ.get("COGATTN_USE_NUMBA", "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )


HAS_NUMBA = False
if _numba_wanted():
    try:
        import numba

        HAS_NUMBA = True
    except ImportError:  # pragma: no cover - numba is a core dependency
        HAS_NUMBA = False

if HAS_NUMBA:
    prange = numba.prange

    def jit(*args: Any, **kwargs: Any) -> Callable:
        """Compile with numba using ``nopython``, ``nogil`` and ``cache`` defaults.

        Parameters
        ----------
        *args, **kwargs
            As for :func:`numba.jit`; defaults can be overridden.

        Returns
        -------
        decorator or dispatcher
        """
        kwargs.setdefault("nopython", True)
        kwargs.setdefault("nogil", True)
        kwargs.setdefault("cache", True)
        return numba.jit(*args, **kwargs)

else:
    prange = range

    def jit(*args: Any, **kwargs: Any) -> Callable:
        """Return the function unchanged (numba disabled or missing).

        Parameters
        ----------
        *args, **kwargs
            As for :func:`numba.jit`; ignored.

        Returns
        -------
        decorator or function
        """
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]

        def decorator(func: Callable) -> Callable:
            return func

        return decorator
