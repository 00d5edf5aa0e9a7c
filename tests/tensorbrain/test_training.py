"""Training and filtered evaluation of tensor models (few epochs on Nations)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn import ValidationError
from cogattn.tensorbrain import KGEmbedding, KnowledgeGraph, load_kg_dataset
from cogattn.tensorbrain.ranking import filter_index, filtered_ranks, rank_metrics

FAST = {"dim": 32, "n_epochs": 8, "batch_size": 512, "verbose": False}


@pytest.fixture(scope="module")
def nations(data_dir):
    if not (data_dir / "kg" / "nations").is_dir():
        pytest.skip(reason=f"real data not found: {data_dir}/kg/nations")
    return load_kg_dataset("nations", data_dir)


def _random_baseline(splits, seed=0):
    """Filtered MRR of i.i.d. random scores on the test split, both directions."""
    rng = np.random.default_rng(seed)
    te, n_e, n_r = splits.test.triples, splits.n_entities, splits.n_relations
    index = filter_index(splits.all_triples(), n_e, n_r)
    heads = np.concatenate([te[:, 0], te[:, 2]])
    rels = np.concatenate([te[:, 1], te[:, 1] + n_r])
    targets = np.concatenate([te[:, 2], te[:, 0]])
    scores = rng.random((len(targets), n_e))
    return rank_metrics(filtered_ranks(scores, targets, index.mask(heads, rels)))["mrr"]


@pytest.mark.parametrize(
    ("model", "kw"),
    [
        ("complex", {}),
        (
            "distmult",
            {
                "loss": "bce",
                "label_smoothing": 0.1,
                "optimizer": "adam",
                "lr": 0.05,
                "batch_size": 128,
            },
        ),
        (
            "tucker",
            {"regularizer": "l2", "optimizer": "adam", "lr": 0.01, "batch_size": 128},
        ),
        ("rescal", {"reciprocal": False, "dim": 16}),
    ],
)
def test_models_learn_nations(nations, model, kw):
    """A few epochs lift the filtered MRR well above random scores (about 0.33)."""
    chance = _random_baseline(nations)
    est = KGEmbedding(model, random_state=1, **{**FAST, **kw}).fit(nations.train)
    m = est.evaluate(nations.test, known=nations.all_triples())
    assert m["mrr"] > chance + 0.2, (m["mrr"], chance)
    assert m["hits@1"] <= m["hits@3"] <= m["hits@10"] <= 1
    assert {"tail_mrr", "head_mrr"} <= set(m)
    assert est.loss_history_[-1] < est.loss_history_[0]


def test_reproducible_and_seed_dependent(nations):
    a = KGEmbedding("complex", random_state=3, **FAST).fit(nations.train)
    b = KGEmbedding("complex", random_state=3, **FAST).fit(nations.train)
    c = KGEmbedding("complex", random_state=4, **FAST).fit(nations.train)
    torch.testing.assert_close(a.model_.entity, b.model_.entity)
    assert not torch.allclose(a.model_.entity, c.model_.entity)


def test_complex_unit_init_vs_safe_init(nations):
    """ComplEx with a unit-variance start barely learns in the same budget; the
    small default start does (the failure mode of PyKEEN's default ComplEx)."""
    kw = {**FAST, "n_epochs": 4}
    safe = KGEmbedding("complex", random_state=0, **kw).fit(nations.train)
    unit = KGEmbedding("complex", random_state=0, init_scale=1.0, **kw).fit(
        nations.train
    )
    known = nations.all_triples()
    mrr_safe = safe.evaluate(nations.test, known=known)["mrr"]
    mrr_unit = unit.evaluate(nations.test, known=known)["mrr"]
    assert mrr_safe > mrr_unit + 0.1


def test_ranks_agree_with_scores():
    """The estimator's ranks are filtered_ranks of its own score matrices."""
    g = KnowledgeGraph.from_labeled(
        [("a", "r", "b"), ("b", "r", "c"), ("c", "s", "a"), ("a", "s", "c")]
    )
    est = KGEmbedding("distmult", dim=4, n_epochs=2, random_state=0, verbose=False).fit(
        g
    )
    rt, rh = est.ranks(g)
    tr = g.triples
    idx = filter_index(tr, 3, 2)
    st = est.score_tails(tr[:, 0], tr[:, 1])
    np.testing.assert_allclose(
        rt, filtered_ranks(st, tr[:, 2], idx.mask(tr[:, 0], tr[:, 1]))
    )
    sh = est.score_heads(tr[:, 1], tr[:, 2])
    np.testing.assert_allclose(
        rh, filtered_ranks(sh, tr[:, 0], idx.mask(tr[:, 2], tr[:, 1] + 2))
    )


def test_errors():
    g = KnowledgeGraph.from_labeled([("a", "r", "b")])
    with pytest.raises(ValidationError, match="model"):
        KGEmbedding("transe").fit(g)
    with pytest.raises(ValidationError, match="regularizer"):
        KGEmbedding(regularizer="l1").fit(g)
    with pytest.raises(ValidationError, match="label_smoothing"):
        KGEmbedding(label_smoothing=1.0).fit(g)
    with pytest.raises(ValidationError, match="needs reciprocal=True"):
        KGEmbedding(loss="bce", reciprocal=False).fit(g)
    with pytest.raises(ValidationError, match="KnowledgeGraph"):
        KGEmbedding().fit(np.array([[0, 0, 1]]))
    with pytest.raises(ValidationError, match="empty knowledge graph"):
        KGEmbedding().fit(g.with_triples(np.zeros((0, 3), dtype=int)))
    with pytest.raises(ValidationError, match="not fitted"):
        KGEmbedding().score_tails([0], [0])
    est = KGEmbedding(dim=2, n_epochs=1, verbose=False).fit(g)
    with pytest.raises(ValidationError, match=r"heads must have values in \[0, 1\]"):
        est.score_tails([5], [0])
    other = KnowledgeGraph.from_labeled([("a", "r", "b"), ("b", "r", "c")])
    with pytest.raises(
        ValidationError,
        match="graph has 3 entities and 1 relations; the model was fitted on 2 and 1",
    ):
        est.evaluate(other)


@pytest.mark.gpu
def test_cuda_matches_cpu():
    """The same seed on CUDA and on the CPU gives nearly the same ranks."""
    if not torch.cuda.is_available():
        pytest.skip(reason="needs a CUDA device")
    g = KnowledgeGraph.from_labeled(
        [
            ("a", "r", "b"),
            ("b", "r", "c"),
            ("c", "s", "a"),
            ("a", "s", "c"),
            ("c", "r", "a"),
        ]
    )
    kw = {"dim": 8, "n_epochs": 5, "random_state": 0, "verbose": False}
    cpu = KGEmbedding("complex", device="cpu", **kw).fit(g)
    gpu = KGEmbedding("complex", device="cuda", **kw).fit(g)
    assert gpu.model_.entity.is_cuda
    torch.testing.assert_close(
        gpu.score_tails([0, 1], [0, 1]).cpu(),
        cpu.score_tails([0, 1], [0, 1]),
        atol=1e-4,
        rtol=1e-3,
    )
    np.testing.assert_allclose(gpu.ranks(g)[0], cpu.ranks(g)[0])
