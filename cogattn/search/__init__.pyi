# Type stub of cogattn.search: the names that __init__.py loads eagerly and those it
# loads on first access (its _LAZY table), so type checkers and IDEs see them all.
# tests/test_conventions.py checks that this stub, _LAZY and __all__ agree.

from cogattn.search.analysis import (
    asymmetry_index as asymmetry_index,
)
from cogattn.search.analysis import (
    asymmetry_table as asymmetry_table,
)
from cogattn.search.analysis import (
    cumulative_found_rate as cumulative_found_rate,
)
from cogattn.search.analysis import (
    fixations_to_rt as fixations_to_rt,
)
from cogattn.search.analysis import (
    load_human_reference as load_human_reference,
)
from cogattn.search.analysis import (
    search_slopes as search_slopes,
)
from cogattn.search.asymmetry_bootstrap import (
    asymmetry_index_ci as asymmetry_index_ci,
)
from cogattn.search.displays import (
    ORIENTATIONS as ORIENTATIONS,
)
from cogattn.search.displays import (
    PARADIGMS as PARADIGMS,
)
from cogattn.search.displays import (
    SearchTrials as SearchTrials,
)
from cogattn.search.displays import (
    make_paradigm as make_paradigm,
)
from cogattn.search.displays import (
    make_trials as make_trials,
)
from cogattn.search.displays import (
    paradigm_info as paradigm_info,
)
from cogattn.search.model import (
    DEFAULT_LAYERS as DEFAULT_LAYERS,
)
from cogattn.search.model import (
    THREE_STAGE_LAYERS as THREE_STAGE_LAYERS,
)
from cogattn.search.model import (
    EccentricitySearchModel as EccentricitySearchModel,
)
from cogattn.search.paradigm_run import (
    run_paradigm as run_paradigm,
)
from cogattn.search.pooling import (
    EccentricityPooling as EccentricityPooling,
)
from cogattn.search.pooling import (
    eccentricity_pool as eccentricity_pool,
)
from cogattn.search.variants import (
    VARIANTS as VARIANTS,
)
from cogattn.search.variants import (
    ChanceSearch as ChanceSearch,
)
from cogattn.search.variants import (
    PixelMatchingSearch as PixelMatchingSearch,
)
from cogattn.search.variants import (
    SaliencySearch as SaliencySearch,
)
from cogattn.search.variants import (
    make_search_model as make_search_model,
)
from cogattn.search.wta_ior import (
    SearchResult as SearchResult,
)
from cogattn.search.wta_ior import (
    run_search as run_search,
)

__all__ = [
    "DEFAULT_LAYERS",
    "ORIENTATIONS",
    "PARADIGMS",
    "THREE_STAGE_LAYERS",
    "VARIANTS",
    "ChanceSearch",
    "EccentricityPooling",
    "EccentricitySearchModel",
    "PixelMatchingSearch",
    "SaliencySearch",
    "SearchResult",
    "SearchTrials",
    "asymmetry_index",
    "asymmetry_index_ci",
    "asymmetry_table",
    "cumulative_found_rate",
    "eccentricity_pool",
    "fixations_to_rt",
    "load_human_reference",
    "make_paradigm",
    "make_search_model",
    "make_trials",
    "paradigm_info",
    "run_paradigm",
    "run_search",
    "search_slopes",
]
