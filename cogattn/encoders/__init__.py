"""Encoding and decoding models for neural recordings (EEG/MEG, fMRI, SEEG/iEEG).

- ridge and banded ridge with a cross-validated penalty per target
  (:class:`RidgeCV`, :class:`BandedRidgeCV`), on numpy or torch;
- temporal response functions over lists of trials (:class:`TRF`), forward (encoding)
  and backward (stimulus reconstruction), with MNE objects in and out;
- auditory attention decoding (:class:`AttentionDecoder`);
- functional alignment across subjects: Procrustes, hyperalignment, shared response
  models (subject adapters with a shared decoder in :mod:`cogattn.encoders.adapters`,
  which needs torch);
- representational similarity: RDMs (euclidean, correlation, crossnobis), their
  comparison, bootstrap and noise ceilings; centered kernel alignment; unit matching;
- multimodal-integration sites: event windows, out-of-fold ridge per feature set,
  shared-bootstrap comparisons with BH-FDR and the decision rule per site;
- spectra over channels: cross-spectral density, coherence, coherent bands and
  envelope-following-response detection;
- statistics: per-target correlation and R^2, circular-shift and trial-permutation
  tests, bootstrap with shared resamples, BH-FDR, split-half noise ceilings.
"""

from cogattn.encoders.aad import (
    AttentionDecoder,
    accuracy_curve,
    classify_windows,
    window_correlations,
)
from cogattn.encoders.alignment import (
    SRM,
    Hyperalignment,
    Procrustes,
    alignment_generalisation,
    procrustes,
)
from cogattn.encoders.banded import BandedRidgeCV
from cogattn.encoders.centered_kernel_alignment import cka, gram_linear, gram_rbf, hsic
from cogattn.encoders.lags import lag_samples, lagged_cross, lagged_design, lagged_gram
from cogattn.encoders.mne_io import mne_to_trials, trf_to_evoked
from cogattn.encoders.multimodal_sites import (
    cross_validated_predictions,
    event_windows,
    integration_sites,
    simulate_integration_data,
)
from cogattn.encoders.ridge import DEFAULT_ALPHAS, Ridge, RidgeCV
from cogattn.encoders.rsa import (
    bootstrap_rdm_comparison,
    compare_rdms,
    crossnobis_rdm,
    matrix_to_rdm,
    noise_ceiling,
    pool_rdms,
    rdm,
    rdm_to_matrix,
)
from cogattn.encoders.spectral import (
    coherence,
    coherent_bands,
    cross_spectral_density,
    dominant_frequencies,
    efr_peaks,
)
from cogattn.encoders.stats import (
    bootstrap_indices,
    bootstrap_scores,
    circular_shift_test,
    fdr_bh,
    paired_bootstrap_difference,
    pearsonr,
    r2_score,
    split_half_reliability,
    trial_permutation_test,
)
from cogattn.encoders.trf import TRF
from cogattn.encoders.unit_matching import (
    match_units_one_to_many,
    match_units_one_to_one,
    unit_correlations,
)

__all__ = [
    "DEFAULT_ALPHAS",
    "SRM",
    "TRF",
    "AttentionDecoder",
    "BandedRidgeCV",
    "Hyperalignment",
    "Procrustes",
    "Ridge",
    "RidgeCV",
    "accuracy_curve",
    "alignment_generalisation",
    "bootstrap_indices",
    "bootstrap_rdm_comparison",
    "bootstrap_scores",
    "circular_shift_test",
    "cka",
    "classify_windows",
    "coherence",
    "coherent_bands",
    "compare_rdms",
    "cross_spectral_density",
    "cross_validated_predictions",
    "crossnobis_rdm",
    "dominant_frequencies",
    "efr_peaks",
    "event_windows",
    "fdr_bh",
    "gram_linear",
    "gram_rbf",
    "hsic",
    "integration_sites",
    "lag_samples",
    "lagged_cross",
    "lagged_design",
    "lagged_gram",
    "match_units_one_to_many",
    "match_units_one_to_one",
    "matrix_to_rdm",
    "mne_to_trials",
    "noise_ceiling",
    "paired_bootstrap_difference",
    "pearsonr",
    "pool_rdms",
    "procrustes",
    "r2_score",
    "rdm",
    "rdm_to_matrix",
    "simulate_integration_data",
    "split_half_reliability",
    "trf_to_evoked",
    "trial_permutation_test",
    "unit_correlations",
    "window_correlations",
]
