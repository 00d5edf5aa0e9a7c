"""Associative memory: linear attention read as a Hebbian memory (conditioning).

- :mod:`cogattn.workspace.associative.hebbian`: storing and retrieving key/value pairs
  with the Hebbian outer-product rule, batched over memories, on numpy or torch.
- :mod:`cogattn.workspace.associative.hebbian_capacity`: closed forms and measured
  capacities.
"""

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
]
