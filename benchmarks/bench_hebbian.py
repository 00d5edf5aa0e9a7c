"""Hebbian memory: batched store + retrieve + cosine, cogattn vs a per-item loop.

No library implements batched Hebbian (linear-attention) associative memories with
these readouts, so the anchor is the plain textbook recipe: a Python loop that adds
``np.outer(v_i, k_i)`` item by item and reads each query with ``M @ q``. Both sides
get the same keys and values in one process; ``max_abs_diff`` compares the retrieval
cosines. Rows: cogattn on numpy, and cogattn on torch (CPU, or CUDA with
``--device cuda``), each against the loop.

Usage::

    python benchmarks/bench_hebbian.py             # three sizes, 5 repeats
    python benchmarks/bench_hebbian.py --small     # one small size
    python benchmarks/bench_hebbian.py --threads 1 # on a busy machine
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cogattn._core.backend import get_backend
from cogattn.workspace import (
    random_binary_values,
    random_unit_keys,
    retrieval_cosine,
    retrieve,
    store,
)


def cogattn_pipeline(keys, values, backend):
    cos = retrieval_cosine(retrieve(store(keys, values), keys), values)
    backend.synchronize()
    return backend.to_numpy(cos)


def loop_reference(keys, values):
    batch, n, d_k = keys.shape
    d_v = values.shape[-1]
    out = np.empty((batch, n))
    for b in range(batch):
        m = np.zeros((d_v, d_k))
        for i in range(n):
            m += np.outer(values[b, i], keys[b, i])
        for j in range(n):
            r = m @ keys[b, j]
            v = values[b, j]
            out[b, j] = r @ v / (np.linalg.norm(r) * np.linalg.norm(v))
    return out


def median_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    if args.threads:
        import torch
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
        torch.set_num_threads(args.threads)

    sizes = [(64, 64, 32, 64)] if args.small else [
        (256, 16, 64, 64),   # many small memories
        (64, 128, 64, 64),   # load 2
        (8, 1024, 256, 64),  # large memories, load 4
    ]  # fmt: skip
    torch_name = "torch_cuda" if args.device == "cuda" else "torch"
    print(f"{'name':<44}{'cogattn_s':>12}{'anchor_s':>12}{'ratio':>10}"
          f"{'max_abs_diff':>15}")  # fmt: skip
    for batch, n, d_k, d_v in sizes:
        rng = np.random.default_rng(0)
        keys = random_unit_keys(n, d_k, batch=batch, random_state=rng, backend="numpy")
        values = random_binary_values(
            n, d_v, batch=batch, random_state=rng, backend="numpy"
        )
        anchor_s, ref = median_time(
            lambda keys=keys, values=values: loop_reference(keys, values), 1
        )
        for name in ("numpy", torch_name):
            backend = get_backend(name)
            k, v = backend.asarray(keys), backend.asarray(values)
            cogattn_pipeline(k, v, backend)  # warm-up
            t, cos = median_time(
                lambda k=k, v=v, b=backend: cogattn_pipeline(k, v, b), args.repeat
            )
            label = f"store+retrieve B={batch} N={n} d_k={d_k} [{name}]"
            diff = float(np.max(np.abs(cos - ref)))
            print(f"{label:<44}{t:>12.5f}{anchor_s:>12.5f}{anchor_s / t:>10.1f}"
                  f"{diff:>15.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
