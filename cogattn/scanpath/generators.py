r"""Scanpath generators: bottom-up saliency, winner-take-all, inhibition of return.

**Spectral residual saliency** (Hou & Zhang 2007): on a grey image downscaled to
``width`` pixels, the log amplitude spectrum minus its 3 x 3 local mean (the "spectral
residual") is recombined with the phase; the squared inverse transform, blurred by a
Gaussian, is the saliency map, upscaled to the image and rescaled to [0, 1].

**Winner-take-all with inhibition of return** (Itti & Koch 2000). On a priority grid
(the map at most ``grid`` cells on its long side), fixation ``t + 1`` is the maximum of

.. math::

    P_{t+1}(p) = S(p)\, \prod_{k \le t} \bigl(1 - \rho\, G_{\sigma_I}(p - f_k)\bigr)\,
    \exp\!\Bigl(-\frac{\lVert p - f_t \rVert^2}{2 \sigma_P^2}\Bigr)\, (1 + \nu\,
    \epsilon_t(p))

with ``S`` the saliency map, ``G`` a unit-peak Gaussian of width ``ior_sigma_deg``
(inhibition of return of strength ``rho``), a proximity preference of width
``proximity_sigma_deg`` (short saccades are more common) and uniform noise
:math:`\epsilon_t \in [0, 1)` of amplitude ``noise`` that makes observers differ.
The first fixation is at the screen centre. The chosen cell is mapped back to a pixel
uniformly inside it. Fixation durations are drawn from a gamma distribution
(``duration_shape``, ``duration_scale_s``; mean 0.24 s by default, the typical
free-viewing fixation).

**Baselines**: uniformly random fixations, and fixations drawn from a Gaussian centre
bias (standard deviation ``sigma_frac`` of the screen size), both with the same
duration distribution.

:func:`human_likeness` compares the saccade-amplitude and fixation-duration
distributions of generated and real scanpaths (two-sample Kolmogorov-Smirnov statistic
and Wasserstein distance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int, check_positive
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath

__all__ = [
    "SaliencyScanpathGenerator",
    "centre_bias_scanpaths",
    "human_likeness",
    "random_scanpaths",
    "spectral_residual_saliency",
]


def _grey(image: Any) -> np.ndarray:
    img = check_array(image, "image", ndim=(2, 3))
    img = np.asarray(img, dtype=np.float64)
    if img.ndim == 3:
        if img.shape[2] not in (1, 3, 4):
            raise ValidationError(
                f"image must be (H, W), (H, W, 3) or (H, W, 4), got shape {img.shape}"
            )
        img = img[..., :3].mean(axis=2)
    if min(img.shape) < 8:
        raise ValidationError(f"image must be at least 8 x 8 pixels, got {img.shape}")
    return img


def _resize(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    from scipy.ndimage import zoom

    return zoom(img, (shape[0] / img.shape[0], shape[1] / img.shape[1]), order=1)


def spectral_residual_saliency(
    image: Any, *, width: int = 64, sigma: float = 2.5
) -> np.ndarray:
    """Spectral-residual saliency map of an image (Hou & Zhang 2007).

    Parameters
    ----------
    image : array-like of shape (H, W) or (H, W, 3)
        Image (any range; colour is averaged to grey).
    width : int
        Width of the downscaled image the spectrum is taken on.
    sigma : float
        Gaussian blur of the map at that scale, in pixels.

    Returns
    -------
    saliency : numpy.ndarray of shape (H, W)
        In [0, 1].
    """
    from scipy.ndimage import gaussian_filter, uniform_filter

    grey = _grey(image)
    width = check_int(width, "width", low=8)
    sigma = check_positive(sigma, "sigma")
    h = max(8, round(grey.shape[0] * width / grey.shape[1]))
    small = _resize(grey, (h, width))
    spec = np.fft.fft2(small)
    log_amp = np.log(np.abs(spec) + 1e-12)
    residual = log_amp - uniform_filter(log_amp, size=3, mode="nearest")
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spec)))) ** 2
    sal = gaussian_filter(sal, sigma)
    sal = _resize(sal, grey.shape)
    lo, hi = sal.min(), sal.max()
    return (sal - lo) / (hi - lo) if hi > lo else np.zeros_like(sal)


def _durations(rng: np.random.Generator, n: int, shape: float, scale: float) -> Any:
    return rng.gamma(shape, scale, size=n)


@dataclass
class SaliencyScanpathGenerator:
    """Winner-take-all over a saliency map with inhibition of return.

    Parameters
    ----------
    n_fixations : int
        Fixations per scanpath, the central first one included.
    ior_sigma_deg : float
        Width of the inhibition of return (degrees).
    ior_strength : float
        Fraction of priority removed at a fixated location, in (0, 1].
    proximity_sigma_deg : float | None
        Width of the preference for short saccades (degrees); ``None``: none.
    noise : float
        Amplitude of the multiplicative uniform noise on the priority map.
    duration_shape, duration_scale_s : float
        Gamma distribution of fixation durations (shape, scale in seconds).
    grid : int
        Cells of the priority grid along the screen's long side.
    """

    n_fixations: int = 10
    ior_sigma_deg: float = 2.0
    ior_strength: float = 0.9
    proximity_sigma_deg: float | None = 8.0
    noise: float = 0.3
    duration_shape: float = 4.0
    duration_scale_s: float = 0.06
    grid: int = 128

    def _check(self) -> None:
        check_int(self.n_fixations, "n_fixations", low=1)
        check_positive(self.ior_sigma_deg, "ior_sigma_deg")
        s = check_positive(self.ior_strength, "ior_strength")
        if s > 1:
            raise ValidationError(f"ior_strength must be in (0, 1], got {s}")
        if self.proximity_sigma_deg is not None:
            check_positive(self.proximity_sigma_deg, "proximity_sigma_deg")
        check_positive(self.noise, "noise", strict=False)
        check_positive(self.duration_shape, "duration_shape")
        check_positive(self.duration_scale_s, "duration_scale_s")
        check_int(self.grid, "grid", low=8)

    def generate(
        self,
        saliency: Any,
        screen: ScreenGeometry,
        n_scanpaths: int = 1,
        *,
        random_state: Any = None,
        stimulus: str | None = None,
    ) -> list[Scanpath]:
        """Generate scanpaths over one saliency map.

        Parameters
        ----------
        saliency : array-like of shape (H, W)
            Non-negative map covering the screen (resampled to the priority grid).
        screen : ScreenGeometry
            Screen the scanpaths are on.
        n_scanpaths : int
            Scanpaths to draw (``observer`` labels ``"gen0"``, ``"gen1"``...).
        random_state : int | numpy.random.Generator | None
            Seeds the noise, the positions inside cells and the durations.
        stimulus : str | None
            Stored on the scanpaths.

        Returns
        -------
        scanpaths : list of Scanpath
        """
        self._check()
        sal = check_array(saliency, "saliency", ndim=2, low=0)
        n_scanpaths = check_int(n_scanpaths, "n_scanpaths", low=1)
        rng = check_random_state(random_state)
        w, h = screen.size
        long_side = max(w, h)
        gw = max(2, round(self.grid * w / long_side))
        gh = max(2, round(self.grid * h / long_side))
        prio = _resize(np.asarray(sal, float), (gh, gw))
        prio = np.clip(prio, 0, None) + 1e-12
        cell_w, cell_h = w / gw, h / gh
        cx = (np.arange(gw) + 0.5) * cell_w
        cy = (np.arange(gh) + 0.5) * cell_h
        px_deg = screen.pixels_per_degree
        ior_s = self.ior_sigma_deg * px_deg
        prox_s = (
            None
            if self.proximity_sigma_deg is None
            else self.proximity_sigma_deg * px_deg
        )
        out = []
        for k in range(n_scanpaths):
            xs = [w / 2.0]
            ys = [h / 2.0]
            keep = np.ones((gh, gw))
            for _ in range(self.n_fixations - 1):
                fx, fy = xs[-1], ys[-1]
                gx = np.exp(-((cx - fx) ** 2) / (2 * ior_s**2))
                gy = np.exp(-((cy - fy) ** 2) / (2 * ior_s**2))
                keep *= 1.0 - self.ior_strength * np.outer(gy, gx)
                p = prio * keep
                if prox_s is not None:
                    px = np.exp(-((cx - fx) ** 2) / (2 * prox_s**2))
                    py = np.exp(-((cy - fy) ** 2) / (2 * prox_s**2))
                    p = p * np.outer(py, px)
                if self.noise > 0:
                    p = p * (1.0 + self.noise * rng.random(p.shape))
                r, c = np.unravel_index(int(np.argmax(p)), p.shape)
                xs.append(min((c + rng.random()) * cell_w, np.nextafter(w, 0)))
                ys.append(min((r + rng.random()) * cell_h, np.nextafter(h, 0)))
            dur = _durations(
                rng, self.n_fixations, self.duration_shape, self.duration_scale_s
            )
            out.append(
                Scanpath(
                    np.array(xs),
                    np.array(ys),
                    dur,
                    screen,
                    observer=f"gen{k}",
                    stimulus=stimulus,
                )
            )
        return out


def random_scanpaths(
    screen: ScreenGeometry,
    n_scanpaths: int,
    n_fixations: int = 10,
    *,
    duration_shape: float = 4.0,
    duration_scale_s: float = 0.06,
    random_state: Any = None,
) -> list[Scanpath]:
    """Baseline: fixations uniform on the screen.

    Parameters
    ----------
    screen : ScreenGeometry
        Screen.
    n_scanpaths, n_fixations : int
        How many scanpaths, of how many fixations.
    duration_shape, duration_scale_s : float
        Gamma distribution of durations, as :class:`SaliencyScanpathGenerator`.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    scanpaths : list of Scanpath
    """
    rng = check_random_state(random_state)
    n_scanpaths = check_int(n_scanpaths, "n_scanpaths", low=1)
    n_fixations = check_int(n_fixations, "n_fixations", low=1)
    w, h = screen.size
    return [
        Scanpath(
            rng.uniform(0, w, n_fixations).clip(0, np.nextafter(w, 0)),
            rng.uniform(0, h, n_fixations).clip(0, np.nextafter(h, 0)),
            _durations(rng, n_fixations, duration_shape, duration_scale_s),
            screen,
            observer=f"random{k}",
        )
        for k in range(n_scanpaths)
    ]


def centre_bias_scanpaths(
    screen: ScreenGeometry,
    n_scanpaths: int,
    n_fixations: int = 10,
    *,
    sigma_frac: float = 0.2,
    duration_shape: float = 4.0,
    duration_scale_s: float = 0.06,
    random_state: Any = None,
) -> list[Scanpath]:
    """Baseline: fixations from a Gaussian centred on the screen (clipped onto it).

    Parameters
    ----------
    screen : ScreenGeometry
        Screen.
    n_scanpaths, n_fixations : int
        How many scanpaths, of how many fixations.
    sigma_frac : float
        Standard deviation as a fraction of the screen width and height.
    duration_shape, duration_scale_s : float
        Gamma distribution of durations.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    scanpaths : list of Scanpath
    """
    rng = check_random_state(random_state)
    n_scanpaths = check_int(n_scanpaths, "n_scanpaths", low=1)
    n_fixations = check_int(n_fixations, "n_fixations", low=1)
    sigma_frac = check_positive(sigma_frac, "sigma_frac")
    w, h = screen.size
    out = []
    for k in range(n_scanpaths):
        x = rng.normal(w / 2, sigma_frac * w, n_fixations)
        y = rng.normal(h / 2, sigma_frac * h, n_fixations)
        out.append(
            Scanpath(
                x.clip(0, np.nextafter(w, 0)),
                y.clip(0, np.nextafter(h, 0)),
                _durations(rng, n_fixations, duration_shape, duration_scale_s),
                screen,
                observer=f"centre{k}",
            )
        )
    return out


def human_likeness(
    generated: Sequence[Scanpath], reference: Sequence[Scanpath]
) -> dict[str, float]:
    """Compare saccade amplitudes and fixation durations with real scanpaths.

    Parameters
    ----------
    generated : sequence of Scanpath
        Model scanpaths.
    reference : sequence of Scanpath
        Real (human) scanpaths.

    Returns
    -------
    stats : dict
        ``amplitude_ks``, ``amplitude_wasserstein_deg``, ``duration_ks``,
        ``duration_wasserstein_s`` (0 for identical distributions) and the medians
        ``amplitude_median_deg``, ``amplitude_median_ref_deg``,
        ``duration_median_s``, ``duration_median_ref_s``.
    """
    from scipy.stats import ks_2samp, wasserstein_distance

    def pooled(paths: Sequence[Scanpath], name: str) -> tuple[np.ndarray, np.ndarray]:
        paths = list(paths)
        if not paths:
            raise ValidationError(f"{name} is empty: give at least one Scanpath")
        amp = np.concatenate([p.saccade_amplitudes() for p in paths])
        dur = np.concatenate([p.duration for p in paths])
        if amp.size == 0:
            raise ValidationError(
                f"{name} has no saccades (every scanpath has one fixation)"
            )
        return amp, dur

    ga, gd = pooled(generated, "generated")
    ra, rd = pooled(reference, "reference")
    return {
        "amplitude_ks": float(ks_2samp(ga, ra).statistic),
        "amplitude_wasserstein_deg": float(wasserstein_distance(ga, ra)),
        "duration_ks": float(ks_2samp(gd, rd).statistic),
        "duration_wasserstein_s": float(wasserstein_distance(gd, rd)),
        "amplitude_median_deg": float(np.median(ga)),
        "amplitude_median_ref_deg": float(np.median(ra)),
        "duration_median_s": float(np.median(gd)),
        "duration_median_ref_s": float(np.median(rd)),
    }
