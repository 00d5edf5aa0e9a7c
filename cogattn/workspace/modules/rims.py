r"""Recurrent independent mechanisms: modular recurrent cells with sparse activation.

After Goyal et al. (ICLR 2021, "Recurrent Independent Mechanisms"). ``n_modules``
GRU cells, each with its own weights and state ``h_m``, read the input through
attention with a *null* slot: module ``m`` queries ``q_m = h_m W_q`` against the keys
of the input and of a zero (null) input,

.. math:: a_m = \mathrm{softmax}(q_m [k_x, k_0]^T / \sqrt{d})_x,

and only the ``k`` modules with the largest attention on the real input are
updated: ``h_m' = GRU_m(a_m v_x, h_m)`` for the winners, ``h_m' = h_m`` for the rest
(their gradients through the step are zero). Active modules then exchange
information through one round of attention among the modules (residual).

Inputs are tensors of shape ``(batch, d_input)``; states ``(batch, n_modules,
d_hidden)``; CPU or CUDA.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int
from cogattn.workspace.modules._init import init_parameters
from cogattn.workspace.modules.shared_workspace import top_k_mask

__all__ = ["RIMCell"]


class RIMCell(nn.Module):
    """A set of GRU modules of which only the ``top_k`` most input-relevant update.

    Parameters
    ----------
    d_input : int
        Size of the input at each step.
    n_modules : int
        Number of modules.
    d_hidden : int
        State size of each module.
    top_k : int
        Modules updated at each step.
    d_attention : int
        Size of queries and keys.
    communicate : bool
        Whether active modules read the others' states after their update.
    device : str | torch.device | None
        Device of the parameters.
    random_state : int | numpy.random.Generator | None
        Seed of the initial parameters.
    """

    def __init__(
        self,
        d_input: int,
        n_modules: int = 6,
        d_hidden: int = 32,
        top_k: int = 3,
        d_attention: int = 32,
        *,
        communicate: bool = True,
        device: Any = None,
        random_state: int | Any = None,
    ) -> None:
        super().__init__()
        self.d_input = check_int(d_input, "d_input", low=1)
        self.n_modules = check_int(n_modules, "n_modules", low=1)
        self.d_hidden = check_int(d_hidden, "d_hidden", low=1)
        self.top_k = check_int(top_k, "top_k", low=1)
        if self.top_k > self.n_modules:
            raise ValidationError(
                f"top_k = {self.top_k} is larger than n_modules = {self.n_modules}"
            )
        self.d_attention = check_int(d_attention, "d_attention", low=1)
        self.communicate = bool(communicate)
        n, h, a = self.n_modules, self.d_hidden, self.d_attention
        self.key = nn.Linear(self.d_input, a, bias=False)
        self.value = nn.Linear(self.d_input, h, bias=False)
        self.query = nn.Parameter(torch.empty(n, h, a))
        # per-module GRU weights: input (n, h, 3h), recurrent (n, h, 3h), biases
        self.w_in = nn.Parameter(torch.empty(n, h, 3 * h))
        self.w_rec = nn.Parameter(torch.empty(n, h, 3 * h))
        self.b_in = nn.Parameter(torch.empty(n, 3 * h))
        self.b_rec = nn.Parameter(torch.empty(n, 3 * h))
        self.c_q = nn.Linear(h, a, bias=False)
        self.c_k = nn.Linear(h, a, bias=False)
        self.c_v = nn.Linear(h, h, bias=False)
        init_parameters(self, random_state)
        self.to(resolve_device(device))

    def initial_state(self, batch: int) -> Any:
        """Zero states of shape (batch, n_modules, d_hidden)."""
        p = self.w_in
        return torch.zeros(
            batch, self.n_modules, self.d_hidden, dtype=p.dtype, device=p.device
        )

    def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
        """One step.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, d_input)
            Input at this step.
        state : torch.Tensor of shape (batch, n_modules, d_hidden) | None
            Previous states (``None``: zeros).

        Returns
        -------
        state : torch.Tensor of shape (batch, n_modules, d_hidden)
            New states (unchanged for inactive modules).
        active : torch.Tensor of shape (batch, n_modules), bool
            The modules updated at this step.
        """
        if not torch.is_tensor(x) or x.dim() != 2 or x.shape[1] != self.d_input:
            shape = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
            raise ValidationError(
                f"x must be a torch tensor of shape (batch, {self.d_input}), "
                f"got {shape}"
            )
        h = self.initial_state(x.shape[0]) if state is None else state
        if tuple(h.shape) != (x.shape[0], self.n_modules, self.d_hidden):
            raise ValidationError(
                f"state must have shape {(x.shape[0], self.n_modules, self.d_hidden)}, "
                f"got {tuple(h.shape)}"
            )
        scale = self.d_attention**-0.5
        q = torch.einsum("bnh,nha->bna", h, self.query)
        k_x = self.key(x)  # (B, a); the null input's key and value are zero
        logit_x = (q * k_x[:, None, :]).sum(-1) * scale  # (B, n)
        att = torch.sigmoid(logit_x)  # softmax over {input, null} with null logit 0
        active = top_k_mask(att.detach(), self.top_k)
        read = att[..., None] * self.value(x)[:, None, :]  # (B, n, h)
        gi = torch.einsum("bnh,nhg->bng", read, self.w_in) + self.b_in
        gh = torch.einsum("bnh,nhg->bng", h, self.w_rec) + self.b_rec
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        cand = torch.tanh(i_n + r * h_n)
        updated = (1 - z) * cand + z * h
        new = torch.where(active[..., None], updated, h)
        if self.communicate:  # active modules read every module's new state
            cq, ck, cv = self.c_q(new), self.c_k(new), self.c_v(new)
            logits = cq @ ck.transpose(1, 2) * scale
            new = torch.where(
                active[..., None], new + torch.softmax(logits, dim=-1) @ cv, h
            )
        return new, active
