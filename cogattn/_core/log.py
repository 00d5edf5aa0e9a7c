"""One package logger with a NullHandler, and the ``verbose=`` convention.

``verbose`` on long-running calls accepts ``None`` (keep the current level), a bool
(``True`` = INFO, ``False`` = WARNING) or a level name/number, as in MNE-Python.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

__all__ = ["logger", "resolve_verbose", "set_log_level", "use_log_level"]

logger = logging.getLogger("cogattn")
logger.addHandler(logging.NullHandler())

_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
}


def _to_level(verbose: bool | str | int | None) -> int:
    from cogattn._core.errors import ValidationError

    if verbose is None:
        return logger.level or logging.WARNING
    if isinstance(verbose, bool):
        return logging.INFO if verbose else logging.WARNING
    if isinstance(verbose, int):
        return verbose
    if isinstance(verbose, str) and verbose.upper() in _LEVELS:
        return _LEVELS[verbose.upper()]
    raise ValidationError(
        f"verbose must be None, a bool, an int or one of {sorted(_LEVELS)}, "
        f"got {verbose!r}"
    )


def set_log_level(verbose: bool | str | int | None = "INFO") -> None:
    """Set the level of the ``cogattn`` logger.

    Parameters
    ----------
    verbose : bool | str | int | None
        ``True``/``False`` for INFO/WARNING, a level name such as ``"DEBUG"``, or a
        :mod:`logging` level number.
    """
    logger.setLevel(_to_level(verbose))


def resolve_verbose(verbose: bool | str | int | None) -> bool:
    """Return whether progress output should be shown for ``verbose``.

    Parameters
    ----------
    verbose : bool | str | int | None
        As for :func:`set_log_level`; ``None`` follows the logger's level.

    Returns
    -------
    show : bool
        True when the resolved level is INFO or more detailed.
    """
    return _to_level(verbose) <= logging.INFO


@contextlib.contextmanager
def use_log_level(verbose: bool | str | int | None) -> Iterator[None]:
    """Temporarily set the logger level; the previous level is always restored.

    Parameters
    ----------
    verbose : bool | str | int | None
        As for :func:`set_log_level`; ``None`` leaves the level unchanged.
    """
    previous = logger.level
    if verbose is not None:
        logger.setLevel(_to_level(verbose))
    try:
        yield
    finally:
        logger.setLevel(previous)
