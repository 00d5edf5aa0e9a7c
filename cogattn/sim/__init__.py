"""Simulation runner: experiment registry, specs, executors, result store, reports.

A spec (TOML) names a registered experiment, its fixed parameters, a grid to sweep
and reference checks; :func:`run` expands it into tasks with stable keys and seeds,
runs them serially, in local processes or on a dask cluster, stores every result as
it arrives (resumable) and writes a markdown report with PASS/FAIL lines::

    from cogattn.sim import load_results, run

    results = run("experiments/hebbian_memory.toml", out="runs/hebbian")
    results.table          # one row per task: parameters, repetition, scalars
    results.report.checks  # PASS/FAIL outcomes of the spec's checks

Importing this package loads none of torch, numba, dask, pandas or matplotlib.
"""

from __future__ import annotations

from cogattn.sim.registry import (
    ReportContent,
    experiment,
    get_experiment,
    list_experiments,
)
from cogattn.sim.report import ReportSummary, write_report
from cogattn.sim.results import Results, load_results
from cogattn.sim.runner import run
from cogattn.sim.spec import Check, Spec, load_spec

__all__ = [
    "Check",
    "ReportContent",
    "ReportSummary",
    "Results",
    "Spec",
    "experiment",
    "get_experiment",
    "list_experiments",
    "load_results",
    "load_spec",
    "run",
    "write_report",
]
