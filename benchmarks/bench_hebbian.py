"""Hebbian memory: batched store + retrieve + cosine, cogattn vs a per-item loop.

No library implements batched Hebbian (linear-attention) associative memories with
these readouts, so the anchor is the plain textbook recipe: a Python loop that adds
``np.outer(v_i, k_i)`` item by item and reads each query with ``M @ q``. Both sides
get the same keys and values in one process; ``max_abs_diff`` compares the retrieval
cosines. Rows: cogattn on numpy, and cogattn on torch (CPU, or CUDA with
``--device cuda``), each against the loop. Timing follows ``benchmarks/_timing.py``
(warm, interleaved, median and minimum, load average and threads).

Usage::

    python benchmarks/bench_hebbian.py             # three sizes, 5 repeats
    python benchmarks/bench_hebbian.py --small     # one small size
    python benchmarks/bench_hebbian.py --threads 1 # on a busy machine
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import compare, environment, header, row

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
    print(environment())
    print(header())
    for batch, n, d_k, d_v in sizes:
        rng = np.random.default_rng(0)
        keys = random_unit_keys(n, d_k, batch=batch, random_state=rng, backend="numpy")
        values = random_binary_values(
            n, d_v, batch=batch, random_state=rng, backend="numpy"
        )
        for name in ("numpy", torch_name):
            backend = get_backend(name)
            k, v = backend.asarray(keys), backend.asarray(values)
            comp = compare(
                lambda k=k, v=v, b=backend: cogattn_pipeline(k, v, b),
                lambda keys=keys, values=values: loop_reference(keys, values),
                repeat=args.repeat,
            )
            label = f"store+retrieve B={batch} N={n} d_k={d_k} [{name}]"
            diff = float(np.max(np.abs(comp.out_a - comp.out_b)))
            print(row(label, comp, f"max abs cosine diff {diff:.2e}"))


if __name__ == "__main__":
    main()
