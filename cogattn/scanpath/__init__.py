"""Gaze scanpaths: data model, eye-tracking I/O, fixation detection and metrics.

- :mod:`cogattn.scanpath.geometry`: :class:`ScreenGeometry`, pixels to degrees of
  visual angle.
- :mod:`cogattn.scanpath.scanpath`: :class:`Scanpath`, validated fixations.
- :mod:`cogattn.scanpath.tabular`: CSV / TSV import and atomic export.
- :mod:`cogattn.scanpath.detection`: I-VT and I-DT fixation detection from raw gaze
  samples, with fixation and saccade statistics.
- :mod:`cogattn.scanpath.search_fixations`: scanpaths from :mod:`cogattn.search`.
- :mod:`cogattn.scanpath.saliency_metrics`: NSS, AUC-Judd, AUC-Borji, shuffled AUC,
  CC, KL divergence, SIM, information gain, batched over maps.
- :mod:`cogattn.scanpath.multimatch_similarity`: MultiMatch's five similarities,
  batched over pairs.
- :mod:`cogattn.scanpath.sequence_metrics`: ScanMatch, sequence score, string edit
  distance; :mod:`cogattn.scanpath.trajectory_metrics`: DTW and discrete Fréchet.
- :mod:`cogattn.scanpath.consistency`: leave-one-observer-out human consistency and
  model agreement.
- :mod:`cogattn.scanpath.generators`: spectral-residual saliency with winner-take-all
  and inhibition of return, random and centre-bias baselines, human-likeness of
  saccade amplitudes and fixation durations.

- :mod:`cogattn.scanpath.neva`: NeVA-style gradient-driven foveated exploration
  with a differentiable task model (torch).
- :mod:`cogattn.scanpath.object_search`: object-array search trials, a documented
  synthetic observer, object-sequence score and behaviour;
  :mod:`cogattn.scanpath.oat`: an OAT-like object-level transformer trained on
  object scanpaths (torch).

The numpy parts import without numba or torch; the metric names load their numba
kernels, and the NeVA and OAT names torch, when first used.

EyeLink EDF files are read by :func:`cogattn.datasets.eyelink.read_eyelink`.
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath, check_same_screen
from cogattn.scanpath.search_fixations import scanpaths_from_search
from cogattn.scanpath.tabular import read_scanpaths, write_scanpaths

_LAZY = {
    "FixationEvents": "cogattn.scanpath.detection",
    "detect_fixations": "cogattn.scanpath.detection",
    "gaze_speed": "cogattn.scanpath.detection",
    "idt": "cogattn.scanpath.detection",
    "ivt": "cogattn.scanpath.detection",
    "merge_fixations": "cogattn.scanpath.detection",
    "scanpaths_from_recording": "cogattn.scanpath.detection",
    "SaliencyScanpathGenerator": "cogattn.scanpath.generators",
    "centre_bias_scanpaths": "cogattn.scanpath.generators",
    "human_likeness": "cogattn.scanpath.generators",
    "random_scanpaths": "cogattn.scanpath.generators",
    "spectral_residual_saliency": "cogattn.scanpath.generators",
    "NevaScanpathGenerator": "cogattn.scanpath.neva",
    "mobilenet_task_model": "cogattn.scanpath.neva",
    "ObjectAttentionTransformer": "cogattn.scanpath.oat",
    "ObjectScanpathModel": "cogattn.scanpath.oat",
    "ObjectTrials": "cogattn.scanpath.object_search",
    "behaviour_summary": "cogattn.scanpath.object_search",
    "label_sequence_score": "cogattn.scanpath.object_search",
    "make_object_trials": "cogattn.scanpath.object_search",
    "nearest_first_scanpaths": "cogattn.scanpath.object_search",
    "random_object_scanpaths": "cogattn.scanpath.object_search",
    "synthetic_observer": "cogattn.scanpath.object_search",
    "MULTIMATCH_DIMENSIONS": "cogattn.scanpath.multimatch_similarity",
    "multimatch": "cogattn.scanpath.multimatch_similarity",
    "multimatch_pairs": "cogattn.scanpath.multimatch_similarity",
    "PackedScanpaths": "cogattn.scanpath.packing",
    "pack_scanpaths": "cogattn.scanpath.packing",
    "auc_borji": "cogattn.scanpath.saliency_metrics",
    "auc_judd": "cogattn.scanpath.saliency_metrics",
    "auc_shuffled": "cogattn.scanpath.saliency_metrics",
    "cc": "cogattn.scanpath.saliency_metrics",
    "fixation_density": "cogattn.scanpath.saliency_metrics",
    "information_gain": "cogattn.scanpath.saliency_metrics",
    "kl_divergence": "cogattn.scanpath.saliency_metrics",
    "nss": "cogattn.scanpath.saliency_metrics",
    "sim": "cogattn.scanpath.saliency_metrics",
    "FixationClusters": "cogattn.scanpath.sequence_metrics",
    "edit_distance": "cogattn.scanpath.sequence_metrics",
    "fixation_clusters": "cogattn.scanpath.sequence_metrics",
    "grid_labels": "cogattn.scanpath.sequence_metrics",
    "scanmatch": "cogattn.scanpath.sequence_metrics",
    "sequence_score": "cogattn.scanpath.sequence_metrics",
    "substitution_matrix": "cogattn.scanpath.sequence_metrics",
    "dtw_distance": "cogattn.scanpath.trajectory_metrics",
    "frechet_distance": "cogattn.scanpath.trajectory_metrics",
    "ConsistencyResult": "cogattn.scanpath.consistency",
    "human_consistency": "cogattn.scanpath.consistency",
    "model_agreement": "cogattn.scanpath.consistency",
}

__all__ = [
    "Scanpath",
    "ScreenGeometry",
    "check_same_screen",
    "read_scanpaths",
    "scanpaths_from_search",
    "write_scanpaths",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cogattn.scanpath' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
