# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 01 — Linear attention as a Hebbian memory (Pavlovian conditioning)
#
# **Objectives**
#
# - Build a Hebbian (outer-product) memory by hand and recognise it as the state of
#   unnormalised linear attention.
# - Derive the expected retrieval cosine $1/\sqrt{1 + (N-1)/d_k}$ and check it against
#   simulations.
# - Measure a memory capacity from a simulated curve and compare it with the closed form.
# - Tell apart two ways a conditioned response can fade: **retroactive interference**
#   (new pairs corrupt an old one) and **extinction** (the CS presented without the US).
#
# **Prerequisites** — vectors, dot and outer products, the variance of a sum of
# independent terms; numpy broadcasting (`np.einsum` helps); the vocabulary of classical
# conditioning (CS, US, conditioned response). This is the first lab: no earlier lab is
# needed.
#
# **Time** — about 90 minutes.
#
# ## The model
#
# In classical conditioning a **conditioned stimulus** (CS, a bell) is paired with an
# **unconditioned stimulus** (US, food). Later a **test stimulus** that resembles the CS
# recalls the US. Read linear attention the same way:
#
# | conditioning | attention | here |
# |---|---|---|
# | CS | key $k_i \in \mathbb{R}^{d_k}$ | `keys` |
# | US | value $v_i \in \mathbb{R}^{d_v}$ | `values` |
# | test stimulus | query $q$ | `queries` |
#
# Each pairing strengthens the CS→US connections by a Hebbian (outer-product) rule,
# $\Delta M = v_i k_i^\top$, so after $N$ pairings the memory is
#
# $$M = \sum_{i=1}^{N} v_i k_i^\top \qquad (d_v \times d_k),$$
#
# which is exactly the running state of (unnormalised) linear attention. A test
# stimulus retrieves $M q = \sum_i v_i\,(k_i \cdot q)$.

# %%
import matplotlib.pyplot as plt
import numpy as np

from cogattn.labs import check_close, check_true
from cogattn.workspace import (
    HebbianMemory,
    capacity_from_curve,
    cleanup,
    closed_form_capacity,
    closed_form_cosine,
    cosine_capacity,
    error_free_capacity,
    power_law_fit,
    random_binary_values,
    random_unit_keys,
    retrieval_cosine,
    retrieve,
    sign_recall,
    sign_recall_capacity,
    store,
)

rng = np.random.default_rng(2026)

# %% [markdown]
# ## 1. Store and retrieve
#
# We draw $N = 16$ random unit keys (CS) in $d_k = 64$ dimensions and $N$ random binary
# values (US, entries $\pm 1/\sqrt{d_v}$, so $|v_i| = 1$). Everything is batched: the
# leading axis holds 100 independent memories (animals, or attention heads).
#
# ### Exercise 1 — the memory by hand
#
# Compute the memory matrices `M_hand` (shape `(100, d_v, d_k)`) as the sum of outer
# products $\sum_i v_i k_i^\top$, and the readouts `readout_hand` $= M k_j$ for every
# stored key (shape `(100, N, d_v)`), with `np.einsum` (no loop). The check compares
# them with the package's `store` and `retrieve`.

# %%
d_k, d_v, n_items = 64, 128, 16
keys = random_unit_keys(n_items, d_k, batch=100, random_state=rng)  # (100, 16, 64)
values = random_binary_values(n_items, d_v, batch=100, random_state=rng)  # (100, 16, 128)

M_hand = np.einsum("bnv,bnk->bvk", values, keys)  # blank
readout_hand = np.einsum("bvk,bnk->bnv", M_hand, keys)  # blank

# %%
M = store(keys, values)
readout = retrieve(M, keys)
check_close("M_hand", M_hand, M, rtol=1e-10, atol=1e-12,
            hint="M[b] = sum over items n of the outer product values[b, n] keys[b, n]^T")
check_close("readout_hand", readout_hand, readout, rtol=1e-10, atol=1e-12,
            hint="the readout of item n is M[b] @ keys[b, n]")
print("memory shape", M_hand.shape, "| readout shape", readout_hand.shape)

# %% [markdown]
# ## 2. Why recall degrades: the closed form
#
# With $q = k_j$ the readout is
#
# $$M k_j = v_j\,(k_j\cdot k_j) + \sum_{i\neq j} v_i\,(k_i\cdot k_j) = v_j + \text{cross-talk}.$$
#
# For random unit keys, each overlap $k_i\cdot k_j$ has mean 0 and variance $1/d_k$.
# If the values are unit vectors that do not overlap, the cross-talk is orthogonal to
# $v_j$ and its expected squared norm is $(N-1)/d_k$. So the signal has norm 1, the
# readout has expected squared norm $1 + (N-1)/d_k$, and
#
# $$\cos(M k_j, v_j) = \frac{M k_j \cdot v_j}{|M k_j|\,|v_j|} \approx \frac{1}{\sqrt{1 + (N-1)/d_k}}.$$
#
# The ratio of expectations is exact; the mean of the per-item cosine differs from it
# only by a small Jensen term of order $1/d_k$ (and $1/d_v$ for random values).
#
# ### Exercise 2 — cosine by hand and the closed form
#
# 1. Write `unit_rows(x)`, which divides every vector along the last axis by its
#    Euclidean norm (`np.linalg.norm(..., axis=-1, keepdims=True)`). You will reuse it.
# 2. With it, compute the cosine of every readout with its stored value,
#    `cos_hand` (shape `(100, N)`), and its mean `mean_cos`.
# 3. Evaluate the closed form for $N = 16$, $d_k = 64$ yourself: `cos_theory`.

# %%
def unit_rows(x):
    """Divide each vector along the last axis by its Euclidean norm."""
    # >>> blank
    return x / np.linalg.norm(x, axis=-1, keepdims=True)
    # <<< blank


cos_hand = np.sum(unit_rows(readout_hand) * unit_rows(values), axis=-1)  # blank
mean_cos = cos_hand.mean()  # blank
cos_theory = 1 / np.sqrt(1 + (n_items - 1) / d_k)  # blank

# %%
check_close("unit_rows(3 * keys)", unit_rows(keys * 3.0), keys, rtol=1e-10,
            hint="divide each row by its own norm (the keys are unit vectors already)")
check_close("unit_rows norms", np.linalg.norm(unit_rows(keys * 3.0), axis=-1),
            np.ones(keys.shape[:-1]), rtol=1e-10, hint="divide by the norm of each row")
check_close("cos_hand", cos_hand, retrieval_cosine(readout, values), rtol=1e-8,
            hint="cosine = dot product of the two unit vectors, summed over the last axis")
check_close("cos_theory", cos_theory, closed_form_cosine(n_items, d_k), rtol=1e-10,
            hint="1 / sqrt(1 + (N - 1) / d_k)")
check_true("mean_cos near the closed form", abs(mean_cos - cos_theory) < 1 / d_k,
           "the simulated mean should lie within about 1/d_k of the closed form")
print(f"mean cosine {mean_cos:.4f} | closed form {cos_theory:.4f} | "
      f"difference {mean_cos - cos_theory:+.4f} (1/d_k = {1 / d_k:.4f})")

# %% [markdown]
# The fidelity depends on the **load** $(N-1)/d_k$ only, so curves for all $d_k$ should
# fall on one line. A sweep over loads and three key dimensions checks this; it also
# records two other readouts used in section 3 (nearest-neighbour clean-up and the sign
# readout).

# %%
loads = np.array([0.05, 0.125, 0.25, 0.5, 1, 2, 4, 8])
rows = []
for dk in (16, 64, 256):
    for load in loads:
        n = max(1, round(load * dk))
        batch = int(np.clip(np.ceil(1024 / n), 2, 256))
        k = random_unit_keys(n, dk, batch=batch, random_state=rng)
        v = random_binary_values(n, 128, batch=batch, random_state=rng)
        r = retrieve(store(k, v), k)
        n_q = min(n, 128)
        acc = np.mean(cleanup(r[:, :n_q], v) == np.arange(n_q))
        rows.append((dk, n, retrieval_cosine(r, v).mean(), acc,
                     sign_recall(r, v).mean()))
sweep = np.array(rows)  # columns: d_k, N, mean cosine, clean-up accuracy, sign recall
dev = np.abs(sweep[:, 2] - closed_form_cosine(sweep[:, 1], sweep[:, 0]))
print(f"{len(rows)} grid points, max |mean cosine - closed form| = {dev.max():.4f}")

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
for dk, marker in ((16, "o"), (64, "s"), (256, "^")):
    sel = sweep[:, 0] == dk
    ax.plot((sweep[sel, 1] - 1) / dk, sweep[sel, 2], marker, ls="none",
            label=f"simulated, $d_k$ = {dk}")
x = np.linspace(0, 8, 400)
ax.plot(x, 1 / np.sqrt(1 + x), "k-", label=r"closed form $1/\sqrt{1 + (N-1)/d_k}$")
ax.axhline(0.9, color="0.6", ls=":", label="cosine 0.9")
ax.set_xscale("symlog", linthresh=0.05)
ax.set_xlim(0, 9)
ax.set_xlabel("load $(N - 1)/d_k$ (pairs per key dimension)")
ax.set_ylabel("mean retrieval cosine (unitless)")
ax.set_title("Recall fidelity depends on the load only")
ax.legend(fontsize=10)
plt.show()

# %% [markdown]
# ## 3. Three readouts, three capacities
#
# "How many pairs can the memory hold?" has no single answer: it depends on the
# **readout** and on what counts as success.
#
# 1. **Mean cosine ≥ 0.9 (raw readout $Mq$).** Solving the closed form for $N$ gives
#    $N_{0.9} = 1 + d_k(1/0.81 - 1) \approx 0.235\,d_k + 1$: linear in $d_k$.
# 2. **Error-free (sign readout $\mathrm{sign}(Mq)$, worst case).** Demand that the
#    sign pattern of *every* stored binary value is recovered, for *every* possible set
#    of binary values. The worst value set lines all cross-talk up against the signal,
#    so we need $\sum_{i\neq j}|k_i\cdot k_j| < 1$ for every $j$. Each term is about
#    $\sqrt{2/(\pi d_k)}$, so only $N \approx \sqrt{\pi d_k/2}$ pairs fit: $O(\sqrt{d_k})$.
# 3. **Nearest-neighbour clean-up.** Compare $Mq$ with every stored value and pick the
#    most similar (a winner-take-all over US representations). It tolerates heavy
#    cross-talk; recall stays ≥ 99% up to several times $d_k$ (the exact factor grows
#    with $d_v$).
#
# ### Exercise 3 — measure the cosine-0.9 capacity
#
# The closed form says $1/\cos^2 = 1 + (N-1)/d_k$: **linear in $N$ with slope $1/d_k$**.
# For each $d_k$ of the sweep, fit a straight line to $1/\overline{\cos}^2$ against $N$
# (`np.polyfit(n, y, 1)` returns slope, intercept), store the fitted slope times $d_k$ in
# `slope_times_dk` (should be near 1), and solve the line for the $N$ at which the mean
# cosine is 0.9: `cap_measured`. The check compares them with the closed form
# `closed_form_capacity` and with the package's interpolation `cosine_capacity`.

# %%
dks = np.array([16, 64, 256])
slope_times_dk = np.zeros(3)  # blank
cap_measured = np.zeros(3)  # blank
for i, dk in enumerate(dks):
    sel = sweep[:, 0] == dk
    n, mean_c = sweep[sel, 1], sweep[sel, 2]
    # >>> blank
    slope, intercept = np.polyfit(n, 1 / mean_c**2, 1)
    slope_times_dk[i] = slope * dk
    cap_measured[i] = (1 / 0.9**2 - intercept) / slope
    # <<< blank

# %%
cap_theory = closed_form_capacity(dks, 0.9)
check_close("slope_times_dk", slope_times_dk, np.ones(3), rtol=0.05,
            hint="the slope of 1/cos^2 against N is 1/d_k; multiply the fitted slope by d_k")
check_close("cap_measured vs closed form", cap_measured, cap_theory, rtol=0.1,
            hint="solve slope * N + intercept = 1 / 0.9**2 for N")
interp = np.array([cosine_capacity(sweep[sweep[:, 0] == dk, 1],
                                   sweep[sweep[:, 0] == dk, 2], 0.9) for dk in dks])
check_close("cap_measured vs cosine_capacity", cap_measured, interp, rtol=0.1)
print("d_k   slope*d_k   N_0.9 measured / closed form")
for dk, s, m, c in zip(dks, slope_times_dk, cap_measured, cap_theory, strict=True):
    print(f"{dk:4d}   {s:8.3f}   {m:8.1f} / {c:6.1f}")

# %% [markdown]
# The fit and the local interpolation of `cosine_capacity` agree within a few percent,
# and both lie slightly above the closed form: the mean of the per-item cosine is a little
# higher than the ratio of expectations (the Jensen term of order $1/d_k$).
#
# The other two capacities, measured on the same sweep (clean-up) and on fresh keys
# (worst-case error-free, exact prefix sweep):

# %%
caps = []
for dk in (16, 64, 256):
    sel = sweep[:, 0] == dk
    n, c, acc = sweep[sel, 1], sweep[sel, 2], sweep[sel, 3]
    n_max = int(np.ceil(3 * np.sqrt(dk))) + 8
    free = error_free_capacity(random_unit_keys(n_max, dk, batch=200, random_state=rng))
    caps.append((dk, cosine_capacity(n, c, 0.9), closed_form_capacity(dk, 0.9),
                 free.mean(), free.std(ddof=1), capacity_from_curve(n, acc, 0.99)))
caps = np.array(caps)
print("d_k   cos0.9 (measured / closed form)   error-free (mean ± SD, 200 memories)"
      "   clean-up 99%")
for dk, m, cf, ef, ef_sd, cu in caps:
    print(f"{dk:4.0f}   {m:7.1f} / {cf:7.1f}                {ef:8.2f} ± {ef_sd:4.2f}"
          f"                   {cu:9.1f}")
b_free, _ = power_law_fit(caps[:, 0], caps[:, 3])
b_cos, _ = power_law_fit(caps[:, 0], caps[:, 1] - 1)
print(f"log-log slope: cosine-0.9 (N - 1) {b_cos:.2f}, error-free {b_free:.2f}")

# %% [markdown]
# The cosine-0.9 capacity follows the closed form (slope near 1), the worst-case
# error-free capacity grows like $\sqrt{d_k}$ (slope near 0.5), and the clean-up
# capacity is several times $d_k$.
#
# ### Exercise 4 — typical case against worst case
#
# The worst case assumes the values conspire against the signal. For the binary values
# actually stored, the sign readout fails only when the cross-talk flips one of the
# $d_v$ entries of one of the $N$ items, which happens roughly when
# $N \gtrsim d_k / (2 \ln(N d_v))$: it grows faster than $\sqrt{d_k}$, approaching
# linear growth only slowly (the logarithm grows with $N$ too).
# `sign_recall_capacity(keys, values)` gives, for each memory, the largest prefix $N$ of
# its pairs that is recalled without a single sign error. Compute the mean typical-case
# capacity `typical` for $d_k = 16, 64, 256$ (100 memories each, $d_v = 128$, the
# `n_max` given), and its log-log slope `b_typical` with `np.polyfit` on the logarithms.
# Is it steeper than the worst-case exponent printed above?

# %%
n_maxes = (14, 24, 40)
pairs = [(random_unit_keys(n_max, dk, batch=100, random_state=rng),
          random_binary_values(n_max, 128, batch=100, random_state=rng))
         for dk, n_max in zip(dks, n_maxes, strict=True)]  # (keys, values) per d_k
typical = np.zeros(3)  # blank
for i, (k, v) in enumerate(pairs):
    # >>> blank
    typical[i] = sign_recall_capacity(k, v).mean()
    # <<< blank
b_typical = np.polyfit(np.log(dks), np.log(typical), 1)[0]  # blank

# %%
caps_ref = [sign_recall_capacity(k, v) for k, v in pairs]
check_close("typical", typical, [c.mean() for c in caps_ref], rtol=1e-10,
            hint="the mean over the 100 memories of sign_recall_capacity(k, v)")
for dk, n_max, c in zip(dks, n_maxes, caps_ref, strict=True):
    check_true(f"n_max large enough for d_k = {dk}", c.max() < n_max,
               "some memory reached n_max: raise n_max")
check_close("b_typical", b_typical, power_law_fit(dks, typical)[0], rtol=1e-8,
            hint="np.polyfit(np.log(d_k), np.log(capacity), 1)[0]")
check_true("typical steeper than worst case", b_typical > b_free,
           "the typical-case capacity should grow faster with d_k than the worst case")
typical_sd = np.array([c.std(ddof=1) for c in caps_ref])
for dk, t, s in zip(dks, typical, typical_sd, strict=True):
    print(f"d_k = {dk:3d}: typical sign-recall capacity {t:5.2f} ± {s:4.2f} (SD)")
print(f"log-log slope: typical {b_typical:.2f}, worst case {b_free:.2f}")

# %% [markdown]
# ## 4. When the conditioned response fades: interference and extinction
#
# A conditioned response can weaken for two different reasons, and the memory model
# separates them cleanly.
#
# - **Retroactive interference**: *new* CS–US pairs are stored after the old one. Each
#   adds cross-talk to every old readout, so recall of the first pair follows the same
#   closed form with the growing $N$. The old association is still there at full
#   strength; it is buried under the others.
# - **Extinction**: the *same* CS is presented again **without** the US. The response to
#   the CS declines over those trials (Pavlov 1927). This is not interference: no new
#   pair is learned.
#
# ### Exercise 5 — retroactive interference
#
# Store 4 pairs ($d_k = 32$, 200 memories), then keep writing new pairs 4 at a time with
# `HebbianMemory.write`. After each write, record the mean (over memories) retrieval
# cosine of the **first** pair in `first_cos`, and the number of stored pairs in
# `n_stored`. The check compares the curve with `closed_form_cosine(n_stored, 32)`.

# %%
dk_int = 32
k_int = random_unit_keys(64, dk_int, batch=200, random_state=rng)
v_int = random_binary_values(64, 128, batch=200, random_state=rng)
mem = HebbianMemory(k_int[:, :4], v_int[:, :4])
first_cos, n_stored = [], []
for start in range(4, 64, 4):
    mem.write(k_int[:, start:start + 4], v_int[:, start:start + 4])  # blank
    first_cos.append(retrieval_cosine(mem.retrieve(k_int[:, 0]), v_int[:, 0]).mean())  # blank
    n_stored.append(mem.n_items)  # blank
first_cos, n_stored = np.array(first_cos), np.array(n_stored)

# %%
check_true("n_stored", np.array_equal(n_stored, np.arange(8, 65, 4)),
           "n_stored should be 8, 12, ..., 64 (pairs in memory after each write)")
check_close("first_cos", first_cos, closed_form_cosine(n_stored, dk_int), rtol=0.03,
            hint="retrieve with the first key k_int[:, 0] and compare with v_int[:, 0]")
print("N stored      ", n_stored)
print("first-pair cos", np.round(first_cos, 3))
print("closed form   ", np.round(closed_form_cosine(n_stored, dk_int), 3))

# %% [markdown]
# ### Exercise 6 — extinction needs an error-driven rule
#
# Model extinction trials on the first pair of the memories of section 1 (`M`, `keys`,
# `values`): the CS $k_0$ is presented with **no** US, i.e. a zero US $u = 0$.
#
# 1. **Hebbian rule**: $\Delta M = u\,k_0^\top = 0$. Write `M_hebb`, the memory after
#    one such trial. The response $|M k_0|$ cannot change: a pure Hebbian memory
#    cannot extinguish.
# 2. **Error-driven (delta, Rescorla–Wagner) rule**: $\Delta M = \eta\,(u - M k_0)\,k_0^\top$.
#    With $u = 0$ and $|k_0| = 1$ every trial multiplies the response by $(1 - \eta)$:
#    $M k_0 \leftarrow (1-\eta) M k_0$. Run 10 trials with $\eta = 0.3$ and record the
#    mean response norm $|M k_0|$ before each trial and after the last in `response`
#    (11 numbers).
# 3. Record the mean retrieval cosine of the **other** pairs after extinction,
#    `others_cos`: they are barely touched, since the update only reaches them through
#    the small overlaps $k_0 \cdot k_j$ (their cosine can even rise a little, since the
#    extinguished pair no longer adds cross-talk to them).
#
# (Storing the CS with a *negative* US, $-v_0 k_0^\top$, would erase the pair in one
# step. Real extinction is not erasure: the response comes back after a pause or in a
# new context (spontaneous recovery, renewal; Bouton 2004), which is why extinction is
# usually modelled as new, context-dependent learning.)

# %%
k0, v0 = keys[:, 0], values[:, 0]  # (100, d_k), (100, d_v)
u = np.zeros_like(v0)  # no US
M_hebb = M + np.einsum("bv,bk->bvk", u, k0)  # blank
eta, n_trials = 0.3, 10
M_ext = M.copy()
response = [np.linalg.norm(retrieve(M_ext, k0), axis=-1).mean()]
for _ in range(n_trials):
    error = u - retrieve(M_ext, k0)  # blank
    M_ext = M_ext + eta * np.einsum("bv,bk->bvk", error, k0)  # blank
    response.append(np.linalg.norm(retrieve(M_ext, k0), axis=-1).mean())  # blank
response = np.array(response)
others_cos = retrieval_cosine(retrieve(M_ext, keys[:, 1:]), values[:, 1:]).mean()  # blank

# %%
before_cos = retrieval_cosine(retrieve(M, keys[:, 1:]), values[:, 1:]).mean()
check_close("M_hebb", M_hebb, M, rtol=1e-12,
            hint="a zero US adds the outer product of a zero vector: nothing")
check_close("response", response, response[0] * (1 - eta) ** np.arange(n_trials + 1),
            rtol=1e-8, hint="error = u - M k0; M <- M + eta * outer(error, k0)")
check_true("others_cos", abs(others_cos - before_cos) < 0.05,
           "the other pairs should keep almost all of their recall")
print("response |M k0| over extinction trials:", np.round(response, 3))
print(f"other pairs: mean cosine {before_cos:.4f} before, {others_cos:.4f} after")

# %% tags=["figure"]
fig, (ax_i, ax_e) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ax_i.plot(n_stored, first_cos, "o", label="first pair, simulated")
ax_i.plot(n_stored, closed_form_cosine(n_stored, dk_int), "k-", label="closed form")
ax_i.set_xlabel("pairs stored N (count)")
ax_i.set_ylabel("retrieval cosine of the first pair")
ax_i.set_title("Retroactive interference ($d_k$ = 32)")
ax_i.legend(fontsize=10)
trials = np.arange(n_trials + 1)
ax_e.plot(trials, response, "o", label=r"delta rule, $\eta$ = 0.3")
ax_e.plot(trials, np.full(trials.size, np.linalg.norm(retrieve(M_hebb, k0), axis=-1).mean()),
          "s--", label="Hebbian rule (no change)")
ax_e.set_xlabel("extinction trials (CS without US)")
ax_e.set_ylabel(r"response strength $|M k_0|$ (a.u.)")
ax_e.set_title("Extinction")
ax_e.legend(fontsize=10)
plt.show()

# %% [markdown]
# Interference lowers the **fidelity** of the first pair (its readout points less at its
# US) while its strength stays; extinction lowers the **strength** of the response to the
# CS, and only with an error-driven rule.
#
# ### Exercise 7 — correlated stimuli
#
# Real stimuli are not random: they share features. Give every key a common component,
# $k_i = \mathrm{unit}(a_i + 0.5\,c)$, with $a_i$ random unit vectors and $c$ one unit
# vector shared by all keys (use your `unit_rows`). The closed form assumed overlaps of
# mean 0 and variance $1/d_k$; here only the **mean squared overlap**
# $\overline{(k_i\cdot k_j)^2}$ matters, and the closed form holds with an *effective*
# dimension $d_{\text{eff}} = 1/\overline{(k_i\cdot k_j)^2}$. Compute `keys_corr`,
# the measured mean cosine `cos_corr`, `d_eff` from the off-diagonal entries of the
# Gram matrices $K K^\top$, and the prediction `cos_pred = closed_form_cosine(N, d_eff)`.

# %%
a = random_unit_keys(n_items, d_k, batch=200, random_state=rng)
common = random_unit_keys(1, d_k, random_state=rng)[0]
v_corr = random_binary_values(n_items, d_v, batch=200, random_state=rng)
keys_corr = unit_rows(a + 0.5 * common)  # blank
cos_corr = retrieval_cosine(retrieve(store(keys_corr, v_corr), keys_corr), v_corr).mean()  # blank
gram = keys_corr @ np.swapaxes(keys_corr, -1, -2)
off_diagonal = gram[:, ~np.eye(n_items, dtype=bool)]
d_eff = 1 / np.mean(off_diagonal**2)  # blank
cos_pred = closed_form_cosine(n_items, d_eff)  # blank
print(f"mean overlap {off_diagonal.mean():.3f} | d_eff = {d_eff:.1f} (d_k = {d_k})")
print(f"mean cosine {cos_corr:.4f} | prediction with d_eff {cos_pred:.4f} | "
      f"random keys {closed_form_cosine(n_items, d_k):.4f}")

# %%
check_close("keys_corr norms", np.linalg.norm(keys_corr, axis=-1),
            np.ones((200, n_items)), rtol=1e-10, hint="normalise a + 0.5 * common")
check_close("cos_pred", cos_corr, cos_pred, rtol=0.03,
            hint="d_eff = 1 / mean of the squared off-diagonal overlaps")
check_true("correlated keys recall worse", cos_corr < closed_form_cosine(n_items, d_k),
           "shared features add cross-talk: the cosine should drop below the random-key value")

# %% [markdown]
# A shared component of weight 0.5 gives overlaps of mean about $0.25/1.25 = 0.2$, so
# the squared overlap is dominated by that mean ($0.04$) rather than by $1/d_k$: the
# memory behaves as if it had only about 19 dimensions instead of 64.
#
# ## 5. The same on torch
#
# Pass `backend="torch"` (or torch tensors) and every function returns torch tensors;
# the random draws come from the same numpy generator, so the numbers agree.

# %%
k_np = random_unit_keys(32, 64, batch=4, random_state=1, backend="numpy")
k_t = random_unit_keys(32, 64, batch=4, random_state=1, backend="torch")
v_np = random_binary_values(32, 16, batch=4, random_state=2, backend="numpy")
v_t = random_binary_values(32, 16, batch=4, random_state=2, backend="torch")
c_np = retrieval_cosine(retrieve(store(k_np, v_np), k_np), v_np)
c_t = retrieval_cosine(retrieve(store(k_t, v_t), k_t), v_t)
print(type(c_t).__name__, "max |numpy - torch| =", float(np.abs(c_np - c_t.numpy()).max()))

# %% [markdown]
# ## Going further
#
# - **A bigger lexicon.** Repeat the clean-up capacity of section 3 with $d_v = 32$ and
#   $d_v = 512$ (change the `128` of the sweep). How does the clean-up capacity depend
#   on the number of dimensions of the US?
# - The full sweep ($d_k$ up to 512, both backends, three seeds, all checks against the
#   reference numbers) is the project's demo experiment:
#   `cogattn run hebbian_memory --out runs/hebbian`.
#
# ## References
#
# - Hopfield, J. J. (1982). Neural networks and physical systems with emergent
#   collective computational abilities. *Proceedings of the National Academy of
#   Sciences USA*, 79(8), 2554–2558.
# - Kohonen, T. (1972). Correlation matrix memories. *IEEE Transactions on Computers*,
#   C-21(4), 353–359.
# - Pavlov, I. P. (1927). *Conditioned Reflexes: An Investigation of the Physiological
#   Activity of the Cerebral Cortex* (G. V. Anrep, Trans.). Oxford University Press.
# - Rescorla, R. A., & Wagner, A. R. (1972). A theory of Pavlovian conditioning:
#   Variations in the effectiveness of reinforcement and nonreinforcement. In A. H. Black
#   & W. F. Prokasy (Eds.), *Classical Conditioning II: Current Research and Theory*
#   (pp. 64–99). Appleton-Century-Crofts.
# - Bouton, M. E. (2004). Context and behavioral processes in extinction. *Learning &
#   Memory*, 11(5), 485–494.
# - Katharopoulos, A., Vyas, A., Pappas, N., & Fleuret, F. (2020). Transformers are
#   RNNs: Fast autoregressive transformers with linear attention. *Proceedings of the
#   37th International Conference on Machine Learning (ICML)*, PMLR 119, 5156–5165.
# - Schlag, I., Irie, K., & Schmidhuber, J. (2021). Linear transformers are secretly
#   fast weight programmers. *Proceedings of the 38th International Conference on
#   Machine Learning (ICML)*, PMLR 139, 9355–9366.
