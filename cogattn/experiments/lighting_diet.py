"""The ``lighting_diet`` experiment: the lighting asymmetry after each training diet.

Gupta et al. (2021) found that the lighting asymmetry of their search model flips when
its backbone is trained on ImageNet rotated by 90 degrees. Each task here trains one
:class:`~cogattn.search.diet.SmallShadingNet` from scratch on one diet (``upright``:
shaded bumps and dents lit from above; ``rotated``: the same scenes turned by 90
degrees, :func:`~cogattn.search.diet.render_shaded_scenes`) with one seed, and
measures the lighting asymmetry of the eccentricity search model it drives
(:func:`diet_network_search`). The report pairs the networks by seed and tests
whether the asymmetry follows the diet: positive (human polarity) after the upright
diet, negative after the rotated one (:func:`paired_diet_test`).

Parameters of a task (``params``) are the keyword arguments of
:func:`diet_network_search`, passed through as the spec gives them: ``diet``,
``net_seed`` and any of ``n_steps``, ``n_trials`` and ``light_spread_deg``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, check_option
from cogattn.experiments._params import call_with_params
from cogattn.search.diet import DIETS, SmallShadingNet, render_shaded_scenes
from cogattn.sim.params import Param, declare_params
from cogattn.sim.registry import ReportContent, experiment
from cogattn.viz.search import plot_diet_pairs

__all__ = [
    "LightingDiet",
    "diet_network_search",
    "diet_table",
    "paired_diet_test",
    "train_on_diet",
]


def train_on_diet(
    diet: str = "upright",
    *,
    n_steps: int = 300,
    batch_size: int = 64,
    net_seed: int = 0,
    light_spread_deg: float = 60.0,
) -> tuple[SmallShadingNet, float]:
    """Train a :class:`~cogattn.search.diet.SmallShadingNet` from scratch on one diet.

    Every step draws fresh scenes.

    Parameters
    ----------
    diet : {"upright", "rotated"}
        Training diet.
    n_steps : int
        Adam steps (learning rate 3e-3).
    batch_size : int
        Scenes per step.
    net_seed : int
        Seed of the initial weights and of the scenes.
    light_spread_deg : float
        Spread of the light's direction around the diet's main direction
        (:func:`~cogattn.search.diet.render_shaded_scenes`).

    Returns
    -------
    net : cogattn.search.diet.SmallShadingNet
        The trained network (eval mode).
    accuracy : float
        Accuracy on 512 new scenes of the same diet.
    """
    check_option(diet, DIETS, "diet")
    n_steps = check_int(n_steps, "n_steps", low=1)
    batch_size = check_int(batch_size, "batch_size", low=2)
    seed = check_int(net_seed, "net_seed", low=0)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = SmallShadingNet()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    def batch(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = render_shaded_scenes(
            n, rng, diet=diet, light_spread_deg=light_spread_deg
        )
        x = torch.from_numpy((x - 0.5) / 0.25)[:, None].expand(-1, 3, -1, -1)
        return x, torch.from_numpy(y)

    net.train()
    for _ in range(n_steps):  # optimisation steps are sequential
        x, y = batch(batch_size)
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        x, y = batch(512)
        accuracy = float((net(x).argmax(1) == y).float().mean())
    return net, accuracy


def diet_network_search(
    diet: str = "upright",
    *,
    net_seed: int = 0,
    n_steps: int = 300,
    n_trials: int = 20,
    light_spread_deg: float = 60.0,
) -> dict[str, float]:
    """Train one network on a diet and measure its lighting asymmetry.

    The trained network's stride-4 and stride-8 stages (``features.1`` to
    ``features.3``) drive :class:`~cogattn.search.model.EccentricitySearchModel`
    (dot-product similarity) on the lighting paradigm (both conditions, set sizes
    1, 6 and 12).

    Parameters
    ----------
    diet : {"upright", "rotated"}
        Training diet.
    net_seed : int
        Seed of the network (weights and training scenes) and of the displays.
    n_steps : int
        Training steps.
    n_trials : int
        Search displays per condition and set size.
    light_spread_deg : float
        Spread of the light's direction in the training scenes.

    Returns
    -------
    out : dict of str to float
        ``accuracy`` (bump/dent, new scenes of the same diet), ``slope_easy`` and
        ``slope_hard`` (ms/item) and ``ai``.
    """
    from cogattn.features.extractor import FeatureExtractor
    from cogattn.search.model import EccentricitySearchModel
    from cogattn.search.paradigm_run import run_paradigm

    net, acc = train_on_diet(
        diet, n_steps=n_steps, net_seed=net_seed, light_spread_deg=light_spread_deg
    )
    taps = {"features.1": 4, "features.2": 8, "features.3": 8}
    fx = FeatureExtractor(
        net, taps, name="small_shading", weights=diet, mean=[0.5] * 3, std=[0.25] * 3
    )
    # raw (dot-product) top-down correlation: with the cosine similarity of the
    # ImageNet model, these small task-trained networks find every lighting target
    # at the first fixation in both conditions (AI 0 for both diets, seeds 0-2),
    # which leaves no search slope to compare
    model = EccentricitySearchModel(fx, device="cpu", similarity="dot")
    res = run_paradigm(
        "lighting", model=model, n_trials=n_trials, stimulus_seed=net_seed
    )
    return {
        "accuracy": acc,
        "slope_easy": res["slope_easy"],
        "slope_hard": res["slope_hard"],
        "ai": res["ai"],
    }


def paired_diet_test(ai_upright: Any, ai_rotated: Any) -> dict[str, float]:
    """Paired comparison of the asymmetry indices of the two diets.

    Parameters
    ----------
    ai_upright, ai_rotated : array-like of shape (n_seeds,)
        Asymmetry indices of the networks, paired by seed.

    Returns
    -------
    out : dict of str to float
        ``mean_difference`` (upright - rotated), ``n_positive`` (pairs where the
        upright network's AI is larger) and ``p_value``: one-sided Wilcoxon
        signed-rank test that the difference is positive (scipy, exact for small
        samples; 1.0 when every difference is zero).
    """
    from scipy.stats import wilcoxon

    up = np.asarray(ai_upright, dtype=np.float64)
    rot = np.asarray(ai_rotated, dtype=np.float64)
    if up.shape != rot.shape or up.ndim != 1 or up.size == 0:
        raise ValidationError(
            "ai_upright and ai_rotated must be 1-d arrays of the same, non-zero "
            f"length, got shapes {up.shape} and {rot.shape}"
        )
    diff = up - rot
    if np.all(diff == 0):
        p = 1.0
    else:
        p = float(wilcoxon(diff, alternative="greater", zero_method="zsplit").pvalue)
    return {
        "mean_difference": float(diff.mean()),
        "n_positive": float((diff > 0).sum()),
        "p_value": p,
    }


def diet_table(table: Any) -> Any:
    """Asymmetry index and accuracy per seed, one column per diet.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per task with columns ``diet``, ``net_seed``, ``ai`` and
        ``accuracy``.

    Returns
    -------
    wide : pandas.DataFrame
        Indexed by ``net_seed`` (seeds with both diets only), columns
        ``ai_upright``, ``ai_rotated``, ``accuracy_upright``, ``accuracy_rotated``.
    """
    missing = [c for c in ("diet", "net_seed", "ai", "accuracy") if c not in table]
    if missing:
        raise ValidationError(f"diet results are missing column(s) {missing}")
    wide = table.pivot_table(
        index="net_seed", columns="diet", values=["ai", "accuracy"], aggfunc="mean"
    )
    wide.columns = [f"{value}_{diet}" for value, diet in wide.columns]
    want = ["ai_upright", "ai_rotated", "accuracy_upright", "accuracy_rotated"]
    absent = [c for c in want if c not in wide.columns]
    if absent:
        raise ValidationError(f"both diets are needed; no results for {absent}")
    return wide[want].dropna()


@experiment("lighting_diet")
class LightingDiet:
    """Polarity of the lighting asymmetry after an upright or a rotated diet."""

    #: The parameters a spec may set (defaults are :func:`diet_network_search`'s).
    params = declare_params(
        diet_network_search,
        diet=Param(str, choices=DIETS),
        net_seed=Param(int, low=0, high=2**32 - 1),
        n_steps=Param(int, low=1, high=1_000_000),
        n_trials=Param(int, low=1, high=100_000),
        light_spread_deg=Param(float, low=0.0, high=360.0),
    )

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Train and test one network with :func:`diet_network_search`.

        The spec's parameters are passed through; the network's randomness comes
        from ``net_seed`` (paired across diets), not from ``rng``.
        """
        return call_with_params(diet_network_search, params)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Per-seed table, mean AI per diet and the paired test.

        ``measured``: ``mean_ai_upright``, ``mean_ai_rotated``,
        ``mean_difference``, ``n_positive``, ``n_pairs`` and ``p_value``
        (:func:`paired_diet_test`).
        """
        wide = diet_table(getattr(results, "table", results))
        measured = {
            "mean_ai_upright": float(wide["ai_upright"].mean()),
            "mean_ai_rotated": float(wide["ai_rotated"].mean()),
            "n_pairs": float(len(wide)),
        }
        measured.update(paired_diet_test(wide["ai_upright"], wide["ai_rotated"]))
        text = (
            f"{len(wide)} networks per diet. Mean lighting AI: upright "
            f"{measured['mean_ai_upright']:.3f}, rotated "
            f"{measured['mean_ai_rotated']:.3f} (humans 0.70). Upright > rotated in "
            f"{measured['n_positive']:.0f} of {len(wide)} pairs, one-sided Wilcoxon "
            f"p = {measured['p_value']:.4f}."
        )
        return ReportContent(
            tables={"lighting_ai_per_seed": wide},
            figures={"lighting_ai_per_seed": plot_diet_pairs(wide)},
            measured=measured,
            text=text,
        )
