"""Workspace models in three parts.

- Associative memory (:mod:`cogattn.workspace.associative`, numpy/torch): linear
  attention read as a Hebbian memory; storing, retrieving, capacities.
- Deep workspace modules (:mod:`cogattn.workspace.modules`, torch): a shared
  workspace written by top-k competing specialists and broadcast back; RIMs cells.
- Neuronal workspace (:mod:`cogattn.workspace.neuronal`, numba): integrate-and-fire
  perceptual and workspace areas; ignition and the attentional blink.

The experiments that drive them are :mod:`cogattn.experiments.hebbian_memory` and
:mod:`cogattn.experiments.attentional_blink`; figures are in :mod:`cogattn.viz.hebbian`
and :mod:`cogattn.viz.workspace`.

Importing this package loads neither torch nor numba: the torch modules load on
first access (the ``_LAZY`` table, declared in ``__init__.pyi``), and the neuronal
part loads numba only when a simulation runs.
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn.workspace.associative.hebbian import (
    HebbianMemory,
    cleanup,
    orthogonal_keys,
    random_binary_values,
    random_unit_keys,
    retrieval_cosine,
    retrieve,
    sign_recall,
    store,
)
from cogattn.workspace.associative.hebbian_capacity import (
    capacity_from_curve,
    closed_form_capacity,
    closed_form_cosine,
    cosine_capacity,
    error_free_capacity,
    power_law_fit,
    sign_recall_capacity,
)
from cogattn.workspace.neuronal.bimodality import (
    bimodality_coefficient,
    mixture_bic_gain,
)
from cogattn.workspace.neuronal.blink import (
    attentional_blink,
    peak_rate,
    spontaneous_ignition,
)
from cogattn.workspace.neuronal.lif import (
    lif_rate,
    lif_rate_simulated,
)
from cogattn.workspace.neuronal.network import (
    NeuronalWorkspace,
    WorkspaceTrials,
)

_LAZY = {
    "MultimodalWorkspace": "cogattn.workspace.modules.multimodal",
    "ConsciousStep": "cogattn.workspace.modules.consciousness",
    "ConsciousnessBottleneck": "cogattn.workspace.modules.consciousness",
    "RIMCell": "cogattn.workspace.modules.rims",
    "SharedWorkspace": "cogattn.workspace.modules.shared_workspace",
    "WorkspaceStep": "cogattn.workspace.modules.shared_workspace",
    "top_k_mask": "cogattn.workspace.modules.shared_workspace",
}

__all__ = [
    "HebbianMemory",
    "NeuronalWorkspace",
    "WorkspaceTrials",
    "attentional_blink",
    "bimodality_coefficient",
    "capacity_from_curve",
    "cleanup",
    "closed_form_capacity",
    "closed_form_cosine",
    "cosine_capacity",
    "error_free_capacity",
    "lif_rate",
    "lif_rate_simulated",
    "mixture_bic_gain",
    "orthogonal_keys",
    "peak_rate",
    "power_law_fit",
    "random_binary_values",
    "random_unit_keys",
    "retrieval_cosine",
    "retrieve",
    "sign_recall",
    "sign_recall_capacity",
    "spontaneous_ignition",
    "store",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cogattn.workspace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
