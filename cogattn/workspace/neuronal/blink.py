r"""Protocols on the neuronal workspace: the attentional blink and spontaneous ignition.

A target is *detected* when the workspace assembly of its content reaches a peak rate
above ``threshold`` (Hz) within ``window`` ms of its onset (peak of the rate smoothed
over ``smooth_ms``): the content entered the workspace. T2's peak is its *workspace
activity*; across trials at the bottom of the blink its distribution is bimodal when
entry is all-or-none (:mod:`cogattn.workspace.neuronal.bimodality`).

- :func:`attentional_blink`: T1 then T2 after each lag; detection of each target per
  lag and T2's activity per trial.
- :func:`spontaneous_ignition`: a single stimulus after a quiet period, at several
  levels of neuromodulation; how often the workspace ignites by itself before the
  stimulus and whether the stimulus is then detected.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int, check_positive
from cogattn.workspace.neuronal.network import NeuronalWorkspace, WorkspaceTrials

__all__ = ["attentional_blink", "peak_rate", "spontaneous_ignition"]


def peak_rate(
    trials: WorkspaceTrials,
    population: str,
    onsets: Any,
    window: tuple[float, float] = (0.0, 250.0),
    smooth_ms: float = 15.0,
) -> np.ndarray:
    """Peak smoothed rate (Hz) of a population in a window after each trial's onset.

    Parameters
    ----------
    trials : WorkspaceTrials
        Simulated trials.
    population : str
        Population name, e.g. ``"W1:T2"``.
    onsets : array-like of shape (n_trials,)
        Reference time (ms) of each trial.
    window : tuple of float
        Start and stop (ms) relative to the onset.
    smooth_ms : float
        Width (ms) of the boxcar that smooths the binned rate (rounded to whole bins).

    Returns
    -------
    peak : ndarray of shape (n_trials,)
    """
    rates = trials.rates(population)
    onsets = np.asarray(check_array(onsets, "onsets", ndim=1), float)
    if onsets.size != rates.shape[0]:
        raise ValidationError(
            f"onsets has {onsets.size} values for {rates.shape[0]} trials"
        )
    start, stop = (float(w) for w in window)
    if not stop > start:
        raise ValidationError(
            f"window must be (start, stop) with stop > start: {window}"
        )
    width = max(1, round(check_positive(smooth_ms, "smooth_ms") / trials.bin_ms))
    cums = np.cumsum(np.pad(rates, ((0, 0), (width, 0))), axis=1)
    smooth = (cums[:, width:] - cums[:, :-width]) / width  # trailing boxcar
    t = trials.times
    inside = (t[None, :] >= onsets[:, None] + start) & (
        t[None, :] < onsets[:, None] + stop
    )
    if not inside.any(axis=1).all():
        raise ValidationError("the peak window falls outside a trial")
    return np.where(inside, smooth, -np.inf).max(axis=1)


def _workspace_population(model: NeuronalWorkspace, assembly: int) -> str:
    return f"W{model.n_workspace}:T{assembly + 1}"


def attentional_blink(
    model: NeuronalWorkspace,
    lags: Any,
    n_trials: int,
    *,
    t1_onset: float = 100.0,
    after_t2: float = 300.0,
    threshold: float = 20.0,
    window: tuple[float, float] = (0.0, 250.0),
    random_state: int | np.random.Generator | None = None,
    verbose: bool | None = None,
) -> dict[str, np.ndarray]:
    """T2 detection as a function of the T1-T2 lag.

    Parameters
    ----------
    model : NeuronalWorkspace
        The network; T1 and T2 are its first two assemblies.
    lags : array-like of shape (n_lags,)
        T1-T2 onset lags (ms), >= 0.
    n_trials : int
        Trials per lag.
    t1_onset : float
        T1 onset (ms) after the trial starts.
    after_t2 : float
        Simulated time (ms) after the latest T2 onset (at least the window's end).
    threshold : float
        Detection threshold (Hz) on the peak workspace rate.
    window : tuple of float
        Peak window (ms) after each target's onset.
    random_state : int | numpy.random.Generator | None
        Seed; the same value gives identical results.
    verbose : bool | None
        Progress bar over lags.

    Returns
    -------
    result : dict
        ``lags`` (n_lags,), ``t1_detected`` and ``t2_detected`` (n_lags,), fractions
        of trials; ``t1_activity`` and ``t2_activity`` (n_lags, n_trials), peak
        workspace rates (Hz); ``threshold``.
    """
    if model.n_assemblies < 2:
        raise ValidationError(
            f"the blink needs two assemblies (T1, T2); the model has "
            f"{model.n_assemblies}"
        )
    lags = np.asarray(check_array(lags, "lags", ndim=1, low=0.0), float)
    n_trials = check_int(n_trials, "n_trials", low=1)
    t1_onset = check_positive(t1_onset, "t1_onset", strict=False)
    threshold = check_positive(threshold, "threshold")
    if check_positive(after_t2, "after_t2") < window[1]:
        raise ValidationError(
            f"after_t2 ({after_t2} ms) must cover the detection window {window}"
        )
    rng = check_random_state(random_state)
    duration = t1_onset + lags.max() + after_t2
    act = np.empty((2, lags.size, n_trials))
    for i, lag in enumerate(progress_bar(lags, desc="lags", verbose=verbose)):
        onsets = np.full((n_trials, model.n_assemblies), np.nan)
        onsets[:, 0] = t1_onset
        onsets[:, 1] = t1_onset + lag
        trials = model.run(onsets, duration, random_state=rng)
        for k in range(2):
            act[k, i] = peak_rate(
                trials, _workspace_population(model, k), onsets[:, k], window
            )
    return {
        "lags": lags,
        "t1_detected": (act[0] > threshold).mean(axis=1),
        "t2_detected": (act[1] > threshold).mean(axis=1),
        "t1_activity": act[0],
        "t2_activity": act[1],
        "threshold": np.asarray(threshold),
    }


def spontaneous_ignition(
    model: NeuronalWorkspace,
    levels: Any,
    n_trials: int,
    *,
    target: int = 1,
    onset: float = 600.0,
    threshold: float = 20.0,
    window: tuple[float, float] = (0.0, 250.0),
    random_state: int | np.random.Generator | None = None,
    verbose: bool | None = None,
) -> dict[str, np.ndarray]:
    """Spontaneous workspace ignition against neuromodulation, and its cost.

    Each trial is quiet until ``onset``, when one stimulus drives assembly
    ``target``. A trial *ignited spontaneously* when another workspace assembly's
    peak rate in the 200 ms before the onset exceeds ``threshold``.

    Parameters
    ----------
    model : NeuronalWorkspace
        The network; its ``neuromodulation`` is replaced by each level.
    levels : array-like of shape (n_levels,)
        Neuromodulatory currents (mV) into the workspace.
    n_trials : int
        Trials per level.
    target : int
        Index of the stimulated assembly.
    onset : float
        Stimulus onset (ms), at least 200.
    threshold : float
        Rate threshold (Hz) for ignition and detection.
    window : tuple of float
        Detection window (ms) after the onset.
    random_state : int | numpy.random.Generator | None
        Seed.
    verbose : bool | None
        Progress bar over levels.

    Returns
    -------
    result : dict
        ``levels``; ``p_spontaneous`` (n_levels,), fraction of trials with a
        spontaneous ignition; ``p_detected`` (n_levels,); ``spontaneous`` and
        ``detected`` (n_levels, n_trials) booleans.
    """
    levels = np.asarray(check_array(levels, "levels", ndim=1), float)
    n_trials = check_int(n_trials, "n_trials", low=1)
    target = check_int(target, "target", low=0, high=model.n_assemblies - 1)
    if model.n_assemblies < 2:
        raise ValidationError("spontaneous ignition needs at least two assemblies")
    if check_positive(onset, "onset") < 200.0:
        raise ValidationError(f"onset must be at least 200 ms, got {onset}")
    threshold = check_positive(threshold, "threshold")
    rng = check_random_state(random_state)
    others = [k for k in range(model.n_assemblies) if k != target]
    spont = np.zeros((levels.size, n_trials), bool)
    detected = np.zeros((levels.size, n_trials), bool)
    for i, level in enumerate(progress_bar(levels, desc="levels", verbose=verbose)):
        m = model.with_params(neuromodulation=float(level))
        onsets = np.full((n_trials, m.n_assemblies), np.nan)
        onsets[:, target] = onset
        trials = m.run(onsets, onset + window[1] + 10.0, random_state=rng)
        before = np.full(n_trials, onset)
        for k in others:
            pk = peak_rate(trials, _workspace_population(m, k), before, (-200.0, 0.0))
            spont[i] |= pk > threshold
        detected[i] = (
            peak_rate(
                trials, _workspace_population(m, target), onsets[:, target], window
            )
            > threshold
        )
    return {
        "levels": levels,
        "p_spontaneous": spont.mean(axis=1),
        "p_detected": detected.mean(axis=1),
        "spontaneous": spont,
        "detected": detected,
    }
