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
    item: Any, types: str | type | Sequence[str | type], name: str
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
        raise ValidationError(
            f"{name} must be an instance of {' or '.join(names)}, "
            f"got {type(item).__name__} ({item!r:.60})"
        )
    return item


def check_option(value: Any, allowed: Iterable[Any], name: str) -> Any:
    """Check that ``value`` is one of ``allowed``.

    Parameters
    ----------
    value : object
        The value to check.
    allowed : iterable
        The allowed values.
    name : str
        Name of the argument, for the message.

    Returns
    -------
    value : object
        ``value`` unchanged.
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ValidationError(
            f"invalid value for {name}: {value!r}; allowed values are "
            f"{', '.join(repr(a) for a in allowed)}"
        )
    return value


def check_int(
    value: Any, name: str, *, low: int | None = None, high: int | None = None
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

    Returns
    -------
    value : int
    """
    validate_type(value, "int", name)
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValidationError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return value


def check_positive(value: Any, name: str, *, strict: bool = True) -> float:
    """Check that ``value`` is a finite number > 0 (or >= 0 when not ``strict``).

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Name of the argument.
    strict : bool
        Whether zero is rejected.

    Returns
    -------
    value : float
    """
    validate_type(value, "numeric", name)
    value = float(value)
    bad = not np.isfinite(value) or (value <= 0 if strict else value < 0)
    if bad:
        rel = "> 0" if strict else ">= 0"
        raise ValidationError(f"{name} must be a finite number {rel}, got {value}")
    return value


def check_array(
    x: Any,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    dtype: str | None = "floating",
    finite: bool = True,
    min_size: int = 1,
) -> np.ndarray:
    """Convert ``x`` to a numpy array and check its rank, dtype and values.

    Parameters
    ----------
    x : array-like
        The input.
    name : str
        Name of the argument, for the message.
    ndim : int | sequence of int | None
        Allowed numbers of dimensions.
    dtype : {"floating", "numeric", "integer", "bool"} | None
        Required kind; ``"floating"`` casts integer input to float64 and rejects
        other kinds, ``None`` accepts anything.
    finite : bool
        Whether NaN and inf are rejected.
    min_size : int
        Minimum number of elements.

    Returns
    -------
    arr : numpy.ndarray
    """
    try:
        arr = np.asarray(x)
    except Exception as err:  # ragged lists and the like
        raise ValidationError(f"{name} could not be read as an array: {err}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValidationError(
                f"{name} must have {' or '.join(map(str, allowed))} dimension(s), "
                f"got shape {arr.shape}"
            )
    kind = arr.dtype.kind
    if dtype == "floating":
        if kind in "biu":
            arr = arr.astype(np.float64)
        elif kind != "f":
            raise ValidationError(
                f"{name} must hold real numbers (float dtype), got dtype {arr.dtype}"
            )
    elif dtype == "numeric" and kind not in "biuf":
        raise ValidationError(f"{name} must be numeric, got dtype {arr.dtype}")
    elif dtype == "integer" and kind not in "iu":
        raise ValidationError(f"{name} must hold integers, got dtype {arr.dtype}")
    elif dtype == "bool" and kind != "b":
        raise ValidationError(f"{name} must be boolean, got dtype {arr.dtype}")
    if arr.size < min_size:
        raise ValidationError(
            f"{name} must have at least {min_size} element(s), got shape {arr.shape}"
        )
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        n_bad = int((~np.isfinite(arr)).sum())
        raise ValidationError(
            f"{name} contains {n_bad} NaN or infinite value(s); remove or impute them"
        )
    return arr


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
