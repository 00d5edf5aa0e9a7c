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
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import SpecError, StoreError, ValidationError
from cogattn._core.validation import check_writable_dir
from cogattn.sim import _toml
from cogattn.sim.ledger import (
    _NEW_COLUMNS,
    _SCHEMA,
    _UPSERT,
    ARRAYS,
    LEDGER,
    LOCK,
    SCHEMA_VERSION,
    SPEC_FILE,
    TMP_SUFFIX,
    _connect,
    _ledger_errors,
    _read_meta,
    array_state,
    atomic_write,
    sha256_file,
)
from cogattn.sim.spec import Spec, canonical_json
from cogattn.sim.tasks import Task

__all__ = ["RunStore", "check_run_dir", "spec_change"]


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
