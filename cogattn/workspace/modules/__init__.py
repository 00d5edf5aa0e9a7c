"""Deep workspace modules (torch): shared workspace with top-k writes, RIMs cells.

- :mod:`cogattn.workspace.modules.shared_workspace`: :class:`SharedWorkspace`,
  specialists compete to write into a few slots, which broadcast back to all.
- :mod:`cogattn.workspace.modules.rims`: :class:`RIMCell`, modular GRU cells of which
  only the top-k most input-relevant update at each step.
"""

from cogattn.workspace.modules.rims import RIMCell
from cogattn.workspace.modules.shared_workspace import (
    SharedWorkspace,
    WorkspaceStep,
    top_k_mask,
)

__all__ = ["RIMCell", "SharedWorkspace", "WorkspaceStep", "top_k_mask"]
