"""The run folder: a SQLite ledger, array files, and the results read back from them.

Layout of a run folder::

    spec.toml          the spec as given (or written from a dict)
    ledger.sqlite      one row per finished task (WAL mode)
    arrays/<key>.npz   the task's array outputs, when it has any
    report/            written by :func:`cogattn.sim.write_report`
    run.lock           held (``flock``) by the process running the sweep

The coordinating process is the only writer. For each finished task it writes the
array file to ``<key>.npz.tmp``, fsyncs it, renames it into place, and only then
commits the ledger row in one transaction; a run killed at any point therefore
leaves every committed task complete, and re-running the same spec in the same
folder skips the tasks marked ``done``, retries the ``failed`` ones and runs the
rest. Each task's key is the ledger's primary key, so nothing is ever doubled.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import SpecError, ValidationError
from cogattn._core.validation import check_writable_dir
from cogattn.sim import _toml
from cogattn.sim.spec import Spec, canonical_json, load_spec
from cogattn.sim.tasks import Task, make_tasks

__all__ = ["Results", "RunStore", "load_results"]

LEDGER = "ledger.sqlite"
SPEC_FILE = "spec.toml"
ARRAYS = "arrays"
LOCK = "run.lock"
TMP_SUFFIX = ".tmp"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    key TEXT PRIMARY KEY,
    task_index INTEGER NOT NULL,
    params TEXT NOT NULL,
    repetition INTEGER NOT NULL,
    seed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    results TEXT,
    arrays TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    started REAL,
    finished REAL,
    duration REAL,
    worker TEXT,
    host TEXT,
    versions TEXT
);
"""

_UPSERT = """
INSERT INTO tasks (key, task_index, params, repetition, seed, status, results, arrays,
                   error, attempts, started, finished, duration, worker, host, versions)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
ON CONFLICT(key) DO UPDATE SET
    task_index = excluded.task_index, status = excluded.status,
    results = excluded.results, arrays = excluded.arrays, error = excluded.error,
    attempts = tasks.attempts + 1, started = excluded.started,
    finished = excluded.finished, duration = excluded.duration,
    worker = excluded.worker, host = excluded.host, versions = excluded.versions
"""


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can fsync a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, write: Any) -> None:
    """Write a file through ``write(fileobj)`` to a temp name, fsync and rename.

    Parameters
    ----------
    path : pathlib.Path
        Final name; the temp file is ``path`` + ``.tmp`` in the same folder.
    write : callable
        Called with a binary file object open for writing.
    """
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _stored_hash(ledger: Path) -> str | None:
    conn = _connect(ledger)
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'spec_hash'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        conn.close()
    return None if row is None else row[0]


def check_run_dir(run_dir: str | os.PathLike, spec: Spec, name: str = "out") -> Path:
    """Check, without writing anything, that ``spec`` can run in ``run_dir``.

    Parameters
    ----------
    run_dir : path-like
        The run folder: new, empty, or holding an earlier run of the same spec.
    spec : Spec
        The spec to run.
    name : str
        Name of the argument, for messages.

    Returns
    -------
    run_dir : pathlib.Path
    """
    run_dir = check_writable_dir(run_dir, f"{name}: output folder")
    if not run_dir.exists():
        return run_dir
    ledger = run_dir / LEDGER
    if not ledger.is_file():
        if any(run_dir.iterdir()):
            raise ValidationError(
                f"{name}: {str(run_dir)!r} exists and is not a cogattn run folder "
                "(no ledger.sqlite); give an empty or new folder"
            )
        return run_dir
    stored = _stored_hash(ledger)
    # No stored hash: killed while the ledger was being created, before any task.
    if stored is not None and stored != spec.identity_hash:
        raise SpecError(
            f"{name}: {str(run_dir)!r} holds a run of a different spec (hash "
            f"{str(stored)[:8]}, this spec {spec.identity_hash[:8]}); change only "
            "executor, workers, description or checks to resume, or use another folder"
        )
    return run_dir


class RunStore:
    """Writer side of a run folder (used by the coordinating process only).

    Parameters
    ----------
    run_dir : path-like
        The run folder; created by :meth:`open`.
    """

    def __init__(self, run_dir: str | os.PathLike) -> None:
        self.run_dir = Path(run_dir)
        self._conn: sqlite3.Connection | None = None
        self._lock_fd: int | None = None

    def open(self, spec: Spec) -> RunStore:
        """Create or reopen the folder, take its lock and record the spec.

        Parameters
        ----------
        spec : Spec
            The spec being run (checked with :func:`check_run_dir` beforehand).

        Returns
        -------
        self : RunStore
        """
        (self.run_dir / ARRAYS).mkdir(parents=True, exist_ok=True)
        self._lock()
        for stale in (self.run_dir / ARRAYS).glob("*" + TMP_SUFFIX):
            stale.unlink()  # left by a killed run; the single writer holds the lock
        conn = _connect(self.run_dir / LEDGER)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.executescript(_SCHEMA)
        meta = {
            "spec_hash": spec.identity_hash,
            "identity": canonical_json(spec.identity()),
            "n_tasks": str(spec.n_tasks),
        }
        with conn:
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", meta.items()
            )
            conn.execute(
                "INSERT OR IGNORE INTO meta (name, value) VALUES ('created', ?)",
                (str(time.time()),),
            )
        self._conn = conn
        text = spec.text if spec.text is not None else _toml.dumps(spec.to_dict())
        atomic_write(self.run_dir / SPEC_FILE, lambda f: f.write(text.encode()))
        return self

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            return
        fd = os.open(self.run_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ValidationError(
                f"out: {str(self.run_dir)!r} is being written by another cogattn "
                "process; wait for it to finish or use another folder"
            ) from None
        self._lock_fd = fd

    def statuses(self) -> dict[str, str]:
        """Return ``{key: status}`` for every task in the ledger."""
        assert self._conn is not None, "open() the store first"
        return dict(self._conn.execute("SELECT key, status FROM tasks"))

    def record(self, task: Task, outcome: dict[str, Any]) -> None:
        """Store one finished task: its array file first, then its ledger row.

        Parameters
        ----------
        task : Task
            The task.
        outcome : dict
            What :func:`cogattn.sim.worker.execute_task` returned for it.
        """
        assert self._conn is not None, "open() the store first"
        arrays = outcome["arrays"] if outcome["status"] == "done" else {}
        path = self.run_dir / ARRAYS / f"{task.key}.npz"
        if arrays:
            atomic_write(path, lambda f: np.savez(f, **arrays))
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        row = (
            task.key,
            task.index,
            canonical_json(task.params),
            task.repetition,
            canonical_json(task.seed_info()),
            outcome["status"],
            json.dumps(outcome["scalars"]),
            json.dumps(sorted(arrays)),
            outcome["error"],
            outcome["started"],
            outcome["finished"],
            outcome["duration"],
            outcome["worker"],
            outcome["host"],
            canonical_json(outcome["versions"]),
        )
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(_UPSERT, row)

    def close(self) -> None:
        """Close the ledger and release the folder's lock."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        Keys of the spec's tasks not in the ledger yet.
    report : object
        The :class:`~cogattn.sim.report.ReportSummary` when the results come from
        :func:`cogattn.sim.run`, else ``None``.
    """

    def __init__(self, run_dir: Path, spec: Spec, rows: list[dict[str, Any]]) -> None:
        import pandas as pd

        self.run_dir = run_dir
        self.spec = spec
        self.report: Any = None
        param_names = list(spec.fixed) + list(spec.grid)
        done = [r for r in rows if r["status"] == "done"]
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
        seen = {r["key"] for r in rows}
        self.pending = [t.key for t in make_tasks(spec) if t.key not in seen]

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
        """
        if key not in self._array_names:
            raise ValidationError(
                f"key: no done task {key!r} in {str(self.run_dir)!r} "
                f"({len(self._array_names)} done tasks)"
            )
        if not self._array_names[key]:
            return {}
        with np.load(self.run_dir / ARRAYS / f"{key}.npz") as data:
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
            That task's array.
        """
        for key, names in self._array_names.items():
            if name in names:
                with np.load(self.run_dir / ARRAYS / f"{key}.npz") as data:
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


def load_results(run_dir: str | os.PathLike) -> Results:
    """Read the results of a run folder.

    Parameters
    ----------
    run_dir : path-like
        A folder written by :func:`cogattn.sim.run` (finished or not).

    Returns
    -------
    results : Results
        Table of done tasks, failed tasks with tracebacks, and array access.
    """
    path = check_run_folder(run_dir)
    spec = load_spec(path / SPEC_FILE, check_experiment=False)
    conn = _connect(path / LEDGER)
    try:
        cursor = conn.execute(
            "SELECT key, params, repetition, status, results, arrays, error, attempts "
            "FROM tasks ORDER BY task_index"
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
            }
            for key, params, rep, status, results, arrays, error, attempts in cursor
        ]
    finally:
        conn.close()
    return Results(path, spec, rows)
