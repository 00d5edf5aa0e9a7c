"""Scanpaths to and from CSV / TSV tables, one fixation per row.

Columns (a header row is required): ``scanpath`` (an id grouping the rows of one
scanpath), ``observer``, ``stimulus``, ``x``, ``y`` (pixels), ``onset`` and ``duration``
(seconds). ``observer``, ``stimulus`` and ``onset`` are optional on reading. Rows of one
scanpath must be contiguous and in temporal order. Files are written atomically: to a
temporary file in the same folder, flushed and fsynced, then renamed over the target,
so a crash never leaves half a table.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import validate_type
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath

__all__ = ["read_scanpaths", "write_scanpaths"]

COLUMNS = ("scanpath", "observer", "stimulus", "x", "y", "onset", "duration")
_REQUIRED = ("scanpath", "x", "y", "duration")


def _delimiter(path: Path, sep: str | None) -> str:
    if sep is not None:
        if sep not in (",", "\t"):
            raise ValidationError(f"sep must be ',' or '\\t', got {sep!r}")
        return sep
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def write_scanpaths(
    path: str | os.PathLike, scanpaths: Sequence[Scanpath], *, sep: str | None = None
) -> Path:
    r"""Write scanpaths to a CSV or TSV file, atomically.

    Parameters
    ----------
    path : path-like
        Target file; ``.tsv`` / ``.tab`` give tab-separated values unless ``sep`` says
        otherwise.
    scanpaths : sequence of Scanpath
        Scanpaths to write; the ``scanpath`` column holds their index.
    sep : {",", "\t"} | None
        Field separator.

    Returns
    -------
    path : pathlib.Path
    """
    validate_type(path, "path-like", "path")
    path = Path(path)
    delim = _delimiter(path, sep)
    for i, sp in enumerate(scanpaths):
        if not isinstance(sp, Scanpath):
            raise ValidationError(
                f"scanpaths[{i}] must be a Scanpath, got {type(sp).__name__}"
            )
    if not path.parent.is_dir():
        raise ValidationError(f"the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            writer = csv.writer(fh, delimiter=delim, lineterminator="\n")
            writer.writerow(COLUMNS)
            for i, sp in enumerate(scanpaths):
                obs = "" if sp.observer is None else sp.observer
                stim = "" if sp.stimulus is None else sp.stimulus
                for k in range(len(sp)):
                    writer.writerow(
                        [
                            i,
                            obs,
                            stim,
                            repr(float(sp.x[k])),
                            repr(float(sp.y[k])),
                            repr(float(sp.onset[k])),
                            repr(float(sp.duration[k])),
                        ]
                    )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_scanpaths(
    path: str | os.PathLike, screen: ScreenGeometry, *, sep: str | None = None
) -> list[Scanpath]:
    r"""Read scanpaths written by :func:`write_scanpaths` or any table with its columns.

    Parameters
    ----------
    path : path-like
        CSV or TSV file.
    screen : ScreenGeometry
        Geometry of the screen the positions refer to.
    sep : {",", "\t"} | None
        Field separator; by default from the file suffix.

    Returns
    -------
    scanpaths : list of Scanpath
        In the order of their first row.

    Raises
    ------
    ValidationError
        Missing columns, unreadable numbers (the row is named), rows of one scanpath
        that are not contiguous, or fixations that fail the :class:`Scanpath` checks.
    """
    validate_type(path, "path-like", "path")
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"no scanpath table at {path}")
    delim = _delimiter(path, sep)
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delim)
        header = reader.fieldnames or []
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise ValidationError(
                f"{path.name} lacks the column(s) {', '.join(missing)}; found "
                f"{', '.join(header) or 'no header'} (separator {delim!r})"
            )
        groups: dict[str, dict[str, list]] = {}
        order: list[str] = []
        last = None
        for lineno, row in enumerate(reader, start=2):
            key = row["scanpath"]
            if key != last and key in groups:
                raise ValidationError(
                    f"{path.name} line {lineno}: rows of scanpath {key!r} are not "
                    "contiguous"
                )
            if key not in groups:
                groups[key] = {c: [] for c in COLUMNS}
                order.append(key)
            last = key
            g = groups[key]
            for c in ("x", "y", "duration", "onset"):
                if c == "onset" and "onset" not in header:
                    continue
                try:
                    g[c].append(float(row[c]))
                except (TypeError, ValueError):
                    raise ValidationError(
                        f"{path.name} line {lineno}: column {c} holds {row[c]!r}, "
                        "not a number"
                    ) from None
            g["observer"].append(row.get("observer") or None)
            g["stimulus"].append(row.get("stimulus") or None)
    out = []
    for key in order:
        g = groups[key]
        try:
            out.append(
                Scanpath(
                    np.array(g["x"]),
                    np.array(g["y"]),
                    np.array(g["duration"]),
                    screen,
                    onset=np.array(g["onset"]) if g["onset"] else None,
                    observer=g["observer"][0],
                    stimulus=g["stimulus"][0],
                )
            )
        except ValidationError as err:
            raise ValidationError(f"{path.name}, scanpath {key!r}: {err}") from None
    return out
