"""Cross-validation folds of a TRF fit as groups of trials' statistics.

Statistics add over trials (:mod:`cogattn.encoders._trf_stats`). For k-fold
cross-validation each fold's test set is one group, summed as its trials come; for
other folds every trial is kept and each fold sums its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn.encoders._trf_stats import LaggedStats

__all__ = ["fold_sums", "stat_groups"]


def stat_groups(
    folds: list[tuple[np.ndarray, np.ndarray]], n_trials: int
) -> tuple[list[list[int]], bool]:
    """Return the groups of trials whose statistics are summed as they come.

    Returns the groups and whether they are the folds' test sets of a k-fold
    cross-validation (disjoint, covering every trial, each fold training on all
    the others). Without folds, one group holds every trial; for other folds,
    each trial is a group.
    """
    if not folds:
        return [list(range(n_trials))], False
    every = np.arange(n_trials)
    tests = [np.sort(np.asarray(test, dtype=np.int64).ravel()) for _, test in folds]
    flat = np.concatenate(tests)
    kfold = flat.size == n_trials and np.array_equal(np.sort(flat), every)
    kfold = kfold and all(
        np.array_equal(np.setdiff1d(every, train), test)
        for (train, _), test in zip(folds, tests, strict=True)
    )
    if kfold:
        return [t.tolist() for t in tests], True
    return [[t] for t in range(n_trials)], False


def fold_sums(
    stats: list[Any], folds: list[tuple[np.ndarray, np.ndarray]], kfold: bool
) -> list[tuple[Any, Any]]:
    """Return every fold's statistics of held-out and of non-training trials.

    ``stats`` are the groups' sums from :func:`stat_groups`. For k-fold both are
    the fold's group. Otherwise each is a fresh sum of per-trial statistics (a
    trial may be held out by several folds): a fold trains on its ``train``
    trials, which need not be all the trials it does not test (``None``: it
    trains on every trial).
    """
    if kfold:
        return [(st, st) for st in stats]
    every = np.arange(len(stats))
    out = []
    for train, test in folds:
        test = np.sort(np.asarray(test, dtype=np.int64).ravel())
        test_st = LaggedStats.sum([stats[t] for t in test])
        rest = np.setdiff1d(every, train)
        if np.array_equal(rest, test):
            out.append((test_st, test_st))
        else:
            rest_st = LaggedStats.sum([stats[t] for t in rest]) if rest.size else None
            out.append((test_st, rest_st))
    return out
