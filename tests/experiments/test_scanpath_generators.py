"""The scanpath_generators experiment: one repetition run for real (small), the
report on its rows."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.scanpath_generators import (
    MODELS,
    ScanpathGeneratorsExperiment,
    run_point,
)
from cogattn.sim.registry import ReportContent, get_experiment


def test_registered_by_name():
    assert get_experiment("scanpath_generators") is ScanpathGeneratorsExperiment


def test_bad_params(rng):
    with pytest.raises(ValidationError, match="n_train must be an integer"):
        run_point(rng=rng, n_train=1)
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['layers'\]"):
        ScanpathGeneratorsExperiment.trial({"layers": 2}, rng)


def test_repetition_and_report():
    """A reduced repetition (small model, few epochs) runs end to end; the report
    computes the checked numbers. The observer's own second draw scores above
    random-order search (the noise ceiling is informative)."""
    from cogattn.sim.spec import load_spec

    spec = load_spec(spec_path("scanpath_generators"))
    params = {
        **dict(spec.fixed),
        "n_train": 60,
        "n_test": 30,
        "n_observers": 1,
        "d_model": 16,
        "n_layers": 1,
        "epochs": 2,
    }
    rows = []
    for seed in (1, 2):
        out = ScanpathGeneratorsExperiment.trial(params, np.random.default_rng(seed))
        assert set(f"{m}_sequence_score" for m in MODELS) <= set(out)
        assert out["observer_sequence_score"] > out["random_sequence_score"]
        assert all(isinstance(v, float) for v in out.values())
        rows.append({**params, "repetition": seed, **out})
    content = ScanpathGeneratorsExperiment.report(
        SimpleNamespace(table=pd.DataFrame(rows), spec=spec)
    )
    assert isinstance(content, ReportContent)
    assert {c.measured for c in spec.checks} <= set(content.measured)
    assert list(content.tables["models"]["model"]) == list(MODELS)
