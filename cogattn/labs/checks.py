"""Answer checks for the exercises of the teaching labs.

A check compares a student's answer with a value the lab computes independently
(usually with the package's own function) and either prints one confirming line or
raises :class:`LabCheckError` with what was expected. An answer still left as ``...``
(or ``None``, what a function with a blanked body returns) gets its own message, so a
student who runs every cell sees at once which blank is next.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import CogattnError
from cogattn._core.validation import is_tensor

__all__ = ["LabCheckError", "check_close", "check_true"]


class LabCheckError(CogattnError, AssertionError):
    """An exercise's answer is missing or wrong; the message says what was expected."""


def _to_numpy(value: Any) -> np.ndarray:
    if is_tensor(value):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _not_filled(name: str, answer: Any) -> None:
    if answer is Ellipsis:
        raise LabCheckError(
            f"{name} is still `...`: replace the blank with your answer, run that "
            "cell, then run this check again"
        )
    if answer is None:
        raise LabCheckError(
            f"{name} is None: a function whose body is still `...` returned None; "
            "fill in the function body, run that cell, then run this check again"
        )


def check_close(
    name: str,
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    hint: str | None = None,
) -> None:
    """Check that ``answer`` equals ``expected`` within tolerances.

    Parameters
    ----------
    name : str
        What the answer is, as the exercise names it (e.g. ``"best_alpha"``).
    answer : array-like, torch.Tensor or float
        The student's value (``...`` when the blank is not filled yet).
    expected : array-like, torch.Tensor or float
        The reference value, computed independently by the lab.
    rtol, atol : float
        Relative and absolute tolerances of :func:`numpy.allclose`.
    hint : str | None
        A sentence appended to the message when the answer is wrong.

    Raises
    ------
    LabCheckError
        When the answer is missing, has the wrong shape, or is not close enough.
    """
    _not_filled(name, answer)
    try:
        got = _to_numpy(answer).astype(np.float64)
    except (TypeError, ValueError):
        raise LabCheckError(
            f"{name} should be a number or an array of numbers, got "
            f"{type(answer).__name__}"
        ) from None
    want = _to_numpy(expected).astype(np.float64)
    extra = f" Hint: {hint}" if hint else ""
    if got.shape != want.shape:
        raise LabCheckError(
            f"{name} should have shape {want.shape}, got {got.shape}.{extra}"
        )
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        worst = float(np.nanmax(np.abs(got - want))) if got.size else 0.0
        shown = f"{want.item():.6g}" if want.size == 1 else f"an array of {want.shape}"
        raise LabCheckError(
            f"{name} is not right yet: expected {shown} (rtol {rtol:g}, "
            f"atol {atol:g}), largest difference {worst:.3g}.{extra}"
        )
    print(f"Correct: {name} matches the reference.")


def check_true(name: str, condition: Any, message: str) -> None:
    """Check a property of an answer that has no single right value.

    Parameters
    ----------
    name : str
        What is checked, as the exercise names it.
    condition : bool or ...
        The property, evaluated by the check cell (``...`` when not filled yet).
    message : str
        What should hold, shown when it does not.

    Raises
    ------
    LabCheckError
        When ``condition`` is ``...`` or false.
    """
    _not_filled(name, condition)
    if not bool(condition):
        raise LabCheckError(f"{name} is not right yet: {message}")
    print(f"Correct: {name}.")
