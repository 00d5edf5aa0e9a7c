"""The bundled Nations, Kinships and UMLS splits and the data-finding errors."""

from __future__ import annotations

import pytest

from cogattn import DataNotFoundError, ValidationError
from cogattn.tensorbrain.datasets import (
    DATASETS,
    KGSplits,
    kg_dataset_path,
    load_kg_dataset,
    load_kg_splits,
)
from tests._reference import require_reference

#: published sizes (PyKEEN's dataset table; Dettmers et al. 2018)
SIZES = {
    "nations": (14, 55, 1592, 199, 201),
    "kinships": (104, 25, 8544, 1068, 1074),
    "umls": (135, 46, 5216, 652, 661),
}


@pytest.mark.parametrize("name", DATASETS)
def test_bundled_sizes(data_dir, name):
    if not (data_dir / "kg" / name).is_dir():
        pytest.skip(reason=f"real data not found: {data_dir}/kg/{name}")
    s = load_kg_dataset(name, data_dir)
    got = (s.n_entities, s.n_relations, len(s.train), len(s.valid), len(s.test))
    assert got == SIZES[name]
    assert s.name == name
    assert len(s.all_triples()) == sum(SIZES[name][2:])


def _write(folder, train, valid, test):
    folder.mkdir(parents=True)
    for name, text in (("train", train), ("valid", valid), ("test", test)):
        (folder / f"{name}.txt").write_text(text)


def test_splits_share_the_training_vocabulary(tmp_path):
    _write(tmp_path / "kg" / "nations", "a\tr\tb\nb\tr\tc\n", "a\tr\tc\n", "c\tr\ta\n")
    s = load_kg_dataset("nations", tmp_path)
    assert s.test.entities == s.train.entities == ("a", "b", "c")
    assert s.test.labeled() == [("c", "r", "a")]


def test_unknown_name_in_a_split(tmp_path):
    _write(tmp_path / "d", "a\tr\tb\n", "a\tr\tz\n", "a\tr\tb\n")
    with pytest.raises(
        ValidationError, match=r"valid.txt, line 1: .*unknown entity 'z'"
    ):
        load_kg_splits(tmp_path / "d")


def test_missing_data(tmp_path, monkeypatch):
    from cogattn.tensorbrain import datasets

    monkeypatch.delenv("COGATTN_DATA", raising=False)
    monkeypatch.setattr(datasets, "_pykeen_folder", lambda name: None)
    with pytest.raises(DataNotFoundError, match="set COGATTN_DATA"):
        kg_dataset_path("umls")
    (tmp_path / "kg" / "umls").mkdir(parents=True)
    (tmp_path / "kg" / "umls" / "train.txt").write_text("a\tr\tb\n")
    with pytest.raises(
        DataNotFoundError, match=r"lacks valid\.txt, test\.txt; the files ship"
    ):
        kg_dataset_path("umls", tmp_path)
    with pytest.raises(ValidationError, match="name"):
        kg_dataset_path("fb15k", tmp_path)


def test_mismatched_vocabularies():
    from cogattn.tensorbrain.graphs import KnowledgeGraph

    a = KnowledgeGraph.from_labeled([("a", "r", "b")])
    b = KnowledgeGraph.from_labeled([("a", "r", "c")])
    with pytest.raises(ValidationError, match="valid split must share"):
        KGSplits(a, b, a)


def test_falls_back_to_the_copies_inside_pykeen(monkeypatch, tmp_path):
    """PyKEEN 1.11.1 ships the same files; they are found without importing it."""
    import subprocess
    import sys

    require_reference("pykeen")
    monkeypatch.setenv("COGATTN_DATA", str(tmp_path))  # a data folder without kg/
    folder = kg_dataset_path("nations")
    assert folder.parts[-3:] == ("pykeen", "datasets", "nations")
    assert load_kg_dataset("nations").train.n_triples == SIZES["nations"][2]
    code = (
        "import sys; from cogattn.tensorbrain import kg_dataset_path; "
        "kg_dataset_path('umls'); print('pykeen' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
