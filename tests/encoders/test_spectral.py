"""Cross-spectra, coherence, dominant frequencies and EFR detection.

Anchors: scipy.signal.csd / coherence / welch, MNE's psd_array_welch, a planted
sinusoid (its amplitude and its Welch power in closed form) and the F-test's
false-positive rate on noise.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from cogattn.encoders.spectral import (
    coherence,
    coherent_bands,
    cross_spectral_density,
    dominant_frequencies,
    efr_peaks,
)


@pytest.mark.parametrize(("nperseg", "noverlap"), [(128, None), (101, 30)])
def test_csd_and_coherence_match_scipy(rng, nperseg, noverlap):
    """Every pair equals scipy.signal.csd and scipy.signal.coherence."""
    x = rng.standard_normal((1000, 3))
    x[:, 1] += 0.7 * x[:, 0]
    f, csd = cross_spectral_density(x, 250.0, nperseg, noverlap)
    _, coh = coherence(x, 250.0, nperseg, noverlap)
    for i in range(3):
        for j in range(3):
            fr, ref = signal.csd(
                x[:, i], x[:, j], fs=250.0, nperseg=nperseg, noverlap=noverlap
            )
            np.testing.assert_allclose(f, fr)
            np.testing.assert_allclose(csd[:, i, j], ref, rtol=1e-10, atol=1e-14)
            _, cref = signal.coherence(
                x[:, i], x[:, j], fs=250.0, nperseg=nperseg, noverlap=noverlap
            )
            np.testing.assert_allclose(coh[:, i, j], cref, rtol=1e-9, atol=1e-12)


def test_power_matches_mne(rng):
    """The diagonal equals MNE's psd_array_welch with a Hann window."""
    from mne.time_frequency import psd_array_welch

    x = rng.standard_normal((2000, 2))
    f, csd = cross_spectral_density(x, 200.0, 256, 128)
    ref, fm = psd_array_welch(
        x.T, 200.0, fmin=0, fmax=100, n_fft=256, n_per_seg=256, n_overlap=128,
        window="hann", average="mean", verbose=False,
    )  # fmt: skip
    np.testing.assert_allclose(fm, f)
    np.testing.assert_allclose(np.real(np.einsum("fii->if", csd)), ref, rtol=1e-8)


def test_planted_sinusoid_closed_form(rng):
    """A sinusoid of amplitude A at a bin frequency: Welch power integrates to A^2/2
    around the peak; the peak is the dominant frequency; coherence of two noisy
    copies is high only around it."""
    fs, n, f0, a = 500.0, 5000, 40.0, 2.0
    t = np.arange(n) / fs
    s = a * np.sin(2 * np.pi * f0 * t)
    x = np.c_[s, s + 3.0 * rng.standard_normal(n), rng.standard_normal(n)]
    f, csd = cross_spectral_density(x[:, :1], fs, 500)
    band = np.abs(f - f0) <= 3.0
    power = np.real(csd[band, 0, 0]).sum() * (f[1] - f[0])
    assert power == pytest.approx(a**2 / 2, rel=1e-3)
    assert dominant_frequencies(x[:, :2], fs, 5, 200, nperseg=500).tolist() == [f0, f0]
    f, coh = coherence(x, fs, 500)
    bands = coherent_bands(f, coh, threshold=0.5)
    assert bands and bands[0][:2] == (0, 1) and bands[0][2] <= f0 <= bands[0][3]
    assert all((i, j) == (0, 1) for i, j, *_ in bands)


def test_efr_detection_and_false_positive_rate():
    """An 80 Hz envelope response at 0.1 of the noise SD is found with its
    amplitude; on pure noise the F-test rejects about alpha of the tests (Dobie &
    Wilson's F(2, 4K) null), measured over 400 channels."""
    rng = np.random.default_rng(7)
    fs, n = 1000.0, 4000
    t = np.arange(n) / fs
    x = rng.standard_normal((n, 400))
    x[:, 0] += 0.1 * np.sin(2 * np.pi * 80.0 * t)
    out = efr_peaks(x, fs, [80.0, 160.0], n_neighbors=10)
    assert out["detected"][0, 0]
    assert out["amplitude"][0, 0] == pytest.approx(0.1, abs=0.04)
    null_rate = out["detected"][:, 1:].mean()
    assert 0.02 <= null_rate <= 0.08


def test_bad_input(rng):
    """NaN channels, segment lengths, bands and frequencies out of range."""
    x = rng.standard_normal((100, 3))
    x[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values in 1 channel"):
        coherence(x, 100.0, 32)
    with pytest.raises(ValueError, match="nperseg"):
        cross_spectral_density(rng.standard_normal((10, 2)), 100.0, 32)
    with pytest.raises(ValueError, match="fmin < fmax"):
        dominant_frequencies(rng.standard_normal((100, 2)), 100.0, 30, 10)
    with pytest.raises(ValueError, match="neighbour bins"):
        efr_peaks(rng.standard_normal((100, 2)), 100.0, [49.0])


@pytest.mark.data
def test_real_eeg_line_noise_and_coherence_with_distance(data_dir):
    """MNE test recording (60 EEG channels, US mains): 60 Hz is detected on most
    channels (measured 62%), off-mains bins at about the test level (measured 3-7%);
    1-30 Hz coherence falls with electrode distance (Spearman measured -0.75)."""
    from scipy.stats import spearmanr

    from cogattn.datasets import load_mne_test

    if not (data_dir / "mne_test" / "test_raw.fif").is_file():
        pytest.skip(reason=f"real data not found: {data_dir / 'mne_test'} is missing")
    raw, _ = load_mne_test(data_dir)
    raw.pick("eeg", exclude="bads")
    x, fs = raw.get_data().T, raw.info["sfreq"]
    mains = efr_peaks(x, fs, [60.0], n_neighbors=10)
    assert mains["detected"].mean() > 0.5
    off = efr_peaks(x, fs, [53.0, 67.0], n_neighbors=10)
    assert off["detected"].mean() < 0.15
    f, coh = coherence(x, fs, 1024)
    c = coh[(f >= 1) & (f <= 30)].mean(axis=0)
    pos = np.array([ch["loc"][:3] for ch in raw.info["chs"]])
    dist = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    iu = np.triu_indices(len(pos), 1)
    assert spearmanr(c[iu], dist[iu]).statistic < -0.5
