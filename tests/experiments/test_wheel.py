"""A built wheel carries the shipped specs: ``cogattn run hebbian_memory`` works
from an installation that has no checkout beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted(p.name for p in (REPO / "experiments").glob("*.toml"))


def _git_files() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip(reason="needs a git checkout to list the tracked files")
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    names = [n for n in done.stdout.decode().split("\0") if n]
    return [n for n in names if (REPO / n).is_file()]  # deleted, not yet staged


def _run(args: list, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_wheel_runs_a_shipped_experiment(tmp_path):
    src = tmp_path / "src"
    for name in _git_files():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, src / name)
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", dist, "."],
        cwd=src,
    )  # fmt: skip
    (wheel,) = dist.glob("cogattn-*.whl")
    import zipfile

    packaged = {
        Path(n).name
        for n in zipfile.ZipFile(wheel).namelist()
        if n.startswith("cogattn/experiments/specs/")
    }
    assert packaged == set(SPECS)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    py = venv / "bin" / "python"
    site = _run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                cwd=tmp_path).strip()  # fmt: skip
    # the dependencies from this environment, by a plain path line: it does not
    # run this environment's editable finder, so cogattn itself is not visible
    deps = sysconfig.get_path("purelib")
    (Path(site) / "cogattn_deps.pth").write_text(deps + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MPLBACKEND"] = "Agg"
    probe = "import importlib.util as u; print(u.find_spec('cogattn'))"
    assert _run([py, "-c", probe], cwd=tmp_path, env=env).strip() == "None"
    _run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel],
         cwd=tmp_path, env=env)  # fmt: skip

    work = tmp_path / "work"
    work.mkdir()
    where = _run([py, "-c", "import cogattn; print(cogattn.__file__)"], work, env)
    assert Path(where.strip()).resolve().is_relative_to(venv.resolve())
    spec = _run(
        [py, "-c", "from cogattn.experiments import spec_path; "
         "print(spec_path('hebbian_memory'))"], work, env,
    )  # fmt: skip
    assert Path(spec.strip()).resolve().is_relative_to(Path(site).resolve())

    out = _run(
        [venv / "bin" / "cogattn", "run", "hebbian_memory", "--out", "run", "--quiet"],
        work,
        env,
    )
    lines = out.splitlines()
    assert lines[0].startswith("run: run (324 done, 0 failed, 0 pending)"), out
    checks = [ln for ln in lines if ln.startswith(("PASS", "FAIL"))]
    assert len(checks) == 6, out
    assert all(ln.startswith("PASS ") for ln in checks), out
    assert (work / "run" / "report" / "hebbian_memory.png").is_file()
