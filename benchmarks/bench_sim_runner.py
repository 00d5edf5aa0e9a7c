"""Per-task overhead of cogattn.sim (store + ledger + worker wrapper) against a plain
loop (serial) and a bare dask.distributed client.map (dask), same tasks and seeds."""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "sim"))
from mc_halfnormal import HalfNormalMean

from cogattn.sim import run
from cogattn.sim.spec import load_spec
from cogattn.sim.tasks import make_tasks

N = 200
SPEC = {
    "experiment": "mc_halfnormal",
    "module": "mc_halfnormal",
    "seed": 0,
    "repetitions": N,
    "grid": {"n_samples": [1000]},
}


def plain(tasks):
    return [
        HalfNormalMean.trial(dict(t.params), np.random.default_rng(t.seed_sequence()))[
            "mean_abs"
        ]
        for t in tasks
    ]


def bare_dask(tasks):
    from distributed import Client, LocalCluster

    def one(t):
        return HalfNormalMean.trial(
            dict(t.params), np.random.default_rng(t.seed_sequence())
        )["mean_abs"]

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c,
        Client(c) as cl,
    ):
        return cl.gather(cl.map(one, tasks, pure=False))


def main():
    tasks = make_tasks(load_spec(SPEC))
    print("name  cogattn_s  anchor_s  ratio  max_abs_diff")
    for name, executor, anchor in [
        ("serial", "serial", plain),
        ("dask", "dask", bare_dask),
    ]:
        rows = []
        for _ in range(3):
            tmp = Path(tempfile.mkdtemp())
            t0 = time.perf_counter()
            res = run(SPEC, out=tmp / "r", executor=executor, verbose=False)
            t_c = time.perf_counter() - t0
            t0 = time.perf_counter()
            ref = anchor(tasks)
            t_a = time.perf_counter() - t0
            ours = res.table.loc[[t.key for t in tasks], "mean_abs"].to_numpy()
            rows.append((t_c, t_a, float(np.max(np.abs(ours - np.asarray(ref))))))
            shutil.rmtree(tmp)
        t_c, t_a, diff = np.median(np.array(rows), axis=0)
        print(f"{name}_{N}tasks  {t_c:.3f}  {t_a:.3f}  {t_c / t_a:.2f}  {diff:.3g}")


if __name__ == "__main__":
    main()
