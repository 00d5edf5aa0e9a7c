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

__all__ = [
    "bimodality",
    "blink",
    "lif",
    "network",
]
