"""The kg_link_prediction experiment: tensor models on Nations, Kinships and UMLS.

One task fits one model on one data set (:func:`cogattn.tensorbrain.link_prediction.
run_link_prediction`) and returns its filtered test metrics and CPU seconds. The
report averages the repetitions (seeds) with a 95 % t interval per (dataset, model),
and measures the best model's MRR per data set, each model's MRR per data set and the
CPU seconds of the best model, for the spec's checks against PyKEEN's DistMult.

Parameters of a task are the keyword arguments of ``run_link_prediction``: ``dataset``
and ``model`` (usually the grid), and the training settings (``dim``, ``n_epochs``,
``lr``, ``reg_weight``, ...). The task's generator seeds the initialisation and the
batch order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn.experiments._params import call_with_params
from cogattn.sim.registry import ReportContent, experiment

__all__ = ["KGLinkPrediction", "summarize_link_prediction"]

#: PyKEEN 1.11 DistMult, usual settings (LCWA, cross-entropy, Adam 0.01, 100
#: epochs, dim 128), filtered test MRR measured on these splits
PYKEEN_DISTMULT_MRR = {"nations": 0.665, "kinships": 0.489, "umls": 0.617}

METRICS = ("mrr", "hits_at_1", "hits_at_3", "hits_at_10", "cpu_s")


def summarize_link_prediction(table: Any) -> Any:
    """Mean and 95 % t interval over repetitions, per (dataset, model).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per task with ``dataset``, ``model`` and the metric columns.

    Returns
    -------
    summary : pandas.DataFrame
        One row per (dataset, model): ``n`` (repetitions), the mean of each metric
        and ``mrr_low`` / ``mrr_high``.
    """
    import pandas as pd
    from scipy import stats

    from cogattn._core.errors import ValidationError

    need = {"dataset", "model", *METRICS}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValidationError(
            f"table is missing column(s) {missing}; got {list(table.columns)}"
        )
    rows = []
    for (ds, model), g in table.groupby(["dataset", "model"], sort=False):
        row: dict[str, Any] = {"dataset": ds, "model": model, "n": len(g)}
        for m in METRICS:
            row[m] = float(g[m].mean())
        mrr = g["mrr"].to_numpy(float)
        if len(mrr) > 1:
            half = (
                stats.t.ppf(0.975, len(mrr) - 1) * mrr.std(ddof=1) / np.sqrt(len(mrr))
            )
        else:
            half = np.nan
        row["mrr_low"], row["mrr_high"] = row["mrr"] - half, row["mrr"] + half
        rows.append(row)
    return pd.DataFrame(rows)


@experiment("kg_link_prediction")
class KGLinkPrediction:
    """Filtered link prediction with tensor models (semantic memory as a tensor)."""

    @staticmethod
    def params() -> dict[str, Any]:
        """Return the parameters a spec may set (defaults: run_link_prediction's)."""
        from cogattn.sim.params import Param, declare_params
        from cogattn.tensorbrain.datasets import DATASETS
        from cogattn.tensorbrain.link_prediction import run_link_prediction

        return declare_params(
            run_link_prediction,
            dataset=Param(str, choices=DATASETS),
            model=Param(str, choices=("rescal", "distmult", "complex", "tucker")),
            dim=Param(int, low=1, high=4096),
            n_epochs=Param(int, low=1, high=10_000),
            batch_size=Param(int, low=1, high=1_000_000),
            loss=Param(str, choices=("ce", "bce")),
            label_smoothing=Param(float, low=0.0, high=1.0, high_open=True),
            regularizer=Param(str, choices=("n3", "l2", "none")),
            reg_weight=Param(float, low=0.0, high=10.0),
            optimizer=Param(str, choices=("adagrad", "adam")),
            lr=Param(float, low=0.0, high=10.0, low_open=True),
            reciprocal=Param(bool),
            init_scale=Param(float, low=0.0, high=10.0, low_open=True),
            split=Param(str, choices=("test", "valid")),
        )

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Fit and evaluate one (dataset, model) with ``run_link_prediction``."""
        from cogattn.tensorbrain.link_prediction import run_link_prediction

        return call_with_params(run_link_prediction, params, random_state=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Per-(dataset, model) table with intervals; best-model MRR and CPU time.

        ``measured``: ``mrr_<model>_<dataset>`` (mean over repetitions),
        ``best_mrr_<dataset>`` (the best model's), ``best_cpu_s_<dataset>`` (its CPU
        seconds) and ``max_best_cpu_s`` (their maximum over data sets).
        """
        from cogattn.viz.tensorbrain import plot_link_prediction

        table = getattr(results, "table", results)
        summary = summarize_link_prediction(table)
        measured: dict[str, float] = {}
        lines = []
        for _, row in summary.iterrows():
            measured[f"mrr_{row['model']}_{row['dataset']}"] = row["mrr"]
        for ds, g in summary.groupby("dataset", sort=False):
            best = g.loc[g["mrr"].idxmax()]
            measured[f"best_mrr_{ds}"] = float(best["mrr"])
            measured[f"best_cpu_s_{ds}"] = float(best["cpu_s"])
            ref = PYKEEN_DISTMULT_MRR.get(str(ds))
            lines.append(
                f"{ds}: best {best['model']} MRR {best['mrr']:.3f} "
                f"[{best['mrr_low']:.3f}, {best['mrr_high']:.3f}] in "
                f"{best['cpu_s']:.1f} CPU s"
                + (f" (PyKEEN DistMult {ref:.3f})" if ref is not None else "")
            )
        measured["max_best_cpu_s"] = max(
            v for k, v in measured.items() if k.startswith("best_cpu_s_")
        )
        fig = plot_link_prediction(summary, reference=PYKEEN_DISTMULT_MRR)
        return ReportContent(
            tables={"link_prediction": summary.set_index(["dataset", "model"])},
            figures={"mrr": fig},
            measured=measured,
            text="Filtered test MRR (both directions, 95 % t intervals over seeds). "
            + "; ".join(lines)
            + ".",
        )
