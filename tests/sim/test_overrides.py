"""``--set key=value``: overrides of a spec's fields and parameters."""

from __future__ import annotations

import pytest
from spec_factory import base_spec

from cogattn import SpecError
from cogattn.sim.overrides import apply_overrides, parse_override
from cogattn.sim.spec import load_spec


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("n_trials=5", "n_trials", 5),
        ("seed = 3", "seed", 3),
        ("d_k=[16,32]", "d_k", [16, 32]),
        ('executor="dask"', "executor", "dask"),
        ("rate=2.5e-3", "rate", 2.5e-3),
        ("flag=true", "flag", True),
        ("fixed.x={a = 1}", "fixed.x", {"a": 1}),
    ],
)
def test_values_are_toml_literals(text, key, value):
    assert parse_override(text) == (key, value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("n_trials", r"--set: expected key=value, got 'n_trials'"),
        ("=5", r"--set: empty key in '=5'"),
        ("executor=dask", r"--set executor: cannot parse 'dask' as a TOML value"),
        ("d_k=[16,", r"--set d_k: cannot parse '\[16,' as a TOML value"),
        ("seed=", r"--set seed: cannot parse '' as a TOML value"),
    ],
)
def test_bad_values(text, match):
    with pytest.raises(SpecError, match=match):
        parse_override(text)


def test_fields_fixed_and_grid_parameters():
    data = base_spec()  # fixed: sleep; grid: n_samples
    out = apply_overrides(
        data, ["seed=9", "repetitions=3", "sleep=0.5", "n_samples=[10, 20]"]
    )
    assert (out["seed"], out["repetitions"]) == (9, 3)
    assert out["fixed"]["sleep"] == 0.5
    assert out["grid"]["n_samples"] == [10, 20]
    assert data == base_spec()  # the input is left alone
    spec = load_spec(out)
    assert spec.n_tasks == 2 * 3
    assert spec.identity_hash != load_spec(data).identity_hash


def test_a_single_value_for_a_grid_parameter_is_a_one_point_grid():
    out = apply_overrides(base_spec(), ["n_samples=50"])
    assert out["grid"]["n_samples"] == [50]
    assert load_spec(out).n_points == 1


def test_explicit_sections_add_and_move_parameters():
    out = apply_overrides(base_spec(), ["fixed.extra=1", "grid.sleep=[0.0, 0.1]"])
    assert out["fixed"] == {"extra": 1}
    assert out["grid"]["sleep"] == [0.0, 0.1]
    out = apply_overrides(out, ["fixed.n_samples=7"])
    assert "n_samples" not in out["grid"] and out["fixed"]["n_samples"] == 7
    spec = load_spec(out)
    assert spec.fixed == {"extra": 1, "n_samples": 7}


def test_a_field_name_wins_over_a_parameter_of_the_same_name():
    data = dict(base_spec(), fixed={"seed": 1})
    out = apply_overrides(data, ["seed=5", "fixed.seed=6"])
    assert out["seed"] == 5 and out["fixed"]["seed"] == 6


def test_unknown_keys_name_the_key_and_what_is_allowed():
    with pytest.raises(
        SpecError,
        match=r"--set n_sample: unknown key; allowed are the fields description, "
        r"seed, .*; fixed parameters sleep; grid parameters n_samples",
    ):
        apply_overrides(base_spec(), ["n_sample=3"])
    with pytest.raises(SpecError, match=r"--set checks: unknown key"):
        apply_overrides(base_spec(), ["checks=[]"])
    with pytest.raises(SpecError, match=r"must be fixed\.NAME or grid\.NAME"):
        apply_overrides(base_spec(), ["params.sleep=1"])


def test_bad_values_for_fields_are_spec_errors_naming_the_field():
    out = apply_overrides(base_spec(), ['repetitions="two"'])
    with pytest.raises(SpecError, match=r"repetitions.*int.*got str"):
        load_spec(out)
    out = apply_overrides(base_spec(), ["n_samples=[]"])
    with pytest.raises(SpecError, match=r"grid\.n_samples: must be a non-empty list"):
        load_spec(out)
