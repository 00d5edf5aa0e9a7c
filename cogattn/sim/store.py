"""The run folder: a SQLite ledger, array files, and the results read back from them.

Layout of a run folder::

    spec.toml          the spec as given (or written from a dict)
    ledger.sqlite      one row per finished task (WAL mode)
    arrays/<key>.npz   the task's array outputs, when it has any
    report/            written by :func:`cogattn.sim.write_report`
    run.lock           held (``flock``) by the process running the sweep

The coordinating process is the only writer. It takes the folder's lock before it
looks at the ledger, so two runs into one folder never both pass the check. For each
finished task it writes the array file to ``<key>.npz.tmp``, fsyncs it, renames it
into place, and only then commits the ledger row in one transaction; a run killed at
any point therefore leaves every committed task complete, and re-running the same
spec in the same folder skips the tasks marked ``done``, retries the ``failed`` ones
and runs the rest. Each task's key is the ledger's primary key, so nothing is ever
doubled.

Integrity
    Every row records the identity hash of the spec that computed it
    (``spec_hash``; seed included) and, for its array file, the SHA-256 and size.
    A folder accepts only its own spec, or the same spec with values added to its
    grid or more repetitions (the finished tasks keep their keys, seeds and
    results). The ledger keeps a copy of the spec (meta ``spec_text``);
    ``spec.toml`` must match it. A re-run recomputes done tasks whose array file is
    missing or has the wrong size, and with ``verify=True`` (``cogattn run
    --verify``) also those whose checksum differs; reading an array checks its
    checksum. A damaged ledger or spec file is a :class:`~cogattn.StoreError`
    naming the file and what to do.

Older folders
    A folder written before the integrity columns existed is upgraded by the next
    run into it (checksums are taken of the array files as they are then); it can
    be read without upgrading, with its array files checked for presence only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import SpecError, StoreError, ValidationError
from cogattn._core.validation import check_writable_dir
from cogattn.sim import _toml
from cogattn.sim.spec import Spec, canonical_json, load_spec
from cogattn.sim.tasks import Task, iter_tasks

__all__ = ["Results", "RunStore", "load_results"]

LEDGER = "ledger.sqlite"
SPEC_FILE = "spec.toml"
ARRAYS = "arrays"
LOCK = "run.lock"
TMP_SUFFIX = ".tmp"
#: Version of the ledger's layout (2: per-row spec hash, checksum, size, executor).
SCHEMA_VERSION = "2"

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
    versions TEXT,
    spec_hash TEXT,
    checksum TEXT,
    nbytes INTEGER,
    executor TEXT
);
"""

#: Columns added by schema 2, with their SQL types.
_NEW_COLUMNS = {
    "spec_hash": "TEXT",
    "checksum": "TEXT",
    "nbytes": "INTEGER",
    "executor": "TEXT",
}

_UPSERT = """
INSERT INTO tasks (key, task_index, params, repetition, seed, status, results, arrays,
                   error, attempts, started, finished, duration, worker, host, versions,
                   spec_hash, checksum, nbytes, executor)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(key) DO UPDATE SET
    task_index = excluded.task_index, status = excluded.status,
    results = excluded.results, arrays = excluded.arrays, error = excluded.error,
    attempts = tasks.attempts + 1, started = excluded.started,
    finished = excluded.finished, duration = excluded.duration,
    worker = excluded.worker, host = excluded.host, versions = excluded.versions,
    spec_hash = excluded.spec_hash, checksum = excluded.checksum,
    nbytes = excluded.nbytes, executor = excluded.executor
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


def _damaged(ledger: Path, err: BaseException) -> StoreError:
    reason = " ".join(str(err).split()) or type(err).__name__
    return StoreError(
        f"ledger: {str(ledger)!r} is damaged ({reason}); its results cannot be "
        "trusted: move the run folder aside and run the spec again into a new "
        "folder (--out)"
    )


@contextlib.contextmanager
def _ledger_errors(ledger: Path) -> Iterator[None]:
    """Turn any SQLite error about ``ledger`` into a one-line StoreError."""
    try:
        yield
    except sqlite3.DatabaseError as err:
        raise _damaged(ledger, err) from None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _integrity(conn: sqlite3.Connection, ledger: Path) -> None:
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise _damaged(ledger, RuntimeError(f"integrity check: {row and row[0]}"))


def _meta(conn: sqlite3.Connection) -> dict[str, str]:
    if not _has_table(conn, "meta"):
        return {}
    return dict(conn.execute("SELECT name, value FROM meta"))


def _read_meta(ledger: Path) -> dict[str, str]:
    """Return the ledger's meta table (empty when it was never written)."""
    with _ledger_errors(ledger):
        conn = _connect(ledger)
        try:
            _integrity(conn, ledger)
            meta = _meta(conn)
        finally:
            conn.close()
    if not meta:
        run_dir = ledger.parent
        arrays = run_dir / ARRAYS
        if (run_dir / SPEC_FILE).exists() or (
            arrays.is_dir() and any(arrays.glob("*.npz"))
        ):
            # a run wrote its spec or arrays, so the ledger held rows once
            raise _damaged(ledger, RuntimeError("its tables are gone"))
    return meta


def _same_values(old: list[Any], new: list[Any]) -> bool:
    return {canonical_json(v) for v in old} <= {canonical_json(v) for v in new}


def spec_change(stored: dict[str, Any], spec: Spec) -> str | None:
    """Say how ``spec`` relates to the spec identity stored in a run folder.

    Parameters
    ----------
    stored : dict
        The stored :meth:`Spec.identity`.
    spec : Spec
        The spec to run.

    Returns
    -------
    change : {"same", "grown"} | None
        ``"same"``; ``"grown"`` when ``spec`` only adds grid values or repetitions
        (every finished task keeps its key, seed and result); ``None`` otherwise.
    """
    new = spec.identity()
    if canonical_json(stored) == canonical_json(new):
        return "same"
    fields = ("experiment", "module", "seed", "fixed")
    if any(canonical_json(stored.get(f)) != canonical_json(new[f]) for f in fields):
        return None
    old_grid = stored.get("grid", {})
    if set(old_grid) != set(new["grid"]):
        return None
    if not all(_same_values(old_grid[k], new["grid"][k]) for k in old_grid):
        return None
    return "grown" if new["repetitions"] >= stored.get("repetitions", 0) else None


def _check_against(meta: dict[str, str], spec: Spec, run_dir: Path, name: str) -> str:
    stored = meta.get("spec_hash")
    if stored is None:  # killed while the ledger was being created, before any task
        return "same"
    identity = meta.get("identity")
    change = spec_change(json.loads(identity), spec) if identity else None
    if stored == spec.identity_hash:
        change = "same"
    if change is None:
        raise SpecError(
            f"{name}: {str(run_dir)!r} holds a run of a different spec (hash "
            f"{str(stored)[:8]}, this spec {spec.identity_hash[:8]}); change only "
            "executor, workers, description or checks, or add grid values or "
            "repetitions, to resume, or use another folder"
        )
    return change


def check_run_dir(run_dir: str | os.PathLike, spec: Spec, name: str = "out") -> Path:
    """Check, without writing anything, that ``spec`` can run in ``run_dir``.

    This is an early check only; :meth:`RunStore.open` checks again once it holds
    the folder's lock.

    Parameters
    ----------
    run_dir : path-like
        The run folder: new, empty, or holding an earlier run of the same spec (or
        of the same spec with a smaller grid or fewer repetitions).
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
        if any(p.name != LOCK for p in run_dir.iterdir()):
            raise ValidationError(
                f"{name}: {str(run_dir)!r} exists and is not a cogattn run folder "
                "(no ledger.sqlite); give an empty or new folder"
            )
        return run_dir
    _check_against(_read_meta(ledger), spec, run_dir, name)
    return run_dir


def sha256_file(path: Path) -> str:
    """Return the SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def array_state(
    run_dir: Path,
    key: str,
    names: list[str],
    checksum: str | None,
    nbytes: int | None,
    verify: bool,
) -> str:
    """Return ``"ok"``, ``"missing"`` or ``"damaged"`` for one done task's arrays.

    Parameters
    ----------
    run_dir : pathlib.Path
        The run folder.
    key : str
        The task's key.
    names : list of str
        Its array names (no file is expected when empty).
    checksum : str | None
        Recorded SHA-256 (``None``: a folder from before checksums).
    nbytes : int | None
        Recorded size.
    verify : bool
        Whether to recompute the checksum (else the size is compared).

    Returns
    -------
    state : str
    """
    if not names:
        return "ok"
    path = run_dir / ARRAYS / f"{key}.npz"
    try:
        size = path.stat().st_size
    except OSError:
        return "missing"
    if nbytes is not None and size != nbytes:
        return "damaged"
    if verify and checksum is not None and sha256_file(path) != checksum:
        return "damaged"
    return "ok"


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
        self._spec_hash: str | None = None
        self._executor: str | None = None

    def open(self, spec: Spec) -> RunStore:
        """Create or reopen the folder, take its lock, check it and record the spec.

        The lock is taken before the ledger is read, so a second process never
        passes the check while the first is writing.

        Parameters
        ----------
        spec : Spec
            The spec being run; its ``executor`` is recorded on every row.

        Returns
        -------
        self : RunStore

        Raises
        ------
        cogattn.SpecError
            When the folder holds a run of another spec.
        cogattn.StoreError
            When its ledger is damaged.
        """
        (self.run_dir / ARRAYS).mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._open(spec)
        except BaseException:
            self.close()
            raise
        return self

    def _open(self, spec: Spec) -> None:
        ledger = self.run_dir / LEDGER
        meta = _read_meta(ledger) if ledger.is_file() else {}
        change = _check_against(meta, spec, self.run_dir, "out")
        for stale in (self.run_dir / ARRAYS).glob("*" + TMP_SUFFIX):
            stale.unlink()  # left by a killed run; the single writer holds the lock
        with _ledger_errors(ledger):
            conn = _connect(ledger)
            self._conn = conn
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.executescript(_SCHEMA)
            self._migrate(conn, meta)
            lineage = json.loads(meta.get("lineage", "[]")) or (
                [meta["spec_hash"]] if "spec_hash" in meta else []
            )
            if spec.identity_hash not in lineage:
                lineage.append(spec.identity_hash)
            foreign = conn.execute(
                "SELECT COUNT(*) FROM tasks WHERE spec_hash NOT IN (SELECT value "
                "FROM json_each(?))",
                (json.dumps(lineage),),
            ).fetchone()[0]
            if foreign:
                raise StoreError(
                    f"ledger: {str(ledger)!r} holds {foreign} row(s) of another spec; "
                    "its results are mixed: move the run folder aside and run the "
                    "spec again into a new folder (--out)"
                )
            text = spec.text if spec.text is not None else _toml.dumps(spec.to_dict())
            new_meta = {
                "spec_hash": spec.identity_hash,
                "identity": canonical_json(spec.identity()),
                "n_tasks": str(spec.n_tasks),
                "spec_text": text,
                "lineage": json.dumps(lineage),
                "schema": SCHEMA_VERSION,
            }
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                    new_meta.items(),
                )
                conn.execute(
                    "INSERT OR IGNORE INTO meta (name, value) VALUES ('created', ?)",
                    (str(time.time()),),
                )
        if change == "grown":
            from cogattn._core.log import logger

            logger.info(
                "%s: grid grown in place to %d tasks (identity %s -> %s)",
                self.run_dir,
                spec.n_tasks,
                meta["spec_hash"][:8],
                spec.identity_hash[:8],
            )
        self._spec_hash = spec.identity_hash
        self._executor = spec.executor
        atomic_write(self.run_dir / SPEC_FILE, lambda f: f.write(text.encode()))

    def _migrate(self, conn: sqlite3.Connection, meta: dict[str, str]) -> None:
        """Add the schema-2 columns to an older ledger and fill them."""
        have = {row[1] for row in conn.execute("PRAGMA table_info(tasks)")}
        missing = [c for c in _NEW_COLUMNS if c not in have]
        if not missing:
            return
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            for column in missing:
                conn.execute(
                    f"ALTER TABLE tasks ADD COLUMN {column} {_NEW_COLUMNS[column]}"
                )
            old_hash = meta.get("spec_hash")
            conn.execute(
                "UPDATE tasks SET spec_hash = ? WHERE spec_hash IS NULL", (old_hash,)
            )
            rows = conn.execute(
                "SELECT key, arrays FROM tasks WHERE status = 'done' AND checksum "
                "IS NULL"
            ).fetchall()
            for key, arrays in rows:
                path = self.run_dir / ARRAYS / f"{key}.npz"
                if json.loads(arrays or "[]") and path.is_file():
                    conn.execute(
                        "UPDATE tasks SET checksum = ?, nbytes = ? WHERE key = ?",
                        (sha256_file(path), path.stat().st_size, key),
                    )

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

    def statuses(self, verify: bool = False) -> dict[str, str]:
        """Return ``{key: status}`` for every task in the ledger.

        Parameters
        ----------
        verify : bool
            Whether to recompute the checksum of every array file (else its
            presence and size are checked).

        Returns
        -------
        statuses : dict of str to str
            ``"done"``, ``"failed"``, or ``"damaged"`` for a done task whose array
            file is missing or damaged (it is run again).
        """
        assert self._conn is not None, "open() the store first"
        out: dict[str, str] = {}
        with _ledger_errors(self.run_dir / LEDGER):
            rows = self._conn.execute(
                "SELECT key, status, arrays, checksum, nbytes FROM tasks"
            ).fetchall()
        for key, status, arrays, checksum, nbytes in rows:
            if status == "done":
                state = array_state(
                    self.run_dir,
                    key,
                    json.loads(arrays or "[]"),
                    checksum,
                    nbytes,
                    verify,
                )
                if state != "ok":
                    status = "damaged"
            out[key] = status
        return out

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
        checksum = nbytes = None
        if arrays:
            atomic_write(path, lambda f: np.savez(f, **arrays))
            checksum, nbytes = sha256_file(path), path.stat().st_size
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
            self._spec_hash,
            checksum,
            nbytes,
            self._executor,
        )
        with _ledger_errors(self.run_dir / LEDGER), self._conn:
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
