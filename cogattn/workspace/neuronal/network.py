r"""A neuronal global workspace of leaky integrate-and-fire populations.

After Dehaene, Sergent & Changeux (2003, PNAS). Each of ``n_assemblies`` contents (T1,
T2, ...) has an excitatory assembly in every area of a hierarchy: ``n_perceptual``
perceptual areas followed by ``n_workspace`` workspace areas. Connections (all-to-all
between populations, weight ``w / N_pre`` per synapse, see
:mod:`cogattn.workspace.neuronal._lif_numba`):

- bottom-up, fast (AMPA-like): assembly ``k`` of area ``a`` to assembly ``k`` of area
  ``a + 1``;
- top-down, slow (NMDA-like): assembly ``k`` of every workspace area to assembly
  ``k`` of every lower area, scaled by ``top_down_scale`` (0 removes it, 0.5 halves it);
- recurrent, slow: each workspace assembly onto itself;
- inhibition: each workspace assembly drives its own inhibitory pool (AMPA), which
  inhibits the other assemblies of that area (GABA), so contents compete;
- adaptation: workspace neurons carry a spike-triggered adaptation current that ends an
  ignition after a few hundred milliseconds;
- neuromodulation: a tonic current added to every workspace neuron.

Neuron constants follow the paper (threshold -48 mV, reset -80 mV, refractory 4 ms,
membrane 10 ms; AMPA 0.5/2.4 ms, NMDA 4/40 ms, GABA 1/7 ms rise/decay); the coupling
strengths are this module's own (the paper's network has conductance synapses and more
columns; here synapses are current-based and each content has one assembly per area).
A stimulus is a current step (``stim_amplitude`` mV, ``stim_duration`` ms) into the
content's assembly of the first perceptual area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array, check_int, check_positive

__all__ = ["NeuronalWorkspace", "WorkspaceTrials", "check_time_step"]

#: channel order of the kernel
CHANNELS = ("ampa", "nmda", "gaba")


@dataclass(frozen=True)
class WorkspaceTrials:
    """Binned spike counts of a batch of trials.

    Attributes
    ----------
    counts : ndarray of shape (n_trials, n_populations, n_bins), int32
        Spikes of each population in each bin.
    populations : tuple of str
        Population names, ``"<area>:<assembly>"`` for excitatory assemblies (areas
        ``P1..``, ``W1..``; assemblies ``T1..``) and ``"<area>:<assembly>:inh"`` for
        inhibitory pools.
    sizes : ndarray of shape (n_populations,)
        Neurons per population.
    bin_ms : float
        Bin width (ms).
    onsets : ndarray of shape (n_trials, n_assemblies)
        Stimulus onsets (ms), NaN where absent.
    """

    counts: np.ndarray
    populations: tuple[str, ...]
    sizes: np.ndarray
    bin_ms: float
    onsets: np.ndarray

    @property
    def times(self) -> np.ndarray:
        """Bin centres (ms), shape (n_bins,)."""
        n = self.counts.shape[-1]
        return (np.arange(n) + 0.5) * self.bin_ms

    def rates(self, population: str) -> np.ndarray:
        """Return the population rate (Hz), shape (n_trials, n_bins)."""
        if population not in self.populations:
            raise ValidationError(
                f"unknown population {population!r}; "
                f"allowed: {', '.join(self.populations)}"
            )
        j = self.populations.index(population)
        return self.counts[:, j, :] * (1000.0 / (self.bin_ms * self.sizes[j]))

    def window_rate(self, population: str, start: Any, stop: Any) -> np.ndarray:
        """Mean rate (Hz) of a population between ``start`` and ``stop`` ms.

        Parameters
        ----------
        population : str
            Population name.
        start, stop : float or array of shape (n_trials,)
            Window edges (ms), per trial when arrays (e.g. relative to an onset).

        Returns
        -------
        rate : ndarray of shape (n_trials,)
        """
        r = self.rates(population)
        t = self.times
        start = np.broadcast_to(np.asarray(start, float), (r.shape[0],))
        stop = np.broadcast_to(np.asarray(stop, float), (r.shape[0],))
        inside = (t[None, :] >= start[:, None]) & (t[None, :] < stop[:, None])
        n = inside.sum(axis=1)
        if np.any(n == 0):
            raise ValidationError(
                f"a rate window holds no {self.bin_ms} ms bin (start {start.min()}, "
                f"stop {stop.max()} ms, trial length {t[-1] + self.bin_ms / 2} ms)"
            )
        return (r * inside).sum(axis=1) / n


class NeuronalWorkspace:
    """Perceptual and workspace areas of LIF neurons with competing assemblies.

    Parameters
    ----------
    n_assemblies : int
        Number of contents (T1, T2, ...), each with one assembly per area.
    n_perceptual, n_workspace : int
        Number of perceptual and workspace areas.
    n_exc, n_inh : int
        Neurons per excitatory assembly and per inhibitory pool.
    tau_m : float
        Membrane time constant (ms).
    v_rest, v_threshold, v_reset : float
        Resting, threshold and reset potentials (mV).
    t_ref : float
        Refractory period (ms).
    noise : float
        Standard deviation (mV) of the free membrane's fluctuations.
    tau_ampa, tau_nmda, tau_gaba : tuple of float
        (rise, decay) time constants (ms) of the three channels.
    baseline, baseline_inh : float
        Tonic input (mV) to every excitatory and every inhibitory neuron.
    w_bottom_up : float
        Fast feedforward weight (mV per Hz) between successive areas.
    w_to_workspace : float | None
        Fast feedforward weight into workspace areas; ``None`` uses ``w_bottom_up``.
    w_top_down : float
        Slow feedback weight (mV per Hz) from each workspace area to each lower area.
    top_down_scale : float
        Multiplies ``w_top_down`` (0 removes top-down coupling, 0.5 halves it).
    w_recurrent : float
        Slow self-excitation (mV per Hz) of each workspace assembly.
    w_exc_inh : float
        Workspace assembly to its inhibitory pool (mV per Hz).
    w_inhibition : float
        Inhibitory pool to the other assemblies of its area (mV per Hz).
    w_inh_self : float
        Inhibitory pool to its own assembly (mV per Hz).
    adaptation : float
        Adaptation jump per spike (mV) of workspace neurons.
    tau_adaptation : float
        Adaptation decay (ms).
    neuromodulation : float
        Tonic current (mV) added to every workspace excitatory neuron.
    stim_amplitude : float
        Stimulus current (mV) into the first perceptual area.
    stim_duration : float
        Stimulus duration (ms).
    stim_jitter : float
        Trial-to-trial standard deviation of each stimulus amplitude, as a fraction of
        ``stim_amplitude`` (perceptual noise; amplitudes are clipped at zero).
    dt : float
        Time step (ms); at most half the shortest time constant.
    bin_ms : float
        Width of the output bins (ms), a multiple of ``dt``.

    Notes
    -----
    Parameters are checked when the object is built, so a bad value fails before
    any simulation.
    """

    def __init__(
        self,
        n_assemblies: int = 2,
        n_perceptual: int = 2,
        n_workspace: int = 1,
        n_exc: int = 40,
        n_inh: int = 20,
        tau_m: float = 10.0,
        v_rest: float = -70.0,
        v_threshold: float = -48.0,
        v_reset: float = -80.0,
        t_ref: float = 4.0,
        noise: float = 3.0,
        tau_ampa: tuple[float, float] = (0.5, 2.4),
        tau_nmda: tuple[float, float] = (4.0, 40.0),
        tau_gaba: tuple[float, float] = (1.0, 7.0),
        baseline: float = 14.0,
        baseline_inh: float = 0.0,
        w_bottom_up: float = 0.25,
        w_to_workspace: float | None = 0.14,
        w_top_down: float = 0.25,
        top_down_scale: float = 1.0,
        w_recurrent: float = 0.22,
        w_exc_inh: float = 0.4,
        w_inhibition: float = 0.8,
        w_inh_self: float = 0.0,
        adaptation: float = 1.0,
        tau_adaptation: float = 200.0,
        neuromodulation: float = 0.0,
        stim_amplitude: float = 25.0,
        stim_duration: float = 40.0,
        stim_jitter: float = 0.25,
        dt: float = 0.1,
        bin_ms: float = 5.0,
    ) -> None:
        self.n_assemblies = check_int(n_assemblies, "n_assemblies", low=1)
        self.n_perceptual = check_int(n_perceptual, "n_perceptual", low=1)
        self.n_workspace = check_int(n_workspace, "n_workspace", low=1)
        self.n_exc = check_int(n_exc, "n_exc", low=1)
        self.n_inh = check_int(n_inh, "n_inh", low=1)
        self.tau_m = check_positive(tau_m, "tau_m")
        self.v_rest = _finite(v_rest, "v_rest")
        self.v_threshold = _finite(v_threshold, "v_threshold")
        self.v_reset = _finite(v_reset, "v_reset")
        if self.v_reset >= self.v_threshold:
            raise ValidationError(
                f"v_reset ({self.v_reset} mV) must be below v_threshold "
                f"({self.v_threshold} mV)"
            )
        self.t_ref = check_positive(t_ref, "t_ref", strict=False)
        self.noise = check_positive(noise, "noise", strict=False)
        self.tau_ampa = _time_pair(tau_ampa, "tau_ampa")
        self.tau_nmda = _time_pair(tau_nmda, "tau_nmda")
        self.tau_gaba = _time_pair(tau_gaba, "tau_gaba")
        self.baseline = _finite(baseline, "baseline")
        self.baseline_inh = _finite(baseline_inh, "baseline_inh")
        self.w_bottom_up = check_positive(w_bottom_up, "w_bottom_up", strict=False)
        self.w_to_workspace = (
            self.w_bottom_up
            if w_to_workspace is None
            else check_positive(w_to_workspace, "w_to_workspace", strict=False)
        )
        self.w_top_down = check_positive(w_top_down, "w_top_down", strict=False)
        self.top_down_scale = check_positive(
            top_down_scale, "top_down_scale", strict=False
        )
        self.w_recurrent = check_positive(w_recurrent, "w_recurrent", strict=False)
        self.w_exc_inh = check_positive(w_exc_inh, "w_exc_inh", strict=False)
        self.w_inhibition = check_positive(w_inhibition, "w_inhibition", strict=False)
        self.w_inh_self = check_positive(w_inh_self, "w_inh_self", strict=False)
        self.adaptation = check_positive(adaptation, "adaptation", strict=False)
        self.tau_adaptation = check_positive(tau_adaptation, "tau_adaptation")
        self.neuromodulation = _finite(neuromodulation, "neuromodulation")
        self.stim_amplitude = _finite(stim_amplitude, "stim_amplitude")
        self.stim_duration = check_positive(stim_duration, "stim_duration")
        self.stim_jitter = check_positive(stim_jitter, "stim_jitter", strict=False)
        self.dt = check_time_step(
            dt,
            {
                "tau_m": self.tau_m,
                "tau_ampa": min(self.tau_ampa),
                "tau_nmda": min(self.tau_nmda),
                "tau_gaba": min(self.tau_gaba),
                "tau_adaptation": self.tau_adaptation,
            },
        )
        self.bin_ms = check_positive(bin_ms, "bin_ms")
        steps = self.bin_ms / self.dt
        if abs(steps - round(steps)) > 1e-6 or round(steps) < 1:
            raise ValidationError(
                f"bin_ms ({self.bin_ms}) must be a whole multiple of dt ({self.dt})"
            )

    def get_params(self) -> dict[str, Any]:
        """Return the constructor's arguments as stored.

        Returns
        -------
        params : dict
        """
        import inspect

        names = inspect.signature(type(self).__init__).parameters
        return {n: getattr(self, n) for n in names if n != "self"}

    def with_params(self, **changes: Any) -> NeuronalWorkspace:
        """Return a copy with some parameters changed (checked again).

        Parameters
        ----------
        **changes
            Constructor arguments to replace.

        Returns
        -------
        model : NeuronalWorkspace
        """
        params = self.get_params()
        unknown = sorted(set(changes) - set(params))
        if unknown:
            raise ValidationError(
                f"unknown parameter(s) {unknown}; allowed: {', '.join(params)}"
            )
        params.update(changes)
        return type(self)(**params)

    # ---------------------------------------------------------------- structure
    @property
    def areas(self) -> tuple[str, ...]:
        """Area names, perceptual (``P1..``) then workspace (``W1..``)."""
        return tuple(f"P{i + 1}" for i in range(self.n_perceptual)) + tuple(
            f"W{i + 1}" for i in range(self.n_workspace)
        )

    @property
    def assemblies(self) -> tuple[str, ...]:
        """Content names ``T1..``."""
        return tuple(f"T{k + 1}" for k in range(self.n_assemblies))

    @property
    def populations(self) -> tuple[str, ...]:
        """Excitatory assemblies (area-major), then inhibitory pools."""
        exc = tuple(f"{a}:{t}" for a in self.areas for t in self.assemblies)
        inh = tuple(
            f"{a}:{t}:inh"
            for a in self.areas[self.n_perceptual :]
            for t in self.assemblies
        )
        return exc + inh

    def _index(self, area: int, assembly: int) -> int:
        return area * self.n_assemblies + assembly

    def _inh_index(self, workspace_area: int, assembly: int) -> int:
        n_exc_pops = len(self.areas) * self.n_assemblies
        return n_exc_pops + workspace_area * self.n_assemblies + assembly

    def connectivity(self) -> dict[str, np.ndarray]:
        """Return the population weight matrices (post, pre) in mV per Hz.

        Returns
        -------
        weights : dict
            ``"ampa"``, ``"nmda"``, ``"gaba"``: arrays of shape
            (n_populations, n_populations).
        """
        n = len(self.populations)
        w = {c: np.zeros((n, n)) for c in CHANNELS}
        n_areas = len(self.areas)
        td = self.w_top_down * self.top_down_scale
        for k in range(self.n_assemblies):
            for a in range(n_areas - 1):
                w_ff = (
                    self.w_bottom_up
                    if a + 1 < self.n_perceptual
                    else self.w_to_workspace
                )
                w["ampa"][self._index(a + 1, k), self._index(a, k)] = w_ff
            for wa in range(self.n_workspace):
                a = self.n_perceptual + wa
                src = self._index(a, k)
                for lower in range(a):
                    w["nmda"][self._index(lower, k), src] += td
                w["nmda"][src, src] += self.w_recurrent
                inh = self._inh_index(wa, k)
                w["nmda"][inh, src] = self.w_exc_inh
                for j in range(self.n_assemblies):
                    target = self._index(a, j)
                    w["gaba"][target, inh] = (
                        self.w_inhibition if j != k else self.w_inh_self
                    )
        return w

    # ---------------------------------------------------------------- simulation
    def run(
        self,
        onsets: Any,
        duration: float,
        *,
        random_state: int | np.random.Generator | None = None,
    ) -> WorkspaceTrials:
        """Simulate one trial per row of ``onsets``.

        Parameters
        ----------
        onsets : array-like of shape (n_trials, n_assemblies)
            Stimulus onset (ms) of each content on each trial; NaN where the content
            is not shown.
        duration : float
            Trial length (ms).
        random_state : int | numpy.random.Generator | None
            Seed of the noise and initial potentials; the same value gives identical
            trials.

        Returns
        -------
        trials : WorkspaceTrials
        """
        from cogattn.workspace.neuronal._lif_numba import simulate_trials

        onsets = np.asarray(check_array(onsets, "onsets", ndim=2, finite=False), float)
        if np.any(np.isinf(onsets)):
            raise ValidationError("onsets must be finite (NaN for an absent stimulus)")
        if onsets.shape[1] != self.n_assemblies:
            raise ValidationError(
                f"onsets must have one column per assembly ({self.n_assemblies}), "
                f"got shape {onsets.shape}"
            )
        duration = check_positive(duration, "duration")
        if np.any(onsets[~np.isnan(onsets)] < 0):
            raise ValidationError("onsets must be >= 0 ms (NaN for an absent stimulus)")
        rng = check_random_state(random_state)
        n_trials = onsets.shape[0]
        seeds = rng.integers(0, 2**31 - 1, size=n_trials, dtype=np.int64)
        gain = 1.0 + self.stim_jitter * rng.standard_normal(onsets.shape)
        amplitude = self.stim_amplitude * np.clip(gain, 0.0, None)
        n_pop = len(self.populations)
        n_exc_pops = len(self.areas) * self.n_assemblies
        sizes = np.array(
            [self.n_exc] * n_exc_pops + [self.n_inh] * (n_pop - n_exc_pops), np.int64
        )
        start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        workspace = np.zeros(n_pop, bool)
        workspace[self.n_perceptual * self.n_assemblies : n_exc_pops] = True
        is_exc = np.arange(n_pop) < n_exc_pops
        full = np.full(n_pop, 1.0)
        tonic = np.where(is_exc, self.baseline, self.baseline_inh) + np.where(
            workspace, self.neuromodulation, 0.0
        )
        w = self.connectivity()
        bin_steps = round(self.bin_ms / self.dt)
        n_steps = int(np.ceil(duration / self.bin_ms)) * bin_steps
        stim_onset = np.where(np.isnan(onsets), -1.0, onsets)
        counts = simulate_trials(
            start,
            sizes,
            full * self.tau_m,
            full * self.v_rest,
            full * self.v_threshold,
            full * self.v_reset,
            full * self.t_ref,
            full * self.noise,
            np.where(workspace, self.adaptation, 0.0),
            full * self.tau_adaptation,
            tonic,
            w["ampa"],
            w["nmda"],
            w["gaba"],
            np.array([self.tau_ampa[0], self.tau_nmda[0], self.tau_gaba[0]]),
            np.array([self.tau_ampa[1], self.tau_nmda[1], self.tau_gaba[1]]),
            np.arange(self.n_assemblies, dtype=np.int64),
            np.ascontiguousarray(stim_onset),
            np.full(self.n_assemblies, self.stim_duration),
            np.ascontiguousarray(amplitude),
            self.dt,
            n_steps,
            bin_steps,
            seeds,
        )
        return WorkspaceTrials(
            counts=counts,
            populations=self.populations,
            sizes=sizes,
            bin_ms=self.bin_ms,
            onsets=onsets,
        )


def check_time_step(dt: Any, time_constants: dict[str, float]) -> float:
    """Check a forward-Euler time step against the shortest time constant.

    Forward Euler on ``tau dx/dt = -x`` is stable only for ``dt < 2 tau`` and accurate
    only well below ``tau``; the step must be at most half the shortest constant.

    Parameters
    ----------
    dt : float
        Time step (ms).
    time_constants : dict
        Name -> time constant (ms).

    Returns
    -------
    dt : float
    """
    dt = check_positive(dt, "dt")
    name = min(time_constants, key=time_constants.get)
    shortest = time_constants[name]
    if dt > shortest / 2:
        raise ValidationError(
            f"dt = {dt} ms is too large for a stable forward-Euler step: it must be "
            f"at most half the shortest time constant ({name} = {shortest} ms), "
            f"i.e. dt <= {shortest / 2} ms"
        )
    return dt


def _finite(value: Any, name: str) -> float:
    from cogattn._core.validation import validate_type

    validate_type(value, "numeric", name)
    value = float(value)
    if not np.isfinite(value):
        raise ValidationError(f"{name} must be a finite number, got {value}")
    return value


def _time_pair(value: Any, name: str) -> tuple[float, float]:
    try:
        rise, decay = value
    except (TypeError, ValueError):
        raise ValidationError(
            f"{name} must be a (rise, decay) pair of time constants in ms, "
            f"got {value!r}"
        ) from None
    return (
        check_positive(rise, f"{name} rise"),
        check_positive(decay, f"{name} decay"),
    )
