"""Input checks for the public boundary.

Messages say what was given and what is allowed (after MNE-Python's
``_validate_type`` / ``_check_option``).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError

__all__ = [
    "check_array",
    "check_int",
    "check_option",
    "check_positive",
    "check_writable_dir",
    "is_tensor",
    "validate_type",
]

_TYPE_ALIASES: dict[str, tuple[type, ...]] = {
    "int": (numbers.Integral,),
    "numeric": (numbers.Real,),
    "path-like": (str, os.PathLike),
    "str": (str,),
    "bool": (bool, np.bool_),
}


def validate_type(
    item: Any,
    types: str | type | Sequence[str | type],
    name: str,
    *,
    error: type[Exception] = ValidationError,
) -> Any:
    """Check that ``item`` is an instance of ``types``.

    Parameters
    ----------
    item : object
        The value to check.
    types : str | type | sequence of (str | type)
        Allowed types; strings ``"int"``, ``"numeric"``, ``"path-like"``, ``"str"``,
        ``"bool"`` and ``None`` are aliases.
    name : str
        Name of the argument, for the message.
    error : type of Exception
        Class of the raised exception.

    Returns
    -------
    item : object
        ``item`` unchanged.
    """
    if isinstance(types, (str, type)) or types is None:
        types = [types]
    allowed: list[type] = []
    names: list[str] = []
    for t in types:
        if t is None:
            allowed.append(type(None))
            names.append("None")
        elif isinstance(t, str):
            allowed.extend(_TYPE_ALIASES[t])
            names.append(t)
        else:
            allowed.append(t)
            names.append(t.__name__)
    ok = isinstance(item, tuple(allowed))
    if ok and isinstance(item, bool) and "bool" not in names and bool not in types:
        ok = False  # bool is an int subclass, but True is not a count
    if not ok:
        raise error(
            f"{name} must be an instance of {' or '.join(names)}, "
            f"got {type(item).__name__} ({item!r:.60})"
        )
    return item


def check_option(
    value: Any,
    allowed: Iterable[Any],
    name: str,
    *,
    error: type[Exception] = ValidationError,
) -> Any:
    """Check that ``value`` is one of ``allowed``.

    Parameters
    ----------
    value : object
        The value to check.
    allowed : iterable
        The allowed values.
    name : str
        Name of the argument, for the message.
    error : type of Exception
        Class of the raised exception.

    Returns
    -------
    value : object
        ``value`` unchanged.
    """
    allowed = list(allowed)
    if value not in allowed:
        raise error(
            f"invalid value for {name}: {value!r}; allowed values are "
            f"{', '.join(repr(a) for a in allowed)}"
        )
    return value


def check_int(
    value: Any,
    name: str,
    *,
    low: int | None = None,
    high: int | None = None,
    error: type[Exception] = ValidationError,
) -> int:
    """Check that ``value`` is an integer in ``[low, high]`` and return it as int.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Name of the argument.
    low, high : int | None
        Inclusive bounds; ``None`` leaves that side open.
    error : type of Exception
        Class of the raised exception.

    Returns
    -------
    value : int
    """
    validate_type(value, "int", name, error=error)
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise error(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return value


def check_positive(
    value: Any,
    name: str,
    *,
    strict: bool = True,
    error: type[Exception] = ValidationError,
) -> float:
    """Check that ``value`` is a finite number > 0 (or >= 0 when not ``strict``).

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Name of the argument.
    strict : bool
        Whether zero is rejected.
    error : type of Exception
        Class of the raised exception.

    Returns
    -------
    value : float
    """
    validate_type(value, "numeric", name, error=error)
    value = float(value)
    bad = not np.isfinite(value) or (value <= 0 if strict else value < 0)
    if bad:
        rel = "> 0" if strict else ">= 0"
        raise error(f"{name} must be a finite number {rel}, got {value}")
    return value


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a torch tensor, checked without importing torch.

    Parameters
    ----------
    x : object
        Any value.

    Returns
    -------
    tensor : bool
        True for ``torch.Tensor`` and its subclasses (``torch.nn.Parameter``).
    """
    return any(
        cls.__module__.partition(".")[0] == "torch" and cls.__name__ == "Tensor"
        for cls in type(x).__mro__
    )


def _dtype_kind(arr: Any) -> str:
    """numpy-style kind letter (``"b"``, ``"i"``, ``"u"``, ``"f"``, ``"c"``...)."""
    if not is_tensor(arr):
        return arr.dtype.kind
    dt = arr.dtype
    if dt.is_complex:
        return "c"
    if dt.is_floating_point:
        return "f"
    if str(dt) == "torch.bool":
        return "b"
    return "u" if str(dt) == "torch.uint8" else "i"


def _default_float(arr: Any) -> Any:
    """Cast integer or bool data to float: float64 for numpy, torch's default."""
    if is_tensor(arr):
        import torch  # already imported by whoever made the tensor

        return arr.to(torch.get_default_dtype())
    return arr.astype(np.float64)


def _shape_str(shape: Sequence[int | None]) -> str:
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _as_array(x: Any, name: str, error: type[Exception]) -> Any:
    if is_tensor(x):
        return x.detach()
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "tocsr") or hasattr(x, "todense"):
        raise error(
            f"{name} is a sparse matrix ({type(x).__name__}): sparse input is not "
            "supported, convert it with .toarray()"
        )
    try:
        return np.asarray(x)
    except Exception as err:  # ragged lists and the like
        raise error(f"{name} could not be read as an array: {err}") from None


def check_array(
    x: Any,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    min_ndim: int | None = None,
    shape: Sequence[int | None] | None = None,
    dtype: str | None = "floating",
    finite: bool = True,
    low: float | None = None,
    high: float | None = None,
    min_size: int = 1,
    error: type[Exception] = ValidationError,
) -> Any:
    """Check the rank, shape, dtype and values of an array or a tensor.

    numpy arrays stay numpy arrays and torch tensors stay tensors on their device
    (detached from the autograd graph); anything else (lists, scalars) is read with
    :func:`numpy.asarray`. Value checks on a tensor are reductions computed on its
    device: only their scalar results reach the host.

    Parameters
    ----------
    x : array-like | torch.Tensor
        The input.
    name : str
        Name of the argument, for the message.
    ndim : int | sequence of int | None
        Allowed numbers of dimensions.
    min_ndim : int | None
        Smallest allowed number of dimensions.
    shape : sequence of (int | None) | None
        Required shape; ``None`` entries accept any length on that axis.
    dtype : {"floating", "float", "numeric", "integer", "bool"} | None
        Required kind. ``"floating"`` accepts floats and casts integer and bool
        input to float (float64 for numpy, :func:`torch.get_default_dtype` for
        tensors); ``"float"`` accepts floats only (e.g. images in [0, 1], where
        integers are likely 0-255 data); ``"numeric"`` accepts bool, integers and
        floats unchanged; ``None`` accepts anything.
    finite : bool
        Whether NaN and inf are rejected (float data only).
    low, high : float | None
        Inclusive bounds on the values (e.g. ``0`` and ``1`` for images);
        ``None`` leaves that side open.
    min_size : int
        Minimum number of elements.
    error : type of Exception
        Class of the raised exception (e.g. :class:`~cogattn.SpecError`).

    Returns
    -------
    arr : numpy.ndarray | torch.Tensor
        The checked input, cast to float when ``dtype="floating"`` asked for it.

    Raises
    ------
    ValidationError
        (or ``error``) naming the argument, what was given and what is allowed.
    """
    arr = _as_array(x, name, error)
    got = tuple(arr.shape)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            hint = (
                "; Reshape your data with .reshape(-1, 1) for a single feature or "
                ".reshape(1, -1) for a single sample"
                if allowed == (2,) and arr.ndim == 1
                else ""
            )
            raise error(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s), "
                f"got shape {got}{hint}"
            )
    if min_ndim is not None and arr.ndim < min_ndim:
        raise error(
            f"{name} must have at least {min_ndim} dimension(s), got shape {got}"
        )
    if shape is not None and (
        len(shape) != arr.ndim
        or any(s is not None and s != g for s, g in zip(shape, got, strict=False))
    ):
        raise error(f"{name} must have shape {_shape_str(shape)}, got shape {got}")
    kind = _dtype_kind(arr)
    if dtype == "floating":
        if kind in "biu":
            arr = _default_float(arr)
        elif kind == "c":
            raise error(
                f"{name} must hold real numbers (float dtype), got dtype "
                f"{arr.dtype}: Complex data not supported"
            )
        elif kind != "f":
            raise error(
                f"{name} must hold real numbers (float dtype), got dtype {arr.dtype}"
            )
    elif dtype == "float" and kind != "f":
        what = "tensor" if is_tensor(arr) else "array"
        hint = "; divide by 255" if str(arr.dtype).endswith("uint8") else ""
        raise error(
            f"{name} must be a float {what} (a floating-point dtype), got dtype "
            f"{arr.dtype}{hint}"
        )
    elif dtype == "numeric" and kind not in "biuf":
        raise error(f"{name} must be numeric, got dtype {arr.dtype}")
    elif dtype == "integer" and kind not in "iu":
        raise error(f"{name} must hold integers, got dtype {arr.dtype}")
    elif dtype == "bool" and kind != "b":
        raise error(f"{name} must be boolean, got dtype {arr.dtype}")
    size = int(np.prod(got, dtype=np.int64))
    if size < min_size:
        raise error(f"{name} must have at least {min_size} element(s), got shape {got}")
    floating = _dtype_kind(arr) == "f"
    if finite and floating and size:
        n_bad = _count_nonfinite(arr)
        if n_bad:
            raise error(
                f"{name} contains {n_bad} NaN or infinite value(s); remove or impute "
                "them"
            )
    if (low is not None or high is not None) and size and kind in "biuf":
        lo, hi = _extremes(arr)
        if (low is not None and lo < low) or (high is not None and hi > high):
            lo_s = "-inf" if low is None else f"{low:g}"
            hi_s = "inf" if high is None else f"{high:g}"
            raise error(
                f"{name} must have values in [{lo_s}, {hi_s}], got values in "
                f"[{lo:.4g}, {hi:.4g}]"
            )
    return arr


def _count_nonfinite(arr: Any) -> int:
    """Count NaN and inf entries with reductions on the data's device."""
    if is_tensor(arr):
        import torch

        lo, hi = torch.aminmax(arr)  # NaN propagates, inf shows at the ends
        if bool(torch.isfinite(lo) & torch.isfinite(hi)):
            return 0
        return int((~torch.isfinite(arr)).sum())
    if np.isfinite(arr.min()) and np.isfinite(arr.max()):
        return 0
    return int((~np.isfinite(arr)).sum())


def _extremes(arr: Any) -> tuple[float, float]:
    if is_tensor(arr):
        import torch

        if _dtype_kind(arr) == "b":
            arr = arr.to(torch.uint8)
        lo, hi = torch.aminmax(arr)
        return float(lo), float(hi)
    return float(arr.min()), float(arr.max())


def check_writable_dir(path: str | os.PathLike, name: str = "output folder") -> Path:
    """Check that ``path`` is, or can be created as, a writable folder.

    Nothing is created: the nearest existing parent must be a writable folder.

    Parameters
    ----------
    path : path-like
        The folder.
    name : str
        What the folder is, for the message.

    Returns
    -------
    path : pathlib.Path
    """
    path = Path(path)
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ValidationError(f"{name} {str(path)!r}: {str(probe)!r} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValidationError(f"{name} {str(path)!r} is not writable")
    return path
