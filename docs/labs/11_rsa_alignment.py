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
# # Lab 11 — Comparing representations: RSA, CKA and functional alignment on real fMRI
#
# Two brains (or a brain and a network) never share their units: voxel 1,234 of one
# subject has no counterpart in another, and unit 17 of one network none in the
# next. Three families of methods compare representations anyway:
#
# - **representational similarity analysis (RSA)** compares the *geometry* of the
#   responses: which conditions evoke similar patterns (Kriegeskorte et al., 2008);
# - **centered kernel alignment (CKA)** compares two representations of the same
#   samples with one number that ignores rotations and scale (Kornblith et al., 2019);
# - **functional alignment** (Procrustes, hyperalignment, shared response models)
#   *maps* one representation onto another, and is judged on held-out data
#   (Haxby et al., 2011; Chen et al., 2015).
#
# Everything here runs on **real fMRI**: the resting-state run shipped with the
# `brainspace` package (one participant, fsaverage5 surface, 652 volumes) and the
# ROI time series shipped with `nitime` (250 volumes, 31 regions). To have several
# "subjects" with unrelated units we cut the cortex into **pseudo-subjects**: disjoint
# random sets of vertices, two per hemisphere. They share the participant's brain
# states but not a single vertex, which is exactly the situation these methods are
# built for.
#
# **Objectives**
#
# - compute RDMs (euclidean, crossnobis) and explain why cross-validation removes
#   the positive bias of distance estimates;
# - compare RDMs with rank and whitened measures, and bound them with a noise ceiling;
# - compute linear CKA from centred Gram matrices and see what debiasing changes;
# - fit Procrustes by hand, then hyperalignment and a shared response model, and test
#   them on held-out time;
# - match units one-to-one by optimal assignment.
#
# **Prerequisites** linear algebra (SVD, traces), correlation; Python with numpy.
# Lab 04 (voxelwise encoding) helps but is not required. The data come with the
# packages `brainspace` and `nitime` (the `reference` extra of cogattn).
#
# **Time** about 60 minutes (the notebook itself runs in well under a minute).

# %% [markdown]
# ## 0. Setup

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import rankdata, spearmanr
from threadpoolctl import threadpool_limits

from cogattn.datasets.brainspace_bold import load_brainspace_bold
from cogattn.datasets.nitime_rois import load_nitime_rois
from cogattn.encoders import (
    alignment_generalisation,
    bootstrap_rdm_comparison,
    cka,
    compare_rdms,
    crossnobis_rdm,
    match_units_one_to_one,
    noise_ceiling,
    procrustes,
    rdm,
)
from cogattn.labs import check_close, check_true
from cogattn.viz.representations import (
    plot_alignment_generalisation,
    plot_rdms,
    plot_similarity_matrix,
)

threadpool_limits(limits=1, user_api="blas")
SEED = 2026
rng = np.random.default_rng(SEED)
t_start = time.perf_counter()

# %% [markdown]
# ## 1. Real BOLD and four pseudo-subjects
#
# `load_brainspace_bold(hemi)` returns the (volumes × vertices) matrix of one
# hemisphere, without the medial wall. Each pseudo-subject gets `N_VERT` random
# vertices; every series is z-scored over time.

# %%
N_VERT = 400
subjects, labels = [], []
for hemi in ("lh", "rh"):
    bold, _ = load_brainspace_bold(hemi)
    perm = rng.permutation(bold.shape[1])
    for k, name in enumerate("AB"):
        x = bold[:, np.sort(perm[k * N_VERT : (k + 1) * N_VERT])]
        subjects.append((x - x.mean(0)) / x.std(0))
        labels.append(f"{hemi}-{name}")
n_vol = subjects[0].shape[0]
print(f"{len(subjects)} pseudo-subjects of {N_VERT} vertices, {n_vol} volumes")

# %% [markdown]
# ## 2. Conditions and RDMs
#
# Resting state has no stimulus conditions, so we make *brain states* the
# conditions: the run is cut into $K = 24$ consecutive segments of 27 volumes
# (51 s), and each segment's mean pattern is one condition. Within every segment
# the odd and even volumes form two **folds**, independent-noise estimates of the
# same pattern.
#
# The euclidean RDM (rsatoolbox's scaling) is, for patterns $x_i \in \mathbb R^P$,
#
# $$d_{ij} = \frac{1}{P}\,\lVert x_i - x_j\rVert^2 .$$
#
# Noise inflates it: if $\hat x_i = x_i + \varepsilon_i$ then
# $\mathbb E\,\hat d_{ij} = d_{ij} + 2\sigma^2$. The **crossnobis** estimator
# multiplies differences measured in *different* folds $f \neq g$, whose noise is
# independent, so the bias vanishes:
#
# $$\hat d_{ij} = \frac{1}{P\,F(F-1)}\sum_{f \ne g}
#   (x^{(f)}_i - x^{(f)}_j)^\top \Lambda\, (x^{(g)}_i - x^{(g)}_j),$$
#
# with a noise precision $\Lambda$ (here the identity).

# %%
K, SEG = 24, 27
seg = np.repeat(np.arange(K), SEG)
used = seg.size  # the first K * SEG volumes
fold = np.arange(used) % 2


def condition_patterns(x):
    """Mean pattern of each segment (K, P)."""
    return x[:used].reshape(K, SEG, -1).mean(axis=1)


patterns = condition_patterns(subjects[0])

# %% [markdown]
# **Exercise 1 — a euclidean RDM by hand.** Compute the condensed RDM of `patterns`:
# all squared distances divided by the number of vertices, upper triangle row by row
# (`np.triu_indices(K, 1)`).

# %%
diff = patterns[:, None, :] - patterns[None, :, :]  # blank
full = (diff**2).sum(axis=2) / patterns.shape[1]  # blank
rdm_by_hand = full[np.triu_indices(K, 1)]  # blank

# %%
check_close("rdm_by_hand", rdm_by_hand, rdm(patterns, "euclidean"), rtol=1e-10)

# %% [markdown]
# **Exercise 2 — crossnobis with two folds.** With $F = 2$ the sum has the two
# ordered pairs (odd, even) and (even, odd). Compute the fold means `m0`, `m1` of
# every segment (K × P), then the crossnobis RDM with $\Lambda = I$.

# %%
x0 = subjects[0][:used]
m0 = np.stack([x0[(seg == k) & (fold == 0)].mean(0) for k in range(K)])  # blank
m1 = np.stack([x0[(seg == k) & (fold == 1)].mean(0) for k in range(K)])  # blank
d0 = m0[:, None, :] - m0[None, :, :]  # blank
d1 = m1[:, None, :] - m1[None, :, :]  # blank
cv = (d0 * d1).sum(axis=2) / x0.shape[1]  # (d0.d1 + d1.d0) / (2 P)  # blank
crossnobis_by_hand = cv[np.triu_indices(K, 1)]  # blank

# %%
check_close(
    "crossnobis_by_hand",
    crossnobis_by_hand,
    crossnobis_rdm(x0, seg, fold),
    rtol=1e-8,
    atol=1e-12,
    hint="multiply differences from different folds, divide by the vertex count",
)

# %% [markdown]
# On these data the two RDMs are almost equal: odd and even volumes of BOLD are
# neighbours in time and share its slow noise, so crossing them removes little. The
# bias disappears only when the folds' noise is independent. To see it, we add
# independent noise of standard deviation $\sigma = 3$ to every volume: the
# euclidean RDM of the segment means grows by about $2\sigma^2 / 27 = 0.67$, the
# crossnobis RDM does not move (in expectation).

# %%
rdms_e = np.stack([rdm(condition_patterns(s)) for s in subjects])
rdms_cn = np.stack([crossnobis_rdm(s[:used], seg, fold) for s in subjects])
noisy = subjects[0] + 3.0 * rng.standard_normal(subjects[0].shape)
print(
    f"mean euclidean {rdms_e[0].mean():.3f} -> with added noise "
    f"{rdm(condition_patterns(noisy)).mean():.3f}; crossnobis "
    f"{rdms_cn[0].mean():.3f} -> {crossnobis_rdm(noisy[:used], seg, fold).mean():.3f}"
)

# %% tags=["figure"]
fig = plot_rdms([rdms_e[0], rdms_cn[0], rdms_cn[2]],
                [f"{labels[0]} euclidean", f"{labels[0]} crossnobis",
                 f"{labels[2]} crossnobis"])  # fmt: skip
plt.show()

# %% [markdown]
# ## 3. Comparing RDMs, and the noise ceiling
#
# Are the state geometries of the four pseudo-subjects alike? `compare_rdms` gives
# every pairing; the **whitened cosine** (`"cosine_cov"`) accounts for the
# covariance between distances that share a condition (Diedrichsen et al., 2021):
# with $G = -\tfrac12 H D H$ the double-centred second moment,
#
# $$\cos_w(D_1, D_2) = \frac{\langle G_1, G_2\rangle_F}{\lVert G_1\rVert_F\,
#   \lVert G_2\rVert_F}.$$
#
# The **noise ceiling** bounds what any model RDM can reach against these subjects:
# the lower bound compares each subject with the mean of the *others*, the upper
# bound with the mean of *all* (Nili et al., 2014).

# %%
sim = compare_rdms(rdms_cn, rdms_cn, "cosine_cov")
lower, upper = noise_ceiling(rdms_cn, "cosine_cov")
print(np.round(sim, 2))
print(f"noise ceiling (whitened cosine): [{lower:.3f}, {upper:.3f}]")

# %% [markdown]
# **Exercise 3 — the lower noise ceiling.** For the Spearman correlation, compute for
# each subject the correlation of its RDM with the **mean of the ranked RDMs** of
# the other three (`scipy.stats.rankdata` ranks a vector), and average.

# %%
ranked = np.stack([rankdata(r) for r in rdms_cn])
per_subject = []
for s in range(len(subjects)):
    others = np.delete(ranked, s, axis=0).mean(axis=0)  # blank
    per_subject.append(spearmanr(rdms_cn[s], others).statistic)  # blank
lower_by_hand = float(np.mean(per_subject))  # blank

# %%
check_close("lower_by_hand", lower_by_hand, noise_ceiling(rdms_cn, "spearman")[0],
            rtol=1e-10)  # fmt: skip

# %% [markdown]
# Two "model" RDMs for the left-hemisphere pseudo-subjects: the mean RDM of the
# right-hemisphere ones (does the other hemisphere go through the same states?) and
# the distance in time $d_{ij} = |i - j|$ (are neighbouring segments alike?). A
# bootstrap over conditions and subjects gives their intervals.

# %%
temporal = np.abs(np.subtract.outer(np.arange(K), np.arange(K)))
models = np.stack([rdms_cn[2:].mean(axis=0),
                   temporal[np.triu_indices(K, 1)].astype(float)])  # fmt: skip
boot = bootstrap_rdm_comparison(
    rdms_cn[:2], models, "spearman", over="both", n_boot=300, random_state=SEED
)
for name, obs, lo, hi in zip(["right hemisphere", "time distance"], boot["observed"],
                             boot["ci_low"], boot["ci_high"], strict=True):  # fmt: skip
    print(f"{name}: Spearman {obs:.3f}, 95% CI [{lo:.3f}, {hi:.3f}]")

# %% [markdown]
# ## 4. Centered kernel alignment
#
# For two representations $X$ (n × p) and $Y$ (n × q) of the same $n$ samples, here
# the 652 volumes, linear CKA is
#
# $$\mathrm{CKA}(X, Y) = \frac{\lVert Y_c^\top X_c\rVert_F^2}
#   {\lVert X_c^\top X_c\rVert_F\,\lVert Y_c^\top Y_c\rVert_F}
#   = \frac{\langle H K H, H L H\rangle_F}{\lVert HKH\rVert_F\lVert HLH\rVert_F},$$
#
# with Grams $K = XX^\top$, $L = YY^\top$ and the centring matrix $H = I - \tfrac1n
# 11^\top$. It is invariant to rotations and isotropic scaling of either side.

# %% [markdown]
# **Exercise 4 — linear CKA from Gram matrices.** Compute CKA between the first two
# pseudo-subjects with the right-hand formula.

# %%
A, B = subjects[0], subjects[1]
H = np.eye(n_vol) - 1.0 / n_vol
Kc = H @ (A @ A.T) @ H  # blank
Lc = H @ (B @ B.T) @ H  # blank
cka_by_hand = (Kc * Lc).sum() / (np.linalg.norm(Kc) * np.linalg.norm(Lc))  # blank

# %%
check_close("cka_by_hand", cka_by_hand, cka(A, B), rtol=1e-8)

# %% [markdown]
# Biased CKA is far from zero even for unrelated data when there are more features
# than samples; the debiased estimator (unbiased HSIC, Song et al., 2012) fixes that.
# A control: the same data with the volumes shuffled.

# %%
shuffled = subjects[3][rng.permutation(n_vol)]
n_sub = len(subjects)
cka_mat = np.array([[cka(subjects[i], subjects[j]) for j in range(n_sub)]
                    for i in range(n_sub)])  # fmt: skip
print(
    f"CKA lh-A/rh-B {cka_mat[0, 3]:.3f}; time-shuffled control: biased "
    f"{cka(subjects[0], shuffled):.3f}, debiased "
    f"{cka(subjects[0], shuffled, debiased=True):.3f}"
)
check_true("shuffle control", cka(subjects[0], shuffled, debiased=True) < 0.05,
           "debiased CKA of unrelated time courses should be near 0")  # fmt: skip

# %% tags=["figure"]
fig = plot_similarity_matrix(cka_mat, labels, "linear CKA between pseudo-subjects")
plt.show()

# %% [markdown]
# ## 5. Functional alignment
#
# Orthogonal Procrustes finds the rotation $R$ that best maps $X$ onto $Y$:
#
# $$R^\star = \arg\min_{R^\top R = I}\lVert XR - Y\rVert_F = UV^\top,
#   \qquad X^\top Y = U\Sigma V^\top .$$
#
# **Exercise 5 — Procrustes by hand.** Fit $R$ from subject 0 to subject 2 on the
# first half of the run (326 volumes of 400 vertices each): the SVD of the 400 × 400
# cross-product $X^\top Y$. With fewer volumes than vertices, $R$ is determined only
# on the span of the training data, so we compare the mapped data $XR$.

# %%
half = n_vol // 2
Xtr, Ytr = subjects[0][:half], subjects[2][:half]
U, _, Vt = np.linalg.svd(Xtr.T @ Ytr)  # blank
R_by_hand = U @ Vt  # blank

# %%
R_ref, _ = procrustes(Xtr, Ytr)
check_close("R_by_hand", Xtr @ R_by_hand, Xtr @ R_ref, atol=1e-5,
            hint="R = U V^T from the SVD of X^T Y")  # fmt: skip

# %% [markdown]
# Hyperalignment iterates Procrustes towards a template (the mean of the aligned
# subjects); the shared response model (SRM) learns $k$ shared time courses $S$ and
# an orthonormal basis $W_i$ per subject, $X_i \approx S W_i^\top$. The test is
# **generalisation in time**: fit on the first half, leave one pseudo-subject out,
# add it with its own first half, and correlate its aligned second half with the
# others'. The null shifts each subject's training half by a different lag.


# %%
def shifted(xs, cut):
    return [np.vstack([np.roll(x[:cut], (i + 1) * cut // 5, axis=0), x[cut:]])
            for i, x in enumerate(xs)]  # fmt: skip


results = {}
for method in ("hyperalignment", "srm"):
    real = alignment_generalisation(subjects, method, n_components=20,
                                    random_state=SEED)  # fmt: skip
    null = alignment_generalisation(shifted(subjects, half), method,
                                    n_components=20, random_state=SEED)  # fmt: skip
    results[method] = {"aligned_r": real["aligned_r"], "null_r": null["aligned_r"],
                       "baseline_r": real["baseline_r"]}  # fmt: skip
    print(
        f"{method}: held-out r {real['aligned_r'].mean():.3f} "
        f"(null {null['aligned_r'].mean():+.3f})"
    )
check_true("alignment generalises",
           results["srm"]["aligned_r"].mean() > results["srm"]["null_r"].mean() + 0.3,
           "SRM should beat the shifted-training null on held-out time")  # fmt: skip

# %% tags=["figure"]
fig = plot_alignment_generalisation(results)
plt.show()

# %% [markdown]
# ## 6. Unit-to-unit matching on ROI time series
#
# nitime's ROI series have 14 left and 14 right regions. If we forget their names,
# can we pair each left region with its homologue from the time courses alone? The
# greedy choice takes each region's best-correlated partner; the optimal
# **one-to-one** assignment (Hungarian algorithm) maximises the summed correlation
# over all pairings at once (Li et al., 2016).

# %%
roi, names = load_nitime_rois()
left = [i for i, n in enumerate(names) if n.startswith("L") or n == "APHG"]
right = [i for i, n in enumerate(names) if n.startswith("R")]
match = match_units_one_to_one(roi[:, left], roi[:, right])
greedy = match["corr_matrix"].argmax(axis=1)
print(
    f"homologues found: optimal {np.mean(match['cols'] == np.arange(14)):.0%}, "
    f"greedy {np.mean(greedy == np.arange(14)):.0%}"
)

# %%
check_true(
    "homologues",
    np.all(match["cols"] == np.arange(14)),
    "the optimal assignment should pair every ROI with its homologue",
)
print(f"lab ran in {time.perf_counter() - t_start:.1f} s")

# %% [markdown]
# ## Take-aways
#
# - Distances between noisy patterns are biased upwards; cross-validated
#   (crossnobis) distances are not, and can be negative when conditions do not differ.
# - Compare RDMs with measures that suit the question (ranks, whitened cosines), and
#   judge a model against the noise ceiling of the data, not against 1.
# - CKA compares whole representations without matching units; prefer the debiased
#   estimator when features outnumber samples.
# - An alignment is only as good as its generalisation to data it was not fitted on.
# - Optimal assignment beats greedy matching when units have several plausible
#   partners.
#
# ## References
#
# - Kriegeskorte, N., Mur, M., & Bandettini, P. (2008). Representational similarity
#   analysis – connecting the branches of systems neuroscience. *Frontiers in Systems
#   Neuroscience*, 2, 4.
# - Walther, A., Nili, H., Ejaz, N., Alink, A., Kriegeskorte, N., & Diedrichsen, J.
#   (2016). Reliability of dissimilarity measures for multi-voxel pattern analysis.
#   *NeuroImage*, 137, 188–200.
# - Nili, H., Wingfield, C., Walther, A., Su, L., Marslen-Wilson, W., & Kriegeskorte,
#   N. (2014). A toolbox for representational similarity analysis. *PLoS
#   Computational Biology*, 10(4), e1003553.
# - Diedrichsen, J., Berlot, E., Mur, M., Schütt, H. H., Shahbazi, M., & Kriegeskorte,
#   N. (2021). Comparing representational geometries using whitened unbiased-distance-
#   matrix similarity. *Neurons, Behavior, Data analysis, and Theory*, 5(3).
# - Kornblith, S., Norouzi, M., Lee, H., & Hinton, G. (2019). Similarity of neural
#   network representations revisited. *ICML*, 3519–3529.
# - Song, L., Smola, A., Gretton, A., Bedo, J., & Borgwardt, K. (2012). Feature
#   selection via dependence maximization. *JMLR*, 13, 1393–1434.
# - Haxby, J. V., et al. (2011). A common, high-dimensional model of the
#   representational space in human ventral temporal cortex. *Neuron*, 72(2), 404–416.
# - Chen, P.-H., Chen, J., Yeshurun, Y., Hasson, U., Haxby, J. V., & Ramadge, P. J.
#   (2015). A reduced-dimension fMRI shared response model. *NeurIPS*, 460–468.
# - Li, Y., Yosinski, J., Clune, J., Lipson, H., & Hopcroft, J. (2016). Convergent
#   learning: do different neural networks learn the same representations? *ICLR*.
# - Vos de Wael, R., et al. (2020). BrainSpace: a toolbox for the analysis of
#   macroscale gradients in neuroimaging and connectomics datasets. *Communications
#   Biology*, 3, 103.
