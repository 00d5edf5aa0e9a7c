"""The workspace_bottleneck experiment: the task, one training run, the report."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.workspace_bottleneck import (
    VARIANTS,
    WorkspaceBottleneck,
    relational_task,
    run_variant,
)
from cogattn.sim.registry import get_experiment
from cogattn.sim.spec import load_spec


def test_task_labels_follow_the_marked_pair():
    """Brute force: the label is recomputed from the marked objects of each sample."""
    x, y = relational_task(200, 5, 3, random_state=0)
    assert x.shape == (200, 5, 4) and y.shape == (200,)
    assert (x[..., -1].sum(1) == 2).all()
    for xi, yi in zip(x, y, strict=True):
        a, b = xi[xi[:, -1] == 1, 0]
        assert yi == float(a * b > 0)
    assert 0.35 < y.mean() < 0.65
    np.testing.assert_array_equal(relational_task(5, random_state=1)[0],
                                  relational_task(5, random_state=1)[0])  # fmt: skip


@pytest.mark.slow
def test_one_task_learns():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    out = run_variant("pooled", 1024, n_steps=200, random_state=0)
    assert out["test_accuracy"] > 0.7 and out["top_k"] == 0
    out = run_variant("workspace_k2_s1", 64, n_steps=5, random_state=0)
    assert out["top_k"] == 2 and out["n_slots"] == 1
    assert 0 <= out["test_accuracy"] <= 1


def test_registered_bad_variant_and_report():
    assert get_experiment("workspace_bottleneck") is WorkspaceBottleneck
    with pytest.raises(ValidationError, match="invalid value for variant"):
        run_variant("workspace_k9", 10)
    rows = []
    for v in VARIANTS:
        k = 0 if v == "pooled" else int(v.split("_")[1][1:])
        s = 0 if v == "pooled" else int(v.split("_")[2][1:])
        for n in (256, 2048):
            for rep in range(2):
                ws_acc = 0.5 + 0.05 * (k < 6) + 0.1 * (n > 256)
                acc = 0.9 if v == "pooled" else ws_acc
                rows.append(
                    dict(variant=v, n_train=n, repetition=rep, top_k=k, n_slots=s,
                         n_objects=6, test_accuracy=acc)
                )  # fmt: skip
    spec = load_spec(spec_path("workspace_bottleneck"))
    content = WorkspaceBottleneck.report(SimpleNamespace(table=pd.DataFrame(rows)))
    m = content.measured
    assert m["best_workspace_minus_pooled"] == pytest.approx(0.65 - 0.9)
    assert m["competition_gain"] == pytest.approx(0.05)
    assert m["min_test_accuracy_largest"] == pytest.approx(0.6)
    assert m["pooled_test_accuracy_largest"] == pytest.approx(0.9)
    assert m["best_workspace_k2plus_largest"] == pytest.approx(0.65)
    assert all(c.measured in m for c in spec.checks)
