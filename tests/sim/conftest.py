"""Fixtures for the runner's tests: the test experiment on the path, spec files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spec_factory import base_spec

from cogattn.sim._toml import dumps

SIM_DIR = Path(__file__).resolve().parent


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put this folder (the test experiment's module) on ``sys.path``."""
    monkeypatch.syspath_prepend(str(SIM_DIR))
    return SIM_DIR


@pytest.fixture
def sub_env() -> dict[str, str]:
    """Environment for subprocesses that must import the test experiment."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SIM_DIR), env.get("PYTHONPATH", "")) if p
    )
    return env


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec dict (default :func:`base_spec`) as TOML and return its path."""

    def write(spec: dict[str, Any] | None = None, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.write_text(dumps(base_spec() if spec is None else spec))
        return path

    return write


@pytest.fixture
def python() -> str:
    """The interpreter running the tests."""
    return sys.executable
