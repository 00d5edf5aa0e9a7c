"""A sweep killed with SIGKILL resumes to the same results, with nothing lost or
doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from spec_factory import base_spec

from cogattn.sim import load_results, run

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="needs POSIX signals and process groups"
)


def _n_done(ledger) -> int:
    if not ledger.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM tasks WHERE status = 'done'"
            ).fetchone()[0]
    except sqlite3.OperationalError:  # ledger being created
        return 0


@pytest.mark.parametrize(
    "executor", [pytest.param("serial", marks=pytest.mark.slow), "processes"]
)
def test_sigkill_then_resume(executor, on_path, sub_env, write_spec, tmp_path) -> None:
    hold = tmp_path / "hold"
    hold.touch()  # tasks with n_samples >= 800 wait while it exists
    spec = base_spec(
        repetitions=2,
        fixed={"sleep": 0.15, "hold_if_exists": str(hold), "hold_from": 800},
        grid={"n_samples": [100, 200, 400, 800, 1600, 3200]},
    )
    path = write_spec(spec)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "cogattn", "run", str(path), "--out", str(out)]
    cmd += ["--executor", executor, "--n-workers", "2", "--quiet"]
    cmd += ["--module", "mc_halfnormal"]
    proc = subprocess.Popen(
        cmd,
        env=sub_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: workers die with it
    )
    ledger = out / "ledger.sqlite"
    deadline = time.monotonic() + 60
    while _n_done(ledger) < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run did not finish 3 tasks in 60 s"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    partial = _n_done(ledger)
    assert 3 <= partial <= 6  # the held tasks cannot have finished
    hold.unlink()

    resumed = subprocess.run(cmd, env=sub_env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "12 done, 0 failed, 0 pending" in resumed.stdout

    with sqlite3.connect(ledger) as conn:
        rows = conn.execute("SELECT key, status, attempts FROM tasks").fetchall()
    keys = [k for k, _, _ in rows]
    assert len(keys) == len(set(keys)) == 12
    assert all(s == "done" and a == 1 for _, s, a in rows)
    assert sorted(p.name for p in (out / "arrays").iterdir()) == sorted(
        f"{k}.npz" for k in keys
    )
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]

    killed = load_results(out)
    reference = run(spec, out=tmp_path / "uninterrupted", verbose=False)
    pd.testing.assert_frame_equal(killed.table, reference.table, check_exact=True)
    for key in keys:
        a, b = killed.arrays(key), reference.arrays(key)
        assert all(np.array_equal(a[n], b[n]) for n in ("head", "hist", "gram"))
