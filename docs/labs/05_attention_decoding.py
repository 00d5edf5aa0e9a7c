# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 05 — Auditory attention decoding
#
# **Objectives**
#
# - Reconstruct the attended speech envelope from EEG with a backward TRF (a linear
#   decoder) and decide, in every decision window, which of two talkers is attended.
# - Measure decoding accuracy against decision-window length, with intervals over
#   subjects and the binomial chance level.
# - Convert accuracy and window length into an information-transfer rate, and see
#   the speed–accuracy trade-off of attention decoding.
#
# **Prerequisites** — Lab 02 (temporal response functions, ridge penalty,
# cross-validation over trials); Pearson correlation; the binomial distribution.
#
# **Time** — about 75 minutes.
#
# ## The task and the model
#
# A listener hears two talkers at once and attends to one (the "cocktail party").
# The cortical response follows the slow amplitude envelope of the attended talker
# more strongly than that of the ignored one (Ding & Simon 2012; Mesgarani & Chang
# 2012). O'Sullivan et al. (2015) turned this into a decoder: a **backward** TRF
# maps the EEG of all channels $c$ over lags $\tau$ to an estimate of the attended
# envelope,
#
# $$\hat s(t) = \sum_{c} \sum_{\tau = 0}^{\tau_{max}} g_c(\tau)\, r_c(t + \tau),$$
#
# fitted by ridge regression on trials where the attended talker is known,
# $\hat g = (R^\top R + \alpha I)^{-1} R^\top s_{att}$. On new data, in every
# decision window $W$ of length $T$, the talker whose envelope correlates best with
# the reconstruction is declared attended:
#
# $$\hat k = \arg\max_{k \in \{1, 2\}} \rho\big(\hat s_W, s_{k,W}\big).$$
#
# Short windows give fast decisions but noisy correlations; long windows are
# accurate but slow. The information-transfer rate (Wolpaw et al. 1998) weighs
# both: for $N = 2$ classes and accuracy $P$,
#
# $$B = \log_2 N + P \log_2 P + (1 - P) \log_2 \frac{1 - P}{N - 1}
# \quad \text{bits per decision}, \qquad \text{ITR} = B \cdot \frac{60}{T}
# \ \text{bits/min}.$$

# %%
from math import comb

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.signal import butter, sosfiltfilt, welch

from cogattn.encoders import (
    AttentionDecoder,
    accuracy_curve,
    classify_windows,
    window_correlations,
)
from cogattn.labs import check_close, check_true

plt.rcParams.update({"figure.dpi": 90, "legend.fontsize": 10})

# %% [markdown]
# ## 1. Simulated two-talker EEG
#
# Real two-talker EEG is not available offline here, so we simulate it, and every
# choice is stated so that you can change it:
#
# - **Sampling rate** 32 Hz: envelope-tracking EEG is analysed below 8–10 Hz, and
#   32 Hz keeps the decoder small (AAD studies use 20–128 Hz).
# - **Envelopes**: for each talker, white noise band-passed at 1–8 Hz (second-order
#   Butterworth, zero phase), standardised, then exponentiated,
#   $s = \exp(0.5 z)$: positive, skewed like a speech envelope, with its modulation
#   power in the 1–8 Hz syllabic range (speech modulation spectra peak near 4–5 Hz;
#   Ding et al. 2017). The two talkers are independent.
# - **Response**: each channel $c$ records
#   $r_c = a_c\,(h * s_{att} + \beta\, h * s_{ign}) + n_c$ with one TRF $h$ (P1 at
#   50 ms, N1 at 100 ms, P2 at 180 ms, Gaussian bumps), a gain $a_c \sim
#   \mathcal{N}(1, 0.5^2)$ per channel (a crude topography), and an ignored-talker
#   response $\beta = 0.4$ times the attended one.
# - **Noise**: 8 latent sources band-passed at 1–12 Hz mixed into the 32 channels
#   (spatially correlated "brain noise") plus white sensor noise twice as strong,
#   scaled so the signal-to-noise ratio per channel is −31 to −35 dB (drawn per
#   subject). This puts the held-out reconstruction accuracy near r ≈ 0.1–0.2, the
#   range reported for real EEG (O'Sullivan et al. 2015).
# - **Design**: 6 subjects × 16 trials of 60 s; the attended talker alternates over
#   trials (8 trials each).

# %%
fs = 32.0
n_channels = 32
n_trials = 16
trial_s = 60.0
lag_t = np.arange(0, 0.4, 1 / fs)


def bump(t, mu, sd):
    return np.exp(-0.5 * ((t - mu) / sd) ** 2)


trf_true = (
    0.6 * bump(lag_t, 0.05, 0.015)
    - 1.0 * bump(lag_t, 0.10, 0.02)
    + 0.7 * bump(lag_t, 0.18, 0.03)
)
env_sos = butter(2, [1.0, 8.0], btype="band", fs=fs, output="sos")
noise_sos = butter(2, [1.0, 12.0], btype="band", fs=fs, output="sos")


def envelope(g, n):
    z = sosfiltfilt(env_sos, g.standard_normal(n))
    return np.exp(0.5 * z / z.std())


def simulate_subject(seed, snr_db, beta=0.4):
    """EEG trials, the two envelopes of every trial, and the attended column."""
    g = np.random.default_rng(seed)
    n = int(trial_s * fs)
    gains = g.normal(1.0, 0.5, n_channels)
    mixing = g.standard_normal((8, n_channels))
    eeg, envs, attended = [], [], []
    for k in range(n_trials):
        s = np.column_stack([envelope(g, n), envelope(g, n)])
        att = k % 2
        conv = [np.convolve(s[:, j] - s[:, j].mean(), trf_true)[:n] for j in (0, 1)]
        signal = (conv[att] + beta * conv[1 - att])[:, None] * gains
        brain = sosfiltfilt(noise_sos, g.standard_normal((n, 8)), axis=0) @ mixing
        noise = brain + 2.0 * g.standard_normal((n, n_channels))
        noise *= np.sqrt(signal.var() / noise.var() / 10 ** (snr_db / 10))
        eeg.append(signal + noise)
        envs.append(s)
        attended.append(att)
    return eeg, envs, np.array(attended)


snrs = np.random.default_rng(2015).uniform(-35, -31, size=6)
subjects = [simulate_subject(seed, snr) for seed, snr in enumerate(snrs)]
eeg, envs, attended = subjects[0]
print(
    f"{len(subjects)} subjects, SNR per channel {snrs.min():.1f} .. {snrs.max():.1f} dB"
)
print(f"subject 0: {len(eeg)} trials of {eeg[0].shape} (samples, channels)")

# %% tags=["figure"]
t = np.arange(eeg[0].shape[0]) / fs
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
sel = t < 10
axes[0].plot(t[sel], envs[0][sel, 0], label="talker 1 (attended)")
axes[0].plot(t[sel], envs[0][sel, 1], label="talker 2 (ignored)", alpha=0.7)
axes[0].set(
    xlabel="time (s)", ylabel="envelope (a.u.)", title="two competing envelopes"
)
axes[0].legend(loc="upper right")
f, pxx = welch(np.concatenate([e[:, 0] for e in envs]), fs=fs, nperseg=256)
axes[1].semilogy(f[1:], pxx[1:])
axes[1].set(
    xlabel="modulation frequency (Hz)",
    ylabel="power (a.u.²/Hz)",
    title="envelope modulation spectrum",
)
fig.suptitle("Simulated stimuli: trial 0 (left), talker 1 over 16 trials (right)")
plt.show()

# %% [markdown]
# ## 2. Decoding one subject
#
# `AttentionDecoder` fits a backward TRF with lags 0–250 ms (EEG after the envelope
# reconstructs it), picks `alpha` by inner cross-validation over the training trials,
# and `cross_validate` reconstructs every trial from a decoder that never saw it
# (4 folds over trials).

# %%
window_lengths = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 30.0])
decoder = AttentionDecoder(0.0, 0.25, fs, alpha=np.logspace(1, 5, 5), cv=4)
result = decoder.cross_validate(eeg, envs, attended, window_lengths, verbose=False)
recs = result["reconstructions"]
r_att = [
    np.corrcoef(r, e[:, a])[0, 1] for r, e, a in zip(recs, envs, attended, strict=True)
]
r_ign = [
    np.corrcoef(r, e[:, 1 - a])[0, 1]
    for r, e, a in zip(recs, envs, attended, strict=True)
]
print(f"held-out reconstruction r, whole trials: attended {np.mean(r_att):.3f}, "
      f"ignored {np.mean(r_ign):.3f} (mean of {len(recs)} trials)")  # fmt: skip
for T, acc, n in zip(
    window_lengths, result["accuracy"], result["n_windows"], strict=True
):
    print(f"  {T:4.0f} s windows: accuracy {acc:.3f} over {n} decisions")

# %% [markdown]
# ### Exercise 1 — one trial's window correlations and decisions
#
# Take the first held-out reconstruction `rec = recs[0]` and the two envelopes
# `cand = envs[0]`. Cut both into consecutive, non-overlapping windows of 5 s
# (`win` samples; drop any remainder), compute the Pearson r of the reconstruction
# with each envelope in every window, `r_win` of shape `(n_windows, 2)`, and the
# decision `choice` (index of the larger r) per window.
#
# *Hint:* `rec[: n_win * win].reshape(n_win, win)`; centre each window, then
# $r = \sum xy / \sqrt{\sum x^2 \sum y^2}$, or loop with `np.corrcoef`.

# %%
rec, cand = recs[0], envs[0]
win = int(5.0 * fs)
n_win = rec.size // win
# >>> blank
rows = []
for w in range(n_win):
    seg = slice(w * win, (w + 1) * win)
    rows.append([np.corrcoef(rec[seg], cand[seg, k])[0, 1] for k in range(2)])
# <<< blank
r_win = np.array(rows)  # blank
choice = np.argmax(r_win, axis=1)  # blank

# %%
check_close("r_win", r_win, window_correlations(rec, cand, win), rtol=1e-8, atol=1e-12)
check_close("choice", choice, classify_windows(rec, cand, win))
print(f"trial 0 attends talker {attended[0] + 1}; decisions: {choice + 1}")

# %% [markdown]
# ### Exercise 2 — accuracy for one window length, pooled over trials
#
# Using `classify_windows`, compute the fraction of 10 s windows, pooled over all
# held-out trials of subject 0, where the attended talker wins: `acc_10`.

# %%
win10 = int(10.0 * fs)
# >>> blank
hits = [
    classify_windows(r, e, win10) == a
    for r, e, a in zip(recs, envs, attended, strict=True)
]
# <<< blank
acc_10 = np.concatenate(hits).mean()  # blank

# %%
ref_acc, _ = accuracy_curve(recs, envs, attended, [10.0], fs)
check_close("acc_10", acc_10, ref_acc[0], hint="pool the decisions of all trials")

# %% [markdown]
# ### Exercise 3 — the binomial chance level
#
# A decoder that guesses is right with probability 0.5 in each of $n$ independent
# windows. Its accuracy exceeds $k/n$ by chance with probability
# $P(X \ge k)$, $X \sim \mathrm{Binomial}(n, 0.5)$. The 95% chance level is the
# smallest accuracy $k/n$ such that $P(X \le k) \ge 0.95$. Compute it for
# $n = 96$ windows (16 trials × 6 windows of 10 s) **from the binomial
# probabilities themselves** (`math.comb`), not with `scipy`.
#
# *Hint:* `pmf[k] = comb(n, k) / 2**n`; accumulate with `np.cumsum`, find the first
# index where the sum reaches 0.95.

# %%
n_dec = 96
# >>> blank
pmf = np.array([comb(n_dec, k) for k in range(n_dec + 1)]) / 2**n_dec
k95 = int(np.argmax(np.cumsum(pmf) >= 0.95))
# <<< blank
chance_96 = k95 / n_dec  # blank

# %%
check_close(
    "chance_96",
    chance_96,
    stats.binom.ppf(0.95, n_dec, 0.5) / n_dec,
    hint="the first k where the cumulative probability reaches 0.95, divided by n",
)

# %% [markdown]
# ## 3. Accuracy against window length, over six subjects
#
# Every subject gets its own decoder (subject-specific, as in O'Sullivan et al.
# 2015). The interval is the 95% t-interval of the mean over the six subjects; the
# chance level uses the number of decisions of one subject at each length.

# %%
acc = np.zeros((len(subjects), window_lengths.size))
for i, (eeg_i, envs_i, att_i) in enumerate(subjects):
    res_i = AttentionDecoder(0.0, 0.25, fs, alpha=np.logspace(1, 5, 5), cv=4)
    acc[i] = res_i.cross_validate(eeg_i, envs_i, att_i, window_lengths, verbose=False)[
        "accuracy"
    ]
n_windows = (n_trials * (trial_s // window_lengths)).astype(int)
chance = stats.binom.ppf(0.95, n_windows, 0.5) / n_windows
mean = acc.mean(axis=0)
half = (
    stats.t.ppf(0.975, len(subjects) - 1)
    * acc.std(axis=0, ddof=1)
    / np.sqrt(len(subjects))
)
print(" T (s)  decisions  accuracy: mean [95% CI]  (min..max)   chance 95%")
for j, T in enumerate(window_lengths):
    print(
        f"{T:5.0f}  {n_windows[j]:9d}  {mean[j]:.3f} [{mean[j] - half[j]:.3f}, "
        f"{min(mean[j] + half[j], 1):.3f}]  "
        f"({acc[:, j].min():.3f}..{acc[:, j].max():.3f})"
        f"   {chance[j]:.3f}"
    )

# %%
margin = acc - chance
print(
    f"subjects above chance: {(margin > 0).all(axis=0).sum()} of {window_lengths.size} "
    f"lengths for all 6 subjects; smallest margin {margin.min():.3f} "
    f"(at {window_lengths[np.argmin(margin.min(axis=0))]:.0f} s)"
)

# %% [markdown]
# ### Exercise 4 — information-transfer rate
#
# Write `itr_bits_per_min(p, T)`: Wolpaw's bits per decision for $N = 2$ (formula
# at the top), times $60 / T$ decisions per minute. Take $B = 0$ when $p \le 0.5$
# (a decoder at or below chance transfers nothing), and handle $p = 1$ (where
# $0 \log_2 0 = 0$).
#
# *Hint:* `np.clip(p, 1e-12, 1 - 1e-12)` avoids $\log 0$.


# %%
def itr_bits_per_min(p, T):
    # >>> blank
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    bits = 1 + p * np.log2(p) + (1 - p) * np.log2(1 - p)
    bits = np.where(p > 0.5, bits, 0.0)
    return bits * 60.0 / np.asarray(T, dtype=float)
    # <<< blank


itr = itr_bits_per_min(mean, window_lengths)

# %%
# Independent reference: for two classes, B = 1 - H(p), H the binary entropy.
ref_bits = np.array(
    [1 - stats.entropy([p, 1 - p], base=2) if p > 0.5 else 0.0 for p in mean]
)
check_close("itr", itr, ref_bits * 60 / window_lengths, rtol=1e-6, atol=1e-9)
check_true("itr at chance", itr_bits_per_min(0.5, 10.0) == 0, "p = 0.5 carries 0 bits")
best = int(np.argmax(itr))
for T, v in zip(window_lengths, itr, strict=True):
    print(f"  {T:4.0f} s: {v:5.2f} bits/min")
print(f"highest ITR at {window_lengths[best]:.0f} s windows")

# %% tags=["figure"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for row in acc:
    axes[0].plot(window_lengths, row * 100, color="0.7", lw=1)
axes[0].plot([], [], color="0.7", lw=1, label="single subjects")
axes[0].errorbar(
    window_lengths, mean * 100, yerr=half * 100, fmt="o-", capsize=3,
    label="mean, 95% CI over 6 subjects",
)  # fmt: skip
axes[0].plot(window_lengths, chance * 100, "k--", label="chance (binomial 95%)")
axes[0].set(
    xscale="log",
    xticks=window_lengths,
    xticklabels=[f"{T:g}" for T in window_lengths],
    xlabel="decision window (s)",
    ylabel="decoding accuracy (%)",
    ylim=(40, 102),
    title="accuracy vs window length",
)
axes[0].legend(loc="lower right")
axes[1].plot(window_lengths, itr, "o-")
axes[1].set(
    xscale="log",
    xticks=window_lengths,
    xticklabels=[f"{T:g}" for T in window_lengths],
    xlabel="decision window (s)",
    ylabel="ITR (bits/min)",
    ylim=(0, 1.1 * itr.max()),
    title="information-transfer rate (Wolpaw)",
)
fig.suptitle("Auditory attention decoding, simulated EEG (32 channels, backward TRF)")
plt.show()

# %% [markdown]
# ## What the numbers say
#
# Accuracy climbs with the window length: a 1 s correlation between a noisy
# reconstruction and an envelope is itself noisy, and longer windows average it
# out. Every subject is above the binomial chance level at every length here (the
# smallest margin is printed above); the ITR is highest for windows of a few seconds
# and falls for long ones (see the printed table): accuracy gained by waiting does
# not pay for the time spent, which is why real-time systems favour short windows with
# smoothing over decisions (Geirnaert et al. 2021). These are simulated data with a
# known, stationary TRF and Gaussian noise: real EEG adds artefacts, attention
# lapses and non-stationarity, so treat the numbers as an illustration of the
# method, not as a prediction for real listeners.
#
# ## Going further
#
# 1. Set the ignored-talker gain `beta` to 0 and to 0.8. How do accuracy and the
#    gap between attended and ignored r change?
# 2. Use 8 channels instead of 32. Which window lengths suffer most?
# 3. Train a single decoder on five subjects and test it on the sixth
#    (subject-independent decoding). Why does it do worse here?
#
# ## References
#
# - O'Sullivan, J. A., Power, A. J., Mesgarani, N., Rajaram, S., Foxe, J. J.,
#   Shinn-Cunningham, B. G., Slaney, M., Shamma, S. A., & Lalor, E. C. (2015).
#   Attentional selection in a cocktail party environment can be decoded from
#   single-trial EEG. *Cerebral Cortex*, 25(7), 1697–1706.
# - Ding, N., & Simon, J. Z. (2012). Emergence of neural encoding of auditory objects
#   while listening to competing speakers. *PNAS*, 109(29), 11854–11859.
# - Mesgarani, N., & Chang, E. F. (2012). Selective cortical representation of
#   attended speaker in multi-talker speech perception. *Nature*, 485(7397),
#   233–236.
# - Ding, N., Patel, A. D., Chen, L., Butler, H., Luo, C., & Poeppel, D. (2017).
#   Temporal modulations in speech and music. *Neuroscience & Biobehavioral
#   Reviews*, 81, 181–187.
# - Crosse, M. J., Di Liberto, G. M., Bednar, A., & Lalor, E. C. (2016). The
#   multivariate temporal response function (mTRF) toolbox. *Frontiers in Human
#   Neuroscience*, 10, 604.
# - Wolpaw, J. R., Ramoser, H., McFarland, D. J., & Pfurtscheller, G. (1998). EEG-based
#   communication: improved accuracy by response verification. *IEEE Transactions on
#   Rehabilitation Engineering*, 6(3), 326–332.
# - Geirnaert, S., Vandecappelle, S., Alickovic, E., de Cheveigné, A., Lalor, E.,
#   Meyer, B. T., Miran, S., Francart, T., & Bertrand, A. (2021).
#   Electroencephalography-based auditory attention decoding: toward neurosteered
#   hearing devices. *IEEE Signal Processing Magazine*, 38(4), 89–102.
