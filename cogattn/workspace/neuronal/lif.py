r"""The leaky integrate-and-fire neuron: closed-form and simulated firing rates.

For a constant input ``mu`` (mV, input resistance folded in) the membrane relaxes to
``V_inf = E_L + mu``. When ``V_inf > V_th`` the neuron fires regularly at

.. math::

    r = \frac{1}{t_\mathrm{ref} + \tau_m \ln\frac{V_\infty - V_\mathrm{reset}}
    {V_\infty - V_\mathrm{th}}},

and not at all otherwise. :func:`lif_rate_simulated` measures the same rate with the
kernel that runs the workspace network (one unconnected population per input), so
the closed form checks the kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_positive

__all__ = ["lif_rate", "lif_rate_simulated"]


def _check_neuron(
    tau_m: float, v_rest: float, v_threshold: float, v_reset: float, t_ref: float
) -> tuple[float, float, float, float, float]:
    tau_m = check_positive(tau_m, "tau_m")
    t_ref = check_positive(t_ref, "t_ref", strict=False)
    values = [float(v) for v in (v_rest, v_threshold, v_reset)]
    if not np.all(np.isfinite(values)):
        raise ValidationError(f"potentials must be finite, got {values}")
    if values[2] >= values[1]:
        raise ValidationError(
            f"v_reset ({values[2]} mV) must be below v_threshold ({values[1]} mV)"
        )
    return tau_m, values[0], values[1], values[2], t_ref


def lif_rate(
    current: Any,
    *,
    tau_m: float = 10.0,
    v_rest: float = -70.0,
    v_threshold: float = -48.0,
    v_reset: float = -80.0,
    t_ref: float = 4.0,
) -> np.ndarray:
    """Closed-form firing rate (Hz) of a noiseless LIF neuron under constant input.

    Parameters
    ----------
    current : array-like
        Constant input (mV, ``R I``), any shape.
    tau_m : float
        Membrane time constant (ms).
    v_rest, v_threshold, v_reset : float
        Resting, threshold and reset potentials (mV).
    t_ref : float
        Refractory period (ms).

    Returns
    -------
    rate : ndarray
        Firing rate (Hz), same shape as ``current``; 0 where ``V_inf <= V_th``.
    """
    tau_m, v_rest, v_th, v_reset, t_ref = _check_neuron(
        tau_m, v_rest, v_threshold, v_reset, t_ref
    )
    mu = np.asarray(check_array(current, "current", ndim=None), float)
    v_inf = v_rest + mu
    rate = np.zeros_like(v_inf)
    fires = v_inf > v_th
    period = t_ref + tau_m * np.log((v_inf[fires] - v_reset) / (v_inf[fires] - v_th))
    rate[fires] = 1000.0 / period
    return rate


def lif_rate_simulated(
    current: Any,
    *,
    duration: float = 2000.0,
    dt: float = 0.01,
    tau_m: float = 10.0,
    v_rest: float = -70.0,
    v_threshold: float = -48.0,
    v_reset: float = -80.0,
    t_ref: float = 4.0,
    noise: float = 0.0,
    n_neurons: int = 1,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Measure the firing rate (Hz) of simulated LIF neurons under constant input.

    Each input is a separate, unconnected population run by the network kernel
    (:mod:`cogattn.workspace.neuronal._lif_numba`). The rate counts the spikes after
    the first one (so the start from rest does not bias it) over the time between the
    first and the last spike; a neuron with fewer than two spikes has rate 0.

    Parameters
    ----------
    current : array-like of shape (n_inputs,)
        Constant input (mV).
    duration : float
        Simulated time (ms).
    dt : float
        Time step (ms); at most half of ``tau_m``.
    tau_m, v_rest, v_threshold, v_reset, t_ref : float
        Neuron constants (ms, mV).
    noise : float
        Standard deviation (mV) of the free membrane's fluctuations.
    n_neurons : int
        Neurons per input (their rates are averaged).
    random_state : int | numpy.random.Generator | None
        Seed of the noise and of the initial potentials.

    Returns
    -------
    rate : ndarray of shape (n_inputs,)
    """
    from cogattn.workspace.neuronal.network import check_time_step

    tau_m, v_rest, v_th, v_reset, t_ref = _check_neuron(
        tau_m, v_rest, v_threshold, v_reset, t_ref
    )
    mu = np.asarray(check_array(current, "current", ndim=1), float)
    dt = check_time_step(dt, {"tau_m": tau_m})
    duration = check_positive(duration, "duration")
    noise = check_positive(noise, "noise", strict=False)
    return _simulate_rates(
        mu, duration, dt, tau_m, v_rest, v_th, v_reset, t_ref, noise, n_neurons,
        random_state,
    )  # fmt: skip


def _simulate_rates(
    mu: np.ndarray,
    duration: float,
    dt: float,
    tau_m: float,
    v_rest: float,
    v_th: float,
    v_reset: float,
    t_ref: float,
    noise: float,
    n_neurons: int,
    random_state: Any,
) -> np.ndarray:
    from cogattn._core.seeding import check_random_state
    from cogattn._core.validation import check_int
    from cogattn.workspace.neuronal._lif_numba import simulate_trials

    n_neurons = check_int(n_neurons, "n_neurons", low=1)
    rng = check_random_state(random_state)
    n_pop = mu.size
    sizes = np.full(n_pop, n_neurons, np.int64)
    start = np.arange(n_pop, dtype=np.int64) * n_neurons
    ones = np.ones(n_pop)
    zeros = np.zeros((n_pop, n_pop))
    n_steps = round(duration / dt)
    counts = simulate_trials(
        start, sizes, ones * tau_m, ones * v_rest,
        ones * v_th, ones * v_reset, ones * t_ref, ones * noise,
        np.zeros(n_pop), ones, mu.astype(float),
        zeros, zeros, zeros,
        np.ones(3), np.ones(3),
        np.zeros(0, np.int64), np.zeros((1, 0)), np.zeros(0), np.zeros((1, 0)),
        dt, n_steps, 1, rng.integers(0, 2**31 - 1, size=1, dtype=np.int64),
    )[0]  # fmt: skip
    # spike times per population (a step holds at most one spike of one neuron
    # when n_neurons == 1; with more neurons the first-to-last span is pooled)
    rates = np.zeros(n_pop)
    for j in range(n_pop):
        steps = np.flatnonzero(counts[j])
        total = counts[j].sum()
        if total < 2 * n_neurons or steps.size < 2:
            continue
        if n_neurons == 1:
            span = (steps[-1] - steps[0]) * dt
            rates[j] = 1000.0 * (total - 1) / span
        else:
            rates[j] = 1000.0 * total / (n_neurons * duration)
    return rates
