"""Attention maps of the baseline searchers: template matching and saliency.

Both are batched over images in torch (CUDA when the tensors live there) and use FFTs,
so their cost does not grow with the template's area.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from cogattn._core.errors import ValidationError
from cogattn.search.pooling import integral_image
from cogattn.search.topdown import gaussian_smooth

__all__ = ["normalized_cross_correlation", "spectral_residual_saliency"]


def _box_sums(x: torch.Tensor, th: int, tw: int) -> torch.Tensor:
    """Sum over every ``th x tw`` window (valid positions) of maps (n, H, W)."""
    s = integral_image(x)
    return s[:, th:, tw:] - s[:, :-th, tw:] - s[:, th:, :-tw] + s[:, :-th, :-tw]


def normalized_cross_correlation(
    images: torch.Tensor, template: torch.Tensor, *, pad_input: bool = True
) -> torch.Tensor:
    """Normalised cross-correlation of a template with every window of each image.

    ``ncc(i, j) = sum (I_w - mean I_w) (T - mean T) / (||I_w - mean I_w|| ||T - mean
    T||)`` over the window ``I_w`` with top-left corner ``(i, j)`` (Lewis 1995, "Fast
    normalized cross-correlation"); the numerator is one FFT correlation, the window
    norms come from integral images. Windows or templates without contrast give 0.
    Matches :func:`skimage.feature.match_template` on valid windows.

    Parameters
    ----------
    images : torch.Tensor of shape (n, H, W)
        Grey images.
    template : torch.Tensor of shape (th, tw) or (n, th, tw)
        The template (shared, or one per image), no larger than the images.
    pad_input : bool
        If True, return maps of shape (n, H, W) whose pixel ``(r, c)`` holds the
        score of the window centred there (``-1`` where the window would leave the
        image); if False, the valid maps (n, H - th + 1, W - tw + 1).

    Returns
    -------
    ncc : torch.Tensor
        Scores in [-1, 1], float64.
    """
    x = images.to(torch.float64)
    t = template.to(torch.float64)
    if t.ndim == 2:
        t = t[None]
    n, h, w = x.shape
    th, tw = t.shape[-2:]
    if th > h or tw > w:
        raise ValidationError(
            f"template ({th} x {tw} px) is larger than the images ({h} x {w} px)"
        )
    t0 = t - t.mean((-2, -1), keepdim=True)
    t_norm = torch.sqrt((t0 * t0).sum((-2, -1)))[:, None, None]
    size = (h + th - 1, w + tw - 1)
    spec = torch.fft.rfft2(x, s=size) * torch.conj(torch.fft.rfft2(t0, s=size))
    num = torch.fft.irfft2(spec, s=size)[:, : h - th + 1, : w - tw + 1]
    sums = _box_sums(x, th, tw)
    sq = _box_sums(x * x, th, tw)
    var = (sq - sums * sums / (th * tw)).clamp_min(0)
    den = torch.sqrt(var) * t_norm
    ok = den > 1e-9 * max(1.0, float(t_norm.max()))
    ncc = torch.where(ok, num / den.clamp_min(1e-300), torch.zeros_like(num))
    ncc = ncc.clamp(-1, 1)
    if not pad_input:
        return ncc
    out = torch.full((n, h, w), -1.0, dtype=ncc.dtype, device=ncc.device)
    r0, c0 = th // 2, tw // 2
    out[:, r0 : r0 + ncc.shape[1], c0 : c0 + ncc.shape[2]] = ncc
    return out


def spectral_residual_saliency(
    images: torch.Tensor, *, width: int = 64, sigma: float = 2.5
) -> torch.Tensor:
    """Bottom-up saliency by the spectral residual (Hou & Zhang, CVPR 2007).

    Each image is resized to ``width`` pixels across (aspect kept); with ``A`` the
    log amplitude and ``P`` the phase of its Fourier transform, the spectral residual
    is ``A - h3 * A`` (``h3``: 3 x 3 mean filter); the saliency map is
    ``|F^-1[exp(residual + i P)]|^2`` smoothed by a Gaussian (``sigma`` pixels at the
    reduced size), resized back and scaled to [0, 1]. The amplitude is floored at
    1e-6 of its maximum before the logarithm: synthetic displays have exact zeros in
    their spectra, whose logarithms would otherwise dominate the residual.

    Parameters
    ----------
    images : torch.Tensor of shape (n, H, W)
        Grey images.
    width : int
        Width of the reduced image (the original method: 64).
    sigma : float
        Gaussian sigma at the reduced size, in pixels.

    Returns
    -------
    saliency : torch.Tensor of shape (n, H, W)
        Values in [0, 1].
    """
    n, h, w = images.shape
    small_h = max(8, round(h * width / w))
    x = F.interpolate(
        images[:, None].to(torch.float64),
        size=(small_h, width),
        mode="bilinear",
        antialias=True,
    )[:, 0]
    spec = torch.fft.fft2(x)
    amp = spec.abs()
    log_amp = torch.log(amp + 1e-6 * amp.amax((-2, -1), keepdim=True))
    phase = torch.angle(spec)
    padded = F.pad(log_amp[:, None], (1, 1, 1, 1), mode="circular")
    mean3 = F.avg_pool2d(padded, 3, stride=1)[:, 0]
    residual = log_amp - mean3
    sal = torch.fft.ifft2(torch.exp(torch.complex(residual, phase))).abs() ** 2
    sal = gaussian_smooth(sal, sigma)
    sal = F.interpolate(sal[:, None], size=(h, w), mode="bilinear")[:, 0]
    flat = sal.reshape(n, -1)
    lo = flat.min(1).values[:, None, None]
    hi = flat.max(1).values[:, None, None]
    return (sal - lo) / (hi - lo).clamp_min(1e-30)
