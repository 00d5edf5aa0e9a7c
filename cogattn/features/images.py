"""Checking and converting image batches for the vision backbones.

Images are floats in [0, 1], given as a numpy array or a torch tensor of shape
(B, 3, H, W), (B, H, W, 3) or, for grayscale, (B, H, W), (B, 1, H, W) or (B, H, W, 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int, is_tensor

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "as_image_batch", "resize_center_crop"]

#: Per-channel mean (R, G, B) of ImageNet images in [0, 1], as torchvision uses it.
IMAGENET_MEAN: tuple[float, float, float] = (0.485, 0.456, 0.406)
#: Per-channel standard deviation (R, G, B) of ImageNet images in [0, 1].
IMAGENET_STD: tuple[float, float, float] = (0.229, 0.224, 0.225)

_RANGE_TOL = 1e-6
_SHAPES = "(B, 3, H, W), (B, H, W, 3) or grayscale (B, H, W)"


def _to_tensor(images: Any, name: str) -> torch.Tensor:
    """Float data as a tensor: a tensor stays on its device, numpy is wrapped."""
    x = check_array(images, name, dtype="float", finite=False, min_size=0)
    if is_tensor(x):
        return x
    if x.dtype not in (np.float16, np.float32, np.float64):
        x = x.astype(np.float64)
    return torch.from_numpy(np.ascontiguousarray(x))


def as_image_batch(
    images: Any,
    *,
    name: str = "images",
    device: str | torch.device = "cpu",
    min_size: int = 1,
) -> torch.Tensor:
    """Validate an image batch and return it as float32 (B, 3, H, W) on ``device``.

    Parameters
    ----------
    images : numpy.ndarray | torch.Tensor
        Float images with values in [0, 1], of shape (B, 3, H, W), (B, H, W, 3),
        (B, 1, H, W), (B, H, W, 1) or (B, H, W); grayscale is copied to 3 channels.
        An axis of size 3 in position 1 is read as channels first.
    name : str
        Name of the argument, for messages.
    device : str | torch.device
        Where the result lives.
    min_size : int
        Smallest allowed height and width in pixels.

    Returns
    -------
    batch : torch.Tensor of shape (B, 3, H, W), float32
        Values in [0, 1], not normalised.

    Raises
    ------
    ValidationError
        On a wrong dtype, shape, non-finite values or values outside [0, 1].
    """
    x = _to_tensor(images, name)
    shape = tuple(x.shape)
    if x.ndim == 3:
        if shape[-1] == 3:
            raise ValidationError(
                f"{name} of shape {shape} looks like one RGB image (H, W, 3); add a "
                f"batch axis (images[None]); allowed shapes are {_SHAPES}"
            )
        x = x[:, None]
    elif x.ndim == 4:
        if shape[1] not in (1, 3):
            if shape[-1] in (1, 3):
                x = x.permute(0, 3, 1, 2)
            else:
                raise ValidationError(
                    f"{name} must have 1 or 3 channels on axis 1 or axis 3, got shape "
                    f"{shape}; allowed shapes are {_SHAPES}"
                )
    else:
        raise ValidationError(
            f"{name} must have 3 or 4 dimensions, {_SHAPES}, got shape {shape}"
        )
    b, _, h, w = x.shape
    if b < 1:
        raise ValidationError(f"{name} must hold at least one image, got shape {shape}")
    if h < min_size or w < min_size:
        raise ValidationError(
            f"{name} must be at least {min_size}×{min_size} pixels for this network "
            f"and layer, got {h}×{w} (shape {shape})"
        )
    x = x.to(device=device, dtype=torch.float32)
    lo_t, hi_t = torch.aminmax(x)  # one pass; NaN propagates into both
    lo, hi = float(lo_t), float(hi_t)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValidationError(f"{name} contains NaN or infinite values")
    if lo < -_RANGE_TOL or hi > 1 + _RANGE_TOL:
        hint = "; divide by 255" if hi > 1 and hi <= 255 and lo >= 0 else ""
        raise ValidationError(
            f"{name} must have values in [0, 1], got values in [{lo:.4g}, {hi:.4g}]"
            f"{hint}"
        )
    if lo < 0 or hi > 1:
        x = x.clamp(0.0, 1.0)
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    return x.contiguous()


def resize_center_crop(
    images: Any,
    size: int = 224,
    resize: int = 256,
    *,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """Resize the shorter side to ``resize`` pixels and crop the central square.

    This is the standard ImageNet evaluation transform (resize to 256, centre crop
    224), with bilinear interpolation and antialiasing
    (:func:`torch.nn.functional.interpolate` with ``antialias=True``).

    Parameters
    ----------
    images : numpy.ndarray | torch.Tensor
        Float images in [0, 1], in any layout :func:`as_image_batch` accepts.
    size : int
        Side of the square crop, in pixels.
    resize : int
        Length of the shorter side after resizing, in pixels (>= ``size``).
    device : str | torch.device
        Where the result lives.

    Returns
    -------
    batch : torch.Tensor of shape (B, 3, size, size), float32
        Values in [0, 1].
    """
    size = check_int(size, "size", low=1)
    resize = check_int(resize, "resize", low=size)
    x = as_image_batch(images, device=device)
    h, w = x.shape[-2:]
    # torchvision's Resize(int): the long side is truncated, not rounded
    if h <= w:
        new_h, new_w = resize, int(resize * w / h)
    else:
        new_h, new_w = int(resize * h / w), resize
    x = F.interpolate(
        x, size=(new_h, new_w), mode="bilinear", align_corners=False, antialias=True
    )
    top = round((new_h - size) / 2.0)
    left = round((new_w - size) / 2.0)
    return x[..., top : top + size, left : left + size].clamp(0.0, 1.0).contiguous()
