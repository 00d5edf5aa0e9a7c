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

Tasks are taken from the given iterable as workers free up (a few per worker in
flight), so a long sweep is never held in memory. A ``processes`` worker that dies
costs only the task it ran: the pool is rebuilt, the tasks that were in flight with
it run again one at a time to find the one that kills its worker (it is marked
``failed``), and the rest go on. Workers ignore Ctrl-C (the coordinator stops them),
and ``processes`` workers exit on their own when the coordinator dies, however it
dies.

Every executor runs :func:`cogattn.sim.worker.execute_task`, which fixes BLAS and
torch to one thread, so one spec gives bitwise-identical numbers under all three.
Worker processes of ``processes`` and of a local dask cluster are spawned with this
process's ``sys.path``, so a user module importable here is importable there; the
workers of a remote scheduler must be able to import it themselves.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from cogattn._core.errors import BackendError
from cogattn._core.log import logger
from cogattn.sim.spec import EXECUTORS
from cogattn.sim.tasks import Task
from cogattn.sim.worker import execute_task, versions

__all__ = ["EXECUTORS", "check_scheduler_reachable", "run_tasks"]

#: Tasks in flight per worker.
IN_FLIGHT_PER_WORKER = 2
#: Seconds between two checks, in a worker, that its coordinator is still alive.
PARENT_POLL_S = 1.0


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


def _serial(tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
    for task in tasks:
        yield task, execute_task(task)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != parent:
            os._exit(1)  # the coordinator died: nothing will collect our result


def _init_worker(parent: int) -> None:
    """Process-pool worker set-up: ignore Ctrl-C, exit when the coordinator dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # Linux: the kernel kills us with it
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while child processes start, so that they inherit it ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop(pool: Any) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


def _processes(
    tasks: Iterable[Task], n_workers: int
) -> Iterator[tuple[Task, dict[str, Any]]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")

    def new_pool(size: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=size,
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def submit(pool: ProcessPoolExecutor, task: Task) -> Any:
        with _sigint_ignored():  # a worker spawned now inherits Ctrl-C ignored
            return pool.submit(execute_task, task)

    source = iter(tasks)
    suspects: deque[Task] = deque()  # in flight when a worker died
    retry: deque[Task] = deque()  # refused by a broken pool, never started
    limit = n_workers * IN_FLIGHT_PER_WORKER
    pool: ProcessPoolExecutor | None = None
    size = 0
    inflight: dict[Any, Task] = {}
    try:
        while True:
            if suspects:  # one at a time: the pool breaks only for its culprit
                if size != 1:
                    if pool is not None:
                        pool.shutdown(wait=True, cancel_futures=True)
                    pool, size = new_pool(1), 1
                task = suspects.popleft()
                try:
                    outcome = submit(pool, task).result()
                except BrokenProcessPool as err:
                    outcome = _lost(task, err)
                    pool.shutdown(wait=True)
                    pool, size = new_pool(1), 1
                except Exception as err:  # pickling
                    outcome = _lost(task, err)
                yield task, outcome
                continue
            if size != n_workers:
                if pool is not None:
                    pool.shutdown(wait=True)
                pool, size = new_pool(n_workers), n_workers
            broken = False
            while len(inflight) < limit:
                task = retry.popleft() if retry else next(source, None)
                if task is None:
                    break
                try:
                    inflight[submit(pool, task)] = task
                except BrokenProcessPool:  # a worker died since the last wait
                    retry.appendleft(task)
                    broken = True
                    break
            if not inflight and not broken:
                pool.shutdown(wait=True)
                pool = None
                break
            done = set()
            if not broken:
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for future in done:
                task = inflight.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    suspects.append(task)
                    broken = True
                    continue
                except Exception as err:  # pickling
                    outcome = _lost(task, err)
                yield task, outcome
            if broken:  # every task in flight failed with the pool: find the culprit
                pool.shutdown(wait=True, cancel_futures=True)
                for future, task in inflight.items():
                    if (
                        future.done()
                        and not future.cancelled()
                        and not future.exception()
                    ):
                        yield task, future.result()
                    else:
                        suspects.append(task)
                inflight.clear()
                pool, size = None, 0
    finally:
        if pool is not None:  # interrupted: stop the workers, do not wait for them
            _stop(pool)


def check_scheduler_reachable(address: str, timeout: float = 10.0) -> None:
    """Open (and close) a TCP connection to a dask scheduler, or raise.

    Parameters
    ----------
    address : str
        ``tcp://host:port`` (or ``tls://``).
    timeout : float
        Seconds to wait.

    Raises
    ------
    cogattn.BackendError
        When nothing answers at that address.
    """
    host, _, port = address.split("://", 1)[1].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as err:
        raise BackendError(
            f"scheduler: cannot reach dask scheduler at {address!r}: {err}"
        ) from None


def _dask(
    tasks: Iterable[Task], n_workers: int, scheduler: str | None
) -> Iterator[tuple[Task, dict[str, Any]]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:  # pragma: no cover - distributed is a dependency
        raise BackendError(f"executor 'dask' needs dask.distributed: {err}") from None

    cluster = None
    if scheduler is None:
        with _sigint_ignored():  # its worker processes inherit Ctrl-C ignored
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
        source = iter(tasks)
        by_key: dict[str, Task] = {}

        def submit(batch: Iterable[Task]) -> list[Any]:
            futures = []
            for task in batch:
                future = client.submit(
                    execute_task, task, key=f"cogattn-{task.key}", pure=False
                )
                by_key[future.key] = task
                futures.append(future)
            return futures

        limit = max(n_workers, 1) * IN_FLIGHT_PER_WORKER
        pending = as_completed(submit(itertools.islice(source, limit)))
        for future in pending:
            task = by_key.pop(future.key)
            try:
                outcome = future.result()
            except Exception as err:  # KilledWorker, lost connection
                outcome = _lost(task, err)
            future.release()
            for new in submit(itertools.islice(source, 1)):
                pending.add(new)
            yield task, outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_tasks(
    tasks: Iterable[Task],
    executor: str = "serial",
    *,
    n_workers: int = 2,
    scheduler: str | None = None,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Run ``tasks`` and yield each ``(task, outcome)`` as soon as it completes.

    Parameters
    ----------
    tasks : iterable of Task
        The tasks to run; taken as workers free up (an iterator is never turned
        into a list).
    executor : {"serial", "processes", "dask"}
        Where they run.
    n_workers : int
        Worker processes for ``processes`` and a local dask cluster (capped at the
        number of tasks when ``tasks`` has a length).
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
    if hasattr(tasks, "__len__"):
        if not len(tasks):  # type: ignore[arg-type]
            return
        n_workers = min(n_workers, len(tasks))  # type: ignore[arg-type]
    n_workers = max(1, n_workers)
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
