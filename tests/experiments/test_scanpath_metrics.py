"""The scanpath_metrics experiment: tasks run for real, the report and the spec's
checks on the real EyeLink recordings bundled with eyelinkio."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.scanpath_metrics import ScanpathMetricsExperiment, run_point
from cogattn.sim.registry import ReportContent, get_experiment
from tests._reference import require_reference


def test_registered_by_name():
    assert get_experiment("scanpath_metrics") is ScanpathMetricsExperiment


def test_bad_params(rng):
    with pytest.raises(ValidationError, match="invalid value for task"):
        run_point(task="bench", rng=rng)
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['images'\]"):
        ScanpathMetricsExperiment.trial({"task": "anchors", "images": "x"}, rng)


@pytest.mark.slow
def test_tasks_meet_the_spec_checks():
    """Anchors: multimatch-gaze and pymovements (imported by the tasks). Real data:
    eyelinkio's bundled EyeLink recordings. Two seeds other than the spec's."""
    for mod in ("eyelinkio", "multimatch_gaze", "pymovements"):
        require_reference(mod)
    from cogattn.sim.report import evaluate_check
    from cogattn.sim.spec import load_spec

    spec = load_spec(spec_path("scanpath_metrics"))
    fixed = {**dict(spec.fixed), "n_scanpaths": 8, "n_anchor_pairs": 20}
    rows = []
    arrays = {}
    for task, seed in (("anchors", 5), ("human_likeness", 6), ("human_likeness", 7)):
        params = {**fixed, "task": task}
        out = ScanpathMetricsExperiment.trial(params, np.random.default_rng(seed))
        key = f"{task}{seed}"
        arrays[key] = {k: v for k, v in out.items() if isinstance(v, np.ndarray)}
        scalars = {k: v for k, v in out.items() if not isinstance(v, np.ndarray)}
        rows.append({**params, "repetition": seed, **scalars})
    table = pd.DataFrame(rows)

    def iter_arrays(name):
        for key, arrs in arrays.items():
            if name in arrs:
                yield key, arrs[name]

    results = SimpleNamespace(table=table, spec=spec, iter_arrays=iter_arrays)
    content = ScanpathMetricsExperiment.report(results)
    assert isinstance(content, ReportContent)
    assert "saccade_amplitudes" in content.figures
    assert set(content.tables) == {"anchors", "human_likeness"}
    for check in spec.checks:
        assert evaluate_check(check, content.measured).passed, check
