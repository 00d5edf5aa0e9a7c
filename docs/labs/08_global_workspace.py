# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 08 — A shared global workspace for neural modules
#
# **Objectives**
#
# - Write the three steps of a shared workspace (top-k write, gated slot update,
#   broadcast) as equations and recompute each one from the module's weights.
# - Verify that the top-k competition really limits the writers to $k$: no attention
#   and no gradient reach the losers.
# - See sparse activation in recurrent independent mechanisms (RIMs) and the
#   selection of a few elements by a consciousness-prior bottleneck.
#
# **Prerequisites** — dot-product attention (softmax of $QK^\top/\sqrt{d}$), torch
# tensors and autograd (`.backward()`, `.grad`), numpy indexing.
#
# **Time** — about 45 minutes (all cells run in seconds on a CPU).
#
# ## The model
#
# Global-workspace theory says that specialist processes compete for a small shared
# workspace whose content is then broadcast back to all of them. Goyal et al. (2022)
# turned this into a layer. $N$ specialists have states $H \in \mathbb{R}^{N\times
# d_h}$; the workspace has $S$ slots $M \in \mathbb{R}^{S\times d_m}$.
#
# 1. **Write.** Slots are queries, specialists give keys and values:
#    $A = (M W_q)(H W_k)^\top/\sqrt{d}$. Specialist $i$ bids $b_i = \max_s A_{si}$;
#    only the $k$ best bidders may write, the others' logits are set to $-\infty$, and
#    $U = \mathrm{softmax}(A)\,H W_v$.
# 2. **Gated update.** $g = \sigma([M, U] W_g + b_g)$,
#    $M' = g \odot \tanh(U W_u + b_u) + (1 - g) \odot M$.
# 3. **Broadcast.** Every specialist reads the new slots:
#    $h_i' = h_i + \mathrm{softmax}\big((h_i W_q')(M' W_k')^\top/\sqrt{d}\big)
#    \,M' W_v'$.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from cogattn.labs import check_close, check_true
from cogattn.workspace import ConsciousnessBottleneck, RIMCell, SharedWorkspace

torch.manual_seed(0)
gen = torch.Generator().manual_seed(0)
n_specialists, d_h = 6, 8
ws = SharedWorkspace(d_h, n_slots=3, d_slot=5, top_k=2, d_attention=4, random_state=0)
H = torch.randn(4, n_specialists, d_h, generator=gen, requires_grad=True)
step = ws(H)
print("writers per sample:", step.writers.sum(1).tolist())

# %% [markdown]
# ## 1. Who writes?
#
# ### Exercise 1 — the bids and the writers
#
# With the module's weights (`ws.w_q.weight`, `ws.w_k.weight`: `nn.Linear` stores
# $W^\top$, so `x @ layer.weight.T` is `layer(x)`) and the initial slots
# `ws.initial_memory`, compute the logits `A` (shape `(4, 3, 6)`), the bids `bids`
# (shape `(4, 6)`) and the boolean mask `writers_hand` of the 2 best bidders per
# sample (`torch.topk`).

# %%
with torch.no_grad():
    M0 = ws.initial_memory
    A = (M0 @ ws.w_q.weight.T) @ (H @ ws.w_k.weight.T).transpose(1, 2) / 4**0.5  # blank
    bids = A.amax(dim=1)  # blank
    # >>> blank
    writers_hand = torch.zeros_like(bids, dtype=torch.bool)
    writers_hand.scatter_(1, torch.topk(bids, 2, dim=1).indices, True)
    # <<< blank

# %%
with torch.no_grad():
    logits = ws.w_q(ws.initial_memory) @ ws.w_k(H).transpose(1, 2) / 2.0
check_close("bids", bids, logits.amax(dim=1), rtol=1e-5, atol=1e-7,
            hint="the bid of a specialist is its largest logit over the slots")
check_true("writers_hand", torch.equal(writers_hand, step.writers),
           "mark the indices of torch.topk(bids, 2, dim=1) as True")
print(writers_hand.int())

# %% [markdown]
# ### Exercise 2 — losers get nothing
#
# Backpropagate the sum of the new slots (`step.memory.sum()`) to `H`, and compute
# `grad_losers`, the total absolute gradient on the specialists that did not write,
# and `mass_losers`, the total write attention they received.

# %%
step = ws(H)
step.memory.sum().backward()
grad_losers = H.grad.abs().sum(-1)[~step.writers].sum()  # blank
mass_losers = step.write_attention.sum(1)[~step.writers].sum()  # blank

# %%
check_true("grad_losers", float(grad_losers) == 0.0,
           "index H.grad (summed over the last axis) with ~step.writers")
check_true("mass_losers", float(mass_losers) == 0.0,
           "sum the write attention over slots, then index with ~step.writers")
print("gradient on writers:", float(H.grad.abs().sum(-1)[step.writers].sum()))

# %% [markdown]
# ## 2. The gated update and the broadcast
#
# ### Exercise 3 — recompute the new slots
#
# With `U` (the candidate update, computed for you), compute the gate `g` and the new
# slots `M_new` with `ws.w_gate` and `ws.w_update` (call the layers).

# %%
with torch.no_grad():
    step = ws(H)
    V = H @ ws.w_v.weight.T
    U = step.write_attention @ V  # (4, 3, 5)
    M = M0.expand(4, -1, -1)
    g = torch.sigmoid(ws.w_gate(torch.cat([M, U], dim=-1)))  # blank
    M_new = g * torch.tanh(ws.w_update(U)) + (1 - g) * M  # blank

# %%
check_close("M_new", M_new, step.memory.detach(), rtol=1e-5, atol=1e-6,
            hint="g = sigmoid(w_gate([M, U])); M' = g tanh(w_update(U)) + (1 - g) M")

# %% tags=["figure"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
axes[0].imshow(step.write_attention[0].numpy(), cmap="viridis", vmin=0)
axes[0].set_xlabel("specialist")
axes[0].set_ylabel("slot")
axes[0].set_title("write attention (k = 2)")
axes[1].imshow(step.read_attention[0].numpy().T, cmap="viridis", vmin=0)
axes[1].set_xlabel("specialist")
axes[1].set_ylabel("slot")
axes[1].set_title("broadcast: every specialist reads")
plt.show()

# %% [markdown]
# Only two columns of the write map are non-zero; every column of the read map sums
# to one: what two specialists wrote reaches all six.
#
# ## 3. Sparse recurrent modules and a conscious bottleneck
#
# A `RIMCell` holds $n$ GRU modules with their own weights. Each step, the $k$ modules
# that attend most to the input (rather than to a null input) update; the others keep
# their state. A `ConsciousnessBottleneck` (Bengio 2017) keeps only $k$ elements of an
# unconscious state, chosen by attention whose query is the previous conscious state.
#
# ### Exercise 4 — how often does each module work?
#
# Run the cell over a sequence of 50 random inputs and fill `activity`, the fraction
# of steps (and samples) in which each of the 6 modules was active.

# %%
cell = RIMCell(3, n_modules=6, d_hidden=8, top_k=2, random_state=0)
xs = torch.randn(50, 16, 3, generator=gen)
state, masks = None, []
with torch.no_grad():
    for x in xs:
        state, active = cell(x, state)
        masks.append(active)
masks = torch.stack(masks)  # (50 steps, 16 samples, 6 modules)
activity = masks.float().mean(dim=(0, 1))  # blank

# %%
check_close("activity", activity.sum(), torch.tensor(2.0), rtol=1e-6,
            hint="average the boolean masks over steps and samples")
check_true("activity shape", tuple(activity.shape) == (6,), "one value per module")
print("fraction of steps active per module:", np.round(activity.numpy(), 2))

cp = ConsciousnessBottleneck(n_elements=8, d_element=4, top_k=2, random_state=0)
h = torch.randn(3, 8, 4, generator=gen)
first = cp(h)
second = cp(h, first)
print("conscious elements, step 1:", first.indices.tolist())
print("conscious elements, step 2:", second.indices.tolist())

# %% tags=["figure"]
fig, ax = plt.subplots(figsize=(8, 2.6), layout="constrained")
ax.imshow(masks[:, 0].numpy().T, aspect="auto", cmap="Greys", interpolation="nearest")
ax.set_xlabel("time step")
ax.set_ylabel("module")
ax.set_title("RIMs: 2 of 6 modules active per step (sample 0)")
plt.show()

# %% [markdown]
# ## Going further
#
# - Train a `SharedWorkspace` between specialists on a task where only a few of them
#   carry the answer, and compare $k = 1, 2, N$ (a no-bottleneck baseline).
# - `MultimodalWorkspace` fuses several domains into one workspace with selection
#   weights and trains with demi-cycle, cycle, translation and contrastive losses.
# - Lab 09 builds the neuronal counterpart: ignition and the attentional blink.
#
# ## References
#
# - Baars, B. J. (1988). *A Cognitive Theory of Consciousness*. Cambridge University
#   Press.
# - Goyal, A., Didolkar, A., Lamb, A., Badola, K., Ke, N. R., Rahaman, N., Binas, J.,
#   Blundell, C., Mozer, M., & Bengio, Y. (2022). Coordination among neural modules
#   through a shared global workspace. *International Conference on Learning
#   Representations (ICLR)*.
# - Goyal, A., Lamb, A., Hoffmann, J., Sodhani, S., Levine, S., Bengio, Y., &
#   Schölkopf, B. (2021). Recurrent independent mechanisms. *International Conference
#   on Learning Representations (ICLR)*.
# - Bengio, Y. (2017). The consciousness prior. *arXiv:1709.08568*.
# - VanRullen, R., & Kanai, R. (2021). Deep learning and the global workspace theory.
#   *Trends in Neurosciences*, 44(9), 692–704.
