"""Top-down modulation: the target's features as convolution kernels on the scene.

For each chosen layer, the target's feature map (a small ``C x kh x kw`` patch) is
correlated with the search image's (eccentricity-pooled) feature map of the same layer,
as in eccNET (Gupta, Zhang, Wu, Wolfe & Kreiman 2021) and IVSN (Zhang et al. 2018). The
correlation of a whole batch, each trial with its own kernel, is one grouped
convolution (the batch folded into the channel groups). Each layer's response is
min-max normalised, the layers are mixed with weights proportional to their maximal
response (weights summing to 1), smoothed with a Gaussian and upsampled to the image.

The maximal responses of different layers are on different scales (their channel
counts and feature magnitudes differ), so :func:`combine_layers` can first divide each
layer's maximal response by the target's *self-response* at that layer (the kernel
correlated with itself, ``sum k**2``): the weight then measures how well the best
match in the scene compares with the target itself, on a common scale for all layers.
:func:`cosine_correlate` (and ``PooledCorrelation(cosine=True)``) divides instead every
response by the norms of the kernel and of the scene window under it: normalised
cross-correlation in feature space, already on a common [0, 1] scale.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from cogattn._core.errors import ValidationError
from cogattn.search.pooling import EccentricityPooling

__all__ = [
    "PooledCorrelation",
    "combine_layers",
    "correlate",
    "cosine_correlate",
    "gaussian_smooth",
    "minmax_normalise",
    "self_response",
]


def correlate(x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Cross-correlate each map with its own multi-channel kernel ("same" size).

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, h, w)
        Search feature maps.
    kernels : torch.Tensor of shape (n, C, kh, kw) or (1, C, kh, kw)
        Target feature patches (odd ``kh`` and ``kw``); one per map, or one shared.

    Returns
    -------
    response : torch.Tensor of shape (n, h, w)
        ``sum_{c,u,v} x[c, i + u - kh // 2, j + v - kw // 2] * k[c, u, v]`` with zero
        padding outside the map.
    """
    n, c, h, w = x.shape
    if kernels.ndim != 4 or kernels.shape[1] != c:
        raise ValidationError(
            f"kernels must have shape (n, {c}, kh, kw), got {tuple(kernels.shape)}"
        )
    kh, kw = kernels.shape[-2:]
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValidationError(f"kernel sizes must be odd, got {kh} x {kw}")
    pad = (kh // 2, kw // 2)
    if kernels.shape[0] == 1:
        return F.conv2d(x, kernels.to(x.dtype), padding=pad)[:, 0]
    if kernels.shape[0] != n:
        raise ValidationError(
            f"kernels must hold 1 or {n} kernels, got {kernels.shape[0]}"
        )
    out = F.conv2d(
        x.reshape(1, n * c, h, w), kernels.to(x.dtype), padding=pad, groups=n
    )
    return out[0]


def _window_norm(x: torch.Tensor, kh: int, kw: int) -> torch.Tensor:
    """Norm of every ``C x kh x kw`` window of ``x`` (n, C, h, w), zero-padded."""
    energy = x.pow(2).sum(1, keepdim=True)
    ones = torch.ones(1, 1, kh, kw, dtype=x.dtype, device=x.device)
    return F.conv2d(energy, ones, padding=(kh // 2, kw // 2))[:, 0].clamp_min(0).sqrt()


def _kernel_norm(kernels: torch.Tensor) -> torch.Tensor:
    return kernels.flatten(1).norm(dim=1)[:, None, None]


def _cosine(
    num: torch.Tensor, x: torch.Tensor, kernel_norm: torch.Tensor, kh: int, kw: int
) -> torch.Tensor:
    """Correlations ``num`` divided by window and kernel norms; 0 where either is 0."""
    den = _window_norm(x, kh, kw) * kernel_norm
    return torch.where(den > 0, num / den.clamp_min(1e-30), torch.zeros_like(num))


def cosine_correlate(x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of each kernel with every window of its map ("same" size).

    :func:`correlate` divided by the norm of the kernel and of the ``C x kh x kw``
    window of ``x`` under it: normalised cross-correlation in feature space, in
    [-1, 1] ([0, 1] for non-negative features). Windows with no energy give 0.

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, h, w)
        Search feature maps.
    kernels : torch.Tensor of shape (n, C, kh, kw) or (1, C, kh, kw)
        Target feature patches (odd ``kh`` and ``kw``).

    Returns
    -------
    similarity : torch.Tensor of shape (n, h, w)
    """
    kh, kw = kernels.shape[-2:]
    return _cosine(correlate(x, kernels), x, _kernel_norm(kernels.to(x.dtype)), kh, kw)


def minmax_normalise(a: torch.Tensor) -> torch.Tensor:
    """Rescale each map of ``a`` (shape (n, h, w)) to [0, 1]; flat maps become 0."""
    flat = a.reshape(a.shape[0], -1)
    lo = flat.min(1).values[:, None, None]
    hi = flat.max(1).values[:, None, None]
    span = hi - lo
    return torch.where(span > 0, (a - lo) / span.clamp_min(1e-30), torch.zeros_like(a))


def gaussian_smooth(a: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of maps (n, h, w); ``sigma`` in pixels (0: none).

    The border is handled by replicate padding, truncated at 3 sigma.
    """
    if sigma <= 0:
        return a
    radius = max(1, math.ceil(3 * sigma))
    t = torch.arange(-radius, radius + 1, device=a.device, dtype=a.dtype)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = g / g.sum()
    x = F.pad(a[:, None], (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, g.reshape(1, 1, 1, -1))
    x = F.conv2d(x, g.reshape(1, 1, -1, 1))
    return x[:, 0]


def self_response(kernels: torch.Tensor) -> torch.Tensor:
    """Response of each target kernel to itself, ``sum_{c,u,v} k[c, u, v] ** 2``.

    Parameters
    ----------
    kernels : torch.Tensor of shape (n, C, kh, kw)
        Target feature patches.

    Returns
    -------
    energy : torch.Tensor of shape (n,)
    """
    return kernels.pow(2).flatten(1).sum(1)


def combine_layers(
    responses: list[torch.Tensor],
    out_shape: tuple[int, int],
    *,
    smooth_px: float = 0.0,
    self_responses: list[torch.Tensor] | None = None,
) -> torch.Tensor:
    """Mix per-layer responses into one attention map at ``out_shape``.

    Each layer's map is min-max normalised; the layers are weighted by their maximal
    (raw) response, divided by the target's self-response at that layer when
    ``self_responses`` is given, and normalised to sum to 1 per trial; maps are
    resized (bilinear) to the finest layer's grid, mixed, smoothed, and resized to
    ``out_shape``.

    Parameters
    ----------
    responses : list of torch.Tensor of shape (n, h_l, w_l)
        Raw top-down responses of each layer.
    out_shape : tuple of int
        ``(H, W)`` of the output (the image).
    smooth_px : float
        Gaussian sigma in pixels of the finest layer's grid.
    self_responses : list of torch.Tensor of shape (n,) or (1,) | None
        Per layer, the target kernel's self-response (:func:`self_response`); None
        weights the layers by their raw maximal response (eccNET).

    Returns
    -------
    attention : torch.Tensor of shape (n, H, W)
        Values in [0, 1].
    """
    if not responses:
        raise ValidationError("responses must hold at least one layer")
    grid = max((r.shape[-2:] for r in responses), key=lambda s: s[0] * s[1])
    peaks = torch.stack([r.reshape(r.shape[0], -1).max(1).values for r in responses], 1)
    peaks = peaks.clamp_min(0)
    if self_responses is not None:
        if len(self_responses) != len(responses):
            raise ValidationError(
                f"self_responses must hold one tensor per layer ({len(responses)}), "
                f"got {len(self_responses)}"
            )
        ref = torch.stack(
            [s.to(peaks.dtype).expand(peaks.shape[0]) for s in self_responses], 1
        )
        peaks = peaks / ref.clamp_min(1e-30)
    total = peaks.sum(1, keepdim=True)
    uniform = torch.full_like(peaks, 1.0 / peaks.shape[1])
    weights = torch.where(total > 0, peaks / total.clamp_min(1e-30), uniform)
    mixed = 0
    for i, r in enumerate(responses):  # a handful of layers, each batched
        m = minmax_normalise(r)
        if tuple(m.shape[-2:]) != tuple(grid):
            m = F.interpolate(m[:, None], size=tuple(grid), mode="bilinear")[:, 0]
        mixed = mixed + weights[:, i, None, None] * m
    mixed = gaussian_smooth(mixed, smooth_px)
    out = F.interpolate(mixed[:, None], size=tuple(out_shape), mode="bilinear")[:, 0]
    return out


class PooledCorrelation:
    """Correlation of eccentricity-pooled maps with target kernels, at any fixation.

    Pooling averages every channel over the same window, so it commutes with the
    channel sum of the correlation: with ``y_uv = sum_c k[c, u, v] x[c]`` (one map per
    kernel offset), ``correlate(pool(x), k)[i, j] = sum_uv pool(y_uv)[i + u - kh // 2,
    j + v - kw // 2]``. When the kernel has fewer offsets than ``x`` has channels (the
    deep layers: 1 x 1 or 3 x 3 kernels on 96-320 channels) the projected maps are
    pooled instead of the features, which is exact and much cheaper. Large kernels
    (more than ``fft_above`` offsets, e.g. a 25 x 25 target on a stride-8 map) are
    applied by FFT with the kernels' spectra computed once.

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, h, w)
        Search feature maps of one layer.
    kernels : torch.Tensor of shape (n or 1, C, kh, kw)
        Target kernels (odd sizes).
    stride : int
        The layer's stride in image pixels.
    slope : float
        Eccentricity slope of the layer.
    px_per_degree : float
        Image pixels per degree.
    fft_above : int
        Kernel offsets (``kh * kw``) above which the correlation uses FFTs.
    cosine : bool
        Divide the correlation by the norms of the kernel and of the pooled window
        under it (:func:`cosine_correlate` of the pooled maps). The window norms need
        the pooled features themselves, so the features are also pooled when the
        projected maps carry the correlation.
    """

    def __init__(
        self,
        x: torch.Tensor,
        kernels: torch.Tensor,
        stride: int,
        slope: float,
        *,
        px_per_degree: float = 30.0,
        fft_above: int = 25,
        cosine: bool = False,
    ) -> None:
        n, c, h, w = x.shape
        kh, kw = kernels.shape[-2:]
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValidationError(f"kernel sizes must be odd, got {kh} x {kw}")
        self.projected = kh * kw < c
        self.kernels = kernels.to(x.dtype)
        self.cosine = cosine
        self.kernel_norm = _kernel_norm(self.kernels) if cosine else None
        self.feature_pool = None
        if cosine and self.projected:
            self.feature_pool = EccentricityPooling(
                x, stride, slope, px_per_degree=px_per_degree
            )
        if self.projected:
            if kernels.shape[0] == 1:
                y = torch.einsum("nchw,cuv->nuvhw", x, self.kernels[0])
            else:
                y = torch.einsum("nchw,ncuv->nuvhw", x, self.kernels)
            y = y.reshape(n, kh * kw, *x.shape[-2:])
            shift = torch.zeros(1, kh * kw, kh, kw, dtype=x.dtype, device=x.device)
            uv = torch.arange(kh * kw, device=x.device)
            shift[0, uv, uv // kw, uv % kw] = 1.0
            self.shift = shift
            x = y
        self.fft_size = None
        if not self.projected and kh * kw > fft_above:
            self.fft_size = (h + kh - 1, w + kw - 1)
            flipped = self.kernels.flip(-2, -1)
            self.kernel_spectra = torch.fft.rfft2(flipped, s=self.fft_size)
        self.pool = EccentricityPooling(x, stride, slope, px_per_degree=px_per_degree)

    def __call__(self, fixations: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """Responses (m, h, w) of trials ``index`` (m,) at ``fixations`` (m, 2) px."""
        pooled = self.pool(fixations, index)
        out = self._correlation(pooled, index)
        if not self.cosine:
            return out
        feats = (
            pooled if self.feature_pool is None else self.feature_pool(fixations, index)
        )
        kh, kw = self.kernels.shape[-2:]
        knorm = self.kernel_norm
        knorm = knorm if knorm.shape[0] == 1 else knorm[index]
        return _cosine(out, feats, knorm, kh, kw)

    def _correlation(self, pooled: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        if self.projected:
            kh, kw = self.shift.shape[-2:]
            out = F.conv2d(pooled, self.shift, padding=(kh // 2, kw // 2))
            return out[:, 0]
        if self.fft_size is not None:
            spectra = self.kernel_spectra
            spectra = spectra if spectra.shape[0] == 1 else spectra[index]
            prod = (torch.fft.rfft2(pooled, s=self.fft_size) * spectra).sum(1)
            full = torch.fft.irfft2(prod, s=self.fft_size)
            kh, kw = self.kernels.shape[-2:]
            h, w = pooled.shape[-2:]
            return full[:, kh // 2 : kh // 2 + h, kw // 2 : kw // 2 + w]
        k = self.kernels if self.kernels.shape[0] == 1 else self.kernels[index]
        return correlate(pooled, k)
