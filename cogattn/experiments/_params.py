"""Passing a task's parameters through to the function that computes it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from cogattn._core.errors import ValidationError

__all__ = ["call_with_params"]


def call_with_params(
    func: Callable[..., Any], params: Mapping[str, Any], **extra: Any
) -> Any:
    """Call ``func(**params, **extra)``, naming any parameter it does not take.

    The spec's parameters are passed as they are, so the defaults of ``func`` stay
    the only defaults; a parameter it has no argument for is a
    :class:`~cogattn.ValidationError` that lists the ones it has (instead of a
    ``TypeError`` from deep inside the call).

    Parameters
    ----------
    func : callable
        The function that computes a task.
    params : mapping of str to object
        The task's parameters (the spec's fixed parameters and one grid point).
    **extra
        Arguments added by the experiment (e.g. the task's generator).

    Returns
    -------
    out : object
        What ``func`` returns.
    """
    signature = inspect.signature(func)
    kinds = {p.kind for p in signature.parameters.values()}
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        allowed = [
            name
            for name, p in signature.parameters.items()
            if name not in extra and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            raise ValidationError(
                f"unknown parameter(s) {unknown} for {func.__name__}; allowed "
                f"parameters are {', '.join(repr(a) for a in allowed)}"
            )
    return func(**params, **extra)
