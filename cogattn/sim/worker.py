"""The worker-side wrapper that every executor runs for every task.

It imports the experiment, rebuilds the task's generator from its seed, limits BLAS
(and torch, when loaded) to one thread so that the numbers do not depend on the
executor, runs ``trial`` and splits its outputs into scalars and arrays. Exceptions
never escape: a failing trial comes back as a ``failed`` outcome with its traceback.
"""

from __future__ import annotations

import contextlib
import copy
import os
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from functools import lru_cache
from importlib import metadata
from typing import Any

import numpy as np

from cogattn.sim.tasks import Task

__all__ = ["execute_task", "single_thread", "split_outputs", "versions"]


#: Keyword names of :func:`numpy.savez` that array outputs cannot take.
_NPZ_RESERVED = ("file", "allow_pickle")


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of python, numpy, torch and cogattn in this process."""
    out = {"python": sys.version.split()[0], "numpy": np.__version__}
    for dist in ("torch", "cogattn"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "none"
    return out


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Limit BLAS/OpenMP pools (threadpoolctl) and torch, if loaded, to one thread.

    The previous limits are restored on exit.
    """
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=1):
        if torch is not None:
            torch.set_num_threads(1)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(previous)


def _scalar(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    return None


def split_outputs(out: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Split a trial's returned dict into ledger scalars and ``.npz`` arrays.

    Parameters
    ----------
    out : dict
        What ``trial`` returned: names to scalars (bool, int, float, str, numpy
        scalars) or numpy arrays (0-d arrays count as scalars).

    Returns
    -------
    scalars : dict
        Python scalars, stored as JSON in the ledger.
    arrays : dict of str to numpy.ndarray
        Arrays, stored in the task's ``.npz`` file.

    Raises
    ------
    TypeError
        If ``out`` is not a dict with str keys and supported values.
    """
    if not isinstance(out, dict):
        raise TypeError(f"trial() must return a dict, got {type(out).__name__}")
    scalars: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    for name, value in out.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"trial() output names must be identifiers, got {name!r}")
        if isinstance(value, np.ndarray) and value.ndim > 0:
            if name in _NPZ_RESERVED:
                raise TypeError(f"trial() array output may not be named {name!r}")
            if value.dtype.hasobject:
                raise TypeError(f"trial() output {name!r} is an object array")
            arrays[name] = value
            continue
        if isinstance(value, np.ndarray):
            value = value[()]
        scalar = _scalar(value)
        if scalar is None:
            raise TypeError(
                f"trial() output {name!r} must be a scalar (bool, int, float, str) "
                f"or a numpy array, got {type(value).__name__}"
            )
        scalars[name] = scalar
    return scalars, arrays


def execute_task(task: Task) -> dict[str, Any]:
    """Run one task; never raises for a failing trial.

    Parameters
    ----------
    task : Task
        The task to run.

    Returns
    -------
    outcome : dict
        ``key``, ``status`` (``"done"`` or ``"failed"``), ``scalars``, ``arrays``,
        ``error`` (traceback text or ``None``), ``started`` and ``finished`` (Unix
        time, s), ``duration`` (s), ``worker`` (``pid/thread``), ``host`` and
        ``versions``.
    """
    from cogattn.sim.registry import get_experiment

    started = time.time()
    t0 = time.perf_counter()
    scalars: dict[str, Any] = {}
    arrays: dict[str, np.ndarray] = {}
    error = None
    try:
        cls = get_experiment(task.experiment, task.module)
        rng = np.random.default_rng(task.seed_sequence())
        with single_thread():
            out = cls.trial(copy.deepcopy(task.params), rng)
        scalars, arrays = split_outputs(out)
        status = "done"
    except Exception:
        status = "failed"
        error = traceback.format_exc()
        scalars, arrays = {}, {}
    duration = time.perf_counter() - t0
    return {
        "key": task.key,
        "status": status,
        "scalars": scalars,
        "arrays": arrays,
        "error": error,
        "started": started,
        "finished": started + duration,
        "duration": duration,
        "worker": f"{os.getpid()}/{threading.current_thread().name}",
        "host": socket.gethostname(),
        "versions": versions(),
    }
