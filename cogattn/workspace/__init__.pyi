# Type stub of cogattn.workspace: the names that __init__.py loads eagerly and those
# it loads on first access (its _LAZY table), so type checkers and IDEs see them all.

from cogattn.workspace.associative.hebbian import HebbianMemory as HebbianMemory
from cogattn.workspace.associative.hebbian import cleanup as cleanup
from cogattn.workspace.associative.hebbian import orthogonal_keys as orthogonal_keys
from cogattn.workspace.associative.hebbian import (
    random_binary_values as random_binary_values,
)
from cogattn.workspace.associative.hebbian import random_unit_keys as random_unit_keys
from cogattn.workspace.associative.hebbian import retrieval_cosine as retrieval_cosine
from cogattn.workspace.associative.hebbian import retrieve as retrieve
from cogattn.workspace.associative.hebbian import sign_recall as sign_recall
from cogattn.workspace.associative.hebbian import store as store
from cogattn.workspace.associative.hebbian_capacity import (
    capacity_from_curve as capacity_from_curve,
)
from cogattn.workspace.associative.hebbian_capacity import (
    closed_form_capacity as closed_form_capacity,
)
from cogattn.workspace.associative.hebbian_capacity import (
    closed_form_cosine as closed_form_cosine,
)
from cogattn.workspace.associative.hebbian_capacity import (
    cosine_capacity as cosine_capacity,
)
from cogattn.workspace.associative.hebbian_capacity import (
    error_free_capacity as error_free_capacity,
)
from cogattn.workspace.associative.hebbian_capacity import (
    power_law_fit as power_law_fit,
)
from cogattn.workspace.associative.hebbian_capacity import (
    sign_recall_capacity as sign_recall_capacity,
)
from cogattn.workspace.modules.consciousness import (
    ConsciousnessBottleneck as ConsciousnessBottleneck,
)
from cogattn.workspace.modules.consciousness import (
    ConsciousStep as ConsciousStep,
)
from cogattn.workspace.modules.multimodal import (
    MultimodalWorkspace as MultimodalWorkspace,
)
from cogattn.workspace.modules.rims import (
    RIMCell as RIMCell,
)
from cogattn.workspace.modules.shared_workspace import (
    SharedWorkspace as SharedWorkspace,
)
from cogattn.workspace.modules.shared_workspace import (
    WorkspaceStep as WorkspaceStep,
)
from cogattn.workspace.modules.shared_workspace import (
    top_k_mask as top_k_mask,
)
from cogattn.workspace.neuronal.bimodality import (
    bimodality_coefficient as bimodality_coefficient,
)
from cogattn.workspace.neuronal.bimodality import mixture_bic_gain as mixture_bic_gain
from cogattn.workspace.neuronal.blink import attentional_blink as attentional_blink
from cogattn.workspace.neuronal.blink import peak_rate as peak_rate
from cogattn.workspace.neuronal.blink import (
    spontaneous_ignition as spontaneous_ignition,
)
from cogattn.workspace.neuronal.lif import lif_rate as lif_rate
from cogattn.workspace.neuronal.lif import lif_rate_simulated as lif_rate_simulated
from cogattn.workspace.neuronal.network import NeuronalWorkspace as NeuronalWorkspace
from cogattn.workspace.neuronal.network import WorkspaceTrials as WorkspaceTrials

__all__ = [
    "ConsciousStep",
    "ConsciousnessBottleneck",
    "HebbianMemory",
    "MultimodalWorkspace",
    "NeuronalWorkspace",
    "RIMCell",
    "SharedWorkspace",
    "WorkspaceStep",
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
    "top_k_mask",
]
