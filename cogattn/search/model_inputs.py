"""Validation of the inputs shared by every search model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from cogattn._core.errors import ValidationError

__all__ = ["SearchInputs", "check_search_inputs", "resolve_device"]


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


def resolve_device(device: Any) -> torch.device:
    """CUDA when available and ``device`` is None, else ``device`` (default CPU)."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValidationError(
            f"device must be None, 'cpu', 'cuda' or a torch.device, got {device!r}"
        ) from err


def _as_float(x: Any, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x)
    except Exception as err:
        raise ValidationError(f"{name} could not be read as an array: {err}") from None
    if arr.ndim not in ndims:
        raise ValidationError(
            f"{name} must have {' or '.join(map(str, ndims))} dimensions, "
            f"got shape {arr.shape}"
        )
    if arr.dtype.kind != "f":
        raise ValidationError(
            f"{name} must be a float array with values in [0, 1], got dtype {arr.dtype}"
        )
    if arr.size == 0 or not np.isfinite(arr).all():
        raise ValidationError(f"{name} must be non-empty and finite")
    if arr.min() < 0 or arr.max() > 1:
        raise ValidationError(
            f"{name} must hold values in [0, 1], got range "
            f"[{arr.min():.3g}, {arr.max():.3g}]"
        )
    return arr.astype(np.float32, copy=False)


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
        Where the tensors go.

    Returns
    -------
    inputs : SearchInputs
    """
    imgs = _as_float(images, "images", (3, 4))
    if imgs.ndim == 4 and imgs.shape[1] != 3:
        raise ValidationError(
            f"images of 4 dimensions must be (n, 3, H, W), got shape {imgs.shape}"
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
            f"per trial ({n}); got shape {np.shape(target)} for images {imgs.shape}"
        )
    if tgt.shape[-2] > h or tgt.shape[-1] > w:
        raise ValidationError(
            f"target ({tgt.shape[-2]} x {tgt.shape[-1]} px) is larger than the search "
            f"images ({h} x {w} px)"
        )
    masks = np.asarray(
        target_masks.cpu() if isinstance(target_masks, torch.Tensor) else target_masks
    )
    if masks.shape != (n, h, w) or masks.dtype != np.bool_:
        raise ValidationError(
            f"target_masks must be a bool array of shape {(n, h, w)}, got "
            f"{masks.dtype} array of shape {masks.shape}"
        )
    boxes = np.asarray(
        item_boxes.cpu() if isinstance(item_boxes, torch.Tensor) else item_boxes
    )
    if boxes.ndim != 3 or boxes.shape[0] != n or boxes.shape[2] != 4:
        raise ValidationError(
            f"item_boxes must have shape ({n}, set_size, 4), got {boxes.shape}"
        )
    if boxes.dtype.kind not in "iu" or boxes.shape[1] < 1:
        raise ValidationError(
            f"item_boxes must hold integer pixel boxes for at least one item, got "
            f"dtype {boxes.dtype} and shape {boxes.shape}"
        )
    bad = (boxes[..., 2] <= boxes[..., 0]) | (boxes[..., 3] <= boxes[..., 1])
    if bad.any():
        raise ValidationError(
            f"item_boxes must be (row0, col0, row1, col1) with row1 > row0 and "
            f"col1 > col0; {int(bad.sum())} box(es) are empty"
        )
    return SearchInputs(
        images=torch.from_numpy(np.ascontiguousarray(imgs)).to(device),
        targets=torch.from_numpy(np.ascontiguousarray(tgt)).to(device),
        target_masks=torch.from_numpy(masks).to(device),
        item_boxes=torch.from_numpy(boxes.astype(np.int64)).to(device),
    )
