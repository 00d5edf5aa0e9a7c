"""Neuronal global workspace: integrate-and-fire areas, ignition, attentional blink.

- :mod:`cogattn.workspace.neuronal.network`: :class:`NeuronalWorkspace`, perceptual and
  workspace areas of leaky integrate-and-fire neurons with competing assemblies,
  simulated in batches of trials by a numba kernel
  (:mod:`cogattn.workspace.neuronal._lif_numba`).
- :mod:`cogattn.workspace.neuronal.lif`: the analytic firing rate of a LIF neuron.
- :mod:`cogattn.workspace.neuronal.blink`: T1-T2 protocols, detection by a workspace
  threshold, the blink curve, spontaneous ignition.
- :mod:`cogattn.workspace.neuronal.bimodality`: bimodality coefficient and a one- vs
  two-component Gaussian mixture comparison.

numba is imported only when a simulation runs (the kernel module is loaded then).
"""

from cogattn.workspace.neuronal.bimodality import (
    BC_UNIFORM,
    bimodality_coefficient,
    mixture_bic_gain,
)
from cogattn.workspace.neuronal.blink import (
    attentional_blink,
    peak_rate,
    spontaneous_ignition,
)
from cogattn.workspace.neuronal.lif import lif_rate, lif_rate_simulated
from cogattn.workspace.neuronal.network import (
    NeuronalWorkspace,
    WorkspaceTrials,
    check_time_step,
)

__all__ = [
    "BC_UNIFORM",
    "NeuronalWorkspace",
    "WorkspaceTrials",
    "attentional_blink",
    "bimodality_coefficient",
    "check_time_step",
    "lif_rate",
    "lif_rate_simulated",
    "mixture_bic_gain",
    "peak_rate",
    "spontaneous_ignition",
]
