"""Changing fields of a spec from the command line: ``--set key=value``.

Values are TOML literals (``5``, ``2.5``, ``true``, ``"dask"``, ``[16, 32]``). A key
names

- a top-level field: one of :data:`SETTABLE_FIELDS` (``seed``, ``repetitions``,
  ``executor``, ...);
- a parameter already in the spec: a bare name is looked up in ``[fixed]``, then in
  ``[grid]``, and keeps its section (a single value given to a grid parameter becomes
  a one-value grid);
- ``fixed.NAME`` or ``grid.NAME``: that section explicitly. This also adds a new
  parameter, or moves one between the sections (a fixed parameter swept with
  ``grid.NAME=[...]``). A bare name that is both a top-level field and a
  parameter means the top-level field.

Overrides are applied to the spec's TOML data before it is validated, so the result
is checked like any spec. They change what the tasks compute, hence the spec's
identity and the default run folder: a run with overrides never resumes into a run
without them.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from cogattn._core.errors import SpecError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["SETTABLE_FIELDS", "apply_overrides", "parse_override"]

#: Top-level spec fields that ``--set`` may change.
SETTABLE_FIELDS = (
    "description",
    "seed",
    "repetitions",
    "executor",
    "n_workers",
    "scheduler",
)
_SECTIONS = ("fixed", "grid")


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` and parse the value as a TOML literal.

    Parameters
    ----------
    text : str
        One override, e.g. ``"n_trials=5"`` or ``'d_k=[16, 32]'``.

    Returns
    -------
    key : str
        The key, stripped.
    value : object
        The parsed value.

    Raises
    ------
    cogattn.SpecError
        When there is no ``=``, the key is empty, or the value is not a TOML
        literal.
    """
    if not isinstance(text, str) or "=" not in text:
        raise SpecError(f"--set: expected key=value, got {text!r:.60}")
    key, raw = (part.strip() for part in text.split("=", 1))
    if not key:
        raise SpecError(f"--set: empty key in {text!r:.60}")
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        raise SpecError(
            f"--set {key}: cannot parse {raw!r:.60} as a TOML value (numbers, "
            f"true/false, quoted strings such as '\"dask\"', or lists such as "
            f"'[16, 32]')"
        ) from None
    return key, value


def _resolve(key: str, data: Mapping[str, Any]) -> tuple[str | None, str]:
    """Return (section or None for top level, field name)."""
    section, dot, name = key.partition(".")
    if dot:
        if section not in _SECTIONS or not name or "." in name:
            raise SpecError(
                f"--set {key}: unknown key; a dotted key must be fixed.NAME or "
                "grid.NAME"
            )
        return section, name
    if key in SETTABLE_FIELDS:
        return None, key
    for section in _SECTIONS:
        table = data.get(section)
        if isinstance(table, Mapping) and key in table:
            return section, key
    params = {
        section: sorted(table)
        for section in _SECTIONS
        if isinstance(table := data.get(section), Mapping)
    }
    listed = "; ".join(
        f"{section} parameters {', '.join(names) or '(none)'}"
        for section, names in params.items()
    )
    raise SpecError(
        f"--set {key}: unknown key; allowed are the fields "
        f"{', '.join(SETTABLE_FIELDS)}"
        + (f"; {listed}" if listed else "")
        + f" (fixed.{key} or grid.{key} adds a parameter)"
    )


def apply_overrides(
    data: Mapping[str, Any], overrides: Iterable[str | tuple[str, Any]]
) -> dict[str, Any]:
    """Return a copy of a spec's TOML data with fields changed.

    Parameters
    ----------
    data : mapping
        The spec as read from its TOML file (not yet validated).
    overrides : iterable of str or (str, object)
        ``"key=value"`` strings (see :func:`parse_override`) or ``(key, value)``
        pairs, applied in order; keys are resolved as described in the module
        docstring.

    Returns
    -------
    data : dict
        A new dict; ``data`` is left unchanged. Validate it with
        :func:`cogattn.sim.spec.load_spec`.

    Raises
    ------
    cogattn.SpecError
        One line naming the key, for an unknown key or an unparsable value.
    """
    out = copy.deepcopy(dict(data))
    for item in overrides:
        key, value = parse_override(item) if isinstance(item, str) else item
        section, name = _resolve(key, out)
        if section is None:
            out[name] = value
            continue
        if section == "grid" and not isinstance(value, list):
            value = [value]  # one grid point
        for other in _SECTIONS:
            table = out.get(other)
            if other != section and isinstance(table, dict):
                table.pop(name, None)
        table = out.setdefault(section, {})
        if not isinstance(table, dict):
            raise SpecError(f"--set {key}: [{section}] must be a table in the spec")
        table[name] = value
    return out
