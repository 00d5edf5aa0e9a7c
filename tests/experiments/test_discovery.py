"""Built-in experiments found by module name, and shipped specs found by name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cogattn.experiments as experiments
from cogattn import SpecError
from cogattn.experiments import builtin_experiments, spec_names, spec_path
from cogattn.sim import registry
from cogattn.sim.spec import load_spec

SHIPPED = sorted(
    [
        "attentional_blink",
        "bold_alignment",
        "hebbian_memory",
        "integration_sites",
        "kg_link_prediction",
        "lighting_diet",
        "scanpath_generators",
        "scanpath_metrics",
        "search_asymmetry",
        "sparse_factors",
        "tensor_brain_perception",
        "trf_real_eeg",
        "workspace_bottleneck",
    ]
)
REPO = Path(__file__).resolve().parents[2]


def test_every_module_is_an_experiment_with_a_spec():
    assert builtin_experiments() == SHIPPED
    assert spec_names() == SHIPPED
    for name in SHIPPED:
        spec = load_spec(spec_path(name))
        assert spec.experiment == name
        assert registry.get_experiment(name).experiment_name == name


def test_no_table_of_modules():
    assert not hasattr(registry, "BUILTIN_MODULES")


def test_list_finds_the_builtins_without_importing_them():
    code = (
        "import sys; from cogattn.cli import main; main(['list']);"
        "print(sorted(m for m in sys.modules if m.startswith('cogattn.experiments.')"
        " or m in ('torch', 'matplotlib')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    start = lines.index("experiments:")
    assert lines[start + 1 : start + 1 + len(SHIPPED)] == [f"  {n}" for n in SHIPPED]
    assert lines[-1] == "[]"  # no experiment module, no torch, no matplotlib


def test_spec_path_in_a_checkout_is_the_canonical_copy():
    assert spec_path("hebbian_memory") == REPO / "experiments" / "hebbian_memory.toml"


def test_spec_path_prefers_the_packaged_copy(tmp_path, monkeypatch):
    packaged = tmp_path / "specs"
    packaged.mkdir()
    (packaged / "hebbian_memory.toml").write_text('experiment = "hebbian_memory"\n')
    (packaged / "extra.toml").write_text('experiment = "extra"\n')
    monkeypatch.setattr(experiments, "_packaged_dir", lambda: packaged)
    assert spec_path("hebbian_memory") == packaged / "hebbian_memory.toml"
    assert spec_path("lighting_diet").parent == REPO / "experiments"
    assert "extra" in spec_names()


def test_unknown_spec_lists_the_known_names(tmp_path, monkeypatch):
    with pytest.raises(
        SpecError,
        match=r"no shipped spec named 'nope'; known names are 'attentional_blink', "
        r"'bold_alignment', 'hebbian_memory'",
    ):
        spec_path("nope")
    with pytest.raises(SpecError, match="must be a non-empty name"):
        spec_path("")
    monkeypatch.setattr(experiments, "_checkout_dir", lambda: None)
    with pytest.raises(SpecError, match=r"known names are \(none found\)"):
        spec_path("hebbian_memory")


def test_unknown_experiment_lists_the_builtins():
    with pytest.raises(SpecError, match="'hebbian_memory', 'integration_sites'"):
        registry.get_experiment("nope")
