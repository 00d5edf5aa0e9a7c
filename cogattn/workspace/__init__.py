"""Workspace models in three parts.

- Associative memory (:mod:`cogattn.workspace.associative`, numpy/torch): linear
  attention read as a Hebbian memory; storing, retrieving, capacities.
- Neuronal workspace (:mod:`cogattn.workspace.neuronal`, numba): integrate-and-fire
  perceptual and workspace areas; ignition and the attentional blink.

The experiments that drive them are :mod:`cogattn.experiments.hebbian_memory` and
:mod:`cogattn.experiments.attentional_blink`; figures are in :mod:`cogattn.viz.hebbian`
and :mod:`cogattn.viz.workspace`.

Importing this package loads neither torch nor numba; the names of the neuronal part
load on first access (their kernels compile when first run).
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn.workspace.associative import (
    HebbianMemory,
    capacity_from_curve,
    cleanup,
    closed_form_capacity,
    closed_form_cosine,
    cosine_capacity,
    error_free_capacity,
    orthogonal_keys,
    power_law_fit,
    random_binary_values,
    random_unit_keys,
    retrieval_cosine,
    retrieve,
    sign_recall,
    sign_recall_capacity,
    store,
)

_LAZY = {
    "NeuronalWorkspace": "cogattn.workspace.neuronal.network",
    "WorkspaceTrials": "cogattn.workspace.neuronal.network",
}

__all__ = [
    "HebbianMemory",
    "capacity_from_curve",
    "cleanup",
    "closed_form_capacity",
    "closed_form_cosine",
    "cosine_capacity",
    "error_free_capacity",
    "orthogonal_keys",
    "power_law_fit",
    "random_binary_values",
    "random_unit_keys",
    "retrieval_cosine",
    "retrieve",
    "sign_recall",
    "sign_recall_capacity",
    "store",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cogattn.workspace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
