"""``import cogattn`` is fast and loads none of the heavy libraries (cf. MNE's
``test_import_nesting``)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "torch",
    "numba",
    "matplotlib",
    "dask",
    "distributed",
    "mne",
    "sklearn",
    "pandas",
)


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_import_loads_no_heavy_library() -> None:
    out = _run(
        "import sys, cogattn, cogattn.sim, cogattn.cli;"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert out == "[]"


def test_import_is_fast() -> None:
    # Best of three, in fresh interpreters, to keep a loaded CI machine from flaking.
    code = (
        "import time; t = time.perf_counter(); import cogattn;"
        "print(time.perf_counter() - t)"
    )
    best = min(float(_run(code)) for _ in range(3))
    assert best < 0.5, f"import cogattn took {best:.3f} s"


def test_submodules_are_lazy() -> None:
    out = _run("import sys, cogattn; cogattn.sim; print('cogattn.sim' in sys.modules)")
    assert out == "True"
