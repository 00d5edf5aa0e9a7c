"""Compute backends: ``numpy``, ``torch`` (CPU) and ``torch_cuda``.

Each backend is a module exposing the same names (``asarray``, ``matmul``, ``eigh``,
``topk``, ...). Array code asks for the backend once at the top and moves its inputs
with :func:`check_arrays`::

    backend = get_backend()
    X, Y = check_arrays(backend, X, Y)

The current backend is per thread and per async context (a
:class:`contextvars.ContextVar`).
:func:`backend_context` switches it for a block and always restores it.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from cogattn._core.errors import BackendError
from cogattn._core.validation import is_tensor

__all__ = [
    "ALL_BACKENDS",
    "available_backends",
    "backend_context",
    "check_arrays",
    "get_backend",
    "infer_backend",
    "set_backend",
]

ALL_BACKENDS = ("numpy", "torch", "torch_cuda")
_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "cogattn_backend", default="numpy"
)


def _load(name: str) -> ModuleType:
    if name not in ALL_BACKENDS:
        raise BackendError(
            f"unknown backend {name!r}; allowed backends are "
            f"{', '.join(repr(b) for b in ALL_BACKENDS)}"
        )
    try:
        return importlib.import_module(f"cogattn._core.backend._{name}")
    except ImportError as err:
        raise BackendError(
            f"backend {name!r} needs a library that is missing: {err}"
        ) from None


def get_backend(name: str | ModuleType | None = None) -> ModuleType:
    """Return a backend module.

    Parameters
    ----------
    name : str | module | None
        ``"numpy"``, ``"torch"`` or ``"torch_cuda"``; a backend module is returned
        unchanged; ``None`` gives the current backend.

    Returns
    -------
    backend : module
    """
    if isinstance(name, ModuleType):
        return name
    module = _load(_current.get() if name is None else name)
    if not module.is_available():
        raise BackendError(
            f"backend {module.name!r} is not available on this machine "
            "(no CUDA device); use 'numpy' or 'torch'"
        )
    return module


def set_backend(name: str) -> ModuleType:
    """Set the current backend for this thread/context and return it.

    Parameters
    ----------
    name : str
        One of :data:`ALL_BACKENDS`.

    Returns
    -------
    backend : module
    """
    module = get_backend(name)
    _current.set(module.name)
    return module


@contextlib.contextmanager
def backend_context(name: str) -> Iterator[ModuleType]:
    """Use backend ``name`` inside a ``with`` block; the previous one is restored.

    Parameters
    ----------
    name : str
        One of :data:`ALL_BACKENDS`.

    Yields
    ------
    backend : module
    """
    module = get_backend(name)
    token = _current.set(module.name)
    try:
        yield module
    finally:
        _current.reset(token)


def available_backends() -> list[str]:
    """Return the names of the backends usable on this machine."""
    names = []
    for name in ALL_BACKENDS:
        try:
            if _load(name).is_available():
                names.append(name)
        except BackendError:
            pass
    return names


def infer_backend(*arrays: Any) -> ModuleType:
    """Return the backend matching the inputs.

    Torch tensors pick a torch backend on their device; anything else the current one.

    Parameters
    ----------
    *arrays : array-like
        Inputs of a public function.

    Returns
    -------
    backend : module
    """
    for x in arrays:
        if is_tensor(x):
            return get_backend("torch_cuda" if x.device.type == "cuda" else "torch")
    return get_backend()


def check_arrays(backend: str | ModuleType | None, *arrays: Any, dtype: Any = None):
    """Move ``arrays`` to ``backend`` (``None`` entries are passed through).

    Parameters
    ----------
    backend : str | module | None
        Target backend (``None``: the current one).
    *arrays : array-like or None
        Inputs.
    dtype : dtype, optional
        Cast every array to this dtype.

    Returns
    -------
    arrays : tuple
        The converted arrays, in order.
    """
    module = get_backend(backend)
    return tuple(None if x is None else module.asarray(x, dtype=dtype) for x in arrays)
