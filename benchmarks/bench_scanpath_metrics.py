"""Scanpath metrics: cogattn's batched numba MultiMatch against multimatch-gaze.

The same pairs of random scanpaths (uniform fixations on a 1280 x 720 screen,
durations 0.05-0.6 s) are compared by ``cogattn.scanpath.multimatch`` (one call
for the whole batch, packing included) and by ``multimatch_gaze.docomparison`` in a loop
over pairs (its inputs prepared once, outside the timing). Rows: 1,000 pairs of 10
fixations, 200 pairs of 80 fixations, and 1,000 pairs of 10 fixations with the
simplification step (TDir 45 deg, TDur 0.3 s, TAmp 300 px). The agreement column is
the largest absolute difference over the pairs where multimatch-gaze returns a number
(pairs on which it raises are left out and counted). A last row times ScanMatch, DTW
and discrete Fréchet on the 10-fixation pairs, which have no Python anchor here.

Timing follows ``benchmarks/_timing.py``.

Run: ``.venv/bin/python benchmarks/bench_scanpath_metrics.py [--repeats 5]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import multimatch_gaze as mg
import numpy as np
from _timing import compare, environment, header, row

from cogattn.scanpath import Scanpath, ScreenGeometry
from cogattn.scanpath.multimatch_similarity import multimatch
from cogattn.scanpath.sequence_metrics import scanmatch
from cogattn.scanpath.trajectory_metrics import dtw_distance, frechet_distance

GEO = ScreenGeometry(1280, 720, 50.0, 28.0, 60.0)


def _paths(rng, n_pairs, n_fix):
    def one():
        return Scanpath(
            rng.uniform(0, 1279, n_fix),
            rng.uniform(0, 719, n_fix),
            rng.uniform(0.05, 0.6, n_fix),
            GEO,
        )

    return [one() for _ in range(n_pairs)], [one() for _ in range(n_pairs)]


def _rec(sp):
    return np.rec.fromarrays(
        [sp.x, sp.y, sp.duration], names=["start_x", "start_y", "duration"]
    )


def _anchor(ra, rb, opts):
    out = np.full((len(ra), 5), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, (x, y) in enumerate(zip(ra, rb, strict=True)):
            try:
                out[k] = mg.docomparison(x, y, screensize=[1280, 720], **opts)
            except IndexError:  # multimatch-gaze's simplification can raise
                pass
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(environment())
    print(header())
    cases = [
        ("multimatch 1000 pairs x 10 fix", 1000, 10, False),
        ("multimatch 200 pairs x 80 fix", 200, 80, False),
        ("multimatch 1000 x 10, simplified", 1000, 10, True),
    ]
    for name, n_pairs, n_fix, simplify in cases:
        a, b = _paths(rng, n_pairs, n_fix)
        ra = [_rec(s) for s in a]
        rb = [_rec(s) for s in b]
        opts, ref_opts = {}, {}
        if simplify:
            opts = {
                "simplify": True,
                "amplitude_threshold": 300.0,
                "direction_threshold": 45.0,
                "duration_threshold": 0.3,
            }
            ref_opts = {"grouping": True, "TDir": 45.0, "TDur": 0.3, "TAmp": 300.0}
        comp = compare(
            lambda a=a, b=b, opts=opts: multimatch(a, b, **opts),
            lambda ra=ra, rb=rb, ref_opts=ref_opts: _anchor(ra, rb, ref_opts),
            repeat=args.repeats,
            repeat_b=2,
        )
        ok = ~np.isnan(comp.out_b).any(axis=1)
        diff = np.abs(comp.out_a[ok] - comp.out_b[ok]).max()
        per_pair_a = comp.median_a / n_pairs * 1e3
        per_pair_b = comp.median_b / n_pairs * 1e3
        print(
            row(
                name,
                comp,
                f"max abs {diff:.1e} on {ok.sum()}/{n_pairs} pairs",
                note=f"per pair {per_pair_a:.4f} ms vs {per_pair_b:.3f} ms",
            )
        )
    a, b = _paths(rng, 1000, 10)
    for name, fn in (
        ("scanmatch", scanmatch),
        ("dtw", dtw_distance),
        ("frechet", frechet_distance),
    ):
        fn(a[:2], b[:2])
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            fn(a, b)
            times.append(time.perf_counter() - t0)
        print(
            f"{name + ' 1000 pairs x 10 fix (no anchor)':<44}"
            f"{np.median(times):>11.4f}{np.min(times):>11.4f}"
        )


if __name__ == "__main__":
    main()
