"""Neuronal workspace: batched numba trials vs a numpy reference of the same network.

The intended anchor is Brian2 on the same network and duration. Brian2 2.9.0 (the
newest release) installs under the project's constraints but does not import with
numpy 2.4 (``numpy.ndarray`` has no ``ptp`` any more, which ``brian2.units`` wraps at
import time), so this script reports that and times the textbook alternative: the
same equations (current-based LIF, population AMPA/NMDA/GABA filters, adaptation,
Euler-Maruyama noise) vectorised with numpy over trials x neurons, stepped in a
Python loop over time. Where Brian2 imports the script says so; a Brian2 version of
the network is not written yet.

Agreement is statistical (the two sides draw different noise): trial-mean rates of
every population in three windows, and T2 detection at the lag of the protocol.
Timing follows ``benchmarks/_timing.py`` (warm, interleaved, load average).

Usage::

    python benchmarks/bench_neuronal_workspace.py            # 32 trials, lag 200 ms
    python benchmarks/bench_neuronal_workspace.py --sweep    # also the full lag sweep
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import compare, environment, header, load_average, row

from cogattn.workspace import NeuronalWorkspace, attentional_blink, peak_rate


def numpy_reference(model, onsets, duration, seed):
    """The network of ``model`` in numpy: trials x neurons per step, loop over time."""
    rng = np.random.default_rng(seed)
    n_trials = onsets.shape[0]
    pops = model.populations
    n_pop = len(pops)
    n_exc_pops = len(model.areas) * model.n_assemblies
    sizes = np.array([model.n_exc] * n_exc_pops + [model.n_inh] * (n_pop - n_exc_pops))
    pop_of = np.repeat(np.arange(n_pop), sizes)
    is_exc = np.arange(n_pop) < n_exc_pops
    workspace = np.zeros(n_pop, bool)
    workspace[model.n_perceptual * model.n_assemblies : n_exc_pops] = True
    tonic = np.where(is_exc, model.baseline, model.baseline_inh)
    tonic = tonic + np.where(workspace, model.neuromodulation, 0.0)
    b_adapt = np.where(workspace, model.adaptation, 0.0)[pop_of]
    w = model.connectivity()
    w_all = np.stack([w["ampa"], w["nmda"], -w["gaba"]])  # (3, post, pre)
    tau_r = np.array([model.tau_ampa[0], model.tau_nmda[0], model.tau_gaba[0]])
    tau_d = np.array([model.tau_ampa[1], model.tau_nmda[1], model.tau_gaba[1]])
    dt = model.dt
    gain = 1.0 + model.stim_jitter * rng.standard_normal(onsets.shape)
    amp = model.stim_amplitude * np.clip(gain, 0, None)
    n_steps = int(np.ceil(duration / model.bin_ms)) * round(model.bin_ms / dt)
    bin_steps = round(model.bin_ms / dt)
    n = pop_of.size
    v = np.minimum(model.v_rest + model.noise * rng.standard_normal((n_trials, n)),
                   model.v_threshold - 1e-3)  # fmt: skip
    ref = np.zeros((n_trials, n), int)
    a = np.zeros((n_trials, n))
    x = np.zeros((n_trials, 3, n_pop))
    s = np.zeros((n_trials, 3, n_pop))
    on_step = np.where(
        np.isnan(onsets), n_steps + 1, np.round(np.nan_to_num(onsets) / dt)
    )
    off_step = on_step + round(model.stim_duration / dt)
    counts = np.zeros((n_trials, n_pop, n_steps // bin_steps), np.int32)
    ref_steps = round(model.t_ref / dt)
    noise = model.noise * np.sqrt(2 * dt / model.tau_m)
    for step in range(n_steps):
        drive = tonic + np.einsum("cqp,tcp->tq", w_all, s)
        stim = (on_step <= step) & (step < off_step)
        drive[:, : model.n_assemblies] += stim * amp
        a -= dt / model.tau_adaptation * a
        free = ref == 0
        dv = dt / model.tau_m * (model.v_rest - v + drive[:, pop_of] - a)
        v = np.where(free, v + dv + noise * rng.standard_normal(v.shape), v)
        ref = np.where(free, ref, ref - 1)
        spk = free & (v >= model.v_threshold)
        v = np.where(spk, model.v_reset, v)
        ref = np.where(spk, ref_steps, ref)
        a = a + spk * b_adapt
        per_pop = np.add.reduceat(spk, np.cumsum(sizes) - sizes, axis=1)
        counts[:, :, step // bin_steps] += per_pop.astype(np.int32)
        rate = per_pop * (1000.0 / dt) / sizes
        x_old = x.copy()
        x += dt * (rate[:, None, :] - x_old / tau_r[None, :, None])
        s += dt * (x_old / tau_r[None, :, None] - s) / tau_d[None, :, None]
    return counts


def summary(counts, model, onsets):
    """Trial-mean rates per population in three windows, and T2 detection."""
    from cogattn.workspace.neuronal.network import WorkspaceTrials

    sizes = np.array(
        [model.n_exc] * (len(model.areas) * model.n_assemblies)
        + [model.n_inh]
        * (len(model.populations) - len(model.areas) * model.n_assemblies)
    )
    tr = WorkspaceTrials(counts, model.populations, sizes, model.bin_ms, onsets)
    wins = [(100, 200), (200, 400), (400, 600)]
    rates = np.array(
        [[tr.window_rate(p, *w).mean() for w in wins] for p in model.populations]
    )
    top = f"W{model.n_workspace}:T2"
    det = (peak_rate(tr, top, onsets[:, 1]) > 20.0).mean()
    return rates, det


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweep", action="store_true")
    args = parser.parse_args()
    print(environment())
    try:
        import brian2  # noqa: F401

        print("brian2 imports; its row is not implemented in this script yet")
    except Exception as err:
        print(f"brian2: not usable here ({type(err).__name__}: {err})")
    model = NeuronalWorkspace()
    onsets = np.tile([100.0, 300.0], (args.trials, 1))
    duration = 700.0
    comp = compare(
        lambda: model.run(onsets, duration, random_state=0).counts,
        lambda: numpy_reference(model, onsets, duration, 0),
        repeat=args.repeat,
        repeat_b=1,
    )
    ra, da = summary(comp.out_a, model, onsets)
    rb, db = summary(comp.out_b, model, onsets)
    print(header())
    agreement = (
        f"max |rate diff| {np.max(np.abs(ra - rb)):.1f} Hz (rates up to "
        f"{ra.max():.0f}); T2 detected {da:.2f} vs {db:.2f}"
    )
    print(
        row(
            f"{args.trials} trials x {duration:.0f} ms [numba vs numpy]",
            comp,
            agreement,
        )
    )
    if args.sweep:
        lags = [0, 100, 150, 200, 250, 300, 400, 600]
        t0 = time.perf_counter()
        res = attentional_blink(model, lags, 100, random_state=0, verbose=False)
        took = time.perf_counter() - t0
        print(
            f"full sweep (8 lags x 100 trials): {took:.1f} s, {load_average()}; "
            f"T2 detection {np.round(res['t2_detected'], 2).tolist()}"
        )


if __name__ == "__main__":
    main()
