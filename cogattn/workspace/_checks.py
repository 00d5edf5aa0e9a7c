"""Input checks shared by the workspace modules (numpy arrays and torch tensors)."""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.backend import infer_backend
from cogattn._core.errors import ValidationError

__all__ = ["check_tensor"]


def check_tensor(x: Any, name: str, min_ndim: int) -> Any:
    """Check rank, float dtype, emptiness and finiteness of an array or tensor.

    Parameters
    ----------
    x : array-like or torch.Tensor
        The input; lists are read as numpy arrays, integers cast to float64.
    name : str
        Name of the argument, for the message.
    min_ndim : int
        Minimum number of dimensions.

    Returns
    -------
    x : numpy.ndarray or torch.Tensor
        The checked input (torch tensors unchanged).
    """
    if type(x).__module__.startswith("torch"):
        if not x.is_floating_point():
            raise ValidationError(
                f"{name} must hold real numbers (float dtype), got dtype {x.dtype}"
            )
    else:
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x)
            except Exception as err:
                raise ValidationError(
                    f"{name} could not be read as an array: {err}"
                ) from None
        if x.dtype.kind in "biu":
            x = x.astype(np.float64)
        elif x.dtype.kind != "f":
            raise ValidationError(
                f"{name} must hold real numbers (float dtype), got dtype {x.dtype}"
            )
    if x.ndim < min_ndim:
        raise ValidationError(
            f"{name} must have at least {min_ndim} dimension(s), got shape "
            f"{tuple(x.shape)}"
        )
    if any(s == 0 for s in x.shape):
        raise ValidationError(f"{name} must not be empty, got shape {tuple(x.shape)}")
    backend = infer_backend(x)
    # max and min propagate NaN and expose +-inf, without a boolean copy of x
    extremes = backend.to_numpy(backend.stack([backend.max(x), backend.min(x)]))
    if not np.all(np.isfinite(extremes)):
        raise ValidationError(
            f"{name} contains NaN or infinite values; remove or impute them"
        )
    return x
