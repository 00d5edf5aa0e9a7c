"""The hebbian_memory experiment: trial outputs, report, and the spec's checks on a
reduced grid."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.hebbian_memory import HebbianMemoryExperiment, run_point
from cogattn.sim.registry import ReportContent, get_experiment

MEASURED = {
    "max_abs_dev_closed_form",
    "max_rel_dev_sq_norm",
    "capacity_cos09_over_dk",
    "capacity_cos09_exponent",
    "error_free_exponent",
    "typical_error_free_exponent",
    "cleanup_capacity_over_dk",
    "cleanup_exponent",
    "max_backend_diff",
}


def test_registered_by_name():
    assert get_experiment("hebbian_memory") is HebbianMemoryExperiment


def test_trial_outputs(rng):
    pytest.importorskip("torch")
    out = run_point(d_k=32, load=0.5, backend="torch", d_v=64, rng=rng)
    assert out["n_items"] == 16
    assert out["batch"] == 64  # ceil(1024 / 16)
    assert 0.7 < out["mean_cosine"] < 0.95
    assert out["min_cosine"] <= out["mean_cosine"]
    assert out["backend_diff"] < 1e-12
    assert 1 <= out["error_free_capacity"] <= out["error_free_capacity_max"]
    assert out["error_free_capacity_max"] < out["error_free_n_max"]
    assert 1 <= out["sign_capacity"] <= out["sign_capacity_max"] < out["sign_n_max"]
    assert all(isinstance(v, float) for v in out.values())


def test_trial_rejects_bad_params(rng):
    with pytest.raises(ValidationError, match="invalid value for backend: 'cupy'"):
        run_point(d_k=16, load=1, backend="cupy", rng=rng)
    with pytest.raises(ValidationError, match="load must be a finite number > 0"):
        run_point(d_k=16, load=0, backend="numpy", rng=rng)
    params = {"d_k": 16, "load": 1, "backend": "numpy", "dv": 8}
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['dv'\]"):
        HebbianMemoryExperiment.trial(params, rng)


def test_reduced_grid_meets_the_spec_checks():
    pytest.importorskip("torch")
    from cogattn.sim.report import evaluate_check
    from cogattn.sim.spec import load_spec
    from cogattn.sim.worker import single_thread

    spec = load_spec(spec_path("hebbian_memory"))
    fixed = dict(spec.fixed)
    root = np.random.SeedSequence(spec.seed)
    grid = itertools.product(
        [16, 32, 64], [0.05, 0.25, 1.0, 4.0, 8.0], ["numpy", "torch"]
    )
    rows = []
    for (d_k, load, backend), seq in zip(grid, root.spawn(30), strict=False):
        params = {**fixed, "d_k": d_k, "load": load, "backend": backend}
        with single_thread():  # as the runner's workers execute trials
            out = HebbianMemoryExperiment.trial(params, np.random.default_rng(seq))
        rows.append({**params, "repetition": 0, **out})
    results = SimpleNamespace(table=pd.DataFrame(rows), spec=spec)
    content = HebbianMemoryExperiment.report(results)
    assert isinstance(content, ReportContent)
    assert MEASURED <= set(content.measured)
    assert {"cosine_vs_load", "capacities", "scaling", "grid"} <= set(content.tables)
    assert "hebbian_memory" in content.figures
    outcomes = [evaluate_check(c, content.measured) for c in spec.checks]
    failed = [o.line for o in outcomes if not o.passed]
    assert not failed, failed
    caps = content.tables["capacities"]
    assert list(caps["d_k"]) == [16, 32, 64]
    assert np.all(caps["error_free_max"] < caps["error_free_n_max"])
    assert np.all(caps["sign_typical_max"] < caps["sign_n_max"])
