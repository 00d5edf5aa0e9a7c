"""Associative memory: linear attention read as a Hebbian memory (conditioning).

- :mod:`cogattn.workspace.associative.hebbian`: storing and retrieving key/value pairs
  with the Hebbian outer-product rule, batched over memories, on numpy or torch.
- :mod:`cogattn.workspace.associative.hebbian_capacity`: closed forms and measured
  capacities.
"""

__all__ = [
    "hebbian",
    "hebbian_capacity",
]
