r"""Tensor factorisation models of knowledge graphs, scoring every entity at once.

Each model keeps an embedding ``e_i`` per entity and parameters per relation, and
scores a triple ``(h, r, t)`` with a multilinear form (Nickel et al. 2011; Yang et
al. 2015; Trouillon et al. 2016; Balazevic et al. 2019):

=============  ==============================================================
``rescal``     :math:`e_h^\top W_r e_t`, a full matrix :math:`W_r` per relation
``distmult``   :math:`\sum_i e_{h,i} w_{r,i} e_{t,i}` (diagonal :math:`W_r`)
``complex``    :math:`\mathrm{Re}\sum_i e_{h,i} w_{r,i} \overline{e_{t,i}}` with
               complex vectors of length ``dim``
``tucker``     :math:`\mathcal{W} \times_1 e_h \times_2 w_r \times_3 e_t` with a
               shared core tensor :math:`\mathcal{W}` (``dim x rel_dim x dim``)
=============  ==============================================================

``score_tails(h, r)`` returns the scores of every tail (1-N scoring) as one matrix
product against the entity table, ``score_heads(r, t)`` those of every head. With
``reciprocal=True`` the model holds ``2 n_relations`` relations, and a head query
``(?, r, t)`` is answered as the tail query ``(t, r + n_relations, ?)`` (Lacroix et
al. 2018). ``factors`` returns the per-triple factors that the N3 and L2 penalties
act on (moduli for ComplEx).
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import torch
from torch import nn

from cogattn._core.validation import check_option

__all__ = [
    "MODELS",
    "RESCAL",
    "ComplEx",
    "DistMult",
    "TensorModel",
    "TuckER",
    "make_model",
]


class TensorModel(nn.Module, metaclass=ABCMeta):
    """Base class: entity and relation embeddings, 1-N scoring in both directions.

    Parameters
    ----------
    n_entities, n_relations : int
        Sizes of the vocabularies (relations without reciprocals).
    dim : int
        Entity embedding size (the complex rank for ComplEx).
    reciprocal : bool
        Hold a reciprocal relation per relation and answer head queries with it.
    init_scale : float
        Standard deviation of the normal initialisation of the embeddings.
    generator : torch.Generator | None
        Source of the initial values.
    """

    entity_width = 1

    def __init__(
        self,
        n_entities: int,
        n_relations: int,
        dim: int,
        *,
        reciprocal: bool = True,
        init_scale: float = 1e-3,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.n_entities = int(n_entities)
        self.n_relations = int(n_relations)
        self.dim = int(dim)
        self.reciprocal = bool(reciprocal)
        self.init_scale = float(init_scale)
        n_rel = 2 * self.n_relations if reciprocal else self.n_relations
        self.entity = nn.Parameter(
            _normal((n_entities, self.entity_width * dim), init_scale, generator)
        )
        self.relation = nn.Parameter(
            _normal((n_rel, self.relation_size()), self._relation_scale(), generator)
        )

    def relation_size(self) -> int:
        """Return the number of parameters per relation."""
        return self.entity_width * self.dim

    def _relation_scale(self) -> float:
        return self.init_scale

    @abstractmethod
    def tail_query(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """Return ``q`` (batch, width * dim) with ``score(h, r, t) = q . E_t``."""

    @abstractmethod
    def head_query(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Return ``q`` with ``score(h, r, t) = q . E_h`` (``r`` a base relation)."""

    def factors(
        self, h: torch.Tensor, r: torch.Tensor, t: torch.Tensor
    ) -> list[torch.Tensor]:
        """Return the factors of each triple that the N3 / L2 penalties act on."""
        return [self.entity[h], self.relation[r], self.entity[t]]

    def score_tails(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """Return the scores of every tail for ``(h, r, ?)``: (batch, n_entities)."""
        return self.tail_query(h, r) @ self.entity.T

    def score_heads(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Return the scores of every head for ``(?, r, t)``: (batch, n_entities).

        ``r`` holds base relation ids; a reciprocal model answers with
        ``r + n_relations``.
        """
        if self.reciprocal:
            return self.score_tails(t, r + self.n_relations)
        return self.head_query(r, t) @ self.entity.T

    def score_triples(
        self, h: torch.Tensor, r: torch.Tensor, t: torch.Tensor
    ) -> torch.Tensor:
        """Return the scores of the triples ``(h, r, t)``: shape (batch,)."""
        return (self.tail_query(h, r) * self.entity[t]).sum(-1)


def _normal(shape: tuple[int, ...], std: float, generator: Any) -> torch.Tensor:
    return torch.randn(shape, generator=generator) * std


class DistMult(TensorModel):
    """DistMult: a diagonal bilinear form per relation (Yang et al. 2015)."""

    def tail_query(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        return self.entity[h] * self.relation[r]

    def head_query(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        return self.relation[r] * self.entity[t]


class RESCAL(TensorModel):
    """RESCAL: a bilinear form ``e_h^T W_r e_t`` per relation (Nickel et al. 2011)."""

    def relation_size(self) -> int:
        """See :class:`TensorModel`."""
        return self.dim * self.dim

    def _relation_scale(self) -> float:
        # keeps the initial scores on the scale of DistMult's
        return self.init_scale / self.dim**0.5

    def _w(self, r: torch.Tensor) -> torch.Tensor:
        return self.relation[r].view(-1, self.dim, self.dim)

    def tail_query(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        return torch.einsum("bi,bij->bj", self.entity[h], self._w(r))

    def head_query(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        return torch.einsum("bij,bj->bi", self._w(r), self.entity[t])

    def factors(
        self, h: torch.Tensor, r: torch.Tensor, t: torch.Tensor
    ) -> list[torch.Tensor]:
        """See :class:`TensorModel`."""
        return [self.entity[h], self._w(r).flatten(1), self.entity[t]]


class ComplEx(TensorModel):
    """ComplEx: ``Re(<e_h, w_r, conj(e_t)>)``, complex vectors (Trouillon et al. 2016).

    Parameters are stored as ``[real | imaginary]`` halves of width ``dim`` each.
    """

    entity_width = 2

    @staticmethod
    def _split(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d = x.shape[-1] // 2
        return x[..., :d], x[..., d:]

    def tail_query(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        hr, hi = self._split(self.entity[h])
        rr, ri = self._split(self.relation[r])
        # Re(h r conj(t)) = (hr rr - hi ri) . tr + (hr ri + hi rr) . ti
        return torch.cat([hr * rr - hi * ri, hr * ri + hi * rr], -1)

    def head_query(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        tr, ti = self._split(self.entity[t])
        rr, ri = self._split(self.relation[r])
        # the same form read as a linear function of h
        return torch.cat([rr * tr + ri * ti, rr * ti - ri * tr], -1)

    def factors(
        self, h: torch.Tensor, r: torch.Tensor, t: torch.Tensor
    ) -> list[torch.Tensor]:
        """See :class:`TensorModel`."""
        out = []
        for x in (self.entity[h], self.relation[r], self.entity[t]):
            re, im = self._split(x)
            out.append(torch.sqrt(re**2 + im**2 + 1e-12))
        return out


class TuckER(TensorModel):
    """TuckER: a Tucker decomposition with a shared core (Balazevic et al. 2019).

    Parameters
    ----------
    rel_dim : int | None
        Relation embedding size (``None``: ``dim``).
    dropout : float
        Dropout on the query vector during training.
    """

    def __init__(
        self,
        n_entities: int,
        n_relations: int,
        dim: int,
        *,
        rel_dim: int | None = None,
        dropout: float = 0.0,
        reciprocal: bool = True,
        init_scale: float = 1e-3,
        generator: torch.Generator | None = None,
    ) -> None:
        self.rel_dim = int(dim if rel_dim is None else rel_dim)
        super().__init__(
            n_entities,
            n_relations,
            dim,
            reciprocal=reciprocal,
            init_scale=init_scale,
            generator=generator,
        )
        d, dr = self.dim, self.rel_dim
        self.core = nn.Parameter(
            torch.empty(dr, d, d).uniform_(-1.0, 1.0, generator=generator)
            * (3.0 / d) ** 0.5
        )
        self.dropout = nn.Dropout(dropout)

    def relation_size(self) -> int:
        """See :class:`TensorModel`."""
        return self.rel_dim

    def _relation_scale(self) -> float:
        return 1.0 / self.rel_dim**0.5

    def _mat(self, r: torch.Tensor) -> torch.Tensor:
        w = self.relation[r] @ self.core.view(self.rel_dim, -1)
        return w.view(-1, self.dim, self.dim)

    def tail_query(self, h: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        q = torch.einsum("bi,bij->bj", self.entity[h], self._mat(r))
        return self.dropout(q)

    def head_query(self, r: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """See :class:`TensorModel`."""
        q = torch.einsum("bij,bj->bi", self._mat(r), self.entity[t])
        return self.dropout(q)


#: Model name -> class.
MODELS: dict[str, type[TensorModel]] = {
    "rescal": RESCAL,
    "distmult": DistMult,
    "complex": ComplEx,
    "tucker": TuckER,
}


def make_model(
    name: str, n_entities: int, n_relations: int, dim: int, **kwargs: Any
) -> TensorModel:
    """Build the model ``name`` (one of :data:`MODELS`)."""
    check_option(name, tuple(MODELS), "model")
    return MODELS[name](n_entities, n_relations, dim, **kwargs)
