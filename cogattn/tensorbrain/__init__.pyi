# Type stub of cogattn.tensorbrain: the names that __init__.py loads eagerly and those
# it loads on first access (its _LAZY table), so type checkers and IDEs see them all.

from cogattn.tensorbrain.adjacency import (
    adjacency_tensor as adjacency_tensor,
)
from cogattn.tensorbrain.adjacency import (
    from_adjacency as from_adjacency,
)
from cogattn.tensorbrain.datasets import (
    DATASETS as DATASETS,
)
from cogattn.tensorbrain.datasets import (
    KGSplits as KGSplits,
)
from cogattn.tensorbrain.datasets import (
    kg_dataset_path as kg_dataset_path,
)
from cogattn.tensorbrain.datasets import (
    load_kg_dataset as load_kg_dataset,
)
from cogattn.tensorbrain.datasets import (
    load_kg_splits as load_kg_splits,
)
from cogattn.tensorbrain.decoder import (
    DecodeOutput as DecodeOutput,
)
from cogattn.tensorbrain.decoder import (
    SemanticDecoder as SemanticDecoder,
)
from cogattn.tensorbrain.graphs import (
    KnowledgeGraph as KnowledgeGraph,
)
from cogattn.tensorbrain.graphs import (
    parse_triples as parse_triples,
)
from cogattn.tensorbrain.graphs import (
    read_triples as read_triples,
)
from cogattn.tensorbrain.link_prediction import (
    run_link_prediction as run_link_prediction,
)
from cogattn.tensorbrain.perception import (
    run_perception_task as run_perception_task,
)
from cogattn.tensorbrain.ranking import (
    FilterIndex as FilterIndex,
)
from cogattn.tensorbrain.ranking import (
    filter_index as filter_index,
)
from cogattn.tensorbrain.ranking import (
    filtered_ranks as filtered_ranks,
)
from cogattn.tensorbrain.ranking import (
    rank_metrics as rank_metrics,
)
from cogattn.tensorbrain.ranking import (
    reciprocal_triples as reciprocal_triples,
)
from cogattn.tensorbrain.scenes import (
    PREDICATES as PREDICATES,
)
from cogattn.tensorbrain.scenes import (
    EntityPool as EntityPool,
)
from cogattn.tensorbrain.scenes import (
    Scenes as Scenes,
)
from cogattn.tensorbrain.scenes import (
    make_entities as make_entities,
)
from cogattn.tensorbrain.scenes import (
    make_scenes as make_scenes,
)
from cogattn.tensorbrain.scenes import (
    object_crops as object_crops,
)
from cogattn.tensorbrain.scenes import (
    render_scenes as render_scenes,
)
from cogattn.tensorbrain.scoring import (
    MODELS as MODELS,
)
from cogattn.tensorbrain.scoring import (
    RESCAL as RESCAL,
)
from cogattn.tensorbrain.scoring import (
    ComplEx as ComplEx,
)
from cogattn.tensorbrain.scoring import (
    DistMult as DistMult,
)
from cogattn.tensorbrain.scoring import (
    TensorModel as TensorModel,
)
from cogattn.tensorbrain.scoring import (
    TuckER as TuckER,
)
from cogattn.tensorbrain.scoring import (
    make_model as make_model,
)
from cogattn.tensorbrain.training import (
    KGEmbedding as KGEmbedding,
)
from cogattn.tensorbrain.training import (
    evaluate_ranking as evaluate_ranking,
)
from cogattn.tensorbrain.wordnet import (
    WORDNET_RELATIONS as WORDNET_RELATIONS,
)
from cogattn.tensorbrain.wordnet import (
    read_wordnet_nouns as read_wordnet_nouns,
)
from cogattn.tensorbrain.wordnet import (
    wordnet_noun_path as wordnet_noun_path,
)

__all__ = [
    "DATASETS",
    "MODELS",
    "PREDICATES",
    "RESCAL",
    "WORDNET_RELATIONS",
    "ComplEx",
    "DecodeOutput",
    "DistMult",
    "EntityPool",
    "FilterIndex",
    "KGEmbedding",
    "KGSplits",
    "KnowledgeGraph",
    "Scenes",
    "SemanticDecoder",
    "TensorModel",
    "TuckER",
    "adjacency_tensor",
    "evaluate_ranking",
    "filter_index",
    "filtered_ranks",
    "from_adjacency",
    "kg_dataset_path",
    "load_kg_dataset",
    "load_kg_splits",
    "make_entities",
    "make_model",
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
]
