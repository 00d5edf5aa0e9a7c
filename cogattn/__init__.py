"""cogattn: neuroscience-inspired cognitive models of attention, perception and memory.

Submodules are loaded on first access, so ``import cogattn`` stays fast and pulls in
none of torch, numba, matplotlib or dask:

- :mod:`cogattn.tensorbrain`: knowledge graphs as tensors, link prediction and the
  tensor-brain semantic decoder with episodic and semantic memory
- :mod:`cogattn.workspace`: global workspace modules, the neuronal workspace and
  Hebbian associative memory
- :mod:`cogattn.encoders`: ridge, banded ridge and TRF encoders for neural recordings,
  alignment across subjects, RSA and CKA
- :mod:`cogattn.search`: visual-search stimuli, eccentricity-dependent search model
- :mod:`cogattn.scanpath`: scanpath data, fixation detection, scanpath and saliency
  metrics, scanpath generators
- :mod:`cogattn.features`: pretrained feature extractors usable offline
- :mod:`cogattn.sim`: experiment registry, specs, executors and result store
- :mod:`cogattn.experiments`: the experiments run by the simulation runner
- :mod:`cogattn.viz`: figures of the experiments' results
- :mod:`cogattn.labs`: answer checks and the notebook builder of the teaching labs

The compute backend of array code is chosen with :func:`backend_context` (a block) or
:func:`set_backend`; :func:`available_backends` lists those usable on this machine.
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn._core.backend import (
    available_backends,
    backend_context,
    get_backend,
    set_backend,
)
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
    "datasets",
    "encoders",
    "experiments",
    "features",
    "labs",
    "scanpath",
    "search",
    "sim",
    "tensorbrain",
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
    "available_backends",
    "backend_context",
    "get_backend",
    "logger",
    "set_backend",
    "set_log_level",
    *_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"cogattn.{name}")
    raise AttributeError(f"module 'cogattn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
