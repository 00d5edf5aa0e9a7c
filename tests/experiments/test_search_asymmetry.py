"""The search_asymmetry experiment: one task, the report, the spec, a small run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cogattn._core.errors import ValidationError
from cogattn.cli import main
from cogattn.experiments import spec_path
from cogattn.experiments.search_asymmetry import (
    SearchAsymmetry,
    asymmetry_report_table,
)
from cogattn.search import run_paradigm
from cogattn.sim.registry import get_experiment


def test_registered():
    assert get_experiment("search_asymmetry") is SearchAsymmetry


def test_trial_chance_lighting_is_seeded():
    params = {"paradigm": "lighting", "variant": "chance", "n_trials": 4}
    a = SearchAsymmetry.trial(params, np.random.default_rng(1))
    b = SearchAsymmetry.trial(params, np.random.default_rng(1))
    assert a["ai"] == b["ai"] and a["slope_easy"] == b["slope_easy"]
    assert a["ai_low"] == b["ai_low"] and -1 <= a["ai_low"] <= a["ai_high"] <= 1
    assert a["n_fixations"].shape == (2 * 3 * 4,)
    assert set(np.unique(a["set_size"])) == {1, 6, 12}
    # set size 1: the only item is the target, found at the first fixation
    assert a["fix_easy_1"] == 1.0 and a["fix_hard_1"] == 1.0
    assert a["found_rate"] == 1.0  # every item is visited within set_size fixations
    # the slopes are the regression of mean RT on set size (RT = 252.359 n + 376.271)
    sel = a["hard"] == 0
    means = [a["rt"][sel & (a["set_size"] == s)].mean() for s in (1, 6, 12)]
    np.testing.assert_allclose(a["slope_easy"], np.polyfit([1, 6, 12], means, 1)[0])
    np.testing.assert_allclose(
        a["rt"], 252.359 * a["n_fixations"] + 376.271, rtol=1e-12
    )


def test_trial_passes_the_orientations_on():
    """The task's ``orientations`` reaches the displays: pixel matching sees them."""
    params = {"paradigm": "t_vs_l", "variant": "pixel_matching", "n_trials": 3}
    rng = np.random.default_rng(0)
    default = SearchAsymmetry.trial(params, rng)
    published = SearchAsymmetry.trial(dict(params, orientations="published"), rng)
    turned = SearchAsymmetry.trial(dict(params, orientations="rotations"), rng)
    np.testing.assert_array_equal(default["n_fixations"], published["n_fixations"])
    assert not np.array_equal(default["n_fixations"], turned["n_fixations"])


def test_report_on_hand_made_table():
    ref = {  # human AIs of the six paradigms, with the sign of a model's AI chosen
        "curvature": (1.0, 9.0),
        "lighting": (1.0, 3.0),
        "intersection": (2.0, 6.0),
        "t_vs_l": (5.0, 5.0),
        "orientation_homogeneous": (4.0, 1.0),
        "orientation_heterogeneous": (0.0, 2.0),
    }
    rows = []
    for p, (e, h) in ref.items():
        ai = (h - e) / (h + e)
        rows.append(dict(paradigm=p, variant="eccnet", slope_easy=e, slope_hard=h,
                         ai=ai))  # fmt: skip
        rows.append(dict(paradigm=p, variant="chance", slope_easy=1.0, slope_hard=1.0,
                         ai=0.0))  # fmt: skip
    rep = SearchAsymmetry.report(pd.DataFrame(rows))
    # positive AI in 4 paradigms (t_vs_l is 0, orientation_homogeneous reversed)
    assert rep.measured["n_polarity_match"] == 4
    want = np.mean([0.8, 0.5, 0.5, 0.0, -0.6, 1.0])
    assert rep.measured["mean_ai"] == pytest.approx(want)
    assert rep.measured["mean_ai_chance"] == 0.0
    table = rep.tables["asymmetry_eccnet"]
    assert list(table.index) == list(ref)
    assert table.loc["curvature", "human_ai"] == pytest.approx(0.81, abs=0.01)
    assert set(rep.figures) == {"asymmetry_index"}
    with pytest.raises(ValidationError, match=r"missing column\(s\) \['ai'\]"):
        asymmetry_report_table(pd.DataFrame(rows).drop(columns="ai"))


def test_report_counts_reliable_polarities_from_the_intervals():
    base = dict(variant="eccnet", slope_easy=1.0, slope_hard=3.0, ai=0.5, ai_high=0.9)
    rows = [
        dict(base, paradigm=p, ai_low=low, p_reversed=pr)
        for p, low, pr in (
            ("curvature", 0.2, 0.0),
            ("lighting", -0.3, 0.2),
            ("intersection", 0.01, 0.01),
        )
    ]
    rep = SearchAsymmetry.report(pd.DataFrame(rows))
    table = rep.tables["asymmetry_eccnet"]
    assert table["polarity_reliable"].tolist() == [True, False, True]
    assert {"ai_low", "ai_high", "p_reversed"} <= set(table.columns)
    assert rep.measured["n_polarity_reliable"] == 2
    assert "bootstrap interval" in rep.text


def test_spec_loads():
    from cogattn.sim.spec import load_spec

    spec = load_spec(spec_path("search_asymmetry"))
    assert spec.experiment == "search_asymmetry"
    assert len(spec.grid["paradigm"]) == 6 and spec.grid["variant"][0] == "eccnet"
    checks = {c.measured: c for c in spec.checks}
    assert checks["n_polarity_match"].op == ">=" and checks["mean_ai"].atol == 0.05


@pytest.mark.slow
def test_six_paradigms_main_model():
    keys = ("slope_easy", "slope_hard", "ai", "ai_low", "ai_high", "p_reversed")
    rows = []
    for p in ("curvature", "lighting", "intersection", "t_vs_l",
              "orientation_homogeneous", "orientation_heterogeneous"):  # fmt: skip
        out = run_paradigm(p, "eccnet", n_trials=30, device="cpu")
        rows.append(dict(paradigm=p, variant="eccnet", **{k: out[k] for k in keys}))
    rep = SearchAsymmetry.report(pd.DataFrame(rows))
    # measured with MobileNetV2's final ReLU6 map, cosine similarity, kernels
    # averaged over 16 target positions, per-display cues, paired layouts, the
    # published drawings of the turned items (30 trials, stimulus seed 0, CPU): AI
    # [95 % paired bootstrap interval] curvature 0.92 [0.85, 0.97], lighting 0.46
    # [0.28, 0.67], intersection 0.26, T vs L 0.05, orientation homogeneous 0.93
    # [0.79, 1.00], heterogeneous 0.63 [0.45, 0.78]: 6 of 6 polarities (4 whose
    # interval excludes 0), mean AI 0.54; humans: 6 and 0.564. T vs L sits within
    # a fixation or two of no asymmetry, so its sign is not asserted here.
    table = rep.tables["asymmetry_eccnet"]
    for paradigm in ("curvature", "lighting", "orientation_homogeneous",
                     "orientation_heterogeneous"):  # fmt: skip
        assert table.loc[paradigm, "polarity_reliable"], paradigm
    gap = (table["ai"] - table["human_ai"]).abs()
    assert gap["curvature"] < 0.2 and gap["orientation_heterogeneous"] < 0.2
    assert gap["lighting"] < 0.4 and gap["orientation_homogeneous"] < 0.4
    assert table.loc["intersection", "ai"] > 0.1
    assert rep.measured["n_polarity_match"] >= 5
    assert rep.measured["n_polarity_reliable"] >= 4
    assert rep.measured["mean_ai"] > 0.45


def test_unknown_task_parameter_is_named():
    params = {"paradigm": "lighting", "variant": "chance", "n_trial": 2}
    with pytest.raises(TypeError, match="n_trial"):
        SearchAsymmetry.trial(params, np.random.default_rng(0))


def test_one_paradigm_run_through_the_cli(tmp_path, capsys):
    """A task-sized run of the main model and a baseline, with --set overrides."""
    out = tmp_path / "run"
    code = main(
        [
            "run",
            "search_asymmetry",
            "--set",
            'paradigm="lighting"',
            "--set",
            'variant=["eccnet", "chance"]',
            "--set",
            "n_trials=2",
            "--executor",
            "serial",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 1  # one paradigm cannot meet the six-paradigm checks
    assert printed.startswith(f"run: {out} (2 done, 0 failed, 0 pending)")
    assert "FAIL main model has the human polarity in all six paradigms" in printed
    report = out / "report"
    assert (report / "asymmetry_index.png").is_file()
    assert (report / "asymmetry_eccnet.csv").is_file()
    assert (report / "asymmetry_chance.csv").is_file()
