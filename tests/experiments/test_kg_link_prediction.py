"""The kg_link_prediction experiment: one real task on Nations, the report, the spec."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.kg_link_prediction import (
    KGLinkPrediction,
    summarize_link_prediction,
)
from cogattn.sim.registry import ReportContent, get_experiment


def test_registered_by_name():
    assert get_experiment("kg_link_prediction") is KGLinkPrediction


def test_spec_loads_with_its_checks():
    from cogattn.sim.spec import load_spec

    spec = load_spec(spec_path("kg_link_prediction"))
    assert set(spec.grid["dataset"]) == {"nations", "kinships", "umls"}
    measured = {c.measured for c in spec.checks}
    assert {"best_mrr_nations", "best_mrr_kinships", "best_mrr_umls"} <= measured


@pytest.mark.slow
def test_one_task_for_real(data_dir):
    """A short ComplEx run on Nations (few epochs): well above random scores.

    Random scores give a filtered MRR of about 0.39 on Nations' test split (14
    entities, computed in tests/tensorbrain/test_training.py); the full spec run
    reaches about 0.8.
    """
    if not (data_dir / "kg" / "nations").is_dir():
        pytest.skip(reason=f"real data not found: {data_dir}/kg/nations")
    from cogattn.sim.worker import single_thread

    params = {
        "dataset": "nations",
        "model": "complex",
        "dim": 32,
        "n_epochs": 10,
        "data_dir": str(data_dir),
    }
    with single_thread():
        out = KGLinkPrediction.trial(params, np.random.default_rng(0))
    assert out["mrr"] > 0.6
    assert out["hits_at_1"] <= out["hits_at_3"] <= out["hits_at_10"] <= 1.0
    assert 0 < out["fit_cpu_s"] <= out["cpu_s"]


def test_trial_rejects_unknown_parameters(rng):
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['epochs'\]"):
        KGLinkPrediction.trial({"dataset": "nations", "epochs": 3}, rng)


def test_report_on_a_small_table():
    rows = []
    for ds, base in (("nations", 0.8), ("kinships", 0.85), ("umls", 0.94)):
        for model, shift in (("distmult", -0.1), ("complex", 0.0)):
            for rep in range(3):
                rows.append(
                    {
                        "dataset": ds,
                        "model": model,
                        "repetition": rep,
                        "mrr": base + shift + 0.01 * rep,
                        "hits_at_1": 0.5,
                        "hits_at_3": 0.7,
                        "hits_at_10": 0.9,
                        "cpu_s": 5.0 + rep,
                    }
                )
    content = KGLinkPrediction.report(SimpleNamespace(table=pd.DataFrame(rows)))
    assert isinstance(content, ReportContent)
    m = content.measured
    assert m["best_mrr_umls"] == pytest.approx(0.95)
    assert m["mrr_distmult_nations"] == pytest.approx(0.71)
    assert m["max_best_cpu_s"] == pytest.approx(6.0)
    summary = content.tables["link_prediction"]
    low, high = summary.loc[("umls", "complex"), ["mrr_low", "mrr_high"]]
    # closed form: t(0.975, 2) * sd / sqrt(3) with sd = 0.01
    assert high - 0.95 == pytest.approx(4.302653 * 0.01 / np.sqrt(3), rel=1e-5)
    assert low < 0.95 < high
    assert "mrr" in content.figures


def test_summary_errors():
    with pytest.raises(ValidationError, match="missing column"):
        summarize_link_prediction(pd.DataFrame({"dataset": ["a"]}))
