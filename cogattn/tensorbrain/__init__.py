"""The tensor brain: knowledge graphs as tensors, tensor models, semantic decoding.

- :mod:`cogattn.tensorbrain.graphs`: :class:`KnowledgeGraph` (triples with entity and
  relation vocabularies, networkx conversions) and the head-relation-tail TSV reader.
- :mod:`cogattn.tensorbrain.adjacency`: the sparse adjacency tensor
  (entities x relations x entities) and back.
- :mod:`cogattn.tensorbrain.datasets`: Nations, Kinships and UMLS splits;
  :mod:`cogattn.tensorbrain.wordnet`: the WordNet noun hierarchy.
- :mod:`cogattn.tensorbrain.ranking`: filtered ranks in both directions, MRR, Hits@k.
- :mod:`cogattn.tensorbrain.scoring`: RESCAL, DistMult, ComplEx and TuckER with 1-N
  scoring (torch).
- :mod:`cogattn.tensorbrain.training`: :class:`KGEmbedding`, training with
  cross-entropy over entities, reciprocal relations and N3/L2 penalties, and its
  filtered evaluation; :mod:`cogattn.tensorbrain.link_prediction`: one fit and
  evaluation on a bundled data set.
- :mod:`cogattn.tensorbrain.decoder`: :class:`SemanticDecoder`, the four-layer
  semantic decoder (sensory buffer, index layer, representation layer, working
  memory) with episodic and semantic memory (torch).
- :mod:`cogattn.tensorbrain.scenes`: procedural scenes (objects with class, colour,
  size and position; spatial predicates), rendered; :mod:`cogattn.tensorbrain.
  perception`: the perception task that trains and measures the decoder.

Figures are drawn by :mod:`cogattn.viz.tensorbrain`. The numpy parts import without
torch; the torch names load it when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from cogattn.tensorbrain.adjacency import adjacency_tensor, from_adjacency
from cogattn.tensorbrain.datasets import (
    DATASETS,
    KGSplits,
    kg_dataset_path,
    load_kg_dataset,
    load_kg_splits,
)
from cogattn.tensorbrain.graphs import KnowledgeGraph, parse_triples, read_triples
from cogattn.tensorbrain.link_prediction import run_link_prediction
from cogattn.tensorbrain.perception import run_perception_task
from cogattn.tensorbrain.ranking import (
    FilterIndex,
    filter_index,
    filtered_ranks,
    rank_metrics,
    reciprocal_triples,
)
from cogattn.tensorbrain.scenes import (
    PREDICATES,
    EntityPool,
    Scenes,
    make_entities,
    make_scenes,
    object_crops,
    render_scenes,
)
from cogattn.tensorbrain.training import KGEmbedding, evaluate_ranking
from cogattn.tensorbrain.wordnet import (
    WORDNET_RELATIONS,
    read_wordnet_nouns,
    wordnet_noun_path,
)

_LAZY = {
    "MODELS": "cogattn.tensorbrain.scoring",
    "TensorModel": "cogattn.tensorbrain.scoring",
    "RESCAL": "cogattn.tensorbrain.scoring",
    "DistMult": "cogattn.tensorbrain.scoring",
    "ComplEx": "cogattn.tensorbrain.scoring",
    "TuckER": "cogattn.tensorbrain.scoring",
    "make_model": "cogattn.tensorbrain.scoring",
    "SemanticDecoder": "cogattn.tensorbrain.decoder",
    "DecodeOutput": "cogattn.tensorbrain.decoder",
}

__all__ = [
    "DATASETS",
    "PREDICATES",
    "WORDNET_RELATIONS",
    "EntityPool",
    "FilterIndex",
    "KGEmbedding",
    "KGSplits",
    "KnowledgeGraph",
    "Scenes",
    "adjacency_tensor",
    "evaluate_ranking",
    "filter_index",
    "filtered_ranks",
    "from_adjacency",
    "kg_dataset_path",
    "load_kg_dataset",
    "load_kg_splits",
    "make_entities",
    "make_scenes",
    "object_crops",
    "parse_triples",
    "rank_metrics",
    "read_triples",
    "read_wordnet_nouns",
    "reciprocal_triples",
    "render_scenes",
    "run_link_prediction",
    "run_perception_task",
    "wordnet_noun_path",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cogattn.tensorbrain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
