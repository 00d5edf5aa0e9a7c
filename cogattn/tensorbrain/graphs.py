"""Knowledge graphs as subject-predicate-object triples, with their vocabularies.

A :class:`KnowledgeGraph` holds ``n_triples`` triples as an integer array of shape
``(n_triples, 3)`` (columns head, relation, tail) and the two vocabularies that name
the indices: entities ``0 .. n_entities - 1`` and relations ``0 .. n_relations - 1``.
It converts to the adjacency tensor ``X`` of shape ``(n_entities, n_relations,
n_entities)`` with ``X[s, p, o] = 1`` for every triple (see
:mod:`cogattn.tensorbrain.adjacency`) and to a :class:`networkx.MultiDiGraph` whose
edges carry the relation as their key.

:func:`read_triples` reads head-relation-tail TSV files (one triple per line, three
tab-separated fields), reporting malformed lines by their line number and refusing
duplicate triples.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError

__all__ = ["KnowledgeGraph", "parse_triples", "read_triples"]

_PLURAL = {"entity": "entities", "relation": "relations"}


def _check_labels(labels: Sequence[str], name: str) -> tuple[str, ...]:
    labels = tuple(labels)
    for lab in labels:
        if not isinstance(lab, str) or not lab:
            raise ValidationError(
                f"{name} must hold non-empty strings; got {lab!r} of type "
                f"{type(lab).__name__}"
            )
    if len(set(labels)) != len(labels):
        seen: set[str] = set()
        dup = next(lab for lab in labels if lab in seen or seen.add(lab))  # type: ignore[func-returns-value]
        raise ValidationError(f"{name} must be unique; {dup!r} appears more than once")
    return labels


def _duplicate_message(
    triples: np.ndarray, what: str, labels: Any = None
) -> str | None:
    """Name the first duplicate row of ``triples`` (or None when there is none)."""
    if len(triples) == 0:
        return None
    _, first, counts = np.unique(triples, axis=0, return_index=True, return_counts=True)
    if np.all(counts == 1):
        return None
    rows = np.flatnonzero(counts > 1)
    row = triples[first[rows[0]]]
    shown = tuple(int(x) for x in row) if labels is None else labels(row)
    return (
        f"{what} holds {int(np.sum(counts[rows] - 1))} duplicate triple(s), e.g. "
        f"{shown}; a knowledge graph is a set of triples"
    )


@dataclass(frozen=True, eq=False)
class KnowledgeGraph:
    """A set of (head, relation, tail) triples over named entities and relations.

    Parameters
    ----------
    triples : array of int of shape (n_triples, 3)
        Columns head entity, relation, tail entity, as indices into ``entities``
        and ``relations``. No triple may appear twice.
    entities : sequence of str
        Entity names; entity ``i`` is ``entities[i]``.
    relations : sequence of str
        Relation (predicate) names; relation ``j`` is ``relations[j]``.

    Attributes
    ----------
    n_entities, n_relations, n_triples : int
        Sizes of the vocabularies and of the triple set.
    """

    triples: np.ndarray
    entities: tuple[str, ...]
    relations: tuple[str, ...]

    def __post_init__(self) -> None:
        entities = _check_labels(self.entities, "entities")
        relations = _check_labels(self.relations, "relations")
        arr = np.asarray(self.triples)
        if arr.size == 0:
            arr = arr.reshape(0, 3).astype(np.int64)
        if arr.ndim != 2 or arr.shape[1] != 3:
            raise ValidationError(
                f"triples must have shape (n_triples, 3); got shape {arr.shape}"
            )
        if arr.dtype.kind not in "iu":
            raise ValidationError(
                f"triples must hold integer indices; got dtype {arr.dtype}"
            )
        arr = arr.astype(np.int64)
        if len(arr):
            for col, size, name in (
                (0, len(entities), "head"),
                (1, len(relations), "relation"),
                (2, len(entities), "tail"),
            ):
                lo, hi = int(arr[:, col].min()), int(arr[:, col].max())
                if lo < 0 or hi >= size:
                    raise ValidationError(
                        f"{name} indices must lie in [0, {size - 1}]; got values "
                        f"in [{lo}, {hi}]"
                    )
        msg = _duplicate_message(arr, "triples")
        if msg is not None:
            raise ValidationError(msg)
        arr.setflags(write=False)
        object.__setattr__(self, "triples", arr)
        object.__setattr__(self, "entities", entities)
        object.__setattr__(self, "relations", relations)

    # -- sizes -------------------------------------------------------------------
    @property
    def n_entities(self) -> int:
        """Number of entities."""
        return len(self.entities)

    @property
    def n_relations(self) -> int:
        """Number of relations."""
        return len(self.relations)

    @property
    def n_triples(self) -> int:
        """Number of triples."""
        return int(self.triples.shape[0])

    def __len__(self) -> int:
        return self.n_triples

    def __repr__(self) -> str:
        return (
            f"KnowledgeGraph(n_entities={self.n_entities}, "
            f"n_relations={self.n_relations}, n_triples={self.n_triples})"
        )

    # -- construction ------------------------------------------------------------
    @classmethod
    def from_labeled(
        cls,
        labeled: Iterable[Sequence[str]],
        *,
        entities: Sequence[str] | None = None,
        relations: Sequence[str] | None = None,
        source: str = "triples",
        line_numbers: Sequence[int] | None = None,
    ) -> KnowledgeGraph:
        """Build a graph from (head, relation, tail) name triples.

        Parameters
        ----------
        labeled : iterable of (str, str, str)
            Triples by name.
        entities, relations : sequence of str | None
            Fixed vocabularies (e.g. those of a training graph): a name outside them
            is an error. ``None`` builds them from ``labeled`` in sorted order.
        source : str
            What ``labeled`` is, for messages (e.g. a file name).
        line_numbers : sequence of int | None
            Line of each triple in ``source``, for messages (``None``: messages
            give the triple's position).

        Returns
        -------
        graph : KnowledgeGraph
        """
        rows = [tuple(t) for t in labeled]
        for i, row in enumerate(rows):
            if len(row) != 3:
                raise ValidationError(
                    f"{source}: triple {i} has {len(row)} field(s); expected 3 "
                    "(head, relation, tail)"
                )
        if entities is None:
            entities = sorted({r[0] for r in rows} | {r[2] for r in rows})
        if relations is None:
            relations = sorted({r[1] for r in rows})
        ent = {e: i for i, e in enumerate(entities)}
        rel = {r: i for i, r in enumerate(relations)}
        out = np.empty((len(rows), 3), dtype=np.int64)
        where = (
            (lambda i: f"triple {i}")
            if line_numbers is None
            else (lambda i: f"line {line_numbers[i]}")
        )
        for i, (h, r, t) in enumerate(rows):
            for col, name, table, kind in (
                (0, h, ent, "entity"),
                (1, r, rel, "relation"),
                (2, t, ent, "entity"),
            ):
                idx = table.get(name)
                if idx is None:
                    raise ValidationError(
                        f"{source}, {where(i)}: ({h!r}, {r!r}, {t!r}) names the "
                        "unknown "
                        f"{kind} {name!r}; the vocabulary has {len(table)} "
                        f"{_PLURAL[kind]} (e.g. {_first(table)})"
                    )
                out[i, col] = idx
        labels = lambda row: (entities[row[0]], relations[row[1]], entities[row[2]])  # noqa: E731
        msg = _duplicate_message(out, source, labels)
        if msg is not None:
            raise ValidationError(msg)
        return cls(out, tuple(entities), tuple(relations))

    def labeled(self) -> list[tuple[str, str, str]]:
        """Return the triples by name, in order."""
        e, r = self.entities, self.relations
        return [(e[h], r[p], e[t]) for h, p, t in self.triples.tolist()]

    def with_triples(self, triples: np.ndarray) -> KnowledgeGraph:
        """Return a graph with the same vocabularies and other triples."""
        return KnowledgeGraph(np.asarray(triples), self.entities, self.relations)

    def entity_index(self, names: str | Sequence[str]) -> Any:
        """Return the index of one entity name, or an array of them."""
        return _lookup(self.entities, names, "entity")

    def relation_index(self, names: str | Sequence[str]) -> Any:
        """Return the index of one relation name, or an array of them."""
        return _lookup(self.relations, names, "relation")

    # -- conversions -------------------------------------------------------------
    def to_networkx(self) -> Any:
        """Return a :class:`networkx.MultiDiGraph` with one edge per triple.

        Nodes are the entity names (every entity, isolated ones included); an edge
        ``head -> tail`` has the relation name as its key and as attribute
        ``relation``.
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        g.add_nodes_from(self.entities)
        g.add_edges_from((h, t, r, {"relation": r}) for h, r, t in self.labeled())
        return g

    @classmethod
    def from_networkx(cls, graph: Any, *, relation: str = "relation") -> KnowledgeGraph:
        """Build a graph from a :class:`networkx.MultiDiGraph`.

        Parameters
        ----------
        graph : networkx.MultiDiGraph
            Nodes are entities (converted with ``str``); each edge is one triple.
        relation : str
            Edge attribute naming the relation; an edge without it uses its key.

        Returns
        -------
        graph : KnowledgeGraph
            Entities in the graph's node order; relations sorted.
        """
        import networkx as nx

        if not isinstance(graph, nx.MultiDiGraph):
            raise ValidationError(
                f"graph must be a networkx.MultiDiGraph; got {type(graph).__name__}"
            )
        entities = [str(n) for n in graph.nodes]
        rows = [
            (str(u), str(data.get(relation, key)), str(v))
            for u, v, key, data in graph.edges(keys=True, data=True)
        ]
        relations = sorted({r for _, r, _ in rows})
        return cls.from_labeled(
            rows, entities=entities, relations=relations, source="networkx graph"
        )

    def to_adjacency(self, *, format: str = "scipy") -> Any:
        """Return the adjacency tensor (see :func:`~.adjacency.adjacency_tensor`)."""
        from cogattn.tensorbrain.adjacency import adjacency_tensor

        return adjacency_tensor(self, format=format)


def _first(table: dict[str, int], n: int = 3) -> str:
    return ", ".join(repr(k) for k in list(table)[:n])


def _lookup(vocab: tuple[str, ...], names: str | Sequence[str], kind: str) -> Any:
    table = {n: i for i, n in enumerate(vocab)}
    single = isinstance(names, str)
    out = []
    for name in [names] if single else names:
        if name not in table:
            raise ValidationError(
                f"unknown {kind} {name!r}; the graph has {len(vocab)} {_PLURAL[kind]}"
            )
        out.append(table[name])
    return out[0] if single else np.asarray(out, dtype=np.int64)


def parse_triples(
    lines: Iterable[str], *, source: str = "<lines>"
) -> list[tuple[str, str, str]]:
    """Parse head-relation-tail lines (tab-separated) into name triples.

    Blank lines are skipped; a line with other than three non-empty tab-separated
    fields is an error naming ``source`` and its 1-based line number.

    Parameters
    ----------
    lines : iterable of str
        The lines (trailing newlines allowed).
    source : str
        Name used in messages.

    Returns
    -------
    triples : list of (str, str, str)
    """
    return [row for _, row in _parse_numbered(lines, source)]


def _parse_numbered(
    lines: Iterable[str], source: str
) -> list[tuple[int, tuple[str, str, str]]]:
    out = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3 or any(not f.strip() for f in fields):
            raise ValidationError(
                f"{source}, line {number}: expected 3 non-empty tab-separated fields "
                f"(head, relation, tail); got {len(fields)} field(s) in {line!r}"
            )
        out.append((number, (fields[0].strip(), fields[1].strip(), fields[2].strip())))
    return out


def read_triples(
    path: str | os.PathLike,
    *,
    entities: Sequence[str] | None = None,
    relations: Sequence[str] | None = None,
) -> KnowledgeGraph:
    """Read a head-relation-tail TSV file into a :class:`KnowledgeGraph`.

    Parameters
    ----------
    path : path-like
        The file: one triple per line, three tab-separated fields.
    entities, relations : sequence of str | None
        Vocabularies to map the names onto (e.g. the training graph's, when reading
        a validation or test split); a name outside them is an error. ``None``
        builds sorted vocabularies from the file.

    Returns
    -------
    graph : KnowledgeGraph

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValidationError
        On a malformed line (named by its number), an empty file, a duplicate
        triple, or a name outside the given vocabularies.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no triples file at {path}")
    with path.open(encoding="utf-8") as fh:
        numbered = _parse_numbered(fh, str(path))
    if not numbered:
        raise ValidationError(f"{path} holds no triples (an empty knowledge graph)")
    return KnowledgeGraph.from_labeled(
        [row for _, row in numbered],
        entities=entities,
        relations=relations,
        source=str(path),
        line_numbers=[n for n, _ in numbered],
    )
