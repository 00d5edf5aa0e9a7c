"""Checked inputs of temporal response functions: trials, alphas and folds."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int, is_tensor

__all__ = [
    "as_trials",
    "check_alphas",
    "check_pairs",
    "to_host",
    "trial_folds",
    "trials_on",
]


def as_trials(data: Any, name: str) -> list[np.ndarray]:
    """Convert one trial or a list of trials to a list of float64 2-D arrays.

    Parameters
    ----------
    data : array-like | list of array-like
        A list of ``(n_times, n_features)`` trials, one 2-D array (one trial), a 1-D
        array (one trial, one feature) or a 3-D array ``(n_trials, n_times,
        n_features)``. Torch tensors are accepted and copied to the host.
    name : str
        Argument name, for messages.

    Returns
    -------
    trials : list of ndarray of shape (n_times, n_features)
    """
    return _check_trials(data, name, keep_tensors=False)


def _check_trials(data: Any, name: str, *, keep_tensors: bool) -> list[Any]:
    """Validate trials; with ``keep_tensors`` a tensor is checked on its device."""
    if is_tensor(data) and not keep_tensors:
        data = data.detach().cpu().numpy()
    if isinstance(data, (list, tuple)):
        if len(data) == 0:
            raise ValidationError(f"{name} must hold at least one trial, got none")
        items = list(data)
    else:
        arr = check_array(data, name, ndim=(1, 2, 3))
        items = list(arr) if arr.ndim == 3 else [arr]
    out = []
    for k, item in enumerate(items):
        if is_tensor(item) and not keep_tensors:
            item = item.detach().cpu().numpy()
        arr = check_array(item, f"{name}[{k}]", ndim=(1, 2))
        arr = arr[:, None] if arr.ndim == 1 else arr
        out.append(arr if is_tensor(arr) else np.ascontiguousarray(arr, np.float64))
    n_feat = {a.shape[1] for a in out}
    if len(n_feat) > 1:
        raise ValidationError(
            f"every trial of {name} must have the same number of columns, got "
            f"{sorted(n_feat)}"
        )
    return out


def trials_on(data: Any, name: str, backend: ModuleType) -> list[Any]:
    """Validate trials and put them on ``backend`` as float64.

    The numpy backend gets host arrays (:func:`as_trials`); a torch backend gets
    tensors on its device, validated where they are, so a CUDA tensor never goes
    through host memory.
    """
    if backend.name == "numpy":
        return as_trials(data, name)
    trials = _check_trials(data, name, keep_tensors=True)
    return [backend.asarray(t, dtype=backend.float64) for t in trials]


def to_host(x: Any) -> np.ndarray:
    """Return a small fitted array (coefficients) as numpy, e.g. for MNE."""
    return x.detach().cpu().numpy() if is_tensor(x) else np.asarray(x)


def check_alphas(alpha: Any) -> np.ndarray:
    """Validate ridge penalties: a positive number or a 1-D array of them.

    Parameters
    ----------
    alpha : float | array-like
        Penalties.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    """
    arr = check_array(alpha, "alpha", ndim=(0, 1), dtype="floating")
    arr = np.atleast_1d(arr).astype(np.float64)
    if np.any(arr <= 0):
        raise ValidationError(
            f"alpha must be > 0 (ridge penalty), got {arr[arr <= 0][:5].tolist()}"
        )
    return arr


def trial_folds(n_trials: int, cv: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cross-validation folds over trials (never over samples).

    Parameters
    ----------
    n_trials : int
        Number of trials.
    cv : int | object with ``split`` | list of (train, test)
        ``int``: that many contiguous folds of trials, in order; a scikit-learn
        splitter is called on the trial indices.

    Returns
    -------
    folds : list of (ndarray, ndarray)
        Train and test trial indices.
    """
    if hasattr(cv, "split"):
        folds = [
            (np.asarray(a), np.asarray(b)) for a, b in cv.split(np.arange(n_trials))
        ]
    elif isinstance(cv, (list, tuple)):
        folds = [(np.asarray(a), np.asarray(b)) for a, b in cv]
    else:
        k = check_int(cv, "cv", low=2)
        if k > n_trials:
            raise ValidationError(
                f"cv={k} folds need at least {k} trials, got {n_trials} trial(s); "
                "split the recording into more trials or lower cv"
            )
        tests = np.array_split(np.arange(n_trials), k)
        folds = [(np.setdiff1d(np.arange(n_trials), t), t) for t in tests]
    for k, (train, test) in enumerate(folds):
        if len(train) == 0 or len(test) == 0:
            raise ValidationError("every cv fold needs training and test trials")
        for name, idx in (("train", train), ("test", test)):
            if idx.ndim != 1 or idx.dtype.kind not in "iu":
                raise ValidationError(
                    f"cv fold {k}: {name} must be a 1-D array of trial indices "
                    f"(integers), got dtype {idx.dtype} and shape {idx.shape}"
                )
            bad = idx[(idx < 0) | (idx >= n_trials)]
            if bad.size:
                raise ValidationError(
                    f"cv fold {k}: {name} holds trial index {int(bad[0])}; there are "
                    f"{n_trials} trials, indexed 0 to {n_trials - 1}"
                )
            if np.unique(idx).size != idx.size:
                raise ValidationError(f"cv fold {k}: {name} lists a trial twice")
    return folds


def check_pairs(stim: list[np.ndarray], resp: list[np.ndarray]) -> None:
    """Check that stimulus and response trials pair up (count and lengths)."""
    if len(stim) != len(resp):
        raise ValidationError(
            f"stimulus and response must have the same number of trials, got "
            f"{len(stim)} and {len(resp)}"
        )
    for k, (s, r) in enumerate(zip(stim, resp, strict=True)):
        if s.shape[0] != r.shape[0]:
            raise ValidationError(
                f"trial {k}: stimulus has {s.shape[0]} samples but response has "
                f"{r.shape[0]}; every trial pair must have the same length"
            )
