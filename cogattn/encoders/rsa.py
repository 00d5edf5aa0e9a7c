"""Representational similarity analysis: RDMs, their comparison and inference.

- :func:`rdm`: euclidean (squared, per channel) and correlation distances;
- :func:`crossnobis_rdm`: cross-validated Mahalanobis distances with the noise
  precision applied through the Woodbury identity (no channels x channels matrix);
- :func:`compare_rdms`: cosine, Pearson, Spearman, rho-a, Kendall tau-a, whitened
  cosine and whitened Pearson;
- :func:`bootstrap_rdm_comparison`, :func:`noise_ceiling`, :func:`pool_rdms`.

Conventions and scalings follow rsatoolbox (Schütt et al. 2023), whose values the
reference tests reproduce; the equations are in the private modules' docstrings.
"""

from __future__ import annotations

from cogattn.encoders._rsa_compare import (
    COMPARE_METHODS,
    compare_rdms,
    whitened_rdm_vectors,
)
from cogattn.encoders._rsa_inference import (
    bootstrap_rdm_comparison,
    noise_ceiling,
    pool_rdms,
)
from cogattn.encoders._rsa_rdm import (
    RDM_METHODS,
    crossnobis_rdm,
    matrix_to_rdm,
    n_conditions_from_rdm,
    rdm,
    rdm_to_matrix,
)

__all__ = [
    "COMPARE_METHODS",
    "RDM_METHODS",
    "bootstrap_rdm_comparison",
    "compare_rdms",
    "crossnobis_rdm",
    "matrix_to_rdm",
    "n_conditions_from_rdm",
    "noise_ceiling",
    "pool_rdms",
    "rdm",
    "rdm_to_matrix",
    "whitened_rdm_vectors",
]
