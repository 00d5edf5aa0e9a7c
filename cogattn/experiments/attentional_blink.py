"""The ``attentional_blink`` experiment: blink, ignition and neuromodulation.

After Dehaene, Sergent & Changeux (2003, PNAS) and Dehaene & Changeux (2005, PLoS
Biol.), on :class:`cogattn.workspace.NeuronalWorkspace`. One task runs one
``condition``:

- ``"full"``, ``"half_top_down"``, ``"no_top_down"``: the T1-T2 lag sweep
  (:data:`LAGS`, ``n_trials`` per lag) with top-down coupling scaled by 1, 0.5 and 0;
  T2 detection per lag, the blink's deepest lag and depth, the sparing at lag 0, the
  recovery at long lags, and the bimodality of T2's workspace activity across trials
  at the deepest lag (bimodality coefficient, one- vs two-Gaussian BIC gain);
- ``"neuromodulation"``: a single stimulus after a quiet period at each level of
  :data:`NEUROMODULATION`; how often the workspace ignites by itself first, and how
  often the stimulus is then detected.

The report gathers the conditions over repetitions (different seeds) and takes the
least favourable repetition for each check.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.validation import check_option
from cogattn.sim.params import Param
from cogattn.sim.registry import ReportContent, experiment

__all__ = [
    "CONDITIONS",
    "LAGS",
    "NEUROMODULATION",
    "AttentionalBlink",
    "level_name",
    "run_condition",
]

#: T1-T2 lags (ms) of the sweep
LAGS = (0.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 600.0)
#: neuromodulatory currents (mV) into the workspace
NEUROMODULATION = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
#: the conditions a task may run, and their top-down scale
CONDITIONS = {
    "full": 1.0,
    "half_top_down": 0.5,
    "no_top_down": 0.0,
    "neuromodulation": 1.0,
}
#: lags at and after which T2 counts as recovered
RECOVERY_LAG = 400.0


def level_name(level: float) -> str:
    """Name a neuromodulation level for output names (``-2.0 -> "m2"``).

    Parameters
    ----------
    level : float
        Current (mV).

    Returns
    -------
    name : str
        ``m`` for a minus sign and ``p`` for a decimal point (output names are
        identifiers).
    """
    text = f"{abs(level):g}".replace(".", "p")
    return f"m{text}" if level < 0 else text


def run_condition(
    condition: str,
    *,
    n_trials: int = 100,
    threshold: float = 20.0,
    dt: float = 0.1,
    random_state: int | np.random.Generator | None = None,
) -> dict[str, float]:
    """Run one condition of the experiment; scalars only.

    Parameters
    ----------
    condition : str
        One of :data:`CONDITIONS`.
    n_trials : int
        Trials per lag (or per neuromodulation level).
    threshold : float
        Detection threshold (Hz) on the peak workspace rate.
    dt : float
        Time step (ms) of the simulation.
    random_state : int | numpy.random.Generator | None
        Seed.

    Returns
    -------
    out : dict of str to float
        For lag sweeps: ``t1_detected_<lag>``, ``t2_detected_<lag>``,
        ``blink_min_lag``, ``blink_depth``, ``lag0_sparing``, ``recovered``,
        ``bimodality_coefficient``, ``mixture_bic_gain``, ``t2_detected_at_min``.
        For ``"neuromodulation"``: ``p_spontaneous_<level>``, ``p_detected_<level>``
        (levels named by :func:`level_name`),
        ``p_detected_quiet``, ``p_detected_spontaneous``.
    """
    from cogattn.workspace.neuronal.bimodality import (
        bimodality_coefficient,
        mixture_bic_gain,
    )
    from cogattn.workspace.neuronal.blink import (
        attentional_blink,
        spontaneous_ignition,
    )
    from cogattn.workspace.neuronal.network import NeuronalWorkspace

    check_option(condition, CONDITIONS, "condition")
    out: dict[str, float] = {}
    if condition == "neuromodulation":
        model = NeuronalWorkspace(n_assemblies=3, dt=dt)
        res = spontaneous_ignition(
            model,
            NEUROMODULATION,
            n_trials,
            onset=400.0,
            threshold=threshold,
            random_state=random_state,
            verbose=False,
        )
        for level, ps, pd_ in zip(
            NEUROMODULATION, res["p_spontaneous"], res["p_detected"], strict=True
        ):
            out[f"p_spontaneous_{level_name(level)}"] = float(ps)
            out[f"p_detected_{level_name(level)}"] = float(pd_)
        spont, det = res["spontaneous"], res["detected"]
        out["p_detected_quiet"] = (
            float(det[~spont].mean()) if (~spont).any() else np.nan
        )
        out["p_detected_spontaneous"] = (
            float(det[spont].mean()) if spont.any() else np.nan
        )
        return out
    model = NeuronalWorkspace(top_down_scale=CONDITIONS[condition], dt=dt)
    res = attentional_blink(
        model,
        LAGS,
        n_trials,
        threshold=threshold,
        random_state=random_state,
        verbose=False,
    )
    lags = res["lags"]
    t2 = res["t2_detected"]
    for lag, d1, d2 in zip(lags, res["t1_detected"], t2, strict=True):
        out[f"t1_detected_{lag:g}"] = float(d1)
        out[f"t2_detected_{lag:g}"] = float(d2)
    i_min = int(np.argmin(t2[1:])) + 1  # the blink is sought after lag 0
    late = lags >= RECOVERY_LAG
    out["blink_min_lag"] = float(lags[i_min])
    out["t2_detected_at_min"] = float(t2[i_min])
    out["blink_depth"] = float(t2[late].max() - t2[i_min])
    out["lag0_sparing"] = float(t2[0] - t2[i_min])
    out["recovered"] = float(t2[late].min())
    activity = res["t2_activity"][i_min]
    out["bimodality_coefficient"] = bimodality_coefficient(activity)
    out["mixture_bic_gain"] = mixture_bic_gain(activity, random_state=0)
    out["t2_activity_median_at_min"] = float(np.median(activity))
    return out


@experiment("attentional_blink")
class AttentionalBlink:
    """Attentional blink and ignition in a neuronal workspace (Dehaene et al. 2003)."""

    @staticmethod
    def params() -> dict[str, Any]:
        """Return the parameters a spec may set (defaults: ``run_condition``'s)."""
        from cogattn.sim.params import declare_params

        return declare_params(
            run_condition,
            condition=Param(str, choices=tuple(CONDITIONS)),
            n_trials=Param(int, low=1, high=100_000, doc="trials per lag or level"),
            threshold=Param(float, low=0.0, low_open=True, doc="detection (Hz)"),
            dt=Param(float, low=0.0, high=0.25, low_open=True, doc="time step (ms)"),
        )

    @staticmethod
    def trial(params: dict, rng: np.random.Generator) -> dict:
        """Run one condition with :func:`run_condition`."""
        from cogattn.experiments._params import call_with_params

        return call_with_params(run_condition, params, random_state=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Blink curves per condition, bimodality, spontaneous ignition; checks.

        ``measured`` (each the least favourable repetition): ``blink_min_lag_low``
        and ``blink_min_lag_high`` (full model), ``blink_depth_full``,
        ``lag0_sparing_full``, ``recovered_full``, ``bimodality_coefficient_full``,
        ``mixture_bic_gain_full``, ``blink_depth_half_top_down``,
        ``blink_depth_no_top_down``, ``p_spontaneous_lowest``,
        ``p_spontaneous_highest``, ``p_spontaneous_max`` (over levels),
        ``p_detected_highest``, ``detection_drop_spontaneous``.
        """
        import pandas as pd

        from cogattn.viz.workspace import plot_blink_conditions, plot_neuromodulation

        table = getattr(results, "table", results)
        measured: dict[str, float] = {}
        tables: dict[str, Any] = {}
        figures: dict[str, Any] = {}
        blink = table[table["condition"] != "neuromodulation"]
        curves: dict[str, np.ndarray] = {}
        if len(blink):
            cols = [f"t2_detected_{lag:g}" for lag in LAGS]
            per = blink.groupby("condition", sort=False)[cols]
            mean, sd = per.mean(), per.std(ddof=1)
            curve = mean.copy()
            curve.columns = [f"{lag:g} ms" for lag in LAGS]
            tables["t2_detection_mean"] = curve
            summary_cols = [
                "blink_min_lag", "blink_depth", "lag0_sparing", "recovered",
                "t2_detected_at_min", "bimodality_coefficient", "mixture_bic_gain",
            ]  # fmt: skip
            tables["blink_per_repetition"] = blink[
                ["condition", "repetition", *summary_cols]
            ].reset_index(drop=True)
            for cond in mean.index:
                curves[cond] = np.vstack([mean.loc[cond].to_numpy(), sd.loc[cond]])
            figures["blink_curves"] = plot_blink_conditions(np.asarray(LAGS), curves)
            by = {c: g for c, g in blink.groupby("condition")}
            if "full" in by:
                full = by["full"]
                measured["blink_min_lag_low"] = float(full["blink_min_lag"].min())
                measured["blink_min_lag_high"] = float(full["blink_min_lag"].max())
                measured["blink_depth_full"] = float(full["blink_depth"].min())
                measured["lag0_sparing_full"] = float(full["lag0_sparing"].min())
                measured["recovered_full"] = float(full["recovered"].min())
                measured["bimodality_coefficient_full"] = float(
                    full["bimodality_coefficient"].min()
                )
                measured["mixture_bic_gain_full"] = float(
                    full["mixture_bic_gain"].min()
                )
            for cond in ("half_top_down", "no_top_down"):
                if cond in by:
                    measured[f"blink_depth_{cond}"] = float(
                        by[cond]["blink_depth"].max()
                    )
        neuro = table[table["condition"] == "neuromodulation"]
        if len(neuro):
            sp = [f"p_spontaneous_{level_name(v)}" for v in NEUROMODULATION]
            de = [f"p_detected_{level_name(v)}" for v in NEUROMODULATION]
            tab = pd.DataFrame(
                {
                    "neuromodulation_mV": NEUROMODULATION,
                    "p_spontaneous": neuro[sp].mean().to_numpy(),
                    "p_detected": neuro[de].mean().to_numpy(),
                }
            )
            tables["neuromodulation"] = tab
            figures["neuromodulation"] = plot_neuromodulation(
                np.asarray(NEUROMODULATION),
                tab["p_spontaneous"].to_numpy(),
                tab["p_detected"].to_numpy(),
            )
            measured["p_spontaneous_lowest"] = float(neuro[sp[0]].max())
            measured["p_spontaneous_highest"] = float(neuro[sp[-1]].min())
            # an ignition ends by adaptation, so the 200 ms before the stimulus can
            # fall in a lull at high levels: the most often any level ignites
            measured["p_spontaneous_max"] = float(neuro[sp].max(axis=1).min())
            measured["p_detected_highest"] = float(neuro[de[-1]].max())
            drop = neuro["p_detected_quiet"] - neuro["p_detected_spontaneous"]
            measured["detection_drop_spontaneous"] = float(drop.min())
        text = "; ".join(f"{k} = {v:.3g}" for k, v in measured.items())
        return ReportContent(
            tables=tables, figures=figures, measured=measured, text=text
        )
