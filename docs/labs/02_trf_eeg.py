# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 02 — Temporal response functions on EEG
#
# **Objectives**
#
# - Build the lagged design matrix of a TRF and fit it by ridge regression.
# - Choose the ridge penalty `alpha` by cross-validation over **trials**, and judge
#   whether the choice matters by comparing the spread over `alpha` with the spread
#   over folds.
# - Deconvolve event-related responses from a real EEG recording, and see when
#   deconvolution changes the result and when it does not.
# - Test a held-out prediction against a circular-shift null, with a false discovery
#   rate correction over channels.
#
# **Prerequisites** — linear regression and the ridge penalty; the notion of an
# event-related potential (ERP); numpy and a first look at MNE-Python's `Raw`,
# `Epochs` and `Evoked`. Lab 01 is not required.
#
# **Time** — about 90 minutes.
#
# The real-EEG half reads MNE-Python's test recording through
# `cogattn.datasets.load_mne_test`, which looks in the folder named by the environment
# variable `COGATTN_DATA`. If the recording is missing, that cell stops with a
# message saying where to get it.
#
# ## The model
#
# A **temporal response function** (TRF) is a linear filter that maps a stimulus
# feature $x$ to the response $y$ of one channel over a window of lags:
#
# $$y(t) = \sum_{\tau = \tau_{min}}^{\tau_{max}} w(\tau)\, x(t - \tau) + b
# + \varepsilon(t).$$
#
# Stacking the lagged copies of $x$ as columns gives the design matrix
# $X_{t,\tau} = x(t - \tau)$ (zero where $t - \tau$ falls outside the trial), and the
# TRF is the ridge solution
#
# $$\hat w = (X^\top X + \alpha I)^{-1} X^\top y ,$$
#
# where $X^\top X$ is summed over samples and trials (the same scale of $\alpha$ as
# MNE's `TimeDelayingRidge`).

# %%
import itertools

import matplotlib.pyplot as plt
import numpy as np
from scipy.signal import butter, sosfiltfilt

from cogattn.datasets import load_mne_test
from cogattn.encoders import (
    TRF,
    circular_shift_test,
    fdr_bh,
    lagged_design,
    pearsonr,
    trf_to_evoked,
)
from cogattn.labs import check_close

rng = np.random.default_rng(0)
plt.rcParams.update({"figure.dpi": 90, "legend.fontsize": 10})

# %% [markdown]
# ## 1. A known kernel
#
# The stimulus is a smooth random envelope (white noise low-passed at 8 Hz,
# rectified); the response of four channels is the envelope convolved with a damped
# oscillation (a different gain per channel) plus white noise as strong as the
# signal (SNR 1). Ten trials of 20 s at 100 Hz.

# %%
sfreq = 100.0
lags = np.arange(0, 41)  # 0 .. 400 ms, in samples
true_kernel = np.sin(2 * np.pi * lags / 40 * 1.5) * np.exp(-lags / 12)
gains = np.array([1.0, 0.6, -0.4, 0.2])
sos = butter(2, 8.0, fs=sfreq, output="sos")


def make_trial(n_times=2000, noise=1.0):
    env = np.abs(sosfiltfilt(sos, rng.standard_normal(n_times)))
    drive = np.convolve(env, true_kernel)[:n_times]
    resp = drive[:, None] * gains + noise * drive.std() * rng.standard_normal(
        (n_times, 4)
    )
    return env[:, None], resp


trials = [make_trial() for _ in range(10)]
stim = [s for s, _ in trials]
resp = [r for _, r in trials]
print(len(stim), "trials;", stim[0].shape, "stimulus,", resp[0].shape, "response")

# %% [markdown]
# ### Exercise 1 — the lagged design matrix
#
# Build $X$ for the first trial by hand: column $\tau$ (for every lag in `lags`) is
# the stimulus delayed by $\tau$ samples, with zeros before the trial starts. The
# result has shape `(2000, 41)`.
#
# *Hint:* start from `np.zeros((n, lags.size))` and fill `X[tau:, j] = x[: n - tau]`.

# %%
x = stim[0][:, 0]
n = x.size
X_hand = np.zeros((n, lags.size))  # blank
# >>> blank
for j, tau in enumerate(lags):
    X_hand[tau:, j] = x[: n - tau]
# <<< blank

# %%
check_close(
    "X_hand",
    X_hand,
    lagged_design(stim[0], lags),
    hint="column j holds x delayed by lags[j] samples: X[t, j] = x[t - lags[j]]",
)

# %% [markdown]
# ### Exercise 2 — choosing `alpha` by cross-validation over trials
#
# Samples of neighbouring time points are correlated, so shuffling samples into
# folds leaks the test data into training. Folds are made of whole **trials**: here
# five folds of two consecutive trials. For every fold and every `alpha`, fit a TRF
# on the eight training trials, predict the two held-out trials, and store the
# Pearson r of every channel (pooled over the two test trials) in
# `fold_scores[fold, i_alpha, channel]`. Then pick the `alpha` with the best mean
# score (mean over folds and channels).
#
# *Hint:* `TRF(0.0, 0.4, sfreq, alpha=a).fit(train_stim, train_resp)`, then
# `np.concatenate(model.predict(test_stim))` and `pearsonr(truth, prediction)`.

# %%
alphas = np.logspace(-1, 5, 7)
folds = [np.array([2 * k, 2 * k + 1]) for k in range(5)]
fold_scores = np.zeros((len(folds), alphas.size, 4))
for f, test in enumerate(folds):
    train = np.setdiff1d(np.arange(len(stim)), test)
    # >>> blank
    for i, a in enumerate(alphas):
        m = TRF(0.0, 0.4, sfreq, alpha=a).fit(
            [stim[k] for k in train], [resp[k] for k in train]
        )
        pred = np.concatenate(m.predict([stim[k] for k in test]))
        truth = np.concatenate([resp[k] for k in test])
        fold_scores[f, i] = pearsonr(truth, pred)
    # <<< blank
best_alpha = alphas[np.argmax(fold_scores.mean(axis=(0, 2)))]  # blank

# %%
model = TRF(0.0, 0.4, sfreq, alpha=alphas, cv=5).fit(stim, resp)
check_close(
    "fold_scores averaged over folds",
    fold_scores.mean(axis=0),
    model.cv_scores_,
    rtol=1e-6,
    hint="TRF(cv=5) uses five contiguous folds of trials, as here; score the "
    "pooled held-out trials per channel",
)
check_close("best_alpha", best_alpha, model.best_alpha_)

# %% [markdown]
# How much does the choice matter? Compare the spread of the mean held-out r over
# the seven penalties with its spread over folds.

# %%
curve = fold_scores.mean(axis=(0, 2))
fold_sd = fold_scores.mean(axis=2).std(axis=0, ddof=1)
print(f"best alpha: {best_alpha:g}")
print(
    f"mean held-out r over alphas: {curve.min():.4f} .. {curve.max():.4f} "
    f"(spread {curve.max() - curve.min():.4f})"
)
print(
    f"SD of r over the 5 folds, per alpha: {fold_sd.min():.4f} .. {fold_sd.max():.4f}"
)
print(
    "spread over alphas / SD over folds = "
    f"{(curve.max() - curve.min()) / fold_sd.mean():.2f}"
)

# %% tags=["figure"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
axes[0].plot(model.times_ * 1e3, true_kernel, "k", lw=3, alpha=0.4, label="true")
axes[0].plot(
    model.times_ * 1e3,
    model.coef_[0, 0],
    label=f"TRF, channel 0 (alpha={best_alpha:g})",
)
axes[0].set(
    xlabel="lag (ms)", ylabel="weight (a.u. per a.u.)", title="recovered kernel"
)
axes[0].legend()
axes[1].errorbar(
    alphas, curve, yerr=fold_sd, fmt="o-", capsize=3, label="mean ± SD over folds"
)
axes[1].axvline(best_alpha, color="r", ls="--", label="best alpha")
axes[1].set(
    xscale="log",
    ylim=(0, 0.6),
    xlabel="alpha (penalty, a.u.)",
    ylabel="held-out r (mean of 4 channels)",
    title="CV over trials: a flat curve",
)
axes[1].legend(loc="lower left")
plt.show()

# %% [markdown]
# With ten trials of 20 s the held-out r changes by only about 0.002 across six
# decades of `alpha`, about a quarter of its standard deviation over folds: any
# `alpha` from 0.1 to $10^5$ predicts equally well here. The choice matters when
# data are scarce, as the next figure shows.
#
# ### The effect of `alpha` on the kernel
#
# With only two trials the diagonal of $X^\top X$ is about 190 (sum of the squared
# centred envelope). An `alpha` well below that leaves the estimate noisy; one near
# or above it shrinks the kernel towards zero (its shape stays, its amplitude goes).

# %%
shrink_alphas = [1e-2, 1e2, 1e3, 1e4]
shrunk = {
    a: TRF(0.0, 0.4, sfreq, alpha=a).fit(stim[:2], resp[:2]).coef_[0, 0]
    for a in shrink_alphas
}
for a, w in shrunk.items():
    print(
        f"alpha={a:>7g}: peak |w| = {np.abs(w).max():.3f}, "
        f"r(w, true) = {np.corrcoef(w, true_kernel)[0, 1]:.3f}"
    )
print(f"true kernel peak |w| = {np.abs(true_kernel).max():.3f}")

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for a, w in shrunk.items():
    ax.plot(model.times_ * 1e3, w, label=f"alpha = {a:g}")
ax.plot(model.times_ * 1e3, true_kernel, "k", lw=3, alpha=0.3, label="true")
ax.set(
    xlabel="lag (ms)",
    ylabel="weight (a.u. per a.u.)",
    title="two trials only: noise (small alpha) vs shrinkage (large alpha)",
)
ax.legend()
plt.show()

# %% [markdown]
# ## 2. Real EEG: event-related responses by regression
#
# MNE's test recording has 60 EEG channels and four event types (auditory left/right,
# visual left/right) in 24 s. A forward TRF with one impulse train per event type
# estimates the four responses jointly: where responses to successive events
# overlap, the regression separates them (*deconvolution*), while a plain epoch
# average mixes them. Do they overlap here? Look at the gaps between events.

# %%
import mne

mne.set_log_level("ERROR")
raw, events = load_mne_test()  # $COGATTN_DATA/mne_test/test_raw.fif, no download
names = {1: "auditory/left", 2: "auditory/right", 3: "visual/left", 4: "visual/right"}
stim_events = events[np.isin(events[:, 2], list(names))]
gaps = np.diff(stim_events[:, 0]) / raw.info["sfreq"]
print(f"{len(stim_events)} stimulus events; gaps between successive ones:")
print(
    f"  shortest {gaps.min():.3f} s, median {np.median(gaps):.3f} s, "
    f"longest {gaps.max():.3f} s"
)
print(f"  analysis window -0.1 .. 0.5 s: {0.6:.3f} s long")

# %%
raw.pick("eeg", exclude="bads").filter(1.0, 30.0).set_eeg_reference("average")
raw, events = raw.resample(150.0, events=events)
sf = raw.info["sfreq"]
stim_eeg = np.zeros((raw.n_times, 4))
for k, code in enumerate(names):
    stim_eeg[events[events[:, 2] == code, 0] - raw.first_samp, k] = 1.0
erp_trf = TRF(-0.1, 0.5, sf, alpha=1e-3).fit(stim_eeg, raw)
epochs = mne.Epochs(
    raw, events, event_id=list(names), tmin=-0.1, tmax=0.5, baseline=None, preload=True
)
r_avg = {}
for k, (code, label) in enumerate(names.items()):
    avg = epochs[str(code)].average().data
    r_avg[code] = np.corrcoef(avg.ravel(), erp_trf.coef_[:, k].ravel())[0, 1]
    print(
        f"{label:15s} {int(stim_eeg[:, k].sum())} events, "
        f"{len(epochs[str(code)])} epochs   r(TRF, average) = {r_avg[code]:.3f}"
    )

# %% [markdown]
# The shortest gap between stimuli (0.601 s) is as long as the analysis window, so
# the windows of successive events do not overlap, and the deconvolved responses
# correlate with the plain averages at r = 0.95–0.99. Deconvolution changes little
# here; what remains differs for small reasons: the TRF removes every channel's mean
# instead of using no baseline, it keeps the one event whose epoch runs past the end
# of the recording (zero-padded), and the shortest gap at 150 Hz leaves one sample of
# overlap. The smiley (code 5) and button presses (code 32) are in neither model.
#
# `erp_trf` knows its lags and channels, so it converts to an `mne.Evoked` on its
# own: `trf_to_evoked(erp_trf)` is `erp_trf.to_evoked()`.

# %% tags=["figure"]
evoked = trf_to_evoked(erp_trf, feature=0)  # channels x lags, times in seconds
evoked.comment = "TRF auditory/left"
evoked.plot(
    spatial_colors=True, show=False, time_unit="ms", titles="TRF, auditory/left"
)
plt.show()

# %% [markdown]
# ### When deconvolution matters: a simulated fast presentation
#
# To see the difference, simulate a recording where responses **do** overlap. Take
# the four deconvolved responses above as the ground truth (60 channels × 91 lags),
# present the four events in random order every 0.20–0.40 s (uniform), add the
# responses, and add white Gaussian noise with the standard deviation of the real
# recording's residual (the part the TRF does not predict). Then compare the plain
# average and the TRF with the truth, over five simulated recordings of 60 s.

# %%
truth = erp_trf.coef_  # (60 channels, 4 event types, 91 lags)
n_lag = truth.shape[2]
lag0 = round(-erp_trf.times_[0] * sf)  # samples before the event (15)
noise_sd = np.std(raw.get_data().T - erp_trf.predict(stim_eeg)[0])


def fast_recording(seed, duration=60.0):
    g = np.random.default_rng(seed)
    n_times = int(duration * sf)
    onsets = np.cumsum(g.uniform(0.20, 0.40, size=int(duration / 0.2)))
    onsets = (onsets[onsets < duration - 1.0] * sf).astype(int)
    kinds = g.integers(0, 4, onsets.size)
    x = np.zeros((n_times, 4))
    x[onsets, kinds] = 1.0
    y = np.zeros((n_times + n_lag, truth.shape[0]))
    for t0, k in zip(onsets, kinds, strict=True):
        y[t0 : t0 + n_lag] += truth[:, k, :].T
    y = y[lag0 : lag0 + n_times]  # lag index j sits at t0 - lag0 + j
    y = y + noise_sd * g.standard_normal(y.shape)
    return x, y, onsets, kinds


def plain_average(y, onsets, kinds, k):
    keep = [
        t
        for t, kk in zip(onsets, kinds, strict=True)
        if kk == k and lag0 <= t < len(y) - n_lag
    ]
    return np.mean([y[t - lag0 : t - lag0 + n_lag].T for t in keep], axis=0)


r_sim = {"average": [], "TRF": []}
for seed in range(5):
    x_sim, y_sim, onsets, kinds = fast_recording(seed)
    trf_sim = TRF(-0.1, 0.5, sf, alpha=1e-3).fit(x_sim, y_sim)
    for k in range(4):
        true_k = truth[:, k, :].ravel()
        avg_k = plain_average(y_sim, onsets, kinds, k).ravel()
        r_sim["average"].append(np.corrcoef(avg_k, true_k)[0, 1])
        r_sim["TRF"].append(np.corrcoef(trf_sim.coef_[:, k].ravel(), true_k)[0, 1])
sim_gaps = np.diff(onsets) / sf
print(f"simulated gaps: {sim_gaps.min():.2f} .. {sim_gaps.max():.2f} s, window 0.6 s")
for key, vals in r_sim.items():
    vals = np.asarray(vals)
    print(
        f"r({key:7s}, truth) over 5 recordings x 4 events: mean {vals.mean():.3f}, "
        f"range {vals.min():.3f} .. {vals.max():.3f}"
    )
better = np.asarray(r_sim["TRF"]) > np.asarray(r_sim["average"])
print(f"TRF closer to the truth than the average in {better.sum()} of {better.size}")

# %% tags=["figure"]
gfp = lambda a: a.std(axis=0)  # global field power: SD over channels  # noqa: E731
times_ms = erp_trf.times_ * 1e3
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
axes[0].plot(times_ms, gfp(epochs["1"].average().data) * 1e6, label="plain average")
axes[0].plot(times_ms, gfp(erp_trf.coef_[:, 0]) * 1e6, "--", label="TRF (deconvolved)")
axes[0].set(title="real recording: gaps ≥ 0.6 s", ylabel="GFP (µV)")
axes[1].plot(times_ms, gfp(truth[:, 0]) * 1e6, "k", lw=3, alpha=0.4, label="truth")
axes[1].plot(
    times_ms, gfp(plain_average(y_sim, onsets, kinds, 0)) * 1e6, label="plain average"
)
axes[1].plot(times_ms, gfp(trf_sim.coef_[:, 0]) * 1e6, "--", label="TRF (deconvolved)")
axes[1].set(title="simulated: events every 0.2–0.4 s")
for ax in axes:
    ax.set_xlabel("time from auditory/left event (ms)")
    ax.legend()
fig.suptitle("Auditory/left response: averaging vs deconvolution")
plt.show()

# %% [markdown]
# With events every 0.2–0.4 s the plain average picks up the responses to the
# neighbouring events (spurious peaks, e.g. before 0 and near 300 ms); the TRF
# separates them and stays closer to the truth. See the numbers printed above.
#
# ### Is the prediction better than chance?
#
# Cross-validate over six contiguous blocks of the recording, then compare the
# held-out correlation of every channel with a circular-shift null: the prediction
# rotated in time by at least a tenth of the recording, which keeps its
# autocorrelation but breaks its alignment with the data.

# %%
y = raw.get_data().T
edges = np.linspace(0, raw.n_times, 7).astype(int)
blocks = list(itertools.pairwise(edges))
preds = []
for k in range(len(blocks)):
    train = [b for i, b in enumerate(blocks) if i != k]
    m = TRF(-0.1, 0.5, sf, alpha=1e-3).fit(
        [stim_eeg[a:b] for a, b in train], [y[a:b] for a, b in train]
    )
    preds.append(m.predict([stim_eeg[slice(*blocks[k])]])[0])
pred = np.concatenate(preds)
r_ch, p_ch, null_ch = circular_shift_test(y, pred, n_perm=500, random_state=0)
print(f"median held-out r over 60 channels = {np.median(r_ch):.3f}")

# %% [markdown]
# ### Exercise 3 — one channel's correlation and its permutation p-value
#
# For the best channel `ch`, compute the held-out correlation `r_obs` between data
# `y_ch = y[:, ch]` and prediction `pred_ch = pred[:, ch]`, then the null: the
# correlation of the data with the prediction rotated by each of the `shifts` below
# (`np.roll(pred_ch, s)`, one value per shift, in order), and the one-sided p-value
#
# $$p = \frac{1 + \#\{r_{null} \ge r_{obs}\}}{1 + n_{perm}}.$$
#
# The shifts are drawn as `circular_shift_test` draws them with `random_state=0`,
# so your p-value should equal its own.

# %%
ch = int(np.argmax(r_ch))
n_t = y.shape[0]
min_shift = n_t // 10
shifts = min_shift + np.random.default_rng(0).choice(
    n_t - 2 * min_shift + 1, size=500, replace=False
)
y_ch, pred_ch = y[:, ch], pred[:, ch]
r_obs = np.corrcoef(y_ch, pred_ch)[0, 1]  # blank
null = np.array([np.corrcoef(y_ch, np.roll(pred_ch, s))[0, 1] for s in shifts])  # blank
p_hand = (1 + np.sum(null >= r_obs)) / (1 + shifts.size)  # blank

# %%
r_ref, p_ref, null_ref = circular_shift_test(
    y[:, ch], pred[:, ch], n_perm=500, random_state=0
)
check_close("r_obs", r_obs, r_ref[0], rtol=1e-8)
check_close(
    "null", null, null_ref[:, 0], rtol=1e-6, atol=1e-9,
    hint="one value per shift, in the order of `shifts`; rotate the prediction, "
    "not the data: np.roll(pred_ch, s)",
)  # fmt: skip
check_close(
    "p_hand",
    p_hand,
    p_ref[0],
    hint="count null values >= r_obs, add 1 on top and bottom",
)

# %% [markdown]
# ### Exercise 4 — 60 tests: control the false discovery rate
#
# With 60 channels, about 3 would pass $p < 0.05$ by chance alone. The
# Benjamini–Hochberg procedure sorts the p-values $p_{(1)} \le \dots \le p_{(m)}$ and
# rejects the $k$ smallest, where $k$ is the largest index with
# $p_{(k)} \le \frac{k}{m} q$ (here $q = 0.05$). Count the channels it declares
# significant, `n_fdr`, by hand.
#
# *Hint:* `np.sort`, `np.arange(1, m + 1)`, `np.nonzero(...)`; `n_fdr` is 0 when no
# sorted p-value is under its line.

# %%
q = 0.05
m_tests = p_ch.size
# >>> blank
p_sorted = np.sort(p_ch)
below = np.nonzero(p_sorted <= np.arange(1, m_tests + 1) / m_tests * q)[0]
# <<< blank
n_fdr = int(below[-1] + 1) if below.size else 0  # blank

# %%
reject, p_adjusted = fdr_bh(p_ch, alpha=q)
check_close("n_fdr", n_fdr, reject.sum(), hint="k is the LAST index under the line")
print(f"channels with uncorrected p < 0.05: {(p_ch < 0.05).sum()} of {m_tests}")
print(f"channels significant after BH-FDR (q = 0.05): {reject.sum()} of {m_tests}")
print(f"smallest possible p with 500 shifts: {1 / 501:.4f}")

# %% tags=["figure"]
order = np.argsort(r_ch)[::-1]
fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
colors = np.where(reject[order], "tab:blue", "lightgray")
ax.bar(np.arange(m_tests), r_ch[order], color=colors)
ax.plot(np.arange(m_tests), np.quantile(null_ch, 0.95, axis=0)[order], "k_", ms=6,
        label="95th percentile of the shift null")  # fmt: skip
ax.bar([], [], color="tab:blue", label="significant, BH-FDR q = 0.05")
ax.bar([], [], color="lightgray", label="not significant")
ax.set(
    xlabel="EEG channel (sorted by r)",
    ylabel="held-out r",
    title="Prediction of the 60 EEG channels from the four event trains",
)
ax.legend()
plt.show()

# %% [markdown]
# Here the correction changes nothing: the same channels pass with and without it,
# because the significant channels all sit at the smallest p-value 500 shifts can
# give (1/501), far below the BH thresholds. With a finer null (more shifts) or
# weaker effects, the corrected count is the one to report.
#
# ## Going further
#
# 1. Re-run part 1 with `noise=3.0`. How do the best `alpha`, the held-out r and the
#    flatness of the CV curve change?
# 2. Fit a **backward** model (`direction="backward"`) on the simulated data of
#    part 1 to reconstruct the envelope from the four channels. Compare `coef_` (the
#    decoder) with `patterns_` (Haufe forward patterns): which resembles `gains`?
# 3. Shorten the simulated gaps to 0.1–0.2 s. At what rate does the plain average
#    become unusable?
#
# ## References
#
# - Crosse, M. J., Di Liberto, G. M., Bednar, A., & Lalor, E. C. (2016). The
#   multivariate temporal response function (mTRF) toolbox: a MATLAB toolbox for
#   relating neural signals to continuous stimuli. *Frontiers in Human Neuroscience*,
#   10, 604.
# - Smith, N. J., & Kutas, M. (2015). Regression-based estimation of ERP waveforms:
#   I. The rERP framework. *Psychophysiology*, 52(2), 157–168.
# - Ehinger, B. V., & Dimigen, O. (2019). Unfold: an integrated toolbox for overlap
#   correction, non-linear modeling, and regression-based EEG analysis. *PeerJ*, 7,
#   e7435.
# - Haufe, S., Meinecke, F., Görgen, K., Dähne, S., Haynes, J.-D., Blankertz, B., &
#   Bießmann, F. (2014). On the interpretation of weight vectors of linear models in
#   multivariate neuroimaging. *NeuroImage*, 87, 96–110.
# - Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a
#   practical and powerful approach to multiple testing. *Journal of the Royal
#   Statistical Society B*, 57(1), 289–300.
# - Gramfort, A., et al. (2013). MEG and EEG data analysis with MNE-Python.
#   *Frontiers in Neuroscience*, 7, 267.
