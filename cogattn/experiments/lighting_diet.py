"""The training-diet experiment on the simulation runner: one task per network.

Each task trains one :class:`~cogattn.search.diet.SmallShadingNet` on one diet
(``upright``: light from above; ``rotated``: the same scenes turned by 90 degrees)
with one seed, and measures the lighting asymmetry of the search model it drives
(:func:`~cogattn.search.diet.diet_network_search`). The report pairs the networks
by seed and tests whether the asymmetry follows the diet: positive (human polarity)
after the upright diet, negative after the rotated one.

Parameters of a task (``params``): ``diet``, ``net_seed``, and optionally
``n_steps`` (300), ``n_trials`` (20) and ``light_spread_deg`` (60).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn.sim.registry import ReportContent, experiment

__all__ = ["LightingDiet", "diet_table"]


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

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Train and test one network; see :func:`diet_network_search`."""
        from cogattn.search.diet import diet_network_search

        return diet_network_search(
            params["diet"],
            seed=params["net_seed"],
            n_steps=params.get("n_steps", 300),
            n_trials=params.get("n_trials", 20),
            light_spread_deg=params.get("light_spread_deg", 60.0),
        )

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Per-seed table, mean AI per diet and the paired test.

        ``measured``: ``mean_ai_upright``, ``mean_ai_rotated``,
        ``mean_difference``, ``n_positive``, ``n_pairs`` and ``p_value``
        (:func:`~cogattn.search.diet.paired_diet_test`).
        """
        from cogattn.search.diet import paired_diet_test

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
            tables={"lighting_ai_per_seed": wide}, measured=measured, text=text
        )
