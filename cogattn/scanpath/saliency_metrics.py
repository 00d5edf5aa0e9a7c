r"""Saliency-map metrics, batched over maps, with the MIT / Tübingen conventions.

Every function takes one map of shape ``(H, W)`` or a batch ``(n_maps, H, W)`` and
returns a float or an array of shape ``(n_maps,)``. Fixations are pixel positions
``(x, y)``; a position is the pixel ``(int(y), int(x))`` (truncation, as in
pysaliency). They are given per map as a :class:`~cogattn.scanpath.Scanpath`, a list of
scanpaths (pooled, e.g. all observers of an image) or an array of shape
``(n_fixations, 2)``; for a batch, as a list with one such entry per map.

Conventions (Bylinskii et al. 2019; pysaliency / the MIT saliency benchmark):

- **NSS**: :math:`\frac{1}{N}\sum_i (s(p_i) - \mu_s) / \sigma_s`, with the population
  standard deviation; a constant map is only centred (NSS 0).
- **AUC-Judd**: positives are the map values at the fixations (repeats counted),
  negatives every pixel not fixated; the thresholds are the fixated values; the ROC is
  integrated with the trapezoid rule. As pysaliency's ``AUC_Judd`` with
  ``jitter=False``; ``jitter=True`` adds ``1e-7`` standard normal noise drawn from
  ``numpy.random.RandomState(random_state)`` first (pysaliency uses seed 42).
- **AUC-Borji** and **shuffled AUC** (MIT ``AUC_Borji.m``, ``AUC_shuffled.m``): the map
  is rescaled to [0, 1]; positives are the values at the fixated pixels (each pixel
  once); negatives are, per split, as many pixels drawn uniformly (Borji) or as many
  fixated pixels of other images drawn without replacement (shuffled); thresholds
  ``0, step, 2 step, ...`` up to the largest value; mean AUC over ``n_splits`` splits.
- **CC**: Pearson correlation of the two maps; 0 when either map is constant.
- **KL divergence** (``MIT_KLDiv``): both maps turned into densities (shifted to be
  non-negative when they have negative values, divided by their sum; an all-zero map
  becomes uniform), :math:`\sum_i q_i \log(\epsilon + q_i / (p_i + \epsilon))` with
  ``q`` the reference (human) map, ``p`` the prediction and
  :math:`\epsilon = 2.2204\times10^{-16}`; natural log.
- **SIM**: :math:`\sum_i \min(p_i, q_i)` of the two densities.
- **Information gain**: :math:`\frac{1}{N}\sum_i \log_2(\epsilon + p(x_i)) -
  \log_2(\epsilon + b(x_i))` in bits per fixation, with ``p`` and ``b`` the predicted
  and baseline maps divided by their sums (MIT ``InfoGain.m``); the default baseline is
  uniform.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int, check_positive
from cogattn.scanpath.scanpath import Scanpath

__all__ = [
    "auc_borji",
    "auc_judd",
    "auc_shuffled",
    "cc",
    "fixation_density",
    "information_gain",
    "kl_divergence",
    "nss",
    "sim",
]


def _maps(maps: Any, name: str) -> tuple[np.ndarray, bool]:
    from cogattn.scanpath._saliency_numba import count_nonfinite

    # NaN and inf are counted by one numba pass instead of check_array's two
    arr = check_array(maps, name, ndim=(2, 3), finite=False)
    single = arr.ndim == 2
    arr = arr[None] if single else arr
    if arr.shape[0] == 0 or arr.shape[1] == 0 or arr.shape[2] == 0:
        raise ValidationError(f"{name} is empty: got shape {tuple(arr.shape)}")
    arr = np.ascontiguousarray(arr.reshape(arr.shape[0], -1))
    n_bad = count_nonfinite(arr)
    if n_bad:
        raise ValidationError(
            f"{name} contains {n_bad} NaN or infinite value(s); remove or impute them"
        )
    return arr, single


def _map_pair(a: Any, b: Any, na: str, nb: str) -> tuple[np.ndarray, np.ndarray, bool]:
    x, single = _maps(a, na)
    y, _ = _maps(b, nb)
    sa = np.shape(a)
    sb = np.shape(b)
    if sa != sb:
        raise ValidationError(
            f"{na} and {nb} must have the same shape, got {sa} and {sb}"
        )
    return x, y, single


def _positions(item: Any, shape: tuple[int, int], where: str) -> np.ndarray:
    h, w = shape
    if isinstance(item, Scanpath):
        item = [item]
    if isinstance(item, (list, tuple)) and item and isinstance(item[0], Scanpath):
        for sp in item:
            if sp.screen.size != (w, h):
                raise ValidationError(
                    f"{where}: a scanpath on a {sp.screen.width_px}x"
                    f"{sp.screen.height_px} px screen does not match a {w}x{h} px map "
                    "(mismatched screen sizes)"
                )
        xy = np.concatenate([sp.xy for sp in item])
    else:
        xy = check_array(item, where, ndim=2, finite=True, min_size=0)
        if xy.shape[1] != 2:
            raise ValidationError(
                f"{where} must have shape (n_fixations, 2) with (x, y) columns, got "
                f"shape {xy.shape}"
            )
    if xy.shape[0] == 0:
        raise ValidationError(f"{where} has no fixations; every map needs at least one")
    off = (xy[:, 0] < 0) | (xy[:, 0] >= w) | (xy[:, 1] < 0) | (xy[:, 1] >= h)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise ValidationError(
            f"{where}: fixation {i} at (x={xy[i, 0]:g}, y={xy[i, 1]:g}) is off the "
            f"{w}x{h} px map"
        )
    return xy[:, 1].astype(np.int64) * w + xy[:, 0].astype(np.int64)


def _fixations(
    fixations: Any, n_maps: int, shape: tuple[int, int], single: bool, name: str
) -> tuple[np.ndarray, np.ndarray]:
    if single:
        per_map = [fixations]
    else:
        if not isinstance(fixations, Sequence) or isinstance(fixations, Scanpath):
            raise ValidationError(
                f"{name} must be a list with one entry per map for a batch of "
                f"{n_maps} maps, got {type(fixations).__name__}"
            )
        per_map = list(fixations)
        if len(per_map) != n_maps:
            raise ValidationError(
                f"{name} has {len(per_map)} entries for {n_maps} maps; give one per map"
            )
    idx = [
        _positions(f, shape, f"{name}[{k}]" if not single else name)
        for k, f in enumerate(per_map)
    ]
    offsets = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum([len(i) for i in idx], out=offsets[1:])
    return np.concatenate(idx), offsets


def _shape(maps: Any) -> tuple[int, int]:
    s = np.shape(maps)
    return (int(s[-2]), int(s[-1]))


def _out(values: np.ndarray, single: bool) -> Any:
    return float(values[0]) if single else values


def nss(saliency_maps: Any, fixations: Any) -> Any:
    """Compute the normalized scanpath saliency (NSS).

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps.
    fixations : Scanpath | list of Scanpath | array-like of shape (n, 2) | list of those
        Fixations per map (see the module docstring).

    Returns
    -------
    nss : float | numpy.ndarray of shape (n_maps,)
    """
    from cogattn.scanpath._saliency_numba import nss_batch

    maps, single = _maps(saliency_maps, "saliency_maps")
    idx, off = _fixations(
        fixations, maps.shape[0], _shape(saliency_maps), single, "fixations"
    )
    return _out(nss_batch(maps, idx, off), single)


def auc_judd(
    saliency_maps: Any,
    fixations: Any,
    *,
    jitter: bool = False,
    random_state: int = 42,
) -> Any:
    """AUC-Judd: fixated values as thresholds, unfixated pixels as negatives.

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps.
    fixations : see :func:`nss`
        Fixations per map.
    jitter : bool
        Add tiny noise (``1e-7`` standard normal) to break ties, as pysaliency and the
        MIT code do.
    random_state : int
        Seed of the ``numpy.random.RandomState`` that draws the jitter (one stream
        across the maps of a batch, as pysaliency).

    Returns
    -------
    auc : float | numpy.ndarray of shape (n_maps,)
        NaN only for a map whose every pixel is fixated (no negatives).
    """
    from cogattn.scanpath._saliency_numba import auc_judd_batch

    maps, single = _maps(saliency_maps, "saliency_maps")
    shape = _shape(saliency_maps)
    idx, off = _fixations(fixations, maps.shape[0], shape, single, "fixations")
    if jitter:
        rst = np.random.RandomState(check_int(random_state, "random_state", low=0))
        maps = np.stack([m + rst.randn(*shape).ravel() * 1e-7 for m in maps])
    return _out(auc_judd_batch(maps, idx, off), single)


def _normalised(maps: np.ndarray) -> np.ndarray:
    lo = maps.min(axis=1, keepdims=True)
    span = maps.max(axis=1, keepdims=True) - lo
    if (span == 0).any():
        k = int(np.flatnonzero(span[:, 0] == 0)[0])
        raise ValidationError(
            f"saliency map {k} is constant: AUC-Borji and shuffled AUC rescale the map "
            "to [0, 1], which a constant map cannot be"
        )
    return (maps - lo) / span


def _split_auc(norm, pos_idx, pos_off, negatives, n_splits, step):
    from cogattn.scanpath._saliency_numba import auc_split_batch

    pos_vals = []
    for k in range(norm.shape[0]):
        u = np.unique(pos_idx[pos_off[k] : pos_off[k + 1]])
        pos_vals.append(norm[k, u])
    poff = np.zeros(len(pos_vals) + 1, np.int64)
    np.cumsum([len(p) for p in pos_vals], out=poff[1:])
    noff = np.zeros(len(negatives) + 1, np.int64)
    np.cumsum([len(v) for v in negatives], out=noff[1:])
    return auc_split_batch(
        np.concatenate(pos_vals), poff, np.concatenate(negatives), noff, n_splits, step
    )


def auc_borji(
    saliency_maps: Any,
    fixations: Any,
    *,
    n_splits: int = 100,
    step: float = 0.1,
    random_state: Any = None,
) -> Any:
    """AUC-Borji: uniformly drawn pixels as negatives (MIT ``AUC_Borji.m``).

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps (not constant).
    fixations : see :func:`nss`
        Fixations per map.
    n_splits : int
        Random draws of negatives.
    step : float
        Threshold spacing on the map rescaled to [0, 1].
    random_state : int | numpy.random.Generator | None
        Seeds the draws.

    Returns
    -------
    auc : float | numpy.ndarray of shape (n_maps,)
    """
    maps, single = _maps(saliency_maps, "saliency_maps")
    idx, off = _fixations(
        fixations, maps.shape[0], _shape(saliency_maps), single, "fixations"
    )
    n_splits = check_int(n_splits, "n_splits", low=1)
    step = check_positive(step, "step")
    rng = check_random_state(random_state)
    norm = _normalised(maps)
    negatives = []
    for k in range(norm.shape[0]):
        n_pos = np.unique(idx[off[k] : off[k + 1]]).shape[0]
        draw = rng.integers(0, norm.shape[1], size=(n_splits, n_pos))
        negatives.append(norm[k, draw.ravel()])
    return _out(_split_auc(norm, idx, off, negatives, n_splits, step), single)


def auc_shuffled(
    saliency_maps: Any,
    fixations: Any,
    other_fixations: Any,
    *,
    n_splits: int = 100,
    step: float = 0.1,
    random_state: Any = None,
) -> Any:
    """Shuffled AUC: other images' fixated pixels as negatives (``AUC_shuffled.m``).

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps (not constant).
    fixations : see :func:`nss`
        Fixations on each map's own image.
    other_fixations : see :func:`nss`
        Per map, fixations made on other images (the centre-bias control); each
        split draws ``min(n_fixated, n_other)`` of their pixels without replacement.
    n_splits : int
        Random draws of negatives.
    step : float
        Threshold spacing on the map rescaled to [0, 1].
    random_state : int | numpy.random.Generator | None
        Seeds the draws.

    Returns
    -------
    auc : float | numpy.ndarray of shape (n_maps,)
    """
    maps, single = _maps(saliency_maps, "saliency_maps")
    shape = _shape(saliency_maps)
    idx, off = _fixations(fixations, maps.shape[0], shape, single, "fixations")
    oidx, ooff = _fixations(
        other_fixations, maps.shape[0], shape, single, "other_fixations"
    )
    n_splits = check_int(n_splits, "n_splits", low=1)
    step = check_positive(step, "step")
    rng = check_random_state(random_state)
    norm = _normalised(maps)
    negatives = []
    for k in range(norm.shape[0]):
        n_pos = np.unique(idx[off[k] : off[k + 1]]).shape[0]
        others = np.unique(oidx[ooff[k] : ooff[k + 1]])
        n_neg = min(n_pos, others.shape[0])
        picks = np.concatenate(
            [rng.choice(others, size=n_neg, replace=False) for _ in range(n_splits)]
        )
        negatives.append(norm[k, picks])
    return _out(_split_auc(norm, idx, off, negatives, n_splits, step), single)


def cc(saliency_maps: Any, reference_maps: Any) -> Any:
    """Pearson correlation between two maps (0 when either is constant).

    Parameters
    ----------
    saliency_maps, reference_maps : array-like of shape (H, W) or (n_maps, H, W)
        Maps of the same shape.

    Returns
    -------
    cc : float | numpy.ndarray of shape (n_maps,)
    """
    from cogattn.scanpath._saliency_numba import cc_batch

    a, b, single = _map_pair(
        saliency_maps, reference_maps, "saliency_maps", "reference_maps"
    )
    return _out(cc_batch(a, b), single)


def kl_divergence(saliency_maps: Any, reference_maps: Any) -> Any:
    """KL divergence of the predicted density from the reference density (MIT_KLDiv).

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps ``p``.
    reference_maps : array-like of the same shape
        Reference (human fixation density) maps ``q``.

    Returns
    -------
    kld : float | numpy.ndarray of shape (n_maps,)
        In nats; 0 for identical maps.
    """
    a, b, single = _map_pair(
        saliency_maps, reference_maps, "saliency_maps", "reference_maps"
    )
    return _out(np.array([_kl_one(p, q) for p, q in zip(a, b, strict=True)]), single)


_EPS = 2.2204e-16
_CHUNK = 1 << 15


def _density_scale(m: np.ndarray) -> tuple[float, float]:
    """Shift and 1 / sum that turn ``m`` into a density; (-1, 1/n) for all zeros."""
    lo = float(m.min())
    shift = lo if lo < 0 else 0.0
    total = float(m.sum()) - m.shape[0] * shift
    if total == 0.0:
        return float("nan"), 1.0 / m.shape[0]
    return shift, 1.0 / total


def _kl_one(p: np.ndarray, q: np.ndarray) -> float:
    """``sum q log(eps + q / (p + eps))`` in cache-sized chunks (numpy's SIMD log)."""
    ps, pinv = _density_scale(p)
    qs, qinv = _density_scale(q)
    acc = 0.0
    t = np.empty(min(_CHUNK, p.shape[0]))
    u = np.empty_like(t)
    for start in range(0, p.shape[0], _CHUNK):
        pp = p[start : start + _CHUNK]
        qq = q[start : start + _CHUNK]
        tt = t[: pp.shape[0]]
        uu = u[: pp.shape[0]]
        if np.isnan(ps):  # an all-zero map reads as uniform
            tt.fill(pinv)
        else:
            np.subtract(pp, ps, out=tt)
            tt *= pinv
        tt += _EPS
        if np.isnan(qs):
            uu.fill(qinv)
        else:
            np.subtract(qq, qs, out=uu)
            uu *= qinv
        np.divide(uu, tt, out=tt)
        tt += _EPS
        np.log(tt, out=tt)
        tt *= uu  # not np.dot: a BLAS call per chunk stalls on busy threads
        acc += float(tt.sum())
    return acc


def sim(saliency_maps: Any, reference_maps: Any) -> Any:
    """Similarity (histogram intersection) of two maps turned into densities.

    Parameters
    ----------
    saliency_maps, reference_maps : array-like of shape (H, W) or (n_maps, H, W)
        Maps of the same shape.

    Returns
    -------
    sim : float | numpy.ndarray of shape (n_maps,)
        In [0, 1]; 1 for identical densities.
    """
    from cogattn.scanpath._saliency_numba import sim_batch

    a, b, single = _map_pair(
        saliency_maps, reference_maps, "saliency_maps", "reference_maps"
    )
    return _out(sim_batch(a, b), single)


def information_gain(
    saliency_maps: Any, fixations: Any, baseline_maps: Any = None
) -> Any:
    """Information gain over a baseline, in bits per fixation (MIT ``InfoGain.m``).

    Parameters
    ----------
    saliency_maps : array-like of shape (H, W) or (n_maps, H, W)
        Predicted maps, non-negative (divided by their sum).
    fixations : see :func:`nss`
        Fixations per map.
    baseline_maps : array-like of the same shape | None
        Baseline maps (e.g. a centre bias); ``None``: uniform.

    Returns
    -------
    ig : float | numpy.ndarray of shape (n_maps,)
    """
    from cogattn.scanpath._saliency_numba import info_gain_batch

    maps, single = _maps(saliency_maps, "saliency_maps")
    if (maps < 0).any() or (maps.sum(axis=1) == 0).any():
        raise ValidationError(
            "saliency_maps must be non-negative with a positive sum to be read as "
            "densities"
        )
    if baseline_maps is None:
        base = np.ones_like(maps)
    else:
        _, base, _ = _map_pair(
            saliency_maps, baseline_maps, "saliency_maps", "baseline_maps"
        )
        if (base < 0).any() or (base.sum(axis=1) == 0).any():
            raise ValidationError(
                "baseline_maps must be non-negative with a positive sum"
            )
    idx, off = _fixations(
        fixations, maps.shape[0], _shape(saliency_maps), single, "fixations"
    )
    return _out(info_gain_batch(maps, base, idx, off), single)


def fixation_density(
    fixations: Any, shape: tuple[int, int], *, sigma: float = 25.0
) -> np.ndarray:
    """Empirical fixation density: fixation counts blurred by a Gaussian, summing to 1.

    Parameters
    ----------
    fixations : Scanpath | list of Scanpath | array-like of shape (n, 2)
        Fixations on one image.
    shape : tuple of int
        ``(H, W)`` of the map.
    sigma : float
        Gaussian standard deviation in pixels (about one degree of visual angle is
        usual).

    Returns
    -------
    density : numpy.ndarray of shape (H, W)
    """
    from scipy.ndimage import gaussian_filter

    h = check_int(shape[0], "shape[0]", low=1)
    w = check_int(shape[1], "shape[1]", low=1)
    sigma = check_positive(sigma, "sigma")
    flat = _positions(fixations, (h, w), "fixations")
    counts = np.bincount(flat, minlength=h * w).reshape(h, w).astype(np.float64)
    dens = gaussian_filter(counts, sigma, mode="constant")
    return dens / dens.sum()
