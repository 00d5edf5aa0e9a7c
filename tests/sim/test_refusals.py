"""Bad specs, names and modules are refused before anything is written."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from spec_factory import base_spec

from cogattn._core.errors import BackendError, SpecError
from cogattn.sim import run
from cogattn.sim.executors import run_tasks
from cogattn.sim.params import Param, check_params, declare_params
from cogattn.sim.spec import load_spec
from cogattn.sim.tasks import iter_tasks

HEBB = {
    "experiment": "hebbian_memory",
    "seed": 1,
    "fixed": {"d_v": 16, "n_target_items": 8, "error_free_batch": 2},
    "grid": {"d_k": [8], "load": [0.5], "backend": ["numpy"]},
}


def _hebb(fixed=None, grid=None, **changes):
    spec = {**HEBB, **changes}
    spec["fixed"] = {**HEBB["fixed"], **(fixed or {})}
    spec["grid"] = HEBB["grid"] if grid is None else grid
    return spec


# finding 3: bad specs are caught before anything runs

BAD_PARAMS = {
    "misspelt name": (
        _hebb(fixed={"d_vv": 16}),
        r"^fixed\.d_vv: unknown parameter of experiment 'hebbian_memory'; "
        r"did you mean 'd_v'\?",
    ),
    "zero and negative": (
        _hebb(grid={"d_k": [0, -8], "load": [1.0], "backend": ["numpy"]}),
        r"^grid\.d_k\[0\]: must be an int in \[1, 8192\], got 0 \(int\)$",
    ),
    "string for an int": (
        _hebb(grid={"d_k": ["8"], "load": [1.0], "backend": ["numpy"]}),
        r"^grid\.d_k\[0\]: must be an int .*, got '8' \(str\)$",
    ),
    "nan": (
        _hebb(grid={"d_k": [8], "load": [float("nan")], "backend": ["numpy"]}),
        r"^grid\.load\[0\]: must be a finite number in \(0, 64\], got nan",
    ),
    "huge": (
        _hebb(grid={"d_k": [100000000], "load": [1.0], "backend": ["numpy"]}),
        r"^grid\.d_k\[0\]: must be an int in \[1, 8192\], got 100000000",
    ),
    "empty grid": (
        _hebb(grid={}),
        r"^fixed\.d_k: missing; experiment 'hebbian_memory' needs it",
    ),
    "bad choice": (
        _hebb(grid={"d_k": [8], "load": [1.0], "backend": ["cuda"]}),
        r"^grid\.backend\[0\]: must be one of 'numpy', 'torch', 'torch_cuda'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PARAMS))
def test_declared_parameters_refuse_bad_specs(case, tmp_path) -> None:
    spec, match = BAD_PARAMS[case]
    out = tmp_path / "out"
    with pytest.raises(SpecError, match=match):
        run(spec, out=out, verbose=False)
    assert not out.exists()


def test_declarations_of_the_shipped_experiments() -> None:
    from cogattn.experiments.hebbian_memory import HebbianMemoryExperiment, run_point

    declared = HebbianMemoryExperiment.params
    assert declared["d_v"].default == 256 and declared["n_check"].default == 1
    assert set(declared) <= set(run_point.__code__.co_varnames)
    from cogattn.experiments import spec_path

    for name in ("hebbian_memory", "lighting_diet", "search_asymmetry"):
        load_spec(spec_path(name))  # every shipped spec passes its declaration
    with pytest.raises(TypeError, match="'nope' is not an argument of run_point"):
        declare_params(run_point, nope=Param(int))


def test_param_checks_by_hand() -> None:
    declared = {"n": Param(int, low=1), "x": Param(float, default=0.5)}
    check_params("e", declared, {"n": 3}, {"x": [0, 1.5]})
    with pytest.raises(SpecError, match=r"^fixed\.n: must be an int in \[1, inf\)"):
        check_params("e", declared, {"n": True}, {})
    with pytest.raises(SpecError, match=r"^grid\.zz: unknown .*known parameters"):
        check_params("e", declared, {"n": 1}, {"zz": [1]})


def test_user_experiment_without_declaration_still_runs(on_path, tmp_path) -> None:
    spec = base_spec(repetitions=1, fixed={"sleep": 0.0, "anything": 1})
    assert run(spec, out=tmp_path / "r", verbose=False).counts["done"] == 3


def test_huge_repetitions_are_refused_at_once(tmp_path) -> None:
    out = tmp_path / "out"
    t0 = time.monotonic()
    with pytest.raises(SpecError, match=r"^repetitions: the spec has 100000000 tasks"):
        run(_hebb(repetitions=100_000_000), out=out, verbose=False)
    assert time.monotonic() - t0 < 5 and not out.exists()


def test_tasks_are_streamed_to_the_pool(on_path) -> None:
    spec = load_spec(base_spec(repetitions=20))  # 60 tasks
    pulled = []

    def source():
        for task in iter_tasks(spec):
            pulled.append(task.key)
            yield task

    outcomes = run_tasks(source(), "processes", n_workers=2)
    next(outcomes)
    assert len(pulled) <= 6  # a few per worker, not the whole sweep
    assert sum(1 for _ in outcomes) == 59


def test_unreachable_scheduler_writes_nothing(on_path, tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    out = tmp_path / "out"
    with pytest.raises(BackendError, match=r"^scheduler: cannot reach dask"):
        run(base_spec(), out=out, scheduler=f"tcp://127.0.0.1:{port}", verbose=False)
    assert not out.exists()


def test_module_that_registers_nothing_says_so(tmp_path) -> None:
    with pytest.raises(
        SpecError,
        match=r"^module: 'os' registers no experiment named 'hebbian_memory'.*"
        r"leave 'module' out",
    ):
        run(_hebb(module="os"), out=tmp_path / "out", verbose=False)
    assert not (tmp_path / "out").exists()


def test_failed_task_parameters_are_shown(on_path, tmp_path, capsys) -> None:
    from cogattn.cli import main

    flag = tmp_path / "flag"
    flag.touch()
    spec = base_spec(
        repetitions=1, fixed={"sleep": 0.0, "fail_if_exists": str(flag), "fail_n": 2000}
    )
    run(spec, out=tmp_path / "r", verbose=False)
    assert main(["show", str(tmp_path / "r")]) == 0
    assert "(n_samples=2000, repetition 0, 1 attempts)" in capsys.readouterr().out


# finding 4: names and code


@pytest.mark.parametrize("name", ["../../evil", "a/b", ".hidden", "x" * 101, "é"])
def test_experiment_names_cannot_leave_the_output_folder(name, tmp_path) -> None:
    with pytest.raises(SpecError, match=r"^experiment: invalid name"):
        run({"experiment": name, "module": "mc_halfnormal"}, verbose=False)
    with pytest.raises(SpecError, match=r"^module: invalid module name"):
        load_spec({"experiment": "x", "module": "../evil"})


EVIL = """
from pathlib import Path
Path(__file__).with_name("imported").touch()
from cogattn.sim import ReportContent, experiment

@experiment("evil")
class Evil:
    @staticmethod
    def trial(params, rng):
        return {"x": 1.0}

    @staticmethod
    def report(results):
        return ReportContent(measured={"x": 1.0})
"""


def test_a_run_folder_imports_no_code_from_the_current_folder(
    tmp_path, monkeypatch
) -> None:
    """``python -m cogattn report RUN`` next to a module the spec names."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "evilmod.py").write_text(EVIL)
    monkeypatch.syspath_prepend(str(here))
    out = tmp_path / "run"
    run({"experiment": "evil", "module": "evilmod"}, out=out, verbose=False)
    marker = here / "imported"
    marker.unlink()

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cogattn", *args],
            cwd=here,
            capture_output=True,
            text=True,
        )

    refused = cli("report", str(out))
    assert refused.returncode == 2 and not marker.exists()
    assert "pass --module evilmod to allow it" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    named = cli("report", str(out), "--module", "evilmod")  # named, but not on a path
    assert named.returncode == 2 and not marker.exists()
    assert "cannot import 'evilmod'" in named.stderr
    other = cli("report", str(out), "--module", "os")
    assert "the spec imports module 'evilmod', not 'os'" in other.stderr
    shown = cli("show", str(out))  # show never imports
    assert shown.returncode == 0 and not marker.exists()
    run_spec = cli("run", str(out / "spec.toml"), "--out", str(tmp_path / "again"))
    assert run_spec.returncode == 2 and not marker.exists()
    assert not Path(tmp_path / "again").exists()
