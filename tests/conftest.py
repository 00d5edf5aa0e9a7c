"""Shared fixtures: a seeded rng, backends, and the real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from cogattn._core.backend import available_backends

# Matplotlib must never open a window in tests or notebooks run by them.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, new for every test."""
    return np.random.default_rng(20261122)


@pytest.fixture(params=available_backends())
def backend_name(request: pytest.FixtureRequest) -> str:
    """Every backend usable on this machine (torch_cuda only with a GPU)."""
    return request.param


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real-data folder from ``COGATTN_DATA``; skips when it is absent."""
    root = os.environ.get("COGATTN_DATA")
    if not root or not Path(root).is_dir():
        pytest.skip(
            "real data not found: set COGATTN_DATA to the folder holding mne_test/ "
            "(the project's Makefile points it at ../shared/data)"
        )
    return Path(root)
