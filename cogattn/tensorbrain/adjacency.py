"""The adjacency tensor of a knowledge graph and its inverse.

For a graph with entities ``E`` and relations ``P`` the adjacency tensor is the
binary tensor ``X`` of shape ``(|E|, |P|, |E|)`` with ``X[s, p, o] = 1`` exactly when
``(s, p, o)`` is a triple. It is stored sparse: as a ``torch.sparse_coo_tensor``
(``format="torch"``) or as one :class:`scipy.sparse.csr_array` of shape
``(|E|, |E|)`` per relation (``format="scipy"``, the frontal slices ``X[:, p, :]``
that RESCAL factorises as ``A R_p A^T``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_option, is_tensor
from cogattn.tensorbrain.graphs import KnowledgeGraph

__all__ = ["adjacency_tensor", "from_adjacency"]


def adjacency_tensor(graph: KnowledgeGraph, *, format: str = "scipy") -> Any:
    """Return the sparse adjacency tensor of ``graph``.

    Parameters
    ----------
    graph : KnowledgeGraph
    format : {"scipy", "torch"}
        ``"scipy"``: a list of ``n_relations`` CSR arrays of shape
        ``(n_entities, n_entities)``; ``"torch"``: a coalesced
        ``torch.sparse_coo_tensor`` of shape ``(n_entities, n_relations,
        n_entities)`` with float32 ones.

    Returns
    -------
    X : list of scipy.sparse.csr_array | torch.Tensor
    """
    if not isinstance(graph, KnowledgeGraph):
        raise ValidationError(
            f"graph must be a KnowledgeGraph; got {type(graph).__name__}"
        )
    check_option(format, ("scipy", "torch"), "format")
    n_e, n_r = graph.n_entities, graph.n_relations
    h, r, t = graph.triples.T
    if format == "torch":
        import torch

        idx = torch.as_tensor(np.stack([h, r, t]), dtype=torch.long)
        vals = torch.ones(idx.shape[1], dtype=torch.float32)
        X = torch.sparse_coo_tensor(idx, vals, (n_e, n_r, n_e), check_invariants=True)
        return X.coalesce()
    from scipy import sparse

    order = np.argsort(r, kind="stable")
    bounds = np.searchsorted(r[order], np.arange(n_r + 1))
    slices = []
    for p in range(n_r):
        sel = order[bounds[p] : bounds[p + 1]]
        slices.append(
            sparse.csr_array(
                (np.ones(len(sel), dtype=np.float32), (h[sel], t[sel])),
                shape=(n_e, n_e),
            )
        )
    return slices


def from_adjacency(
    X: Any, entities: Any = None, relations: Any = None
) -> KnowledgeGraph:
    """Build a graph from an adjacency tensor (the inverse of :func:`adjacency_tensor`).

    Parameters
    ----------
    X : list of scipy sparse arrays | torch.Tensor | numpy.ndarray
        Per-relation ``(n_entities, n_entities)`` slices, or a dense or sparse
        tensor of shape ``(n_entities, n_relations, n_entities)``. Every non-zero
        entry is a triple; entries must be 0 or 1.
    entities, relations : sequence of str | None
        Names; ``None`` uses ``"e0", "e1", ...`` and ``"r0", ...``.

    Returns
    -------
    graph : KnowledgeGraph
    """
    if is_tensor(X):
        Xc = X.coalesce() if X.is_sparse else X.to_sparse().coalesce()
        if Xc.ndim != 3:
            raise ValidationError(f"X must be 3-d; got shape {tuple(X.shape)}")
        idx = Xc.indices().cpu().numpy().T
        vals = Xc.values().cpu().numpy()
        shape = tuple(X.shape)
    elif isinstance(X, np.ndarray):
        if X.ndim != 3:
            raise ValidationError(f"X must be 3-d; got shape {X.shape}")
        idx = np.argwhere(X != 0)
        vals = X[tuple(idx.T)]
        shape = X.shape
    elif isinstance(X, (list, tuple)):
        from scipy import sparse

        if not X or not all(sparse.issparse(s) for s in X):
            raise ValidationError(
                "X as a list must hold one scipy sparse array per relation"
            )
        shapes = {s.shape for s in X}
        if len(shapes) != 1 or next(iter(shapes))[0] != next(iter(shapes))[1]:
            raise ValidationError(
                f"every slice must be square and of one shape; got {sorted(shapes)}"
            )
        parts, vparts = [], []
        for p, s in enumerate(X):
            coo = sparse.coo_array(s)
            coo.sum_duplicates()
            keep = coo.data != 0
            parts.append(
                np.stack([coo.row[keep], np.full(keep.sum(), p), coo.col[keep]], 1)
            )
            vparts.append(coo.data[keep])
        idx = np.concatenate(parts).astype(np.int64)
        vals = np.concatenate(vparts)
        n = next(iter(shapes))[0]
        shape = (n, len(X), n)
    else:
        raise ValidationError(
            "X must be a list of scipy sparse arrays, a torch tensor or a numpy "
            f"array; got {type(X).__name__}"
        )
    keep = vals != 0
    idx, vals = idx[keep], vals[keep]
    if np.any(vals != 1):
        raise ValidationError(
            f"X must be binary (0/1); found values such as {float(vals[vals != 1][0])}"
        )
    n_e, n_r = int(shape[0]), int(shape[1])
    if shape[2] != n_e:
        raise ValidationError(
            f"X must have shape (n_entities, n_relations, n_entities); got {shape}"
        )
    entities = [f"e{i}" for i in range(n_e)] if entities is None else list(entities)
    relations = [f"r{i}" for i in range(n_r)] if relations is None else list(relations)
    if len(entities) != n_e or len(relations) != n_r:
        raise ValidationError(
            f"X has {n_e} entities and {n_r} relations; got {len(entities)} entity "
            f"and {len(relations)} relation names"
        )
    order = np.lexsort((idx[:, 2], idx[:, 1], idx[:, 0]))
    return KnowledgeGraph(
        idx[order].astype(np.int64), tuple(entities), tuple(relations)
    )
