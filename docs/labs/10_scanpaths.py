# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 10 — Scanpaths: real gaze, model gaze and how to compare them
#
# **Objectives**
#
# - Turn raw EyeLink gaze samples into fixations and scanpaths, with positions in
#   degrees of visual angle.
# - Generate scanpaths with a bottom-up model (saliency, winner-take-all, inhibition of
#   return) and two baselines.
# - Compute a saliency metric (NSS) and a scanpath metric (ScanMatch) by hand, and
#   apply a leave-one-observer-out protocol so that no scanpath is compared with itself.
#
# **Prerequisites** — numpy arrays and broadcasting; what a fixation and a saccade
# are; a first idea of dynamic programming (Lab 03 is helpful, not needed).
#
# **Time** — about 60 minutes (the notebook runs in about a minute on a CPU).
#
# ## Background
#
# A **scanpath** is the sequence of fixations $(x_i, y_i, d_i)$ of one observer on one
# image: positions in pixels, durations in seconds. Distances on the screen become
# **degrees of visual angle** once the screen size and the viewing distance $D$ are
# known: a point $(x, y)$ is seen along the direction
# $v = ((x - W/2)\,s_x,\ (y - H/2)\,s_y,\ D)$, with $s_x, s_y$ the pixel pitch in cm,
# and the **saccade amplitude** between two fixations is the angle between their lines
# of sight,
#
# $$\theta = \operatorname{atan2}(\lVert v_1 \times v_2 \rVert,\ v_1 \cdot v_2).$$
#
# A **saliency map** $s$ predicts where people look. The normalized scanpath saliency
# averages the standardised map at the $N$ fixated pixels,
#
# $$\mathrm{NSS} = \frac{1}{N} \sum_i \frac{s(p_i) - \mu_s}{\sigma_s}:$$
#
# 0 is chance, larger is better.
#
# **ScanMatch** (Cristino et al. 2010) compares two scanpaths as strings: each fixation
# becomes the cell of a $12 \times 8$ grid it falls in; a substitution of cell $i$ by
# cell $j$ scores $T - d_{ij}$ (grid distance $d$, threshold $T = 3.5$); the best global
# alignment (Needleman-Wunsch, gap 0) scores $F(n, m)$ with
#
# $$F(i, j) = \max\{F(i-1, j-1) + S_{a_i b_j},\ F(i-1, j),\ F(i, j-1)\},\quad
#   F(i, 0) = F(0, j) = 0,$$
#
# normalised by $T \cdot \max(n, m)$, so that identical strings score 1.

# %%
import numpy as np

from cogattn.experiments.scanpath_metrics import real_scanpaths
from cogattn.labs import check_close, check_true
from cogattn.scanpath import (
    SaliencyScanpathGenerator,
    centre_bias_scanpaths,
    human_consistency,
    human_likeness,
    nss,
    random_scanpaths,
    scanmatch,
    spectral_residual_saliency,
)
from cogattn.viz.scanpath import plot_distributions, plot_scanpaths


def show(fig):
    """Display a figure made by cogattn.viz (a matplotlib Figure) as a PNG image."""
    import io

    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    display(Image(buf.getvalue()))


real, recordings = real_scanpaths(segment_length=10)
screen = real[0].screen
print(len(real), "real scanpaths of 10 fixations from", len(recordings), "recordings")
print(screen)

# %% [markdown]
# ## 1. Real gaze
#
# The recordings are EyeLink test files bundled with `eyelinkio` (1000 Hz, a 1920 x 1080
# screen). Their fixations were found with a velocity threshold (I-VT, 30 deg/s), then
# fixations split by noise were merged; each scanpath below is 10 consecutive fixations.
# We do not know what was on the screen, so they are drawn on grey.

# %% tags=["figure"]
fig = plot_scanpaths(np.full((screen.height_px, screen.width_px), 0.5), real[:3])
fig.suptitle("Three real scanpaths (circle area ~ fixation duration)")
show(fig)

# %% [markdown]
# ### Exercise 1 — saccade amplitudes in degrees
#
# For the first real scanpath `sp = real[0]`, compute `amp_hand`, the amplitudes of its
# 9 saccades in degrees with the formula above. The pixel pitch is
# `screen.width_cm / screen.width_px` (and the same for y); the distance is
# `screen.distance_cm`. `np.cross` and `np.arctan2` help.

# %%
sp = real[0]
sx = screen.width_cm / screen.width_px
sy = screen.height_cm / screen.height_px
amp_hand = None
# >>> blank
v = np.stack([(sp.x - screen.width_px / 2) * sx, (sp.y - screen.height_px / 2) * sy,
              np.full(len(sp), screen.distance_cm)], axis=1)
cross = np.linalg.norm(np.cross(v[:-1], v[1:]), axis=1)
amp_hand = np.degrees(np.arctan2(cross, (v[:-1] * v[1:]).sum(axis=1)))
# <<< blank

# %%
check_close("amp_hand", amp_hand, sp.saccade_amplitudes(), rtol=1e-9,
            hint="lines of sight v = ((x - W/2) sx, (y - H/2) sy, D)")
print("amplitudes (deg):", np.round(amp_hand, 2))

# %% [markdown]
# ## 2. Model gaze
#
# The generator looks at a picture shown full screen. Its saliency map is the
# spectral residual of the image (Hou & Zhang 2007); the first fixation is at the
# centre, each next one goes to the most salient place that is not inhibited (IOR)
# and not too far (short saccades are more frequent), with a little noise so that
# model observers differ. The baselines put fixations uniformly on the screen or
# around its centre.

# %%
import skimage.data
from scipy.ndimage import zoom

img = skimage.data.astronaut().mean(axis=2)
img = zoom(img, (screen.height_px / img.shape[0], screen.width_px / img.shape[1]))
sal = spectral_residual_saliency(img)
models = {
    "generator": SaliencyScanpathGenerator().generate(sal, screen, 20, random_state=0),
    "random": random_scanpaths(screen, 20, random_state=0),
    "centre_bias": centre_bias_scanpaths(screen, 20, random_state=0),
}

# %% tags=["figure"]
fig = plot_scanpaths(sal, models["generator"][:3])
fig.suptitle("Generated scanpaths over the saliency map")
show(fig)

# %% [markdown]
# ### Exercise 2 — NSS by hand
#
# Pool the fixations of the 20 generated scanpaths and compute `nss_hand`: the mean,
# over fixations, of the map standardised by its mean and (population) standard
# deviation. A fixation at $(x, y)$ reads the pixel `sal[int(y), int(x)]`.

# %%
xs = np.concatenate([p.x for p in models["generator"]])
ys = np.concatenate([p.y for p in models["generator"]])
z = (sal - sal.mean()) / sal.std()  # blank
nss_hand = z[ys.astype(int), xs.astype(int)].mean()  # blank

# %%
check_close("nss_hand", nss_hand, nss(sal, models["generator"]), rtol=1e-9,
            hint="standardise the whole map, then average it at the fixated pixels")
for name, paths in models.items():
    print(f"{name:12s} NSS = {nss(sal, paths):.2f}")

# %% [markdown]
# ### Exercise 3 — ScanMatch by hand
#
# Write `scanmatch_hand(a, b)` for two scanpaths with the default 12 x 8 grid: a
# fixation's cell is `(col, row)` with `col = int(x * 12 / W)`, `row = int(y * 8 / H)`;
# fill the table $F$ with gap 0 and return $F(n, m) / (3.5 \max(n, m))$. The check
# compares it with `scanmatch` on a real and a generated scanpath.

# %%
def scanmatch_hand(a, b, n_x=12, n_y=8, threshold=3.5):
    """ScanMatch of two scanpaths: Needleman-Wunsch over grid cells, gap 0."""
    W, H = a.screen.size
    # >>> blank
    def cells(p):
        return np.stack([(p.x * n_x / W).astype(int), (p.y * n_y / H).astype(int)], 1)

    ca, cb = cells(a), cells(b)
    F = np.zeros((len(ca) + 1, len(cb) + 1))
    for i in range(1, len(ca) + 1):
        for j in range(1, len(cb) + 1):
            s = threshold - np.hypot(*(ca[i - 1] - cb[j - 1]))
            F[i, j] = max(F[i - 1, j - 1] + s, F[i - 1, j], F[i, j - 1])
    return F[-1, -1] / (threshold * max(len(ca), len(cb)))
    # <<< blank


sm_hand = scanmatch_hand(real[0], models["generator"][0])

# %%
check_close("sm_hand", sm_hand, scanmatch(real[0], models["generator"][0]), rtol=1e-9,
            hint="substitution = 3.5 - Euclidean distance between the two cells")
print(f"ScanMatch(real[0], generated[0]) = {sm_hand:.3f}")

# %% [markdown]
# ## 3. A protocol that never compares a scanpath with itself
#
# The same metric gives different "human consistency" numbers in different papers
# because pairs are formed differently. Here: for each observer, compare each of
# their scanpaths with every scanpath of the *other* observers; average per observer,
# then over observers. Our two recordings act as two observers.
#
# ### Exercise 4 — leave one observer out
#
# Compute `consistency_hand` with `scanmatch` on lists of pairs (it is batched:
# `scanmatch(list_a, list_b)` returns one score per pair).

# %%
observers = sorted({p.observer for p in real})
per_observer = []
for o in observers:
    # >>> blank
    mine = [p for p in real if p.observer == o]
    rest = [p for p in real if p.observer != o]
    a = [p for p in mine for _ in rest]
    b = [q for _ in mine for q in rest]
    per_observer.append(scanmatch(a, b).mean())
    # <<< blank
consistency_hand = np.mean(per_observer) if per_observer else None

# %%
ref = human_consistency(real, scanmatch)
check_close("consistency_hand", consistency_hand, ref.mean, rtol=1e-9,
            hint="never pair two scanpaths of the same observer")
check_true("per-observer scores", len(per_observer) == len(observers),
           "one mean per observer")
print(f"human consistency (ScanMatch, LOO): {ref.mean:.3f} over {ref.n_pairs} pairs")

# %% [markdown]
# ## 4. Are the model's scanpaths human-like?
#
# The real recordings were made on other images, so we compare what does not depend on
# the picture: the distributions of saccade amplitudes and fixation durations.

# %%
for name, paths in models.items():
    hl = human_likeness(paths, real)
    print(f"{name:12s} amplitude: median {hl['amplitude_median_deg']:5.2f} deg "
          f"(real {hl['amplitude_median_ref_deg']:.2f}), Wasserstein "
          f"{hl['amplitude_wasserstein_deg']:5.2f} | duration Wasserstein "
          f"{hl['duration_wasserstein_s']:.2f} s")

# %% tags=["figure"]
amps = {"real": np.concatenate([p.saccade_amplitudes() for p in real])}
for name, paths in models.items():
    amps[name] = np.concatenate([p.saccade_amplitudes() for p in paths])
fig = plot_distributions({k: v + 1e-3 for k, v in amps.items()},
                         xlabel="saccade amplitude (deg)", log=True)
show(fig)

# %% [markdown]
# **What to see.** The proximity preference brings the generator's saccades much closer
# to the real ones than either baseline (median about 5 degrees against 13-18), yet
# they are still longer than these recordings' (about 1.4 degrees: the observers may
# have been reading or fixating targets, and small corrective saccades count). The
# fixation durations of every model are far from the real ones (the real median is
# about 0.7 s, the model's gamma distribution has a mean of 0.24 s): a model of *where*
# people look says little about *how long* they look. The experiment
# `cogattn run scanpath_metrics` repeats this over seeds and checks the metrics against
# multimatch-gaze and pymovements.
#
# ## Going further
#
# - Change `proximity_sigma_deg` (try 2, 4, 16) and `noise`: which value brings the
#   amplitude distribution closest to the real one? Is that overfitting to two files?
# - Compute MultiMatch (`cogattn.scanpath.multimatch`) between the real scanpaths: which
#   of its five dimensions separates the models best?
# - Detect fixations with I-DT instead of I-VT (`cogattn.scanpath.idt`) and see how the
#   real amplitude distribution moves.
#
# ## References
#
# - Bylinskii, Z., Judd, T., Oliva, A., Torralba, A., & Durand, F. (2019). What do
#   different evaluation metrics tell us about saliency models? *IEEE Transactions on
#   Pattern Analysis and Machine Intelligence*, 41(3), 740–757.
# - Cristino, F., Mathôt, S., Theeuwes, J., & Gilchrist, I. D. (2010). ScanMatch: A
#   novel method for comparing fixation sequences. *Behavior Research Methods*, 42(3),
#   692–700.
# - Dewhurst, R., Nyström, M., Jarodzka, H., Foulsham, T., Johansson, R., & Holmqvist,
#   K. (2012). It depends on how you look at it: Scanpath comparison in multiple
#   dimensions with MultiMatch. *Behavior Research Methods*, 44(4), 1079–1100.
# - Hou, X., & Zhang, L. (2007). Saliency detection: A spectral residual approach.
#   *IEEE CVPR 2007*.
# - Itti, L., & Koch, C. (2000). A saliency-based search mechanism for overt and covert
#   shifts of visual attention. *Vision Research*, 40(10–12), 1489–1506.
# - Salvucci, D. D., & Goldberg, J. H. (2000). Identifying fixations and saccades in
#   eye-tracking protocols. *Proceedings of ETRA 2000*, 71–78.
# - Yang, Z., Huang, L., Chen, Y., Wei, Z., Ahn, S., Zelinsky, G., Samaras, D., & Hoai,
#   M. (2020). Predicting goal-directed human attention using inverse reinforcement
#   learning. *IEEE CVPR 2020*, 193–202.
