r"""String-based scanpath metrics: ScanMatch, sequence score, string edit distance.

**ScanMatch** (Cristino, Mathôt, Theeuwes & Gilchrist 2010). Fixations are binned on an
``n_x x n_y`` grid over the screen (bin ``(floor(x n_x / W), floor(y n_y / H))``,
numbered row by row); with ``temporal_bin > 0`` each fixation's bin is repeated
``round(duration / temporal_bin)`` times. Bins ``i, j`` with grid distance
:math:`d_{ij}` (Euclidean, in bins) score :math:`s_{ij} = T - d_{ij}` (the toolbox's
``abs(d - max d) - (max d - T)``), ``T`` the threshold. The Needleman-Wunsch score
with gap value ``g`` is normalised by :math:`\max s \cdot \max(n_a, n_b)`. Defaults
are the toolbox's: a 12 x 8 grid, threshold 3.5, gap 0, no temporal binning.

**Sequence score** (Yang et al. 2020). Fixations are labelled with the cluster of a
MeanShift clustering of all fixations on the image (:func:`fixation_clusters`), and
two label strings are aligned by Needleman-Wunsch with 0/1 similarity and gap 0,
normalised by the longer length: the longest common subsequence over the longer
length, in [0, 1].

**String edit distance** (Levenshtein) between the grid-bin strings (ScanMatch's grid),
optionally normalised by the longer length.

Every :class:`~cogattn.scanpath.Scanpath` holds at least one fixation, so every pair
has a defined value: no NaN is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, check_positive
from cogattn.scanpath.packing import PackedScanpaths, as_pairs, pack_scanpaths
from cogattn.scanpath.scanpath import Scanpath

__all__ = [
    "FixationClusters",
    "edit_distance",
    "fixation_clusters",
    "grid_labels",
    "scanmatch",
    "sequence_score",
    "substitution_matrix",
]


def substitution_matrix(
    n_x: int = 12, n_y: int = 8, threshold: float = 3.5
) -> np.ndarray:
    """ScanMatch's substitution matrix: ``threshold - distance`` between grid bins.

    Parameters
    ----------
    n_x, n_y : int
        Bins across and down.
    threshold : float
        Distance (in bins) at which a substitution scores 0.

    Returns
    -------
    sub : numpy.ndarray of shape (n_x * n_y, n_x * n_y)
        Bins numbered row by row (``row * n_x + col``).
    """
    n_x = check_int(n_x, "n_x", low=1)
    n_y = check_int(n_y, "n_y", low=1)
    threshold = check_positive(threshold, "threshold", strict=False)
    cols, rows = np.meshgrid(np.arange(n_x), np.arange(n_y))
    c = cols.ravel().astype(float)
    r = rows.ravel().astype(float)
    dist = np.hypot(c[:, None] - c[None, :], r[:, None] - r[None, :])
    top = dist.max()
    return np.abs(dist - top) - (top - threshold)


def grid_labels(scanpath: Scanpath, n_x: int = 12, n_y: int = 8) -> np.ndarray:
    """Grid bin of each fixation, numbered row by row.

    Parameters
    ----------
    scanpath : Scanpath
        Fixations.
    n_x, n_y : int
        Bins across and down the screen.

    Returns
    -------
    labels : numpy.ndarray of shape (n_fixations,), int64
    """
    w, h = scanpath.screen.size
    col = np.minimum((scanpath.x * n_x / w).astype(np.int64), n_x - 1)
    row = np.minimum((scanpath.y * n_y / h).astype(np.int64), n_y - 1)
    return row * n_x + col


def _grid_codes(
    pool: PackedScanpaths, n_x: int, n_y: int, temporal_bin: float
) -> tuple[np.ndarray, np.ndarray]:
    w, h = pool.screen.size
    col = np.minimum((pool.x * n_x / w).astype(np.int64), n_x - 1)
    row = np.minimum((pool.y * n_y / h).astype(np.int64), n_y - 1)
    codes = row * n_x + col
    if temporal_bin <= 0:
        return codes, pool.offsets
    reps = np.rint(pool.duration / temporal_bin).astype(np.int64)
    expanded = np.repeat(codes, reps)
    per = np.add.reduceat(reps, pool.offsets[:-1]) if len(reps) else reps
    offsets = np.zeros(len(pool) + 1, np.int64)
    np.cumsum(per, out=offsets[1:])
    return expanded, offsets


def _scanmatch(pool, ia, ib, n_x, n_y, threshold, gap, temporal_bin):
    from cogattn.scanpath._alignment_numba import nw_batch

    n_x = check_int(n_x, "n_x", low=1)
    n_y = check_int(n_y, "n_y", low=1)
    gap = float(gap)
    if not np.isfinite(gap):
        raise ValidationError(f"gap must be a finite number, got {gap}")
    temporal_bin = check_positive(temporal_bin, "temporal_bin", strict=False)
    sub = substitution_matrix(n_x, n_y, threshold)
    codes, offsets = _grid_codes(pool, n_x, n_y, temporal_bin)
    lengths = np.diff(offsets)
    if temporal_bin > 0 and ((lengths[ia] == 0) | (lengths[ib] == 0)).any():
        k = int(np.flatnonzero((lengths[ia] == 0) | (lengths[ib] == 0))[0])
        raise ValidationError(
            f"pair {k}: every fixation is shorter than half of temporal_bin="
            f"{temporal_bin} s, so the binned sequence is empty; use a smaller bin"
        )
    raw = nw_batch(codes, offsets, ia, ib, sub, gap)
    return raw / (sub.max() * np.maximum(lengths[ia], lengths[ib]))


def scanmatch(
    a: Any,
    b: Any,
    *,
    n_x: int = 12,
    n_y: int = 8,
    threshold: float = 3.5,
    gap: float = 0.0,
    temporal_bin: float = 0.0,
) -> Any:
    """ScanMatch similarity of one pair or of pairs ``(a[k], b[k])``.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Scanpaths on one screen.
    n_x, n_y : int
        Grid bins across and down (toolbox default 12 x 8).
    threshold : float
        Substitution threshold in bins (default 3.5).
    gap : float
        Gap value added per insertion or deletion (default 0).
    temporal_bin : float
        Seconds per repetition of a fixation's bin; 0 (default) ignores durations.

    Returns
    -------
    score : float | numpy.ndarray of shape (n_pairs,)
        1 for identical sequences; at most 1.
    """
    pool, ia, ib, single = as_pairs(a, b)
    out = _scanmatch(pool, ia, ib, n_x, n_y, threshold, gap, temporal_bin)
    return float(out[0]) if single else out


def edit_distance(
    a: Any, b: Any, *, n_x: int = 12, n_y: int = 8, normalize: bool = False
) -> Any:
    """Levenshtein distance between grid-bin strings.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Scanpaths on one screen.
    n_x, n_y : int
        Grid bins across and down.
    normalize : bool
        Divide by the longer string length (giving a value in [0, 1]).

    Returns
    -------
    distance : float | numpy.ndarray of shape (n_pairs,)
    """
    from cogattn.scanpath._alignment_numba import levenshtein_batch

    pool, ia, ib, single = as_pairs(a, b)
    codes, offsets = _grid_codes(
        pool, check_int(n_x, "n_x", low=1), check_int(n_y, "n_y", low=1), 0.0
    )
    dist = levenshtein_batch(codes, offsets, ia, ib).astype(np.float64)
    if normalize:
        dist = dist / np.maximum(pool.lengths[ia], pool.lengths[ib])
    return float(dist[0]) if single else dist


@dataclass(frozen=True)
class FixationClusters:
    """MeanShift clusters of the fixations on one image.

    Attributes
    ----------
    centers : numpy.ndarray of shape (n_clusters, 2)
        Cluster centres ``(x, y)`` in pixels.
    bandwidth : float
        Kernel bandwidth in pixels.
    """

    centers: np.ndarray
    bandwidth: float

    def labels(self, scanpath: Scanpath) -> np.ndarray:
        """Label each fixation with its nearest cluster centre.

        Parameters
        ----------
        scanpath : Scanpath
            Fixations to label.

        Returns
        -------
        labels : numpy.ndarray of shape (n_fixations,), int64
        """
        d = (scanpath.xy[:, None, :] - self.centers[None, :, :]) ** 2
        return d.sum(-1).argmin(1).astype(np.int64)


def fixation_clusters(
    scanpaths: Sequence[Scanpath], *, bandwidth: float | None = None
) -> FixationClusters:
    """Cluster every fixation on an image with MeanShift (for :func:`sequence_score`).

    Parameters
    ----------
    scanpaths : sequence of Scanpath
        All scanpaths on the image (e.g. every human observer).
    bandwidth : float | None
        Kernel bandwidth in pixels; ``None`` estimates it with
        ``sklearn.cluster.estimate_bandwidth`` (deterministic on all points).

    Returns
    -------
    clusters : FixationClusters
    """
    from sklearn.cluster import MeanShift, estimate_bandwidth

    pool = pack_scanpaths(list(scanpaths))
    xy = np.stack([pool.x, pool.y], axis=1)
    if bandwidth is None:
        bw = float(estimate_bandwidth(xy, n_samples=None)) if len(xy) > 1 else 0.0
        if bw <= 0:
            bw = 0.05 * float(np.hypot(*pool.screen.size))
    else:
        bw = check_positive(bandwidth, "bandwidth")
    ms = MeanShift(bandwidth=bw).fit(xy)
    return FixationClusters(centers=ms.cluster_centers_.copy(), bandwidth=bw)


def sequence_score(a: Any, b: Any, clusters: FixationClusters) -> Any:
    """Sequence score: Needleman-Wunsch on cluster labels over the longer length.

    Parameters
    ----------
    a, b : Scanpath | sequence of Scanpath
        Scanpaths on the clustered image.
    clusters : FixationClusters
        From :func:`fixation_clusters` on the image's (human) fixations.

    Returns
    -------
    score : float | numpy.ndarray of shape (n_pairs,)
        In [0, 1]; 1 when the label strings are equal.
    """
    from cogattn.scanpath._alignment_numba import nw_batch

    if not isinstance(clusters, FixationClusters):
        raise ValidationError(
            f"clusters must come from fixation_clusters, got {type(clusters).__name__}"
        )
    pool, ia, ib, single = as_pairs(a, b)
    xy = np.stack([pool.x, pool.y], axis=1)
    d = ((xy[:, None, :] - clusters.centers[None]) ** 2).sum(-1)
    codes = d.argmin(1).astype(np.int64)
    sub = np.eye(len(clusters.centers))
    raw = nw_batch(codes, pool.offsets, ia, ib, sub, 0.0)
    out = raw / np.maximum(pool.lengths[ia], pool.lengths[ib])
    return float(out[0]) if single else out
