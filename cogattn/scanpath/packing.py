"""Scanpaths packed into flat arrays for the batched numba metrics.

``pack_scanpaths`` concatenates the fixations of many scanpaths into ``x, y, duration``
arrays with ``offsets`` (scanpath ``k`` holds rows ``offsets[k]:offsets[k + 1]``), the
layout every pairwise kernel reads. Pairs are given as two index arrays into that pool,
so an all-pairs comparison never copies a scanpath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath, check_same_screen

__all__ = ["PackedScanpaths", "as_pairs", "pack_scanpaths"]


@dataclass(frozen=True)
class PackedScanpaths:
    """Fixations of many scanpaths in flat arrays.

    Attributes
    ----------
    x, y, duration : numpy.ndarray of shape (n_fixations_total,)
        Pixels, pixels, seconds.
    offsets : numpy.ndarray of shape (n_scanpaths + 1,), int64
    lengths : numpy.ndarray of shape (n_scanpaths,), int64
    screen : ScreenGeometry
    """

    x: np.ndarray
    y: np.ndarray
    duration: np.ndarray
    offsets: np.ndarray
    lengths: np.ndarray
    screen: ScreenGeometry

    def __len__(self) -> int:
        return int(self.lengths.shape[0])


def pack_scanpaths(
    scanpaths: Sequence[Scanpath], name: str = "scanpaths"
) -> PackedScanpaths:
    """Concatenate scanpaths recorded on one screen.

    Parameters
    ----------
    scanpaths : sequence of Scanpath
        At least one; all on screens of the same size.
    name : str
        What the sequence is, for messages.

    Returns
    -------
    packed : PackedScanpaths
    """
    if isinstance(scanpaths, Scanpath):
        scanpaths = [scanpaths]
    scanpaths = list(scanpaths)
    screen = check_same_screen(scanpaths, name)
    lengths = np.array([len(s) for s in scanpaths], dtype=np.int64)
    offsets = np.zeros(len(scanpaths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return PackedScanpaths(
        x=np.concatenate([s.x for s in scanpaths]),
        y=np.concatenate([s.y for s in scanpaths]),
        duration=np.concatenate([s.duration for s in scanpaths]),
        offsets=offsets,
        lengths=lengths,
        screen=screen,
    )


def as_pairs(a: Any, b: Any) -> tuple[PackedScanpaths, np.ndarray, np.ndarray, bool]:
    """Pool two scanpaths, or two equal-length sequences of them, for pairwise kernels.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Pair ``k`` compares ``a[k]`` with ``b[k]``.

    Returns
    -------
    pool : PackedScanpaths
    ia, ib : numpy.ndarray of shape (n_pairs,), int64
        Indices of the two members of each pair in the pool.
    single : bool
        Whether ``a`` and ``b`` were single scanpaths.
    """
    single = isinstance(a, Scanpath) and isinstance(b, Scanpath)
    if isinstance(a, Scanpath):
        a = [a]
    if isinstance(b, Scanpath):
        b = [b]
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValidationError(
            f"a and b must hold as many scanpaths (one pair each), got {len(a)} and "
            f"{len(b)}"
        )
    if not a:
        raise ValidationError("no pairs to compare: a and b are empty")
    pool = pack_scanpaths(a + b, "a + b")
    n = len(a)
    return (
        pool,
        np.arange(n, dtype=np.int64),
        np.arange(n, 2 * n, dtype=np.int64),
        single,
    )
