"""RDMs and crossnobis: cogattn against rsatoolbox, same data, one process.

Cases at ``K`` conditions x ``P`` channels (default 1,000 x 5,000):

- ``euclidean`` and ``correlation`` RDMs of a K x P pattern matrix
  (rsatoolbox ``calc_rdm`` on a ``Dataset``);
- ``crossnobis`` with 4 folds (4K x P observations), identity noise;
- ``crossnobis-shrinkage``: noise precision from 200 residuals (rsatoolbox
  ``prec_from_residuals(method="shrinkage_eye")`` then ``calc_rdm``, which forms
  the P x P precision; cogattn applies it through the Woodbury identity).

Each row prints the agreement (largest absolute difference) and, for crossnobis,
cogattn's peak traced memory against the size of one P x P float64 matrix.
Timing follows ``benchmarks/_timing.py``.

    python benchmarks/bench_rsa.py            # 1,000 x 5,000 (minutes)
    python benchmarks/bench_rsa.py --small    # 200 x 1,000
"""

from __future__ import annotations

import argparse
import tracemalloc
import warnings

import numpy as np
from _timing import compare, environment, header, row

from cogattn.encoders import crossnobis_rdm, rdm


def _peak(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="200 conditions x 1,000")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per side")
    args = ap.parse_args()
    k, p = (200, 1000) if args.small else (1000, 5000)
    n_folds, n_res = 4, 200
    import rsatoolbox as rt

    print(environment())
    print(f"# {k} conditions x {p} channels, {n_folds} folds, {n_res} residuals")
    print(header())
    rng = np.random.default_rng(0)
    pat = rng.standard_normal((k, p))
    ds = rt.data.Dataset(pat)
    for method in ("euclidean", "correlation"):
        comp = compare(
            lambda m=method: rdm(pat, m),
            lambda m=method: rt.rdm.calc_rdm(ds, method=m).get_vectors()[0],
            repeat=args.repeat,
        )
        diff = np.abs(comp.out_a - comp.out_b).max()
        print(row(f"{method} {k}x{p}", comp, f"max |diff| {diff:.1e}"), flush=True)

    x = np.concatenate([pat + rng.standard_normal((k, p)) for _ in range(n_folds)])
    cond = np.tile(np.arange(k), n_folds)
    fold = np.repeat(np.arange(n_folds), k)
    dsx = rt.data.Dataset(x, obs_descriptors={"c": cond, "f": fold})
    res = rng.standard_normal((n_res, p))
    pp_bytes = 8.0 * p * p
    for noise in (None, "shrinkage"):

        def ours(noise=noise):
            return crossnobis_rdm(x, cond, fold, noise=noise, residuals=res)

        def theirs(noise=noise):
            prec = (
                None
                if noise is None
                else rt.data.prec_from_residuals(res, method="shrinkage_eye")
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = rt.rdm.calc_rdm(
                    dsx, method="crossnobis", descriptor="c", cv_descriptor="f",
                    noise=prec,
                )  # fmt: skip
            return out.get_vectors()[0]

        comp = compare(ours, theirs, repeat=args.repeat, repeat_b=1)
        diff = np.abs(comp.out_a - comp.out_b).max()
        peak = _peak(ours)
        name = "crossnobis" + ("" if noise is None else "-shrinkage")
        print(
            row(
                f"{name} {k}x{p}",
                comp,
                f"max |diff| {diff:.1e}",
                note=f"cogattn peak {peak / 1e6:.0f} MB "
                f"(one PxP: {pp_bytes / 1e6:.0f} MB)",
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
