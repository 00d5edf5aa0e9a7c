"""Executors: where tasks run. Each yields ``(task, outcome)`` as tasks complete.

``serial``
    In this process, one task after the other.
``processes``
    A :class:`concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start
    method (fresh interpreters: no state inherited from the parent).
``dask``
    A :class:`distributed.Client` on a new ``LocalCluster`` of single-threaded
    worker processes, or on a running scheduler (``scheduler="tcp://host:port"``),
    which is how a sweep moves from one machine to a cluster.

Every executor runs :func:`cogattn.sim.worker.execute_task`, which fixes BLAS and
torch to one thread, so one spec gives bitwise-identical numbers under all three.
Worker processes of ``processes`` and of a local dask cluster are spawned with this
process's ``sys.path``, so a user module importable here is importable there; the
workers of a remote scheduler must be able to import it themselves.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator, Sequence
from typing import Any

from cogattn._core.errors import BackendError
from cogattn._core.log import logger
from cogattn.sim.spec import EXECUTORS
from cogattn.sim.tasks import Task
from cogattn.sim.worker import execute_task, versions

__all__ = ["EXECUTORS", "run_tasks"]


def _lost(task: Task, err: BaseException) -> dict[str, Any]:
    """Outcome for a task whose worker died or could not return its result."""
    now = time.time()
    return {
        "key": task.key,
        "status": "failed",
        "scalars": {},
        "arrays": {},
        "error": f"the worker running this task was lost: {type(err).__name__}: {err}",
        "started": now,
        "finished": now,
        "duration": 0.0,
        "worker": "lost",
        "host": socket.gethostname(),
        "versions": versions(),
    }


def _serial(tasks: Sequence[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
    for task in tasks:
        yield task, execute_task(task)


def _processes(
    tasks: Sequence[Task], n_workers: int
) -> Iterator[tuple[Task, dict[str, Any]]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    try:
        futures = {pool.submit(execute_task, task): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            try:
                outcome = future.result()
            except Exception as err:  # a worker died (BrokenProcessPool) or pickling
                outcome = _lost(task, err)
            yield task, outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    tasks: Sequence[Task], n_workers: int, scheduler: str | None
) -> Iterator[tuple[Task, dict[str, Any]]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:  # pragma: no cover - distributed is a dependency
        raise BackendError(f"executor 'dask' needs dask.distributed: {err}") from None

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as err:
            raise BackendError(
                f"scheduler: cannot reach dask scheduler at {scheduler!r}: {err}"
            ) from None
    try:
        logger.info("dask dashboard: %s", client.dashboard_link)
        futures = [
            client.submit(execute_task, task, key=f"cogattn-{task.key}", pure=False)
            for task in tasks
        ]
        by_key = {f.key: task for f, task in zip(futures, tasks, strict=True)}
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as err:  # KilledWorker, lost connection
                outcome = _lost(task, err)
            future.release()
            yield task, outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_tasks(
    tasks: Sequence[Task],
    executor: str = "serial",
    *,
    n_workers: int = 2,
    scheduler: str | None = None,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Run ``tasks`` and yield each ``(task, outcome)`` as soon as it completes.

    Parameters
    ----------
    tasks : sequence of Task
        The tasks to run.
    executor : {"serial", "processes", "dask"}
        Where they run.
    n_workers : int
        Worker processes for ``processes`` and a local dask cluster (capped at the
        number of tasks).
    scheduler : str | None
        Address of a running dask scheduler (``executor="dask"`` only).

    Yields
    ------
    task : Task
        A finished task.
    outcome : dict
        Its outcome (see :func:`cogattn.sim.worker.execute_task`); a worker that
        dies gives a ``failed`` outcome, and the other tasks go on.
    """
    if not tasks:
        return
    n_workers = max(1, min(n_workers, len(tasks)))
    if executor == "serial":
        yield from _serial(tasks)
    elif executor == "processes":
        yield from _processes(tasks, n_workers)
    elif executor == "dask":
        yield from _dask(tasks, n_workers, scheduler)
    else:
        raise BackendError(
            f"executor: invalid value {executor!r}; allowed values are "
            f"{', '.join(repr(e) for e in EXECUTORS)}"
        )
    logger.debug("executor %s finished in process %d", executor, os.getpid())
