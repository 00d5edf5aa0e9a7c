"""Experiment specs: a TOML file (or a dict) validated into a frozen :class:`Spec`.

A spec names a registered experiment, the fixed parameters, a grid of swept
parameters (their cartesian product), the number of seeds per grid point, the
executor, and reference checks on the numbers the experiment's report measures::

    experiment = "hebbian_memory"
    description = "Capacity of a Hebbian associative memory"
    seed = 0
    repetitions = 4
    executor = "processes"     # "serial" | "processes" | "dask"
    n_workers = 2

    [fixed]
    n_units = 200

    [grid]
    load = [0.05, 0.1, 0.15]

    [[checks]]
    name = "capacity near 0.138 N"
    measured = "capacity"
    expected = 0.138
    rtol = 0.2

Every problem is a :class:`~cogattn.SpecError` with a one-line message that names
the field, what was given and what is allowed; nothing is run or written before the
whole spec is valid.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cogattn._core.errors import SpecError
from cogattn._core.validation import check_int, check_positive, validate_type
from cogattn.sim.overrides import SETTABLE_FIELDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["CHECK_OPS", "EXECUTORS", "MAX_TASKS", "Check", "Spec", "load_spec"]

#: The executors a spec may ask for.
EXECUTORS = ("serial", "processes", "dask")
#: Comparison operators a check may use instead of a tolerance.
CHECK_OPS = ("<=", ">=", "==")

_TOP_FIELDS = ("experiment", "module", *SETTABLE_FIELDS, "fixed", "grid", "checks")
_CHECK_FIELDS = ("name", "measured", "expected", "atol", "rtol", "op")
#: Names used by the result table itself; parameters may not take them.
_RESERVED_PARAMS = ("key", "repetition")
_SCHEDULER_RE = re.compile(r"^(tcp|tls)://[^\s/:]+:\d{1,5}$")
#: An experiment name: letters, digits, ``_`` and ``-`` (it names run folders).
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$")
#: A module name: dotted Python identifiers.
_MODULE_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
#: Most tasks (grid points x repetitions) one spec may have; a larger sweep is
#: refused before anything runs (split it into several specs).
MAX_TASKS = 1_000_000


@dataclass(frozen=True)
class Check:
    """One reference check: a measured number against an expected value.

    Parameters
    ----------
    name : str
        Label printed on the PASS/FAIL line.
    measured : str
        Key of the ``measured`` dict returned by the experiment's ``report``.
    expected : float
        Reference value.
    atol, rtol : float | None
        Absolute tolerance (``|m - e| <= atol``) or relative tolerance
        (``|m - e| <= rtol * |e|``); exactly one of ``atol``, ``rtol``, ``op``.
    op : {"<=", ">=", "=="} | None
        Compare ``measured op expected`` instead of using a tolerance.
    """

    name: str
    measured: str
    expected: float
    atol: float | None = None
    rtol: float | None = None
    op: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the check as it would appear in a spec."""
        out: dict[str, Any] = {
            "name": self.name,
            "measured": self.measured,
            "expected": self.expected,
        }
        for key in ("atol", "rtol", "op"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Spec:
    """A validated experiment spec (see the module docstring for the format).

    Parameters
    ----------
    experiment : str
        Name of a registered experiment.
    module : str | None
        Module that registers the experiment (user experiments).
    description : str
        Free text for the report.
    seed : int
        Root seed (non-negative); every task's seed is derived from it.
    repetitions : int
        Seeds per grid point (>= 1).
    executor : {"serial", "processes", "dask"}
        Where tasks run.
    n_workers : int
        Worker processes for ``processes`` and a local dask cluster.
    scheduler : str | None
        Address ``tcp://host:port`` of a running dask scheduler.
    fixed : dict
        Parameters shared by every task.
    grid : dict of str to list
        Swept parameters; tasks are their cartesian product.
    checks : tuple of Check
        Reference checks evaluated on the report.
    source : pathlib.Path | None
        File the spec was read from.
    text : str | None
        The TOML text it was read from.
    """

    experiment: str
    module: str | None = None
    description: str = ""
    seed: int = 0
    repetitions: int = 1
    executor: str = "serial"
    n_workers: int = 2
    scheduler: str | None = None
    fixed: Mapping[str, Any] = field(default_factory=dict)
    grid: Mapping[str, list[Any]] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    source: Path | None = field(default=None, compare=False)
    text: str | None = field(default=None, compare=False, repr=False)

    @property
    def n_points(self) -> int:
        """Number of grid points (1 for an empty grid)."""
        return math.prod(len(v) for v in self.grid.values())

    @property
    def n_tasks(self) -> int:
        """Number of tasks: grid points times repetitions."""
        return self.n_points * self.repetitions

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as a plain dict (the TOML structure)."""
        out: dict[str, Any] = {"experiment": self.experiment}
        if self.module is not None:
            out["module"] = self.module
        out.update(
            description=self.description,
            seed=self.seed,
            repetitions=self.repetitions,
            executor=self.executor,
            n_workers=self.n_workers,
        )
        if self.scheduler is not None:
            out["scheduler"] = self.scheduler
        out["fixed"] = dict(self.fixed)
        out["grid"] = {k: list(v) for k, v in self.grid.items()}
        out["checks"] = [c.to_dict() for c in self.checks]
        return out

    def identity(self) -> dict[str, Any]:
        """Return the fields that decide the results (not where or how they run)."""
        return {
            "experiment": self.experiment,
            "module": self.module,
            "seed": self.seed,
            "repetitions": self.repetitions,
            "fixed": dict(self.fixed),
            "grid": {k: list(v) for k, v in self.grid.items()},
        }

    @property
    def identity_hash(self) -> str:
        """SHA-256 (hex) of :meth:`identity` as canonical JSON.

        Executor, workers, scheduler, description and checks are left out, so a run
        folder can be resumed on another executor and its checks can be edited.
        """
        return hashlib.sha256(canonical_json(self.identity()).encode()).hexdigest()


def canonical_json(value: Any) -> str:
    """Serialise ``value`` as canonical JSON (sorted keys, no spaces, ASCII)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _kind(value: Any) -> str:
    return f"{value!r:.60} ({type(value).__name__})"


def _check_value(value: Any, where: str) -> None:
    """Reject TOML values that have no JSON form (dates and times)."""
    if isinstance(value, (_dt.date, _dt.time)):
        raise SpecError(
            f"{where}: dates and times are not allowed as parameters, "
            f"got {_kind(value)}"
        )
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(item, f"{where}.{key}")


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise SpecError(
                f"unknown field {key!r} {where}; allowed fields are "
                f"{', '.join(repr(a) for a in allowed)}"
            )


def _str(value: Any, name: str, *, empty: bool = False) -> str:
    validate_type(value, "str", name, error=SpecError)
    if not empty and not value.strip():
        raise SpecError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _int(value: Any, name: str, low: int) -> int:
    return check_int(value, name, low=low, error=SpecError)


def _number(value: Any, name: str, *, nonneg: bool = False) -> float:
    if nonneg:
        check_positive(value, name, strict=False, error=SpecError)
    else:
        validate_type(value, "numeric", name, error=SpecError)
    return value  # unchanged: an int stays an int in the canonical JSON


def _table(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(f"{name}: must be a table, got {_kind(value)}")
    return dict(value)


def _parse_check(raw: Any, i: int) -> Check:
    where = f"checks[{i}]"
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where}: must be a table ([[checks]]), got {_kind(raw)}")
    _unknown(raw, _CHECK_FIELDS, f"in {where}")
    for required in ("name", "measured", "expected"):
        if required not in raw:
            raise SpecError(f"{where}.{required}: missing; every check needs it")
    name = _str(raw["name"], f"{where}.name")
    measured = _str(raw["measured"], f"{where}.measured")
    expected = _number(raw["expected"], f"{where}.expected")
    given = [k for k in ("atol", "rtol", "op") if k in raw]
    if len(given) != 1:
        raise SpecError(
            f"{where}: needs exactly one of 'atol', 'rtol' or 'op', got "
            f"{', '.join(repr(g) for g in given) if given else 'none'}"
        )
    kwargs: dict[str, Any] = {}
    if "op" in raw:
        if raw["op"] not in CHECK_OPS:
            raise SpecError(
                f"{where}.op: invalid value {raw['op']!r}; allowed values are "
                f"{', '.join(repr(o) for o in CHECK_OPS)}"
            )
        kwargs["op"] = raw["op"]
    else:
        key = given[0]
        kwargs[key] = _number(raw[key], f"{where}.{key}", nonneg=True)
    return Check(name=name, measured=measured, expected=expected, **kwargs)


def _parse(
    data: Mapping[str, Any],
    source: Path | None,
    text: str | None,
    check_experiment: bool,
) -> Spec:
    _unknown(data, _TOP_FIELDS, "at top level")
    if "experiment" not in data:
        raise SpecError("experiment: missing; the spec must name an experiment")
    experiment = _str(data["experiment"], "experiment")
    if not _NAME_RE.match(experiment):
        raise SpecError(
            f"experiment: invalid name {experiment!r:.60}; a name has 1 to 100 "
            "letters, digits, '_' or '-' (it names the run folder)"
        )
    module = data.get("module")
    if module is not None:
        module = _str(module, "module")
        if not _MODULE_RE.match(module):
            raise SpecError(
                f"module: invalid module name {module!r:.60}; give a dotted Python "
                "module name such as 'mylab.experiments'"
            )
    description = _str(data.get("description", ""), "description", empty=True)
    seed = _int(data.get("seed", 0), "seed", 0)
    repetitions = _int(data.get("repetitions", 1), "repetitions", 1)
    executor = data.get("executor", "serial")
    scheduler = data.get("scheduler")
    if executor not in EXECUTORS:
        raise SpecError(
            f"executor: invalid value {executor!r}; allowed values are "
            f"{', '.join(repr(e) for e in EXECUTORS)}"
        )
    if scheduler is not None:
        check_scheduler(scheduler, "scheduler")
        if "executor" not in data:
            executor = "dask"
        elif executor != "dask":
            raise SpecError(
                f"scheduler: only used by executor 'dask', but executor is {executor!r}"
            )
    n_workers = _int(data.get("n_workers", 2), "n_workers", 1)

    fixed = _table(data.get("fixed", {}), "fixed")
    for key, value in fixed.items():
        _check_value(value, f"fixed.{key}")
    grid_raw = _table(data.get("grid", {}), "grid")
    grid: dict[str, list[Any]] = {}
    for key, values in grid_raw.items():
        if not isinstance(values, list) or not values:
            raise SpecError(f"grid.{key}: must be a non-empty list, got {values!r:.60}")
        _check_value(values, f"grid.{key}")
        canon = [canonical_json(v) for v in values]
        if len(set(canon)) != len(canon):
            raise SpecError(f"grid.{key}: values must be distinct, got {values!r:.60}")
        if key in fixed:
            raise SpecError(
                f"grid.{key}: also set in [fixed]; a parameter is either fixed or swept"
            )
        grid[key] = list(values)
    for section, names in (("fixed", fixed), ("grid", grid)):
        for key in names:
            if key in _RESERVED_PARAMS:
                raise SpecError(
                    f"{section}.{key}: reserved name; parameters may not be called "
                    f"{' or '.join(repr(r) for r in _RESERVED_PARAMS)}"
                )

    n_tasks = math.prod(len(v) for v in grid.values()) * repetitions
    if n_tasks > MAX_TASKS:
        raise SpecError(
            f"repetitions: the spec has {n_tasks} tasks (grid points x repetitions "
            f"{repetitions}), more than the limit of {MAX_TASKS}; split the sweep "
            "into several specs"
        )

    raw_checks = data.get("checks", [])
    if not isinstance(raw_checks, list):
        raise SpecError(f"checks: must be an array of tables, got {_kind(raw_checks)}")
    checks = tuple(_parse_check(raw, i) for i, raw in enumerate(raw_checks))
    names = [c.name for c in checks]
    for name in names:
        if names.count(name) > 1:
            raise SpecError(f"checks: duplicate check name {name!r}")

    if check_experiment:
        cls = _resolve_experiment(experiment, module)
        _check_declared(cls, experiment, fixed, grid)
    return Spec(
        experiment=experiment,
        module=module,
        description=description,
        seed=seed,
        repetitions=repetitions,
        executor=executor,
        n_workers=n_workers,
        scheduler=scheduler,
        fixed=fixed,
        grid=grid,
        checks=checks,
        source=source,
        text=text,
    )


def check_scheduler(address: Any, name: str) -> str:
    """Check a dask scheduler address ``tcp://host:port`` (or ``tls://``)."""
    if not isinstance(address, str) or not _SCHEDULER_RE.match(address):
        raise SpecError(
            f"{name}: must be an address like 'tcp://host:8786', got {_kind(address)}"
        )
    return address


def _check_declared(
    cls: type, experiment: str, fixed: Mapping[str, Any], grid: Mapping[str, Any]
) -> None:
    """Check the parameters against the experiment's ``params``, when it has them."""
    declared = getattr(cls, "params", None)
    if callable(declared):  # a static method: declarations that import heavy modules
        declared = declared()
    if isinstance(declared, Mapping):
        from cogattn.sim.params import check_params

        check_params(experiment, declared, fixed, grid)


def _resolve_experiment(name: str, module: str | None) -> type:
    import importlib

    from cogattn.sim.registry import get_experiment

    try:
        if module is not None:  # workers import it: it must import here too
            try:
                importlib.import_module(module)
            except ImportError as err:
                raise SpecError(
                    f"module: cannot import {module!r} for experiment {name!r}: "
                    f"{err} (is its folder on PYTHONPATH?)"
                ) from None
        return get_experiment(name, module)
    except SpecError:
        raise
    except Exception as err:  # an experiment module that fails on import
        target = module or name
        raise SpecError(
            f"module: importing {target!r} failed: {type(err).__name__}: {err}"
        ) from None


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a TOML file; a missing file or a syntax error is a one-line SpecError.

    Parameters
    ----------
    path : str | pathlib.Path
        The file.

    Returns
    -------
    data : dict
        The parsed TOML.
    text : str
        The file's text.
    """
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"spec: file {str(path)!r} does not exist or is not a file")
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = " ".join(str(err).split())
        raise SpecError(f"spec: {str(path)!r} is not valid TOML: {msg}") from None


def load_spec(
    spec: str | Path | Mapping[str, Any] | Spec, *, check_experiment: bool = True
) -> Spec:
    """Read and validate an experiment spec.

    Parameters
    ----------
    spec : str | pathlib.Path | dict | Spec
        Path of a TOML file, the same structure as a dict, or a :class:`Spec`
        (returned unchanged).
    check_experiment : bool
        Whether to import the experiment's module and check that the experiment is
        registered (needed to run; not to inspect a finished run).

    Returns
    -------
    spec : Spec
        The validated, frozen spec.

    Raises
    ------
    cogattn.SpecError
        With a one-line message naming the faulty field and what is allowed.
    """
    if isinstance(spec, Spec):
        if check_experiment:
            cls = _resolve_experiment(spec.experiment, spec.module)
            _check_declared(cls, spec.experiment, spec.fixed, spec.grid)
        return spec
    if isinstance(spec, Mapping):
        return _parse(spec, None, None, check_experiment)
    if isinstance(spec, (str, Path)):
        data, text = read_toml(spec)
        return _parse(data, Path(spec), text, check_experiment)
    raise SpecError(
        f"spec: must be a path to a TOML file, a dict or a Spec, got {_kind(spec)}"
    )
