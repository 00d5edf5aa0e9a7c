"""The ``scanpath_generators`` experiment: an object-level transformer vs baselines.

One task (one repetition) draws object-array search trials
(:func:`cogattn.scanpath.object_search.make_object_trials`), scanpaths of the
documented synthetic observer on them (``n_observers`` draws per training trial, one
per held-out trial), trains an OAT-like model
(:class:`cogattn.scanpath.oat.ObjectScanpathModel`) on the training trials and samples
one scanpath per held-out trial. The model, random-order search, nearest-first search
and a second draw of the observer itself (the noise ceiling) are scored against the
held-out scanpaths with the sequence score and the behavioural summary (found rate,
mean length, refixation ratio); the behavioural delta is the mean relative error of
those three numbers against the held-out observer's, as in the OAT paper.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.validation import check_int
from cogattn.experiments._params import call_with_params
from cogattn.sim.params import Param, declare_params
from cogattn.sim.registry import ReportContent, experiment

__all__ = ["ScanpathGeneratorsExperiment", "run_point"]

MODELS = ("oat", "random", "nearest_first", "observer")


def _delta(summary: dict[str, float], ref: dict[str, float]) -> float:
    keys = ("found_rate", "mean_length")
    errs = [abs(summary[k] - ref[k]) / abs(ref[k]) for k in keys]
    errs.append(abs(summary["refixation_ratio"] - ref["refixation_ratio"]))
    return float(np.mean(errs))


def run_point(
    *,
    rng: np.random.Generator,
    n_train: int = 300,
    n_test: int = 100,
    n_observers: int = 3,
    d_model: int = 64,
    n_layers: int = 2,
    epochs: int = 30,
    lr: float = 1e-3,
) -> dict[str, float]:
    """Train on synthetic observer scanpaths and score every model on held-out trials.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeds trials, observers, training and sampling.
    n_train, n_test : int
        Training and held-out trials.
    n_observers : int
        Observer draws per training trial.
    d_model, n_layers : int
        Transformer width and depth.
    epochs : int
        Training epochs.
    lr : float
        Adam learning rate.

    Returns
    -------
    out : dict
        Per model (``oat``, ``random``, ``nearest_first``, ``observer``):
        ``{model}_sequence_score``, ``{model}_found_rate``, ``{model}_mean_length``,
        ``{model}_refixation_ratio``, ``{model}_behaviour_delta``; and
        ``final_loss``.
    """
    import torch

    from cogattn.scanpath.oat import ObjectScanpathModel
    from cogattn.scanpath.object_search import (
        behaviour_summary,
        label_sequence_score,
        make_object_trials,
        nearest_first_scanpaths,
        random_object_scanpaths,
        synthetic_observer,
    )

    n_train = check_int(n_train, "n_train", low=2)
    n_test = check_int(n_test, "n_test", low=2)
    n_obs = check_int(n_observers, "n_observers", low=1)
    torch.set_num_threads(1)
    train = make_object_trials(n_train, random_state=rng)
    test = make_object_trials(n_test, random_state=rng)
    train_rep = train.subset(np.repeat(np.arange(n_train), n_obs))
    paths = synthetic_observer(train_rep, random_state=rng)
    held_out = synthetic_observer(test, random_state=rng)
    model = ObjectScanpathModel(
        d_model=d_model,
        n_heads=2,
        n_layers=n_layers,
        epochs=epochs,
        lr=lr,
        random_state=rng,
        verbose=False,
    ).fit(train_rep, paths)
    preds = {
        "oat": model.generate(test),
        "random": random_object_scanpaths(test, random_state=rng),
        "nearest_first": nearest_first_scanpaths(test),
        "observer": synthetic_observer(test, random_state=rng),
    }
    ref = behaviour_summary(held_out, test)
    out: dict[str, float] = {"final_loss": float(model.losses_[-1])}
    for name, pred in preds.items():
        out[f"{name}_sequence_score"] = float(
            label_sequence_score(pred, held_out).mean()
        )
        summ = behaviour_summary(pred, test)
        for key, value in summ.items():
            out[f"{name}_{key}"] = value
        out[f"{name}_behaviour_delta"] = _delta(summ, ref)
    return out


@experiment("scanpath_generators")
class ScanpathGeneratorsExperiment:
    """OAT-like object scanpath model vs baselines on held-out synthetic observers."""

    params = declare_params(
        run_point,
        n_train=Param(int, low=2, high=100_000),
        n_test=Param(int, low=2, high=100_000),
        n_observers=Param(int, low=1, high=100),
        d_model=Param(int, low=4, high=1024),
        n_layers=Param(int, low=1, high=12),
        epochs=Param(int, low=1, high=10_000),
        lr=Param(float, low=0.0, high=1.0, low_open=True),
    )

    @staticmethod
    def trial(params: dict[str, Any], rng: np.random.Generator) -> dict[str, float]:
        """Run one repetition: the spec's parameters go to :func:`run_point`."""
        return call_with_params(run_point, params, rng=rng)

    @staticmethod
    def report(results: Any) -> ReportContent:
        """Per-model means with 95% intervals over repetitions, and the checks.

        Parameters
        ----------
        results : Results
            One row per repetition with the outputs of :func:`run_point`.

        Returns
        -------
        content : ReportContent
        """
        import pandas as pd

        table = results.table
        n = len(table)
        rows = []
        for m in MODELS:
            ss = table[f"{m}_sequence_score"].to_numpy(float)
            half = 1.96 * ss.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
            rows.append(
                {
                    "model": m,
                    "sequence_score": ss.mean(),
                    "ci95_half_width": half,
                    "mean_length": table[f"{m}_mean_length"].mean(),
                    "found_rate": table[f"{m}_found_rate"].mean(),
                    "refixation_ratio": table[f"{m}_refixation_ratio"].mean(),
                    "behaviour_delta": table[f"{m}_behaviour_delta"].mean(),
                }
            )
        summary = pd.DataFrame(rows)
        oat = table["oat_sequence_score"]
        beats = (oat > table["random_sequence_score"]) & (
            oat > table["nearest_first_sequence_score"]
        )
        measured = {
            "fraction_reps_oat_beats_baselines": float(beats.mean()),
            "oat_sequence_score": float(oat.mean()),
            "observer_sequence_score": float(table["observer_sequence_score"].mean()),
            "oat_behaviour_delta": float(table["oat_behaviour_delta"].mean()),
        }
        text = (
            "Sequence score (0/1 Needleman-Wunsch over the longer length) of each "
            "model's scanpaths against held-out synthetic-observer scanpaths; the "
            "observer row is a second draw of the observer (the noise ceiling)."
        )
        return ReportContent(tables={"models": summary}, measured=measured, text=text)
