"""RidgeCV on a real MEG+EEG recording (MNE's test file): EEG channels predicted from
the MEG gradiometers, compared with himalaya's RidgeCV on the same folds and alphas."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import require_reference

from cogattn.encoders.ridge import RidgeCV


@pytest.mark.data
@pytest.mark.slow
def test_eeg_from_meg_matches_himalaya(data_dir):
    import mne

    himalaya_ridge = require_reference("himalaya.ridge")
    from himalaya.scoring import r2_score

    path = data_dir / "mne_test" / "test_raw.fif"
    if not path.is_file():
        pytest.skip(reason=f"real data not found: {path} is missing")
    raw = mne.io.read_raw_fif(path, preload=True, verbose="error")
    raw.filter(1.0, 40.0, verbose="error")
    raw.resample(100.0, verbose="error")
    X = raw.get_data(picks="grad").T * 1e12  # (n_times, 204), fT/cm
    Y = raw.get_data(picks="eeg").T * 1e6  # (n_times, 60), microvolts
    alphas = np.logspace(-2, 6, 9)
    model = RidgeCV(alphas, cv=5).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = himalaya_ridge.RidgeCV(
            alphas=alphas,
            cv=5,
            fit_intercept=True,
            solver_params={"score_func": r2_score},
        ).fit(X, Y)
    same = np.isclose(model.best_alphas_, ref.best_alphas_, rtol=1e-12)
    assert same.mean() >= 0.999
    rel = np.abs(model.coef_ - ref.coef_.T).max() / np.abs(ref.coef_).max()
    assert rel <= 1e-4
    best = model.cv_scores_.max(0)
    np.testing.assert_allclose(best, ref.cv_scores_, atol=1e-8)
    # MEG carries part of the EEG signal: held-out R^2 is well above chance
    # (median 0.29 over the 60 EEG channels)
    assert np.median(best) > 0.2
