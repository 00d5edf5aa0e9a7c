r"""Training tensor models for link prediction, and their filtered evaluation.

:class:`KGEmbedding` fits one of the models of :mod:`cogattn.tensorbrain.scoring`
with 1-N scoring. Two losses over entities are offered:

- ``"ce"`` (1-vs-all): for each training triple, and with ``reciprocal=True`` also
  for its reciprocal, the softmax cross-entropy of the true tail among all entities
  (Lacroix et al. 2018);
- ``"bce"`` (K-vs-all): for each distinct query ``(h, r)`` the binary cross-entropy
  of the scores against the multi-hot vector of its known tails, with label
  smoothing ``y <- (1 - eps) y + eps / n_entities`` (Dettmers et al. 2018).

The penalty is N3, :math:`\lambda \frac1B \sum_b \sum_f \|f_b\|_3^3`, or L2,
:math:`\lambda \frac1B \sum_b \sum_f \|f_b\|_2^2`, over the factors of the batch's
triples. Optimisers: Adagrad (the usual choice with N3) or Adam.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.log import logger
from cogattn._core.progress import progress_bar
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.tensorbrain.graphs import KnowledgeGraph
from cogattn.tensorbrain.ranking import (
    FilterIndex,
    filtered_ranks,
    rank_metrics,
    reciprocal_triples,
)

__all__ = ["KGEmbedding", "evaluate_ranking"]

LOSSES = ("ce", "bce")
REGULARIZERS = ("n3", "l2", "none")
OPTIMIZERS = ("adagrad", "adam")


class KGEmbedding:
    r"""A tensor model of a knowledge graph, fitted by 1-N scoring.

    Parameters
    ----------
    model : {"rescal", "distmult", "complex", "tucker"}
        The scoring function.
    dim : int
        Entity embedding size (the complex rank for ComplEx).
    reciprocal : bool
        Train and answer head queries with reciprocal relations.
    loss : {"ce", "bce"}
        1-vs-all cross-entropy or K-vs-all binary cross-entropy.
    label_smoothing : float
        Label smoothing of ``"bce"`` (in [0, 1)).
    regularizer : {"n3", "l2", "none"}
        Penalty on the factors of each batch.
    reg_weight : float
        Its weight :math:`\lambda`.
    optimizer : {"adagrad", "adam"}
    lr : float
        Learning rate.
    n_epochs : int
        Passes over the training triples.
    batch_size : int
        Queries per step.
    init_scale : float
        Standard deviation of the initial embeddings. Small values keep the initial
        scores near zero, so the softmax starts flat and the gradients informative
        (a unit-variance start puts ComplEx near chance).
    model_kwargs : dict | None
        Extra arguments of the model class (e.g. ``{"dropout": 0.3}`` for TuckER).
    device : str | torch.device | None
        Where to train (see :func:`cogattn._core.device.resolve_device`).
    random_state : int | numpy.random.Generator | None
        Seeds the initialisation and the batch order.
    verbose : bool | str | int | None
        Progress bar over epochs with the running loss.

    Attributes
    ----------
    model_ : TensorModel
        The fitted torch module.
    loss_history_ : list of float
        Mean loss of each epoch.
    n_entities_, n_relations_ : int
    """

    def __init__(
        self,
        model: str = "complex",
        dim: int = 128,
        *,
        reciprocal: bool = True,
        loss: str = "ce",
        label_smoothing: float = 0.0,
        regularizer: str = "n3",
        reg_weight: float = 5e-3,
        optimizer: str = "adagrad",
        lr: float = 0.1,
        n_epochs: int = 50,
        batch_size: int = 256,
        init_scale: float = 1e-3,
        model_kwargs: dict | None = None,
        device: Any = None,
        random_state: Any = None,
        verbose: bool | str | int | None = None,
    ) -> None:
        self.model = model
        self.dim = dim
        self.reciprocal = reciprocal
        self.loss = loss
        self.label_smoothing = label_smoothing
        self.regularizer = regularizer
        self.reg_weight = reg_weight
        self.optimizer = optimizer
        self.lr = lr
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.init_scale = init_scale
        self.model_kwargs = model_kwargs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fitting
    def _check_params(self) -> None:
        from cogattn.tensorbrain.scoring import MODELS

        check_option(self.model, tuple(MODELS), "model")
        check_int(self.dim, "dim", low=1)
        check_option(self.loss, LOSSES, "loss")
        check_option(self.regularizer, REGULARIZERS, "regularizer")
        check_option(self.optimizer, OPTIMIZERS, "optimizer")
        check_positive(self.reg_weight, "reg_weight", strict=False)
        check_positive(self.lr, "lr")
        check_positive(self.init_scale, "init_scale")
        check_int(self.n_epochs, "n_epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        if not 0.0 <= float(self.label_smoothing) < 1.0:
            raise ValidationError(
                f"label_smoothing must lie in [0, 1); got {self.label_smoothing}"
            )
        if self.loss == "bce" and not self.reciprocal:
            raise ValidationError(
                "loss='bce' scores tails only and needs reciprocal=True to learn "
                "head queries"
            )

    def fit(self, graph: KnowledgeGraph) -> KGEmbedding:
        """Fit the model to the triples of ``graph``.

        Parameters
        ----------
        graph : KnowledgeGraph
            Training triples (its vocabulary sizes fix the model's).

        Returns
        -------
        self : KGEmbedding
        """
        import torch

        from cogattn._core.device import resolve_device
        from cogattn._core.seeding import torch_generator
        from cogattn.tensorbrain.scoring import make_model

        self._check_params()
        if not isinstance(graph, KnowledgeGraph):
            raise ValidationError(
                f"graph must be a KnowledgeGraph; got {type(graph).__name__}"
            )
        if graph.n_triples == 0:
            raise ValidationError("graph holds no triples (an empty knowledge graph)")
        rng = check_random_state(self.random_state)
        device = resolve_device(self.device)
        gen = torch_generator(rng)
        n_e, n_r = graph.n_entities, graph.n_relations
        model = make_model(
            self.model,
            n_e,
            n_r,
            self.dim,
            reciprocal=self.reciprocal,
            init_scale=self.init_scale,
            generator=gen,
            **(self.model_kwargs or {}),
        ).to(device)
        opt_cls = (
            torch.optim.Adagrad if self.optimizer == "adagrad" else torch.optim.Adam
        )
        opt = opt_cls(model.parameters(), lr=float(self.lr))

        if self.reciprocal:
            triples = reciprocal_triples(graph.triples, n_r)
        else:
            triples = np.array(graph.triples)
        if self.loss == "bce":
            queries, inverse = np.unique(triples[:, :2], axis=0, return_inverse=True)
            labels = torch.zeros(len(queries), n_e, device=device)
            labels[
                torch.as_tensor(inverse.ravel(), device=device),
                torch.as_tensor(triples[:, 2], device=device),
            ] = 1.0
            eps = float(self.label_smoothing)
            labels = (1.0 - eps) * labels + eps / n_e
            data = torch.as_tensor(queries, device=device)
        else:
            data = torch.as_tensor(triples, device=device)
        n = len(data)
        bs = int(self.batch_size)
        self.loss_history_: list[float] = []
        model.train()
        bar = progress_bar(
            range(int(self.n_epochs)),
            desc=f"{self.model} epochs",
            verbose=self.verbose,
            unit="epoch",
        )
        for epoch in bar:
            perm = torch.as_tensor(rng.permutation(n), device=device)
            total = 0.0
            for start in range(0, n, bs):
                idx = perm[start : start + bs]
                batch = data[idx]
                h, r = batch[:, 0], batch[:, 1]
                if self.loss == "bce":
                    scores = model.score_tails(h, r)
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(
                        scores, labels[idx]
                    )
                    t = None
                else:
                    t = batch[:, 2]
                    if self.reciprocal:
                        loss = torch.nn.functional.cross_entropy(
                            model.score_tails(h, r), t
                        )
                    else:
                        loss = 0.5 * (
                            torch.nn.functional.cross_entropy(
                                model.score_tails(h, r), t
                            )
                            + torch.nn.functional.cross_entropy(
                                model.score_heads(r, t), h
                            )
                        )
                if self.regularizer != "none" and self.reg_weight > 0:
                    if t is None:  # K-vs-all: penalise the query factors
                        facs = model.factors(h, r, h)[:2]
                    else:
                        facs = model.factors(h, r, t)
                    power = 3 if self.regularizer == "n3" else 2
                    reg = sum(f.abs().pow(power).sum() for f in facs) / len(idx)
                    loss = loss + float(self.reg_weight) * reg
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            self.loss_history_.append(total / n)
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{total / n:.4f}")
            logger.debug("epoch %d: loss %.5f", epoch, total / n)
        model.eval()
        self.model_ = model
        self.n_entities_, self.n_relations_ = n_e, n_r
        self.device_ = device
        return self

    # ------------------------------------------------------------------ scoring
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValidationError(
                "this KGEmbedding is not fitted yet; call fit(graph) first"
            )

    def _indices(self, x: Any, name: str, high: int) -> Any:
        import torch

        from cogattn._core.validation import check_array

        arr = check_array(x, name, ndim=1, dtype="integer", low=0, high=high - 1)
        if not torch.is_tensor(arr):
            arr = np.array(arr, dtype=np.int64)
        return torch.as_tensor(arr, device=self.device_).long()

    def score_tails(self, heads: Any, relations: Any) -> Any:
        """Return the scores of every tail for ``(heads[i], relations[i], ?)``.

        Returns
        -------
        scores : torch.Tensor of shape (n_queries, n_entities)
        """
        import torch

        self._check_fitted()
        h = self._indices(heads, "heads", self.n_entities_)
        r = self._indices(relations, "relations", self.n_relations_)
        with torch.no_grad():
            return self.model_.score_tails(h, r)

    def score_heads(self, relations: Any, tails: Any) -> Any:
        """Return the scores of every head for ``(?, relations[i], tails[i])``."""
        import torch

        self._check_fitted()
        r = self._indices(relations, "relations", self.n_relations_)
        t = self._indices(tails, "tails", self.n_entities_)
        with torch.no_grad():
            return self.model_.score_heads(r, t)

    def evaluate(
        self,
        graph: KnowledgeGraph,
        *,
        known: Any = None,
        ties: str = "realistic",
        batch_size: int = 1024,
    ) -> dict[str, float]:
        """Return filtered MRR, mean rank and Hits@1/3/10 on ``graph`` (both ways).

        Parameters
        ----------
        graph : KnowledgeGraph
            The evaluation triples (on the training vocabulary).
        known : array of int of shape (n, 3) | None
            All known true triples to filter (``None``: only ``graph``'s; pass
            train + valid + test for the standard filtered setting).
        ties : {"realistic", "optimistic", "pessimistic"}
        batch_size : int
            Queries scored at once.

        Returns
        -------
        metrics : dict
            ``mrr``, ``mean_rank``, ``hits@1``, ``hits@3``, ``hits@10``, and the
            same for the ``tail_`` and ``head_`` directions.
        """
        self._check_fitted()
        ranks_t, ranks_h = self.ranks(
            graph, known=known, ties=ties, batch_size=batch_size
        )
        return evaluate_ranking(ranks_t, ranks_h)

    def ranks(
        self,
        graph: KnowledgeGraph,
        *,
        known: Any = None,
        ties: str = "realistic",
        batch_size: int = 1024,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the filtered ranks of the tails and heads of ``graph``'s triples."""
        self._check_fitted()
        if not isinstance(graph, KnowledgeGraph):
            raise ValidationError(
                f"graph must be a KnowledgeGraph; got {type(graph).__name__}"
            )
        if (graph.n_entities, graph.n_relations) != (
            self.n_entities_,
            self.n_relations_,
        ):
            raise ValidationError(
                f"graph has {graph.n_entities} entities and {graph.n_relations} "
                f"relations; the model was fitted on {self.n_entities_} and "
                f"{self.n_relations_}"
            )
        known = graph.triples if known is None else np.asarray(known)
        index = FilterIndex(
            np.concatenate([known, graph.triples]), self.n_entities_, self.n_relations_
        )
        tr = graph.triples
        n_r = self.n_relations_
        out_t, out_h = [], []
        for start in range(0, len(tr), batch_size):
            b = tr[start : start + batch_size]
            st = self.score_tails(b[:, 0], b[:, 1])
            out_t.append(
                filtered_ranks(st, b[:, 2], index.mask(b[:, 0], b[:, 1]), ties=ties)
            )
            sh = self.score_heads(b[:, 1], b[:, 2])
            out_h.append(
                filtered_ranks(
                    sh, b[:, 0], index.mask(b[:, 2], b[:, 1] + n_r), ties=ties
                )
            )
        to_np = lambda xs: np.concatenate([x.cpu().numpy() for x in xs])  # noqa: E731
        return to_np(out_t), to_np(out_h)


def evaluate_ranking(tail_ranks: Any, head_ranks: Any) -> dict[str, float]:
    """Metrics of both directions together and apart (see :func:`rank_metrics`)."""
    both = np.concatenate([np.asarray(tail_ranks), np.asarray(head_ranks)])
    out = rank_metrics(both)
    for prefix, r in (("tail_", tail_ranks), ("head_", head_ranks)):
        out.update({prefix + k: v for k, v in rank_metrics(np.asarray(r)).items()})
    return out
