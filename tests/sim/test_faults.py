"""Executors under faults: dying workers, a killed coordinator, Ctrl-C."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from spec_factory import base_spec

from cogattn.sim import run

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="needs POSIX signals and process groups"
)


def _n_done(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM tasks WHERE status = 'done'"
            ).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_dying_worker_costs_only_its_own_task(on_path, tmp_path) -> None:
    spec = base_spec(
        repetitions=3,
        fixed={"sleep": 0.05, "exit_n": 2000},
        grid={"n_samples": [500, 1000, 2000, 4000]},
    )
    results = run(spec, out=tmp_path / "r", executor="processes", verbose=False)
    assert results.counts == {"done": 9, "failed": 3, "pending": 0, "total": 12}
    assert results.failed["n_samples"].tolist() == [2000] * 3
    assert all(
        "worker running this task was lost" in e for e in results.failed["error"]
    )


def _start(cmd, env, tmp_path):
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _held_run(executor, sub_env, write_spec, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    spec = base_spec(
        repetitions=2,
        fixed={"sleep": 0.0, "hold_if_exists": str(hold), "hold_from": 800},
        grid={"n_samples": [100, 200, 800, 1600]},
    )
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "cogattn", "run", str(write_spec(spec))]
    cmd += ["--out", str(out), "--executor", executor, "--n-workers", "2"]
    cmd += ["--module", "mc_halfnormal", "--quiet"]
    proc = _start(cmd, sub_env, tmp_path)
    deadline = time.monotonic() + 90
    while _n_done(out / "ledger.sqlite") < 4:  # the rest are held
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run did not start its tasks"
        time.sleep(0.05)
    time.sleep(0.5)
    return proc, hold


@pytest.mark.slow
def test_killed_coordinator_takes_its_workers(sub_env, write_spec, tmp_path) -> None:
    proc, _hold = _held_run("processes", sub_env, write_spec, tmp_path)
    workers = _children(proc.pid)
    assert workers
    os.kill(proc.pid, signal.SIGKILL)  # the coordinator alone, not its group
    proc.communicate()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, "workers outlived their coordinator"
        time.sleep(0.1)


@pytest.mark.parametrize(
    "executor",
    ["serial", "processes", pytest.param("dask", marks=pytest.mark.slow)],
)
def test_ctrl_c_is_one_line(executor, sub_env, write_spec, tmp_path) -> None:
    proc, hold = _held_run(executor, sub_env, write_spec, tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        hold.unlink()
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["cogattn: interrupted; run again to resume"]
