"""Functional alignment across subjects: Procrustes, hyperalignment, SRM.

- :func:`procrustes`, :class:`Procrustes`: orthogonal / scaled Procrustes;
- :class:`Hyperalignment`: Procrustes to an iteratively updated template;
- :class:`SRM`: shared response model, deterministic and probabilistic (EM);
- :func:`alignment_generalisation`: fit an alignment on one part of the samples
  (e.g. the first half of a scan) and measure, on held-out samples, how well each
  subject's aligned data correlate with the others' (leave-one-subject-out);
- torch subject adapters with a shared decoder live in
  :mod:`cogattn.encoders.adapters` (imported on demand, as they need torch).

Equations are in the docstrings of the private modules ``_alignment_procrustes``
and ``_alignment_srm``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_option, check_positive
from cogattn.encoders._alignment_checks import check_subjects
from cogattn.encoders._alignment_procrustes import (
    Hyperalignment,
    Procrustes,
    procrustes,
)
from cogattn.encoders._alignment_srm import SRM
from cogattn.encoders.scores import pearson_per_target

__all__ = [
    "SRM",
    "Hyperalignment",
    "Procrustes",
    "alignment_generalisation",
    "procrustes",
]

# the estimators are documented and pickled under this public module, not the private
# modules that hold their code
for _cls in (SRM, Hyperalignment, Procrustes):
    _cls.__module__ = __name__
del _cls


def _zscore(a: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=0)
    sd = a.std(axis=0)
    return a / np.where(sd > 0, sd, 1.0)


def alignment_generalisation(
    subjects: Sequence[Any],
    method: str = "hyperalignment",
    train_fraction: float = 0.5,
    n_components: int = 10,
    n_iter: int = 5,
    random_state: Any = None,
) -> dict[str, np.ndarray]:
    """Leave-one-subject-out generalisation of an alignment to held-out samples.

    The samples are split in time: the first ``train_fraction`` fits the
    alignment, the rest tests it. For each subject ``s``, the alignment is fitted
    on the other subjects' training samples, ``s`` is added against the fixed
    template / shared response with its own training samples, and its held-out
    aligned data are correlated, feature by feature, with the mean of the other
    subjects' held-out aligned data. The baseline correlates the raw z-scored data
    feature by feature (meaningful when subjects share the feature space, e.g. an
    anatomical template).

    Parameters
    ----------
    subjects : list of array-like of shape (n_samples, n_features_i)
        At least 3 subjects with the same samples in the same order.
    method : {"hyperalignment", "srm", "srm_probabilistic"}
        Alignment to evaluate.
    train_fraction : float
        Fraction of the samples (from the start) used to fit, in (0, 1).
    n_components : int
        Shared dimensions for SRM.
    n_iter : int
        Template updates (hyperalignment) or iterations (SRM).
    random_state : int | numpy.random.Generator | None
        Random state of SRM's initialisation.

    Returns
    -------
    result : dict
        ``"aligned_r"`` (n_subjects,) mean held-out correlation after alignment;
        ``"baseline_r"`` (n_subjects,) without alignment (NaN when the subjects'
        feature counts differ).
    """
    xs = check_subjects(subjects, min_subjects=3)
    method = check_option(
        method, ("hyperalignment", "srm", "srm_probabilistic"), "method"
    )
    train_fraction = check_positive(train_fraction, "train_fraction")
    if train_fraction >= 1:
        raise ValidationError(f"train_fraction must be in (0, 1), got {train_fraction}")
    n = xs[0].shape[0]
    cut = int(train_fraction * n)
    if cut < 3 or n - cut < 3:
        raise ValidationError(
            f"{n} samples cannot be split at {train_fraction} into at least 3 "
            "training and 3 test samples"
        )
    same_width = len({x.shape[1] for x in xs}) == 1
    aligned_r = np.empty(len(xs))
    baseline_r = np.full(len(xs), np.nan)
    for s in range(len(xs)):
        others = [i for i in range(len(xs)) if i != s]
        train = [xs[i][:cut] for i in others]
        test = [xs[i][cut:] for i in others]
        if method == "hyperalignment":
            model = Hyperalignment(n_iter=n_iter, reference=None if same_width else 0)
            model.fit(train)
            new = model.add_subject(xs[s][:cut])
            others_aligned = model.transform(test)
            mine = new.transform(xs[s][cut:])
        else:
            model = SRM(
                n_components=n_components,
                method="deterministic" if method == "srm" else "probabilistic",
                n_iter=n_iter,
                random_state=random_state,
            ).fit(train)
            model.add_subject(xs[s][:cut])
            out = model.transform([*test, xs[s][cut:]])
            others_aligned, mine = out[:-1], out[-1]
        group = np.mean([_zscore(a) for a in others_aligned], axis=0)
        aligned_r[s] = pearson_per_target(_zscore(mine), group).mean()
        if same_width:
            raw = np.mean([_zscore(xs[i][cut:]) for i in others], axis=0)
            baseline_r[s] = pearson_per_target(_zscore(xs[s][cut:]), raw).mean()
    return {"aligned_r": aligned_r, "baseline_r": baseline_r}
