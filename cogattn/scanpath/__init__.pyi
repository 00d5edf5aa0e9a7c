# Type stub of cogattn.scanpath: the names that __init__.py loads eagerly and those
# it loads on first access (its _LAZY table), so type checkers and IDEs see them all.

from cogattn.scanpath.consistency import (
    ConsistencyResult as ConsistencyResult,
)
from cogattn.scanpath.consistency import (
    human_consistency as human_consistency,
)
from cogattn.scanpath.consistency import (
    model_agreement as model_agreement,
)
from cogattn.scanpath.detection import (
    FixationEvents as FixationEvents,
)
from cogattn.scanpath.detection import (
    detect_fixations as detect_fixations,
)
from cogattn.scanpath.detection import (
    gaze_speed as gaze_speed,
)
from cogattn.scanpath.detection import (
    idt as idt,
)
from cogattn.scanpath.detection import (
    ivt as ivt,
)
from cogattn.scanpath.detection import (
    merge_fixations as merge_fixations,
)
from cogattn.scanpath.detection import (
    scanpaths_from_recording as scanpaths_from_recording,
)
from cogattn.scanpath.generators import (
    SaliencyScanpathGenerator as SaliencyScanpathGenerator,
)
from cogattn.scanpath.generators import (
    centre_bias_scanpaths as centre_bias_scanpaths,
)
from cogattn.scanpath.generators import (
    human_likeness as human_likeness,
)
from cogattn.scanpath.generators import (
    random_scanpaths as random_scanpaths,
)
from cogattn.scanpath.generators import (
    spectral_residual_saliency as spectral_residual_saliency,
)
from cogattn.scanpath.geometry import (
    ScreenGeometry as ScreenGeometry,
)
from cogattn.scanpath.multimatch_similarity import (
    MULTIMATCH_DIMENSIONS as MULTIMATCH_DIMENSIONS,
)
from cogattn.scanpath.multimatch_similarity import (
    multimatch as multimatch,
)
from cogattn.scanpath.multimatch_similarity import (
    multimatch_pairs as multimatch_pairs,
)
from cogattn.scanpath.neva import (
    NevaScanpathGenerator as NevaScanpathGenerator,
)
from cogattn.scanpath.neva import (
    mobilenet_task_model as mobilenet_task_model,
)
from cogattn.scanpath.oat import (
    ObjectAttentionTransformer as ObjectAttentionTransformer,
)
from cogattn.scanpath.oat import (
    ObjectScanpathModel as ObjectScanpathModel,
)
from cogattn.scanpath.object_search import (
    ObjectTrials as ObjectTrials,
)
from cogattn.scanpath.object_search import (
    behaviour_summary as behaviour_summary,
)
from cogattn.scanpath.object_search import (
    label_sequence_score as label_sequence_score,
)
from cogattn.scanpath.object_search import (
    make_object_trials as make_object_trials,
)
from cogattn.scanpath.object_search import (
    nearest_first_scanpaths as nearest_first_scanpaths,
)
from cogattn.scanpath.object_search import (
    random_object_scanpaths as random_object_scanpaths,
)
from cogattn.scanpath.object_search import (
    synthetic_observer as synthetic_observer,
)
from cogattn.scanpath.packing import (
    PackedScanpaths as PackedScanpaths,
)
from cogattn.scanpath.packing import (
    pack_scanpaths as pack_scanpaths,
)
from cogattn.scanpath.saliency_metrics import (
    auc_borji as auc_borji,
)
from cogattn.scanpath.saliency_metrics import (
    auc_judd as auc_judd,
)
from cogattn.scanpath.saliency_metrics import (
    auc_shuffled as auc_shuffled,
)
from cogattn.scanpath.saliency_metrics import (
    cc as cc,
)
from cogattn.scanpath.saliency_metrics import (
    fixation_density as fixation_density,
)
from cogattn.scanpath.saliency_metrics import (
    information_gain as information_gain,
)
from cogattn.scanpath.saliency_metrics import (
    kl_divergence as kl_divergence,
)
from cogattn.scanpath.saliency_metrics import (
    nss as nss,
)
from cogattn.scanpath.saliency_metrics import (
    sim as sim,
)
from cogattn.scanpath.scanpath import (
    Scanpath as Scanpath,
)
from cogattn.scanpath.scanpath import (
    check_same_screen as check_same_screen,
)
from cogattn.scanpath.search_fixations import (
    scanpaths_from_search as scanpaths_from_search,
)
from cogattn.scanpath.sequence_metrics import (
    FixationClusters as FixationClusters,
)
from cogattn.scanpath.sequence_metrics import (
    edit_distance as edit_distance,
)
from cogattn.scanpath.sequence_metrics import (
    fixation_clusters as fixation_clusters,
)
from cogattn.scanpath.sequence_metrics import (
    grid_labels as grid_labels,
)
from cogattn.scanpath.sequence_metrics import (
    scanmatch as scanmatch,
)
from cogattn.scanpath.sequence_metrics import (
    sequence_score as sequence_score,
)
from cogattn.scanpath.sequence_metrics import (
    substitution_matrix as substitution_matrix,
)
from cogattn.scanpath.tabular import (
    read_scanpaths as read_scanpaths,
)
from cogattn.scanpath.tabular import (
    write_scanpaths as write_scanpaths,
)
from cogattn.scanpath.trajectory_metrics import (
    dtw_distance as dtw_distance,
)
from cogattn.scanpath.trajectory_metrics import (
    frechet_distance as frechet_distance,
)

__all__ = [
    "MULTIMATCH_DIMENSIONS",
    "ConsistencyResult",
    "FixationClusters",
    "FixationEvents",
    "NevaScanpathGenerator",
    "ObjectAttentionTransformer",
    "ObjectScanpathModel",
    "ObjectTrials",
    "PackedScanpaths",
    "SaliencyScanpathGenerator",
    "Scanpath",
    "ScreenGeometry",
    "auc_borji",
    "auc_judd",
    "auc_shuffled",
    "behaviour_summary",
    "cc",
    "centre_bias_scanpaths",
    "check_same_screen",
    "detect_fixations",
    "dtw_distance",
    "edit_distance",
    "fixation_clusters",
    "fixation_density",
    "frechet_distance",
    "gaze_speed",
    "grid_labels",
    "human_consistency",
    "human_likeness",
    "idt",
    "information_gain",
    "ivt",
    "kl_divergence",
    "label_sequence_score",
    "make_object_trials",
    "merge_fixations",
    "mobilenet_task_model",
    "model_agreement",
    "multimatch",
    "multimatch_pairs",
    "nearest_first_scanpaths",
    "nss",
    "pack_scanpaths",
    "random_object_scanpaths",
    "random_scanpaths",
    "read_scanpaths",
    "scanmatch",
    "scanpaths_from_recording",
    "scanpaths_from_search",
    "sequence_score",
    "sim",
    "spectral_residual_saliency",
    "substitution_matrix",
    "synthetic_observer",
    "write_scanpaths",
]
