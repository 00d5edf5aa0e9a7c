"""The search-asymmetry experiment: six paradigms x model variants, against humans.

One task runs one (paradigm, model variant): both conditions x every set size of the
paradigm with ``n_trials`` displays each, converts fixations to reaction times
(eccNET's ``RT = 252.359 n + 376.271`` ms, a trial not found counting ``set_size``
fixations), fits the search slopes and the asymmetry index. The report gathers the
six-paradigm table per variant next to the human slopes of Gupta et al. (2021).

Parameters of a task (``params``) are the keyword arguments of
:func:`cogattn.search.run_paradigm`, passed through as the spec gives them:
``paradigm`` (one of the six), ``variant`` (one of
:data:`~cogattn.search.variants.VARIANTS`), and any of ``n_trials``,
``stimulus_seed`` (every variant sees the same displays), ``px_per_degree``, ``cue``,
``orientations`` and the searcher's own keywords (e.g. ``device``). The task's
generator seeds the model's own randomness (the ``chance`` variant).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn.experiments._params import call_with_params
from cogattn.sim.registry import ReportContent, experiment
from cogattn.viz.search import plot_asymmetry_by_variant

__all__ = ["SearchAsymmetry", "asymmetry_report_table"]


def asymmetry_report_table(table: Any) -> Any:
    """Six-paradigm table per variant, with the human slopes and AI.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (paradigm, variant) with columns ``paradigm``, ``variant``,
        ``slope_easy``, ``slope_hard`` and ``ai`` (e.g. ``Results.table``).

    Returns
    -------
    out : pandas.DataFrame
        Indexed by (variant, paradigm), with the model's slopes (ms/item) and AI, the
        human ones, and ``polarity_match`` (the model's AI has the human sign).
        When ``table`` has the bootstrap columns ``ai_low``, ``ai_high`` and
        ``p_reversed`` they are kept, with ``polarity_reliable``: the whole
        interval lies on the human side of 0.
    """
    import pandas as pd

    from cogattn.search.analysis import load_human_reference

    need = {"paradigm", "variant", "slope_easy", "slope_hard", "ai"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValidationError(
            f"table is missing column(s) {missing}; got {list(table.columns)}"
        )
    ref = load_human_reference().set_index("paradigm")
    order = {p: i for i, p in enumerate(ref.index)}
    optional = [c for c in ("ai_low", "ai_high", "p_reversed") if c in table.columns]
    df = table[sorted(need) + optional].copy()
    df = df.groupby(["variant", "paradigm"], sort=False).mean().reset_index()
    for col in ("human_slope_easy", "human_slope_hard", "human_ai"):
        df[col] = ref.loc[df["paradigm"], col].to_numpy()
    df["polarity_match"] = np.sign(df["ai"]) == np.sign(df["human_ai"])
    if "ai_low" in df.columns:  # the whole interval on the human side of 0
        df["polarity_reliable"] = np.where(
            df["human_ai"] > 0, df["ai_low"] > 0, df["ai_high"] < 0
        )
    df["_order"] = df["paradigm"].map(order)
    df = df.sort_values(["variant", "_order"]).drop(columns="_order")
    cols = ["slope_easy", "slope_hard", "ai", *optional[:2]]
    cols += ["human_slope_easy", "human_slope_hard", "human_ai", "polarity_match"]
    if "ai_low" in df.columns:
        cols += ["polarity_reliable", *optional[2:]]
    return pd.DataFrame(df.set_index(["variant", "paradigm"])[cols])


@experiment("search_asymmetry")
class SearchAsymmetry:
    """Search asymmetry in six paradigms (Gupta, Zhang, Wu, Wolfe & Kreiman 2021)."""

    @staticmethod
    def params() -> dict[str, Any]:
        """Return the parameters a spec may set (defaults: ``run_paradigm``'s)."""
        from cogattn.search.displays import PARADIGMS
        from cogattn.search.paradigm_run import run_paradigm
        from cogattn.search.variants import VARIANTS
        from cogattn.sim.params import Param, declare_params

        declared = declare_params(
            run_paradigm,
            paradigm=Param(str, choices=tuple(PARADIGMS)),
            variant=Param(str, choices=tuple(VARIANTS)),
            n_trials=Param(int, low=1, high=100_000),
            stimulus_seed=Param(int, low=0, high=2**32 - 1),
            px_per_degree=Param(float, low=0.0, high=1000.0, low_open=True),
            cue=Param(str, choices=("display", "upright")),
            orientations=Param(str, choices=("published", "rotations")),
        )
        # passed on to the model (make_search_model); its default is the model's
        declared["backbone"] = Param(str, default=None, doc="backbone of the model")
        return declared

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Run one (paradigm, variant) task with :func:`~cogattn.search.run_paradigm`.

        The spec's parameters are passed through; the task's generator drives the
        model's own randomness.
        """
        from cogattn.search.paradigm_run import run_paradigm

        return call_with_params(run_paradigm, params, random_state=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Tables per variant, mean AI per variant, polarity matches of the main model.

        ``measured``: ``n_polarity_match``, ``mean_ai`` and (with bootstrap
        columns) ``n_polarity_reliable`` of the main variant (``eccnet``, else the
        first one), ``mean_ai_<variant>`` of every variant.
        """
        table = getattr(results, "table", results)
        if "variant" not in table.columns:
            table = table.assign(variant="eccnet")
        full = asymmetry_report_table(table)
        variants = list(dict.fromkeys(full.index.get_level_values(0)))
        main = "eccnet" if "eccnet" in variants else variants[0]
        aggs = {
            "mean_ai": ("ai", "mean"),
            "n_polarity_match": ("polarity_match", "sum"),
            "n_paradigms": ("ai", "size"),
        }
        if "polarity_reliable" in full.columns:
            aggs["n_polarity_reliable"] = ("polarity_reliable", "sum")
        per_variant = full.groupby(level=0, sort=False).agg(**aggs)
        measured: dict[str, float] = {
            "n_polarity_match": float(per_variant.loc[main, "n_polarity_match"]),
            "mean_ai": float(per_variant.loc[main, "mean_ai"]),
        }
        if "n_polarity_reliable" in per_variant.columns:
            measured["n_polarity_reliable"] = float(
                per_variant.loc[main, "n_polarity_reliable"]
            )
        for v in variants:
            measured[f"mean_ai_{v}"] = float(per_variant.loc[v, "mean_ai"])
        tables = {f"asymmetry_{v}": full.xs(v, level=0) for v in variants}
        tables["mean_ai_per_variant"] = per_variant
        text = (
            f"Main model ({main}): {measured['n_polarity_match']:.0f} of "
            f"{per_variant.loc[main, 'n_paradigms']} paradigms with the human "
            "polarity, "
            f"mean AI {measured['mean_ai']:.3f} (humans 0.564)."
        )
        if "n_polarity_reliable" in measured:
            text += (
                f" In {measured['n_polarity_reliable']:.0f} of them the 95 % "
                "bootstrap interval of the AI excludes 0."
            )
        return ReportContent(
            tables=tables,
            figures={"asymmetry_index": plot_asymmetry_by_variant(full)},
            measured=measured,
            text=text,
        )
