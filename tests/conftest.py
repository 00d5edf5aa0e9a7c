"""Shared fixtures: a seeded rng, backends, and the real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from cogattn._core.backend import available_backends

# CI runs the property tests with a fixed example sequence (reproducible runs; search
# for new counterexamples happens on developers' machines), and never with deadlines:
# a loaded 2-core runner makes timings meaningless.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

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
        msg = (
            "real data not found: set COGATTN_DATA to the folder holding mne_test/ "
            "(the project's Makefile points it at ../shared/data)"
        )
        pytest.skip(reason=msg)
    return Path(root)
