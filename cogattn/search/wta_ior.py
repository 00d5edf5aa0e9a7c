"""Winner-take-all fixation selection with inhibition of return, batched over trials.

Every search model in :mod:`cogattn.search` produces an attention map per trial (it may
depend on the current fixation); this loop turns the maps into scanpaths. All trials
advance in lock-step; finished trials drop out of the batch. Fixations are restricted to
the items of the array (the boxes in ``item_boxes``): the winner is the maximum of the
attention map over the pixels of items not yet fixated, and inhibition of return then
removes that item's box for good, so no item is ever fixated twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar

__all__ = ["AttentionFn", "SearchResult", "item_label_map", "run_search"]

#: ``f(fixations (m, 2) image pixels, index (m,) trial indices) -> (m, H, W) maps``.
AttentionFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class SearchResult:
    """Scanpaths of a batch of search trials.

    Attributes
    ----------
    fixations : numpy.ndarray of shape (n_trials, max_fixations + 1, 2)
        Fixations (row, col) in image pixels; row 0 is the initial central fixation,
        unused rows are -1.
    n_fixations : numpy.ndarray of shape (n_trials,)
        Number of fixations until the target was found, not counting the initial
        central one; trials where it was not found count ``set_size`` fixations.
    found : numpy.ndarray of shape (n_trials,), bool
        Whether the target was fixated within ``max_fixations``.
    fixated_items : numpy.ndarray of shape (n_trials, max_fixations)
        Index of the item fixated at each fixation (-1: none).
    set_size : int
        Number of items per trial.
    """

    fixations: np.ndarray
    n_fixations: np.ndarray
    found: np.ndarray
    fixated_items: np.ndarray
    set_size: int

    def reaction_times(
        self, slope_ms: float = 252.359, intercept_ms: float = 376.271
    ) -> np.ndarray:
        """Reaction times in ms, ``slope_ms * n_fixations + intercept_ms`` (eccNET).

        Returns
        -------
        rt : numpy.ndarray of shape (n_trials,)
        """
        return slope_ms * self.n_fixations.astype(np.float64) + intercept_ms


def item_label_map(item_boxes: torch.Tensor, shape: tuple[int, int]) -> torch.Tensor:
    """Index of the item covering each pixel.

    Parameters
    ----------
    item_boxes : torch.Tensor of shape (n_trials, n_items, 4)
        Boxes (row0, col0, row1, col1) in pixels, end-exclusive.
    shape : tuple of int
        ``(H, W)`` of the images.

    Returns
    -------
    labels : torch.Tensor of shape (n_trials, H, W), int64
        Item index, or -1 for background and for pixels covered by several boxes.
    """
    h, w = shape
    dev = item_boxes.device
    b = item_boxes.to(torch.int64)
    rows = torch.arange(h, device=dev)
    cols = torch.arange(w, device=dev)
    in_r = (rows[None, None] >= b[..., 0, None]) & (rows[None, None] < b[..., 2, None])
    in_c = (cols[None, None] >= b[..., 1, None]) & (cols[None, None] < b[..., 3, None])
    in_r, in_c = in_r.to(torch.float64), in_c.to(torch.float64)
    ids = torch.arange(1, b.shape[1] + 1, device=dev, dtype=torch.float64)
    count = torch.einsum("bnh,bnw->bhw", in_r, in_c)
    label = torch.einsum("bnh,bnw->bhw", in_r * ids[None, :, None], in_c)
    label = torch.where(count == 1, label.round().to(torch.int64) - 1, -1)
    return label


def _target_items(labels: torch.Tensor, target_masks: torch.Tensor, n_items: int):
    """Item holding most of each trial's target mask (-1 when the mask is empty)."""
    n = labels.shape[0]
    lab = labels.reshape(n, -1)
    m = target_masks.reshape(n, -1) & (lab >= 0)
    counts = torch.zeros(n, n_items + 1, device=labels.device, dtype=torch.int64)
    counts.scatter_add_(1, torch.where(m, lab, n_items), m.to(torch.int64))
    counts = counts[:, :n_items]
    best = counts.argmax(1)
    return torch.where(counts.max(1).values > 0, best, -1)


def run_search(
    attention: AttentionFn | torch.Tensor,
    target_masks: torch.Tensor,
    item_boxes: torch.Tensor,
    *,
    max_fixations: int | None = None,
    verbose: bool | str | int | None = None,
) -> SearchResult:
    """Run winner-take-all search with inhibition of return on a batch of trials.

    Parameters
    ----------
    attention : callable or torch.Tensor of shape (n_trials, H, W)
        Either fixed attention maps, or a function of the current fixations (see
        :data:`AttentionFn`) called once per fixation for the still-active trials.
    target_masks : torch.Tensor of shape (n_trials, H, W), bool
        Pixels of the target.
    item_boxes : torch.Tensor of shape (n_trials, set_size, 4)
        Item boxes (row0, col0, row1, col1), end-exclusive, in pixels.
    max_fixations : int | None
        Fixations allowed after the central one; default ``set_size + 1``.
    verbose : bool | str | int | None
        Progress bar over fixations (``False``: silent; ``None``: shown on a
        terminal when the log level allows it); see
        :func:`cogattn._core.progress.progress_bar`.

    Returns
    -------
    result : SearchResult
        The first fixation is at the image centre and is not counted; a fixation on
        the target's item (the box holding its mask) ends the trial.
    """
    n, h, w = target_masks.shape
    set_size = int(item_boxes.shape[1])
    cap = set_size + 1 if max_fixations is None else int(max_fixations)
    dev = target_masks.device
    labels = item_label_map(item_boxes, (h, w))
    target_item = _target_items(labels, target_masks, set_size)
    static = isinstance(attention, torch.Tensor)
    if static and tuple(attention.shape) != (n, h, w):
        raise ValidationError(
            f"attention maps must have shape {(n, h, w)}, got {tuple(attention.shape)}"
        )

    fix = torch.full((n, cap + 1, 2), -1, dtype=torch.int64, device=dev)
    fix[:, 0, 0], fix[:, 0, 1] = h // 2, w // 2
    items = torch.full((n, cap), -1, dtype=torch.int64, device=dev)
    visited = torch.zeros(n, set_size + 1, dtype=torch.bool, device=dev)
    visited[:, set_size] = True  # slot for "no item" (label -1)
    n_fix = torch.zeros(n, dtype=torch.int64, device=dev)
    found = torch.zeros(n, dtype=torch.bool, device=dev)
    active = torch.ones(n, dtype=torch.bool, device=dev)
    flat_labels = labels.reshape(n, -1)
    slot = torch.where(flat_labels >= 0, flat_labels, set_size)

    bar = progress_bar(total=cap, desc="fixations", verbose=verbose, unit="fixation")
    for step in range(cap):  # fixations are sequential; trials are batched
        idx = active.nonzero()[:, 0]
        if idx.numel() == 0:
            break
        bar.update()
        if static:
            att = attention[idx]
        else:
            att = attention(fix[idx, step], idx)
        att = att.reshape(idx.numel(), -1).to(torch.float64)
        allowed = ~torch.gather(visited[idx], 1, slot[idx])
        score = torch.where(allowed, att, -torch.inf)
        best = score.argmax(1)
        has_item = allowed.any(1)
        active[idx[~has_item]] = False  # every item seen: the trial ends
        idx, best = idx[has_item], best[has_item]
        item = flat_labels[idx, best]
        visited[idx, item] = True
        items[idx, step] = item
        fix[idx, step + 1, 0] = best // w
        fix[idx, step + 1, 1] = best % w
        n_fix[idx] = step + 1
        hit = item == target_item[idx]
        found[idx] = hit
        active[idx] = ~hit
    bar.close()
    n_fix = torch.where(found, n_fix, torch.full_like(n_fix, set_size))
    return SearchResult(
        fixations=fix.cpu().numpy(),
        n_fixations=n_fix.cpu().numpy(),
        found=found.cpu().numpy(),
        fixated_items=items.cpu().numpy(),
        set_size=set_size,
    )
