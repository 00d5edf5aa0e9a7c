"""torch backend on CUDA: the torch backend's functions with ``device = "cuda"``.

Importing works without a GPU; :func:`is_available` tells whether it can be used,
and :func:`cogattn._core.backend.set_backend` refuses it with a clear error when not.
The functions are the torch backend's own code, re-bound to globals that say
``device = "cuda"``, so the two backends cannot drift apart.
"""

from __future__ import annotations

import types as _types

import torch

from cogattn._core.backend import _torch as _base


def is_available() -> bool:
    """Whether a CUDA device can be used."""
    return bool(torch.cuda.is_available())


def _rebind() -> None:
    namespace = dict(vars(_base))
    namespace.update(name="torch_cuda", device="cuda")
    for key, value in vars(_base).items():
        if key.startswith("__") or key == "is_available":
            continue
        if (
            isinstance(value, _types.FunctionType)
            and value.__module__ == _base.__name__
        ):
            func = _types.FunctionType(
                value.__code__, namespace, key, value.__defaults__, value.__closure__
            )
            func.__doc__ = value.__doc__
            func.__kwdefaults__ = value.__kwdefaults__
            func.__module__ = __name__
            namespace[key] = func
            value = func
        globals().setdefault(key, value)
    globals()["name"] = "torch_cuda"
    globals()["device"] = "cuda"


_rebind()
