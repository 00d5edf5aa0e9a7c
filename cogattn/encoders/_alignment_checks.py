"""Input checks shared by the alignment estimators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, is_tensor


def check_matrix(x: Any, name: str, min_rows: int = 2) -> np.ndarray:
    """Return a finite float64 matrix (n_samples, n_features); name NaN channels."""
    x = x.detach().cpu().numpy() if is_tensor(x) else x
    a = np.asarray(check_array(x, name, ndim=2, finite=False), dtype=np.float64)
    bad = ~np.isfinite(a)
    if bad.any():
        cols = np.flatnonzero(bad.any(axis=0))
        raise ValidationError(
            f"{name} has NaN or infinite values in {cols.size} channel(s) "
            f"(first: {cols[:5].tolist()}); drop or impute those channels first"
        )
    if a.shape[0] < min_rows:
        raise ValidationError(
            f"{name} needs at least {min_rows} samples, got {a.shape[0]}"
        )
    return a


def check_subjects(
    subjects: Sequence[Any], name: str = "subjects", min_subjects: int = 2
) -> list[np.ndarray]:
    """Return per-subject matrices that share the number of samples (rows)."""
    if isinstance(subjects, np.ndarray) and subjects.ndim == 3:
        subjects = list(subjects)
    if not isinstance(subjects, (list, tuple)):
        raise ValidationError(
            f"{name} must be a list of arrays of shape (n_samples, n_features_i), "
            f"got {type(subjects).__name__}"
        )
    if len(subjects) < min_subjects:
        raise ValidationError(
            f"{name} needs at least {min_subjects} subjects, got {len(subjects)}"
        )
    out = [check_matrix(s, f"{name}[{i}]") for i, s in enumerate(subjects)]
    counts = [s.shape[0] for s in out]
    if len(set(counts)) > 1:
        raise ValidationError(
            f"every subject must have the same number of samples (time points or "
            f"stimuli, in the same order), got {counts}"
        )
    return out
