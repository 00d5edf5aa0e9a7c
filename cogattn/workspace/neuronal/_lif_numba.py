r"""Numba kernel: batched trials of a network of leaky integrate-and-fire populations.

Every population is a group of identical LIF neurons. Connections between populations
are all-to-all with weight ``w / N_pre`` per synapse, so every neuron of a population
receives the same synaptic input and one synaptic state per presynaptic population and
channel is exact (it equals each neuron's own synaptic variable). Each channel
(fast excitatory ``AMPA``, slow excitatory ``NMDA``, inhibitory ``GABA``) filters the
presynaptic population rate ``r_p(t)`` (Hz) with a rise and a decay time constant:

.. math::

    \dot x_p = -x_p / \tau_r + r_p(t), \qquad
    \tau_d \dot s_p = x_p / \tau_r - s_p,

so that ``s_p`` is a unit-gain filtered rate. The membrane of neuron ``i`` in
population ``q`` follows (forward Euler, noise by Euler-Maruyama)

.. math::

    \tau_m \dot V_i = E_L - V_i + \sum_p \left(W^{A}_{qp} s^{A}_p + W^{N}_{qp} s^{N}_p
    - W^{G}_{qp} s^{G}_p\right) + I_q + S_q(t) - a_i
    + \sigma \sqrt{2 \tau_m}\, \xi_i(t),

with a spike and a reset to ``V_reset`` for ``t_ref`` when ``V_i >= V_th``, and a
spike-triggered adaptation ``a_i`` (jump ``b``, decay ``tau_a``). Weights are in mV
per Hz of presynaptic rate, currents in mV (input resistance folded in).

Every trial starts with the potentials at rest plus the membrane noise (a quiet
network). The kernel is parallel over trials (``prange``); each trial seeds numba's
generator of its thread with its own seed, so a trial's numbers do not depend on the
thread count.
"""

from __future__ import annotations

import numpy as np

from cogattn._core.jit import jit, prange

__all__ = ["simulate_trials"]


@jit(parallel=True)
def simulate_trials(
    pop_start,
    pop_size,
    tau_m,
    e_l,
    v_th,
    v_reset,
    t_ref,
    sigma,
    b_adapt,
    tau_adapt,
    i_tonic,
    w_ampa,
    w_nmda,
    w_gaba,
    tau_rise,
    tau_decay,
    stim_pop,
    stim_onset,
    stim_duration,
    stim_amplitude,
    dt,
    n_steps,
    bin_steps,
    seeds,
):
    """Simulate ``len(seeds)`` independent trials; return binned spike counts.

    Parameters
    ----------
    pop_start, pop_size : int64 arrays of shape (n_pop,)
        First neuron index and size of each population (contiguous blocks).
    tau_m, e_l, v_th, v_reset, t_ref, sigma, b_adapt, tau_adapt, i_tonic : float64
        arrays of shape (n_pop,)
        Per-population neuron parameters (ms, mV).
    w_ampa, w_nmda, w_gaba : float64 arrays of shape (n_pop, n_pop)
        Weights (post, pre) in mV per Hz of presynaptic rate.
    tau_rise, tau_decay : float64 arrays of shape (3,)
        Rise and decay times (ms) of the AMPA, NMDA and GABA channels.
    stim_pop : int64 array of shape (n_stim,)
        Population each stimulus drives.
    stim_onset : float64 array of shape (n_trials, n_stim)
        Onsets (ms); a negative onset means the stimulus is absent on that trial.
    stim_duration : float64 array of shape (n_stim,)
        Durations (ms) of the stimuli.
    stim_amplitude : float64 array of shape (n_trials, n_stim)
        Amplitudes (mV) of the stimuli on each trial.
    dt : float
        Time step (ms).
    n_steps, bin_steps : int
        Number of steps, steps per output bin.
    seeds : int64 array of shape (n_trials,)
        One seed per trial.

    Returns
    -------
    counts : int32 array of shape (n_trials, n_pop, n_bins)
        Spikes of each population in each bin.
    """
    n_trials = seeds.shape[0]
    n_pop = pop_size.shape[0]
    n_neurons = 0
    for p in range(n_pop):
        n_neurons += pop_size[p]
    n_bins = n_steps // bin_steps
    n_stim = stim_pop.shape[0]
    counts = np.zeros((n_trials, n_pop, n_bins), dtype=np.int32)

    # per-neuron constants
    pop_of = np.empty(n_neurons, dtype=np.int64)
    for p in range(n_pop):
        for i in range(pop_start[p], pop_start[p] + pop_size[p]):
            pop_of[i] = p
    ref_steps = np.empty(n_pop, dtype=np.int64)
    noise_scale = np.empty(n_pop)
    leak = np.empty(n_pop)
    adapt_decay = np.empty(n_pop)
    for p in range(n_pop):
        ref_steps[p] = int(np.round(t_ref[p] / dt))
        noise_scale[p] = sigma[p] * np.sqrt(2.0 * dt / tau_m[p])
        leak[p] = dt / tau_m[p]
        adapt_decay[p] = dt / tau_adapt[p]
    to_hz = 1000.0 / dt

    for trial in prange(n_trials):
        np.random.seed(seeds[trial])  # noqa: NPY002 - numba's per-thread generator
        v = np.empty(n_neurons)
        for i in range(n_neurons):
            p = pop_of[i]
            noise = np.random.standard_normal()  # noqa: NPY002
            v[i] = min(e_l[p] + sigma[p] * noise, v_th[p] - 1e-3)
        ref = np.zeros(n_neurons, dtype=np.int64)
        a = np.zeros(n_neurons)
        x = np.zeros((3, n_pop))
        s = np.zeros((3, n_pop))
        drive = np.empty(n_pop)
        spikes = np.zeros(n_pop)
        onset_step = np.empty(n_stim, dtype=np.int64)
        end_step = np.empty(n_stim, dtype=np.int64)
        for k in range(n_stim):
            if stim_onset[trial, k] < 0.0:
                onset_step[k] = n_steps + 1
                end_step[k] = n_steps + 1
            else:
                onset_step[k] = int(np.round(stim_onset[trial, k] / dt))
                end_step[k] = onset_step[k] + int(np.round(stim_duration[k] / dt))
        for step in range(n_steps):
            # synaptic and external drive of each population (mV)
            for q in range(n_pop):
                total = i_tonic[q]
                for p in range(n_pop):
                    total += (
                        w_ampa[q, p] * s[0, p]
                        + w_nmda[q, p] * s[1, p]
                        - w_gaba[q, p] * s[2, p]
                    )
                drive[q] = total
            for k in range(n_stim):
                if onset_step[k] <= step < end_step[k]:
                    drive[stim_pop[k]] += stim_amplitude[trial, k]
            for q in range(n_pop):
                spikes[q] = 0.0
            # neurons
            for i in range(n_neurons):
                p = pop_of[i]
                a[i] -= adapt_decay[p] * a[i]
                if ref[i] > 0:
                    ref[i] -= 1
                    continue
                v[i] += (
                    leak[p] * (e_l[p] - v[i] + drive[p] - a[i])
                    + noise_scale[p] * np.random.standard_normal()  # noqa: NPY002
                )
                if v[i] >= v_th[p]:
                    v[i] = v_reset[p]
                    ref[i] = ref_steps[p]
                    a[i] += b_adapt[p]
                    spikes[p] += 1.0
            b = step // bin_steps
            for q in range(n_pop):
                if b < n_bins:
                    counts[trial, q, b] += np.int32(spikes[q])
            # synapses: unit-gain rise/decay filters of the population rates
            for c in range(3):
                for p in range(n_pop):
                    rate = spikes[p] * to_hz / pop_size[p]
                    x_old = x[c, p]
                    x[c, p] += dt * (rate - x_old / tau_rise[c])
                    s[c, p] += dt * (x_old / tau_rise[c] - s[c, p]) / tau_decay[c]
    return counts
