"""Encoding and decoding models for neural recordings (EEG/MEG, fMRI, SEEG/iEEG).

- ridge and banded ridge with a cross-validated penalty per target
  (:class:`RidgeCV`, :class:`BandedRidgeCV`), on numpy or torch;
- temporal response functions over lists of trials (:class:`TRF`), forward (encoding)
  and backward (stimulus reconstruction), with MNE objects in and out;
- auditory attention decoding (:class:`AttentionDecoder`);
- statistics: per-target correlation and R^2, circular-shift and trial-permutation
  tests, bootstrap with shared resamples, BH-FDR, split-half noise ceilings.
"""

from cogattn.encoders.aad import (
    AttentionDecoder,
    accuracy_curve,
    classify_windows,
    window_correlations,
)
from cogattn.encoders.banded import BandedRidgeCV
from cogattn.encoders.lags import lag_samples, lagged_cross, lagged_design, lagged_gram
from cogattn.encoders.mne_io import mne_to_trials, trf_to_evoked
from cogattn.encoders.ridge import DEFAULT_ALPHAS, Ridge, RidgeCV
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

__all__ = [
    "DEFAULT_ALPHAS",
    "TRF",
    "AttentionDecoder",
    "BandedRidgeCV",
    "Ridge",
    "RidgeCV",
    "accuracy_curve",
    "bootstrap_indices",
    "bootstrap_scores",
    "circular_shift_test",
    "classify_windows",
    "fdr_bh",
    "lag_samples",
    "lagged_cross",
    "lagged_design",
    "lagged_gram",
    "mne_to_trials",
    "paired_bootstrap_difference",
    "pearsonr",
    "r2_score",
    "split_half_reliability",
    "trf_to_evoked",
    "trial_permutation_test",
    "window_correlations",
]
