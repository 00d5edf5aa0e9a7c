"""The run folder's files: names, the SQLite ledger, atomic writes and checksums.

The layout and the write protocol are described in :mod:`cogattn.sim.store`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cogattn._core.errors import StoreError

__all__ = [
    "ARRAYS",
    "LEDGER",
    "LOCK",
    "SPEC_FILE",
    "TMP_SUFFIX",
    "array_state",
    "atomic_write",
    "sha256_file",
]

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
