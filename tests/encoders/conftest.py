"""Fixtures for the encoder tests: simulated stimulus/response trials."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt


def simulate_trf_data(
    rng: np.random.Generator,
    n_trials: int = 4,
    n_times: int = 600,
    n_feat: int = 2,
    n_ch: int = 3,
    sfreq: float = 100.0,
    lags: np.ndarray | None = None,
    noise: float = 0.5,
    cutoff: float = 10.0,
):
    """Smooth random stimuli driving responses through a known kernel."""
    lags = np.arange(0, 11) if lags is None else lags
    sos = butter(2, cutoff, fs=sfreq, output="sos")
    kernel = rng.standard_normal((n_ch, n_feat, lags.size))
    stim, resp = [], []
    for _ in range(n_trials):
        s = sosfiltfilt(sos, rng.standard_normal((n_times, n_feat)), axis=0) + 0.2
        y = np.zeros((n_times, n_ch))
        for a, lag in enumerate(lags):
            lo, hi = max(0, lag), min(n_times, n_times + lag)
            y[lo:hi] += s[lo - lag : hi - lag] @ kernel[:, :, a].T
        stim.append(s)
        resp.append(y + noise * rng.standard_normal((n_times, n_ch)) + 1.0)
    return stim, resp, kernel


@pytest.fixture
def trf_data(rng):
    """Four trials, 2 stimulus features, 3 response channels, lags 0..10 samples."""
    return simulate_trf_data(rng)


@pytest.fixture
def simulate():
    """The simulator itself, for tests that need other sizes."""
    return simulate_trf_data
