r"""A multimodal global workspace: per-domain encoders and decoders, fusion, losses.

After VanRullen & Kanai (2021) and the 'shimmer' library's design. Each domain ``d``
(its own pretrained latent of size ``n_d``) has an encoder ``e_d`` into a shared
workspace of size ``d_w`` and a decoder ``g_d`` out of it. Several domains are fused
with selection weights ``s`` (per sample, summing to one over the present domains):

.. math:: z = \sum_d s_d\, \tanh(e_d(x_d)).

Selection is ``"attention"`` (a learned query scores each domain's key:
``s = softmax_d(q \cdot k(e_d) / \sqrt{d_w})``), ``"uniform"``, or ``"random"``
(softmax of Gaussian scores, drawn from the module's generator). Losses, each a mean
squared error unless said otherwise:

- demi-cycle: ``g_d(z(x_d)) ~ x_d`` (encode one domain, decode it back);
- cycle: ``g_d(z(g_{d'}(z(x_d)))) ~ x_d`` (through another domain and back);
- translation (paired data): ``g_{d'}(z(x_d)) ~ x_{d'}``;
- contrastive (paired data): symmetric InfoNCE between the workspace codes of the two
  domains of the same sample (cosine similarity over a temperature);
- broadcast: the fusion of all domains decoded into each domain ``~ x_d``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.seeding import torch_generator
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.workspace.modules._init import init_parameters

__all__ = ["SELECTIONS", "MultimodalWorkspace"]

#: the ways of weighting domains when they are fused
SELECTIONS = ("attention", "uniform", "random")


def _mlp(d_in: int, d_hidden: int, d_out: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(d_in, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_out)
    )


class MultimodalWorkspace(nn.Module):
    """Domains meet in one workspace through encoders, decoders and weighted fusion.

    Parameters
    ----------
    domains : mapping of str to int
        Domain names and the sizes of their latents.
    d_workspace : int
        Size of the workspace.
    d_hidden : int
        Hidden size of the encoders and decoders.
    selection : {"attention", "uniform", "random"}
        How domains are weighted when fused.
    device : str | torch.device | None
        Device of the parameters.
    random_state : int | numpy.random.Generator | None
        Seed of the parameters and of random selection.
    """

    def __init__(
        self,
        domains: Mapping[str, int],
        d_workspace: int = 12,
        d_hidden: int = 64,
        selection: str = "attention",
        *,
        device: Any = None,
        random_state: int | Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(domains, Mapping) or not domains:
            raise ValidationError(
                f"domains must be a non-empty mapping of name to size, got {domains!r}"
            )
        self.domains = {
            str(k): check_int(v, f"size of {k}", low=1) for k, v in domains.items()
        }
        self.d_workspace = check_int(d_workspace, "d_workspace", low=1)
        self.d_hidden = check_int(d_hidden, "d_hidden", low=1)
        self.selection = check_option(selection, SELECTIONS, "selection")
        self.encoders = nn.ModuleDict(
            {
                d: _mlp(n, self.d_hidden, self.d_workspace)
                for d, n in self.domains.items()
            }
        )
        self.decoders = nn.ModuleDict(
            {
                d: _mlp(self.d_workspace, self.d_hidden, n)
                for d, n in self.domains.items()
            }
        )
        self.query = nn.Parameter(torch.empty(1, self.d_workspace))
        self.key = nn.Linear(self.d_workspace, self.d_workspace, bias=False)
        init_parameters(self, random_state)
        self._gen = torch_generator(random_state if random_state is not None else 0)
        self.to(resolve_device(device))

    # ----------------------------------------------------------------- pieces
    def _check(self, x: Mapping[str, Any]) -> None:
        if not isinstance(x, Mapping) or not x:
            raise ValidationError("give at least one domain: a mapping name -> tensor")
        sizes = set()
        for d, v in x.items():
            if d not in self.domains:
                raise ValidationError(
                    f"unknown domain {d!r}; the workspace has {', '.join(self.domains)}"
                )
            if not torch.is_tensor(v) or v.dim() != 2 or v.shape[1] != self.domains[d]:
                shape = tuple(getattr(v, "shape", ()))
                raise ValidationError(
                    f"domain {d!r} must be a tensor of shape (batch, "
                    f"{self.domains[d]}), got {shape}"
                )
            sizes.add(v.shape[0])
        if len(sizes) > 1:
            raise ValidationError(
                f"domains have different batch sizes: {sorted(sizes)}"
            )

    def encode(self, x: Mapping[str, Any]) -> dict[str, Any]:
        """Workspace codes ``tanh(e_d(x_d))`` of the given domains."""
        self._check(x)
        return {d: torch.tanh(self.encoders[d](v)) for d, v in x.items()}

    def decode(self, z: Any, domains: Any = None) -> dict[str, Any]:
        """Decode a workspace state into the given domains (default: all)."""
        names = list(self.domains) if domains is None else list(domains)
        return {d: self.decoders[d](z) for d in names}

    def selection_weights(self, codes: Mapping[str, Any]) -> dict[str, Any]:
        """Per-sample fusion weights of the domains in ``codes`` (summing to 1)."""
        names = list(codes)
        first = codes[names[0]]
        if self.selection == "uniform":
            w = torch.full((first.shape[0], len(names)), 1.0 / len(names),
                           dtype=first.dtype, device=first.device)  # fmt: skip
        elif self.selection == "random":
            g = torch.randn((first.shape[0], len(names)), generator=self._gen)
            w = torch.softmax(g.to(first.device, first.dtype), dim=1)
        else:
            keys = torch.stack([self.key(codes[d]) for d in names], dim=1)  # (B, D, w)
            logits = (keys @ self.query[0]) * self.d_workspace**-0.5
            w = torch.softmax(logits, dim=1)
        return {d: w[:, i] for i, d in enumerate(names)}

    def fuse(self, codes: Mapping[str, Any]) -> Any:
        """Weighted sum of the workspace codes, shape (batch, d_workspace)."""
        weights = self.selection_weights(codes)
        return sum(weights[d][:, None] * codes[d] for d in codes)

    def forward(self, x: Mapping[str, Any]) -> Any:
        """Workspace state of the given domains (encode, then fuse)."""
        return self.fuse(self.encode(x))

    # ----------------------------------------------------------------- losses
    def demi_cycle_loss(self, x: Mapping[str, Any]) -> Any:
        """Encode each domain alone and decode it back."""
        codes = self.encode(x)
        losses = [
            (self.decoders[d](codes[d]) - v).square().mean() for d, v in x.items()
        ]
        return torch.stack(losses).mean()

    def cycle_loss(self, x: Mapping[str, Any]) -> Any:
        """Translate each domain into every other one and back."""
        codes = self.encode(x)
        losses = []
        for d, v in x.items():
            for other in self.domains:
                if other == d:
                    continue
                there = self.decoders[other](codes[d])
                back = torch.tanh(self.encoders[other](there))
                losses.append((self.decoders[d](back) - v).square().mean())
        if not losses:
            raise ValidationError("the cycle loss needs a workspace with two domains")
        return torch.stack(losses).mean()

    def translation_loss(self, x: Mapping[str, Any]) -> Any:
        """Decode each given domain into every other given domain (paired data)."""
        codes = self.encode(x)
        losses = [
            (self.decoders[b](codes[a]) - x[b]).square().mean()
            for a in x for b in x if a != b
        ]  # fmt: skip
        if not losses:
            raise ValidationError("the translation loss needs two paired domains")
        return torch.stack(losses).mean()

    def contrastive_loss(self, x: Mapping[str, Any], temperature: float = 0.1) -> Any:
        """Symmetric InfoNCE between the codes of paired domains."""
        temperature = check_positive(temperature, "temperature")
        codes = self.encode(x)
        names = list(codes)
        if len(names) < 2:
            raise ValidationError("the contrastive loss needs two paired domains")
        losses = []
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                za = nn.functional.normalize(codes[a], dim=1)
                zb = nn.functional.normalize(codes[b], dim=1)
                logits = za @ zb.T / temperature
                target = torch.arange(logits.shape[0], device=logits.device)
                ce = nn.functional.cross_entropy
                losses.append(0.5 * (ce(logits, target) + ce(logits.T, target)))
        return torch.stack(losses).mean()

    def broadcast_loss(self, x: Mapping[str, Any]) -> Any:
        """Fuse every given domain and decode the fusion into each of them."""
        z = self.forward(x)
        out = self.decode(z, x)
        return torch.stack([(out[d] - v).square().mean() for d, v in x.items()]).mean()
