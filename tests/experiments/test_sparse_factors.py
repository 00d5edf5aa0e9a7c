"""The sparse_factors experiment: the task, one training run, the report."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cogattn import ValidationError
from cogattn.experiments import spec_path
from cogattn.experiments.sparse_factors import (
    VARIANTS,
    SparseFactors,
    run_variant,
    sparse_factor_task,
    summarise,
)
from cogattn.sim.registry import get_experiment
from cogattn.sim.spec import load_spec


@pytest.mark.parametrize("factor", ["parity", "sum"])
def test_task_labels_are_the_factor_of_the_cued_elements(factor):
    """Brute force: each label is recomputed from the cued elements of its sample."""
    for arity in (1, 2, 3):
        x, y = sparse_factor_task(300, 9, 3, arity, factor, random_state=arity)
        assert x.shape == (300, 9, 4) and y.shape == (300,)
        assert (x[..., -1].sum(1) == arity).all()
        for xi, yi in zip(x, y, strict=True):
            first = xi[xi[:, -1] == 1, 0]
            value = np.prod(np.sign(first)) if factor == "parity" else first.sum()
            assert yi == float(value > 0)
        assert 0.4 < y.mean() < 0.6
    np.testing.assert_array_equal(sparse_factor_task(5, random_state=1)[0],
                                  sparse_factor_task(5, random_state=1)[0])  # fmt: skip


def test_shifted_distractors_leave_the_cued_elements_standard():
    x, _ = sparse_factor_task(
        4000, 8, 2, 2, distractor_shift=3.0, distractor_scale=0.5, random_state=0
    )
    cued, rest = x[x[..., -1] == 1][:, :2], x[x[..., -1] == 0][:, :2]
    assert abs(cued.mean()) < 0.05 and abs(cued.std() - 1) < 0.05
    assert abs(rest.mean() - 3) < 0.02 and abs(rest.std() - 0.5) < 0.02


def test_bad_task_input():
    with pytest.raises(ValidationError, match="n_elements"):
        sparse_factor_task(10, 2, 4, 3)
    with pytest.raises(ValidationError, match="invalid value for factor"):
        sparse_factor_task(10, factor="xor")
    with pytest.raises(ValidationError, match="distractor_scale"):
        sparse_factor_task(10, distractor_scale=0.0)
    with pytest.raises(ValidationError, match="invalid value for variant"):
        run_variant("bottleneck_k5", 10)


def test_one_task_learns_and_is_deterministic():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    out = run_variant("bottleneck_k3", 256, factor="sum", n_steps=500, random_state=0)
    assert out["test_accuracy"] > 0.85 and out["cue_recall"] > 0.9
    assert out["more_accuracy"] > 0.85  # the selection carries over to 32 elements
    assert out["top_k"] == 3
    a = run_variant("dense", 64, n_steps=5, random_state=1)
    b = run_variant("dense", 64, n_steps=5, random_state=1)
    assert np.isnan(a["more_accuracy"]) and np.isnan(b.pop("more_accuracy"))
    a.pop("more_accuracy")
    assert a == b and a["top_k"] == 0 and a["cue_recall"] == 1.0
    c = run_variant("bottleneck_kall", 64, n_elements=8, n_steps=5, random_state=1)
    assert c["top_k"] == 8 and c["cue_recall"] == pytest.approx(1.0)


def test_summary_interval_is_the_t_interval():
    """Reference: scipy.stats.t.interval on the same values."""
    vals = [0.6, 0.7, 0.9]
    table = pd.DataFrame(
        {"variant": ["dense"] * 3, "n_train": [10] * 3, "test_accuracy": vals}
    )
    s = summarise(table, "test_accuracy")
    assert s["factor"].iloc[0] == "parity" and s["count"].iloc[0] == 3
    lo, hi = stats.t.interval(0.95, 2, loc=np.mean(vals), scale=stats.sem(vals))
    assert s["ci95"].iloc[0] == pytest.approx((hi - lo) / 2)
    assert s["mean"].iloc[0] == pytest.approx(np.mean(vals))


def test_registered_and_report_on_a_constructed_table():
    assert get_experiment("sparse_factors") is SparseFactors
    acc = {"dense": 0.55, "bottleneck_k1": 0.5, "bottleneck_k2": 0.8,
           "bottleneck_k3": 0.7, "bottleneck_k4": 0.6, "bottleneck_k8": 0.6,
           "bottleneck_kall": 0.52}  # fmt: skip
    rows = []
    for factor, shift in (("parity", 0.0), ("sum", 0.2)):
        for v in VARIANTS:
            for n in (128, 1024):
                for rep in range(3):
                    a = acc[v] + 0.1 * (n > 128) + 0.01 * rep + shift
                    row = dict(factor=factor, variant=v, n_train=n, repetition=rep)
                    rows.append(
                        {**row, "test_accuracy": a, "ood_accuracy": a - 0.05,
                         "cue_recall": 0.5,
                         "more_accuracy": np.nan if v == "dense" else a - 0.1}
                    )  # fmt: skip
    content = SparseFactors.report(SimpleNamespace(table=pd.DataFrame(rows)))
    m = content.measured
    assert m["parity_best_sparse_test_small"] == pytest.approx(0.81)
    assert m["sum_best_sparse_test_small"] == pytest.approx(1.01)
    assert m["parity_sparse_minus_dense_test_small"] == pytest.approx(0.25)
    assert m["sum_sparse_minus_dense_ood_large"] == pytest.approx(0.25)
    assert m["parity_sparse_minus_kall_test_large"] == pytest.approx(0.28)
    assert m["parity_kall_test_large"] == pytest.approx(0.63)
    assert m["sum_best_test_large"] == pytest.approx(1.11)
    assert m["parity_best_sparse_more_small"] == pytest.approx(0.71)
    assert m["parity_kall_more_large"] == pytest.approx(0.53)
    assert not any(np.isnan(v) for v in m.values())
    assert m["parity_dense_gain_with_data"] == pytest.approx(0.1)
    assert m["sum_sparse_gain_with_data"] == pytest.approx(0.1)
    t = content.tables["test_accuracy"]
    assert list(t["variant"][:7]) == list(VARIANTS) and (t["count"] == 3).all()
    assert list(t["factor"].unique()) == ["parity", "sum"]
    assert "dense" not in set(content.tables["more_elements_accuracy"]["variant"])
    spec = load_spec(spec_path("sparse_factors"))
    assert all(c.measured in m for c in spec.checks)
