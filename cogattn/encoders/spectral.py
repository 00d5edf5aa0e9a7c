"""Spectral analysis over channels: cross-spectra, coherence, EFR peak detection.

- :func:`cross_spectral_density`: Welch's estimate for every channel pair at once.
  The signal is cut into segments of ``nperseg`` samples overlapping by
  ``noverlap``; each segment is detrended (mean removed), windowed (``w``) and
  Fourier transformed (``X_s(f)``); ``S_ij(f) = c Σ_s conj(X_s,i(f)) X_s,j(f) /
  n_segments`` with the density scaling ``c = 1 / (fs Σ w^2)`` and one-sided
  doubling, as :func:`scipy.signal.csd` (the FFTs of all channels and segments
  are one batched call, the pairs one ``einsum``).
- :func:`coherence`: magnitude-squared coherence ``|S_ij|^2 / (S_ii S_jj)``.
- :func:`dominant_frequencies` and :func:`coherent_bands`: the peak of each
  channel's spectrum, and the contiguous frequency bands where a pair's coherence
  exceeds a threshold.
- :func:`efr_peaks`: envelope-following responses (e.g. to an amplitude-modulated
  tone) detected at known frequencies with the spectral F-test: the power in the
  bin of ``f0`` against the mean power of ``2K`` neighbouring bins is ``F(2, 4K)``
  distributed under noise (Dobie & Wilson 1996), with its amplitude SNR.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import signal, stats

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int, check_positive, is_tensor

__all__ = [
    "coherence",
    "coherent_bands",
    "cross_spectral_density",
    "dominant_frequencies",
    "efr_peaks",
]


def _data(data: Any, name: str = "data") -> np.ndarray:
    x = data.detach().cpu().numpy() if is_tensor(data) else data
    x = np.asarray(check_array(x, name, ndim=(1, 2), finite=False), dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    bad = ~np.isfinite(x)
    if bad.any():
        cols = np.flatnonzero(bad.any(axis=0))
        raise ValidationError(
            f"{name} has NaN or infinite values in {cols.size} channel(s) (first: "
            f"{cols[:5].tolist()}); drop or interpolate those channels first"
        )
    return x


def cross_spectral_density(
    data: Any,
    sfreq: float,
    nperseg: int = 256,
    noverlap: int | None = None,
    window: str = "hann",
) -> tuple[np.ndarray, np.ndarray]:
    """Welch cross-spectral density of every channel pair.

    Parameters
    ----------
    data : array-like of shape (n_times, n_channels)
        Continuous signals.
    sfreq : float
        Sampling frequency in Hz.
    nperseg : int
        Segment length in samples (at most n_times).
    noverlap : int | None
        Overlap in samples (default ``nperseg // 2``).
    window : str
        Window name for :func:`scipy.signal.get_window`.

    Returns
    -------
    freqs : ndarray of shape (n_freqs,)
        In Hz, ``0 .. sfreq / 2``.
    csd : ndarray of complex, shape (n_freqs, n_channels, n_channels)
        ``csd[f, i, j]`` is scipy's ``csd(data[:, i], data[:, j])`` (units^2/Hz).
    """
    x = _data(data)
    sfreq = check_positive(sfreq, "sfreq")
    n = x.shape[0]
    nperseg = check_int(nperseg, "nperseg", low=2, high=n)
    noverlap = nperseg // 2 if noverlap is None else noverlap
    noverlap = check_int(noverlap, "noverlap", low=0, high=nperseg - 1)
    step = nperseg - noverlap
    n_seg = (n - noverlap) // step
    win = signal.get_window(window, nperseg)
    starts = np.arange(n_seg) * step
    seg = x[starts[:, None] + np.arange(nperseg)[None, :]]  # (n_seg, nperseg, n_ch)
    seg = seg - seg.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(seg * win[None, :, None], axis=1)  # (n_seg, n_freq, n_ch)
    csd = np.einsum("sfi,sfj->fij", spec.conj(), spec) / n_seg
    csd /= sfreq * (win * win).sum()
    if nperseg % 2:
        csd[1:] *= 2.0
    else:
        csd[1:-1] *= 2.0
    return np.fft.rfftfreq(nperseg, 1.0 / sfreq), csd


def coherence(
    data: Any,
    sfreq: float,
    nperseg: int = 256,
    noverlap: int | None = None,
    window: str = "hann",
) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude-squared coherence of every channel pair.

    Parameters
    ----------
    data, sfreq, nperseg, noverlap, window
        As :func:`cross_spectral_density`.

    Returns
    -------
    freqs : ndarray of shape (n_freqs,)
    coh : ndarray of shape (n_freqs, n_channels, n_channels)
        In ``[0, 1]``; 1 on the diagonal (0 where a channel has no power).
    """
    freqs, csd = cross_spectral_density(data, sfreq, nperseg, noverlap, window)
    power = np.real(np.einsum("fii->fi", csd))
    den = power[:, :, None] * power[:, None, :]
    coh = np.where(den > 0, np.abs(csd) ** 2 / np.where(den > 0, den, 1.0), 0.0)
    return freqs, np.clip(coh, 0.0, 1.0)


def dominant_frequencies(
    data: Any,
    sfreq: float,
    fmin: float = 0.0,
    fmax: float | None = None,
    nperseg: int = 256,
) -> np.ndarray:
    """Frequency of the largest Welch power of each channel within a band.

    Parameters
    ----------
    data : array-like of shape (n_times, n_channels)
    sfreq : float
        Sampling frequency in Hz.
    fmin, fmax : float
        Band searched, in Hz (default up to Nyquist).
    nperseg : int
        Welch segment length.

    Returns
    -------
    peak_freqs : ndarray of shape (n_channels,)
    """
    x = _data(data)
    sfreq = check_positive(sfreq, "sfreq")
    fmax = sfreq / 2 if fmax is None else fmax
    if not 0 <= fmin < fmax:
        raise ValidationError(f"need 0 <= fmin < fmax, got fmin={fmin}, fmax={fmax}")
    freqs, psd = signal.welch(x, fs=sfreq, nperseg=min(nperseg, x.shape[0]), axis=0)
    band = (freqs >= fmin) & (freqs <= fmax)
    if not band.any():
        raise ValidationError(
            f"no frequency bin between {fmin} and {fmax} Hz at resolution "
            f"{freqs[1] - freqs[0]:.3g} Hz"
        )
    return freqs[band][np.argmax(psd[band], axis=0)]


def coherent_bands(
    freqs: Any, coh: Any, threshold: float = 0.5, min_width: float = 0.0
) -> list[tuple[int, int, float, float, float]]:
    """Contiguous bands where the coherence of a channel pair exceeds a threshold.

    Parameters
    ----------
    freqs : array-like of shape (n_freqs,)
    coh : array-like of shape (n_freqs, n_channels, n_channels)
        From :func:`coherence`.
    threshold : float
        Coherence level in (0, 1).
    min_width : float
        Narrowest band reported, in Hz.

    Returns
    -------
    bands : list of (i, j, f_low, f_high, peak_coherence)
        One entry per band and pair ``i < j``, sorted by peak coherence.
    """
    f = np.asarray(freqs, dtype=float)
    c = np.asarray(coh, dtype=float)
    if c.ndim != 3 or c.shape[0] != f.size or c.shape[1] != c.shape[2]:
        raise ValidationError(
            f"coh must have shape (n_freqs, n_ch, n_ch) with n_freqs={f.size}, got "
            f"{c.shape}"
        )
    if not 0 < threshold < 1:
        raise ValidationError(f"threshold must be in (0, 1), got {threshold}")
    out = []
    iu, ju = np.triu_indices(c.shape[1], 1)
    above = c[:, iu, ju] > threshold  # (n_freqs, n_pairs)
    padded = np.vstack(
        [np.zeros((1, iu.size), bool), above, np.zeros((1, iu.size), bool)]
    )
    edges = np.diff(padded.astype(np.int8), axis=0)
    for p in np.flatnonzero(above.any(axis=0)):
        starts = np.flatnonzero(edges[:, p] == 1)
        stops = np.flatnonzero(edges[:, p] == -1) - 1
        for a, b in zip(starts, stops, strict=True):
            if f[b] - f[a] >= min_width:
                peak = float(c[a : b + 1, iu[p], ju[p]].max())
                out.append((int(iu[p]), int(ju[p]), float(f[a]), float(f[b]), peak))
    return sorted(out, key=lambda t: -t[4])


def efr_peaks(
    data: Any,
    sfreq: float,
    frequencies: Any,
    n_neighbors: int = 10,
    alpha: float = 0.05,
) -> dict[str, np.ndarray]:
    """Detect envelope-following responses at known frequencies (spectral F-test).

    Parameters
    ----------
    data : array-like of shape (n_times, n_channels)
        The averaged response (e.g. the mean over sweeps); its full length gives
        the frequency resolution ``sfreq / n_times``.
    sfreq : float
        Sampling frequency in Hz.
    frequencies : array-like of shape (n_targets,)
        Modulation frequencies (and harmonics) to test, in Hz.
    n_neighbors : int
        ``K`` bins on each side of the target bin form the noise estimate (the
        two adjacent bins are skipped against spectral leakage).
    alpha : float
        Level of the per-test decision.

    Returns
    -------
    result : dict
        ``"freqs"`` (n_targets,) the bin frequencies used; ``"amplitude"``,
        ``"snr"`` (amplitude over the neighbours' RMS amplitude), ``"f"``, ``"p"``
        and ``"detected"`` of shape (n_targets, n_channels).
    """
    x = _data(data)
    sfreq = check_positive(sfreq, "sfreq")
    k = check_int(n_neighbors, "n_neighbors", low=1)
    targets = np.atleast_1d(np.asarray(frequencies, dtype=float))
    n = x.shape[0]
    spec = np.fft.rfft(x - x.mean(axis=0), axis=0)
    power = np.abs(spec) ** 2
    res = sfreq / n
    bins = np.round(targets / res).astype(int)
    lo, hi = bins - k - 1, bins + k + 1
    if np.any(lo < 1) or np.any(hi >= power.shape[0]):
        raise ValidationError(
            f"the frequencies {targets.tolist()} Hz need {k} neighbour bins of "
            f"{res:.3g} Hz on each side within (0, {sfreq / 2}) Hz; lower "
            "n_neighbors or use a longer recording"
        )
    offsets = np.r_[np.arange(-k - 1, -1), np.arange(2, k + 2)]
    noise = power[bins[:, None] + offsets[None, :]].mean(axis=1)  # (n_targets, n_ch)
    sig = power[bins]
    f_stat = np.where(noise > 0, sig / np.where(noise > 0, noise, 1.0), np.inf)
    p = stats.f.sf(f_stat, 2, 4 * k)
    amp = 2.0 * np.abs(spec[bins]) / n
    return {
        "freqs": bins * res,
        "amplitude": amp,
        "snr": np.sqrt(f_stat),
        "f": f_stat,
        "p": p,
        "detected": p < alpha,
    }
