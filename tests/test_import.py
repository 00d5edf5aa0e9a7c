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


def test_search_experiments_and_list_import_no_matplotlib() -> None:
    """Figures live in cogattn.viz and import matplotlib only when they draw."""
    out = _run(
        "import sys, cogattn.search, cogattn.viz, cogattn.viz.search, "
        "cogattn.viz.hebbian, cogattn.experiments.hebbian_memory, "
        "cogattn.experiments.search_asymmetry, cogattn.experiments.lighting_diet;"
        "from cogattn.cli import main; main(['list']);"
        "print('matplotlib' in sys.modules)"
    )
    assert out.splitlines()[-1] == "False"


def test_list_imports_no_experiment_module() -> None:
    out = _run(
        "import sys; from cogattn.cli import main; main(['list']);"
        "print(sorted(m for m in sys.modules if m.startswith('cogattn.experiments.')"
        f" or m in {HEAVY!r}))"
    )
    assert out.splitlines()[-1] == "[]"


def test_a_figure_imports_matplotlib() -> None:
    out = _run(
        "import sys, pandas as pd; from cogattn.viz.search import plot_diet_pairs;"
        "plot_diet_pairs(pd.DataFrame({'ai_upright': [0.1], 'ai_rotated': [0.0]}));"
        "print('matplotlib' in sys.modules)"
    )
    assert out == "True"
