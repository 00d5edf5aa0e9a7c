"""The same spec gives bitwise-identical results under every executor."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from spec_factory import base_spec

from cogattn.sim import run


def _seeds(run_dir) -> dict[str, str]:
    with sqlite3.connect(run_dir / "ledger.sqlite") as conn:
        return dict(conn.execute("SELECT key, seed FROM tasks"))


def _assert_bitwise_equal(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    assert _seeds(a.run_dir) == _seeds(b.run_dir)
    for key in a.table.index:
        left, right = a.arrays(key), b.arrays(key)
        assert left.keys() == right.keys() == {"head", "hist", "gram"}
        for name in left:
            assert left[name].dtype == right[name].dtype
            assert np.array_equal(left[name], right[name])
            assert left[name].tobytes() == right[name].tobytes()


@pytest.fixture
def serial(on_path, tmp_path):
    return run(base_spec(), out=tmp_path / "serial", executor="serial", verbose=False)


@pytest.mark.slow
def test_dask_local_cluster_is_bitwise_serial(serial, tmp_path) -> None:
    dask = run(
        base_spec(), out=tmp_path / "dask", executor="dask", n_workers=2, verbose=False
    )
    assert dask.counts["done"] == 6
    with sqlite3.connect(tmp_path / "dask" / "ledger.sqlite") as conn:
        pids = {w.split("/")[0] for (w,) in conn.execute("SELECT worker FROM tasks")}
    assert len(pids) >= 1 and all(p.isdigit() for p in pids)
    _assert_bitwise_equal(serial, dask)


def test_process_pool_is_bitwise_serial(serial, tmp_path) -> None:
    procs = run(
        base_spec(), out=tmp_path / "procs", executor="processes", verbose=False
    )
    _assert_bitwise_equal(serial, procs)


def test_dead_worker_gives_failed_tasks_not_a_crash(on_path, tmp_path) -> None:
    spec = base_spec(repetitions=1, fixed={"sleep": 0.0, "exit_n": 2000})
    results = run(spec, out=tmp_path / "r", executor="processes", verbose=False)
    counts = results.counts
    assert counts["pending"] == 0 and counts["done"] + counts["failed"] == 3
    dead = results.failed[results.failed["n_samples"] == 2000]
    assert len(dead) == 1
    assert "the worker running this task was lost" in dead["error"].iloc[0]


@pytest.mark.slow
def test_running_scheduler_address(serial, tmp_path) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run(
            base_spec(),
            out=tmp_path / "remote",
            scheduler=cluster.scheduler_address,
            verbose=False,
        )
    assert remote.counts["done"] == 6
    _assert_bitwise_equal(serial, remote)
