"""The cogattn exception family.

Every error also subclasses the builtin it refines, so ``except ValueError`` keeps
working for users who do not know about cogattn's classes.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "CogattnError",
    "DataNotFoundError",
    "SpecError",
    "StoreError",
    "ValidationError",
]


class CogattnError(Exception):
    """Base class of every error raised on purpose by cogattn."""


class ValidationError(CogattnError, ValueError):
    """An argument has the wrong value, shape, dtype or type."""


class SpecError(ValidationError):
    """An experiment spec (TOML) is invalid: the message names the field."""


class BackendError(CogattnError, RuntimeError):
    """A compute backend is unknown or unavailable on this machine."""


class DataNotFoundError(CogattnError, FileNotFoundError):
    """A data file is missing locally and cannot be fetched."""


class StoreError(CogattnError, OSError):
    """A run folder is damaged: the message names the file and what to do."""
