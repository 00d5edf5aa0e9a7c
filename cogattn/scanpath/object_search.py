r"""Object-array search trials and a documented synthetic observer (numpy).

Each trial is a ``rows x cols`` grid of objects with discrete features (a colour and a
shape, one-hot, plus small Gaussian feature noise) and a target drawn from the
display's objects. The synthetic observer starts at the display centre and fixates
objects one at a time, never revisiting, with priority

.. math::

    \pi_i = w_s\, \mathrm{sim}(o_i, t) - w_d\, \lVert c_i - c_\mathrm{cur} \rVert
             + g_i,

where ``sim`` counts shared features (0, 1 or 2), ``c`` are grid positions in cells
and ``g_i`` Gumbel noise of scale ``noise`` (a softmax choice); the scanpath ends when
the target is fixated (defaults: ``w_s = 1``, ``w_d = 0.7``, noise 0.7, giving 2.7
fixations per trial on a 3 x 4 grid and a leave-one-out sequence score of about 0.47
between two draws). It stands in for human object-level scanpaths (guided search:
target similarity plus a preference for short saccades) so that a learned scanpath
model can be trained and tested on held-out trials
(:mod:`cogattn.scanpath.oat`).

Scanpaths over objects are integer arrays of object indices; they are compared with
:func:`label_sequence_score` (Needleman-Wunsch with 0/1 similarity and gap 0 over the
longer length, the OAT paper's sequence score) and summarised by
:func:`behaviour_summary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_positive

__all__ = [
    "ObjectTrials",
    "behaviour_summary",
    "label_sequence_score",
    "make_object_trials",
    "nearest_first_scanpaths",
    "random_object_scanpaths",
    "synthetic_observer",
]


@dataclass(frozen=True)
class ObjectTrials:
    """A batch of object-array search trials.

    Attributes
    ----------
    features : numpy.ndarray of shape (n_trials, n_objects, n_features)
        Object features (one-hot colour and shape plus noise).
    cells : numpy.ndarray of shape (n_objects, 2)
        Grid position (row, col) of each object, the same in every trial.
    target : numpy.ndarray of shape (n_trials, n_features)
        Target features (noise-free).
    target_index : numpy.ndarray of shape (n_trials,)
        The object that is the target.
    grid : tuple of int
        ``(rows, cols)``.
    """

    features: np.ndarray
    cells: np.ndarray
    target: np.ndarray
    target_index: np.ndarray
    grid: tuple[int, int]

    def __len__(self) -> int:
        return int(self.features.shape[0])

    def subset(self, index: Any) -> ObjectTrials:
        """Trials ``index`` (an index array or slice)."""
        return ObjectTrials(
            self.features[index],
            self.cells,
            self.target[index],
            self.target_index[index],
            self.grid,
        )


def make_object_trials(
    n_trials: int,
    *,
    grid: tuple[int, int] = (3, 4),
    n_colours: int = 4,
    n_shapes: int = 4,
    feature_noise: float = 0.05,
    random_state: Any = None,
) -> ObjectTrials:
    """Draw object-array trials.

    Parameters
    ----------
    n_trials : int
        Trials.
    grid : tuple of int
        Rows and columns of the object grid.
    n_colours, n_shapes : int
        Feature values.
    feature_noise : float
        Standard deviation of the Gaussian noise added to the object features.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    trials : ObjectTrials
    """
    rng = check_random_state(random_state)
    n = check_int(n_trials, "n_trials", low=1)
    rows = check_int(grid[0], "grid[0]", low=1)
    cols = check_int(grid[1], "grid[1]", low=1)
    nc = check_int(n_colours, "n_colours", low=2)
    ns = check_int(n_shapes, "n_shapes", low=2)
    noise = check_positive(feature_noise, "feature_noise", strict=False)
    n_obj = rows * cols
    colour = rng.integers(0, nc, (n, n_obj))
    shape = rng.integers(0, ns, (n, n_obj))
    feats = np.concatenate([np.eye(nc)[colour], np.eye(ns)[shape]], axis=2)
    tidx = rng.integers(0, n_obj, n)
    target = feats[np.arange(n), tidx].copy()
    feats = feats + rng.normal(0, noise, feats.shape)
    rr, cc = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    cells = np.stack([rr.ravel(), cc.ravel()], axis=1)
    return ObjectTrials(feats, cells, target, tidx, (rows, cols))


def _centre(trials: ObjectTrials) -> np.ndarray:
    return (np.asarray(trials.grid, dtype=float) - 1) / 2


def synthetic_observer(
    trials: ObjectTrials,
    *,
    similarity_weight: float = 1.0,
    distance_weight: float = 0.7,
    noise: float = 0.7,
    random_state: Any = None,
) -> list[np.ndarray]:
    """Object scanpaths of the documented synthetic observer (see the module text).

    Parameters
    ----------
    trials : ObjectTrials
        Displays.
    similarity_weight, distance_weight : float
        ``w_s`` and ``w_d``.
    noise : float
        Gumbel noise scale (0: deterministic).
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    scanpaths : list of numpy.ndarray of int
        Fixated object indices per trial, ending on the target.
    """
    rng = check_random_state(random_state)
    ws = check_positive(similarity_weight, "similarity_weight", strict=False)
    wd = check_positive(distance_weight, "distance_weight", strict=False)
    g = check_positive(noise, "noise", strict=False)
    cells = trials.cells.astype(float)
    n_obj = cells.shape[0]
    clean = np.round(np.clip(trials.features, 0, 1))
    sim = (clean * trials.target[:, None, :]).sum(axis=2)  # shared features
    out = []
    for t in range(len(trials)):
        cur = _centre(trials)
        seen = np.zeros(n_obj, bool)
        path = []
        while True:
            pri = ws * sim[t] - wd * np.linalg.norm(cells - cur, axis=1)
            if g > 0:
                pri = pri + g * rng.gumbel(size=n_obj)
            pri[seen] = -np.inf
            k = int(np.argmax(pri))
            path.append(k)
            seen[k] = True
            cur = cells[k]
            if k == trials.target_index[t] or seen.all():
                break
        out.append(np.array(path, dtype=np.int64))
    return out


def random_object_scanpaths(
    trials: ObjectTrials, *, random_state: Any = None
) -> list[np.ndarray]:
    """Baseline: objects in random order, without revisits, until the target.

    Parameters
    ----------
    trials : ObjectTrials
        Displays.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    scanpaths : list of numpy.ndarray of int
    """
    rng = check_random_state(random_state)
    out = []
    for t in range(len(trials)):
        order = rng.permutation(trials.cells.shape[0])
        stop = int(np.flatnonzero(order == trials.target_index[t])[0])
        out.append(order[: stop + 1].astype(np.int64))
    return out


def nearest_first_scanpaths(trials: ObjectTrials) -> list[np.ndarray]:
    """Baseline: always the nearest unvisited object (centre bias), until the target.

    Parameters
    ----------
    trials : ObjectTrials
        Displays.

    Returns
    -------
    scanpaths : list of numpy.ndarray of int
    """
    return synthetic_observer(
        trials, similarity_weight=0.0, distance_weight=1.0, noise=0.0
    )


def label_sequence_score(a: Sequence[Any], b: Sequence[Any]) -> np.ndarray:
    """Sequence score of label sequences: 0/1 Needleman-Wunsch over the longer length.

    Parameters
    ----------
    a, b : sequence of array-like of int
        Pair ``k`` compares ``a[k]`` with ``b[k]``; each sequence is non-empty.

    Returns
    -------
    score : numpy.ndarray of shape (n_pairs,)
        In [0, 1]; 1 for equal sequences.
    """
    from cogattn.scanpath._alignment_numba import nw_batch

    a = [np.asarray(x, dtype=np.int64).ravel() for x in a]
    b = [np.asarray(x, dtype=np.int64).ravel() for x in b]
    if len(a) != len(b) or not a:
        raise ValidationError(
            f"a and b must hold as many sequences (>= 1), got {len(a)} and {len(b)}"
        )
    seqs = a + b
    if any(s.size == 0 for s in seqs):
        raise ValidationError("every label sequence needs at least one label")
    if min(s.min() for s in seqs) < 0:
        raise ValidationError("labels must be non-negative integers")
    codes = np.concatenate(seqs)
    offsets = np.zeros(len(seqs) + 1, np.int64)
    np.cumsum([s.size for s in seqs], out=offsets[1:])
    n = len(a)
    ia = np.arange(n, dtype=np.int64)
    sub = np.eye(int(codes.max()) + 1)
    raw = nw_batch(codes, offsets, ia, ia + n, sub, 0.0)
    lens = np.diff(offsets)
    return raw / np.maximum(lens[:n], lens[n:])


def behaviour_summary(
    scanpaths: Sequence[np.ndarray], trials: ObjectTrials
) -> dict[str, float]:
    """Behavioural summary of object scanpaths (the OAT paper's behavioural measures).

    Parameters
    ----------
    scanpaths : sequence of numpy.ndarray of int
        One per trial.
    trials : ObjectTrials
        The trials, for their targets.

    Returns
    -------
    summary : dict
        ``found_rate`` (the target fixated at some point), ``mean_length``
        (fixations), ``refixation_ratio`` (fixations on an object already seen, over
        all fixations).
    """
    if len(scanpaths) != len(trials):
        raise ValidationError(
            f"{len(scanpaths)} scanpaths for {len(trials)} trials; give one per trial"
        )
    found = [int(t in p) for p, t in zip(scanpaths, trials.target_index, strict=True)]
    lengths = [len(p) for p in scanpaths]
    refix = sum(len(p) - len(set(p.tolist())) for p in scanpaths)
    return {
        "found_rate": float(np.mean(found)),
        "mean_length": float(np.mean(lengths)),
        "refixation_ratio": float(refix / max(1, sum(lengths))),
    }
