"""Eccentricity-dependent average pooling of feature maps around a fixation.

Peripheral vision pools features over windows that grow with eccentricity. Following
eccNET (Gupta, Zhang, Wu, Wolfe & Kreiman 2021), the visual field around the current
fixation is split into a fovea (diameter ``fovea_deg``, 4 degrees) and concentric rings
``ring_deg`` (1 degree) wide. Inside the fovea the feature map is left unchanged; in a
ring whose outer radius is ``r_px`` feature pixels, every feature is replaced by the
mean over a square window of

``pool_size = rf_min + round(slope * (2 * r_px - fovea_deg * deg2px))``

feature pixels, where ``deg2px`` is the layer's number of feature pixels per degree
(image pixels per degree divided by the layer's stride). The window of size ``p``
around pixel ``i`` covers ``[i - (p - 1) // 2, i + p // 2]`` and is clipped at the
map's border (the mean is over the pixels inside the map).

All windows come from one integral image (cumulative sums) gathered at per-pixel
corners, so a batch of maps with a different fixation per map is pooled without any
Python loop over rings, pool sizes, trials or channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_positive

__all__ = [
    "ECCNET_SLOPES",
    "EccentricityPooling",
    "eccentricity_pool",
    "feature_coordinates",
    "integral_image",
    "pool_size_map",
]

#: eccNET's eccentricity slopes for the pooling after VGG16 blocks 1-5; the last three
#: (the blocks whose outputs feed the top-down modulation) are reused, in order, for
#: the three chosen layers of any backbone.
ECCNET_SLOPES: tuple[float, ...] = (0.0, 0.0, 0.07, 0.16, 0.32)


def feature_coordinates(fixations: torch.Tensor, stride: int) -> torch.Tensor:
    """Map fixations from image pixels to the coordinates of a feature map.

    Feature pixel ``i`` of a layer with stride ``s`` is centred on image pixel
    ``(i + 0.5) * s - 0.5``.

    Parameters
    ----------
    fixations : torch.Tensor of shape (n, 2)
        Fixations (row, col) in image pixels.
    stride : int
        The layer's stride (image pixels per feature pixel).

    Returns
    -------
    coords : torch.Tensor of shape (n, 2)
        Fixations (row, col) in feature pixels (fractional).
    """
    return (fixations.to(torch.float64) + 0.5) / float(stride) - 0.5


def pool_size_map(
    shape: tuple[int, int],
    fixations: torch.Tensor,
    deg2px: float,
    slope: float,
    *,
    fovea_deg: float = 4.0,
    ring_deg: float = 1.0,
    rf_min: int = 2,
) -> torch.Tensor:
    """Pool size of every feature pixel for a batch of fixations.

    Parameters
    ----------
    shape : tuple of int
        ``(h, w)`` of the feature map.
    fixations : torch.Tensor of shape (n, 2)
        Fixations (row, col) in feature pixels (see :func:`feature_coordinates`).
    deg2px : float
        Feature pixels per degree of visual angle for this layer.
    slope : float
        Growth of the pooling window with eccentricity (eccNET's ``ecc_slope``).
    fovea_deg : float
        Diameter of the fovea in degrees; no pooling inside it.
    ring_deg : float
        Width of the rings in degrees.
    rf_min : int
        Pool size at the fovea's edge (eccNET: 2).

    Returns
    -------
    sizes : torch.Tensor of shape (n, h, w), dtype int64
        1 inside the fovea, the ring's pool size outside.
    """
    h, w = shape
    dev = fixations.device
    rows = torch.arange(h, device=dev, dtype=torch.float64)
    cols = torch.arange(w, device=dev, dtype=torch.float64)
    fix = fixations.to(torch.float64)
    dr = rows[None, :, None] - fix[:, 0, None, None]
    dc = cols[None, None, :] - fix[:, 1, None, None]
    ecc_deg = torch.sqrt(dr * dr + dc * dc) / deg2px
    fovea_radius = fovea_deg / 2.0
    ring = torch.floor((ecc_deg - fovea_radius) / ring_deg)
    outer_px = (fovea_radius + (ring + 1.0) * ring_deg) * deg2px
    sizes = rf_min + torch.round(slope * (2.0 * outer_px - fovea_deg * deg2px))
    sizes = torch.where(ecc_deg < fovea_radius, torch.ones_like(sizes), sizes)
    return sizes.clamp_min(1).to(torch.int64)


def integral_image(x: torch.Tensor) -> torch.Tensor:
    """Zero-padded 2-D cumulative sum over the last two axes.

    Parameters
    ----------
    x : torch.Tensor of shape (..., h, w)

    Returns
    -------
    s : torch.Tensor of shape (..., h + 1, w + 1)
        ``s[..., i, j]`` is the sum of ``x[..., :i, :j]`` (in float64 for float32
        input, so that box sums do not lose precision on large maps).
    """
    acc = torch.float64 if x.dtype in (torch.float32, torch.float16) else x.dtype
    s = x.to(acc).cumsum(-1).cumsum(-2)
    return torch.nn.functional.pad(s, (1, 0, 1, 0))


def _box_mean(integral: torch.Tensor, sizes: torch.Tensor, dtype) -> torch.Tensor:
    """Gather per-pixel box means from an integral image.

    ``integral`` is (n, C, h + 1, w + 1); ``sizes`` is (n, h, w) int64.
    """
    n, c, hp, wp = integral.shape
    h, w = hp - 1, wp - 1
    dev = integral.device
    rows = torch.arange(h, device=dev)[None, :, None]
    cols = torch.arange(w, device=dev)[None, None, :]
    r0 = (rows - (sizes - 1) // 2).clamp(0, h)
    r1 = (rows + sizes // 2 + 1).clamp(0, h)
    c0 = (cols - (sizes - 1) // 2).clamp(0, w)
    c1 = (cols + sizes // 2 + 1).clamp(0, w)
    flat = integral.reshape(n, c, hp * wp)

    def take(r: torch.Tensor, col: torch.Tensor) -> torch.Tensor:
        idx = (r * wp + col).reshape(n, 1, h * w).expand(n, c, h * w)
        return torch.gather(flat, 2, idx)

    total = take(r1, c1) - take(r0, c1) - take(r1, c0) + take(r0, c0)
    count = ((r1 - r0) * (c1 - c0)).reshape(n, 1, h * w).to(total.dtype)
    return (total / count).reshape(n, c, h, w).to(dtype)


def eccentricity_pool(
    x: torch.Tensor,
    fixations: torch.Tensor,
    stride: int,
    slope: float,
    *,
    px_per_degree: float = 30.0,
    fovea_deg: float = 4.0,
    ring_deg: float = 1.0,
    rf_min: int = 2,
) -> torch.Tensor:
    """Pool feature maps with windows that grow with eccentricity from a fixation.

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, h, w)
        Feature maps of one layer (one per trial).
    fixations : torch.Tensor of shape (n, 2)
        Current fixation (row, col) of each trial, in image pixels.
    stride : int
        The layer's stride in image pixels per feature pixel.
    slope : float
        eccNET's eccentricity slope for this layer (>= 0).
    px_per_degree : float
        Image pixels per degree of visual angle (stimuli: 30).
    fovea_deg, ring_deg : float
        Fovea diameter and ring width, in degrees.
    rf_min : int
        Pool size at the fovea's edge.

    Returns
    -------
    pooled : torch.Tensor of shape (n, C, h, w)
        Same dtype and device as ``x``.
    """
    return EccentricityPooling(
        x,
        stride,
        slope,
        px_per_degree=px_per_degree,
        fovea_deg=fovea_deg,
        ring_deg=ring_deg,
        rf_min=rf_min,
    )(fixations)


@dataclass
class _Geometry:
    stride: int
    slope: float
    deg2px: float
    fovea_deg: float
    ring_deg: float
    rf_min: int


class EccentricityPooling:
    """Eccentricity pooling of fixed feature maps at changing fixations.

    The integral image is computed once; each call pools all maps (or a subset of
    trials) at new fixations with four gathers.

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, h, w)
        Feature maps of one layer, one per trial.
    stride : int
        The layer's stride in image pixels per feature pixel.
    slope : float
        eccNET's eccentricity slope for this layer (>= 0).
    px_per_degree : float
        Image pixels per degree of visual angle.
    fovea_deg, ring_deg : float
        Fovea diameter and ring width, in degrees.
    rf_min : int
        Pool size at the fovea's edge.
    """

    def __init__(
        self,
        x: torch.Tensor,
        stride: int,
        slope: float,
        *,
        px_per_degree: float = 30.0,
        fovea_deg: float = 4.0,
        ring_deg: float = 1.0,
        rf_min: int = 2,
    ) -> None:
        if not isinstance(x, torch.Tensor) or x.ndim != 4:
            shape = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
            raise ValidationError(
                f"x must be a torch tensor of shape (n, C, h, w), got {shape}"
            )
        if not torch.is_floating_point(x):
            raise ValidationError(f"x must be a float tensor, got dtype {x.dtype}")
        if not isinstance(stride, (int, np.integer)) or stride < 1:
            raise ValidationError(f"stride must be a positive int, got {stride!r}")
        check_positive(slope, "slope", strict=False)
        check_positive(px_per_degree, "px_per_degree")
        check_positive(fovea_deg, "fovea_deg", strict=False)
        check_positive(ring_deg, "ring_deg")
        if not isinstance(rf_min, (int, np.integer)) or rf_min < 1:
            raise ValidationError(f"rf_min must be a positive int, got {rf_min!r}")
        self.geometry = _Geometry(
            int(stride),
            float(slope),
            float(px_per_degree) / int(stride),
            float(fovea_deg),
            float(ring_deg),
            int(rf_min),
        )
        self.shape = tuple(x.shape[-2:])
        self.dtype = x.dtype
        self.integral = integral_image(x)

    def sizes(self, fixations: torch.Tensor) -> torch.Tensor:
        """Per-pixel pool sizes, shape (n, h, w), for fixations in image pixels."""
        g = self.geometry
        return pool_size_map(
            self.shape,
            feature_coordinates(fixations, g.stride),
            g.deg2px,
            g.slope,
            fovea_deg=g.fovea_deg,
            ring_deg=g.ring_deg,
            rf_min=g.rf_min,
        )

    def __call__(
        self, fixations: torch.Tensor, index: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Pool the maps at ``fixations``.

        Parameters
        ----------
        fixations : torch.Tensor of shape (m, 2)
            Fixations (row, col) in image pixels.
        index : torch.Tensor of shape (m,) | None
            Which trials (rows of ``x``) the fixations belong to; all when None.

        Returns
        -------
        pooled : torch.Tensor of shape (m, C, h, w)
        """
        integral = self.integral if index is None else self.integral[index]
        if fixations.ndim != 2 or fixations.shape != (integral.shape[0], 2):
            raise ValidationError(
                f"fixations must have shape ({integral.shape[0]}, 2), "
                f"got {tuple(fixations.shape)}"
            )
        sizes = self.sizes(fixations.to(integral.device))
        return _box_mean(integral, sizes, self.dtype)
