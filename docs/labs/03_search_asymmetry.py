# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 03 — Visual search asymmetry
#
# **Objectives**
#
# - Run an eccentricity-dependent search model, built from an ImageNet network never
#   trained on the task, on the displays of a classic asymmetry paradigm.
# - Turn fixations into reaction times and fit search slopes by hand.
# - Compute the asymmetry index and judge it against an honest noise floor: a chance
#   searcher re-run with fresh random draws.
#
# **Prerequisites** — the idea of visual search and of a search slope (ms per item);
# least-squares lines (`np.polyfit`); percentiles; a first idea of what a convolutional
# network's feature maps are. Lab 01 is not needed.
#
# **Time** — about 75 minutes.
#
# ## Search asymmetries
#
# Finding a curved line among straight ones is easy; finding a straight line among curved
# ones is hard. Such **search asymmetries** are classic results of visual psychophysics
# (Treisman & Gormican 1988). Gupta, Zhang, Wu, Wolfe & Kreiman (2021) showed that a
# search model built from an ImageNet-trained network — with no training on the task —
# reproduces many of them.
#
# The model (`EccentricitySearchModel`): the target and the display go through
# MobileNetV2 (ImageNet weights); around the current fixation the display's feature maps
# (the final ReLU6 map, stride 32) are pooled over windows that grow with eccentricity
# (fovea 4°, rings 1° wide); the top-down map is the cosine similarity between the
# target's features $f_T$ (averaged over 16 positions of the target on the map's
# 32-pixel grid, since display items fall anywhere on it) and each window $x$ of the
# pooled display features,
#
# $$A(x) = \frac{f_T \cdot f_D(x)}{|f_T|\,|f_D(x)|};$$
#
# the next fixation is the maximum of that map (winner-take-all), and a fixated item is
# never revisited (inhibition of return).
#
# **From fixations to reaction times.** Each fixation costs about 252 ms on top of a
# 376 ms base (the linear fit of eccNET),
#
# $$\mathrm{RT} = 252.359\, n + 376.271\ \text{ms},$$
#
# where $n$ counts the fixations until the target is found (not the initial one at the
# centre) and a target never found counts as $n = $ set size. The **search slope** $s$
# of a condition is the least-squares slope of mean RT on set size (ms/item), and the
# **asymmetry index** is
#
# $$\mathrm{AI} = \frac{s_\text{hard} - s_\text{easy}}{s_\text{hard} + s_\text{easy}},$$
#
# with negative slopes clipped to 0 (and AI = 0 when both are 0). $\mathrm{AI} = 1$:
# only the condition hard for humans costs time per item; 0: no asymmetry; $-1$: the
# reversed polarity.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from cogattn.labs import check_close, check_true
from cogattn.search import (
    PARADIGMS,
    EccentricitySearchModel,
    asymmetry_index,
    fixations_to_rt,
    make_trials,
    paradigm_info,
    run_paradigm,
    search_slopes,
)

torch.set_num_threads(2)
print(PARADIGMS)

# %% [markdown]
# ## 1. The six paradigms
#
# Each paradigm has a condition that is easy for humans and one that is hard. Below, one
# display per condition; the target's grid cell is outlined in red.

# %% tags=["figure"]
fig, axes = plt.subplots(2, 6, figsize=(13, 5.2), layout="constrained")
for j, name in enumerate(PARADIGMS):
    info = paradigm_info(name)
    for i, cond in enumerate(("easy", "hard")):
        tr = make_trials(name, cond, info["set_sizes"][1], 1, random_state=3)
        ax = axes[i, j]
        ax.imshow(tr.images[0], cmap="gray", vmin=0, vmax=1)
        r0, c0, r1, c1 = tr.item_boxes[0, tr.target_index[0]]
        ax.add_patch(plt.Rectangle((c0, r0), c1 - c0, r1 - r0, fill=False, ec="r", lw=1.5))
        ax.set_title(f"{name.replace('_', ' ')}\n{cond}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1, j].set_xlabel(f"{info['field_deg']:.1f}° wide", fontsize=10)
fig.suptitle("One display per paradigm and condition (target outlined in red)")
plt.show()

# %% [markdown]
# ## 2. Search one paradigm
#
# We use the lighting paradigm (discs shaded top-to-bottom are found fast by humans;
# discs shaded left-to-right are slow; Kleffner & Ramachandran 1992). A few trials per
# set size keep the lab short; the full experiment uses 30
# (`experiments/search_asymmetry.toml`).

# %%
model = EccentricitySearchModel(device="cpu")
tr = make_trials("lighting", "hard", 12, 4, random_state=0)
res = model.search(tr.images, tr.target, tr.target_masks, tr.item_boxes, verbose=False)
print("fixations until found:", res.n_fixations, "found:", res.found)
t = 0
att = model.attention_maps(tr.images[t : t + 1], tr.target)[0]

# %% tags=["figure"]
px_per_deg = 30.0
h, w = tr.images.shape[-2:]
extent = (0, w / px_per_deg, h / px_per_deg, 0)
th, tw = tr.target.shape
fig, axes = plt.subplots(1, 3, figsize=(13, 4.4), layout="constrained")
axes[0].imshow(tr.target, cmap="gray", vmin=0, vmax=1,
               extent=(0, tw / px_per_deg, th / px_per_deg, 0))
axes[0].set_title("target")
axes[1].imshow(tr.images[t], cmap="gray", vmin=0, vmax=1, extent=extent)
path = res.fixations[t, : res.n_fixations[t] + 1] / px_per_deg
axes[1].plot(path[:, 1], path[:, 0], "o-", color="tab:orange", label="fixations")
axes[1].plot(path[0, 1], path[0, 0], "s", color="tab:blue", ms=9, label="start (centre)")
axes[1].legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
axes[1].set_title(f"scanpath: {res.n_fixations[t]} fixations")
im = axes[2].imshow(att, cmap="magma", extent=extent)
axes[2].set_title("attention map, fixating the centre")
fig.colorbar(im, ax=axes[2], label="top-down attention (normalised similarity, 0–1)")
for ax in axes:
    ax.set_xlabel("x (deg)")
    ax.set_ylabel("y (deg)")
fig.suptitle("Lighting paradigm, hard condition, set size 12")
plt.show()

# %% [markdown]
# ## 3. Reaction time against set size
#
# `run_paradigm` renders both conditions at every set size (the easy and hard displays
# of a set size share their layouts: same cells, jitter and target position; only the
# items differ), runs the searcher and returns per-trial arrays (`n_fixations`,
# `found`, `set_size`, `hard`, `rt`) and the fitted slopes and AI. We run the model with
# 6 displays per cell.

# %%
n_trials = 6
out = run_paradigm("lighting", "eccnet", n_trials=n_trials, random_state=0,
                   device="cpu", verbose=False)
condition = np.where(out["hard"] == 1, "hard", "easy")
sizes = np.array(paradigm_info("lighting")["set_sizes"])
print("set sizes", sizes, "| trials", out["rt"].size,
      "| found rate", round(out["found_rate"], 3))

# %% [markdown]
# ### Exercise 1 — fixations to reaction times
#
# From `out["n_fixations"]`, `out["found"]` and `out["set_size"]`, compute `rt_hand`
# with the linear rule above (a trial not found counts `set_size` fixations; `np.where`
# helps). The check compares it with `fixations_to_rt`.

# %%
n_eff = np.where(out["found"], out["n_fixations"], out["set_size"])  # blank
rt_hand = 252.359 * n_eff + 376.271  # blank

# %%
check_close("rt_hand", rt_hand,
            fixations_to_rt(out["n_fixations"], out["found"], out["set_size"]),
            rtol=1e-10, hint="RT = 252.359 n + 376.271, with n = set_size where not found")
print("first RTs (ms):", np.round(rt_hand[:6], 1))

# %% [markdown]
# ### Exercise 2 — search slopes by hand
#
# Write `slopes_by_hand(rt, set_size, condition)`: for each condition (`"easy"`,
# `"hard"`), average the RTs per set size, then fit a line of mean RT on set size with
# `np.polyfit(sizes, means, 1)` and keep its slope. Return `{"easy": ..., "hard": ...}`
# in ms/item. The check compares with `search_slopes`.

# %%
def slopes_by_hand(rt, set_size, condition):
    """Least-squares slope of mean RT on set size, per condition (ms/item)."""
    # >>> blank
    slopes = {}
    for cond in ("easy", "hard"):
        sel = condition == cond
        levels = np.unique(set_size[sel])
        means = np.array([rt[sel & (set_size == s)].mean() for s in levels])
        slopes[cond] = float(np.polyfit(levels, means, 1)[0])
    return slopes
    # <<< blank


model_slopes = slopes_by_hand(rt_hand, out["set_size"], condition)

# %%
ref_slopes = search_slopes(out["rt"], out["set_size"], condition)
# (a function whose body is still blank returns None)
check_close("model_slopes",
            None if model_slopes is None else [model_slopes["easy"], model_slopes["hard"]],
            [ref_slopes["easy"], ref_slopes["hard"]], rtol=1e-8,
            hint="mean RT per set size first, then np.polyfit(sizes, means, 1)[0]")
print({k: round(v, 1) for k, v in model_slopes.items()}, "ms/item")

# %% [markdown]
# ### Exercise 3 — the asymmetry index
#
# Write `ai_by_hand(s_easy, s_hard)` for two numbers: clip negative slopes to 0, return
# 0 when both clipped slopes are 0, else $(s_h - s_e)/(s_h + s_e)$. Then compute the
# model's `model_ai`. The check tries your function on awkward pairs too (a negative
# slope, two zeros).

# %%
def ai_by_hand(s_easy, s_hard):
    """Asymmetry index of two slopes, negative slopes clipped to 0."""
    # >>> blank
    e, h = max(s_easy, 0.0), max(s_hard, 0.0)
    if e + h == 0:
        return 0.0
    return (h - e) / (h + e)
    # <<< blank


model_ai = ai_by_hand(model_slopes["easy"], model_slopes["hard"])  # blank
human_ai = paradigm_info("lighting")["human_ai"]

# %%
pairs = [(54.0, 167.0), (120.0, -15.0), (0.0, 0.0), (-8.0, 30.0), (80.0, 40.0)]
# (a function whose body is still blank returns None)
check_close("ai_by_hand",
            None if ai_by_hand(*pairs[0]) is None else [ai_by_hand(e, h) for e, h in pairs],
            [asymmetry_index(e, h) for e, h in pairs], rtol=1e-12, atol=1e-12,
            hint="clip with max(s, 0); both zero gives 0")
check_close("model_ai", model_ai, out["ai"], rtol=1e-8)
print(f"model: slope easy {model_slopes['easy']:.1f}, hard {model_slopes['hard']:.1f} "
      f"ms/item, AI {model_ai:+.2f} (bootstrap 95% interval over displays "
      f"[{out['ai_low']:+.2f}, {out['ai_high']:+.2f}]) | humans: AI {human_ai:+.2f}")

# %% [markdown]
# ## 4. How large is an AI by chance?
#
# An AI from 6 displays per cell is noisy. To judge the model's value we need the
# **noise floor**: the spread of AIs that a searcher *without* any asymmetry produces at
# the same number of trials. The chance searcher visits the items in a random order.
#
# **A trap.** With `random_state=0` (an int), the chance searcher draws the *same*
# random orders on every call — and the easy and hard displays of a set size share their
# layouts. So it fixates the very same sequence of positions in both conditions, the two
# slopes are identical and the AI is exactly 0, with a bootstrap interval of zero width.
# That is not a noise floor, it is an artefact of reusing random numbers:

# %%
same = run_paradigm("lighting", "chance", n_trials=n_trials, random_state=0,
                    device="cpu", verbose=False)
easy_fix = same["n_fixations"][same["hard"] == 0]
hard_fix = same["n_fixations"][same["hard"] == 1]
print("int seed: identical fixation counts in easy and hard:",
      np.array_equal(easy_fix, hard_fix),
      f"| AI {same['ai']:+.2f} [{same['ai_low']:+.2f}, {same['ai_high']:+.2f}]")

# %% [markdown]
# With a `numpy.random.Generator` the chance searcher advances its draws from call to
# call, so each condition and each display gets fresh orders. One run with
# $20 \times 6 = 120$ displays per cell is then **20 independent experiments of 6
# displays each**, every one the size of the model's experiment: display $i$ of a cell
# belongs to experiment $\lfloor (i \bmod 120)/6 \rfloor$ (the per-trial arrays are
# ordered cell by cell, 120 trials per cell).
#
# ### Exercise 4 — the chance noise floor
#
# 1. Compute `experiment`, the experiment number (0–19) of every trial of `chance`.
# 2. For each experiment, compute its AI with your `slopes_by_hand` and `ai_by_hand`:
#    `chance_ai` (20 numbers).
# 3. Summarise the spread: standard deviation `chance_sd` (`ddof=1`) and the 5th and 95th
#    percentiles `chance_q05`, `chance_q95` (`np.percentile`).
# 4. The Monte Carlo p-value of the model's AI, `p_model`: the fraction of chance
#    experiments whose AI is at least the model's, counting the model itself,
#    $(1 + \#\{\mathrm{AI}_\text{chance} \ge \mathrm{AI}_\text{model}\})/(1 + 20)$.

# %%
n_experiments = 20
chance = run_paradigm("lighting", "chance", n_trials=n_experiments * n_trials,
                      random_state=np.random.default_rng(1), device="cpu", verbose=False)
chance_condition = np.where(chance["hard"] == 1, "hard", "easy")
experiment = (np.arange(chance["rt"].size) % (n_experiments * n_trials)) // n_trials  # blank
# >>> blank
ais = []
for e in range(n_experiments):
    sel = experiment == e
    s = slopes_by_hand(chance["rt"][sel], chance["set_size"][sel], chance_condition[sel])
    ais.append(ai_by_hand(s["easy"], s["hard"]))
# <<< blank
chance_ai = np.array(ais)  # blank
chance_sd = np.std(chance_ai, ddof=1)  # blank
chance_q05 = np.percentile(chance_ai, 5)  # blank
chance_q95 = np.percentile(chance_ai, 95)  # blank
p_model = (1 + np.sum(chance_ai >= model_ai)) / (1 + n_experiments)  # blank

# %%
# reference: cells are contiguous blocks of 120 trials; split each into 20 x 6
cells = n_experiments * n_trials
n_cells = chance["rt"].size // cells
blocks = {k: chance[k].reshape(n_cells, n_experiments, n_trials)
          for k in ("rt", "set_size", "hard")}
ref_ai = []
for e in range(n_experiments):
    rt_e, size_e, hard_e = (blocks[k][:, e].ravel() for k in ("rt", "set_size", "hard"))
    sl = search_slopes(rt_e, size_e, np.where(hard_e == 1, "hard", "easy"))
    ref_ai.append(asymmetry_index(sl["easy"], sl["hard"]))
ref_ai = np.array(ref_ai)
check_close("chance_ai", chance_ai, ref_ai, rtol=1e-8, atol=1e-10,
            hint="experiment = (trial index % 120) // 6")
check_close("chance_sd", chance_sd, ref_ai.std(ddof=1), rtol=1e-8)
ref_q05, ref_q95 = np.quantile(ref_ai, [0.05, 0.95])
check_close("chance_q05", chance_q05, ref_q05, rtol=1e-8)
check_close("chance_q95", chance_q95, ref_q95, rtol=1e-8)
check_close("p_model", p_model, (1 + (ref_ai >= out["ai"]).sum()) / (1 + n_experiments))
check_true("a real noise floor", chance_sd > 0.05,
           "fresh random draws should give a spread of chance AIs, not a constant 0")
print(f"chance AI over {n_experiments} experiments of {n_trials} displays per cell: "
      f"mean {chance_ai.mean():+.2f}, SD {chance_sd:.2f}, "
      f"5-95% [{chance_q05:+.2f}, {chance_q95:+.2f}], max {chance_ai.max():+.2f}")
print(f"model AI {model_ai:+.2f}: Monte Carlo p = {p_model:.3f} "
      f"(smallest possible with {n_experiments} experiments: {1 / (1 + n_experiments):.3f})")

# %% tags=["figure"]
fig, (ax_rt, ax_ai) = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained",
                                   width_ratios=(1.25, 1))
runs = (
    ("model", out, condition, "-", "o", 0.0),
    ("chance", chance, chance_condition, "--", "s", -0.25),
)
for label, o, cond_of, style, marker, shift in runs:
    for cond, color, extra in (("easy", "tab:blue", 0.0), ("hard", "tab:red", 0.5)):
        sel = cond_of == cond
        means = np.array([o["rt"][sel & (o["set_size"] == s)].mean() for s in sizes])
        sems = np.array([o["rt"][sel & (o["set_size"] == s)].std(ddof=1)
                         / np.sqrt(np.sum(sel & (o["set_size"] == s))) for s in sizes])
        x = sizes + (shift - extra if label == "chance" else 0.0)
        ax_rt.errorbar(x, means, sems, ls=style, marker=marker, color=color,
                       mfc="white" if label == "chance" else color, capsize=3,
                       label=f"{label}, {cond}")
ax_rt.set_xlabel("set size (items)")
ax_rt.set_ylabel("reaction time (ms), mean ± SEM")
ax_rt.set_title("RT against set size, lighting")
ax_rt.legend(fontsize=10, loc="upper left")
counts, _, _ = ax_ai.hist(chance_ai, bins=np.linspace(-1, 1, 21), color="0.6",
                          label=f"chance, {n_experiments} experiments")
ax_ai.axvspan(chance_q05, chance_q95, color="0.5", alpha=0.2, label="chance 5–95%")
ax_ai.axvline(model_ai, color="tab:orange", lw=2.5, label=f"model {model_ai:+.2f}")
ax_ai.axvspan(out["ai_low"], out["ai_high"], color="tab:orange", alpha=0.15,
              label="model bootstrap 95%")
ax_ai.axvline(human_ai, color="k", ls=":", lw=2, label=f"humans {human_ai:+.2f}")
ax_ai.set_xlabel("asymmetry index (unitless)")
ax_ai.set_ylabel("chance experiments (count)")
ax_ai.set_ylim(0, 2.2 * counts.max())  # room for the legend above the bars
ax_ai.set_title(f"AI against the chance noise floor ({n_trials} displays per cell)")
ax_ai.legend(fontsize=10, loc="upper left")
plt.show()

# %% [markdown]
# In the RT panel the chance curves (dashed, open squares) are drawn from all 120
# displays per cell and shifted left (easy by 0.25, hard by 0.75 items) so that
# both show: unshifted they lie on top of each other, since a chance searcher has no
# asymmetry — its easy and hard slopes differ only by noise.
#
# **Reading the numbers.** The chance AIs of 6-display experiments scatter around 0
# (mean +0.07) with a standard deviation of 0.18; their 5–95% range is
# [−0.19, +0.33], and one experiment reached +0.36 by luck alone. The spread estimate
# itself varies with the draws: 20 other chance experiments (seeds 0–19 of the
# generator, the same displays in every experiment) gave SD 0.16 and 5–95% range
# [−0.28, +0.19]. Either way, a single 6-display experiment can show an AI of ±0.3 with
# no asymmetry at all. The model's AI of +0.51 lies above every one of the 20 chance
# experiments, so $p = 1/21 \approx 0.048$, the smallest value 20 experiments can give:
# evidence for the human polarity, but not strong evidence, and its own bootstrap
# interval over displays, [+0.14, +1.00], is wide. To tighten both, run more displays
# per cell (the full experiment uses 30) and more chance experiments; with six
# paradigms, correct the six p-values for
# multiple comparisons (e.g. Holm).
#
# ## Going further
#
# - **Discussion.** Which property of the ImageNet images could make top-lit discs easier
#   to find than side-lit ones? (Think of where light comes from in photographs, and
#   of the training-diet experiment, `cogattn run lighting_diet`.)
# - Run all six paradigms and the baselines: `cogattn run search_asymmetry --out runs/asym`
#   (the report lists the slopes, AIs and polarity matches per variant).
# - Switch eccentricity pooling off (`EccentricitySearchModel(eccentricity=False)`), swap
#   the backbone (`backbone="efficientnet_lite0"`) or go back to the raw feature
#   correlation (`similarity="dot"`), and see which asymmetries survive. Judge each
#   against the chance noise floor of Exercise 4, not against 0.
# - The turned items of intersection and T vs L are drawn as in the published eccNET
#   stimuli; `run_paradigm("t_vs_l", orientations="rotations")` draws the four quarter
#   turns instead. How does the variety of the distractors change the T vs L index?
#
# ## References
#
# - Gupta, S. K., Zhang, M., Wu, C.-C., Wolfe, J. M., & Kreiman, G. (2021). Visual search
#   asymmetry: Deep nets and humans share similar inherent biases. *Advances in Neural
#   Information Processing Systems 34 (NeurIPS 2021)*, 6946–6959.
# - Kleffner, D. A., & Ramachandran, V. S. (1992). On the perception of shape from
#   shading. *Perception & Psychophysics*, 52(1), 18–36.
# - Treisman, A., & Gormican, S. (1988). Feature analysis in early vision: Evidence from
#   search asymmetries. *Psychological Review*, 95(1), 15–48.
# - Wolfe, J. M. (2001). Asymmetries in visual search: An introduction. *Perception &
#   Psychophysics*, 63(3), 381–389.
# - Zhang, M., Feng, J., Ma, K. T., Lim, J. H., Zhao, Q., & Kreiman, G. (2018). Finding
#   any Waldo with zero-shot invariant and efficient visual search. *Nature
#   Communications*, 9, 3730.
# - Sandler, M., Howard, A., Zhu, M., Zhmoginov, A., & Chen, L.-C. (2018). MobileNetV2:
#   Inverted residuals and linear bottlenecks. *Proceedings of the IEEE Conference on
#   Computer Vision and Pattern Recognition (CVPR)*, 4510–4520.
