"""Auditory attention decoding on simulated EEG driven by the attended talker."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from cogattn._core.errors import ValidationError
from cogattn.encoders.aad import AttentionDecoder, accuracy_curve, window_correlations
from cogattn.encoders.stats import pearsonr


def simulate_two_talkers(rng, n_trials=8, seconds=40, sfreq=32.0, n_ch=8, noise=12.0):
    """Envelopes: rectified 1-8 Hz noise; EEG = attended envelope * TRF + noise.

    The unattended envelope does not reach the EEG. Noise is low-passed at 12 Hz and
    ``noise`` times stronger than the evoked signal (single-trial EEG SNR).
    """
    sos = butter(3, [1.0, 8.0], btype="band", fs=sfreq, output="sos")
    sos_bg = butter(2, 12.0, fs=sfreq, output="sos")
    lags = np.arange(int(0.25 * sfreq) + 1)
    kernel = np.sin(np.pi * lags / lags[-1]) * np.exp(-lags / 3.0)
    pattern = rng.standard_normal(n_ch)
    n = int(seconds * sfreq)
    eeg, cand, att = [], [], []
    for k in range(n_trials):
        env = np.abs(sosfiltfilt(sos, rng.standard_normal((n, 2)), axis=0))
        a = k % 2
        drive = np.convolve(env[:, a], kernel)[:n]
        bg = sosfiltfilt(sos_bg, rng.standard_normal((n, n_ch)), axis=0)
        bg *= noise * drive.std() / bg.std()
        eeg.append(drive[:, None] * pattern[None, :] + bg)
        cand.append(env)
        att.append(a)
    return eeg, cand, np.array(att)


def test_window_correlations_equal_per_window_pearson(rng):
    rec = rng.standard_normal(103)
    cand = rng.standard_normal((103, 3))
    r = window_correlations(rec, cand, 20)
    assert r.shape == (5, 3)
    for w in range(5):
        sl = slice(20 * w, 20 * w + 20)
        np.testing.assert_allclose(
            r[w], pearsonr(np.repeat(rec[sl, None], 3, 1), cand[sl]), atol=1e-12
        )


def test_accuracy_rises_with_window_and_exceeds_90_percent(rng):
    eeg, cand, att = simulate_two_talkers(rng)
    dec = AttentionDecoder(0.0, 0.25, 32.0, alpha=np.logspace(0, 6, 4), cv=4)
    res = dec.cross_validate(eeg, cand, att, [1.0, 5.0, 20.0])
    acc = res["accuracy"]
    assert acc[0] < 0.9  # short windows are hard at this SNR
    assert acc[0] < acc[1] <= acc[2]
    assert acc[2] > 0.9
    np.testing.assert_array_equal(res["n_windows"], [320, 64, 16])


def test_accuracy_curve_chance_for_unrelated_reconstruction(rng):
    cand = [rng.standard_normal((640, 2)) for _ in range(20)]
    recs = [rng.standard_normal(640) for _ in range(20)]
    acc, n = accuracy_curve(recs, cand, np.zeros(20, int), [1.0], 32.0)
    assert abs(acc[0] - 0.5) < 0.1 and n[0] == 400


def test_aad_bad_input(rng):
    eeg, cand, att = simulate_two_talkers(rng, n_trials=4, seconds=5)
    dec = AttentionDecoder(0.0, 0.25, 32.0, alpha=10.0, cv=2)
    with pytest.raises(ValidationError, match="attended must index the 2 candidate"):
        dec.cross_validate(eeg, cand, np.array([0, 1, 2, 0]), [1.0])
    with pytest.raises(ValidationError, match="one entry per trial, got 4, 4 and 3"):
        dec.cross_validate(eeg, cand, att[:3], [1.0])
    with pytest.raises(ValidationError, match="window must be between 2 and"):
        window_correlations(np.zeros(10), np.zeros((10, 2)), 50)
    with pytest.raises(ValidationError, match="not fitted"):
        AttentionDecoder().reconstruct(eeg)
