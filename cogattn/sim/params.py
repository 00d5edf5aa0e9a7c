"""Parameter declarations: what an experiment's spec may set, checked before a run.

An experiment declares its parameters once, as a ``params`` mapping on its class,
usually built from the function its ``trial`` passes the parameters to::

    @experiment("hebbian_memory")
    class HebbianMemoryExperiment:
        params = declare_params(
            run_point,
            d_k=Param(int, low=1, high=8192),
            load=Param(float, low=0.0, high=64.0, low_open=True),
            backend=Param(str, choices=("numpy", "torch", "torch_cuda")),
        )

:func:`declare_params` takes each parameter's default from the function's
signature (so defaults are written in one place) and refuses a declared name that
the function has no argument for. :func:`check_params` checks a spec's ``[fixed]``
and ``[grid]`` against the declaration before anything is written: an unknown name
is refused with the closest known one ("did you mean 'd_v'?"), a bad value with one
line naming the field (``grid.d_k[1]``), and a parameter without a default must be
given. Values are checked, never converted, so task keys stay what they were.
Experiments without ``params`` are not checked. ``params`` may also be a static
method returning the mapping, when the declaration needs a module that is heavy to
import (it is then imported only when a spec is checked).
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cogattn._core.errors import SpecError
from cogattn._core.validation import check_option, validate_type

__all__ = ["REQUIRED", "Param", "check_params", "declare_params"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a parameter that every spec must set.
REQUIRED: Any = _Required()

_TYPE_NAMES = {int: "int", float: "numeric", str: "str", bool: "bool"}


@dataclass(frozen=True)
class Param:
    """The declaration of one parameter.

    Parameters
    ----------
    type : {int, float, str, bool}
        Allowed type; ``float`` also accepts an int, ``int`` never accepts a bool.
    low, high : float | None
        Bounds of a number (inclusive unless ``low_open`` / ``high_open``).
    low_open, high_open : bool
        Whether the bound itself is excluded.
    choices : tuple | None
        The allowed values.
    default : object
        The value used when a spec leaves the parameter out; :data:`REQUIRED` when
        it must be given (set by :func:`declare_params` from the signature).
    doc : str
        One line for humans.
    """

    type: type
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] | None = None
    default: Any = REQUIRED
    doc: str = ""

    def __post_init__(self) -> None:
        if self.type not in _TYPE_NAMES:
            raise TypeError(
                f"Param type must be one of int, float, str, bool; got {self.type!r}"
            )

    def describe(self) -> str:
        """Return the allowed values in words, e.g. ``"an int in [1, 8192]"``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {
            int: "an int",
            float: "a finite number",
            str: "a string",
            bool: "true or false",
        }[self.type]
        if self.low is None and self.high is None:
            return kind
        lo = "-inf" if self.low is None else format(self.low, "g")
        hi = "inf" if self.high is None else format(self.high, "g")
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        return f"{kind} in {left}{lo}, {hi}{right}"

    def check(self, value: Any, field: str) -> Any:
        """Check one value; a bad one is a one-line SpecError naming ``field``.

        Parameters
        ----------
        value : object
            The value from the spec.
        field : str
            Where it is, e.g. ``"grid.d_k[0]"``.

        Returns
        -------
        value : object
            ``value`` unchanged.
        """
        wanted = (
            f"must be {self.describe()}, got {value!r:.60} ({type(value).__name__})"
        )
        try:
            validate_type(value, _TYPE_NAMES[self.type], field, error=SpecError)
            if self.choices is not None:
                check_option(value, self.choices, field, error=SpecError)
        except SpecError:
            raise SpecError(f"{field}: {wanted}") from None
        if self.type in (int, float):
            bad = isinstance(value, float) and not math.isfinite(value)
            if self.low is not None:
                bad |= value <= self.low if self.low_open else value < self.low
            if self.high is not None:
                bad |= value >= self.high if self.high_open else value > self.high
            if bad:
                raise SpecError(f"{field}: {wanted}")
        return value


def declare_params(
    func: Callable[..., Any] | None = None, /, **params: Param
) -> dict[str, Param]:
    """Declare an experiment's parameters, with defaults from ``func``'s signature.

    Parameters
    ----------
    func : callable | None
        The function ``trial`` passes the parameters to. Every declared name must
        be one of its keyword arguments, and each default is taken from it (an
        argument without a default is :data:`REQUIRED`).
    **params : Param
        One declaration per parameter.

    Returns
    -------
    params : dict of str to Param
        To be set as the experiment class's ``params``.
    """
    if func is None:
        return dict(params)
    signature = inspect.signature(func)
    out: dict[str, Param] = {}
    for name, decl in params.items():
        if name not in signature.parameters:
            raise TypeError(
                f"declared parameter {name!r} is not an argument of {func.__name__}"
            )
        default = signature.parameters[name].default
        default = REQUIRED if default is inspect.Parameter.empty else default
        out[name] = Param(**{**decl.__dict__, "default": default})
    return out


def _closest(name: str, known: list[str]) -> str:
    match = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {match[0]!r}? " if match else ""


def check_params(
    experiment: str,
    declared: Mapping[str, Param],
    fixed: Mapping[str, Any],
    grid: Mapping[str, list[Any]],
) -> None:
    """Check a spec's parameters against an experiment's declaration.

    Parameters
    ----------
    experiment : str
        The experiment's name, for messages.
    declared : mapping of str to Param
        The experiment's ``params``.
    fixed : mapping
        The spec's ``[fixed]`` table.
    grid : mapping of str to list
        The spec's ``[grid]`` table.

    Raises
    ------
    cogattn.SpecError
        One line naming the field: an unknown name (with the closest known one), a
        bad value, or a required parameter that is missing.
    """
    known = list(declared)
    for section, names in (("fixed", fixed), ("grid", grid)):
        for name in names:
            if name not in declared:
                raise SpecError(
                    f"{section}.{name}: unknown parameter of experiment "
                    f"{experiment!r}; {_closest(name, known)}known parameters are "
                    f"{', '.join(repr(k) for k in known)}"
                )
    for name, value in fixed.items():
        declared[name].check(value, f"fixed.{name}")
    for name, values in grid.items():
        for i, value in enumerate(values):
            declared[name].check(value, f"grid.{name}[{i}]")
    for name, decl in declared.items():
        if decl.default is REQUIRED and name not in fixed and name not in grid:
            raise SpecError(
                f"fixed.{name}: missing; experiment {experiment!r} needs it "
                f"({decl.describe()}) in [fixed] or [grid]"
            )
