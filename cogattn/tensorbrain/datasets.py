"""The bundled link-prediction benchmarks: Nations, Kinships and UMLS.

Each data set is three head-relation-tail TSV files, ``train.txt``, ``valid.txt`` and
``test.txt``, looked for in ``$COGATTN_DATA/kg/<name>/`` (or ``<data_dir>/kg/<name>/``).
They are the splits PyKEEN 1.11 ships inside its package
(``pykeen/datasets/<name>/``, byte-identical), first published with the ConvE paper
(Dettmers et al. 2018, after Kok & Domingos 2007):

============  ========  =========  =======  =====  =====
name          entities  relations  train    valid  test
============  ========  =========  =======  =====  =====
``nations``   14        55         1592     199    201
``kinships``  104       25         8544     1068   1074
``umls``      135       46         5216     652    661
============  ========  =========  =======  =====  =====

When ``$COGATTN_DATA`` does not hold them (and no ``data_dir`` is given), the copies
inside an installed PyKEEN are used; PyKEEN is located, not imported.

The vocabularies are those of the training split (sorted names); the validation and
test splits are mapped onto them, and a name they lack is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn._core.validation import check_option
from cogattn.tensorbrain.graphs import KnowledgeGraph, read_triples

__all__ = [
    "DATASETS",
    "KGSplits",
    "kg_dataset_path",
    "load_kg_dataset",
    "load_kg_splits",
]

#: Environment variable naming the data folder (it holds ``kg/<name>/``).
DATA_ENV = "COGATTN_DATA"
#: The bundled data sets.
DATASETS = ("nations", "kinships", "umls")
SPLITS = ("train", "valid", "test")
_WHERE = (
    "the files ship inside the PyKEEN package (pip install pykeen==1.11.1: "
    "site-packages/pykeen/datasets/<name>/{train,valid,test}.txt); copy them to "
    "$COGATTN_DATA/kg/<name>/"
)


@dataclass(frozen=True)
class KGSplits:
    """Train, validation and test graphs sharing one vocabulary.

    Attributes
    ----------
    train, valid, test : KnowledgeGraph
        The three splits, on the training split's entities and relations.
    name : str
        Name of the data set.
    """

    train: KnowledgeGraph
    valid: KnowledgeGraph
    test: KnowledgeGraph
    name: str = ""

    def __post_init__(self) -> None:
        for split in ("valid", "test"):
            g = getattr(self, split)
            if (g.entities, g.relations) != (self.train.entities, self.train.relations):
                raise ValidationError(
                    f"the {split} split must share the training split's vocabularies"
                )

    @property
    def n_entities(self) -> int:
        """Number of entities."""
        return self.train.n_entities

    @property
    def n_relations(self) -> int:
        """Number of relations."""
        return self.train.n_relations

    def all_triples(self) -> np.ndarray:
        """Return the triples of the three splits stacked (the ranking filter)."""
        return np.concatenate(
            [self.train.triples, self.valid.triples, self.test.triples]
        )


def _pykeen_folder(name: str) -> Path | None:
    """Return the data set's folder inside an installed PyKEEN (None if absent)."""
    import importlib.util

    spec = importlib.util.find_spec("pykeen")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / name
    return folder if _missing(folder) == [] else None


def _missing(folder: Path) -> list[str]:
    return [s for s in SPLITS if not (folder / f"{s}.txt").is_file()]


def kg_dataset_path(name: str, data_dir: str | os.PathLike | None = None) -> Path:
    """Return the folder of the data set ``name`` (holding the three split files).

    Parameters
    ----------
    name : {"nations", "kinships", "umls"}
    data_dir : path-like | None
        The data folder holding ``kg/``. ``None``: ``$COGATTN_DATA``, and when that
        is unset or lacks the files, the copies inside an installed PyKEEN.

    Raises
    ------
    DataNotFoundError
        When the files are found nowhere; the message says where they come from.
    """
    check_option(name, DATASETS, "name")
    if data_dir is None:
        value = os.environ.get(DATA_ENV, "")
        if value and not _missing(Path(value) / "kg" / name):
            return Path(value) / "kg" / name
        bundled = _pykeen_folder(name)
        if bundled is not None:
            return bundled
        if not value:
            raise DataNotFoundError(
                f"no data folder: set {DATA_ENV} or pass data_dir to find "
                f"kg/{name}/; {_WHERE}"
            )
        data_dir = value
    folder = Path(data_dir) / "kg" / name
    missing = _missing(folder)
    if missing:
        raise DataNotFoundError(
            f"{folder} lacks {', '.join(f'{s}.txt' for s in missing)}; {_WHERE}"
        )
    return folder


def load_kg_splits(folder: str | os.PathLike, name: str = "") -> KGSplits:
    """Read ``train.txt``, ``valid.txt`` and ``test.txt`` from ``folder``.

    The vocabularies are the training split's; names in the other splits must be
    in them.
    """
    folder = Path(folder)
    train = read_triples(folder / "train.txt")
    kw = {"entities": train.entities, "relations": train.relations}
    valid = read_triples(folder / "valid.txt", **kw)
    test = read_triples(folder / "test.txt", **kw)
    return KGSplits(train, valid, test, name=name or folder.name)


def load_kg_dataset(name: str, data_dir: str | os.PathLike | None = None) -> KGSplits:
    """Load one of the bundled data sets (see the module docstring).

    Parameters
    ----------
    name : {"nations", "kinships", "umls"}
    data_dir : path-like | None
        The data folder holding ``kg/`` (``None``: ``$COGATTN_DATA``).

    Returns
    -------
    splits : KGSplits
    """
    return load_kg_splits(kg_dataset_path(name, data_dir), name=name)
