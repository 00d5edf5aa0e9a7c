"""A small real experiment for the runner's tests: Monte-Carlo estimate of E|Z|.

For Z ~ N(0, 1), E|Z| = sqrt(2 / pi) (the mean of the half-normal distribution).
Parameters: ``n_samples`` (draws per task), ``sleep`` (seconds, to make tasks slow),
``fail_if_exists`` (a path) with ``fail_n``: the tasks with ``n_samples == fail_n``
raise while that file exists; ``exit_n``: the worker process running the task with
``n_samples == exit_n`` dies (``os._exit``); ``hold_if_exists`` (a path) with
``hold_from``: tasks with ``n_samples >= hold_from`` wait while that file exists
(at most 120 s), so a test can interrupt a sweep at a known point. Each task also
multiplies two random matrices, so a BLAS call is part of what must be reproducible.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from cogattn.sim import ReportContent, experiment

HALF_NORMAL_MEAN = math.sqrt(2.0 / math.pi)


@experiment("mc_halfnormal")
class HalfNormalMean:
    """Estimate E|Z| by sampling."""

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        flag = params.get("fail_if_exists")
        if flag and params.get("fail_n") == params["n_samples"] and Path(flag).exists():
            raise RuntimeError(f"asked to fail while {flag} exists")
        if params.get("exit_n") == params["n_samples"]:
            os._exit(3)
        hold = params.get("hold_if_exists")
        if hold and params["n_samples"] >= params.get("hold_from", 0):
            deadline = time.monotonic() + 120
            while Path(hold).exists():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{hold} still exists after 120 s")
                time.sleep(0.02)
        if params.get("sleep", 0):
            time.sleep(float(params["sleep"]))
        x = rng.standard_normal(int(params["n_samples"]))
        a = rng.standard_normal((40, 300))
        gram = a @ a.T
        counts, _ = np.histogram(np.abs(x), bins=8, range=(0.0, 4.0))
        mean_abs = float(np.abs(x).mean())
        return {
            "mean_abs": mean_abs,
            "sq_err": (mean_abs - HALF_NORMAL_MEAN) ** 2,
            "gram_sum": float(gram.sum()),
            "n_above_2": int((np.abs(x) > 2).sum()),
            "head": x[:16].copy(),
            "hist": counts,
            "gram": gram,
        }

    @staticmethod
    def report(results) -> ReportContent:
        import matplotlib.pyplot as plt

        table = results.table
        summary = (
            table.groupby("n_samples")["mean_abs"]
            .agg(["mean", "std", "count"])
            .rename(columns={"mean": "mean_abs", "std": "sd", "count": "n_tasks"})
        )
        weights = table["n_samples"].to_numpy(float)
        pooled = float(np.average(table["mean_abs"].to_numpy(), weights=weights))
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot(summary.index, summary["mean_abs"], "o-", label="estimate")
        ax.axhline(HALF_NORMAL_MEAN, color="k", ls="--", label="sqrt(2/pi)")
        ax.set_xlabel("samples per task")
        ax.set_ylabel("mean |Z|")
        ax.legend()
        return ReportContent(
            tables={"estimates": summary},
            figures={"estimate vs samples": fig},
            measured={
                "mean_abs": pooled,
                "abs_error": abs(pooled - HALF_NORMAL_MEAN),
                "n_done": float(len(table)),
            },
            text="Monte-Carlo estimate of E|Z| = sqrt(2/pi) for Z ~ N(0, 1).",
        )
