"""The experiments shipped with cogattn: one module per spec, under the same stem.

``cogattn/experiments/NAME.py`` holds the protocol of the experiment ``NAME``
(``trial`` and ``report``, registered with :func:`cogattn.sim.registry.experiment`),
and ``experiments/NAME.toml`` its spec:

- :mod:`cogattn.experiments.hebbian_memory`: retrieval and capacity of Hebbian
  (linear-attention) memories;
- :mod:`cogattn.experiments.lighting_diet`: the lighting asymmetry of search models
  whose backbone was trained upright or rotated;
- :mod:`cogattn.experiments.search_asymmetry`: search asymmetry in six paradigms,
  model variants against humans.

The experiments are found by module name (:func:`builtin_experiments`, without
importing them), and their specs by :func:`spec_path`: the copy packaged in the
wheel (``cogattn/experiments/specs/NAME.toml``), else the checkout's
``experiments/NAME.toml``.
"""

from __future__ import annotations

import pkgutil
from importlib import resources
from pathlib import Path

from cogattn._core.errors import SpecError

__all__ = ["builtin_experiments", "shipped_spec_dir", "spec_names", "spec_path"]

#: Folder of the packaged specs inside this package (present in a built wheel).
SPECS_DIR = "specs"


def builtin_experiments() -> list[str]:
    """Return the names of the experiments shipped in this package (not imported).

    Returns
    -------
    names : list of str
        Stems of the public modules of :mod:`cogattn.experiments`, sorted.
    """
    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and not info.ispkg
    )


def _packaged_dir() -> Path | None:
    folder = resources.files(__name__) / SPECS_DIR
    return Path(str(folder)) if folder.is_dir() else None


def _checkout_dir() -> Path | None:
    """``experiments/`` of the source checkout this package is imported from."""
    root = Path(__file__).resolve().parents[2]
    folder = root / "experiments"
    return folder if (root / "setup.py").is_file() and folder.is_dir() else None


def shipped_spec_dir() -> Path | None:
    """Return the folder of the shipped specs.

    Returns
    -------
    folder : pathlib.Path | None
        ``cogattn/experiments/specs`` of an installed wheel, else the checkout's
        ``experiments/``, else None (an installation without its specs).
    """
    packaged = _packaged_dir()
    return packaged if packaged is not None else _checkout_dir()


def _spec_dirs() -> list[Path]:
    return [d for d in (_packaged_dir(), _checkout_dir()) if d is not None]


def spec_names() -> list[str]:
    """Return the names of the shipped specs (packaged or in the checkout).

    Returns
    -------
    names : list of str
        File stems of the shipped ``NAME.toml`` specs, sorted.
    """
    return sorted({p.stem for d in _spec_dirs() for p in d.glob("*.toml")})


def spec_path(name: str) -> Path:
    """Return the spec file of a shipped experiment.

    Parameters
    ----------
    name : str
        The experiment's name, e.g. ``"hebbian_memory"``.

    Returns
    -------
    path : pathlib.Path
        The packaged copy when cogattn is installed from a wheel, else the
        checkout's ``experiments/NAME.toml``.

    Raises
    ------
    cogattn.SpecError
        When no shipped spec has this name; the message lists the known names.
    """
    if not isinstance(name, str) or not name.strip():
        raise SpecError(f"spec: must be a non-empty name, got {name!r:.60}")
    for folder in _spec_dirs():
        path = folder / f"{name}.toml"
        if path.is_file():
            return path
    known = spec_names()
    raise SpecError(
        f"spec: no shipped spec named {name!r}; known names are "
        + (", ".join(repr(k) for k in known) if known else "(none found)")
        + " (or give the path of a .toml file)"
    )
