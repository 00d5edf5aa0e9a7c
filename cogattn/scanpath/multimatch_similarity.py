r"""MultiMatch: five similarities between two scanpaths, batched over pairs.

After Jarodzka, Holmqvist & Nyström (2010) and Dewhurst et al. (2012), as implemented
in multimatch-gaze (Wagner et al. 2019), whose numbers this module reproduces:

1. Each scanpath of ``n`` fixations becomes ``n - 1`` saccade vectors
   :math:`u_i = p_{i+1} - p_i` starting at :math:`p_i`, with the duration of the
   fixation before it.
2. Optional simplification (``simplify=True``): consecutive saccades are merged while
   the angle between them is below ``direction_threshold`` (degrees) and the
   intermediate fixation is shorter than ``duration_threshold`` (seconds), and while a
   saccade is shorter than ``amplitude_threshold`` (pixels) next to a short fixation;
   the two passes repeat until nothing changes.
3. Alignment: the matrix :math:`M_{ij} = \lVert u_i - v_j \rVert` is traversed from
   :math:`(0, 0)` to :math:`(n-1, m-1)` by steps right, down or diagonal along the path
   of least summed :math:`M` (Dijkstra in the original; dynamic programming here, the
   same path; ties go to the diagonal, then up).
4. Along the aligned pairs, medians of: vector difference :math:`\lVert u-v \rVert`,
   angle between the vectors, length difference, distance between the start points,
   and :math:`|d_1 - d_2| / \max(d_1, d_2)` for the fixation durations; normalised as
   ``1 - median / (2 * diag)``, ``1 - median / pi``, ``1 - median / diag``,
   ``1 - median / diag`` and ``1 - median``, with ``diag`` the screen diagonal in
   pixels. 1 means identical.

Defaults are those of multimatch-gaze: no simplification, thresholds 0.

**Short scanpaths.** multimatch-gaze returns NaN for a pair where either scanpath has
fewer than 3 fixations. Here ``min_fixations`` (default 3, as the original) sets the
limit and ``short`` what happens below it: ``"raise"`` (default) raises a
:class:`~cogattn.ValidationError` naming the first short pair, ``"nan"`` returns NaN
for those pairs on purpose. With ``min_fixations=2`` single-saccade scanpaths are
compared (the algorithm is well defined for them).

**Where this differs from multimatch-gaze** (it raises or returns NaN there): two zero
durations compare as identical (duration difference 0, not 0/0); the cosine between
saccades is clipped to [-1, 1] before ``acos`` (rounding can push it past 1, a math
domain error there); a zero-length saccade has no direction and is never merged by
direction; a last short saccade with no saccade before it is kept (an IndexError there).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.scanpath.packing import PackedScanpaths, as_pairs, pack_scanpaths

__all__ = ["MULTIMATCH_DIMENSIONS", "multimatch", "multimatch_pairs"]

#: names of the five similarities, in the order of the output columns
MULTIMATCH_DIMENSIONS = ("vector", "direction", "length", "position", "duration")


def _run(
    pool: PackedScanpaths,
    ia: np.ndarray,
    ib: np.ndarray,
    *,
    simplify: bool,
    amplitude_threshold: float,
    direction_threshold: float,
    duration_threshold: float,
    min_fixations: int,
    short: str,
) -> np.ndarray:
    from cogattn.scanpath._multimatch_numba import multimatch_batch

    check_option(short, ("raise", "nan"), "short")
    min_len = check_int(min_fixations, "min_fixations", low=2)
    tamp = check_positive(amplitude_threshold, "amplitude_threshold", strict=False)
    tdir = check_positive(direction_threshold, "direction_threshold", strict=False)
    tdur = check_positive(duration_threshold, "duration_threshold", strict=False)
    if not isinstance(simplify, (bool, np.bool_)):
        raise ValidationError(f"simplify must be True or False, got {simplify!r}")
    if short == "raise":
        la = pool.lengths[ia]
        lb = pool.lengths[ib]
        bad = np.flatnonzero((la < min_len) | (lb < min_len))
        if bad.size:
            k = int(bad[0])
            raise ValidationError(
                f"MultiMatch needs scanpaths of at least {min_len} fixations; pair {k} "
                f"has {int(la[k])} and {int(lb[k])} ({bad.size} short pair(s)). Pass "
                "short='nan' to get NaN for such pairs, or min_fixations=2"
            )
    w, h = pool.screen.size
    diag = math.sqrt(w * w + h * h)
    return multimatch_batch(
        pool.x,
        pool.y,
        pool.duration,
        pool.offsets,
        ia,
        ib,
        diag,
        min_len,
        bool(simplify),
        tamp,
        tdir,
        tdur,
    )


def multimatch(
    a: Any,
    b: Any,
    *,
    simplify: bool = False,
    amplitude_threshold: float = 0.0,
    direction_threshold: float = 0.0,
    duration_threshold: float = 0.0,
    min_fixations: int = 3,
    short: str = "raise",
) -> np.ndarray:
    """MultiMatch similarities of one pair or of pairs ``(a[k], b[k])``.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Two scanpaths, or two equally long sequences of them (all on one screen).
    simplify : bool
        Whether scanpaths are simplified first (multimatch-gaze's ``grouping``).
    amplitude_threshold : float
        Saccades shorter than this (pixels) may be merged (``TAmp``).
    direction_threshold : float
        Saccades at an angle below this (degrees) may be merged (``TDir``).
    duration_threshold : float
        Only across fixations shorter than this (seconds) (``TDur``).
    min_fixations : int
        Fewest fixations a scanpath needs (>= 2; the original uses 3).
    short : {"raise", "nan"}
        What a pair with a shorter scanpath gives.

    Returns
    -------
    similarity : numpy.ndarray of shape (5,) or (n_pairs, 5)
        Vector, direction, length, position and duration similarity
        (:data:`MULTIMATCH_DIMENSIONS`), each in [0, 1] for on-screen scanpaths.
    """
    pool, ia, ib, single = as_pairs(a, b)
    out = _run(
        pool,
        ia,
        ib,
        simplify=simplify,
        amplitude_threshold=amplitude_threshold,
        direction_threshold=direction_threshold,
        duration_threshold=duration_threshold,
        min_fixations=min_fixations,
        short=short,
    )
    return out[0] if single else out


def multimatch_pairs(scanpaths: Any, pairs: Any, **kwargs: Any) -> np.ndarray:
    """MultiMatch over index pairs of one pool of scanpaths (no copies per pair).

    Parameters
    ----------
    scanpaths : sequence of Scanpath | PackedScanpaths
        The pool.
    pairs : array-like of shape (n_pairs, 2), int
        Indices into ``scanpaths``.
    **kwargs
        As for :func:`multimatch`.

    Returns
    -------
    similarity : numpy.ndarray of shape (n_pairs, 5)
    """
    pool = (
        scanpaths
        if isinstance(scanpaths, PackedScanpaths)
        else pack_scanpaths(scanpaths)
    )
    idx = _check_pairs(pairs, len(pool))
    defaults = {
        "simplify": False,
        "amplitude_threshold": 0.0,
        "direction_threshold": 0.0,
        "duration_threshold": 0.0,
        "min_fixations": 3,
        "short": "raise",
    }
    unknown = set(kwargs) - set(defaults)
    if unknown:
        raise ValidationError(f"unknown MultiMatch option(s): {sorted(unknown)}")
    defaults.update(kwargs)
    return _run(pool, idx[:, 0], idx[:, 1], **defaults)


def _check_pairs(pairs: Any, n: int) -> np.ndarray:
    idx = np.asarray(pairs)
    if idx.ndim != 2 or idx.shape[1] != 2 or idx.shape[0] == 0:
        raise ValidationError(
            f"pairs must have shape (n_pairs, 2) with n_pairs >= 1, got {idx.shape}"
        )
    if idx.dtype.kind not in "iu":
        raise ValidationError(f"pairs must hold integers, got dtype {idx.dtype}")
    if idx.min() < 0 or idx.max() >= n:
        raise ValidationError(
            f"pairs index scanpaths 0..{n - 1}, got values in [{idx.min()}, "
            f"{idx.max()}]"
        )
    return np.ascontiguousarray(idx, dtype=np.int64)
