"""Validation of the inputs shared by every search model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, is_tensor

__all__ = ["SearchInputs", "check_search_inputs"]


@dataclass
class SearchInputs:
    """Checked search inputs as tensors on one device.

    Attributes
    ----------
    images : torch.Tensor of shape (n, H, W) or (n, 3, H, W), float32 in [0, 1]
    targets : torch.Tensor of shape (1 or n, th, tw) or (1 or n, 3, th, tw), float32
    target_masks : torch.Tensor of shape (n, H, W), bool
    item_boxes : torch.Tensor of shape (n, set_size, 4), int64
    """

    images: torch.Tensor
    targets: torch.Tensor
    target_masks: torch.Tensor
    item_boxes: torch.Tensor

    @property
    def shape(self) -> tuple[int, int]:
        """``(H, W)`` of the images."""
        return tuple(self.images.shape[-2:])

    @property
    def grey(self) -> torch.Tensor:
        """Images as (n, H, W) luminance."""
        return self.images if self.images.ndim == 3 else self.images.mean(1)

    @property
    def grey_targets(self) -> torch.Tensor:
        """Targets as (1 or n, th, tw) luminance."""
        return self.targets if self.targets.ndim == 3 else self.targets.mean(1)


def _as_float(x: Any, name: str, ndims: tuple[int, ...]) -> Any:
    """Float data in [0, 1]: numpy stays numpy, a tensor stays on its device."""
    return check_array(x, name, ndim=ndims, dtype="float", low=0.0, high=1.0)


def _to(x: Any, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """Move ``x`` (numpy array or tensor) to ``device`` as ``dtype``."""
    if not is_tensor(x):
        x = torch.from_numpy(np.ascontiguousarray(x))
    return x.to(device=device, dtype=dtype)


def check_search_inputs(
    images: Any,
    target: Any,
    target_masks: Any,
    item_boxes: Any,
    device: torch.device,
) -> SearchInputs:
    """Check shapes, dtypes and ranges of search inputs and move them to ``device``.

    Parameters
    ----------
    images : array of shape (n, H, W) or (n, 3, H, W)
        Search images, float in [0, 1].
    target : array of shape (th, tw), (n, th, tw), (3, th, tw) or (n, 3, th, tw)
        The target image (shared, or one per trial), float in [0, 1], no larger
        than the images.
    target_masks : array of shape (n, H, W), bool
        Pixels of the target in each search image.
    item_boxes : array of shape (n, set_size, 4), int
        Item boxes (row0, col0, row1, col1) in pixels, end-exclusive.
    device : torch.device
        Where the tensors go (see :func:`cogattn._core.device.resolve_device`).
        Tensor inputs are checked on their own device and moved once.

    Returns
    -------
    inputs : SearchInputs
    """
    imgs = _as_float(images, "images", (3, 4))
    if imgs.ndim == 4 and imgs.shape[1] != 3:
        raise ValidationError(
            f"images of 4 dimensions must be (n, 3, H, W), got shape "
            f"{tuple(imgs.shape)}"
        )
    n = imgs.shape[0]
    h, w = imgs.shape[-2:]
    tgt = _as_float(target, "target", (2, 3, 4))
    colour = imgs.ndim == 4
    if tgt.ndim == 2 or (tgt.ndim == 3 and colour and tgt.shape[0] == 3):
        tgt = tgt[None]
    if tgt.ndim != imgs.ndim or tgt.shape[0] not in (1, n):
        raise ValidationError(
            f"target must be one image shaped like the images' trailing axes, or one "
            f"per trial ({n}); got shape {np.shape(target)} for images "
            f"{tuple(imgs.shape)}"
        )
    if tgt.shape[-2] > h or tgt.shape[-1] > w:
        raise ValidationError(
            f"target ({tgt.shape[-2]} x {tgt.shape[-1]} px) is larger than the search "
            f"images ({h} x {w} px)"
        )
    masks = check_array(target_masks, "target_masks", shape=(n, h, w), dtype="bool")
    boxes = check_array(
        item_boxes, "item_boxes", shape=(n, None, 4), dtype="integer", min_size=0
    )
    if boxes.shape[1] < 1:
        raise ValidationError(
            f"item_boxes must hold at least one item box per trial, got shape "
            f"{tuple(boxes.shape)}"
        )
    bad = (boxes[..., 2] <= boxes[..., 0]) | (boxes[..., 3] <= boxes[..., 1])
    if bad.any():
        raise ValidationError(
            f"item_boxes must be (row0, col0, row1, col1) with row1 > row0 and "
            f"col1 > col0; {int(bad.sum())} box(es) are empty"
        )
    return SearchInputs(
        images=_to(imgs, device, torch.float32),
        targets=_to(tgt, device, torch.float32),
        target_masks=_to(masks, device, torch.bool),
        item_boxes=_to(boxes, device, torch.int64),
    )
