"""Search displays of the six asymmetry paradigms, rendered as batches of images.

A display is a square field split into a ``grid x grid`` array of cells. ``set_size``
cells are drawn at random; each holds one item, shifted by a random whole number of
pixels inside its cell (the item's drawing, with a blank border, never leaves the
cell), and one of them, at random, holds the target. Rendering is antialiased
(see :mod:`cogattn.search.shape_coverage`) and fully vectorised: every item is pasted
into the batch of images with one block-indexing operation.

Examples
--------
>>> from cogattn.search.displays import make_trials
>>> trials = make_trials("t_vs_l", "easy", set_size=6, n_trials=4, random_state=0)
>>> trials.images.shape
(4, 615, 615)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.search.paradigms import (
    CONDITIONS,
    ORIENTATIONS,
    PARADIGMS,
    get_spec,
    item_set,
    paradigm_info,
)

__all__ = [
    "CONDITIONS",
    "ORIENTATIONS",
    "PARADIGMS",
    "SearchTrials",
    "cell_edges",
    "make_paradigm",
    "make_trials",
    "paradigm_info",
]


@dataclass(frozen=True)
class SearchTrials:
    """A batch of search displays of one paradigm, condition and set size.

    All arrays are numpy; pixel coordinates are ``(row, col)`` with rows downwards.

    Parameters
    ----------
    images : numpy.ndarray of shape (n_trials, H, W), float32
        Displays in ``[0, 1]`` on the paradigm's background
        (``ParadigmSpec.background``); ``H = W = round(field_deg * px_per_degree)``.
    target : numpy.ndarray of shape (h, w), float32
        The target as shown to the observer: one item, upright and centred on the
        background, in a patch the size of one grid cell (``h = w =
        round(H / grid)``). The same for every trial of a condition.
    targets : numpy.ndarray of shape (n_trials, h, w), float32
        The target as drawn in each display (the same patch as ``target``, turned
        like the display's target item): the search cue of eccNET's protocol, where
        the model is shown the very item it looks for. Equal to ``target`` in every
        trial of the paradigms whose items are not turned.
    target_masks : numpy.ndarray of shape (n_trials, H, W), bool
        The grid cell holding the target (the region where a fixation finds it).
    item_boxes : numpy.ndarray of shape (n_trials, set_size, 4), int64
        Grid cell of each item as ``(row0, col0, row1, col1)``, ends exclusive.
    target_index : numpy.ndarray of shape (n_trials,), int64
        Index along ``set_size`` of the target.
    item_centers : numpy.ndarray of shape (n_trials, set_size, 2), float64
        Centre ``(row, col)`` of each item's drawing, in pixels.
    item_kinds : numpy.ndarray of shape (n_trials, set_size), int64
        Index of each item's drawing in ``kind_names``.
    kind_names : tuple of str
        Names of the item drawings of this paradigm (e.g. ``"T90"``).
    paradigm : str
        One of :data:`PARADIGMS`.
    condition : str
        ``"easy"`` or ``"hard"`` (difficulty for humans).
    set_size : int
        Items per display, target included.
    px_per_degree : float
        Pixels per degree of visual angle.
    seed : int
        The integer seed this batch was drawn from: ``random_state=seed`` in
        :func:`make_trials` reproduces it.
    """

    images: np.ndarray
    target: np.ndarray
    targets: np.ndarray
    target_masks: np.ndarray
    item_boxes: np.ndarray
    target_index: np.ndarray
    item_centers: np.ndarray
    item_kinds: np.ndarray
    kind_names: tuple[str, ...]
    paradigm: str
    condition: str
    set_size: int
    px_per_degree: float
    seed: int

    @property
    def n_trials(self) -> int:
        """Number of displays."""
        return int(self.images.shape[0])

    def __repr__(self) -> str:
        h, w = self.images.shape[1:]
        return (
            f"SearchTrials(paradigm={self.paradigm!r}, condition={self.condition!r}, "
            f"set_size={self.set_size}, n_trials={self.n_trials}, image={h}x{w} px, "
            f"px_per_degree={self.px_per_degree:g}, seed={self.seed})"
        )


def cell_edges(field_px: int, grid: int) -> np.ndarray:
    """Pixel boundaries of the grid cells along one side of the field.

    Parameters
    ----------
    field_px : int
        Side of the field in pixels.
    grid : int
        Cells per side.

    Returns
    -------
    edges : numpy.ndarray of shape (grid + 1,), int64
        Cell ``i`` spans pixels ``edges[i]`` to ``edges[i + 1] - 1``.
    """
    return np.round(np.arange(grid + 1) * field_px / grid).astype(np.int64)


def _display_seed(random_state: object) -> int:
    """Return the integer seed of a batch of displays, from ``random_state``.

    An int is used as it is; a generator (or ``None``: fresh OS entropy) draws one,
    so every batch records an int that reproduces it.
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**32, dtype=np.uint64))
    if random_state is None:
        return int(np.random.default_rng().integers(0, 2**32, dtype=np.uint64))
    if not isinstance(random_state, (int, np.integer)) or isinstance(
        random_state, bool
    ):
        raise ValidationError(
            "random_state must be a non-negative int, a numpy.random.Generator or "
            f"None, got {type(random_state).__name__} {random_state!r:.60}"
        )
    return check_int(random_state, "random_state", low=0)


def make_trials(
    paradigm: str,
    condition: str,
    set_size: int,
    n_trials: int,
    random_state: int | np.random.Generator | None = None,
    px_per_degree: float = 30.0,
    orientations: str = "published",
) -> SearchTrials:
    """Render ``n_trials`` search displays of one paradigm and condition.

    Parameters
    ----------
    paradigm : str
        One of :data:`PARADIGMS` (see :mod:`cogattn.search.paradigms` for the
        drawings and the exact polarity of each condition).
    condition : {"easy", "hard"}
        Condition named by its difficulty for humans, e.g. for ``"curvature"``
        ``"easy"`` is a curved target among straight distractors.
    set_size : int
        Items per display, target included; from 1 to ``grid**2`` (any value in that
        range is accepted, not only the published set sizes).
    n_trials : int
        Number of displays (>= 1).
    random_state : int | numpy.random.Generator | None
        A non-negative int: the same arguments always give the same displays. A
        generator (or ``None``, fresh OS entropy) draws the int, which is kept in
        ``trials.seed``.
    px_per_degree : float
        Resolution in pixels per degree of visual angle (30 in the published
        stimuli); must leave room for the items inside the grid cells.
    orientations : {"published", "rotations"}
        The four drawings of each turned item of intersection and T vs L: those of
        the published eccNET stimuli, or the four quarter turns (see
        :mod:`cogattn.search.paradigms`); the other paradigms ignore it.

    Returns
    -------
    trials : SearchTrials
        Images, target image, target masks, item cells and target indices.

    Raises
    ------
    ValidationError
        For an unknown paradigm, condition or orientations, a set size outside
        ``[1, grid**2]``, ``n_trials < 1``, a negative ``random_state``, or a
        resolution too low for the items.
    """
    check_option(paradigm, PARADIGMS, "paradigm")
    check_option(condition, CONDITIONS, "condition")
    spec = get_spec(paradigm)
    n_cells = spec.grid * spec.grid
    set_size = check_int(set_size, "set_size", low=1, high=n_cells)
    n_trials = check_int(n_trials, "n_trials", low=1)
    seed = _display_seed(random_state)
    ppd = check_positive(px_per_degree, "px_per_degree")

    field_px = round(spec.field_deg * ppd)
    edges = cell_edges(field_px, spec.grid)
    cell_sizes = np.diff(edges)
    items = item_set(paradigm, ppd, orientations)
    p = items.size
    if p > cell_sizes.min():
        min_ppd = ppd * (p + 1) / cell_sizes.min()
        raise ValidationError(
            f"px_per_degree={ppd:g} is too low for paradigm {paradigm!r}: items need "
            f"{p} px but grid cells are {cell_sizes.min()} px; use px_per_degree >= "
            f"{min_ppd:.3g}"
        )

    rng = np.random.default_rng(seed)
    # the layout is drawn first, from the seed alone: both conditions of a seed share
    # cells, jitter and target position (and the drawing variant of each item where
    # the two conditions have as many variants), so they differ only in the items
    # random cells without replacement: the set_size smallest of n_cells keys
    cells = np.argsort(rng.random((n_trials, n_cells)), axis=1)[:, :set_size]
    target_index = rng.integers(0, set_size, size=n_trials)
    cell_row, cell_col = np.divmod(cells, spec.grid)
    row0, col0 = edges[cell_row], edges[cell_col]
    row1, col1 = edges[cell_row + 1], edges[cell_col + 1]
    # whole-pixel jitter, uniform over the positions that keep the patch in the cell
    org_r = row0 + rng.integers(0, row1 - row0 - p + 1)
    org_c = col0 + rng.integers(0, col1 - col0 - p + 1)

    target_kinds, target_image_kind, distractor_kinds = items.roles[condition]
    is_target = np.arange(set_size)[None, :] == target_index[:, None]
    kinds = np.where(
        is_target,
        np.asarray(target_kinds)[rng.integers(0, len(target_kinds), (n_trials, 1))],
        np.asarray(distractor_kinds)[
            rng.integers(0, len(distractor_kinds), (n_trials, set_size))
        ],
    ).astype(np.int64)

    images = np.full((n_trials, field_px, field_px), spec.background, np.float32)
    # a writable view of every p x p window: one block copy per item, no overlap
    # since every patch lies inside its own cell
    windows = sliding_window_view(images, (p, p), axis=(1, 2), writeable=True)
    windows[np.arange(n_trials)[:, None], org_r, org_c] = items.patches[kinds]

    item_boxes = np.stack([row0, col0, row1, col1], axis=-1).astype(np.int64)
    tb = item_boxes[np.arange(n_trials), target_index]
    rr = np.arange(field_px)
    in_rows = (rr[None, :] >= tb[:, 0:1]) & (rr[None, :] < tb[:, 2:3])
    in_cols = (rr[None, :] >= tb[:, 1:2]) & (rr[None, :] < tb[:, 3:4])
    target_masks = in_rows[:, :, None] & in_cols[:, None, :]

    half = (p - 1) / 2
    item_centers = np.stack([org_r + half, org_c + half], axis=-1).astype(np.float64)

    cell_px = round(field_px / spec.grid)
    target = np.full((cell_px, cell_px), spec.background, dtype=np.float32)
    o = (cell_px - p) // 2
    target[o : o + p, o : o + p] = items.patches[target_image_kind]
    targets = np.repeat(target[None], n_trials, axis=0)
    targets[:, o : o + p, o : o + p] = items.patches[
        kinds[np.arange(n_trials), target_index]
    ]

    return SearchTrials(
        images=images,
        target=target,
        targets=targets,
        target_masks=target_masks,
        item_boxes=item_boxes,
        target_index=target_index.astype(np.int64),
        item_centers=item_centers,
        item_kinds=kinds,
        kind_names=items.kinds,
        paradigm=paradigm,
        condition=condition,
        set_size=set_size,
        px_per_degree=ppd,
        seed=seed,
    )


def make_paradigm(
    paradigm: str,
    n_trials_per_cell: int,
    random_state: int | np.random.Generator | None = None,
    px_per_degree: float = 30.0,
    orientations: str = "published",
) -> Iterator[SearchTrials]:
    """Yield the displays of every (condition, set size) cell of a paradigm.

    Parameters
    ----------
    paradigm : str
        One of :data:`PARADIGMS`.
    n_trials_per_cell : int
        Displays per condition and set size (30-36 in the published experiments).
    random_state : int | numpy.random.Generator | None
        Root seed: a non-negative int, or a generator (``None``: fresh OS entropy)
        that draws one. Each set size gets its own seed, derived with
        :class:`numpy.random.SeedSequence` and stored in ``trials.seed``. The easy
        and hard cells of a set size share it, hence their layouts: trial ``i`` of
        the two conditions differs only in its items (common random numbers, which
        take the layouts' variance out of the difference between conditions).
    px_per_degree : float
        Resolution in pixels per degree of visual angle.
    orientations : {"published", "rotations"}
        Drawings of the turned items (see :func:`make_trials`).

    Returns
    -------
    cells : iterator of SearchTrials
        One batch per cell, conditions in the order ``("easy", "hard")`` and set sizes
        increasing within each condition; each batch is rendered when reached.
    """
    spec = get_spec(paradigm)
    n_trials_per_cell = check_int(n_trials_per_cell, "n_trials_per_cell", low=1)
    seed = _display_seed(random_state)
    check_positive(px_per_degree, "px_per_degree")
    check_option(orientations, ORIENTATIONS, "orientations")
    children = np.random.SeedSequence(seed).spawn(len(spec.set_sizes))
    seeds = {
        size: int(child.generate_state(1, dtype=np.uint32)[0])
        for size, child in zip(spec.set_sizes, children, strict=True)
    }
    # arguments are checked above, eagerly; displays are rendered one cell at a time
    return (
        make_trials(
            paradigm,
            cond,
            size,
            n_trials_per_cell,
            seeds[size],
            px_per_degree,
            orientations,
        )
        for cond in CONDITIONS
        for size in spec.set_sizes
    )
