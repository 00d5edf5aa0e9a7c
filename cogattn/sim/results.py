"""Reading a run folder back: :class:`Results` and :func:`load_results`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import StoreError, ValidationError
from cogattn.sim.ledger import (
    _NEW_COLUMNS,
    ARRAYS,
    LEDGER,
    SPEC_FILE,
    _connect,
    _damaged,
    _has_table,
    _integrity,
    _ledger_errors,
    _meta,
    array_state,
    sha256_file,
)
from cogattn.sim.spec import Spec, load_spec
from cogattn.sim.tasks import iter_tasks

__all__ = ["Results", "check_run_folder", "load_results"]


class Results:
    """The stored results of a run folder (see :func:`load_results`).

    Attributes
    ----------
    run_dir : pathlib.Path
        The run folder.
    spec : Spec
        The run's spec.
    table : pandas.DataFrame
        One row per done task, indexed by task key, in task order: parameter
        columns, ``repetition``, then the scalar outputs.
    failed : pandas.DataFrame
        One row per failed task, indexed by key: parameters, ``repetition``,
        ``attempts`` and ``error`` (the traceback).
    pending : list of str
        Keys of the spec's tasks that are not done: not in the ledger yet, or done
        but with a missing or damaged array file (also listed in :attr:`damaged`).
    damaged : list of str
        Keys of done tasks whose array file is missing or damaged; the next run
        into the folder computes them again.
    executors : list of str
        The executors that computed the stored tasks (empty before any task, or
        for a folder from before they were recorded).
    report : object
        The :class:`~cogattn.sim.report.ReportSummary` when the results come from
        :func:`cogattn.sim.run`, else ``None``.
    """

    def __init__(
        self,
        run_dir: Path,
        spec: Spec,
        rows: list[dict[str, Any]],
        verify: bool = False,
    ) -> None:
        import pandas as pd

        self.run_dir = run_dir
        self.spec = spec
        self.report: Any = None
        order: dict[str, int] = {}
        for task in iter_tasks(spec):
            order[task.key] = task.index
        rows = sorted(
            (r for r in rows if r["key"] in order), key=lambda r: order[r["key"]]
        )
        self.damaged = [
            r["key"]
            for r in rows
            if r["status"] == "done"
            and array_state(
                run_dir, r["key"], r["arrays"], r["checksum"], r["nbytes"], verify
            )
            != "ok"
        ]
        broken = set(self.damaged)
        self.executors = sorted({r["executor"] for r in rows if r["executor"]})
        param_names = list(spec.fixed) + list(spec.grid)
        done = [r for r in rows if r["status"] == "done" and r["key"] not in broken]
        failed = [r for r in rows if r["status"] == "failed"]
        records = []
        for r in done:
            rec = {n: r["params"].get(n) for n in param_names}
            rec["repetition"] = r["repetition"]
            for name, value in r["results"].items():
                rec[name if name not in rec else f"out_{name}"] = value
            records.append(rec)
        self.table = pd.DataFrame.from_records(
            records, index=pd.Index([r["key"] for r in done], name="key")
        )
        if not records:
            self.table = pd.DataFrame(
                columns=[*param_names, "repetition"], index=pd.Index([], name="key")
            )
        self.failed = pd.DataFrame(
            [
                {
                    **{n: r["params"].get(n) for n in param_names},
                    "repetition": r["repetition"],
                    "attempts": r["attempts"],
                    "error": r["error"],
                }
                for r in failed
            ],
            columns=[*param_names, "repetition", "attempts", "error"],
            index=pd.Index([r["key"] for r in failed], name="key"),
        )
        self._array_names = {r["key"]: r["arrays"] for r in done}
        self._checksums = {r["key"]: r["checksum"] for r in done}
        seen = {r["key"] for r in rows if r["key"] not in broken}
        self.pending = [k for k in order if k not in seen]

    @property
    def counts(self) -> dict[str, int]:
        """Numbers of ``done``, ``failed`` and ``pending`` tasks, and the ``total``."""
        done, failed, pending = len(self.table), len(self.failed), len(self.pending)
        return {
            "done": done,
            "failed": failed,
            "pending": pending,
            "total": done + failed + pending,
        }

    @property
    def complete(self) -> bool:
        """Whether every task of the spec is done (none failed, pending or damaged)."""
        return not self.pending and not len(self.failed)

    def _load(self, key: str) -> Any:
        path = self.run_dir / ARRAYS / f"{key}.npz"
        expected = self._checksums.get(key)
        what = (
            f"arrays: {str(path)!r} of task {key} is missing or damaged; run the "
            "spec again into this folder (cogattn run SPEC --out RUN --verify) to "
            "recompute it"
        )
        try:
            if expected is not None and sha256_file(path) != expected:
                raise StoreError(what)
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            if isinstance(err, StoreError):
                raise
            raise StoreError(what) from None

    def arrays(self, key: str) -> dict[str, np.ndarray]:
        """Return the array outputs of the done task ``key``.

        Parameters
        ----------
        key : str
            A task key (an index value of :attr:`table`).

        Returns
        -------
        arrays : dict of str to numpy.ndarray
            Empty when the task returned no arrays.

        Raises
        ------
        cogattn.StoreError
            When the task's file is missing or its checksum differs from the
            ledger's.
        """
        if key not in self._array_names:
            raise ValidationError(
                f"key: no done task {key!r} in {str(self.run_dir)!r} "
                f"({len(self._array_names)} done tasks)"
            )
        if not self._array_names[key]:
            return {}
        with self._load(key) as data:
            return {name: data[name] for name in data.files}

    def iter_arrays(self, name: str) -> Iterator[tuple[str, np.ndarray]]:
        """Yield ``(key, array)`` for every done task that returned array ``name``.

        Parameters
        ----------
        name : str
            Output name.

        Yields
        ------
        key : str
            Task key, in task order.
        array : numpy.ndarray
            That task's array (its file's checksum verified).
        """
        for key, names in self._array_names.items():
            if name in names:
                with self._load(key) as data:
                    yield key, data[name]

    def __repr__(self) -> str:
        c = self.counts
        return (
            f"<Results {self.spec.experiment!r} in {str(self.run_dir)!r}: "
            f"{c['done']} done, {c['failed']} failed, {c['pending']} pending>"
        )


def check_run_folder(run_dir: str | os.PathLike, name: str = "run") -> Path:
    """Check that ``run_dir`` is a run folder (has a ledger and a spec)."""
    path = Path(run_dir)
    for needed in (LEDGER, SPEC_FILE):
        if not (path / needed).is_file():
            raise ValidationError(
                f"{name}: {str(path)!r} is not a cogattn run folder (no {needed})"
            )
    return path


def load_results(run_dir: str | os.PathLike, *, verify: bool = False) -> Results:
    """Read the results of a run folder.

    Parameters
    ----------
    run_dir : path-like
        A folder written by :func:`cogattn.sim.run` (finished or not).
    verify : bool
        Whether to recompute every array file's checksum now (else presence and
        size are checked here, and the checksum when an array is read).

    Returns
    -------
    results : Results
        Table of done tasks, failed tasks with tracebacks, and array access.

    Raises
    ------
    cogattn.StoreError
        When the ledger is damaged, or ``spec.toml`` does not match the ledger's
        copy of the spec.
    """
    path = check_run_folder(run_dir)
    ledger = path / LEDGER
    spec = load_spec(path / SPEC_FILE, check_experiment=False)
    with _ledger_errors(ledger):
        conn = _connect(ledger)
        try:
            _integrity(conn, ledger)
            meta = _meta(conn)
            if not meta:  # spec.toml is written only after the meta table
                raise _damaged(ledger, RuntimeError("its tables are gone"))
            stored = meta.get("spec_hash")
            if stored is not None and stored != spec.identity_hash:
                raise StoreError(
                    f"spec: {str(path / SPEC_FILE)!r} does not match the run's ledger "
                    f"(identity {spec.identity_hash[:8]}, ledger {stored[:8]}): it "
                    "was changed after the run; put the original back (running the "
                    "original spec again with --out into this folder rewrites it)"
                )
            have = (
                {row[1] for row in conn.execute("PRAGMA table_info(tasks)")}
                if _has_table(conn, "tasks")
                else set()
            )
            extra = [c if c in have else f"NULL AS {c}" for c in _NEW_COLUMNS]
            cursor = (
                conn.execute(
                    "SELECT key, params, repetition, status, results, arrays, error, "
                    f"attempts, {', '.join(extra)} FROM tasks"
                )
                if have
                else []
            )
            rows = [
                {
                    "key": key,
                    "params": json.loads(params),
                    "repetition": rep,
                    "status": status,
                    "results": json.loads(results) if results else {},
                    "arrays": json.loads(arrays) if arrays else [],
                    "error": error,
                    "attempts": attempts,
                    "spec_hash": spec_hash,
                    "checksum": checksum,
                    "nbytes": nbytes,
                    "executor": executor,
                }
                for (
                    key,
                    params,
                    rep,
                    status,
                    results,
                    arrays,
                    error,
                    attempts,
                    spec_hash,
                    checksum,
                    nbytes,
                    executor,
                ) in cursor
            ]
        finally:
            conn.close()
    return Results(path, spec, rows, verify=verify)
