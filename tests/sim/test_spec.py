"""Spec parsing and validation, the TOML writer, task keys and seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st
from spec_factory import base_spec

from cogattn import SpecError, ValidationError
from cogattn._core.seeding import task_seed
from cogattn.sim import Spec, load_spec
from cogattn.sim._toml import dumps
from cogattn.sim.tasks import make_tasks, task_key


def test_defaults_and_fields(on_path) -> None:
    spec = load_spec({"experiment": "mc_halfnormal", "module": "mc_halfnormal"})
    assert isinstance(spec, Spec)
    assert (spec.seed, spec.repetitions, spec.executor, spec.n_workers) == (
        0,
        1,
        "serial",
        2,
    )
    assert spec.scheduler is None and spec.n_tasks == 1 and spec.checks == ()
    with pytest.raises(AttributeError):
        spec.seed = 3  # frozen


def test_file_and_dict_give_the_same_spec(on_path, write_spec) -> None:
    path = write_spec()
    from_file = load_spec(path)
    assert from_file == load_spec(base_spec())
    assert from_file.source == path and "mc_halfnormal" in from_file.text
    assert from_file.n_tasks == 6
    assert from_file.checks[0].atol == 0.03 and from_file.checks[0].op is None


def test_scheduler_implies_dask(on_path) -> None:
    spec = load_spec(base_spec(scheduler="tcp://10.0.0.2:8786"))
    assert spec.executor == "dask"


def test_identity_ignores_how_it_runs(on_path) -> None:
    a = load_spec(base_spec())
    b = load_spec(base_spec(executor="processes", n_workers=4, description="other"))
    c = load_spec(base_spec(seed=8))
    assert a.identity_hash == b.identity_hash != c.identity_hash


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"sede": 1}, r"^unknown field 'sede' at top level; allowed fields are "),
        (
            {"executor": "gpu"},
            r"^executor: invalid value 'gpu'; allowed values are "
            r"'serial', 'processes', 'dask'$",
        ),
        ({"seed": -1}, r"^seed must be an integer in \[0, inf\], got -1$"),
        ({"seed": "abc"}, r"^seed must be an instance of int, got str \('abc'\)$"),
        ({"repetitions": 0}, r"^repetitions must be an integer in \[1, inf\], got 0"),
        ({"n_workers": 1.5}, r"^n_workers must be an instance of int, got float"),
        (
            {"grid": {"n_samples": []}},
            r"^grid.n_samples: must be a non-empty list, "
            r"got \[\]$",
        ),
        ({"grid": {"n_samples": 5}}, r"^grid.n_samples: must be a non-empty list"),
        ({"grid": {"n_samples": [1, 1]}}, r"^grid.n_samples: values must be distinct"),
        ({"grid": {"sleep": [0.0]}}, r"^grid.sleep: also set in \[fixed\]"),
        ({"fixed": {"repetition": 1}}, r"^fixed.repetition: reserved name"),
        ({"fixed": 3}, r"^fixed: must be a table, got 3 \(int\)$"),
        ({"scheduler": "localhost"}, r"^scheduler: must be an address like"),
        (
            {"executor": "serial", "scheduler": "tcp://h:1"},
            r"^scheduler: only used by executor 'dask'",
        ),
        (
            {"experiment": "nope"},
            r"^module: 'mc_halfnormal' registers no experiment named 'nope'",
        ),
        ({"module": "no_such_module_xyz"}, r"^module: cannot import "),
        (
            {"checks": [{"name": "a", "measured": "m", "expected": 1}]},
            r"^checks\[0\]: needs exactly one of 'atol', 'rtol' or 'op', got none$",
        ),
        (
            {
                "checks": [
                    {"name": "a", "measured": "m", "expected": 1, "atol": 1, "op": "<="}
                ]
            },
            r"^checks\[0\]: needs exactly one of .* got 'atol', 'op'$",
        ),
        (
            {"checks": [{"name": "a", "measured": "m", "expected": 1, "atol": -1}]},
            r"^checks\[0\].atol must be a finite number >= 0, got -1",
        ),
        (
            {"checks": [{"name": "a", "measured": "m", "expected": 1, "op": "<"}]},
            r"^checks\[0\].op: invalid value '<'; allowed values are '<=', '>=', '=='$",
        ),
        (
            {"checks": [{"name": "a", "measured": "m", "expected": "x", "op": "<="}]},
            r"^checks\[0\].expected must be an instance of numeric, got str \('x'\)$",
        ),
        (
            {"checks": [{"name": "a", "measured": "m", "expected": 1, "tol": 1}]},
            r"^unknown field 'tol' in checks\[0\]; allowed fields are 'name', ",
        ),
        (
            {"checks": [{"measured": "m", "expected": 1, "atol": 1}]},
            r"^checks\[0\].name: missing",
        ),
        ({"checks": {"name": "a"}}, r"^checks: must be an array of tables"),
        ({"description": 3}, r"^description must be an instance of str, got int"),
        ({"experiment": ""}, r"^experiment must be a non-empty string, got ''"),
    ],
)
def test_bad_specs_name_the_field(on_path, changes, match) -> None:
    with pytest.raises(SpecError, match=match) as info:
        load_spec(base_spec(**changes))
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValidationError) and isinstance(
        info.value, ValueError
    )


def test_missing_experiment_and_bad_input(on_path, tmp_path) -> None:
    with pytest.raises(SpecError, match=r"^experiment: missing"):
        load_spec({"seed": 1})
    with pytest.raises(SpecError, match=r"^spec: file .* does not exist"):
        load_spec(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("experiment = [\n")
    with pytest.raises(SpecError, match=r"^spec: .*bad.toml' is not valid TOML: "):
        load_spec(bad)
    with pytest.raises(SpecError, match=r"^spec: must be a path to a TOML file"):
        load_spec(42)
    dated = tmp_path / "dated.toml"
    dated.write_text('experiment = "mc_halfnormal"\n[fixed]\nday = 2024-01-01\n')
    with pytest.raises(SpecError, match=r"^fixed.day: dates and times are not"):
        load_spec(dated)


_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    fixed=st.dictionaries(st.text(min_size=1, max_size=10), _values, max_size=4),
    description=st.text(max_size=40),
)
def test_toml_writer_round_trips(fixed, description) -> None:
    # Reference: the standard library's TOML reader (tomllib).
    data = {"experiment": "x", "description": description, "fixed": fixed}
    assert tomllib.loads(dumps(data)) == data


def test_toml_key_with_trailing_newline_is_quoted() -> None:
    # found by the property test above: "$" also matched before a final newline
    data = {"fixed": {"0\n": [], "a-b_1": 1}}
    assert tomllib.loads(dumps(data)) == data


def test_toml_writer_special_floats() -> None:
    back = tomllib.loads(dumps({"fixed": {"a": math.inf, "b": -math.inf}}))
    assert back == {"fixed": {"a": math.inf, "b": -math.inf}}
    assert math.isnan(tomllib.loads(dumps({"fixed": {"c": math.nan}}))["fixed"]["c"])


def test_task_order_keys_and_seeds(on_path) -> None:
    spec = load_spec(base_spec(grid={"n_samples": [1, 2], "tag": ["a", "b", "c"]}))
    tasks = make_tasks(spec)
    assert len(tasks) == spec.n_tasks == 12
    assert [t.index for t in tasks] == list(range(12))
    assert [
        (t.params["n_samples"], t.params["tag"], t.repetition) for t in tasks[:3]
    ] == [
        (1, "a", 0),
        (1, "a", 1),
        (1, "b", 0),
    ]
    assert len({t.key for t in tasks}) == 12
    first = tasks[0]
    assert first.key == task_key("mc_halfnormal", first.params, 0)
    assert first.spawn_key == (int(first.key[:16], 16),)
    # the seed is task_seed(spec.seed, spawn_key): same draws however it is rebuilt
    a = np.random.default_rng(first.seed_sequence()).random(4)
    b = np.random.default_rng(task_seed(7, first.spawn_key)).random(4)
    assert np.array_equal(a, b)


def test_growing_the_grid_keeps_old_keys(on_path) -> None:
    small = make_tasks(load_spec(base_spec(grid={"n_samples": [10, 20]})))
    big = make_tasks(load_spec(base_spec(grid={"n_samples": [5, 10, 20, 40]})))
    old = {t.key: t.spawn_key for t in small}
    new = {t.key: t.spawn_key for t in big}
    assert old.items() <= new.items()
    assert len(new) == 8
