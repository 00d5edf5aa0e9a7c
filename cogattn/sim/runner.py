"""Run a spec: validate, expand into tasks, execute, store, report."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

from cogattn._core.errors import ValidationError
from cogattn._core.log import logger, use_log_level
from cogattn._core.progress import progress_bar
from cogattn.sim.executors import run_tasks
from cogattn.sim.spec import EXECUTORS, Spec, check_scheduler, load_spec
from cogattn.sim.store import Results, RunStore, check_run_dir, load_results
from cogattn.sim.tasks import make_tasks

__all__ = ["default_run_dir", "run"]


def default_run_dir(spec: Spec) -> Path:
    """Return ``runs/<experiment>-<first 8 characters of the spec's identity hash>``.

    Parameters
    ----------
    spec : Spec
        The spec.

    Returns
    -------
    path : pathlib.Path
        Relative to the current folder.
    """
    return Path("runs") / f"{spec.experiment}-{spec.identity_hash[:8]}"


def _override(
    spec: Spec, executor: str | None, scheduler: str | None, n_workers: int | None
) -> Spec:
    changes: dict[str, Any] = {}
    if executor is not None:
        if executor not in EXECUTORS:
            raise ValidationError(
                f"executor: invalid value {executor!r}; allowed values are "
                f"{', '.join(repr(e) for e in EXECUTORS)}"
            )
        changes["executor"] = executor
    if scheduler is not None:
        check_scheduler(scheduler, "scheduler")
        if changes.get("executor", "dask") != "dask":
            raise ValidationError(
                f"scheduler: only used by executor 'dask', but executor is {executor!r}"
            )
        changes.update(executor="dask", scheduler=scheduler)
    elif changes.get("executor", "dask") != "dask":
        changes["scheduler"] = None
    if n_workers is not None:
        if (
            isinstance(n_workers, bool)
            or not isinstance(n_workers, int)
            or n_workers < 1
        ):
            raise ValidationError(
                f"n_workers: must be an int >= 1, got {n_workers!r} "
                f"({type(n_workers).__name__})"
            )
        changes["n_workers"] = n_workers
    return dataclasses.replace(spec, **changes) if changes else spec


def run(
    spec_or_path: str | os.PathLike | dict[str, Any] | Spec,
    out: str | os.PathLike | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
    verbose: bool | str | int | None = None,
) -> Results:
    """Run every task of a spec that is not done yet, then write the report.

    Everything is validated before anything is written. Re-running the same spec
    in the same folder resumes it: done tasks are skipped, failed tasks retried.

    Parameters
    ----------
    spec_or_path : str | path-like | dict | Spec
        A spec file (TOML), its content as a dict, or a loaded :class:`Spec`.
    out : path-like | None
        The run folder; default ``runs/<experiment>-<hash8>`` (see
        :func:`default_run_dir`).
    executor : {"serial", "processes", "dask"} | None
        Overrides the spec's executor.
    scheduler : str | None
        Address ``tcp://host:port`` of a running dask scheduler (implies ``dask``).
    n_workers : int | None
        Overrides the spec's number of workers.
    verbose : bool | str | int | None
        Log level for this call; the progress bar (with ETA) shows when it is
        ``True``, or when ``None`` and standard error is a terminal.

    Returns
    -------
    results : Results
        The run's results; ``results.report`` is the
        :class:`~cogattn.sim.report.ReportSummary` with the check outcomes.
    """
    from cogattn.sim.report import write_report

    spec = _override(load_spec(spec_or_path), executor, scheduler, n_workers)
    run_dir = check_run_dir(default_run_dir(spec) if out is None else out, spec)
    tasks = make_tasks(spec)
    with use_log_level(verbose), RunStore(run_dir).open(spec) as store:
        statuses = store.statuses()
        todo = [t for t in tasks if statuses.get(t.key) != "done"]
        n_failed_before = sum(1 for t in todo if statuses.get(t.key) == "failed")
        logger.info(
            "%s: %d tasks, %d done, %d to run (%d to retry) with %s in %s",
            spec.experiment,
            len(tasks),
            len(tasks) - len(todo),
            len(todo),
            n_failed_before,
            spec.executor,
            run_dir,
        )
        t0 = time.perf_counter()
        n_failed = 0
        with progress_bar(
            total=len(todo), desc=spec.experiment, verbose=verbose, unit="task"
        ) as bar:
            for task, outcome in run_tasks(
                todo,
                spec.executor,
                n_workers=spec.n_workers,
                scheduler=spec.scheduler,
            ):
                store.record(task, outcome)
                if outcome["status"] == "failed":
                    n_failed += 1
                    first = (outcome["error"] or "").strip().splitlines()[-1:]
                    logger.warning("task %s failed: %s", task.key, "".join(first))
                bar.update(1)
        logger.info(
            "ran %d tasks in %.2f s, %d failed",
            len(todo),
            time.perf_counter() - t0,
            n_failed,
        )
    summary = write_report(run_dir)
    results = load_results(run_dir)
    results.report = summary
    return results
