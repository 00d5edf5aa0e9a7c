"""RidgeCV: cogattn (numpy backend) against himalaya's RidgeCV, same data and folds.

Two cases, both n=3000 samples, p=400 features, 20,000 targets, 5 contiguous folds,
float32, R^2 scoring, one alpha per target:

- ``iid``: independent Gaussian features, 10 alphas logspace(-2, 7), intercept;
- ``collinear``: features with a decaying spectrum (singular values ``k^-1``, so the
  Gram's condition number is 1.6e5, as with DNN features), signal-to-noise from 0.01
  to 10 across targets, 10 alphas logspace(-1, 6), no intercept.

Timing follows ``benchmarks/_timing.py`` (warm, interleaved, median and minimum, load
average and threads). Agreement is checked against the same cross-validation in
float64 (cogattn's float64 path, which the reference tests hold to himalaya and to a
fold-by-fold implementation): the fraction of targets with the same alpha (target
>= 0.999) and the largest relative coefficient difference where alphas agree (target
<= 1e-4). Then extra peak memory during ``fit`` as a multiple of the size of Y
(tracemalloc, fresh subprocess per method) and cogattn's achieved FLOP/s.

    python benchmarks/bench_ridge.py                     # both cases (many minutes)
    python benchmarks/bench_ridge.py --case collinear    # one case
    python benchmarks/bench_ridge.py --small             # a few seconds
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings

import numpy as np
from _timing import compare, environment, header, row

ALPHAS = np.logspace(-2, 7, 10)
N_FOLDS = 5
#: case name -> (alphas, fit_intercept)
CASES = {
    "iid": (np.logspace(-2, 7, 10), True),
    "collinear": (np.logspace(-1, 6, 10), False),
}


def make_data(n: int, p: int, t: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets in float32; signal strength varies across targets."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p), dtype=np.float32)
    Y = np.empty((n, t), dtype=np.float32)
    step = 2000
    for start in range(0, t, step):
        sl = slice(start, min(start + step, t))
        k = sl.stop - sl.start
        W = rng.standard_normal((p, k), dtype=np.float32) / np.float32(np.sqrt(p))
        W *= rng.uniform(0, 1.5, k).astype(np.float32) ** 2
        Y[:, sl] = X @ W
        Y[:, sl] += rng.standard_normal((n, k), dtype=np.float32)
    return X, Y


def make_collinear(
    n: int, p: int, t: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Collinear float32 features (singular values ``k^-1``), SNR 0.01 to 10."""
    rng = np.random.default_rng(seed)
    rot, _ = np.linalg.qr(rng.standard_normal((p, p)))
    X = (rng.standard_normal((n, p)) * np.arange(1, p + 1) ** -1.0) @ rot
    X /= X.std(axis=0)
    Y = np.empty((n, t), dtype=np.float32)
    snr = np.logspace(-2, 1, t)
    rng.shuffle(snr)
    step = 2000
    for start in range(0, t, step):
        sl = slice(start, min(start + step, t))
        k = sl.stop - sl.start
        S = X @ rng.standard_normal((p, k))
        S /= S.std(axis=0)
        Y[:, sl] = S * np.sqrt(snr[sl]) + rng.standard_normal((n, k))
    return X.astype(np.float32), Y


def fit_cogattn(X, Y, alphas=ALPHAS, fit_intercept=True):
    from cogattn.encoders.ridge import RidgeCV

    model = RidgeCV(
        alphas=alphas,
        cv=N_FOLDS,
        score_func="r2",
        fit_intercept=fit_intercept,
        backend="numpy",
    )
    model.fit(X, Y)
    return model.best_alphas_, model.coef_


def fit_himalaya(X, Y, alphas=ALPHAS, fit_intercept=True):
    from himalaya.backend import set_backend
    from himalaya.ridge import RidgeCV
    from himalaya.scoring import r2_score
    from sklearn.model_selection import KFold

    set_backend("numpy")
    model = RidgeCV(
        alphas=alphas,
        cv=KFold(N_FOLDS),
        fit_intercept=fit_intercept,
        solver_params={"score_func": r2_score},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, Y)
    return np.asarray(model.best_alphas_, dtype=np.float64), model.coef_.T


def agreement(result, ref) -> tuple[float, float]:
    """Fraction of targets with the same alpha as ``ref``, max rel. coef difference."""
    (a, c), (a_ref, c_ref) = result, ref
    same = np.isclose(np.asarray(a, dtype=np.float64), a_ref, rtol=1e-5)
    c = np.asarray(c, dtype=np.float64)[same]
    c_ref = np.asarray(c_ref, dtype=np.float64)[same]
    rel = np.abs(c - c_ref).max(1) / np.maximum(np.abs(c_ref).max(1), 1e-30)
    return float(same.mean()), float(rel.max()) if rel.size else 0.0


METHODS = {"cogattn": fit_cogattn, "himalaya": fit_himalaya}


def flop_count(n: int, p: int, t: int) -> float:
    """Floating-point operations of cogattn's RidgeCV (primal form, large terms).

    Per fold: the test-fold product ``[F_f, 1]^T Y_f`` (these sum to ``F^T Y``),
    the two eigenbasis maps ``B`` and ``P``, the per-alpha reductions ``L``, ``m``
    and the two terms of ``Q``, and the float64 product ``N B``; then the refit.
    """
    n_f = n / N_FOLDS
    n_alphas = len(ALPHAS)
    per_fold = 2 * n_f * (p + 1) * t + 2 * 2 * p * (p + 1) * t
    per_fold += 4 * 2 * n_alphas * p * t + 2 * p * p * t
    return N_FOLDS * per_fold + 2 * 2 * p * p * t


def matmul_peak(p: int, repeat: int = 5) -> float:
    """float32 FLOP/s of a (p, p) x (p, 4096) product, median of ``repeat``."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((p, p), dtype=np.float32)
    b = rng.standard_normal((p, 4096), dtype=np.float32)
    a @ b
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(10):
            a @ b
        times.append((time.perf_counter() - t0) / 10)
    return 2 * p * p * 4096 / float(np.median(times))


def memory_worker(method: str, n: int, p: int, t: int) -> None:
    """Fit once under tracemalloc and print the extra peak as a JSON line."""
    import tracemalloc

    X, Y = make_data(n, p, t)
    METHODS[method](X[:50], Y[:50, :10])  # imports and one-off allocations
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    METHODS[method](X, Y)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(json.dumps({"extra_peak_bytes": peak, "y_bytes": Y.nbytes}))


def measure_memory(method: str, n: int, p: int, t: int) -> float:
    cmd = [sys.executable, __file__, "--memory-worker", method]
    cmd += ["--shape", str(n), str(p), str(t)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    return res["extra_peak_bytes"] / res["y_bytes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="n=600, p=60, t=2000")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per method")
    parser.add_argument("--case", choices=sorted(CASES), help="one case only")
    parser.add_argument("--no-memory", action="store_true", help="skip memory runs")
    parser.add_argument("--memory-worker", choices=sorted(METHODS))
    parser.add_argument("--shape", type=int, nargs=3, metavar=("N", "P", "T"))
    args = parser.parse_args()
    n, p, t = args.shape or ((600, 60, 2000) if args.small else (3000, 400, 20000))
    if args.memory_worker:
        memory_worker(args.memory_worker, n, p, t)
        return
    print(environment())
    print(header())
    cases = [args.case] if args.case else list(CASES)
    for case in cases:
        alphas, intercept = CASES[case]
        X, Y = (make_collinear if case == "collinear" else make_data)(n, p, t)
        kw = {"alphas": alphas, "fit_intercept": intercept}
        comp = compare(
            lambda X=X, Y=Y, kw=kw: fit_cogattn(X, Y, **kw),
            lambda X=X, Y=Y, kw=kw: fit_himalaya(X, Y, **kw),
            repeat=args.repeat,
        )
        # the arbiter: the same cross-validation in float64
        ref = fit_cogattn(X.astype(np.float64), Y.astype(np.float64), **kw)
        same_c, rel_c = agreement(comp.out_a, ref)
        same_h, rel_h = agreement(comp.out_b, ref)
        name = f"RidgeCV {case} n={n} p={p} t={t} float32"
        print(
            row(
                name,
                comp,
                f"vs float64: same alpha cogattn {same_c:.5f} himalaya {same_h:.5f}; "
                f"max rel coef cogattn {rel_c:.2e} himalaya {rel_h:.2e}",
                note=f"{len(alphas)} alphas logspace({np.log10(alphas[0]):g}, "
                f"{np.log10(alphas[-1]):g}), {N_FOLDS} folds, "
                f"intercept={intercept}",
            ),
            flush=True,
        )
    med = {"cogattn": comp.median_a}
    flops = flop_count(n, p, t)
    peak = matmul_peak(p)
    achieved = flops / med["cogattn"]
    print(
        f"cogattn ({cases[-1]} case): {flops / 1e9:.1f} GFLOP, "
        f"{achieved / 1e9:.1f} GFLOP/s = "
        f"{achieved / peak:.0%} of the measured float32 matmul peak "
        f"({peak / 1e9:.1f} GFLOP/s)"
    )
    if not args.no_memory:
        for method in METHODS:
            ratio = measure_memory(method, n, p, t)
            print(f"extra peak memory during fit, {method}: {ratio:.2f} x size of Y")


if __name__ == "__main__":
    main()
