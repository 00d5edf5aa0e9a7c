"""The search-asymmetry experiment: six paradigms x model variants, against humans.

One task runs one (paradigm, model variant): both conditions x every set size of the
paradigm with ``n_trials`` displays each, converts fixations to reaction times
(eccNET's ``RT = 252.359 n + 376.271`` ms, a trial not found counting ``set_size``
fixations), fits the search slopes and the asymmetry index. The report gathers the
six-paradigm table per variant next to the human slopes of Gupta et al. (2021).

Parameters of a task (``params``): ``paradigm`` (one of the six), ``variant`` (one of
:data:`~cogattn.search.variants.VARIANTS`), and optionally ``n_trials`` (30),
``stimulus_seed`` (0: every variant sees the same displays), ``px_per_degree``
(30), ``device`` (None: CUDA when present), ``cue`` (``"display"``: the target as
drawn in each display, eccNET's protocol; ``"upright"``: its upright drawing) and
``orientations`` (``"published"``: the four drawings of the turned items of the
published eccNET stimuli; ``"rotations"``: their four quarter turns).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, check_option
from cogattn.sim.registry import ReportContent, experiment

__all__ = ["SearchAsymmetry", "asymmetry_report_table", "run_paradigm"]


def _cell_seed(stimulus_seed: int, paradigm: str, set_size: int) -> int:
    # no condition: the easy and hard displays of a set size share their layouts
    words = [stimulus_seed, *paradigm.encode(), set_size]
    return int(np.random.SeedSequence(words).generate_state(1)[0])


def run_paradigm(
    paradigm: str,
    variant: str = "eccnet",
    *,
    n_trials: int = 30,
    stimulus_seed: int = 0,
    seed: Any = None,
    px_per_degree: float = 30.0,
    model: Any = None,
    cue: str = "display",
    orientations: str = "published",
    **model_kwargs: Any,
) -> dict[str, Any]:
    """Run one model variant on both conditions and all set sizes of a paradigm.

    Parameters
    ----------
    paradigm : str
        One of :data:`cogattn.search.displays.PARADIGMS`.
    variant : str
        One of :data:`cogattn.search.variants.VARIANTS` (ignored when ``model`` is
        given).
    n_trials : int
        Displays per condition and set size.
    stimulus_seed : int
        Seed of the displays (the same for every variant).
    seed : int | numpy.random.Generator | None
        Seed of the model's own randomness (the ``chance`` variant).
    px_per_degree : float
        Pixels per degree of visual angle of the displays.
    model : object | None
        A ready searcher (with ``search``); built from ``variant`` when None.
    cue : {"display", "upright"}
        The target image given to the searcher: the target as drawn in each
        display (``trials.targets``, eccNET's protocol) or its upright drawing
        (``trials.target``; differs only where items are turned: intersection and
        T vs L).
    orientations : {"published", "rotations"}
        The four drawings of the turned items of intersection and T vs L: those of
        the published eccNET stimuli or the four quarter turns (see
        :mod:`cogattn.search.paradigms`).
    **model_kwargs
        Passed to :func:`cogattn.search.variants.make_search_model`.

    Returns
    -------
    out : dict
        Scalars ``slope_easy``, ``slope_hard`` (ms/item), ``ai``, its 95 %
        bootstrap interval ``ai_low``, ``ai_high`` and ``p_reversed`` (see
        :func:`~cogattn.search.asymmetry_bootstrap.asymmetry_index_ci`), ``found_rate``,
        ``fix_<condition>_<set size>`` (mean fixations) and
        ``found_<condition>_<set size>``, and per-trial arrays ``n_fixations``,
        ``found``, ``set_size``, ``hard`` (1 for the hard condition), ``rt`` (ms).
    """
    from cogattn.search.analysis import (
        asymmetry_index,
        fixations_to_rt,
        search_slopes,
    )
    from cogattn.search.asymmetry_bootstrap import asymmetry_index_ci
    from cogattn.search.displays import make_trials
    from cogattn.search.paradigms import ORIENTATIONS, PARADIGMS, get_spec
    from cogattn.search.variants import make_search_model

    check_option(paradigm, PARADIGMS, "paradigm")
    check_option(cue, ("display", "upright"), "cue")
    check_option(orientations, ORIENTATIONS, "orientations")
    n_trials = check_int(n_trials, "n_trials", low=1)
    stimulus_seed = check_int(stimulus_seed, "stimulus_seed", low=0)
    if model is None:
        model = make_search_model(variant, seed=seed, **model_kwargs)
    out: dict[str, Any] = {}
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("n_fixations", "found", "set_size", "hard")
    }
    for condition in ("easy", "hard"):  # a handful of cells, each one batch
        for set_size in get_spec(paradigm).set_sizes:
            trials = make_trials(
                paradigm,
                condition,
                set_size,
                n_trials,
                seed=_cell_seed(stimulus_seed, paradigm, set_size),
                px_per_degree=px_per_degree,
                orientations=orientations,
            )
            target = trials.targets if cue == "display" else trials.target
            res = model.search(
                trials.images, target, trials.target_masks, trials.item_boxes
            )
            out[f"fix_{condition}_{set_size}"] = float(res.n_fixations.mean())
            out[f"found_{condition}_{set_size}"] = float(res.found.mean())
            cols["n_fixations"].append(res.n_fixations.astype(np.int64))
            cols["found"].append(res.found.astype(bool))
            cols["set_size"].append(np.full(n_trials, set_size, np.int64))
            cols["hard"].append(np.full(n_trials, condition == "hard", np.int64))
    arrays = {k: np.concatenate(v) for k, v in cols.items()}
    rt = np.asarray(
        fixations_to_rt(arrays["n_fixations"], arrays["found"], arrays["set_size"])
    )
    labels = np.where(arrays["hard"] == 1, "hard", "easy")
    slopes = search_slopes(rt, arrays["set_size"], labels)
    out["slope_easy"] = float(slopes["easy"])
    out["slope_hard"] = float(slopes["hard"])
    out["ai"] = float(asymmetry_index(slopes["easy"], slopes["hard"]))
    ci = asymmetry_index_ci(
        rt, arrays["set_size"], arrays["hard"], seed=stimulus_seed, paired=True
    )
    out.update({k: ci[k] for k in ("ai_low", "ai_high", "p_reversed")})
    out["found_rate"] = float(arrays["found"].mean())
    out.update(arrays)
    out["rt"] = rt
    return out


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


def _figure(table: Any) -> Any:
    import matplotlib.pyplot as plt

    variants = list(dict.fromkeys(table.index.get_level_values(0)))
    paradigms = list(dict.fromkeys(table.index.get_level_values(1)))
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / (len(variants) + 1)
    x = np.arange(len(paradigms))
    human = table.xs(variants[0], level=0)["human_ai"].reindex(paradigms)
    ax.bar(x, human.to_numpy(), width, color="k", label="humans")
    for i, v in enumerate(variants):
        ai = table.xs(v, level=0)["ai"].reindex(paradigms).to_numpy()
        ax.bar(x + (i + 1) * width, ai, width, label=v)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x + 0.4 - width / 2)
    ax.set_xticklabels([p.replace("_", "\n") for p in paradigms], fontsize=8)
    ax.set_ylabel("asymmetry index")
    ax.set_ylim(-1.05, 1.05)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


@experiment("search_asymmetry")
class SearchAsymmetry:
    """Search asymmetry in six paradigms (Gupta, Zhang, Wu, Wolfe & Kreiman 2021)."""

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Run one (paradigm, variant) task; see :func:`run_paradigm`."""
        return run_paradigm(
            params["paradigm"],
            params.get("variant", "eccnet"),
            n_trials=params.get("n_trials", 30),
            stimulus_seed=params.get("stimulus_seed", 0),
            seed=rng,
            px_per_degree=params.get("px_per_degree", 30.0),
            cue=params.get("cue", "display"),
            orientations=params.get("orientations", "published"),
            device=params.get("device"),
        )

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
            figures={"asymmetry_index": _figure(full)},
            measured=measured,
            text=text,
        )
