"""Numba shim, logging and progress conventions."""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy as np
import pytest

from cogattn import ValidationError, logger
from cogattn._core.log import resolve_verbose, set_log_level, use_log_level
from cogattn._core.progress import progress_bar


def test_jit_compiles_with_defaults() -> None:
    from cogattn._core import jit as shim

    @shim.jit
    def total(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i]
        return s

    assert total(np.arange(5.0)) == 10.0
    if shim.HAS_NUMBA:
        assert total.targetoptions["nopython"] and total.targetoptions["nogil"]
        assert total._cache is not None  # cache=True by default


def test_numba_can_be_switched_off() -> None:
    code = (
        "import sys; from cogattn._core import jit as j;"
        "f = j.jit(lambda x: x + 1); print(j.HAS_NUMBA, f(1), 'numba' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"COGATTN_USE_NUMBA": "0", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["False", "2", "False"]


def test_logger_has_null_handler_and_levels() -> None:
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)
    before = logger.level
    with use_log_level("DEBUG"):
        assert logger.level == logging.DEBUG
    assert logger.level == before
    set_log_level(False)
    assert not resolve_verbose(None)
    set_log_level(before)
    assert resolve_verbose(True) and not resolve_verbose(False)
    with pytest.raises(ValidationError, match="verbose must be"):
        set_log_level("LOUD")


def test_progress_bar_silent_and_counts() -> None:
    bar = progress_bar(range(3), verbose=False)
    assert bar.disable
    assert list(bar) == [0, 1, 2]
    shown = progress_bar(total=2, verbose=True)
    shown.update(2)
    assert shown.n == 2
    shown.close()
