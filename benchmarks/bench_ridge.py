"""RidgeCV: cogattn (numpy backend) against himalaya's RidgeCV, same data and folds.

Case: n=3000 samples, p=400 features, 20,000 targets, 10 alphas logspace(-2, 7),
5 contiguous folds, float32, R^2 scoring, one alpha per target. Prints the standard
line ``name  cogattn_s  anchor_s  ratio  max_abs_diff`` and then: fraction of targets
with the same chosen alpha, max relative coefficient difference, extra peak memory
during ``fit`` as a multiple of the size of Y (tracemalloc, fresh subprocess per
method), and cogattn's achieved FLOP/s against a float32 matmul measured here.

    python benchmarks/bench_ridge.py            # full case (several minutes)
    python benchmarks/bench_ridge.py --small    # a few seconds
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings

import numpy as np

ALPHAS = np.logspace(-2, 7, 10)
N_FOLDS = 5


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


def fit_cogattn(X, Y):
    from cogattn.encoders.ridge import RidgeCV

    model = RidgeCV(alphas=ALPHAS, cv=N_FOLDS, score_func="r2", backend="numpy")
    model.fit(X, Y)
    return model.best_alphas_, model.coef_


def fit_himalaya(X, Y):
    from himalaya.backend import set_backend
    from himalaya.ridge import RidgeCV
    from himalaya.scoring import r2_score
    from sklearn.model_selection import KFold

    set_backend("numpy")
    model = RidgeCV(
        alphas=ALPHAS,
        cv=KFold(N_FOLDS),
        fit_intercept=True,
        solver_params={"score_func": r2_score},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, Y)
    return model.best_alphas_, model.coef_.T


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
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per method")
    parser.add_argument("--no-memory", action="store_true", help="skip memory runs")
    parser.add_argument("--memory-worker", choices=sorted(METHODS))
    parser.add_argument("--shape", type=int, nargs=3, metavar=("N", "P", "T"))
    args = parser.parse_args()
    n, p, t = args.shape or ((600, 60, 2000) if args.small else (3000, 400, 20000))
    if args.memory_worker:
        memory_worker(args.memory_worker, n, p, t)
        return
    X, Y = make_data(n, p, t)
    fit_cogattn(X[:100], Y[:100, :10])  # warm imports
    times = {m: [] for m in METHODS}
    results = {}
    for _ in range(args.repeat):
        for method, func in METHODS.items():
            t0 = time.perf_counter()
            results[method] = func(X, Y)
            times[method].append(time.perf_counter() - t0)
    med = {m: float(np.median(v)) for m, v in times.items()}
    (a_c, c_c), (a_h, c_h) = results["cogattn"], results["himalaya"]
    a_h = np.asarray(a_h, dtype=np.float64)
    same = np.isclose(a_c, a_h, rtol=1e-5)
    diff = np.abs(c_c[same] - c_h[same])
    rel = diff.max(1) / np.maximum(np.abs(c_h[same]).max(1), 1e-30)
    name = f"RidgeCV n={n} p={p} t={t} alphas={len(ALPHAS)} folds={N_FOLDS} float32"
    print("name  cogattn_s  anchor_s  ratio  max_abs_diff")
    print(
        f"{name}  {med['cogattn']:.3f}  {med['himalaya']:.3f}  "
        f"{med['himalaya'] / med['cogattn']:.2f}  {diff.max():.3e}"
    )
    print(f"runs (s): cogattn {times['cogattn']}, himalaya {times['himalaya']}")
    print(f"same alpha: {same.mean():.5f} of {t} targets (target >= 0.999)")
    print(f"max relative coef difference (same-alpha targets): {rel.max():.3e}")
    differ = np.flatnonzero(~same)
    if differ.size:
        # arbiter: the same CV in float64 (validated against himalaya in float64)
        a_64, _ = fit_cogattn(X.astype(np.float64), Y[:, differ].astype(np.float64))
        print(
            f"targets with different alphas: {differ.size}; the float64 solution "
            f"agrees with cogattn on {int(np.isclose(a_64, a_c[differ]).sum())}, "
            f"with himalaya on {int(np.isclose(a_64, a_h[differ]).sum())}"
        )
    flops = flop_count(n, p, t)
    peak = matmul_peak(p)
    achieved = flops / med["cogattn"]
    print(
        f"cogattn: {flops / 1e9:.1f} GFLOP, {achieved / 1e9:.1f} GFLOP/s = "
        f"{achieved / peak:.0%} of the measured float32 matmul peak "
        f"({peak / 1e9:.1f} GFLOP/s)"
    )
    if not args.no_memory:
        for method in METHODS:
            ratio = measure_memory(method, n, p, t)
            print(f"extra peak memory during fit, {method}: {ratio:.2f} x size of Y")


if __name__ == "__main__":
    main()
