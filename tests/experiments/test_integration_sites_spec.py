"""The integration_sites experiment: one task for real, and the report's checks on a
small grid (2 seeds x 2 SNRs x 2 multimodal models, smaller data than the spec)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments.integration_sites import IntegrationSitesExperiment, run_point
from cogattn.sim.registry import ReportContent, get_experiment


def test_registered_and_rejects_bad_params(rng):
    assert get_experiment("integration_sites") is IntegrationSitesExperiment
    with pytest.raises(ValidationError, match="multimodal_model"):
        run_point(snr=0.5, multimodal_model="late", rng=rng)
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['nboot'\]"):
        IntegrationSitesExperiment.trial(
            {"snr": 0.5, "multimodal_model": "null", "nboot": 3}, rng
        )


def test_tasks_and_report_checks():
    rows, arrays = [], {}
    for model in ("interaction", "null"):
        for snr in (0.25, 0.5):
            for rep in range(2):
                out = run_point(
                    snr=snr,
                    multimodal_model=model,
                    rng=np.random.default_rng(100 + rep),
                    n_events=300,
                    n_sites=60,
                    n_boot=400,
                )
                key = f"{model}-{snr}-{rep}"
                arrays[key] = {k: v for k, v in out.items() if np.ndim(v) > 0}
                rows.append(
                    {"snr": snr, "multimodal_model": model, "repetition": rep}
                    | {k: v for k, v in out.items() if np.ndim(v) == 0}
                )
    table = pd.DataFrame(rows, index=list(arrays))
    content = IntegrationSitesExperiment.report(
        SimpleNamespace(table=table, arrays=lambda key: arrays[key])
    )
    assert isinstance(content, ReportContent)
    m = content.measured
    assert m["mean_fdp"] <= 0.05
    assert m["mean_fpr"] <= 0.05
    assert m["null_fraction_declared"] <= 0.05
    assert m["min_power_top_snr"] >= 0.8
    assert "integration_sites" in content.figures
    assert len(content.tables["per_condition"]) == 4
