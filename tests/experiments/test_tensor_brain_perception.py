"""The tensor_brain_perception experiment: one short real task, the report, the spec."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.tensor_brain_perception import (
    TensorBrainPerception,
    summarize_perception,
)
from cogattn.sim.registry import get_experiment


def test_registered_and_spec_loads():
    from cogattn.sim.spec import load_spec

    assert get_experiment("tensor_brain_perception") is TensorBrainPerception
    spec = load_spec(spec_path("tensor_brain_perception"))
    assert "semantic_minus_rescal_hits10" in {c.measured for c in spec.checks}


@pytest.mark.slow
def test_one_short_task_for_real():
    """300 steps on a small pool: every read-out well above its chance level."""
    from cogattn.sim.worker import single_thread

    params = {
        "n_known": 12,
        "n_novel": 3,
        "n_train_scenes": 60,
        "n_test_scenes": 40,
        "n_steps": 250,
        "rescal_epochs": 30,
    }
    with single_thread():
        out = TensorBrainPerception.trial(params, np.random.default_rng(0))
    n_ent = 15
    assert out["entity_acc_hard_map"] > 5 / n_ent  # chance 1/15
    assert out["label_acc_hard_map"] > 0.6  # chance about 0.3
    assert out["predicate_hits2_hard_map"] > 0.6  # chance 0.5
    assert 0 <= out["semantic_hits10"] <= 1 and 0 <= out["rescal_hits10"] <= 1
    assert out["n_heldout"] > 0
    assert {
        "novel_label_acc_hard",
        "novel_label_acc_none",
        "episodic_object_hits1",
    } <= set(out)


def test_trial_rejects_unknown_parameters(rng):
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['steps'\]"):
        TensorBrainPerception.trial({"steps": 3}, rng)


def test_report_and_summary():
    table = pd.DataFrame(
        {
            "repetition": [0, 1, 2],
            "semantic_hits10": [0.95, 0.97, 0.96],
            "rescal_hits10": [0.85, 0.88, 0.86],
            "label_acc_hard_map": [0.95] * 3,
            "episodic_subject_recall": [0.5, 0.6, 0.55],
        }
    )
    content = TensorBrainPerception.report(SimpleNamespace(table=table))
    m = content.measured
    assert m["semantic_minus_rescal_hits10"] == pytest.approx(0.29 / 3)
    assert m["semantic_minus_rescal_hits10_low"] < 0.29 / 3
    assert "decoder_scores" in content.figures
    summary = content.tables["summary"]
    # closed form: the t interval of [0.5, 0.6, 0.55]
    half = 4.302653 * 0.05 / np.sqrt(3)
    assert summary.loc["episodic_subject_recall", "high"] == pytest.approx(0.55 + half)
    with pytest.raises(ValidationError, match="no tasks"):
        summarize_perception(pd.DataFrame({"repetition": []}))


def test_task_rejects_bad_settings(rng):
    from cogattn.tensorbrain.perception import run_perception_task

    with pytest.raises(ValidationError, match="train_feedback"):
        run_perception_task(train_feedback="soft", random_state=rng)
    with pytest.raises(ValidationError, match="noise"):
        run_perception_task(noise=-0.1, random_state=rng)
    with pytest.raises(ValidationError, match="n_known"):
        run_perception_task(n_known=2, random_state=rng)
