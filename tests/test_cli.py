"""The ``cogattn`` command line: commands, exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cogattn.cli import main
from cogattn.sim._toml import dumps

SIM_DIR = Path(__file__).resolve().parent / "sim"
#: The option that allows the test specs to import their module.
MOD = ("--module", "mc_halfnormal")
GOOD = {
    "experiment": "mc_halfnormal",
    "module": "mc_halfnormal",
    "seed": 1,
    "fixed": {"sleep": 0.0},
    "grid": {"n_samples": [400, 1600]},
    "checks": [
        {"name": "closed form", "measured": "abs_error", "expected": 0, "atol": 0.1}
    ],
}


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SIM_DIR))


def _spec(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(dumps({**GOOD, **changes}))
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SIM_DIR), env.get("PYTHONPATH", "")) if p
    )
    return env


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cogattn", *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=cwd,
    )


def test_run_show_report(on_path, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["run", str(_spec(tmp_path)), "--out", str(out), "--quiet", *MOD]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"run: {out} (2 done, 0 failed, 0 pending)"
    assert printed[1] == f"report: {out / 'report' / 'report.md'}"
    assert printed[2].startswith("PASS closed form: measured ")

    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "experiment: mc_halfnormal (module mc_halfnormal)" in shown
    assert "grid n_samples = [400, 1600]" in shown
    assert "tasks: 2 total, 2 done, 0 failed, 0 pending" in shown

    (out / "report" / "report.md").unlink()
    assert main(["report", str(out), *MOD]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("PASS closed form")
    assert (out / "report" / "report.md").is_file()


def test_failed_task_and_check_exit_1(on_path, tmp_path, capsys) -> None:
    flag = tmp_path / "flag"
    flag.touch()
    spec = _spec(
        tmp_path, fixed={"sleep": 0.0, "fail_if_exists": str(flag), "fail_n": 400}
    )
    out = tmp_path / "run"
    assert main(["run", str(spec), "--out", str(out), "--quiet", *MOD]) == 1
    assert "1 task(s) failed" in capsys.readouterr().out
    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "tasks: 2 total, 1 done, 1 failed, 0 pending" in shown
    assert "RuntimeError: asked to fail while" in shown
    flag.unlink()
    assert main(["run", str(spec), "--out", str(out), "--quiet", *MOD]) == 0
    failing = _spec(
        tmp_path,
        checks=[{"name": "never", "measured": "abs_error", "expected": -1, "op": "<="}],
    )
    assert (
        main(["run", str(failing), "--out", str(tmp_path / "r2"), "--quiet", *MOD]) == 1
    )
    assert "FAIL never: measured" in capsys.readouterr().out


BAD = {
    "unknown experiment": (
        {"experiment": "nope"},
        "module: 'mc_halfnormal' registers no experiment named 'nope'",
    ),
    "unknown field": ({"sede": 3}, "unknown field 'sede' at top level"),
    "wrong type": ({"repetitions": "two"}, "repetitions must be an instance of int"),
    "empty grid": ({"grid": {"n_samples": []}}, "grid.n_samples: must be a non-empty"),
    "bad executor": ({"executor": "gpu"}, "executor: invalid value 'gpu'"),
    "bad check": (
        {"checks": [{"name": "c", "measured": "m", "expected": 0, "rtol": -1}]},
        "checks[0].rtol must be a finite number >= 0",
    ),
}


def _assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cogattn: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_spec_one_line_nothing_written(case, on_path, tmp_path, capsys) -> None:
    changes, fragment = BAD[case]
    out = tmp_path / "out"
    code = main(["run", str(_spec(tmp_path, **changes)), "--out", str(out), *MOD])
    captured = capsys.readouterr()
    _assert_one_line_error(code, captured.err, fragment)
    assert captured.out == "" and not out.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--executor", "gpu"], "executor: invalid value 'gpu'"),
        (["--n-workers", "0"], "n_workers: must be an int >= 1"),
        (["--n-workers", "many"], "argument --n-workers: invalid int value: 'many'"),
        (["--scheduler", "somewhere"], "scheduler: must be an address like"),
    ],
)
def test_bad_options(args, fragment, on_path, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["run", str(_spec(tmp_path)), "--out", str(out), *args, *MOD])
    _assert_one_line_error(code, capsys.readouterr().err, fragment)
    assert not out.exists()


def test_unwritable_output_folder(on_path, tmp_path, capsys) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: use a file instead
            target = tmp_path / "a_file"
            target.write_text("not a folder")
            out, fragment = target / "out", "is not a folder"
        else:
            out, fragment = locked / "out", "is not writable"
        code = main(["run", str(_spec(tmp_path)), "--out", str(out), *MOD])
        _assert_one_line_error(code, capsys.readouterr().err, fragment)
        assert not out.exists()
    finally:
        locked.chmod(0o700)


def test_missing_files_and_usage(tmp_path, capsys) -> None:
    cases = [
        (["run", str(tmp_path / "none.toml")], "spec: file"),
        (["show", str(tmp_path)], "is not a cogattn run folder (no ledger.sqlite)"),
        (["report", str(tmp_path / "nope")], "is not a cogattn run folder"),
        (["run"], "the following arguments are required: SPEC"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ]
    for args, fragment in cases:
        code = main(args)
        _assert_one_line_error(code, capsys.readouterr().err, fragment)


def test_subprocess_bad_spec(tmp_path) -> None:
    out = tmp_path / "out"
    bad = _cli("run", str(_spec(tmp_path, grid={"n_samples": []})), "--out", str(out))
    _assert_one_line_error(bad.returncode, bad.stderr, "grid.n_samples")
    assert not out.exists()


def test_info_and_list(tmp_path, capsys) -> None:
    assert main(["info"]) == 0
    info = capsys.readouterr().out
    fields = dict(line.split(": ", 1) for line in info.splitlines())
    for name in (
        "cogattn",
        "python",
        "numpy",
        "scipy",
        "torch",
        "numba",
        "mne",
        "dask",
        "backends",
        "cuda device",
        "numba jit",
    ):
        assert fields.get(name), f"{name} missing from cogattn info"
    import numpy

    assert fields["numpy"] == numpy.__version__
    assert fields["numba jit"].split()[0] in ("on", "off")
    assert fields["backends"].startswith("numpy, torch")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "demo.toml").write_text(dumps(GOOD))
    assert main(["list", "--dir", str(tmp_path / "experiments")]) == 0
    listed = capsys.readouterr().out
    assert "  hebbian_memory" in listed
    assert "demo.toml  (mc_halfnormal)" in listed
    assert main(["list", "--dir", str(tmp_path / "none")]) == 2
    assert "--dir: " in capsys.readouterr().err


def test_import_is_light() -> None:
    code = (
        "import sys, cogattn, cogattn.sim, cogattn.cli;"
        "print(sorted(m for m in ('torch', 'numba', 'matplotlib', 'dask', "
        "'distributed', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_set_overrides_fields_and_parameters(on_path, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    args = ["run", str(_spec(tmp_path)), "--out", str(out), "--quiet", *MOD]
    assert main([*args, "--set", "n_samples=[400]", "--set", "seed=3"]) == 0
    assert capsys.readouterr().out.startswith(f"run: {out} (1 done, 0 failed")
    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "grid n_samples = [400]" in shown and "seed: 3 " in shown
    # the overrides are part of the run's spec: the unchanged spec is another run
    code = main(args)
    _assert_one_line_error(code, capsys.readouterr().err, "different spec")


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("n_sample=3", "--set n_sample: unknown key; allowed are the fields"),
        ("n_samples=[400", "--set n_samples: cannot parse '[400' as a TOML value"),
        ("executor=serial", "--set executor: cannot parse 'serial'"),
        ("repetitions=0", "repetitions must be an integer in [1, inf], got 0"),
        ("grid.n_samples=[]", "grid.n_samples: must be a non-empty list"),
        ("no_equals", "--set: expected key=value, got 'no_equals'"),
    ],
)
def test_bad_set_one_line_nothing_written(
    override, fragment, on_path, tmp_path, capsys
) -> None:
    out = tmp_path / "out"
    code = main(
        ["run", str(_spec(tmp_path)), "--set", override, "--out", str(out), *MOD]
    )
    captured = capsys.readouterr()
    _assert_one_line_error(code, captured.err, fragment)
    assert captured.out == "" and not out.exists()


def test_run_by_name(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["run", "no_such_experiment", "--out", str(out)])
    _assert_one_line_error(
        code,
        capsys.readouterr().err,
        "no shipped spec named 'no_such_experiment'; known names are "
        "'attentional_blink', 'bold_alignment', 'hebbian_memory'",
    )
    code = main(["run", "missing.toml", "--out", str(out)])
    _assert_one_line_error(code, capsys.readouterr().err, "spec: file 'missing.toml'")
    assert not out.exists()
    from cogattn.cli import load_run_spec

    spec = load_run_spec("hebbian_memory", ["d_k=[16, 32]", "fixed.n_check=0"])
    assert spec.grid["d_k"] == [16, 32] and spec.fixed["n_check"] == 0
    assert load_run_spec("hebbian_memory").grid["d_k"][0] == 16


def test_run_help_explains_set(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--set KEY=VALUE" in text and "--set 'd_k=[16,32]'" in text
    assert "change the spec's identity" in text


def _ran(tmp_path: Path, out: Path, **changes) -> None:
    args = ["run", str(_spec(tmp_path, **changes)), "--out", str(out), "--quiet"]
    assert main([*args, *MOD]) in (0, 1)


def test_report_of_an_incomplete_run_exits_1(on_path, tmp_path, capsys) -> None:
    import sqlite3

    out = tmp_path / "run"
    _ran(tmp_path, out, repetitions=3)
    with sqlite3.connect(out / "ledger.sqlite") as conn:  # as if killed early
        conn.execute("DELETE FROM tasks WHERE repetition = 2")
    capsys.readouterr()
    assert main(["report", str(out), *MOD]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].startswith("INCOMPLETE: 4 of 6 tasks done, 0 failed, 2 pending")
    assert printed[2].startswith("PASS closed form")  # the checks alone would pass
    assert "**INCOMPLETE: 4 of 6" in (out / "report" / "report.md").read_text()
    assert main(["show", str(out)]) == 0
    assert "INCOMPLETE: 4 of 6" in capsys.readouterr().out


def test_show_names_the_executor_that_ran(on_path, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    args = ["run", str(_spec(tmp_path)), "--out", str(out), "--quiet"]
    assert main([*args, "--executor", "processes", *MOD]) == 0
    capsys.readouterr()
    assert main(["show", str(out)]) == 0
    assert "executor: processes  identity" in capsys.readouterr().out
    assert "executor: processes," in (out / "report" / "report.md").read_text()


def test_show_into_a_closed_pipe(on_path, tmp_path) -> None:
    flag = tmp_path / "flag"
    flag.touch()
    out = tmp_path / "run"
    _ran(  # 150 failed tasks: a long traceback listing
        tmp_path,
        out,
        repetitions=150,
        fixed={"sleep": 0.0, "fail_if_exists": str(flag), "fail_n": 400},
        grid={"n_samples": [400]},
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cogattn", "show", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdout.readline().startswith(b"run: ")
    proc.stdout.close()  # as 'head -1' does
    err = proc.stderr.read()
    assert proc.wait() == 0, err
    assert err == b""


def test_progress_lines_when_not_a_terminal(tmp_path) -> None:
    env = {**_env(), "COGATTN_PROGRESS_INTERVAL": "0"}
    args = ["run", str(_spec(tmp_path)), "--out", str(tmp_path / "r"), *MOD]
    done = subprocess.run(
        [sys.executable, "-m", "cogattn", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("mc_halfnormal: 1/2 tasks run (0 failed), ")
    assert lines[1].startswith("mc_halfnormal: 2/2 tasks run (0 failed), ")
    quiet = subprocess.run(
        [sys.executable, "-m", "cogattn", *args, "--quiet"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""
