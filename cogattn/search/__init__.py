"""Visual-search asymmetry: stimuli, an eccentricity-dependent search model, analysis.

- :mod:`cogattn.search.displays`: the six classic asymmetry paradigms rendered with
  antialiasing at 30 px per degree (curvature, lighting direction, intersection, T vs L,
  homogeneous and heterogeneous orientation).
- :mod:`cogattn.search.model`: :class:`EccentricitySearchModel`, backbone features
  pooled with windows that grow with eccentricity, top-down target modulation,
  winner-take-all with inhibition of return (batched in torch).
- :mod:`cogattn.search.variants`: no eccentricity pooling, single top layer
  (IVSN-like), pixel matching, spectral-residual saliency, chance.
- :mod:`cogattn.search.analysis`: fixations to reaction times, search slopes, asymmetry
  index, the human reference table; :mod:`cogattn.search.asymmetry_bootstrap`: bootstrap
  intervals of the asymmetry index.
- :mod:`cogattn.search.paradigm_run`: :func:`run_paradigm`, one searcher over every
  display of a paradigm, with slopes and asymmetry index.
- :mod:`cogattn.search.diet`: shaded scenes and the small CNN of the training-diet
  experiment (:mod:`cogattn.experiments.lighting_diet`).

Figures are drawn by :mod:`cogattn.viz.search`.

The numpy parts (stimuli, analysis) import without torch; the model names load torch
when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn.search.analysis import (
    asymmetry_index,
    asymmetry_table,
    cumulative_found_rate,
    fixations_to_rt,
    load_human_reference,
    search_slopes,
)
from cogattn.search.asymmetry_bootstrap import asymmetry_index_ci
from cogattn.search.displays import (
    ORIENTATIONS,
    PARADIGMS,
    SearchTrials,
    make_paradigm,
    make_trials,
    paradigm_info,
)

_LAZY = {
    "EccentricitySearchModel": "cogattn.search.model",
    "DEFAULT_LAYERS": "cogattn.search.model",
    "THREE_STAGE_LAYERS": "cogattn.search.model",
    "SearchResult": "cogattn.search.wta_ior",
    "run_search": "cogattn.search.wta_ior",
    "EccentricityPooling": "cogattn.search.pooling",
    "eccentricity_pool": "cogattn.search.pooling",
    "VARIANTS": "cogattn.search.variants",
    "make_search_model": "cogattn.search.variants",
    "PixelMatchingSearch": "cogattn.search.variants",
    "SaliencySearch": "cogattn.search.variants",
    "ChanceSearch": "cogattn.search.variants",
    "run_paradigm": "cogattn.search.paradigm_run",
}

__all__ = [
    "ORIENTATIONS",
    "PARADIGMS",
    "SearchTrials",
    "asymmetry_index",
    "asymmetry_index_ci",
    "asymmetry_table",
    "cumulative_found_rate",
    "fixations_to_rt",
    "load_human_reference",
    "make_paradigm",
    "make_trials",
    "paradigm_info",
    "search_slopes",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cogattn.search' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
