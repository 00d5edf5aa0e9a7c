"""Input checks say what was given and what is allowed."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogattn import CogattnError, SpecError, ValidationError
from cogattn._core.validation import (
    check_array,
    check_int,
    check_option,
    check_positive,
    check_writable_dir,
    is_tensor,
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


def test_is_tensor_without_importing_torch_for_numpy() -> None:
    torch = pytest.importorskip("torch")
    assert is_tensor(torch.zeros(2))
    assert is_tensor(torch.nn.Parameter(torch.zeros(2)))
    assert not is_tensor(np.zeros(2))
    assert not is_tensor([1.0])
    assert not is_tensor(torch.device("cpu"))


def test_check_array_numpy_shape_range_and_error_class() -> None:
    arr = np.full((2, 3), 0.5)
    assert check_array(arr, "x", shape=(None, 3), low=0, high=1) is arr
    with pytest.raises(
        ValidationError, match=r"x must have shape \(any, 4\), got shape \(2, 3\)"
    ):
        check_array(arr, "x", shape=(None, 4))
    with pytest.raises(
        ValidationError,
        match=r"x must have values in \[0, 1\], got values in \[-1, 0\.5\]",
    ):
        check_array(np.array([-1.0, 0.5]), "x", low=0, high=1)
    with pytest.raises(ValidationError, match=r"x must have at least 3 dimension"):
        check_array(arr, "x", min_ndim=3)
    with pytest.raises(ValidationError, match=r"x must hold integers, got dtype"):
        check_array(arr, "x", dtype="integer")
    with pytest.raises(ValidationError, match=r"x must be boolean, got dtype"):
        check_array(arr, "x", dtype="bool")
    with pytest.raises(ValidationError, match=r"x must be numeric, got dtype <U1"):
        check_array(np.array(["a"]), "x", dtype="numeric")
    with pytest.raises(
        ValidationError, match=r"x must be a float array .* got dtype uint8; divide"
    ):
        check_array(np.zeros(2, np.uint8), "x", dtype="float")
    with pytest.raises(SpecError, match=r"n must be an integer in \[1, inf\], got 0"):
        check_int(0, "n", low=1, error=SpecError)
    with pytest.raises(SpecError, match=r"x contains 1 NaN"):
        check_array([np.nan], "x", error=SpecError)
    with pytest.raises(
        ValidationError, match=r"x is a sparse matrix \(csr_matrix\): sparse input"
    ):
        from scipy import sparse

        check_array(sparse.csr_matrix(np.eye(2)), "x")


def test_check_array_tensor_stays_a_tensor() -> None:
    torch = pytest.importorskip("torch")
    x = torch.full((2, 3), 0.5, dtype=torch.float32, requires_grad=True)
    out = check_array(x, "x", ndim=2, shape=(2, 3), low=0, high=1)
    assert isinstance(out, torch.Tensor)
    assert out.dtype == torch.float32 and out.device == x.device
    assert not out.requires_grad  # detached, same storage
    assert out.data_ptr() == x.data_ptr()
    ints = check_array(torch.arange(3), "x")
    assert isinstance(ints, torch.Tensor) and ints.dtype == torch.get_default_dtype()
    with pytest.raises(ValidationError, match=r"x contains 1 NaN or infinite value"):
        check_array(torch.tensor([1.0, float("nan")]), "x")
    with pytest.raises(ValidationError, match=r"x contains 2 NaN or infinite value"):
        check_array(torch.tensor([float("inf"), -float("inf")]), "x")
    with pytest.raises(
        ValidationError, match=r"x must have 1 dimension\(s\), got shape \(2, 3\)"
    ):
        check_array(x, "x", ndim=1)
    with pytest.raises(
        ValidationError, match=r"x must have values in \[0, 0\.25\], got values in"
    ):
        check_array(x, "x", low=0, high=0.25)
    with pytest.raises(
        ValidationError, match=r"x must be a float tensor .* got dtype torch\.int64"
    ):
        check_array(torch.arange(3), "x", dtype="float")
    with pytest.raises(
        ValidationError, match=r"x must hold real numbers .*: Complex data not"
    ):
        check_array(torch.zeros(2, dtype=torch.complex64), "x")
    with pytest.raises(ValidationError, match=r"x must be boolean, got dtype torch"):
        check_array(torch.zeros(2), "x", dtype="bool")
    assert check_array(torch.zeros(2, dtype=torch.bool), "x", dtype="bool").dtype == (
        torch.bool
    )


def test_check_array_tensor_is_not_copied_to_the_host(monkeypatch) -> None:
    torch = pytest.importorskip("torch")

    def refuse(*args, **kwargs):
        raise AssertionError("tensor copied to the host")

    x = torch.rand(4, 3)
    monkeypatch.setattr(torch.Tensor, "numpy", refuse)
    monkeypatch.setattr(torch.Tensor, "cpu", refuse)
    assert check_array(x, "x", low=0, high=1, dtype="float") is not None
