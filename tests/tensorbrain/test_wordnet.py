"""The WordNet noun reader: a small file in the database format, and the real one."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from cogattn import DataNotFoundError, ValidationError
from cogattn.tensorbrain.wordnet import (
    DEBIAN_PATH,
    read_wordnet_nouns,
    wordnet_noun_path,
)

HEADER = "  1 This software and database is being provided to you, the LICENSEE...\n"
LINES = [
    "00001740 03 n 01 entity 0 002 ~ 00001930 n 0000 ~ 00002137 n 0000 | that which\n",
    "00001930 03 n 01 physical_entity 0 001 @ 00001740 n 0000 | an entity that has\n",
    "00002137 03 n 02 abstraction 0 abstract_entity 0 003 @ 00001740 n 0000 "
    "@ 00001740 n 0101 + 00692347 v 0101 | a general concept\n",
    "00060548 04 n 02 Hegira 1 Hejira 1 002 @i 00002137 n 0000 #p 00001930 n 0000 "
    "| the flight\n",
]


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "data.noun"
    path.write_text(HEADER + "".join(LINES))
    return path


def test_small_file(small):
    g = read_wordnet_nouns(small)
    assert g.entities == (
        "entity.00001740",
        "physical_entity.00001930",
        "abstraction.00002137",
        "Hegira.00060548",
    )
    assert g.relations == ("hypernym", "instance_hypernym")
    # the repeated hypernym pointer of abstraction is one triple; hyponyms (~),
    # verb pointers (+) and part holonyms (#p, not asked for) are left out
    assert sorted(g.labeled()) == [
        ("Hegira.00060548", "instance_hypernym", "abstraction.00002137"),
        ("abstraction.00002137", "hypernym", "entity.00001740"),
        ("physical_entity.00001930", "hypernym", "entity.00001740"),
    ]
    g2 = read_wordnet_nouns(small, relations=["part_holonym"])
    assert g2.labeled() == [
        ("Hegira.00060548", "part_holonym", "physical_entity.00001930")
    ]


def test_errors(small, tmp_path):
    bad = tmp_path / "bad.noun"
    bad.write_text(HEADER + LINES[0] + "00001930 03 n 01 physical_entity 0 005 @ 1 |\n")
    with pytest.raises(ValidationError, match=r"bad.noun, line 3: not a WordNet noun"):
        read_wordnet_nouns(bad)
    dangling = tmp_path / "dangling.noun"
    dangling.write_text(LINES[1])
    with pytest.raises(
        ValidationError, match="points to 00001740, which the file lacks"
    ):
        read_wordnet_nouns(dangling)
    empty = tmp_path / "empty.noun"
    empty.write_text(HEADER)
    with pytest.raises(ValidationError, match="holds no noun synsets"):
        read_wordnet_nouns(empty)
    with pytest.raises(ValidationError, match="non-empty subset"):
        read_wordnet_nouns(small, relations=["hyponym"])
    with pytest.raises(FileNotFoundError, match="no WordNet data file"):
        read_wordnet_nouns(tmp_path / "missing")


def test_path_lookup(tmp_path, monkeypatch):
    (tmp_path / "wordnet").mkdir()
    (tmp_path / "wordnet" / "data.noun").write_text(LINES[0])
    assert wordnet_noun_path(tmp_path) == tmp_path / "wordnet" / "data.noun"
    if not DEBIAN_PATH.is_file():
        monkeypatch.delenv("COGATTN_DATA", raising=False)
        with pytest.raises(DataNotFoundError, match="wordnet-base"):
            wordnet_noun_path()


@pytest.mark.skipif(
    not DEBIAN_PATH.is_file(), reason="real data not found: wordnet-base"
)
def test_real_wordnet_3():
    """WordNet 3.0's published size, 82,115 noun synsets; all reach 'entity'."""
    g = read_wordnet_nouns(Path(DEBIAN_PATH))
    assert g.n_entities == 82115
    nxg = g.to_networkx()
    dog = g.entity_index("dog.02084071")
    assert {"canine.02083346", "domestic_animal.01317541"} <= set(
        nxg.successors(g.entities[dog])
    )
    path = nx.shortest_path(nxg, g.entities[dog], "entity.00001740")
    assert "animal.00015388" in path
    # every noun synset reaches the root through hypernyms or instance hypernyms
    root = "entity.00001740"
    assert nx.ancestors(nxg, root) | {root} == set(g.entities)
