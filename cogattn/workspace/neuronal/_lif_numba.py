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
network). The kernel is parallel over trials (``prange``); each trial has its own
xoshiro256** generator (seeded by splitmix64 from the trial's seed) and draws normals
by Marsaglia's polar method, so a trial's numbers do not depend on the thread count.
"""

from __future__ import annotations

import numpy as np

from cogattn._core.jit import jit, prange

__all__ = ["simulate_trials"]


@jit
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@jit
def _seed_state(seed):
    """Make four words of xoshiro256** state from one seed, by splitmix64."""
    state = np.empty(4, dtype=np.uint64)
    z = np.uint64(seed)
    for i in range(4):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[i] = x ^ (x >> np.uint64(31))
    return state


@jit
def _uniform(state):
    """Draw a uniform number in [0, 1) from xoshiro256** (53 random bits)."""
    result = _rotl(state[1] * np.uint64(5), 7) * np.uint64(9)
    t = state[1] << np.uint64(17)
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = _rotl(state[3], 45)
    return (result >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def _normal_pair(state):
    """Draw two independent standard normals (Marsaglia polar method)."""
    while True:
        u = 2.0 * _uniform(state) - 1.0
        v = 2.0 * _uniform(state) - 1.0
        r = u * u + v * v
        if 0.0 < r < 1.0:
            f = np.sqrt(-2.0 * np.log(r) / r)
            return u * f, v * f


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
        rng = _seed_state(seeds[trial])
        spare = 0.0
        have_spare = False
        v = np.empty(n_neurons)
        for i in range(n_neurons):
            p = pop_of[i]
            noise, _ = _normal_pair(rng)
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
                if have_spare:
                    xi = spare
                    have_spare = False
                else:
                    xi, spare = _normal_pair(rng)
                    have_spare = True
                v[i] += (
                    leak[p] * (e_l[p] - v[i] + drive[p] - a[i]) + noise_scale[p] * xi
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
