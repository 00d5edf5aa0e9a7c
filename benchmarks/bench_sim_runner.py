"""Per-task overhead of cogattn.sim (store + ledger + worker wrapper) against a plain
loop (serial) and a bare dask.distributed client.map (dask), same tasks and seeds.

Timing follows ``benchmarks/_timing.py`` (warm, interleaved, median and minimum, load
average and threads); ``ratio`` is anchor time over cogattn time (below 1: the
runner's overhead).

    python benchmarks/bench_sim_runner.py            # 200 tasks
    python benchmarks/bench_sim_runner.py --small    # 40 tasks, serial only
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "sim"))
from _timing import compare, environment, header, row
from mc_halfnormal import HalfNormalMean

from cogattn.sim import run
from cogattn.sim.spec import load_spec
from cogattn.sim.tasks import make_tasks

N = 200


def make_spec(n: int) -> dict:
    return {
        "experiment": "mc_halfnormal",
        "module": "mc_halfnormal",
        "seed": 0,
        "repetitions": n,
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


def run_fresh(spec: dict, executor: str):
    """One run of the spec into a new temporary folder (removed afterwards)."""
    tmp = Path(tempfile.mkdtemp())
    try:
        return run(spec, out=tmp / "r", executor=executor, verbose=False).table
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="40 tasks, serial only")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = 40 if args.small else N
    spec = make_spec(n)
    tasks = make_tasks(load_spec(spec))
    print(environment())
    print(header())
    cases = [("serial", "serial", plain)]
    if not args.small:
        cases.append(("dask", "dask", bare_dask))
    for name, executor, anchor in cases:
        comp = compare(
            lambda e=executor: run_fresh(spec, e),
            lambda a=anchor: a(tasks),
            repeat=args.repeat,
        )
        ours = comp.out_a.loc[[t.key for t in tasks], "mean_abs"].to_numpy()
        diff = float(np.max(np.abs(ours - np.asarray(comp.out_b))))
        print(
            row(f"{name} {n} tasks vs {anchor.__name__}", comp, f"max diff {diff:.3g}")
        )


if __name__ == "__main__":
    main()
