"""A guard that fails a test when torch data is copied to host memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import torch


@contextlib.contextmanager
def refuse_host_copies(monkeypatch: pytest.MonkeyPatch, min_numel: int) -> Iterator:
    """Make ``Tensor.numpy`` and ``Tensor.cpu`` raise for tensors of data size.

    Solvers may read a handful of values (eigenvalues, argmax indices) on the host
    to plan their work; any tensor with ``min_numel`` values or more is data, and
    copying it is the failure the tests look for.
    """
    originals = {"numpy": torch.Tensor.numpy, "cpu": torch.Tensor.cpu}

    def guard(original):
        def method(self, *args, **kwargs):
            if self.numel() >= min_numel:
                raise AssertionError(
                    f"a tensor of shape {tuple(self.shape)} was copied to the host"
                )
            return original(self, *args, **kwargs)

        return method

    with monkeypatch.context() as m:
        for name, original in originals.items():
            m.setattr(torch.Tensor, name, guard(original))
        yield
