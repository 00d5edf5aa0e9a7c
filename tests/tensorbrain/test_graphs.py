"""Knowledge-graph container, TSV reader, adjacency tensor and networkx round trips."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.tensorbrain.adjacency import adjacency_tensor, from_adjacency
from cogattn.tensorbrain.graphs import KnowledgeGraph, parse_triples, read_triples

SETTINGS = settings(max_examples=40, deadline=None)


def _graph() -> KnowledgeGraph:
    return KnowledgeGraph.from_labeled(
        [
            ("a", "likes", "b"),
            ("b", "likes", "c"),
            ("a", "knows", "c"),
            ("c", "knows", "c"),
        ]
    )


@st.composite
def graphs(draw: st.DrawFn) -> KnowledgeGraph:
    n_e = draw(st.integers(1, 6))
    n_r = draw(st.integers(1, 4))
    cells = st.tuples(
        st.integers(0, n_e - 1), st.integers(0, n_r - 1), st.integers(0, n_e - 1)
    )
    rows = sorted(draw(st.sets(cells, max_size=30)))
    triples = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return KnowledgeGraph(
        triples, tuple(f"e{i}" for i in range(n_e)), tuple(f"r{i}" for i in range(n_r))
    )


def test_from_labeled_builds_sorted_vocabularies():
    g = _graph()
    assert g.entities == ("a", "b", "c")
    assert g.relations == ("knows", "likes")
    assert (g.n_entities, g.n_relations, g.n_triples, len(g)) == (3, 2, 4, 4)
    np.testing.assert_array_equal(g.triples[0], [0, 1, 1])
    assert g.labeled()[2] == ("a", "knows", "c")
    assert g.entity_index("c") == 2
    np.testing.assert_array_equal(g.relation_index(["likes", "knows"]), [1, 0])
    assert "n_triples=4" in repr(g)


def test_triples_are_read_only():
    g = _graph()
    with pytest.raises(ValueError, match="read-only"):
        g.triples[0, 0] = 2


def test_bad_containers():
    with pytest.raises(ValidationError, match=r"shape \(n_triples, 3\)"):
        KnowledgeGraph(np.zeros((2, 2), dtype=int), ("a",), ("r",))
    with pytest.raises(ValidationError, match="integer indices"):
        KnowledgeGraph(np.zeros((1, 3)), ("a",), ("r",))
    with pytest.raises(ValidationError, match=r"tail indices must lie in \[0, 1\]"):
        KnowledgeGraph(np.array([[0, 0, 2]]), ("a", "b"), ("r",))
    with pytest.raises(ValidationError, match="1 duplicate triple"):
        KnowledgeGraph(np.array([[0, 0, 1], [0, 0, 1]]), ("a", "b"), ("r",))
    with pytest.raises(ValidationError, match="entities must be unique; 'a'"):
        KnowledgeGraph(np.array([[0, 0, 1]]), ("a", "a"), ("r",))
    with pytest.raises(ValidationError, match="non-empty strings"):
        KnowledgeGraph(np.array([[0, 0, 0]]), ("",), ("r",))
    with pytest.raises(ValidationError, match="unknown entity 'z'"):
        _graph().entity_index("z")
    with pytest.raises(ValidationError, match="unknown relation 'hates'"):
        _graph().relation_index(["hates"])


def test_from_labeled_errors():
    with pytest.raises(ValidationError, match=r"duplicate triple.*\('a', 'r', 'b'\)"):
        KnowledgeGraph.from_labeled([("a", "r", "b"), ("a", "r", "b")])
    with pytest.raises(ValidationError, match="triple 0 has 2 field"):
        KnowledgeGraph.from_labeled([("a", "r")])
    with pytest.raises(ValidationError, match="unknown entity 'q'"):
        KnowledgeGraph.from_labeled([("a", "r", "q")], entities=["a"], relations=["r"])
    with pytest.raises(ValidationError, match="unknown relation 's'"):
        KnowledgeGraph.from_labeled([("a", "s", "a")], entities=["a"], relations=["r"])


def test_parse_and_read(tmp_path):
    p = tmp_path / "train.txt"
    p.write_text("a\tr\tb\n\nb\tr\tc\r\n")
    g = read_triples(p)
    assert g.labeled() == [("a", "r", "b"), ("b", "r", "c")]
    assert parse_triples(["x\ty\tz\n"]) == [("x", "y", "z")]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a\tr\tb\na\tr\n", r"line 2: expected 3 non-empty tab-separated fields"),
        ("a\tr\tb\tc\n", r"line 1: .*got 4 field"),
        ("a r b\n", r"line 1: .*got 1 field"),
        ("a\t\tb\n", r"line 1: expected 3 non-empty"),
        (
            "a\tr\tb\nc\tr\td\na\tr\tb\n",
            r"1 duplicate triple\(s\), e.g. \('a', 'r', 'b'\)",
        ),
        ("\n\n", "holds no triples"),
    ],
)
def test_read_errors(tmp_path, text, match):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(ValidationError, match=match):
        read_triples(p)


def test_read_onto_a_vocabulary(tmp_path):
    p = tmp_path / "test.txt"
    p.write_text("a\tr\tb\nb\tq\ta\n")
    with pytest.raises(
        ValidationError, match=r"test.txt, line 2: .*unknown relation 'q'"
    ):
        read_triples(p, entities=["a", "b"], relations=["r"])
    with pytest.raises(FileNotFoundError, match="no triples file"):
        read_triples(tmp_path / "missing.txt")


def test_adjacency_tensor_entries():
    """Closed form: X[s, p, o] = 1 exactly for the triples."""
    g = _graph()
    X = adjacency_tensor(g, format="scipy")
    dense = np.stack([s.toarray() for s in X], 1)
    expected = np.zeros((3, 2, 3))
    expected[tuple(g.triples.T)] = 1
    np.testing.assert_array_equal(dense, expected)
    Xt = adjacency_tensor(g, format="torch")
    np.testing.assert_array_equal(Xt.to_dense().numpy(), expected)
    assert Xt.shape == (3, 2, 3)
    with pytest.raises(ValidationError, match="format"):
        adjacency_tensor(g, format="dense")
    with pytest.raises(ValidationError, match="KnowledgeGraph"):
        adjacency_tensor(g.triples)


@SETTINGS
@given(graphs(), st.sampled_from(["scipy", "torch", "numpy"]))
def test_adjacency_round_trip(g, fmt):
    X = adjacency_tensor(g, format="torch" if fmt == "torch" else "scipy")
    if fmt == "numpy":
        X = np.stack([s.toarray() for s in X], 1)
    back = from_adjacency(X, g.entities, g.relations)
    np.testing.assert_array_equal(back.triples, g.triples)
    assert back.entities == g.entities


@SETTINGS
@given(graphs())
def test_networkx_round_trip(g):
    nxg = g.to_networkx()
    assert isinstance(nxg, nx.MultiDiGraph)
    assert nxg.number_of_edges() == g.n_triples
    assert nxg.number_of_nodes() == g.n_entities
    back = KnowledgeGraph.from_networkx(nxg)
    assert sorted(back.labeled()) == sorted(g.labeled())
    assert back.entities == g.entities


def test_from_adjacency_errors():
    with pytest.raises(ValidationError, match="binary"):
        from_adjacency(np.full((2, 1, 2), 2.0))
    with pytest.raises(ValidationError, match="3-d"):
        from_adjacency(np.zeros((2, 2)))
    with pytest.raises(ValidationError, match="entity and"):
        from_adjacency(np.ones((2, 1, 2)), entities=["a"])
    with pytest.raises(ValidationError, match="list must hold"):
        from_adjacency([np.eye(2)])
    with pytest.raises(ValidationError, match="MultiDiGraph"):
        KnowledgeGraph.from_networkx(nx.DiGraph())
    g = from_adjacency(np.ones((2, 1, 2)))
    assert g.n_triples == 4 and g.entities == ("e0", "e1")
