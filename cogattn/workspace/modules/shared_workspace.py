r"""A shared global workspace: top-k write competition, gated slots, broadcast.

After Goyal et al. (ICLR 2022, "Coordination among neural modules through a shared
global workspace"). ``N`` specialists with states ``H`` (``N x d_h``) and a workspace
of ``S`` slots ``M`` (``S x d_m``):

1. **Write.** Slots are queries, specialists give keys and values:
   ``Q = M W_q``, ``K = H W_k``, ``V = H W_v``, logits ``A = Q K^T / sqrt(d)``.
   Each specialist's bid is its best logit over the slots; only the ``k`` highest
   bidders may write: the others' logits are set to ``-inf`` before the softmax over
   specialists, so their attention weights and the gradients through their keys
   and values are exactly zero. The candidate update is ``U = softmax(A) V``.
2. **Gated update.** ``g = sigmoid([M, U] W_g + b_g)``,
   ``M' = g * tanh(U W_u) + (1 - g) * M`` (an LSTM-like input/keep gate per unit).
3. **Broadcast.** Every specialist reads the new slots:
   ``h_i' = h_i + softmax(h_i W_q' (M' W_k')^T / sqrt(d)) M' W_v'``.

Inputs are tensors of shape ``(batch, N, d_h)``; the module runs on CPU or CUDA.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_int
from cogattn.workspace.modules._init import init_parameters

__all__ = ["SharedWorkspace", "WorkspaceStep", "top_k_mask"]


@dataclass
class WorkspaceStep:
    """What one workspace step computed.

    Attributes
    ----------
    specialists : torch.Tensor of shape (batch, n_specialists, d_h)
        Specialist states after the broadcast.
    memory : torch.Tensor of shape (batch, n_slots, d_m)
        Workspace slots after the write.
    write_attention : torch.Tensor of shape (batch, n_slots, n_specialists)
        Attention of each slot over the specialists (zero for non-writers).
    writers : torch.Tensor of shape (batch, n_specialists), bool
        The ``k`` specialists allowed to write.
    read_attention : torch.Tensor of shape (batch, n_specialists, n_slots)
        Attention of each specialist over the slots in the broadcast.
    """

    specialists: Any
    memory: Any
    write_attention: Any
    writers: Any
    read_attention: Any


def top_k_mask(scores: Any, k: int) -> Any:
    """Boolean mask of the ``k`` largest entries along the last axis.

    Parameters
    ----------
    scores : torch.Tensor of shape (..., n)
        Scores.
    k : int
        Number of winners, ``1 <= k <= n``.

    Returns
    -------
    mask : torch.Tensor of shape (..., n), bool
        Exactly ``k`` True entries per row (ties broken by position).
    """
    n = scores.shape[-1]
    k = check_int(k, "k", low=1, high=n)
    idx = torch.topk(scores, k, dim=-1).indices
    mask = torch.zeros_like(scores, dtype=torch.bool)
    return mask.scatter(-1, idx, True)


class SharedWorkspace(nn.Module):
    """Specialists write to a few slots through top-k competition; slots broadcast.

    Parameters
    ----------
    d_specialist : int
        Size ``d_h`` of a specialist's state.
    n_slots : int
        Number of workspace slots ``S``.
    d_slot : int
        Size ``d_m`` of a slot.
    top_k : int
        Number of specialists that may write at each step.
    d_attention : int
        Size of queries and keys.
    device : str | torch.device | None
        Device of the parameters (``None``: the current backend's device).
    random_state : int | numpy.random.Generator | None
        Seed of the initial parameters.
    """

    def __init__(
        self,
        d_specialist: int,
        n_slots: int = 4,
        d_slot: int = 32,
        top_k: int = 2,
        d_attention: int = 32,
        *,
        device: Any = None,
        random_state: int | Any = None,
    ) -> None:
        super().__init__()
        self.d_specialist = check_int(d_specialist, "d_specialist", low=1)
        self.n_slots = check_int(n_slots, "n_slots", low=1)
        self.d_slot = check_int(d_slot, "d_slot", low=1)
        self.top_k = check_int(top_k, "top_k", low=1)
        self.d_attention = check_int(d_attention, "d_attention", low=1)
        d_h, d_m, d_a = self.d_specialist, self.d_slot, self.d_attention
        self.initial_memory = nn.Parameter(torch.empty(self.n_slots, d_m))
        self.w_q = nn.Linear(d_m, d_a, bias=False)
        self.w_k = nn.Linear(d_h, d_a, bias=False)
        self.w_v = nn.Linear(d_h, d_m, bias=False)
        self.w_update = nn.Linear(d_m, d_m)
        self.w_gate = nn.Linear(2 * d_m, d_m)
        self.r_q = nn.Linear(d_h, d_a, bias=False)
        self.r_k = nn.Linear(d_m, d_a, bias=False)
        self.r_v = nn.Linear(d_m, d_h, bias=False)
        init_parameters(self, random_state)
        with torch.no_grad():  # slots start distinct (not zero like a bias)
            self.initial_memory.copy_(
                torch.eye(self.n_slots, d_m) + 0.1 * self.initial_memory
            )
        self.to(resolve_device(device))

    def _check(self, specialists: Any, memory: Any) -> tuple[Any, Any]:
        x = check_array(specialists, "specialists", ndim=3, dtype="float")
        if not torch.is_tensor(x):
            raise ValidationError("specialists must be a torch tensor")
        if x.shape[-1] != self.d_specialist:
            raise ValidationError(
                f"specialists must have size {self.d_specialist} on the last axis, "
                f"got shape {tuple(x.shape)}"
            )
        if self.top_k > x.shape[1]:
            raise ValidationError(
                f"top_k = {self.top_k} is larger than the number of specialists "
                f"({x.shape[1]}); at most {x.shape[1]} can write"
            )
        if memory is None:
            memory = self.initial_memory.expand(x.shape[0], -1, -1)
        elif tuple(memory.shape) != (x.shape[0], self.n_slots, self.d_slot):
            raise ValidationError(
                f"memory must have shape {(x.shape[0], self.n_slots, self.d_slot)}, "
                f"got {tuple(memory.shape)}"
            )
        return specialists, memory

    def forward(self, specialists: Any, memory: Any = None) -> WorkspaceStep:
        """Write, update and broadcast once.

        Parameters
        ----------
        specialists : torch.Tensor of shape (batch, n_specialists, d_specialist)
            Specialist states.
        memory : torch.Tensor of shape (batch, n_slots, d_slot) | None
            Slots from the previous step; ``None`` starts from the learned initial
            slots.

        Returns
        -------
        step : WorkspaceStep
        """
        h, m = self._check(specialists, memory)
        scale = self.d_attention**-0.5
        logits = self.w_q(m) @ self.w_k(h).transpose(1, 2) * scale  # (B, S, N)
        writers = top_k_mask(logits.detach().amax(dim=1), self.top_k)  # (B, N)
        masked = logits.masked_fill(~writers[:, None, :], float("-inf"))
        write = torch.softmax(masked, dim=-1)
        update = write @ self.w_v(h)  # (B, S, d_m)
        gate = torch.sigmoid(self.w_gate(torch.cat([m, update], dim=-1)))
        new_m = gate * torch.tanh(self.w_update(update)) + (1 - gate) * m
        read_logits = self.r_q(h) @ self.r_k(new_m).transpose(1, 2) * scale
        read = torch.softmax(read_logits, dim=-1)  # (B, N, S)
        new_h = h + read @ self.r_v(new_m)
        return WorkspaceStep(new_h, new_m, write, writers, read)
