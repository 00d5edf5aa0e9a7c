r"""The semantic decoder of the tensor brain: four layers decoding scenes into triples.

Layers (Tresp et al., "The Tensor Brain"):

- a sensory buffer :math:`\nu` (object patches and their boxes), mapped by a
  perception network :math:`g` (a small CNN) into
- the representation layer with pre-activation :math:`q` and state
  :math:`\sigma(q)` (memoryless: the "blackboard");
- the index layer, one unit per concept :math:`k` (time/episode indices, a generic
  time index, entities, unary labels, predicates) with embedding :math:`a_k`, a row
  of ``A`` shared bottom-up and top-down, and an offset :math:`a_{0k}`;
- the working memory :math:`h`.

Operations: bottom-up :math:`n_k = a_{0k} + a_k^\top \sigma(q)` and
:math:`P(k \mid q) = \mathrm{softmax}_k(\beta n_k)` over one group of indices; the
chosen index is the MAP one or a sample. Top-down embodiment
:math:`q \leftarrow \rho q + \phi a_{k^*}` (hard) or
:math:`q \leftarrow \rho q + \phi \sum_k P(k \mid q) a_k` (soft). Between steps
:math:`h' = B \sigma(\sigma(h) + V \sigma(q))` and
:math:`q' = \mu g(\nu') + W \sigma(h')`.

A triple is decoded in the order time -> subject -> object -> predicate: the
episode's time index is embodied (:math:`q = a_t`); the subject is chosen from its
patch plus context, embodied, and its unary labels (class, colour, size) read out
from :math:`\sigma(q)`; the object likewise; the predicate is read last from the
pair's input. *Episodic memory* decodes a past episode from :math:`a_t` with no
sensory input (:math:`\mu = 0`); *semantic memory* does the same from a learned
generic time embedding: it is the prior :math:`P(s, o, p)`, and perception of a new
scene starts from it, so that perception combines prior and sensory likelihood.
Training is end to end (cross-entropy of every read-out, with the true indices
embodied), over perception, episodic recall and semantic-memory decoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from cogattn._core.validation import check_option

__all__ = ["DecodeOutput", "SemanticDecoder"]

FEEDBACK = ("hard", "soft", "none")
CHOICE = ("map", "sample", "target")


@dataclass
class DecodeOutput:
    r"""Log-probabilities of one decoded triple per batch row.

    Attributes
    ----------
    subject, object : torch.Tensor of shape (batch, n_entities)
        :math:`\log P(k \mid q)` over entities at the subject and object steps.
    predicate : torch.Tensor of shape (batch, n_predicates)
    subject_labels, object_labels : list of torch.Tensor
        One (batch, n_values) log-probability per unary label group, read after
        the entity was embodied.
    subject_choice, object_choice : torch.Tensor of int of shape (batch,)
        The embodied indices.
    """

    subject: torch.Tensor
    object: torch.Tensor
    predicate: torch.Tensor
    subject_labels: list[torch.Tensor]
    object_labels: list[torch.Tensor]
    subject_choice: torch.Tensor
    object_choice: torch.Tensor


class _PatchNet(nn.Module):
    """Perception network g: a small CNN from an object patch to the blackboard."""

    def __init__(self, n_repr: int, crop: int) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.out = nn.Linear(32 * (crop // 4) ** 2, n_repr)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.conv(x).flatten(1))


class SemanticDecoder(nn.Module):
    r"""Four-layer semantic decoder with episodic and semantic memory.

    Parameters
    ----------
    n_entities, n_predicates, n_episodes : int
        Sizes of the index groups (episodes: the stored time indices).
    label_sizes : tuple of int
        Number of values of each unary label group (class, colour, size).
    n_repr : int
        Width of the representation layer and of the working memory.
    crop : int
        Side of the object patches (a multiple of 4).
    beta : float
        Inverse temperature of :math:`P(k \mid q)`.
    rho, phi, mu : float
        Keep factor of :math:`q` and gain of the embodied embedding (top-down);
        gain of the sensory input.
    generator : torch.Generator | None
        Source of the initial weights.
    """

    def __init__(
        self,
        n_entities: int,
        n_predicates: int,
        n_episodes: int,
        *,
        label_sizes: tuple[int, ...] = (4, 4, 2),
        n_repr: int = 64,
        crop: int = 14,
        beta: float = 1.0,
        rho: float = 1.0,
        phi: float = 1.0,
        mu: float = 1.0,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.n_entities, self.n_predicates = int(n_entities), int(n_predicates)
        self.n_episodes = int(n_episodes)
        self.label_sizes = tuple(int(s) for s in label_sizes)
        self.beta, self.rho, self.phi, self.mu = beta, rho, phi, mu
        sizes = {
            "time": self.n_episodes + 1,  # the last one is the generic time index
            "entity": self.n_entities,
            "predicate": self.n_predicates,
        }
        for i, s in enumerate(self.label_sizes):
            sizes[f"label{i}"] = s
        self.groups: dict[str, slice] = {}
        start = 0
        for name, s in sizes.items():
            self.groups[name] = slice(start, start + s)
            start += s
        with torch.random.fork_rng(devices=[]):
            if generator is not None:
                torch.manual_seed(
                    int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
                )
            self.A = nn.Parameter(torch.randn(start, n_repr) * 0.3)
            self.a0 = nn.Parameter(torch.zeros(start))
            self.g = _PatchNet(n_repr, crop)
            self.g_pred = nn.Sequential(
                nn.Linear(2 * n_repr + 4, n_repr), nn.ReLU(), nn.Linear(n_repr, n_repr)
            )
            self.B = nn.Linear(n_repr, n_repr)
            self.V = nn.Linear(n_repr, n_repr, bias=False)
            self.W = nn.Linear(n_repr, n_repr)

    # -- the layer operations ---------------------------------------------------
    def bottom_up(self, q: torch.Tensor, group: str) -> torch.Tensor:
        r"""Return :math:`\log P(k \mid q)` over one index group: (batch, size)."""
        sl = self.groups[group]
        n = torch.sigmoid(q) @ self.A[sl].T + self.a0[sl]
        return torch.log_softmax(self.beta * n, -1)

    def embody(
        self,
        q: torch.Tensor,
        group: str,
        logp: torch.Tensor,
        chosen: torch.Tensor,
        feedback: str,
    ) -> torch.Tensor:
        """Top-down: add the chosen embedding (hard) or the expected one (soft)."""
        if feedback == "none":
            return q
        emb = self.A[self.groups[group]]
        add = emb[chosen] if feedback == "hard" else logp.exp() @ emb
        return self.rho * q + self.phi * add

    def step(self, h: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        r"""Update working memory: :math:`h' = B \sigma(\sigma(h) + V \sigma(q))`."""
        return self.B(torch.sigmoid(torch.sigmoid(h) + self.V(torch.sigmoid(q))))

    def _choose(
        self, logp: torch.Tensor, target: Any, choice: str, generator: Any
    ) -> torch.Tensor:
        if choice == "target":
            return target
        if choice == "map":
            return logp.argmax(-1)
        return torch.multinomial(logp.exp(), 1, generator=generator).squeeze(-1)

    # -- decoding ---------------------------------------------------------------
    def decode(
        self,
        time: torch.Tensor,
        patches_s: torch.Tensor | None = None,
        patches_o: torch.Tensor | None = None,
        boxes: torch.Tensor | None = None,
        *,
        subject: torch.Tensor | None = None,
        object: torch.Tensor | None = None,
        feedback: str = "hard",
        choice: str = "target",
        generator: torch.Generator | None = None,
    ) -> DecodeOutput:
        """Decode one triple per row: time -> subject -> object -> predicate.

        Parameters
        ----------
        time : torch.Tensor of int of shape (batch,)
            Time index to embody; ``n_episodes`` is the generic one (semantic
            memory, and perception of a new scene).
        patches_s, patches_o : torch.Tensor of shape (batch, 3, crop, crop) | None
            Sensory input of the subject and the object; ``None`` decodes from
            memory alone (no sensory input).
        boxes : torch.Tensor of shape (batch, 4) | None
            Normalised centres (x, y) of subject and object, part of the
            predicate's input (with the patches).
        subject, object : torch.Tensor of int of shape (batch,) | None
            True indices, embodied when ``choice="target"`` (training, or
            conditioning on a known subject).
        feedback : {"hard", "soft", "none"}
            Top-down embodiment.
        choice : {"target", "map", "sample"}
            Which index is embodied after each entity step.
        generator : torch.Generator | None
            Draws of ``choice="sample"``.
        """
        check_option(feedback, FEEDBACK, "feedback")
        check_option(choice, CHOICE, "choice")
        sensory = patches_s is not None
        n_repr = self.A.shape[1]
        batch = time.shape[0]
        a_t = self.A[self.groups["time"]][time]
        h = torch.zeros(batch, n_repr, device=a_t.device)
        q = a_t
        g_s = g_o = None
        if sensory:
            g_s, g_o = self.g(patches_s), self.g(patches_o)
        steps = []
        for g_x, target in ((g_s, subject), (g_o, object)):
            h = self.step(h, q)
            q = self.W(torch.sigmoid(h))
            if g_x is not None:
                q = q + self.mu * g_x
            logp = self.bottom_up(q, "entity")
            k = self._choose(logp, target, choice, generator)
            q = self.embody(q, "entity", logp, k, feedback)
            labels = [
                self.bottom_up(q, f"label{i}") for i in range(len(self.label_sizes))
            ]
            steps.append((logp, labels, k))
        h = self.step(h, q)
        q = self.W(torch.sigmoid(h))
        if sensory:
            q = q + self.mu * self.g_pred(torch.cat([g_s, g_o, boxes], -1))
        logp_p = self.bottom_up(q, "predicate")
        (ls, lab_s, ks), (lo, lab_o, ko) = steps
        return DecodeOutput(ls, lo, logp_p, lab_s, lab_o, ks, ko)
