"""Run a spec: validate, expand into tasks, execute, store, report.

Everything that can be checked is checked before the run folder is created or
changed: the spec and its parameters (against the experiment's declaration), the
number of tasks (:data:`~cogattn.sim.spec.MAX_TASKS`), the folder (again once its
lock is held) and a dask scheduler's address (it must answer). Tasks are streamed
from the spec to the executor. Progress shows as a bar on a terminal and, when
standard error is not a terminal, as one log line every
:data:`PROGRESS_INTERVAL_S` seconds (environment variable
``COGATTN_PROGRESS_INTERVAL``).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from cogattn._core.errors import ValidationError
from cogattn._core.log import logger, use_log_level
from cogattn._core.progress import progress_bar
from cogattn.sim.executors import check_scheduler_reachable, run_tasks
from cogattn.sim.results import Results, load_results
from cogattn.sim.spec import EXECUTORS, Spec, check_scheduler, load_spec
from cogattn.sim.store import RunStore, check_run_dir
from cogattn.sim.tasks import iter_tasks

__all__ = ["PROGRESS_INTERVAL_S", "default_run_dir", "run"]

#: Seconds between two progress lines when standard error is not a terminal.
PROGRESS_INTERVAL_S = 5.0


def _interval() -> float:
    try:
        return max(0.0, float(os.environ["COGATTN_PROGRESS_INTERVAL"]))
    except (KeyError, ValueError):
        return PROGRESS_INTERVAL_S


class _ProgressLines:
    """One line on standard error every few seconds (output that is not a terminal)."""

    def __init__(self, name: str, total: int, enabled: bool) -> None:
        self.name, self.total, self.enabled = name, total, enabled
        self.interval = _interval()
        self.t0 = self.last = time.monotonic()
        self.done = self.failed = 0

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if not self.enabled or (
            now - self.last < self.interval and self.done < self.total
        ):
            return
        self.last = now
        elapsed = now - self.t0
        left = elapsed / self.done * (self.total - self.done)
        print(
            f"{self.name}: {self.done}/{self.total} tasks run ({self.failed} failed), "
            f"{elapsed:.0f} s elapsed, about {left:.0f} s left",
            file=sys.stderr,
            flush=True,
        )


def default_run_dir(spec: Spec) -> Path:
    """Return ``runs/<experiment>-<first 8 characters of the spec's identity hash>``.

    Experiment names are letters, digits, ``_`` and ``-`` (checked by
    :func:`~cogattn.sim.load_spec`), so the folder is always inside ``runs/``.

    Parameters
    ----------
    spec : Spec
        The spec.

    Returns
    -------
    path : pathlib.Path
        Relative to the current folder.
    """
    name = f"{spec.experiment}-{spec.identity_hash[:8]}"
    if Path(name).name != name or name.startswith("."):
        raise ValidationError(f"experiment: {spec.experiment!r} cannot name a folder")
    return Path("runs") / name


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
    verify: bool = False,
) -> Results:
    """Run every task of a spec that is not done yet, then write the report.

    Everything is validated before anything is written. Re-running the same spec
    in the same folder resumes it: done tasks are skipped, failed tasks retried,
    and done tasks whose array file is missing or damaged computed again. The same
    spec with more grid values or repetitions grows the run in place.

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
        ``True``, or when ``None`` and standard error is a terminal; when ``None``
        and it is not, a progress line every few seconds.
    verify : bool
        Recompute the checksum of every stored array file first (else only their
        presence and size are checked); damaged ones are computed again.

    Returns
    -------
    results : Results
        The run's results; ``results.report`` is the
        :class:`~cogattn.sim.report.ReportSummary` with the check outcomes.
    """
    from cogattn.sim.report import write_report

    spec = _override(load_spec(spec_or_path), executor, scheduler, n_workers)
    run_dir = check_run_dir(default_run_dir(spec) if out is None else out, spec)
    if spec.executor == "dask" and spec.scheduler is not None:
        check_scheduler_reachable(spec.scheduler)  # before the folder is created
    with use_log_level(verbose), RunStore(run_dir).open(spec) as store:
        statuses = store.statuses(verify=verify)
        n_done = n_failed_before = n_damaged = 0
        for task in iter_tasks(spec):  # counts only: the tasks are streamed below
            status = statuses.get(task.key)
            n_done += status == "done"
            n_failed_before += status == "failed"
            n_damaged += status == "damaged"
        n_todo = spec.n_tasks - n_done
        if n_damaged:
            logger.warning(
                "%d done task(s) have a missing or damaged array file; computing "
                "them again",
                n_damaged,
            )
        logger.info(
            "%s: %d tasks, %d done, %d to run (%d to retry) with %s in %s",
            spec.experiment,
            spec.n_tasks,
            n_done,
            n_todo,
            n_failed_before + n_damaged,
            spec.executor,
            run_dir,
        )
        todo = (t for t in iter_tasks(spec) if statuses.get(t.key) != "done")
        t0 = time.perf_counter()
        n_failed = 0
        lines = _ProgressLines(
            spec.experiment,
            n_todo,
            enabled=verbose is None and not sys.stderr.isatty(),
        )
        with progress_bar(
            total=n_todo, desc=spec.experiment, verbose=verbose, unit="task"
        ) as bar:
            if n_todo:
                for task, outcome in run_tasks(
                    todo,
                    spec.executor,
                    n_workers=min(spec.n_workers, n_todo),
                    scheduler=spec.scheduler,
                ):
                    store.record(task, outcome)
                    failed = outcome["status"] == "failed"
                    if failed:
                        n_failed += 1
                        first = (outcome["error"] or "").strip().splitlines()[-1:]
                        logger.warning("task %s failed: %s", task.key, "".join(first))
                    bar.update(1)
                    lines.update(failed)
        logger.info(
            "ran %d tasks in %.2f s, %d failed",
            n_todo,
            time.perf_counter() - t0,
            n_failed,
        )
    summary = write_report(run_dir)
    results = load_results(run_dir)
    results.report = summary
    return results
