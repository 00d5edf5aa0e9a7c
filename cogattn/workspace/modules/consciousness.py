r"""The consciousness-prior bottleneck: a few attended elements and their verifier.

After Bengio (2017, "The consciousness prior"). An unconscious state of ``N``
elements ``h_t`` (``N x d``) is read by attention whose query comes from the previous
conscious state; only the ``k`` best-scoring elements enter the conscious state

.. math::

    s_i = q_t \cdot (h_{t,i} W_k) / \sqrt{d_a} + z_i, \qquad
    c_t = \{ k\, \mathrm{softmax}_{S_t}(s)_i\, h_{t,i} : i \in S_t \},
    \quad S_t = \mathrm{top}_k(s),

with ``q_t`` a learned projection of the mean of ``c_{t-1}`` (a learned query at the
start) and ``z`` optional Gumbel noise that makes the choice stochastic during
training. The weights are ``1`` when the selected scores are equal, so a conscious
element is its unconscious element rescaled by its relative attention; gradients reach
the scores of the selected elements only.

The verifier ``V(h_t, c_{t-1})`` scores how well the earlier conscious state predicts
the present: a small network maps ``c_{t-1}`` (and the positions it holds) to a
prediction of every element of ``h_t``, and the score is minus the mean squared error
on the elements selected now. :meth:`ConsciousnessBottleneck.verifier_loss` is that
error, to be minimised with the rest of a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.seeding import torch_generator
from cogattn._core.validation import check_int, check_positive
from cogattn.workspace.modules._init import init_parameters
from cogattn.workspace.modules.shared_workspace import top_k_mask

__all__ = ["ConsciousStep", "ConsciousnessBottleneck"]


@dataclass
class ConsciousStep:
    """One selection of the bottleneck.

    Attributes
    ----------
    conscious : torch.Tensor of shape (batch, k, d)
        The conscious state (selected, attention-weighted elements).
    indices : torch.Tensor of shape (batch, k), int64
        Positions of the selected elements (in decreasing score).
    scores : torch.Tensor of shape (batch, n_elements)
        Attention scores of every element (with noise, when drawn).
    """

    conscious: Any
    indices: Any
    scores: Any


class ConsciousnessBottleneck(nn.Module):
    """Select ``top_k`` elements of an unconscious state; verify past selections.

    Parameters
    ----------
    n_elements : int
        Number ``N`` of elements in the unconscious state.
    d_element : int
        Size ``d`` of an element.
    top_k : int
        Size of the conscious state (elements).
    d_attention : int
        Size of queries and keys.
    d_hidden : int
        Hidden size of the verifier's predictor.
    noise : float
        Scale of the Gumbel noise added to the scores in training mode (0: none).
    device : str | torch.device | None
        Device of the parameters.
    random_state : int | numpy.random.Generator | None
        Seed of the initial parameters and of the selection noise.
    """

    def __init__(
        self,
        n_elements: int,
        d_element: int,
        top_k: int = 2,
        d_attention: int = 16,
        d_hidden: int = 64,
        noise: float = 0.0,
        *,
        device: Any = None,
        random_state: int | Any = None,
    ) -> None:
        super().__init__()
        self.n_elements = check_int(n_elements, "n_elements", low=1)
        self.d_element = check_int(d_element, "d_element", low=1)
        self.top_k = check_int(top_k, "top_k", low=1)
        if self.top_k > self.n_elements:
            raise ValidationError(
                f"top_k = {self.top_k} is larger than n_elements = {self.n_elements}"
            )
        self.d_attention = check_int(d_attention, "d_attention", low=1)
        self.d_hidden = check_int(d_hidden, "d_hidden", low=1)
        self.noise = check_positive(noise, "noise", strict=False)
        d, a, k, n = self.d_element, self.d_attention, self.top_k, self.n_elements
        self.first_query = nn.Parameter(torch.empty(1, a))
        self.w_query = nn.Linear(d, a)
        self.w_key = nn.Linear(d, a, bias=False)
        self.position = nn.Parameter(torch.empty(n, d))
        self.predictor = nn.Sequential(
            nn.Linear(k * d, self.d_hidden), nn.Tanh(), nn.Linear(self.d_hidden, n * d)
        )
        init_parameters(self, random_state)
        self._gen = torch_generator(random_state if random_state is not None else 0)
        self.to(resolve_device(device))

    def _check(self, h: Any) -> None:
        if not torch.is_tensor(h) or h.dim() != 3:
            raise ValidationError(
                "unconscious state must be a torch tensor of shape "
                f"(batch, {self.n_elements}, {self.d_element})"
            )
        if tuple(h.shape[1:]) != (self.n_elements, self.d_element):
            raise ValidationError(
                f"unconscious state must have shape (batch, {self.n_elements}, "
                f"{self.d_element}), got {tuple(h.shape)}"
            )

    def forward(self, h: Any, previous: ConsciousStep | None = None) -> ConsciousStep:
        """Select the conscious state of ``h``.

        Parameters
        ----------
        h : torch.Tensor of shape (batch, n_elements, d_element)
            Unconscious state.
        previous : ConsciousStep | None
            The previous selection (its conscious state forms the query).

        Returns
        -------
        step : ConsciousStep
        """
        self._check(h)
        if previous is None:
            q = self.first_query.expand(h.shape[0], -1)
        else:
            q = self.w_query(previous.conscious.mean(dim=1))
        scores = (self.w_key(h) @ q[:, :, None])[..., 0] * self.d_attention**-0.5
        if self.training and self.noise > 0:
            u = torch.rand(scores.shape, generator=self._gen).to(scores.device)
            scores = scores - self.noise * torch.log(-torch.log(u.clamp_min(1e-12)))
        mask = top_k_mask(scores.detach(), self.top_k)
        idx = torch.topk(scores.detach(), self.top_k, dim=-1).indices
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        picked = torch.gather(weights, 1, idx) * self.top_k  # (B, k)
        elems = torch.gather(h, 1, idx[..., None].expand(-1, -1, self.d_element))
        return ConsciousStep(elems * picked[..., None], idx, scores)

    def predict(self, previous: ConsciousStep) -> Any:
        """Predict every element of the next unconscious state from ``previous``.

        Parameters
        ----------
        previous : ConsciousStep
            The earlier conscious state.

        Returns
        -------
        prediction : torch.Tensor of shape (batch, n_elements, d_element)
        """
        c = previous.conscious + self.position[previous.indices]
        out = self.predictor(c.flatten(1))
        return out.view(-1, self.n_elements, self.d_element)

    def verifier_loss(
        self, h: Any, current: ConsciousStep, previous: ConsciousStep
    ) -> Any:
        """Mean squared error of the prediction on the elements selected now.

        Parameters
        ----------
        h : torch.Tensor of shape (batch, n_elements, d_element)
            The present unconscious state.
        current : ConsciousStep
            The present selection (which elements are scored).
        previous : ConsciousStep
            The earlier conscious state that makes the prediction.

        Returns
        -------
        loss : torch.Tensor (scalar)
            The verifier's score is ``-loss``.
        """
        self._check(h)
        pred = self.predict(previous)
        idx = current.indices[..., None].expand(-1, -1, self.d_element)
        err = torch.gather(pred, 1, idx) - torch.gather(h, 1, idx)
        return err.square().mean()
