# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 04 — Voxelwise encoding: ridge and banded ridge with DNN features
#
# A voxelwise encoding model predicts each voxel's response to a stimulus from
# features of that stimulus, one linear model per voxel (Naselaris et al., 2011).
# Here the features are activations of a convolutional network (MobileNetV2, trained
# on ImageNet) at an early and a late layer, and the questions are the ones asked of
# real fMRI data: how much of each voxel's *explainable* variance does the model
# predict, which feature space drives which voxel, and how much variance each space
# explains that the other cannot.
#
# No stimulus-driven BOLD recording is available offline, so the voxels are
# **simulated from real image features**: real photographs go through the real
# network, and each simulated voxel responds to a random linear mix of one layer's
# features, the other's, or both, plus noise, over repeated presentations. Because
# we know the truth, every estimate in this lab can be checked against it.
#
# **Objectives**
#
# - fit ridge regression with one cross-validated penalty per voxel (`RidgeCV`) and
#   relate the chosen penalty to the voxel's signal-to-noise ratio;
# - estimate a noise ceiling from repeated presentations (split-half reliability with
#   the Spearman–Brown correction) and express prediction accuracy as a fraction of it;
# - use banded ridge (`BandedRidgeCV`) to learn which feature space drives each voxel;
# - partition the explained variance into parts unique to each space and shared.
#
# **Prerequisites** linear regression and the bias–variance trade-off; Python with
# numpy; Lab 02 (ridge-regularised temporal response functions) helps but is not
# required. The lab needs `scikit-image` for its photographs (installed with
# `cogattn[dev]`).
#
# **Time** about 90 minutes.

# %% [markdown]
# ## 0. Setup
#
# Everything random below takes a seed; change `SEED` to see how much the numbers
# move (section 9 does this systematically).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
import skimage.data
import torch
from threadpoolctl import threadpool_limits

from cogattn.encoders import (
    BandedRidgeCV,
    RidgeCV,
    fdr_bh,
    pearsonr,
    r2_score,
    split_half_reliability,
)
from cogattn.features import load_backbone
from cogattn.labs import check_close, check_true

# The encoders below do many products of small matrices (tens of features, hundreds
# of voxels), for which one BLAS thread is fastest, and much faster than several
# threads competing for shared cores; the network keeps torch's own threads.
threadpool_limits(limits=1, user_api="blas")
SEED = 2026
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
t_start = time.perf_counter()

# %% [markdown]
# ## 1. Stimuli: crops of real photographs
#
# We take 16 photographs shipped with scikit-image (an astronaut, a cat, coffee, a
# rocket, coins, the Moon, text, textures, a colour wheel, a Hubble deep field, ...)
# and cut 20 random square crops from each (side 35–100 % of the shorter side, random
# position, half of them mirrored), resized to 112 × 112 pixels: 320 stimuli. Crops of
# the same photograph share content, so the stimuli range from near-duplicates to
# unrelated scenes, as in a real image set. The order is shuffled so that the
# contiguous cross-validation folds used later mix all photographs.

# %%
PHOTOS = [
    "astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "moon", "page",
    "text", "brick", "grass", "gravel", "immunohistochemistry", "hubble_deep_field",
    "colorwheel", "clock",
]  # fmt: skip
N_CROPS, SIZE = 20, 112


def load_photo(name):
    """A scikit-image photograph as float RGB in [0, 1], shorter side 256 pixels."""
    image = np.asarray(getattr(skimage.data, name)(), dtype=np.float32) / 255.0
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    image = torch.from_numpy(np.ascontiguousarray(image[..., :3])).permute(2, 0, 1)
    scale = 256 / min(image.shape[1:])
    return torch.nn.functional.interpolate(
        image[None], scale_factor=scale, mode="bilinear", antialias=True
    )[0].clamp(0, 1)


crops, source = [], []
for index, name in enumerate(PHOTOS):
    photo = load_photo(name)
    _, height, width = photo.shape
    for _ in range(N_CROPS):
        side = int(rng.uniform(0.35, 1.0) * min(height, width))
        top = rng.integers(0, height - side + 1)
        left = rng.integers(0, width - side + 1)
        crop = photo[:, top : top + side, left : left + side]
        if rng.random() < 0.5:
            crop = crop.flip(-1)
        crops.append(  # bilinear with antialiasing, as resize_center_crop does
            torch.nn.functional.interpolate(
                crop[None], size=(SIZE, SIZE), mode="bilinear", antialias=True
            )[0].clamp(0, 1)
        )
        source.append(index)
order = rng.permutation(len(crops))
images = torch.stack(crops)[order]
source = np.asarray(source)[order]
n_stim = len(images)
print(f"{n_stim} stimuli of {SIZE}x{SIZE} pixels from {len(PHOTOS)} photographs")

# %% tags=["figure"]
fig, axes = plt.subplots(2, 8, figsize=(12, 3.4), layout="constrained")
for ax, i in zip(axes.flat, range(16), strict=True):
    ax.imshow(images[i].permute(1, 2, 0).numpy())
    ax.set_title(PHOTOS[source[i]], fontsize=9)
    ax.set_axis_off()
fig.suptitle(f"The first 16 of {n_stim} stimuli ({SIZE} x {SIZE} px crops)")
plt.show()

# %% [markdown]
# ## 2. Two feature spaces from MobileNetV2
#
# `load_backbone("mobilenet_v2", weights="imagenet")` gives a feature extractor whose
# `extract(images, layers)` returns the feature maps at named layers in one forward
# pass. We read
#
# - **early**: `layer2` (block 3, 24 channels, stride 4: 28 × 28 positions), averaged in
#   a 4 × 4 grid of windows, so that it keeps coarse position: 384 features;
# - **late**: `layer5` (block 17, 320 channels, stride 32), averaged over positions:
#   320 features.
#
# Each space is then z-scored and reduced to its first $k = 30$ principal components
# (PCA by SVD), rescaled to unit variance. Reducing the dimension keeps the lab fast
# and the matrices small enough to invert by hand in exercise 2.

# %%
extractor = load_backbone("mobilenet_v2", weights="imagenet")
with torch.inference_mode():
    maps = extractor.extract(images, ["layer2", "layer5"], batch_size=80, verbose=False)
early_raw = torch.nn.functional.adaptive_avg_pool2d(maps["layer2"], 4).flatten(1)
late_raw = maps["layer5"].mean(dim=(2, 3))
print({name: tuple(m.shape) for name, m in maps.items()})


def pca_space(features, k):
    """First k principal components of z-scored features, each with unit variance."""
    F = np.asarray(features, dtype=np.float64)
    F = (F - F.mean(0)) / (F.std(0) + 1e-12)
    U, S, _ = np.linalg.svd(F, full_matrices=False)
    Z = U[:, :k] * S[:k]
    return Z / Z.std(0), float(np.sum(S[:k] ** 2) / np.sum(S**2))


K = 30
X_early, kept_early = pca_space(early_raw, K)
X_late, kept_late = pca_space(late_raw, K)
X = np.hstack([X_early, X_late])  # the joint feature matrix, early columns first
# canonical correlations: how much the two spaces overlap
Q_early, _ = np.linalg.qr(X_early - X_early.mean(0))
Q_late, _ = np.linalg.qr(X_late - X_late.mean(0))
canon = np.linalg.svd(Q_early.T @ Q_late, compute_uv=False)
print(f"variance kept by {K} PCs: early {kept_early:.1%}, late {kept_late:.1%}")
print(f"canonical correlations early/late: first 3 = {np.round(canon[:3], 3)}, "
      f"median = {np.median(canon):.2f}")

# %% [markdown]
# The two spaces are far from independent: some directions of the early space are
# almost exactly directions of the late space (the first canonical correlations are
# close to 1), because both encode e.g. the overall contrast and colour of a crop.
# This overlap is what makes "which space drives this voxel?" a hard question, and
# what variance partitioning (section 8) quantifies.
#
# ## 3. Simulated voxels with repeated presentations
#
# Each voxel $v$ has a noise-free response $s_v$ (the "signal"), a linear function of
# one space or of both,
#
# $$s_v = X_{\text{early}}\,w_v \;\;\text{or}\;\; X_{\text{late}}\,w_v \;\;\text{or}\;\;
# \sqrt{m_v}\,X_{\text{early}}\,w^{(1)}_v + \sqrt{1-m_v}\,X_{\text{late}}\,w^{(2)}_v,$$
#
# with Gaussian weights $w$, a mixing fraction $m_v \sim U(0.3, 0.7)$, and $s_v$
# scaled to unit variance over stimuli. Each of $R = 4$ presentations adds independent
# noise, $y_v^{(r)} = s_v + \varepsilon_v^{(r)}$ with
# $\varepsilon \sim \mathcal N(0, 1/\mathrm{SNR}_v)$, and the single-presentation
# signal-to-noise ratio $\mathrm{SNR}_v$ spans 0.05 to 2 (log-uniform): from voxels
# barely driven by the stimulus to very clean ones. The models are fitted to the
# repeat average $\bar y_v$, whose noise variance is $1/(R\,\mathrm{SNR}_v)$.
#
# 600 voxels: 200 driven by the early space only, 200 by the late space only, 200 by
# both. 240 stimuli train the models, 80 are held out to test them.

# %%
N_VOX, R = 600, 4
GROUPS = np.array(["early", "late", "both"])


def simulate_voxels(n_vox, rng):
    """Signal, repeats (R, n_stim, n_vox), true group index and SNR of each voxel."""
    group = np.repeat(np.arange(3), n_vox // 3)
    s_early = X_early @ rng.standard_normal((K, n_vox))
    s_late = X_late @ rng.standard_normal((K, n_vox))
    s_early /= s_early.std(0)
    s_late /= s_late.std(0)
    mix = rng.uniform(0.3, 0.7, n_vox)
    both = np.sqrt(mix) * s_early + np.sqrt(1 - mix) * s_late
    signal = np.where(group == 0, s_early, np.where(group == 1, s_late, both))
    signal /= signal.std(0)
    snr = np.exp(rng.uniform(np.log(0.05), np.log(2.0), n_vox))
    noise = rng.standard_normal((R, n_stim, n_vox)) / np.sqrt(snr)
    return signal, signal[None] + noise, group, snr


signal, repeats, group, snr = simulate_voxels(N_VOX, rng)
Y = repeats.mean(axis=0)  # the repeat-averaged responses the models are fitted to
train, test = np.arange(240), np.arange(240, n_stim)
# the true reliability of the repeat mean: signal variance / total variance
true_reliability = 1.0 / (1.0 + 1.0 / (R * snr))
print(f"Y: {Y.shape} (stimuli x voxels); true reliability of the repeat mean from "
      f"{true_reliability.min():.2f} to {true_reliability.max():.2f}")

# %% [markdown]
# ## 4. The noise ceiling
#
# Even a perfect model cannot predict the noise. For the repeat mean $\bar y$ the
# largest achievable $R^2$ is its **reliability**, the fraction of its variance that is
# signal, and the largest achievable correlation is the square root of it (the
# *noise ceiling*). Reliability is estimated from the repeats themselves: split them
# into two halves, correlate the two half-means over stimuli ($r_{\text{half}}$), and
# correct for the halves having half the repeats with the Spearman–Brown formula
#
# $$\rho_{\bar y} = \frac{2\,r_{\text{half}}}{1 + r_{\text{half}}}, \qquad
# \text{ceiling}_r = \sqrt{\rho_{\bar y}}.$$
#
# `split_half_reliability(repeats)` averages $r_{\text{half}}$ over random splits and
# returns $\rho$ and the ceiling. We compute it on the test stimuli, where the models
# will be scored.

# %%
reliability, ceiling = split_half_reliability(
    repeats[:, test], n_splits=200, random_state=SEED
)
signal_var = signal[test].var(axis=0)  # true signal variance on the test stimuli
test_true_rel = signal_var / (signal_var + 1.0 / (R * snr))
err = reliability - test_true_rel
print(f"estimated - true reliability: mean {err.mean():+.3f}, SD {err.std():.3f} "
      f"(80 test stimuli, {R} repeats)")

# %% [markdown]
# **Exercise 1 — a noise ceiling by hand.** With $R = 4$ repeats there are exactly
# three ways to split them into two halves: {0,1}|{2,3}, {0,2}|{1,3} and {0,3}|{1,2}.
# For each split, correlate (over the test stimuli, per voxel) the mean of one half with
# the mean of the other; average the three correlations; apply Spearman–Brown.
# `pearsonr(a, b)` gives the per-column correlation of two (stimuli × voxels) arrays.

# %%
rep = repeats[:, test]  # (R, n_test, n_vox)
splits = [([0, 1], [2, 3]), ([0, 2], [1, 3]), ([0, 3], [1, 2])]
r_splits = [pearsonr(rep[a].mean(0), rep[b].mean(0)) for a, b in splits]  # blank
r_half = np.mean(r_splits, axis=0)  # blank
reliability_by_hand = 2 * r_half / (1 + r_half)  # blank

# %%
# the package's estimate averages over many random splits, i.e. over these three
expected, _ = split_half_reliability(rep, n_splits=300, random_state=1)
check_close(
    "reliability_by_hand", reliability_by_hand, expected, atol=0.02,
    hint="mean of the three split-half correlations r, then 2 r / (1 + r)",
)

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(5.2, 4.4), layout="constrained")
points = ax.scatter(test_true_rel, reliability, c=np.log10(snr), s=10, cmap="viridis")
ax.plot([0, 1], [0, 1], color="k", lw=1, label="identity")
ax.set_xlabel("true reliability of the repeat mean (signal / total variance)")
ax.set_ylabel("split-half estimate (Spearman–Brown)")
ax.set_title("Noise ceiling: estimate vs truth, 600 voxels")
ax.legend(loc="upper left", fontsize=10)
fig.colorbar(points, ax=ax, label="log$_{10}$ single-repeat SNR")
plt.show()

# %% [markdown]
# The estimate is unbiased but noisy (80 stimuli, 4 repeats): voxels with low
# reliability can even get a negative estimate. Keep this spread in mind when a
# model's accuracy is divided by the ceiling.
#
# ## 5. Ridge regression with one penalty per voxel
#
# For a voxel with centred training responses $y$ and centred features $X$
# ($n \times p$), ridge regression minimises
# $\lVert y - X b \rVert^2 + \alpha \lVert b \rVert^2$, whose solution is
#
# $$\hat b(\alpha) = (X^\top X + \alpha I_p)^{-1} X^\top y,$$
#
# and the intercept is the training mean of $y$ minus the training feature means
# times $\hat b$. `RidgeCV` tries every $\alpha$ of a grid in 5-fold cross-validation
# (contiguous folds), scores each with the mean test-fold $R^2$, keeps the best
# $\alpha$ **per voxel** and refits on all training data. It does all voxels at once
# from $X^\top X$ and $X^\top Y$, so 600 voxels cost little more than one.

# %%
ALPHAS = np.logspace(-1, 5, 13)
ridge = RidgeCV(alphas=ALPHAS, cv=5).fit(X[train], Y[train], verbose=False)
print("cv_scores_:", ridge.cv_scores_.shape, "(alphas x voxels); best_alphas_:",
      ridge.best_alphas_.shape)

# %% [markdown]
# **Exercise 2 — the choice of alpha.** `ridge.cv_scores_[i, v]` is the mean CV $R^2$
# of `ALPHAS[i]` for voxel `v`. Find the best alpha of every voxel from it.

# %%
best_alpha = ALPHAS[np.argmax(ridge.cv_scores_, axis=0)]  # blank

# %%
check_close(
    "best_alpha", best_alpha, ridge.best_alphas_,
    hint="np.argmax over the alpha axis (axis 0), then index ALPHAS",
)

# %% tags=["figure"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
for q, colour in zip((0.05, 0.5, 0.95), ("tab:red", "tab:orange", "tab:green"),
                     strict=True):
    v = int(np.argsort(snr)[int(q * (N_VOX - 1))])
    ax1.semilogx(ALPHAS, ridge.cv_scores_[:, v], "o-", color=colour, ms=3,
                 label=f"voxel {v}, SNR {snr[v]:.2f}")
    ax1.axvline(ridge.best_alphas_[v], color=colour, ls=":")
ax1.set_xlabel("ridge penalty alpha (unitless; features have unit variance)")
ax1.set_ylabel("mean 5-fold CV $R^2$")
ax1.set_title("CV curves (dotted: chosen alpha)")
ax1.legend(fontsize=9)
jitter = np.exp(rng.uniform(-0.15, 0.15, N_VOX))
ax2.loglog(snr, ridge.best_alphas_ * jitter, ".", ms=4, alpha=0.6)
ax2.set_xlabel("single-repeat SNR (signal variance / noise variance)")
ax2.set_ylabel("chosen alpha (jittered)")
rho_alpha = scipy.stats.spearmanr(snr, ridge.best_alphas_)[0]
ax2.set_title(f"Noisier voxels need more shrinkage (Spearman rho = {rho_alpha:.2f})")
plt.show()

# %% [markdown]
# **Exercise 3 — closed-form ridge by hand.** Take the voxel with the median SNR, centre
# the training features and its training responses, and solve
# $(X^\top X + \alpha I)\,b = X^\top y$ with `np.linalg.solve`, using the alpha that
# `RidgeCV` chose for it. Then compute the intercept.

# %%
v = int(np.argsort(snr)[N_VOX // 2])
alpha_v = ridge.best_alphas_[v]
Xc = X[train] - X[train].mean(0)  # blank
yc = Y[train, v] - Y[train, v].mean()  # blank
A = Xc.T @ Xc + alpha_v * np.eye(Xc.shape[1])  # blank
b_hand = np.linalg.solve(A, Xc.T @ yc)  # blank
intercept_hand = Y[train, v].mean() - X[train].mean(0) @ b_hand  # blank

# %%
check_close("b_hand", b_hand, ridge.coef_[v], rtol=1e-6, atol=1e-9,
            hint="centre X and y with the TRAINING means; the identity is p x p")
check_close("intercept_hand", intercept_hand, ridge.intercept_[v], rtol=1e-6,
            atol=1e-9, hint="mean(y) - mean(X) @ b")

# %% [markdown]
# ## 6. Prediction accuracy against the noise ceiling
#
# On the held-out stimuli the test $R^2 = 1 - \sum (\bar y - \hat y)^2 / \sum (\bar y -
# \text{mean}\,\bar y)^2$ of each voxel can be compared with its reliability, the
# highest $R^2$ any model could reach. The ratio is the fraction of **explainable**
# variance explained. The cross-validated $R^2$ at the chosen alpha (on the training
# stimuli) tells the same story, slightly optimistic because the best of 13 alphas is
# kept.
#
# Is a voxel predicted at all? With independent noise across stimuli, under the null
# hypothesis the test correlation follows the usual $t$ distribution with $n - 2$
# degrees of freedom. 600 voxels mean 600 tests, so we control the false discovery
# rate (Benjamini–Hochberg, $q = 0.05$) with `fdr_bh`.

# %%
r2_ridge = r2_score(Y[test], ridge.predict(X[test]))
cv_r2 = ridge.cv_scores_.max(axis=0)
r_test = pearsonr(Y[test], ridge.predict(X[test]))
n_test = len(test)
t_stat = r_test * np.sqrt((n_test - 2) / (1 - r_test**2))
p_values = scipy.stats.t.sf(t_stat, df=n_test - 2)  # one-sided: r > 0
significant, _ = fdr_bh(p_values, alpha=0.05)
fraction = r2_ridge / true_reliability
q25, q75 = np.percentile(r2_ridge, [25, 75])
print(f"test R^2: median {np.median(r2_ridge):.3f} [IQR {q25:.3f}, {q75:.3f}]; "
      f"CV R^2 median {np.median(cv_r2):.3f}")
print(f"voxels predicted above chance (BH-FDR q=0.05): {significant.sum()} of {N_VOX}")
well = reliability > 0.3
print(f"fraction of the estimated ceiling, voxels with reliability > 0.3 "
      f"({well.sum()}): median {np.median(r2_ridge[well] / reliability[well]):.2f}")
print(f"fraction of the TRUE ceiling, all voxels: median {np.median(fraction):.2f}, "
      f"90% of voxels in [{np.percentile(fraction, 5):.2f}, "
      f"{np.percentile(fraction, 95):.2f}]")

# %% tags=["figure"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
for ax, score, label in ((ax1, r2_ridge, "test $R^2$ (80 held-out stimuli)"),
                         (ax2, cv_r2, "CV $R^2$ at the chosen alpha (240 stimuli)")):
    points = ax.scatter(reliability, score, c=np.log10(snr), s=9, cmap="viridis")
    ax.plot([0, 1], [0, 1], "k", lw=1, label="$R^2$ = noise ceiling")
    ax.set_xlabel("noise ceiling: split-half reliability (test repeats)")
    ax.set_ylabel(label)
    ax.set_xlim(-0.3, 1)
    ax.set_ylim(-0.3, 1)
    ax.legend(loc="upper left", fontsize=10)
ax1.set_title(f"Ridge on both spaces: {significant.sum()}/{N_VOX} voxels significant")
ax2.set_title("Cross-validated score on the training stimuli")
fig.colorbar(points, ax=[ax1, ax2], label="log$_{10}$ single-repeat SNR")
plt.show()

# %% [markdown]
# Voxels fall below the identity line: a model fitted on 240 noisy stimuli does not
# recover the true weights exactly (estimation error), on top of the noise that no
# model can predict. Points above the line are voxels whose *ceiling* was
# under-estimated (section 4).
#
# ## 7. Banded ridge: which feature space drives each voxel?
#
# Plain ridge applies one penalty to all 60 features. Banded ridge
# (Nunez-Elizalde et al., 2019) gives each feature space its own penalty,
#
# $$\min_{b_1, b_2}\; \lVert y - X_1 b_1 - X_2 b_2 \rVert^2 + \alpha_1 \lVert b_1
# \rVert^2 + \alpha_2 \lVert b_2 \rVert^2,$$
#
# so a space that does not help a voxel can be shrunk away without shrinking the other
# (feature-space selection, Dupré la Tour et al., 2022). `BandedRidgeCV` searches the
# penalties as a global $\alpha$ times a weighting $\gamma$ on the simplex
# ($\gamma_1 + \gamma_2 = 1$): space $i$ is scaled by $\sqrt{\gamma_i}$, i.e. penalised
# by $\alpha_i = \alpha / \gamma_i$. It stores `deltas_` $= \log(\gamma / \alpha)$ per
# space and voxel, the candidates tried in `gammas_`, and the chosen $\alpha$ in
# `best_alphas_`. `score_split` divides the test $R^2$ of the joint prediction into one
# part per space.

# %%
banded = BandedRidgeCV(
    groups=[K, K], alphas=ALPHAS, n_iter=16, cv=5, random_state=SEED
).fit(X[train], Y[train], verbose=False)
r2_banded = r2_score(Y[test], banded.predict(X[test]))
split_r2 = banded.score_split(X[test], Y[test])  # (2 spaces, n_vox)
print(f"test R^2, median over voxels: banded {np.median(r2_banded):.3f} vs ridge "
      f"{np.median(r2_ridge):.3f}; banded better for "
      f"{np.mean(r2_banded > r2_ridge):.0%} of voxels")

# %% [markdown]
# **Exercise 4 — read the space weighting.** From `banded.deltas_` (shape
# (2, n_vox)) and `banded.best_alphas_` recover the weighting $\gamma$ of every voxel
# (shape (2, n_vox)), using $\delta = \log(\gamma/\alpha)$.

# %%
gamma = np.exp(banded.deltas_) * banded.best_alphas_[None, :]  # blank

# %%
# independently: gamma lies on the simplex (it sums to 1), so alpha = 1 / sum exp(delta)
expected_gamma = np.exp(banded.deltas_) / np.exp(banded.deltas_).sum(axis=0)
check_close("gamma", gamma, expected_gamma, atol=1e-8,
            hint="gamma = alpha * exp(delta), with alpha broadcast over the 2 spaces")
distance = np.abs(gamma.T[:, None, :] - banded.gammas_[None, :, :]).sum(-1).min(1)
check_true("gamma (one of the candidates)",
           np.allclose(gamma.sum(0), 1) and distance.max() < 1e-8,
           "each voxel's gamma must sum to 1 and be one of banded.gammas_ "
           "(hint: gamma = alpha * exp(delta))")

# %%
assigned = np.where(split_r2[0] > split_r2[1], 0, 1)
for g, name in enumerate(GROUPS):
    sel = group == g
    print(f"true space {name:5s}: gamma_early median {np.median(gamma[0, sel]):.2f}; "
          f"larger split R^2 from early for {np.mean(assigned[sel] == 0):.0%} "
          f"of voxels")
single = group < 2
accuracy = np.mean(assigned[single] == group[single])
print(f"single-space voxels assigned to their true space: {accuracy:.1%} "
      f"({single.sum()} voxels)")

# %% tags=["figure"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
bins = np.linspace(0, 1, 21)
for g, colour in zip(range(3), ("tab:blue", "tab:orange", "tab:green"), strict=True):
    ax1.hist(gamma[0, group == g], bins=bins, alpha=0.6, color=colour,
             label=f"driven by {GROUPS[g]}")
ax1.set_xlabel(r"weight of the early space $\gamma_{\mathrm{early}}$ (unitless)")
ax1.set_ylabel("number of voxels")
ax1.set_title("Banded ridge's choice of weighting")
ax1.legend(fontsize=10)
for g, colour in zip(range(3), ("tab:blue", "tab:orange", "tab:green"), strict=True):
    sel = group == g
    ax2.scatter(split_r2[0, sel], split_r2[1, sel], s=8, color=colour,
                label=f"driven by {GROUPS[g]}")
ax2.set_xlabel("split test $R^2$, early space")
ax2.set_ylabel("split test $R^2$, late space")
ax2.set_title("Each space's share of the prediction")
ax2.legend(fontsize=10)
plt.show()

# %% [markdown]
# ## 8. Variance partitioning: unique and shared variance
#
# Split $R^2$ answers "how much of the prediction comes from each space", but because
# the spaces overlap, some variance can be explained by either. Variance partitioning
# (e.g. Lescroart et al., 2015; de Heer et al., 2017) fits the joint model and each
# single-space model, and reads the parts of the Venn diagram from their test $R^2$:
#
# $$U_{\text{early}} = R^2_{\text{early+late}} - R^2_{\text{late}}, \quad
# U_{\text{late}} = R^2_{\text{early+late}} - R^2_{\text{early}}, \quad
# S = R^2_{\text{early}} + R^2_{\text{late}} - R^2_{\text{early+late}}.$$
#
# With finite data these estimates can be slightly negative (a model with an extra,
# useless space predicts a little worse than the smaller model).
#
# **Exercise 5 — unique variance.** Fit `RidgeCV` (same `ALPHAS`, `cv=5`) on each
# single space, score each on the test stimuli with `r2_score`, and compute the unique
# variance of each space and the shared variance, using the banded model's
# `r2_banded` as the joint $R^2$.

# %%
# >>> blank
ridge_early = RidgeCV(alphas=ALPHAS, cv=5).fit(X_early[train], Y[train], verbose=False)
ridge_late = RidgeCV(alphas=ALPHAS, cv=5).fit(X_late[train], Y[train], verbose=False)
r2_early = r2_score(Y[test], ridge_early.predict(X_early[test]))
r2_late = r2_score(Y[test], ridge_late.predict(X_late[test]))
# <<< blank
unique_early = r2_banded - r2_late  # blank
unique_late = r2_banded - r2_early  # blank
shared = r2_early + r2_late - r2_banded  # blank

# %%
# independently: each single-space model's own score on the test set
expect_early = RidgeCV(alphas=ALPHAS, cv=5).fit(X_early[train], Y[train]).score_targets(
    X_early[test], Y[test], score_func="r2")
expect_late = RidgeCV(alphas=ALPHAS, cv=5).fit(X_late[train], Y[train]).score_targets(
    X_late[test], Y[test], score_func="r2")
check_close("unique_early", unique_early, r2_banded - expect_late, atol=1e-8,
            hint="joint R^2 minus the R^2 of the model WITHOUT the early space")
check_close("unique_late", unique_late, r2_banded - expect_early, atol=1e-8)
check_close("shared", shared, expect_early + expect_late - r2_banded, atol=1e-8)

# %%
print("mean over voxels, with 95% bootstrap interval over voxels:")
boot = rng.integers(0, N_VOX // 3, size=(2000, N_VOX // 3))
partition = {"unique early": unique_early, "unique late": unique_late,
             "shared": shared}
summary = {}
for g, name in enumerate(GROUPS):
    sel = np.flatnonzero(group == g)
    for part, values in partition.items():
        means = values[sel][boot].mean(axis=1)
        summary[name, part] = (values[sel].mean(), *np.percentile(means, [2.5, 97.5]))
    print(f"  driven by {name:5s}: " + ", ".join(
        f"{part} {summary[name, part][0]:.3f} [{summary[name, part][1]:.3f}, "
        f"{summary[name, part][2]:.3f}]" for part in partition))

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
width = 0.26
for j, (part, colour) in enumerate(zip(partition, ("tab:blue", "tab:orange",
                                                    "tab:gray"), strict=True)):
    mean = np.array([summary[name, part][0] for name in GROUPS])
    low = mean - np.array([summary[name, part][1] for name in GROUPS])
    high = np.array([summary[name, part][2] for name in GROUPS]) - mean
    ax.bar(np.arange(3) + (j - 1) * width, mean, width, yerr=[low, high],
           color=colour, label=part, capsize=3)
ax.axhline(0, color="k", lw=0.8)
ax.set_xticks(np.arange(3), [f"voxels driven by {name}" for name in GROUPS])
ax.set_ylabel("test $R^2$ (fraction of variance)")
ax.set_title("Variance partitioning (mean over voxels, 95% bootstrap CI)")
ax.legend(fontsize=10)
plt.show()

# %% [markdown]
# The unique variance of a space is large only for voxels that really depend on it,
# and close to zero (even slightly negative) for the other single-space group: this is
# the test of "does this space add anything?" used with real data. The shared part is
# clearly positive for every group: some of what the early layer encodes about these
# crops, the late layer encodes too, so part of any voxel's explained variance cannot be
# attributed to one space.
#
# ## 9. How much do these numbers move with the simulation's seed?
#
# The features stay fixed; the voxel weights, SNRs and noise are redrawn for 5 seeds
# (300 voxels each, same fits, fewer banded-ridge candidates to stay fast).

# %%
rows = []
for seed in range(5):
    rng_s = np.random.default_rng([SEED, seed])
    sig_s, rep_s, grp_s, snr_s = simulate_voxels(300, rng_s)
    Y_s = rep_s.mean(0)
    rel_true_s = 1.0 / (1.0 + 1.0 / (R * snr_s))
    fit_r = RidgeCV(alphas=ALPHAS, cv=5).fit(X[train], Y_s[train], verbose=False)
    fit_b = BandedRidgeCV(groups=[K, K], alphas=ALPHAS, n_iter=8, cv=5,
                          random_state=seed).fit(X[train], Y_s[train], verbose=False)
    r2_s = r2_score(Y_s[test], fit_r.predict(X[test]))
    split_s = fit_b.score_split(X[test], Y_s[test])
    single_s = grp_s < 2
    rows.append((
        np.median(r2_s / rel_true_s),
        np.mean(np.where(split_s[0] > split_s[1], 0, 1)[single_s] == grp_s[single_s]),
        scipy.stats.spearmanr(snr_s, fit_r.best_alphas_)[0],
    ))
rows = np.array(rows)
for j, label in enumerate(("median fraction of the true ceiling (ridge)",
                           "banded ridge: single-space voxels assigned correctly",
                           "Spearman rho(SNR, chosen alpha)")):
    print(f"{label}: {rows[:, j].mean():.3f} +- {rows[:, j].std(ddof=1):.3f} "
          f"(mean +- SD over 5 seeds; min {rows[:, j].min():.3f})")
print(f"lab run time so far: {time.perf_counter() - t_start:.1f} s")

# %% [markdown]
# ## Take-aways
#
# - A per-voxel penalty matters: the chosen alpha spans orders of magnitude and
#   tracks the voxel's SNR.
# - Report accuracy relative to a noise ceiling, and remember that the ceiling is
#   itself an estimate with its own noise.
# - Banded ridge recovers which space drives a voxel even when the spaces are strongly
#   correlated, and usually predicts as well as or better than ridge on the joint
#   features.
# - Unique variance answers "does this space add anything?"; shared variance is the
#   part that no analysis of these two spaces can attribute.
#
# ## References
#
# - Naselaris, T., Kay, K. N., Nishimoto, S., & Gallant, J. L. (2011). Encoding and
#   decoding in fMRI. *NeuroImage*, 56(2), 400–410.
# - Nunez-Elizalde, A. O., Huth, A. G., & Gallant, J. L. (2019). Voxelwise encoding
#   models with non-spherical multivariate normal priors. *NeuroImage*, 197, 482–492.
# - Dupré la Tour, T., Eickenberg, M., Nunez-Elizalde, A. O., & Gallant, J. L. (2022).
#   Feature-space selection with banded ridge regression. *NeuroImage*, 264, 119728.
# - Spearman, C. (1910). Correlation calculated from faulty data. *British Journal of
#   Psychology*, 3(3), 271–295; Brown, W. (1910). Some experimental results in the
#   correlation of mental abilities. *British Journal of Psychology*, 3(3), 296–322
#   (the Spearman–Brown correction used by `split_half_reliability`).
# - Hsu, A., Borst, A., & Theunissen, F. E. (2004). Quantifying variability in neural
#   responses and its application for the validation of model predictions. *Network:
#   Computation in Neural Systems*, 15(2), 91–109.
# - Lescroart, M. D., Stansbury, D. E., & Gallant, J. L. (2015). Fourier power,
#   subjective distance, and object categories all provide plausible models of BOLD
#   responses in scene-selective visual areas. *Frontiers in Computational
#   Neuroscience*, 9, 135.
# - de Heer, W. A., Huth, A. G., Griffiths, T. L., Gallant, J. L., & Theunissen, F. E.
#   (2017). The hierarchical cortical organization of human speech processing.
#   *Journal of Neuroscience*, 37(27), 6539–6557.
# - Sandler, M., Howard, A., Zhu, M., Zhmoginov, A., & Chen, L.-C. (2018).
#   MobileNetV2: Inverted residuals and linear bottlenecks. *CVPR*, 4510–4520.
# - Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: a
#   practical and powerful approach to multiple testing. *Journal of the Royal
#   Statistical Society B*, 57(1), 289–300.
