"""One device convention: None follows tensors, else the current backend."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn import BackendError, ValidationError
from cogattn._core.backend import backend_context

torch = pytest.importorskip("torch")

from cogattn._core.device import resolve_device  # noqa: E402

HAS_CUDA = torch.cuda.is_available()


def test_none_is_the_current_backend_device() -> None:
    assert resolve_device() == torch.device("cpu")
    with backend_context("torch"):
        assert resolve_device(None) == torch.device("cpu")


def test_none_follows_tensor_inputs() -> None:
    x = torch.zeros(2)
    assert resolve_device(None, np.zeros(2), x, "not a tensor") == x.device
    assert resolve_device("cpu", x) == torch.device("cpu")


@pytest.mark.parametrize("value", ["cpu", "CPU", torch.device("cpu")])
def test_cpu_spellings(value) -> None:
    assert resolve_device(value) == torch.device("cpu")


@pytest.mark.parametrize("value", ["gpu", "cuda:x", 0, torch.device("meta")])
def test_bad_values_list_what_is_allowed(value) -> None:
    with pytest.raises(
        ValidationError,
        match=r"device must be 'cpu', 'cuda', 'cuda:<index>', a torch.device of "
        r"those or None, got",
    ):
        resolve_device(value)


@pytest.mark.skipif(HAS_CUDA, reason="CUDA is available: the error cannot occur")
@pytest.mark.parametrize("value", ["cuda", "cuda:0", torch.device("cuda")])
def test_cuda_without_cuda_is_a_backend_error(value) -> None:
    with pytest.raises(
        BackendError,
        match=r"CUDA is not available on this machine; use device='cpu'",
    ):
        resolve_device(value)


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
def test_cuda_tensors_keep_their_device() -> None:
    x = torch.zeros(2, device="cuda")
    assert resolve_device(None, x).type == "cuda"
    with backend_context("torch_cuda"):
        assert resolve_device().type == "cuda"
    with pytest.raises(ValidationError, match=r"live on different devices"):
        resolve_device(None, x, torch.zeros(2))
