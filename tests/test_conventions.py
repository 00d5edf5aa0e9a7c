"""Conventions every family follows: the public surface resolves, randomness is
``random_state``, long calls take ``verbose``.

The lists below are explicit on purpose: a new estimator, random function or long
call is added here when it is written, and the tests then hold it to the convention.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _reference import require_reference

import cogattn

PACKAGE = Path(cogattn.__file__).parent
SUBPACKAGES = (
    "datasets",
    "encoders",
    "experiments",
    "features",
    "labs",
    "scanpath",
    "search",
    "sim",
    "tensorbrain",
    "viz",
    "workspace",
)


# ------------------------------------------------------------------ public surface
def test_top_level_lists_existing_subpackages():
    listed = set(cogattn._SUBMODULES)
    assert listed == set(SUBPACKAGES)
    for name in listed:
        assert (PACKAGE / name / "__init__.py").is_file(), name


def test_every_top_level_name_resolves():
    for name in cogattn.__all__:
        assert getattr(cogattn, name) is not None, name
    assert sorted(dir(cogattn)) == sorted(cogattn.__all__)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_name_resolves(name):
    module = importlib.import_module(f"cogattn.{name}")
    assert len(module.__all__) == len(set(module.__all__)), "duplicates in __all__"
    for attr in module.__all__:
        if not hasattr(module, attr):  # a submodule listed, not imported (nilearn)
            importlib.import_module(f"cogattn.{name}.{attr}")
        assert getattr(module, attr) is not None, f"cogattn.{name}.{attr}"


def _stub_names(path: Path) -> tuple[dict[str, str], list[str]]:
    """Names a stub imports (name -> module) and the names in its ``__all__``."""
    tree = ast.parse(path.read_text())
    imported: dict[str, str] = {}
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                # "X as X" is how a stub re-exports a name
                assert alias.asname == alias.name, f"{alias.name} is not re-exported"
                imported[alias.name] = node.module
        elif isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            exported = [elt.value for elt in node.value.elts]
    return imported, exported


#: Families with torch-backed names loaded on first access, declared in a stub.
LAZY_FAMILIES = ("scanpath", "search", "tensorbrain", "workspace")


@pytest.mark.parametrize("family", LAZY_FAMILIES)
def test_stub_matches_lazy_table_and_all(family):
    module = importlib.import_module(f"cogattn.{family}")
    imported, exported = _stub_names(PACKAGE / family / "__init__.pyi")
    assert sorted(exported) == sorted(module.__all__)
    assert sorted(imported) == sorted(module.__all__)
    for name, source in module._LAZY.items():
        assert imported[name] == source, name
    for name, source in imported.items():
        # every name resolves, and to the object its stub line names
        assert getattr(module, name) is getattr(importlib.import_module(source), name)


@pytest.mark.parametrize("family", LAZY_FAMILIES)
def test_stub_is_packaged(family):
    setup = (PACKAGE.parent / "setup.py").read_text()
    assert f'"{family}/__init__.pyi"' in setup


@pytest.mark.parametrize("family", LAZY_FAMILIES)
def test_import_of_cogattn_and_family_loads_no_torch_or_matplotlib(family):
    code = (
        f"import sys, cogattn, cogattn.{family};"
        "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_missing_reference_library_fails_naming_the_extra():
    with pytest.raises(ImportError, match=r"'reference' extra"):
        require_reference("cogattn_no_such_anchor_library")


# -------------------------------------------------------------------- random_state
def _small_display(n: int = 4, size: int = 40) -> tuple[np.ndarray, ...]:
    imgs = np.zeros((n, size, size))
    boxes = np.array([[[r, c, r + 10, c + 10] for r in (0, 20) for c in (0, 20)]] * n)
    masks = np.zeros((n, size, size), bool)
    masks[:, 20:30, 20:30] = True
    return imgs, imgs[0, :10, :10], masks, boxes


def _chance_search(rs: Any) -> np.ndarray:
    from cogattn.search.variants import ChanceSearch

    return (
        ChanceSearch(device="cpu", random_state=rs).search(*_small_display()).fixations
    )


def _make_search_model(rs: Any) -> np.ndarray:
    from cogattn.search.variants import make_search_model

    model = make_search_model("chance", device="cpu", random_state=rs)
    return model.search(*_small_display()).fixations


def _run_paradigm(rs: Any) -> np.ndarray:
    from cogattn.search.paradigm_run import run_paradigm

    out = run_paradigm("lighting", "chance", n_trials=3, random_state=rs, device="cpu")
    return out["n_fixations"]


def _make_trials(rs: Any) -> np.ndarray:
    from cogattn.search.displays import make_trials

    return make_trials("lighting", "hard", 6, 2, random_state=rs).images


def _make_paradigm(rs: Any) -> np.ndarray:
    from cogattn.search.displays import make_paradigm

    cells = make_paradigm("lighting", 1, rs)
    return np.concatenate([t.item_boxes.ravel() for t in cells])


def _asymmetry_index_ci(rs: Any) -> np.ndarray:
    from cogattn.search.asymmetry_bootstrap import asymmetry_index_ci

    r = np.random.default_rng(0)
    size = np.repeat([1, 6, 12, 1, 6, 12], 8)
    hard = np.repeat([0, 0, 0, 1, 1, 1], 8)
    rt = 400 + size * (10 + 20 * hard) + r.normal(0, 80, size.size)
    out = asymmetry_index_ci(rt, size, hard, n_resamples=200, random_state=rs)
    return np.array([out["ai_low"], out["ai_high"], out["p_reversed"]])


def _hebbian(name: str) -> Callable[[Any], np.ndarray]:
    def draw(rs: Any) -> np.ndarray:
        from cogattn.workspace.associative import hebbian

        return getattr(hebbian, name)(4, 8, batch=2, random_state=rs, backend="numpy")

    draw.__name__ = name
    return draw


def _render_shaded_scenes(rs: Any) -> np.ndarray:
    from cogattn.search.diet import render_shaded_scenes

    return render_shaded_scenes(3, random_state=rs)[0]


def _circular_shift_test(rs: Any) -> np.ndarray:
    from cogattn.encoders.stats import circular_shift_test

    r = np.random.default_rng(0)
    y = r.standard_normal((200, 2))
    return circular_shift_test(y, y + r.standard_normal((200, 2)), 50, random_state=rs)[
        2
    ]


def _trial_permutation_test(rs: Any) -> np.ndarray:
    from cogattn.encoders.stats import trial_permutation_test

    r = np.random.default_rng(0)
    truth = [r.standard_normal((50, 2)) for _ in range(5)]
    preds = [t + r.standard_normal((50, 2)) for t in truth]
    return trial_permutation_test(truth, preds, n_perm=50, random_state=rs)[2]


def _bootstrap_indices(rs: Any) -> np.ndarray:
    from cogattn.encoders.stats import bootstrap_indices

    return bootstrap_indices(60, 10, block=5, random_state=rs)


def _split_half_reliability(rs: Any) -> np.ndarray:
    from cogattn.encoders.stats import split_half_reliability

    r = np.random.default_rng(0)
    data = r.standard_normal((6, 100, 2)) + r.standard_normal((1, 100, 2))
    return np.asarray(split_half_reliability(data, n_splits=10, random_state=rs)[0])


def _banded_ridge(rs: Any) -> np.ndarray:
    from cogattn.encoders.banded import BandedRidgeCV

    r = np.random.default_rng(0)
    X = r.standard_normal((60, 6))
    Y = X @ r.standard_normal((6, 2)) + r.standard_normal((60, 2))
    model = BandedRidgeCV(groups=[3, 3], n_iter=4, cv=3, random_state=rs)
    return model.fit(X, Y, verbose=False).gammas_


def _load_backbone(rs: Any) -> np.ndarray:
    from cogattn.features import load_backbone

    fx = load_backbone("mobilenet_v2", weights="random", random_state=rs)
    return next(fx.parameters()).detach().numpy()[:4].copy()


def _neuronal_workspace(rs: Any) -> np.ndarray:
    from cogattn.workspace.neuronal.network import NeuronalWorkspace

    return NeuronalWorkspace().run([[20.0, np.nan]], 60.0, random_state=rs).counts


def _shared_workspace(rs: Any) -> np.ndarray:
    from cogattn.workspace.modules.shared_workspace import SharedWorkspace

    module = SharedWorkspace(8, random_state=rs)
    return next(module.parameters()).detach().numpy().copy()


def _random_scanpaths(rs: Any) -> np.ndarray:
    from cogattn.scanpath.generators import random_scanpaths
    from cogattn.scanpath.geometry import ScreenGeometry

    screen = ScreenGeometry(1920, 1080, 53.0, 30.0, 60.0)
    return random_scanpaths(screen, 2, 5, random_state=rs)[0].x


def _make_scenes(rs: Any) -> np.ndarray:
    from cogattn.tensorbrain.scenes import make_entities, make_scenes

    pool = make_entities(random_state=0)
    return make_scenes(pool, 4, random_state=rs).positions


def _sparse_factor_task(rs: Any) -> np.ndarray:
    from cogattn.experiments.sparse_factors import sparse_factor_task

    return np.asarray(sparse_factor_task(8, random_state=rs)[0])


def _simulate_integration_data(rs: Any) -> np.ndarray:
    from cogattn.encoders.multimodal_sites import simulate_integration_data

    return simulate_integration_data(60, 10, random_state=rs)["responses"]


#: Every public function or estimator that draws random numbers, as a function of
#: its ``random_state`` returning an array of what it drew.
RANDOM = [
    _chance_search,
    _make_search_model,
    _run_paradigm,
    _make_trials,
    _make_paradigm,
    _asymmetry_index_ci,
    _hebbian("random_unit_keys"),
    _hebbian("random_binary_values"),
    _hebbian("orthogonal_keys"),
    _render_shaded_scenes,
    _circular_shift_test,
    _trial_permutation_test,
    _bootstrap_indices,
    _split_half_reliability,
    _banded_ridge,
    _load_backbone,
    _neuronal_workspace,
    _shared_workspace,
    _random_scanpaths,
    _make_scenes,
    _simulate_integration_data,
    _sparse_factor_task,
]


@pytest.mark.parametrize("draw", RANDOM, ids=lambda f: f.__name__.strip("_"))
def test_random_state_reproduces_and_varies(draw):
    a, b, c = draw(3), draw(3), draw(4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # a generator is accepted too, and gives the same draws when seeded alike
    np.testing.assert_array_equal(
        draw(np.random.default_rng(5)), draw(np.random.default_rng(5))
    )


def _public_callables() -> list[tuple[str, Any]]:
    found = []
    for family in (
        "encoders", "experiments", "features", "scanpath", "search", "tensorbrain",
        "workspace",
    ):  # fmt: skip
        root = importlib.import_module(f"cogattn.{family}")
        modules = [root] + [
            importlib.import_module(info.name)
            for info in pkgutil.walk_packages(root.__path__, f"{root.__name__}.")
            if not info.name.rsplit(".", 1)[-1].startswith("_")
        ]
        for module in modules:
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name)
                if inspect.isclass(obj):
                    found.append((f"{module.__name__}.{name}", obj.__init__))
                    found += [
                        (f"{module.__name__}.{name}.{m}", f)
                        for m, f in vars(obj).items()
                        if callable(f) and not m.startswith("_")
                    ]
                elif callable(obj):
                    found.append((f"{module.__name__}.{name}", obj))
    return found


#: Keywords about randomness that are not a generator's seed, and why.
NOT_RANDOM_STATE = {
    # an int hashed with the paradigm into each cell's display seed: the displays'
    # identity, shared by every model variant of an experiment
    "stimulus_seed",
    # a field of the lighting_diet spec, passed by name into the trial: one int
    # seeds the network, its training scenes and its search displays
    "net_seed",
}
#: Attributes named seed that record a value rather than take a random state.
SEED_RECORDS = {"cogattn.search.displays.SearchTrials", "cogattn.search.SearchTrials"}


def test_no_public_seed_or_rng_keyword():
    wrong = []
    for qualname, func in _public_callables():
        try:
            params = inspect.signature(func).parameters
        except (TypeError, ValueError):
            continue
        for p in params:
            if p in NOT_RANDOM_STATE:
                continue
            if p in ("seed", "rng", "seeds") or p.endswith("_seed"):
                # trial code of an experiment receives the runner's generator as rng
                if p == "rng" and qualname.endswith((".run_point", ".trial")):
                    continue
                if p == "seed" and qualname in SEED_RECORDS:  # the int drawn from
                    continue
                wrong.append(f"{qualname}({p})")
    assert wrong == [], "use random_state: " + ", ".join(wrong)


# ------------------------------------------------------------------------- verbose
def _long_calls() -> list[Callable[..., Any]]:
    from cogattn.encoders.aad import AttentionDecoder
    from cogattn.encoders.adapters import SubjectAdapterModel, leave_one_subject_out
    from cogattn.encoders.banded import BandedRidgeCV
    from cogattn.encoders.ridge import RidgeCV
    from cogattn.encoders.trf import TRF
    from cogattn.features.extractor import FeatureExtractor
    from cogattn.scanpath.oat import ObjectScanpathModel
    from cogattn.search.model import EccentricitySearchModel
    from cogattn.search.paradigm_run import run_paradigm
    from cogattn.search.variants import (
        ChanceSearch,
        PixelMatchingSearch,
        SaliencySearch,
    )
    from cogattn.search.wta_ior import run_search
    from cogattn.sim.runner import run
    from cogattn.tensorbrain.link_prediction import run_link_prediction
    from cogattn.tensorbrain.perception import run_perception_task
    from cogattn.tensorbrain.training import KGEmbedding
    from cogattn.workspace.neuronal.blink import attentional_blink, spontaneous_ignition

    return [
        KGEmbedding,
        run_link_prediction,
        run_perception_task,
        attentional_blink,
        spontaneous_ignition,
        ObjectScanpathModel,
        SubjectAdapterModel,
        leave_one_subject_out,
        BandedRidgeCV.fit,
        RidgeCV.fit,
        TRF.fit,
        AttentionDecoder.fit,
        AttentionDecoder.cross_validate,
        EccentricitySearchModel.search,
        ChanceSearch.search,
        PixelMatchingSearch.search,
        SaliencySearch.search,
        run_search,
        run_paradigm,
        FeatureExtractor.extract,
        run,
    ]


def test_long_calls_take_verbose():
    for func in _long_calls():
        param = inspect.signature(func).parameters.get("verbose")
        assert param is not None, f"{func.__qualname__} has no verbose"
        assert param.default is None, f"{func.__qualname__}: verbose defaults to None"


def test_verbose_false_is_silent_and_true_draws_a_bar(capsys):
    from cogattn.encoders.ridge import RidgeCV

    r = np.random.default_rng(0)
    X = r.standard_normal((60, 4))
    Y = r.standard_normal((60, 3))
    RidgeCV(alphas=[0.1, 1.0], cv=3).fit(X, Y, verbose=False)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""
    RidgeCV(alphas=[0.1, 1.0], cv=3).fit(X, Y, verbose=True)
    shown = capsys.readouterr()
    assert shown.out == ""
    assert "RidgeCV" in shown.err and "100%" in shown.err
