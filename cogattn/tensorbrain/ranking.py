r"""Filtered link-prediction ranks and their summaries (MRR, Hits@k).

A query ``(h, r, ?)`` with true answer ``t`` and a score for every entity ranks
``t`` among the candidates that are not *other* known true answers of the query
(the filtered setting of Bordes et al. 2013): with ``F`` the known tails of
``(h, r)`` other than ``t``,

.. math::

    \mathrm{rank}_{\mathrm{opt}} = 1 + |\{e \notin F: s_e > s_t\}|, \qquad
    \mathrm{rank}_{\mathrm{pes}} = |\{e \notin F: s_e \ge s_t\}|,

and the realistic rank is their mean (ties share the ranks they span, PyKEEN's
default). Head queries ``(?, r, t)`` are tail queries of the reciprocal relation
``r + n_relations``, so :func:`filter_index` builds one lookup over both
directions. Everything is vectorised: the filter is a sparse matrix whose rows are
queries, and ranks are computed on whole score matrices (numpy or torch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_option, is_tensor

__all__ = [
    "FilterIndex",
    "filter_index",
    "filtered_ranks",
    "rank_metrics",
    "reciprocal_triples",
]

TIES = ("realistic", "optimistic", "pessimistic")


def reciprocal_triples(triples: np.ndarray, n_relations: int) -> np.ndarray:
    """Return ``triples`` followed by their reciprocals ``(t, r + n_relations, h)``."""
    triples = np.asarray(triples, dtype=np.int64)
    inv = np.stack([triples[:, 2], triples[:, 1] + n_relations, triples[:, 0]], 1)
    return np.concatenate([triples, inv])


class FilterIndex:
    """Known answers of every query ``(entity, relation)``, both directions.

    Parameters
    ----------
    known : array of int of shape (n, 3)
        Every known true triple (usually train + valid + test).
    n_entities, n_relations : int
        Sizes of the vocabularies (relations without reciprocals).
    """

    def __init__(self, known: np.ndarray, n_entities: int, n_relations: int) -> None:
        from scipy import sparse

        both = np.unique(reciprocal_triples(known, n_relations), axis=0)
        self.n_entities = int(n_entities)
        self.n_relations = int(n_relations)
        rows = both[:, 0] * (2 * n_relations) + both[:, 1]
        self.matrix = sparse.csr_array(
            (np.ones(len(both), dtype=bool), (rows, both[:, 2])),
            shape=(n_entities * 2 * n_relations, n_entities),
        )

    def mask(self, heads: np.ndarray, relations: np.ndarray) -> Any:
        """Return the CSR mask of known answers, one row per query ``(head, relation)``.

        ``relations`` may hold reciprocal ids (``r + n_relations``) for head queries.
        """
        keys = np.asarray(heads) * (2 * self.n_relations) + np.asarray(relations)
        return self.matrix[keys]


def filter_index(known: np.ndarray, n_entities: int, n_relations: int) -> FilterIndex:
    """Build the :class:`FilterIndex` of the triples ``known``."""
    known = check_array(
        known, "known", ndim=2, shape=(None, 3), dtype="integer", min_size=0
    )
    return FilterIndex(np.asarray(known), n_entities, n_relations)


def filtered_ranks(
    scores: Any,
    targets: Any,
    mask: Any = None,
    *,
    ties: str = "realistic",
) -> Any:
    """Rank each query's target among its unfiltered candidates.

    Parameters
    ----------
    scores : array or tensor of shape (n_queries, n_entities)
        Higher is better. NaN scores are an error.
    targets : array or tensor of int of shape (n_queries,)
        Index of the true answer of each query.
    mask : scipy sparse array | array of bool of shape (n_queries, n_entities) | None
        Known true answers to filter out (the target itself is always kept);
        ``None``: the raw ranking.
    ties : {"realistic", "optimistic", "pessimistic"}
        How ties with the target are counted.

    Returns
    -------
    ranks : array or tensor of float of shape (n_queries,)
        1 is best; the same kind (numpy or torch, device) as ``scores``.
    """
    check_option(ties, TIES, "ties")
    torch_in = is_tensor(scores)
    scores = check_array(scores, "scores", ndim=2)
    n_q, n_e = scores.shape
    targets = check_array(
        targets, "targets", ndim=1, shape=(n_q,), dtype="integer", low=0, high=n_e - 1
    )
    if torch_in:
        import torch

        scores = scores.clone()
        if not torch.is_tensor(targets):
            targets = np.array(targets, dtype=np.int64)
        targets = torch.as_tensor(targets, device=scores.device).long()
        rows = torch.arange(n_q, device=scores.device)
        target_scores = scores[rows, targets]
        if mask is not None:
            r_idx, c_idx = _mask_coords(mask, (n_q, n_e))
            scores[
                torch.as_tensor(r_idx, device=scores.device),
                torch.as_tensor(c_idx, device=scores.device),
            ] = float("-inf")
            scores[rows, targets] = target_scores
        t = target_scores[:, None]
        better = (scores > t).sum(1).to(scores.dtype)
        equal = (scores == t).sum(1).to(scores.dtype)
    else:
        scores = np.array(scores, dtype=np.float64)
        targets = np.asarray(targets, dtype=np.int64)
        rows = np.arange(n_q)
        target_scores = scores[rows, targets]
        if mask is not None:
            r_idx, c_idx = _mask_coords(mask, (n_q, n_e))
            scores[r_idx, c_idx] = -np.inf
            scores[rows, targets] = target_scores
        t = target_scores[:, None]
        better = (scores > t).sum(1).astype(np.float64)
        equal = (scores == t).sum(1).astype(np.float64)
    if ties == "optimistic":
        return better + 1
    if ties == "pessimistic":
        return better + equal
    return better + (equal + 1) / 2


def _mask_coords(mask: Any, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    from scipy import sparse

    if sparse.issparse(mask):
        if mask.shape != shape:
            raise ValidationError(
                f"mask must have shape {shape} (like scores); got {mask.shape}"
            )
        coo = sparse.coo_array(mask)
        keep = coo.data != 0
        return coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64)
    if is_tensor(mask):
        mask = mask.cpu().numpy()
    mask = np.asarray(mask)
    if mask.shape != shape or mask.dtype != bool:
        raise ValidationError(
            f"mask must be a sparse array or a bool array of shape {shape}; got "
            f"{mask.dtype} of shape {mask.shape}"
        )
    r, c = np.nonzero(mask)
    return r.astype(np.int64), c.astype(np.int64)


def rank_metrics(ranks: Any, ks: tuple[int, ...] = (1, 3, 10)) -> dict[str, float]:
    """Mean reciprocal rank, mean rank and Hits@k of ``ranks``.

    Parameters
    ----------
    ranks : array or tensor of shape (n,)
        Ranks (1 is best; realistic ranks may be halves).
    ks : tuple of int
        Cut-offs of Hits@k: the share of ranks ``<= k``.

    Returns
    -------
    metrics : dict
        ``mrr``, ``mean_rank`` and ``hits@k`` for each ``k``.
    """
    if is_tensor(ranks):
        ranks = ranks.detach().cpu().numpy()
    ranks = check_array(ranks, "ranks", ndim=1, low=1.0)
    ranks = np.asarray(ranks, dtype=np.float64)
    out = {"mrr": float(np.mean(1.0 / ranks)), "mean_rank": float(np.mean(ranks))}
    for k in ks:
        out[f"hits@{k}"] = float(np.mean(ranks <= k))
    return out
