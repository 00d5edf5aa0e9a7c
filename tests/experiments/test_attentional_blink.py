"""The attentional_blink experiment: one task run for real, the report on a table."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.attentional_blink import (
    LAGS,
    NEUROMODULATION,
    AttentionalBlink,
    level_name,
    run_condition,
)
from cogattn.sim.registry import ReportContent, get_experiment
from cogattn.sim.spec import load_spec


def test_registered_and_spec_loads():
    assert get_experiment("attentional_blink") is AttentionalBlink
    spec = load_spec(spec_path("attentional_blink"))
    assert set(spec.grid["condition"]) == {
        "full",
        "half_top_down",
        "no_top_down",
        "neuromodulation",
    }


@pytest.mark.slow
def test_one_task_runs_for_real(rng):
    out = AttentionalBlink.trial({"condition": "no_top_down", "n_trials": 6}, rng)
    assert set(f"t2_detected_{lag:g}" for lag in LAGS) <= set(out)
    assert all(isinstance(v, float) for v in out.values())
    assert out["blink_min_lag"] in LAGS[1:]
    assert 0 <= out["blink_depth"] <= 1


def test_neuromodulation_task_outputs_are_storable(rng):
    """The runner stores only identifier names: a real task through its splitter."""
    from cogattn.sim.worker import split_outputs

    out = AttentionalBlink.trial({"condition": "neuromodulation", "n_trials": 2}, rng)
    scalars, _ = split_outputs(out)
    assert {f"p_spontaneous_{level_name(v)}" for v in NEUROMODULATION} <= set(scalars)
    assert level_name(-2.0) == "m2" and level_name(1.5) == "1p5"


def test_bad_params_are_refused(rng):
    with pytest.raises(ValidationError, match="invalid value for condition"):
        run_condition("sleep", n_trials=2, random_state=rng)
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['lags'\]"):
        AttentionalBlink.trial({"condition": "full", "lags": 3}, rng)


def _fake_rows():
    rows = []
    dip = {"full": 0.7, "half_top_down": 0.05, "no_top_down": 0.0}
    for rep in range(2):
        for cond, depth in dip.items():
            row = {"condition": cond, "repetition": rep}
            for lag in LAGS:
                blinked = 150 <= lag <= 250
                row[f"t2_detected_{lag:g}"] = 1.0 - depth * blinked
            row.update(
                blink_min_lag=150.0 + 50 * rep,
                blink_depth=depth,
                lag0_sparing=depth,
                recovered=1.0,
                t2_detected_at_min=1 - depth,
                bimodality_coefficient=0.6,
                mixture_bic_gain=30.0,
            )
            rows.append(row)
        row = {"condition": "neuromodulation", "repetition": rep}
        for i, level in enumerate(NEUROMODULATION):
            row[f"p_spontaneous_{level_name(level)}"] = i / (len(NEUROMODULATION) - 1)
            row[f"p_detected_{level_name(level)}"] = 1 - 0.5 * i / (
                len(NEUROMODULATION) - 1
            )
        row.update(p_detected_quiet=1.0, p_detected_spontaneous=0.4 + 0.1 * rep)
        rows.append(row)
    return pd.DataFrame(rows)


def test_report_takes_the_least_favourable_repetition():
    from cogattn.sim.report import evaluate_check

    spec = load_spec(spec_path("attentional_blink"))
    content = AttentionalBlink.report(SimpleNamespace(table=_fake_rows(), spec=spec))
    assert isinstance(content, ReportContent)
    m = content.measured
    assert m["blink_min_lag_low"] == 150 and m["blink_min_lag_high"] == 200
    assert m["blink_depth_half_top_down"] == pytest.approx(0.05)
    assert m["detection_drop_spontaneous"] == pytest.approx(0.5)
    assert m["p_spontaneous_lowest"] == 0 and m["p_spontaneous_highest"] == 1
    assert m["p_spontaneous_max"] == 1 and m["p_detected_highest"] == 0.5
    assert all(evaluate_check(c, m).passed for c in spec.checks)
    curve = content.tables["t2_detection_mean"]
    np.testing.assert_allclose(curve.loc["full"].to_numpy()[2], 0.3)
    assert set(content.figures) == {"blink_curves", "neuromodulation"}
