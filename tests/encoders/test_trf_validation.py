"""Bad input to the TRF estimator and lag helpers: one clear ValidationError each."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.encoders.lags import lag_samples, lagged_design
from cogattn.encoders.trf import TRF


@pytest.fixture
def pair(rng):
    stim = [rng.standard_normal((200, 2)) for _ in range(3)]
    resp = [rng.standard_normal((200, 4)) for _ in range(3)]
    return stim, resp


def test_nan_and_inf(pair):
    stim, resp = pair
    stim[1][5, 0] = np.nan
    with pytest.raises(ValidationError, match=r"stimulus\[1\] contains 1 NaN"):
        TRF(0, 0.05, 100.0).fit(stim, resp)
    stim[1][5, 0] = 0.0
    resp[2][0, 0] = np.inf
    with pytest.raises(ValidationError, match=r"response\[2\] contains 1 NaN or inf"):
        TRF(0, 0.05, 100.0).fit(stim, resp)


def test_mismatched_samples_and_trials(pair):
    stim, resp = pair
    with pytest.raises(ValidationError, match="same number of trials, got 2 and 3"):
        TRF(0, 0.05, 100.0).fit(stim[:2], resp)
    resp[1] = resp[1][:150]
    with pytest.raises(ValidationError, match="trial 1: stimulus has 200 samples but"):
        TRF(0, 0.05, 100.0).fit(stim, resp)


def test_feature_counts_differ_between_trials(pair):
    stim, resp = pair
    stim[2] = stim[2][:, :1]
    with pytest.raises(ValidationError, match="same number of columns, got \\[1, 2\\]"):
        TRF(0, 0.05, 100.0).fit(stim, resp)


def test_lags_longer_than_trial(pair):
    stim, resp = pair
    with pytest.raises(ValidationError, match="trial 0: a trial of 200 samples is too"):
        TRF(0, 3.0, 100.0).fit(stim, resp)
    with pytest.raises(ValidationError, match="too short for lags"):
        lagged_design(np.zeros((5, 1)), np.arange(10))


@pytest.mark.parametrize("alpha", [0.0, -1.0, [1.0, -2.0]])
def test_alpha_not_positive(pair, alpha):
    with pytest.raises(ValidationError, match="alpha must be > 0"):
        TRF(0, 0.05, 100.0, alpha=alpha).fit(*pair)


def test_alpha_nan_or_text(pair):
    with pytest.raises(ValidationError, match="alpha contains 1 NaN"):
        TRF(0, 0.05, 100.0, alpha=[1.0, np.nan]).fit(*pair)
    with pytest.raises(ValidationError, match="alpha must hold real numbers"):
        TRF(0, 0.05, 100.0, alpha="big").fit(*pair)


def test_fewer_trials_than_folds(pair):
    with pytest.raises(
        ValidationError, match="cv=5 folds need at least 5 trials, got 3"
    ):
        TRF(0, 0.05, 100.0, alpha=[1.0, 10.0], cv=5).fit(*pair)
    with pytest.raises(ValidationError, match=r"cv must be an integer in \[2, inf\]"):
        TRF(0, 0.05, 100.0, alpha=[1.0, 10.0], cv=1).fit(*pair)


@pytest.mark.parametrize(
    ("cv", "match"),
    [
        (
            [([0, 1], [2, 7])],
            r"cv fold 0: test holds trial index 7; there are 3 trials",
        ),
        ([([0], [1]), ([0, 1], [-1])], r"cv fold 1: test holds trial index -1"),
        ([([0.5, 1], [2])], r"cv fold 0: train must be a 1-D array of trial indices"),
        ([([0, 0], [2])], "cv fold 0: train lists a trial twice"),
    ],
)
def test_cv_folds_with_bad_trial_indices(pair, cv, match):
    with pytest.raises(ValidationError, match=match):
        TRF(0, 0.05, 100.0, alpha=[1.0, 10.0], cv=cv).fit(*pair)


def test_wrong_dtypes(pair):
    stim, resp = pair
    with pytest.raises(ValidationError, match=r"stimulus\[0\] must hold real numbers"):
        TRF(0, 0.05, 100.0).fit([s.astype(str) for s in stim], resp)
    with pytest.raises(ValidationError, match="response must have 1 or 2 or 3 dim"):
        TRF(0, 0.05, 100.0).fit(stim, np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValidationError, match="tmin must be a number of seconds"):
        TRF("0", 0.05, 100.0).fit(*pair)


def test_tmin_after_tmax_and_bad_sfreq(pair):
    with pytest.raises(ValidationError, match=r"tmin must be <= tmax, got tmin=0\.2"):
        TRF(0.2, 0.1, 100.0).fit(*pair)
    with pytest.raises(ValidationError, match="sfreq must be a finite number > 0"):
        lag_samples(0, 0.1, 0.0)


def test_bad_options(pair):
    with pytest.raises(
        ValidationError, match="invalid value for direction: 'sideways'"
    ):
        TRF(direction="sideways").fit(*pair)
    with pytest.raises(ValidationError, match="invalid value for edges: 'wrap'"):
        TRF(0, 0.05, 100.0, edges="wrap").fit(*pair)
    with pytest.raises(ValidationError, match="invalid value for centering"):
        TRF(0, 0.05, 100.0, centering="median").fit(*pair)


def test_use_before_fit_and_wrong_shapes(pair):
    stim, resp = pair
    with pytest.raises(ValidationError, match="not fitted yet"):
        TRF().predict(stim)
    model = TRF(0, 0.05, 100.0).fit(stim, resp)
    with pytest.raises(ValidationError, match="X has 4 features per sample, the model"):
        model.predict(resp)
    with pytest.raises(ValidationError, match="no channel info"):
        model.to_evoked()
    with pytest.raises(
        ValidationError, match=r"feature must be an integer in \[0, 1\]"
    ):
        model.to_evoked(feature=5)
    back = TRF(0, 0.05, 100.0, direction="backward").fit(stim, resp)
    with pytest.raises(ValidationError, match="to_evoked needs a forward model"):
        back.to_evoked()


def test_mne_sfreq_mismatch(rng):
    import mne

    raw = mne.io.RawArray(
        rng.standard_normal((2, 300)), mne.create_info(2, 250.0, "eeg"), verbose=False
    )
    with pytest.raises(ValidationError, match=r"sfreq=100.0 Hz does not match"):
        TRF(0, 0.05, 100.0).fit(rng.standard_normal(300), raw)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_sums_of_squares_overflow(pair, direction):
    stim, resp = pair
    big = [s * 1e200 for s in stim]
    with pytest.raises(ValidationError, match="stimulus's sums of squares overflow"):
        TRF(0, 0.05, 100.0, direction=direction).fit(big, resp)


def test_huge_lag_window_refused_before_allocating(pair):
    import time
    import tracemalloc

    stim, resp = pair
    stim[1], resp[1] = stim[1][:150], resp[1][:150]
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(
            ValidationError,
            match=r"trial 1: .*1000000001 lags from tmin=0, tmax=10000000.0, "
            r"sfreq=100.0.*shortest trial has 150 samples",
        ):
            TRF(0, 1e7, 100.0).fit(stim, resp)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert time.perf_counter() - start < 5.0
