"""The experiment registry: ``@experiment("name")`` on a class.

An experiment is a class whose static (or class) methods are

``trial(params: dict, rng: numpy.random.Generator) -> dict``
    Run one task. ``params`` holds one grid point plus the spec's fixed parameters;
    ``rng`` is seeded from the task's :class:`numpy.random.SeedSequence`. Returns a
    dict whose values are scalars (stored in the ledger) or numpy arrays (stored as
    ``.npz``). Use :func:`cogattn._core.seeding.torch_generator` for torch draws.

``report(results: Results) -> ReportContent``
    Turn all stored results into tables, figures and measured numbers; the spec's
    ``[[checks]]`` compare those numbers to reference values.

Experiments shipped in cogattn are the modules of :mod:`cogattn.experiments`, found
by module name (``cogattn/experiments/NAME.py`` registers the experiment ``NAME``)
and imported only when asked for; user experiments name their module in the spec
(``module = ...``), so that worker processes of any executor can import them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cogattn._core.errors import SpecError

__all__ = [
    "BUILTIN_PACKAGE",
    "ReportContent",
    "experiment",
    "get_experiment",
    "list_experiments",
]

#: Package whose module ``NAME`` registers the built-in experiment ``NAME``.
BUILTIN_PACKAGE = "cogattn.experiments"

_REGISTRY: dict[str, type] = {}


@dataclass
class ReportContent:
    """What an experiment's ``report`` returns.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Named tables, written as markdown.
    figures : dict of str to matplotlib.figure.Figure
        Named figures, written as PNG.
    measured : dict of str to float
        Named numbers that the spec's reference checks compare against.
    text : str
        Free text placed at the top of the report.
    """

    tables: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    measured: dict[str, float] = field(default_factory=dict)
    text: str = ""


def experiment(name: str) -> Callable[[type], type]:
    """Register a class as the experiment ``name``.

    Parameters
    ----------
    name : str
        Name used by specs (``experiment = "name"``) and ``cogattn list``.

    Returns
    -------
    decorator : callable
        Registers and returns the class unchanged.
    """

    def decorator(cls: type) -> type:
        for method in ("trial", "report"):
            if not callable(getattr(cls, method, None)):
                raise TypeError(
                    f"experiment {name!r} ({cls.__name__}) needs a {method}() method"
                )
        existing = _REGISTRY.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"experiment name {name!r} is already taken by {existing}")
        cls.experiment_name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def get_experiment(name: str, module: str | None = None) -> type:
    """Return the experiment class registered as ``name``.

    Parameters
    ----------
    name : str
        The experiment's name.
    module : str | None
        Module to import first (user experiments); a built-in experiment is the
        module of the same name in :data:`BUILTIN_PACKAGE`.

    Returns
    -------
    cls : type
    """
    if name not in _REGISTRY:
        target = module
        if target is None and name in _builtin_names():
            target = f"{BUILTIN_PACKAGE}.{name}"
        if target is not None:
            try:
                importlib.import_module(target)
            except ImportError as err:
                raise SpecError(
                    f"module: cannot import {target!r} for experiment {name!r}: {err}"
                ) from None
    registered = _REGISTRY.get(name)
    origin = getattr(registered, "__module__", "") or ""
    if module is not None and (
        registered is None or not (origin == module or origin.startswith(module + "."))
    ):
        hint = (
            f"; {name!r} is shipped with cogattn: leave 'module' out"
            if name in _builtin_names()
            else ""
        )
        raise SpecError(
            f"module: {module!r} registers no experiment named {name!r} (no class "
            f"decorated with @experiment({name!r}) in it){hint}"
        )
    if name not in _REGISTRY:
        known = list_experiments()
        raise SpecError(
            f"experiment: unknown experiment {name!r}; known experiments are "
            f"{', '.join(repr(k) for k in known)}"
            + ("" if module else " (name a 'module' to load your own)")
        )
    return _REGISTRY[name]


def list_experiments() -> list[str]:
    """Return the names of all built-in and already registered experiments.

    Built-in experiments are listed from the module names of
    :data:`BUILTIN_PACKAGE`, without importing them (nor torch or matplotlib).

    Returns
    -------
    names : list of str
        Sorted names.
    """
    return sorted(set(_REGISTRY) | set(_builtin_names()))


def _builtin_names() -> list[str]:
    from cogattn.experiments import builtin_experiments

    return builtin_experiments()
