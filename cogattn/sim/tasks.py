"""From a spec to tasks: grid points x repetitions, with stable keys and seeds.

Keys
    ``key = sha256(canonical_json({"experiment", "params", "repetition"}))[:20]``
    where ``params`` holds the fixed parameters and the grid point. A key depends
    only on what the task computes, never on its position in the grid, so adding
    values to a grid keeps the keys (and results) of the tasks already run.

Seeds
    ``SeedSequence(spec.seed, spawn_key=(int(key[:16], 16),))``, i.e.
    :func:`cogattn._core.seeding.task_seed` with the first 64 bits of the key as
    the spawn key. A task's seed therefore follows its key: it is the same on every
    machine and executor, and stays the same when the grid grows.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.seeding import task_seed
from cogattn.sim.spec import Spec, canonical_json

__all__ = ["Task", "iter_tasks", "make_tasks", "task_key"]

_KEY_CHARS = 20


@dataclass(frozen=True)
class Task:
    """One unit of work, small and picklable (sent to workers as is).

    Parameters
    ----------
    key : str
        Stable identifier (20 hex characters).
    index : int
        Position in the spec's task order (grid order, repetitions innermost).
    experiment : str
        Registered experiment name.
    module : str | None
        Module to import in the worker to register the experiment.
    params : dict
        Fixed parameters plus this grid point.
    repetition : int
        Repetition index in ``[0, spec.repetitions)``.
    seed : int
        The spec's root seed.
    spawn_key : tuple of int
        Spawn key of the task's :class:`numpy.random.SeedSequence`.
    """

    key: str
    index: int
    experiment: str
    module: str | None
    params: dict[str, Any]
    repetition: int
    seed: int
    spawn_key: tuple[int, ...]

    def seed_sequence(self) -> np.random.SeedSequence:
        """Return the task's seed sequence."""
        return task_seed(self.seed, self.spawn_key)

    def seed_info(self) -> dict[str, Any]:
        """Return what rebuilds the seed: root entropy and spawn key."""
        return {"entropy": self.seed, "spawn_key": list(self.spawn_key)}


def task_key(experiment: str, params: dict[str, Any], repetition: int) -> str:
    """Return the stable key of one task.

    Parameters
    ----------
    experiment : str
        Experiment name.
    params : dict
        All parameters of the task (fixed and swept).
    repetition : int
        Repetition index.

    Returns
    -------
    key : str
        20 lowercase hex characters.
    """
    payload = {"experiment": experiment, "params": params, "repetition": repetition}
    digest = hashlib.sha256(canonical_json(payload).encode()).hexdigest()
    return digest[:_KEY_CHARS]


def iter_tasks(spec: Spec) -> Iterator[Task]:
    """Yield a spec's tasks one at a time (the task list is never held in memory).

    Parameters
    ----------
    spec : Spec
        A validated spec.

    Yields
    ------
    task : Task
        ``spec.n_tasks`` tasks: the cartesian product of the grid (in the order the
        grid's names and values are written), each repeated ``spec.repetitions``
        times with repetitions innermost.
    """
    names = list(spec.grid)
    index = 0
    for values in itertools.product(*(spec.grid[n] for n in names)):
        point = dict(copy.deepcopy(dict(spec.fixed)))
        point.update(copy.deepcopy(dict(zip(names, values, strict=True))))
        for rep in range(spec.repetitions):
            key = task_key(spec.experiment, point, rep)
            yield Task(
                key=key,
                index=index,
                experiment=spec.experiment,
                module=spec.module,
                params=copy.deepcopy(point),
                repetition=rep,
                seed=spec.seed,
                spawn_key=(int(key[:16], 16),),
            )
            index += 1


def make_tasks(spec: Spec) -> list[Task]:
    """Expand a spec into the list of its tasks (see :func:`iter_tasks`).

    Parameters
    ----------
    spec : Spec
        A validated spec.

    Returns
    -------
    tasks : list of Task
        ``spec.n_tasks`` tasks, in task order.
    """
    return list(iter_tasks(spec))
