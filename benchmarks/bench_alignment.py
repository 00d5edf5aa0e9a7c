"""Procrustes, hyperalignment and deterministic SRM: cogattn against fmralign.

Same inputs, one process; agreement is the largest absolute difference of the
mapped data (or of the SRM bases and shared response):

- ``procrustes tall``: 2,000 samples x 500 features, scaled (fmralign
  ``scaled_procrustes``);
- ``procrustes wide``: 300 samples x 5,000 features (sample-space SVD on both
  sides);
- ``hyperalignment``: 10 subjects x 300 samples x 2,000 features, cogattn
  ``n_iter=2`` against fmralign ``GroupAlignment("procrustes", n_iter=3)`` (fmralign
  keeps the maps of the round before its last template update); agreement on the
  mapped training data (with centred data, fewer samples than features, the map
  of new data is not unique along one direction);
- ``srm``: 10 subjects x 300 samples x 2,000 features, 20 components, 10
  iterations, the same initial shared response (fmralign ``DetSRM`` through
  ``GroupAlignment``).

brainiak's SRM is not compared: brainiak 0.12 installs but does not import without
an MPI library. Timing follows ``benchmarks/_timing.py``.

    python benchmarks/bench_alignment.py           # sizes above
    python benchmarks/bench_alignment.py --small   # 5 subjects, 500 features
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import compare, environment, header, row

from cogattn.encoders.alignment import SRM, Hyperalignment, procrustes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="5 subjects, 500 features")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per side")
    args = ap.parse_args()
    n_sub, p = (5, 500) if args.small else (10, 2000)
    from fmralign import GroupAlignment
    from fmralign.methods.procrustes import scaled_procrustes
    from fmralign.methods.srm import DetSRM

    print(environment())
    print(header())
    rng = np.random.default_rng(0)
    for label, (n, q) in {"tall": (2000, 500), "wide": (300, 5000)}.items():
        if args.small:
            n, q = n // 4, q // 4
        x, y = rng.standard_normal((n, q)), rng.standard_normal((n, q))
        comp = compare(
            lambda x=x, y=y: procrustes(x, y, scaling=True),
            lambda x=x, y=y: scaled_procrustes(x, y, scaling=True),
            repeat=args.repeat,
        )
        (r, s), (rf, sf) = comp.out_a, comp.out_b
        diff = max(np.abs(s * x @ r - sf * x @ rf).max(), abs(s - sf))
        print(row(f"procrustes {label} {n}x{q}", comp, f"max |diff| {diff:.1e}"))

    shared = rng.standard_normal((300, 30))
    subs = [
        shared @ rng.standard_normal((30, p)) + rng.standard_normal((300, p))
        for _ in range(n_sub)
    ]
    subs = [s - s.mean(axis=0) for s in subs]
    keyed = {f"s{i}": s for i, s in enumerate(subs)}

    comp = compare(
        lambda: Hyperalignment(n_iter=2, scaling=True).fit(subs),
        lambda: GroupAlignment(method="procrustes", n_iter=3).fit(keyed, y="template"),
        repeat=args.repeat,
        repeat_b=1,
    )
    ours = comp.out_a.transform(subs)  # new data are mapped differently along
    ref = comp.out_b.transform(keyed)  # the arbitrary null direction of centred data
    diff = max(np.abs(o - ref[f"s{i}"]).max() for i, o in enumerate(ours))
    print(row(f"hyperalignment {n_sub}x300x{p}", comp, f"max |diff| {diff:.1e}"))

    def fm_srm():
        state = np.random.get_state()  # noqa: NPY002
        np.random.seed(0)  # noqa: NPY002 (fmralign draws its initial S here)
        try:
            return GroupAlignment(method=DetSRM(20), n_iter=10).fit(keyed, y="template")
        finally:
            np.random.set_state(state)  # noqa: NPY002

    init = np.random.RandomState(0).randn(300, 20)
    comp = compare(
        lambda: SRM(20, n_iter=10, init=init).fit(subs), fm_srm, repeat=args.repeat
    )
    w_diff = max(
        np.abs(w - est.Wt).max()
        for w, est in zip(
            comp.out_a.w_, comp.out_b.fitted_estimators.values(), strict=True
        )
    )
    s_diff = np.abs(comp.out_a.s_ - comp.out_b.template).max()
    print(
        row(
            f"srm {n_sub}x300x{p} k=20",
            comp,
            f"max |diff| W {w_diff:.1e}, S {s_diff:.1e}",
        )
    )


if __name__ == "__main__":
    main()
