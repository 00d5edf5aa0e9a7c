"""Human consistency and model agreement on one stimulus, with one documented protocol.

Papers report different "human consistency" numbers for the same metric (0.49 vs
0.64 for the sequence score) because they pair scanpaths differently. This module fixes
the protocol:

- **Human consistency** (leave one observer out): for each observer ``o``, every
  scanpath of ``o`` is compared with every scanpath of every *other* observer; the
  scores are averaged per observer, and the consistency is the mean over observers.
  A scanpath is never compared with itself nor with another scanpath of the same
  observer (repeated viewings would inflate the value).
- **Model agreement**: every model scanpath is compared with every human scanpath and
  the scores are averaged per human observer, then over observers: the same weighting
  as the consistency, so the two numbers are on one scale and the consistency is the
  reference a model is compared against.

The metric is any pairwise function of this package (``scanmatch``, ``multimatch``,
``sequence_score`` with its clusters bound, ``dtw_distance``...); all pairs are scored
in one batched call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn.scanpath.scanpath import Scanpath, check_same_screen

__all__ = ["ConsistencyResult", "human_consistency", "model_agreement"]


@dataclass(frozen=True)
class ConsistencyResult:
    """Scores of a consistency or agreement computation.

    Attributes
    ----------
    mean : numpy.ndarray or float
        Mean over observers (one value per metric dimension for MultiMatch).
    per_observer : dict
        Observer -> mean score of that observer's pairs.
    n_pairs : int
        Number of scanpath pairs scored.
    """

    mean: Any
    per_observer: dict[str, Any]
    n_pairs: int


def _observers(scanpaths: Sequence[Scanpath], name: str) -> list[str]:
    check_same_screen(scanpaths, name)
    obs = [sp.observer for sp in scanpaths]
    missing = [i for i, o in enumerate(obs) if o is None]
    if missing:
        raise ValidationError(
            f"{name}[{missing[0]}] has no observer label; the protocol groups "
            "scanpaths by observer (set Scanpath(observer=...))"
        )
    return obs  # type: ignore[return-value]


def _score(metric: Callable, a: list, b: list, kwargs: dict) -> np.ndarray:
    out = np.asarray(metric(a, b, **kwargs), dtype=np.float64)
    if out.shape[0] != len(a):
        raise ValidationError(
            f"metric returned {out.shape[0]} values for {len(a)} pairs"
        )
    if np.isnan(out).any():
        raise ValidationError(
            "the metric returned NaN for some pairs; choose its short-scanpath "
            "behaviour explicitly (e.g. multimatch(..., short='raise'))"
        )
    return out


def _aggregate(scores: np.ndarray, owner: list[str]) -> ConsistencyResult:
    per = {}
    for o in dict.fromkeys(owner):
        mask = np.array([w == o for w in owner])
        per[o] = scores[mask].mean(axis=0)
    mean = np.mean(np.stack(list(per.values())), axis=0)
    if np.ndim(mean) == 0:
        mean = float(mean)
    return ConsistencyResult(mean=mean, per_observer=per, n_pairs=len(scores))


def human_consistency(
    scanpaths: Sequence[Scanpath], metric: Callable, **metric_kwargs: Any
) -> ConsistencyResult:
    """Leave-one-observer-out consistency of the scanpaths on one stimulus.

    Parameters
    ----------
    scanpaths : sequence of Scanpath
        Scanpaths on one stimulus, each with an ``observer`` label; at least two
        observers.
    metric : callable
        ``metric(a_list, b_list, **metric_kwargs)`` returning one score (or one row)
        per pair.
    **metric_kwargs
        Passed to ``metric``.

    Returns
    -------
    result : ConsistencyResult
    """
    scanpaths = list(scanpaths)
    obs = _observers(scanpaths, "scanpaths")
    if len(set(obs)) < 2:
        raise ValidationError(
            "human consistency needs scanpaths of at least 2 observers, got "
            f"{len(set(obs))}"
        )
    a, b, owner = [], [], []
    for i, si in enumerate(scanpaths):
        for j, sj in enumerate(scanpaths):
            if obs[i] != obs[j]:
                a.append(si)
                b.append(sj)
                owner.append(obs[i])
    return _aggregate(_score(metric, a, b, metric_kwargs), owner)


def model_agreement(
    model_scanpaths: Sequence[Scanpath] | Scanpath,
    human_scanpaths: Sequence[Scanpath],
    metric: Callable,
    **metric_kwargs: Any,
) -> ConsistencyResult:
    """Agreement of model scanpaths with the human scanpaths on one stimulus.

    Parameters
    ----------
    model_scanpaths : Scanpath | sequence of Scanpath
        One or several model scanpaths.
    human_scanpaths : sequence of Scanpath
        Human scanpaths with observer labels.
    metric : callable
        As for :func:`human_consistency`.
    **metric_kwargs
        Passed to ``metric``.

    Returns
    -------
    result : ConsistencyResult
        ``per_observer`` is keyed by human observer.
    """
    if isinstance(model_scanpaths, Scanpath):
        model_scanpaths = [model_scanpaths]
    model_scanpaths = list(model_scanpaths)
    human = list(human_scanpaths)
    obs = _observers(human, "human_scanpaths")
    check_same_screen(model_scanpaths + human, "model and human scanpaths")
    a, b, owner = [], [], []
    for m in model_scanpaths:
        for h, o in zip(human, obs, strict=True):
            a.append(m)
            b.append(h)
            owner.append(o)
    return _aggregate(_score(metric, a, b, metric_kwargs), owner)
