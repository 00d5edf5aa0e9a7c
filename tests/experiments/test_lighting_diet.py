"""The lighting_diet experiment: trial, paired test, report and spec."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cogattn._core.errors import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.lighting_diet import (
    LightingDiet,
    diet_network_search,
    paired_diet_test,
    train_on_diet,
)
from cogattn.search.diet import DIETS
from cogattn.sim.registry import get_experiment
from cogattn.sim.spec import load_spec


def test_registered():
    assert get_experiment("lighting_diet") is LightingDiet


def test_paired_diet_test_against_exact_values():
    # all five differences positive: exact one-sided signed-rank p = 1 / 2**5
    out = paired_diet_test([0.5, 0.4, 0.3, 0.2, 0.9], [-0.1, 0.0, -0.4, 0.1, 0.2])
    assert out["n_positive"] == 5 and out["p_value"] == pytest.approx(1 / 32)
    assert out["mean_difference"] == pytest.approx(np.mean([0.6, 0.4, 0.7, 0.1, 0.7]))
    assert paired_diet_test([0.1, 0.2], [0.1, 0.2])["p_value"] == 1.0
    with pytest.raises(ValidationError, match=r"same, non-zero length"):
        paired_diet_test([0.1, 0.2], [0.1])


def test_diet_report_pairs_networks_by_seed():
    rows = [
        dict(diet=d, net_seed=s, ai=a, accuracy=1.0)
        for s, (up, rot) in enumerate([(0.5, -0.2), (0.3, 0.1), (0.4, -0.5)])
        for d, a in (("upright", up), ("rotated", rot))
    ]
    rep = LightingDiet.report(pd.DataFrame(rows))
    assert rep.measured["mean_ai_upright"] == pytest.approx(0.4)
    assert rep.measured["mean_ai_rotated"] == pytest.approx(-0.2)
    assert rep.measured["n_positive"] == 3 and rep.measured["n_pairs"] == 3
    assert rep.measured["p_value"] == pytest.approx(1 / 8)
    assert set(rep.figures) == {"lighting_ai_per_seed"}
    # one line per seed, two diet means, the human index and zero
    assert len(rep.figures["lighting_ai_per_seed"].axes[0].lines) == 3 + 2 + 2
    with pytest.raises(ValidationError, match=r"both diets are needed"):
        LightingDiet.report(pd.DataFrame(rows[::2]))


def test_diet_spec_loads():
    spec = load_spec(spec_path("lighting_diet"))
    assert spec.experiment == "lighting_diet"
    assert spec.grid["diet"] == ["upright", "rotated"]
    assert {c.measured for c in spec.checks} == {
        "mean_ai_upright",
        "mean_ai_rotated",
        "p_value",
    }


def test_trial_passes_the_spec_parameters_through(monkeypatch):
    import cogattn.experiments.lighting_diet as mod

    calls = []
    monkeypatch.setattr(
        mod, "diet_network_search", lambda **kw: calls.append(kw) or {"ai": 0.0}
    )
    params = {"diet": "rotated", "net_seed": 4, "n_trials": 3}
    assert LightingDiet.trial(params, np.random.default_rng(0)) == {"ai": 0.0}
    assert calls == [params]  # nothing added: the defaults are the function's
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['n_step'\]"):
        mod.call_with_params(diet_network_search, {"diet": "upright", "n_step": 3})


def test_train_on_diet_rejects_bad_arguments():
    with pytest.raises(ValidationError, match="invalid value for diet: 'sideways'"):
        train_on_diet("sideways")
    with pytest.raises(ValidationError, match="net_seed must be"):
        train_on_diet("upright", net_seed=-1)


@pytest.mark.slow
def test_lighting_polarity_follows_the_diet():
    rows = [
        {"diet": diet, "net_seed": seed,
         **LightingDiet.trial({"diet": diet, "net_seed": seed}, None)}
        for diet in DIETS for seed in (0, 1, 2)
    ]  # fmt: skip
    rep = LightingDiet.report(pd.DataFrame(rows))
    assert all(r["accuracy"] > 0.9 for r in rows)
    # measured (9 seeds, experiments/lighting_diet.toml): mean AI +0.23 upright,
    # -0.26 rotated, upright larger in 9 of 9 pairs; seeds 0-2 here
    assert rep.measured["mean_ai_upright"] > 0 > rep.measured["mean_ai_rotated"]
    assert rep.measured["n_positive"] == 3
