"""cogattn: neuroscience-inspired cognitive models of attention, perception and memory.

Submodules are loaded on first access, so ``import cogattn`` stays fast and pulls in
none of torch, numba, matplotlib or dask:

- :mod:`cogattn.workspace`: global workspace, consciousness prior, Hebbian memory
- :mod:`cogattn.encoders`: ridge, banded ridge and TRF encoders for neural recordings
- :mod:`cogattn.search`: visual-search stimuli, eccentricity-dependent search model
- :mod:`cogattn.features`: pretrained feature extractors usable offline
- :mod:`cogattn.sim`: experiment registry, specs, executors and result store
- :mod:`cogattn.experiments`: the experiments run by the simulation runner
- :mod:`cogattn.viz`: figures of the experiments' results
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn._core.errors import (
    BackendError,
    CogattnError,
    DataNotFoundError,
    SpecError,
    ValidationError,
)
from cogattn._core.log import logger, set_log_level

__version__ = "0.1.0"

_SUBMODULES = (
    "encoders",
    "experiments",
    "features",
    "search",
    "sim",
    "viz",
    "workspace",
)

__all__ = [
    "BackendError",
    "CogattnError",
    "DataNotFoundError",
    "SpecError",
    "ValidationError",
    "__version__",
    "logger",
    "set_log_level",
    *_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"cogattn.{name}")
    raise AttributeError(f"module 'cogattn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
