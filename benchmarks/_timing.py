"""Shared timing method of the benchmarks: warm, interleaved, with the machine's state.

Every benchmark script times cogattn (``A``) against its anchor (``B``) the same way:

1. both sides run once untimed (imports, JIT compilation, caches, thread pools);
2. the timed repetitions alternate ``A B A B ...`` so that a change in the machine's
   load hits both sides alike, and each starts after :data:`SETTLE_S` seconds idle:
   OpenBLAS's worker threads busy-wait for about 0.1 s after every call, so without
   the pause a short run that follows the other side's BLAS work shares the cores
   with that side's spinning threads (a 25 ms TRF fit measured 32 ms right after an
   mTRF run and 22 ms otherwise);
3. each row prints the median and the minimum of both sides, the ratio of the
   medians (and of the minima), the agreement of the two results, and the 1-minute
   load average before and after the row;
4. the anchor's full loop is timed. Where that loop would take more than 5 minutes, a
   script may time a subset and scale it, and says so on the row (``scaled``).

:func:`environment` prints the thread settings once per script.

The module is imported by the scripts in ``benchmarks/`` as ``from _timing import
...`` (the scripts are run as ``python benchmarks/bench_NAME.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "FULL_LOOP_LIMIT_S",
    "SETTLE_S",
    "Comparison",
    "compare",
    "environment",
    "header",
    "load_average",
    "row",
]

#: a script may scale the anchor from a subset only above this full-loop time
FULL_LOOP_LIMIT_S = 300.0
#: seconds idle before every timed run (longer than OpenBLAS's busy-wait)
SETTLE_S = 0.25


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages and the CPU count, as text."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - platforms without getloadavg
        return "load n/a"
    return f"load {one:.2f}/{five:.2f}/{fifteen:.2f} on {os.cpu_count()} CPUs"


def _thread_settings() -> str:
    parts = []
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            parts.append(
                f"{info.get('internal_api', '?')}({info.get('user_api', '?')})="
                f"{info.get('num_threads', '?')}"
            )
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        parts.append("threadpoolctl not installed")
    try:
        import torch

        n_interop = torch.get_num_interop_threads()
        parts.append(f"torch={torch.get_num_threads()} (interop {n_interop})")
    except ImportError:
        parts.append("torch not installed")
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if var in os.environ:
            parts.append(f"{var}={os.environ[var]}")
    return ", ".join(parts)


def environment() -> str:
    """One line with the load average and the thread settings (BLAS, OpenMP, torch)."""
    return f"# {load_average()}; threads: {_thread_settings()}"


@dataclass
class Comparison:
    """Timings of cogattn (``a``) and of its anchor (``b``) and their last outputs."""

    times_a: list[float] = field(default_factory=list)
    times_b: list[float] = field(default_factory=list)
    out_a: Any = None
    out_b: Any = None
    load_before: str = ""
    load_after: str = ""
    scale_b: float = 1.0
    settle: float = 0.0

    @property
    def median_a(self) -> float:
        """Median seconds of cogattn."""
        return float(np.median(self.times_a))

    @property
    def min_a(self) -> float:
        """Fastest seconds of cogattn."""
        return float(np.min(self.times_a))

    @property
    def median_b(self) -> float:
        """Median seconds of the anchor (scaled to the full loop if it was scaled)."""
        return float(np.median(self.times_b)) * self.scale_b

    @property
    def min_b(self) -> float:
        """Fastest seconds of the anchor (scaled to the full loop if it was scaled)."""
        return float(np.min(self.times_b)) * self.scale_b

    @property
    def ratio(self) -> float:
        """Anchor median over cogattn median (> 1: cogattn is faster)."""
        return self.median_b / self.median_a

    @property
    def ratio_min(self) -> float:
        """Anchor minimum over cogattn minimum."""
        return self.min_b / self.min_a


def _timed(fn: Callable[[], Any], settle: float = 0.0) -> tuple[float, Any]:
    if settle > 0:
        time.sleep(settle)
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def compare(
    a: Callable[[], Any],
    b: Callable[[], Any],
    *,
    repeat: int = 5,
    repeat_b: int | None = None,
    warm: bool = True,
    scale_b: float = 1.0,
    settle: float = SETTLE_S,
) -> Comparison:
    """Time ``a`` (cogattn) and ``b`` (the anchor): warm both, then ``A B A B ...``.

    Parameters
    ----------
    a, b : callable
        Zero-argument callables; each returns the result compared afterwards.
    repeat : int
        Timed runs of ``a``.
    repeat_b : int or None
        Timed runs of ``b`` (default ``repeat``). With fewer runs of ``b`` (a slow
        anchor), its runs are spread evenly between those of ``a``.
    warm : bool
        Run each side once untimed first.
    scale_b : float
        Factor from the timed part of ``b`` to its full loop (1: ``b`` is the full
        loop). The caller must say on the row that the anchor was scaled.
    settle : float
        Seconds idle before each timed run (see the module docstring).

    Returns
    -------
    comparison : Comparison
    """
    repeat_b = repeat if repeat_b is None else repeat_b
    if repeat < 1 or repeat_b < 1:
        raise ValueError(f"repeat and repeat_b must be >= 1, got {repeat}, {repeat_b}")
    res = Comparison(load_before=load_average(), scale_b=scale_b, settle=settle)
    if warm:
        res.out_a = a()
        res.out_b = b()
    # positions of the b runs among the a runs: evenly spread, first one early
    b_after = {int(i * repeat / repeat_b) for i in range(repeat_b)}
    n_b = 0
    for i in range(repeat):
        t, res.out_a = _timed(a, settle)
        res.times_a.append(t)
        if i in b_after and n_b < repeat_b:
            t, res.out_b = _timed(b, settle)
            res.times_b.append(t)
            n_b += 1
    while n_b < repeat_b:
        t, res.out_b = _timed(b, settle)
        res.times_b.append(t)
        n_b += 1
    res.load_after = load_average()
    return res


#: width of the name column
NAME_WIDTH = 44


def header(name_width: int = NAME_WIDTH) -> str:
    """Column names of :func:`row`."""
    return (
        f"{'name':<{name_width}}{'cog_med_s':>11}{'cog_min_s':>11}"
        f"{'anc_med_s':>11}{'anc_min_s':>11}{'ratio':>8}{'ratio_min':>10}"
        "  agreement"
    )


def row(
    name: str,
    comp: Comparison,
    agreement: str,
    *,
    note: str = "",
    name_width: int = NAME_WIDTH,
) -> str:
    """One result line: times, ratios, agreement, runs, note and load averages.

    Parameters
    ----------
    name : str
        What was timed.
    comp : Comparison
        Output of :func:`compare`.
    agreement : str
        How far the two results agree (e.g. ``"max rel 3e-07"``).
    note : str
        Anything the reader must know (a scaled anchor says so here).
    name_width : int
        Width of the name column.
    """
    scaled = (
        f"; anchor SCALED x{comp.scale_b:.3g} from a subset (full loop > 5 min)"
        if comp.scale_b != 1.0
        else ""
    )
    extra = f"; {note}" if note else ""
    return (
        f"{name:<{name_width}}{comp.median_a:>11.4f}{comp.min_a:>11.4f}"
        f"{comp.median_b:>11.4f}{comp.min_b:>11.4f}{comp.ratio:>8.1f}"
        f"{comp.ratio_min:>10.1f}  {agreement}\n"
        f"{'':<4}runs {len(comp.times_a)}/{len(comp.times_b)} interleaved, warm"
        f", {comp.settle:g} s idle before each{scaled}{extra}; {comp.load_before} -> "
        f"{comp.load_after}"
    )
