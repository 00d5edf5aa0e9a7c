"""Deep workspace modules (torch): shared workspace with top-k writes, RIMs cells.

- :mod:`cogattn.workspace.modules.shared_workspace`: :class:`SharedWorkspace`,
  specialists compete to write into a few slots, which broadcast back to all.
- :mod:`cogattn.workspace.modules.rims`: :class:`RIMCell`, modular GRU cells of which
  only the top-k most input-relevant update at each step.
- :mod:`cogattn.workspace.modules.consciousness`: :class:`ConsciousnessBottleneck`,
  attention selects k elements of an unconscious state; a verifier scores how well
  the previous conscious state predicts the present.
- :mod:`cogattn.workspace.modules.multimodal`: :class:`MultimodalWorkspace`, domains
  encoded into one workspace, fused with selection weights; demi-cycle, cycle,
  translation, contrastive and broadcast losses.
"""

__all__ = [
    "consciousness",
    "multimodal",
    "rims",
    "shared_workspace",
]
