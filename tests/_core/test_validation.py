"""Input checks say what was given and what is allowed."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogattn import CogattnError, ValidationError
from cogattn._core.validation import (
    check_array,
    check_int,
    check_option,
    check_positive,
    check_writable_dir,
    validate_type,
)


def test_error_family_subclasses_builtins() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ValidationError, CogattnError)


def test_validate_type() -> None:
    assert validate_type(3, "int", "n") == 3
    with pytest.raises(ValidationError, match=r"n must be an instance of int, got str"):
        validate_type("3", "int", "n")
    with pytest.raises(
        ValidationError, match=r"n must be an instance of int, got bool"
    ):
        validate_type(True, "int", "n")
    assert validate_type(None, ["path-like", None], "out") is None


def test_check_option() -> None:
    with pytest.raises(
        ValidationError,
        match=r"invalid value for mode: 'x'; allowed values are 'a', 'b'",
    ):
        check_option("x", ["a", "b"], "mode")


@pytest.mark.parametrize("value", [0, -3, 11])
def test_check_int_range(value: int) -> None:
    with pytest.raises(
        ValidationError, match=rf"k must be an integer in \[1, 10\], got {value}"
    ):
        check_int(value, "k", low=1, high=10)


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), float("inf")])
def test_check_positive(value: float) -> None:
    with pytest.raises(ValidationError, match=r"alpha must be a finite number > 0"):
        check_positive(value, "alpha")
    assert check_positive(0.0, "alpha", strict=False) == 0.0 or value != 0.0


def test_check_array_messages() -> None:
    with pytest.raises(
        ValidationError, match=r"X must have 2 dimension\(s\), got shape \(3,\)"
    ):
        check_array(np.ones(3), "X", ndim=2)
    with pytest.raises(ValidationError, match=r"X contains 1 NaN or infinite value"):
        check_array([1.0, np.nan], "X")
    with pytest.raises(
        ValidationError, match=r"X must hold real numbers .* complex128"
    ):
        check_array(np.ones(2, complex), "X")
    with pytest.raises(ValidationError, match=r"X must have at least 1 element"):
        check_array(np.ones((0, 2)), "X")
    with pytest.raises(ValidationError, match=r"X could not be read as an array"):
        check_array([[1.0], [1.0, 2.0]], "X")
    assert check_array([1, 2], "X").dtype == np.float64


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20)
)
def test_check_array_roundtrip(values: list[float]) -> None:
    np.testing.assert_array_equal(check_array(values, "x", ndim=1), np.asarray(values))


def test_check_writable_dir(tmp_path) -> None:
    target = tmp_path / "new" / "deeper"
    assert check_writable_dir(target) == target
    assert not target.exists()  # nothing is created
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ValidationError, match=r"is not a folder"):
        check_writable_dir(blocker / "run")
    if os.geteuid() != 0:  # root can write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(ValidationError, match=r"is not writable"):
            check_writable_dir(ro / "run")
