"""Input checks shared by the ridge estimators: data, alphas and folds."""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int, check_option, is_tensor

__all__ = [
    "ALPHA_MAX",
    "check_alpha_max",
    "check_alphas",
    "check_finite_sums",
    "check_folds",
    "check_index_bounds",
    "check_ridge_data",
    "check_score_func",
    "check_solver",
    "check_targets_batch",
    "check_x_predict",
]

SCORE_FUNCS = ("r2", "r")
SOLVERS = ("auto", "primal", "kernel")

#: largest regularisation strength accepted: ``1 / alpha**2`` stays a normal
#: float64 (``alpha**2 < 1.8e308``), so the CV scores do not underflow to zero
ALPHA_MAX = 1e150


def _check_data(x: Any, name: str, ndim: tuple[int, ...]) -> Any:
    """Check one data argument; numpy stays numpy, a tensor stays on its device."""
    if x is None:
        raise ValidationError(
            f"{name} is None; this estimator requires y to be passed, but the "
            "target y is None"
        )
    arr = check_array(x, name, ndim=ndim, dtype="floating", min_size=0)
    if arr.ndim >= 1 and arr.shape[0] == 0:
        raise ValidationError(
            f"{name} has 0 sample(s) (shape={tuple(arr.shape)}) while a minimum of "
            "1 is required."
        )
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValidationError(
            f"{name} has 0 feature(s) (shape={tuple(arr.shape)}) while a minimum of "
            "1 is required."
        )
    return arr


def _is_float32(arr: Any) -> bool:
    return str(arr.dtype).removeprefix("torch.") == "float32"


def check_ridge_data(
    X: Any, Y: Any, *, x_name: str = "X", y_name: str = "y"
) -> tuple[np.ndarray, np.ndarray, bool, Any]:
    """Check the training data of a ridge estimator.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features (numpy array or torch tensor), real-valued and finite.
    Y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets.
    x_name, y_name : str
        Argument names used in messages.

    Returns
    -------
    X : numpy.ndarray | torch.Tensor of shape (n_samples, n_features)
        Float data; a tensor stays a tensor on its device.
    Y : numpy.ndarray | torch.Tensor of shape (n_samples, n_targets)
        Float data; a tensor stays a tensor on its device.
    ravel : bool
        Whether ``Y`` was one-dimensional.
    dtype : numpy dtype
        ``float32`` when both inputs are float32, else ``float64``.
    """
    Xn = _check_data(X, x_name, (2,))
    Yn = _check_data(Y, y_name, (1, 2))
    if Xn.shape[0] != Yn.shape[0]:
        raise ValidationError(
            f"{x_name} and {y_name} must have the same number of samples, got "
            f"{x_name} with {Xn.shape[0]} and {y_name} with {Yn.shape[0]}"
        )
    ravel = Yn.ndim == 1
    if ravel:
        Yn = Yn[:, None]
    both32 = _is_float32(Xn) and _is_float32(Yn)
    dtype = np.dtype(np.float32 if both32 else np.float64)
    return Xn, Yn, ravel, dtype


def check_x_predict(X: Any, n_features: int, owner: str) -> np.ndarray:
    """Check the features given to ``predict``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features.
    n_features : int
        Number of features seen in ``fit``.
    owner : str
        Class name, for the message.

    Returns
    -------
    X : numpy.ndarray | torch.Tensor of shape (n_samples, n_features)
        A tensor stays a tensor on its device.
    """
    Xn = _check_data(X, "X", (2,))
    if Xn.shape[1] != n_features:
        raise ValidationError(
            f"X has {Xn.shape[1]} features, but {owner} is expecting {n_features} "
            "features as input"
        )
    return Xn


def check_alphas(alphas: Any, name: str = "alphas") -> np.ndarray:
    """Check regularisation strengths: a 1-D array of finite values > 0.

    Parameters
    ----------
    alphas : float | array-like of shape (n_alphas,)
        Candidate strengths.
    name : str
        Argument name.

    Returns
    -------
    alphas : numpy.ndarray of shape (n_alphas,), float64
    """
    if isinstance(alphas, numbers.Real) and not isinstance(alphas, bool):
        alphas = [alphas]
    if is_tensor(alphas):  # a handful of hyper-parameters, read on the host
        alphas = alphas.tolist()
    arr = check_array(alphas, name, ndim=1, dtype="floating", finite=True)
    if np.any(arr <= 0):
        raise ValidationError(
            f"{name} must all be > 0, got {arr[arr <= 0][:5].tolist()} among "
            f"{arr.size} value(s)"
        )
    check_alpha_max(arr, name)
    return arr.astype(np.float64)


def check_alpha_max(arr: np.ndarray, name: str) -> None:
    """Check that finite regularisation strengths are at most :data:`ALPHA_MAX`.

    Parameters
    ----------
    arr : numpy.ndarray
        Strengths, already checked finite and > 0.
    name : str
        Argument name.

    Raises
    ------
    ValidationError
        When a value exceeds :data:`ALPHA_MAX`.
    """
    big = arr[arr > ALPHA_MAX]
    if big.size:
        raise ValidationError(
            f"{name} must be finite and at most {ALPHA_MAX:g} (larger strengths "
            f"underflow 1 / alpha**2 in float64); got {float(big[0]):g}"
        )


def check_finite_sums(arr: Any, name: str) -> None:
    """Check that sums of squares or products (a small Gram matrix) are finite.

    Parameters
    ----------
    arr : numpy.ndarray | torch.Tensor
        Sums over samples of squares or products of the data, computed from
        finite data; a non-finite entry means they overflowed float64.
    name : str
        The data the sums come from (``"X"``, ``"stimulus"``), for the message.

    Raises
    ------
    ValidationError
        When an entry is infinite or NaN.
    """
    if is_tensor(arr):
        import torch

        ok = bool(torch.isfinite(arr).all())
    else:
        ok = bool(np.isfinite(arr).all())
    if not ok:
        raise ValidationError(
            f"{name}'s sums of squares overflow float64; rescale the features "
            "(e.g. standardise them)"
        )


def check_score_func(score_func: Any) -> str:
    """Check the CV score name: ``"r2"`` or ``"r"`` (Pearson correlation)."""
    return check_option(score_func, SCORE_FUNCS, "score_func")


def check_solver(solver: Any) -> str:
    """Check the solver name: ``"auto"``, ``"primal"`` or ``"kernel"``."""
    return check_option(solver, SOLVERS, "solver")


def check_targets_batch(n_targets_batch: Any, n_targets: int, default: int) -> int:
    """Check ``n_targets_batch`` (None or int >= 1) and return the batch size."""
    if n_targets_batch is None:
        return default
    return min(check_int(n_targets_batch, "n_targets_batch", low=1), n_targets)


def check_index_bounds(idx: np.ndarray, size: int, name: str) -> None:
    """Check that every index of a non-empty integer array lies in ``[0, size)``.

    Parameters
    ----------
    idx : numpy.ndarray of int
        Indices, at least one.
    size : int
        Length of the axis they index.
    name : str
        What the indices select, for the message (``"cv test"``, ``"groups[1]"``).

    Raises
    ------
    ValidationError
        When an index is negative or ``>= size``.
    """
    if idx.min() < 0 or idx.max() >= size:
        raise ValidationError(
            f"{name} indices must lie in [0, {size - 1}], got values in "
            f"[{idx.min()}, {idx.max()}]"
        )


def _check_index(idx: Any, n_samples: int, what: str) -> np.ndarray:
    arr = np.asarray(idx)
    if arr.dtype.kind == "b":
        if arr.shape != (n_samples,):
            raise ValidationError(
                f"cv {what} mask must have shape ({n_samples},), got {arr.shape}"
            )
        arr = np.flatnonzero(arr)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValidationError(
            f"cv {what} indices must be a 1-D integer array, got shape "
            f"{arr.shape} and dtype {arr.dtype}"
        )
    if arr.size == 0:
        raise ValidationError(f"cv gave an empty {what} set; every fold needs samples")
    check_index_bounds(arr, n_samples, f"cv {what}")
    return arr.astype(np.int64)


def check_folds(cv: Any, n_samples: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Turn ``cv`` into a list of (train, test) index arrays.

    Parameters
    ----------
    cv : int | splitter | iterable of (train, test)
        An int gives contiguous, unshuffled K-fold (neural time series must not be
        shuffled); a scikit-learn splitter (anything with ``split``) is used as is;
        otherwise an iterable of (train, test) index pairs.
    n_samples : int
        Number of samples.

    Returns
    -------
    folds : list of (train, test) int64 arrays
    """
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        n_splits = check_int(cv, "cv", low=2)
        if n_samples < n_splits:
            raise ValidationError(
                f"cv={n_splits} folds need at least {n_splits} samples, got "
                f"n_samples={n_samples}"
            )
        # same fold sizes as sklearn KFold: the first n % k folds get one more
        sizes = np.full(n_splits, n_samples // n_splits, dtype=np.int64)
        sizes[: n_samples % n_splits] += 1
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        all_idx = np.arange(n_samples)
        return [
            (
                np.concatenate([all_idx[:start], all_idx[stop:]]),
                all_idx[start:stop],
            )
            for start, stop in itertools.pairwise(bounds)
        ]
    text = isinstance(cv, (str, bytes))  # str.split is no splitter
    if hasattr(cv, "split") and not text:
        try:
            pairs = list(cv.split(np.zeros((n_samples, 1))))
        except ValueError as err:
            raise ValidationError(
                f"cv splitter {cv!r} cannot split n_samples={n_samples}: {err}"
            ) from None
    elif isinstance(cv, Iterable) and not text:
        pairs = list(cv)
    else:
        raise ValidationError(
            "cv must be an int >= 2, a splitter with a split method, or a list of "
            f"(train, test) index pairs, got {type(cv).__name__} ({cv!r:.60})"
        )
    if not pairs:
        raise ValidationError("cv gave no (train, test) pairs")
    folds = []
    for pair in pairs:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValidationError(
                f"each cv entry must be a (train, test) pair, got {pair!r:.60}"
            )
        folds.append(
            (
                _check_index(pair[0], n_samples, "train"),
                _check_index(pair[1], n_samples, "test"),
            )
        )
    return folds
