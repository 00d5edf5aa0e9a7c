# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 09 — The attentional blink in a neuronal global workspace
#
# **Objectives**
#
# - Derive the firing rate of a leaky integrate-and-fire (LIF) neuron under constant
#   input and check the network's simulator against it.
# - See *ignition*: a stimulus that reaches the workspace is held there by top-down
#   loops, and cutting those loops removes the sustained activity.
# - Measure the attentional blink (T2 missed 150–300 ms after T1, seen at lag 0 and at
#   long lags) and find where it comes from in the model.
# - Test whether access to the workspace is all-or-none with a measured bimodality
#   statistic.
#
# **Prerequisites** — first-order linear differential equations; rates and histograms;
# numpy indexing. Lab 01 (the other half of `cogattn.workspace`) helps but is not
# needed.
#
# **Time** — about 60 minutes (the simulations take about a minute on a laptop CPU).
#
# ## The model
#
# Dehaene, Sergent & Changeux (2003) proposed that conscious access is the *ignition* of
# a global workspace: distributed neurons with long-range connections that, once a
# stimulus wins access, sustain its representation through reverberating loops and
# broadcast it, while inhibiting the representations of competing stimuli. The
# simulator here (`cogattn.workspace.NeuronalWorkspace`) keeps the architecture:
#
# - two **perceptual areas** (P1, P2) and one **workspace area** (W1), each with one
#   excitatory assembly per content (T1, T2);
# - **bottom-up** connections P1 → P2 → W1 are fast (AMPA-like, 0.5/2.4 ms rise/decay);
#   **top-down** connections W1 → P2, P1 are slow (NMDA-like, 4/40 ms);
# - each workspace assembly drives an **inhibitory pool** that suppresses the other
#   content's workspace assembly (GABA, 1/7 ms), and carries **adaptation** that ends
#   an ignition after a few hundred milliseconds.
#
# Every neuron is a LIF unit with membrane time constant $\tau_m = 10$ ms:
#
# $$\tau_m \frac{dV}{dt} = E_L - V + \mu(t) + \sigma\sqrt{2\tau_m}\,\xi(t),$$
#
# with a spike and a reset to $V_\text{reset} = -80$ mV (held for $t_\text{ref} = 4$
# ms) when $V$ reaches $V_\text{th} = -48$ mV. Input $\mu$ is in mV (the input
# resistance is folded in).

# %%
import matplotlib.pyplot as plt
import numpy as np

from cogattn.labs import check_close, check_true
from cogattn.workspace import (
    NeuronalWorkspace,
    attentional_blink,
    bimodality_coefficient,
    lif_rate,
    lif_rate_simulated,
)

# %% [markdown]
# ## 1. The LIF neuron under constant input
#
# Without noise and with constant $\mu$, $V$ relaxes exponentially towards
# $V_\infty = E_L + \mu$. Starting from $V_\text{reset}$, it reaches $V_\text{th}$
# (when $V_\infty > V_\text{th}$) after
#
# $$T = \tau_m \ln\frac{V_\infty - V_\text{reset}}{V_\infty - V_\text{th}},$$
#
# so the neuron fires at $r = 1/(t_\text{ref} + T)$, and not at all when
# $V_\infty \le V_\text{th}$.
#
# ### Exercise 1 — the closed-form rate
#
# Write `rate_by_hand(mu)` returning the rate in **Hz** (times are in ms) for an array
# of inputs, 0 where the neuron never reaches threshold. The check compares it with the
# package's closed form and with the simulator (`lif_rate_simulated`, the same kernel
# that runs the network, with a 0.01 ms step).

# %%
E_L, V_TH, V_RESET, TAU, T_REF = -70.0, -48.0, -80.0, 10.0, 4.0
mu = np.array([10.0, 22.0, 23.0, 25.0, 30.0, 40.0, 60.0])


def rate_by_hand(mu):
    """Closed-form LIF rate (Hz) for constant inputs mu (mV)."""
    # >>> blank
    v_inf = E_L + np.asarray(mu, float)
    rate = np.zeros_like(v_inf)
    fires = v_inf > V_TH
    period = T_REF + TAU * np.log((v_inf[fires] - V_RESET) / (v_inf[fires] - V_TH))
    rate[fires] = 1000.0 / period
    return rate
    # <<< blank


# %%
simulated = lif_rate_simulated(mu, duration=1000.0, dt=0.01, random_state=0)
check_close("rate_by_hand", rate_by_hand(mu), lif_rate(mu), rtol=1e-10, atol=1e-9,
            hint="T = tau ln((V_inf - V_reset)/(V_inf - V_th)); r = 1000 / (t_ref + T)")
check_close("rate_by_hand vs simulation", rate_by_hand(mu), simulated, rtol=3e-3,
            atol=1e-6, hint="rates in Hz: 1000 / period in ms")
for m, r, s in zip(mu, rate_by_hand(mu), simulated, strict=True):
    print(f"mu = {m:5.1f} mV   closed form {r:6.2f} Hz   simulated {s:6.2f} Hz")

# %% [markdown]
# ## 2. Ignition and the role of top-down loops
#
# Present T1 alone (40 ms, at 100 ms) to 20 trials of the full network and of the same
# network with top-down coupling removed (`top_down_scale=0`). `run` returns binned
# spike counts; `rates(name)` gives Hz per trial and bin and `window_rate(name, a, b)`
# the mean rate between `a` and `b` ms.
#
# ### Exercise 2 — sustained workspace activity
#
# Compute `sustained_full` and `sustained_lesion`: the trial-mean rate of the
# workspace assembly `"W1:T1"` between 250 and 400 ms (well after the stimulus has
# ended) in the two networks.

# %%
model = NeuronalWorkspace()
lesioned = model.with_params(top_down_scale=0.0)
t1_only = np.tile([100.0, np.nan], (20, 1))  # NaN: T2 not shown
full_run = model.run(t1_only, 600.0, random_state=1)
lesion_run = lesioned.run(t1_only, 600.0, random_state=1)

sustained_full = full_run.window_rate("W1:T1", 250, 400).mean()  # blank
sustained_lesion = lesion_run.window_rate("W1:T1", 250, 400).mean()  # blank

# %%
check_close("sustained_full", sustained_full,
            np.mean(full_run.rates("W1:T1")[:, 50:80]), rtol=1e-10,
            hint='use full_run.window_rate("W1:T1", 250, 400) and average over trials')
check_true("ignition needs top-down loops", sustained_full > 3 * sustained_lesion + 5,
           "the full network should hold T1 in the workspace, the lesioned one not")
print(f"W1:T1 at 250-400 ms: full {sustained_full:.1f} Hz, "
      f"no top-down {sustained_lesion:.1f} Hz")

# %% tags=["figure"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True, layout="constrained")
panels = ((axes[0], full_run, "full"), (axes[1], lesion_run, "no top-down"))
for ax, run, title in panels:
    for name in ("P1:T1", "P2:T1", "W1:T1", "W1:T2"):
        ax.plot(run.times, run.rates(name).mean(axis=0), label=name)
    ax.axvspan(100, 140, color="0.85")
    ax.set_title(f"T1 alone, {title}")
    ax.set_xlabel("time (ms)")
axes[0].set_ylabel("rate (Hz, mean of 20 trials)")
axes[0].legend(fontsize=9)
plt.show()

# %% [markdown]
# In the full network the workspace assembly stays active for a few hundred
# milliseconds after the 40 ms stimulus (and keeps P1 and P2 active through the
# top-down loops), then adaptation ends the ignition. Without top-down coupling the
# response is a brief feed-forward transient.
#
# ## 3. The attentional blink
#
# Now T1 at 100 ms and T2 after a lag. T2 is **detected** when its workspace assembly's
# peak rate (15 ms smoothing) within 250 ms of its onset exceeds 20 Hz.
# `attentional_blink` runs every lag and returns, per lag and trial, T2's peak rate
# (`"t2_activity"`).
#
# ### Exercise 3 — detection and the blink's minimum
#
# From `blink["t2_activity"]` (shape `(n_lags, n_trials)`) compute `detected`, the
# fraction of trials per lag above the 20 Hz threshold, and `min_lag`, the lag (after
# lag 0) where detection is lowest.

# %%
lags = np.array([0, 100, 200, 300, 500])
blink = attentional_blink(model, lags, 24, random_state=2, verbose=False)
no_td = attentional_blink(lesioned, lags, 24, random_state=2, verbose=False)

detected = (blink["t2_activity"] > 20.0).mean(axis=1)  # blank
min_lag = lags[1:][np.argmin(detected[1:])]  # blank

# %%
check_close("detected", detected, blink["t2_detected"], rtol=1e-12,
            hint="compare the peaks with 20.0 and average over trials (axis=1)")
check_true("min_lag", min_lag == lags[1:][np.argmin(blink["t2_detected"][1:])],
           "take the argmin over the lags after lag 0")
check_true("a blink", detected[0] - detected.min() > 0.3 and detected[-1] > 0.8,
           "T2 should be seen at lag 0 and at 500 ms, and missed in between")
print("lags (ms)      ", lags)
print("T2 detected    ", np.round(detected, 2), "| deepest at", min_lag, "ms")
print("no top-down    ", np.round(no_td["t2_detected"], 2))

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
ax.plot(lags, detected, "o-", label="full network")
ax.plot(lags, no_td["t2_detected"], "s--", label="no top-down")
ax.set_xlabel("T1-T2 lag (ms)")
ax.set_ylabel("T2 detected (fraction of trials)")
ax.set_ylim(-0.03, 1.03)
ax.legend()
plt.show()

# %% [markdown]
# While T1 occupies the workspace, its inhibitory pool keeps the T2 assembly from
# igniting; T2's perceptual trace fades before T1's ignition ends, so T2 is lost. At
# lag 0 both contents arrive before any inhibition has built up. Without top-down
# loops T1 never ignites, nothing blocks T2, and the blink is gone.
#
# ## 4. All-or-none access
#
# If access to the workspace is all-or-none, T2's workspace activity at the blink is
# either high (it entered) or low (it did not), rarely in between. A measured statistic
# of this is the sample **bimodality coefficient**
#
# $$BC = \frac{g^2 + 1}{G_2 + \frac{3(n-1)^2}{(n-2)(n-3)}},$$
#
# with $g$ the bias-corrected skewness and $G_2$ the bias-corrected excess kurtosis.
# A uniform distribution has $BC = 5/9$; above it points to two modes.
#
# ### Exercise 4 — the bimodality coefficient
#
# Compute `bc_hand`, the BC of `activity` (T2's peak rates at 200 ms lag on 80 trials)
# with `scipy.stats.skew(..., bias=False)` and `scipy.stats.kurtosis(..., bias=False)`.

# %%
from scipy import stats

at_200 = attentional_blink(model, [200], 80, random_state=3, verbose=False)
activity = at_200["t2_activity"][0]
n = activity.size

# >>> blank
g = stats.skew(activity, bias=False)
G2 = stats.kurtosis(activity, bias=False)
bc_hand = (g**2 + 1) / (G2 + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
# <<< blank

# %%
check_close("bc_hand", bc_hand, bimodality_coefficient(activity), rtol=1e-8,
            hint="bias=False in both scipy calls; n is the number of trials")
print(f"T2 detected at 200 ms: {(activity > 20).mean():.2f}; BC = {bc_hand:.3f} "
      f"(5/9 = {5 / 9:.3f})")

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(5.5, 3.4), layout="constrained")
ax.hist(activity, bins=20, color="0.4")
ax.axvline(20, color="C3", ls="--", label="detection threshold")
ax.set_xlabel("T2 peak workspace rate at lag 200 ms (Hz)")
ax.set_ylabel("trials")
ax.legend()
plt.show()

# %% [markdown]
# ## Going further
#
# - Halve the top-down coupling (`model.with_params(top_down_scale=0.5)`): is there
#   still a blink? What happens to T1's sustained activity?
# - Raise `neuromodulation` (a tonic current into the workspace) with
#   `cogattn.workspace.spontaneous_ignition`: above a threshold the workspace ignites
#   by itself and a stimulus is then missed (Dehaene & Changeux 2005).
# - The full experiment (8 lags × 100 trials per condition, three seeds, all checks):
#   `cogattn run attentional_blink --out runs/blink`.
#
# ## References
#
# - Dehaene, S., Sergent, C., & Changeux, J.-P. (2003). A neuronal network model
#   linking subjective reports and objective physiological data during conscious
#   perception. *Proceedings of the National Academy of Sciences USA*, 100(14),
#   8520–8525.
# - Dehaene, S., & Changeux, J.-P. (2005). Ongoing spontaneous activity controls access
#   to consciousness: A neuronal model for inattentional blindness. *PLoS Biology*,
#   3(5), e141.
# - Raymond, J. E., Shapiro, K. L., & Arnell, K. M. (1992). Temporary suppression of
#   visual processing in an RSVP task: An attentional blink? *Journal of Experimental
#   Psychology: Human Perception and Performance*, 18(3), 849–860.
# - Sergent, C., & Dehaene, S. (2004). Is consciousness a gradual phenomenon? Evidence
#   for an all-or-none bifurcation during the attentional blink. *Psychological
#   Science*, 15(10), 720–728.
# - Pfister, R., Schwarz, K. A., Janczyk, M., Dale, R., & Freeman, J. B. (2013). Good
#   things peak in pairs: A note on the bimodality coefficient. *Frontiers in
#   Psychology*, 4, 700.
# - Gerstner, W., Kistler, W. M., Naud, R., & Paninski, L. (2014). *Neuronal Dynamics*.
#   Cambridge University Press (chapter 1: the leaky integrate-and-fire model).
