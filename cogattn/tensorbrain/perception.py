r"""The perception task: decode procedural scenes into triples, recall and generalise.

:func:`run_perception_task` draws an entity pool (known and novel entities), training
scenes (the stored episodes), test scenes of known entities and scenes with one
novel entity; it trains a :class:`~cogattn.tensorbrain.decoder.SemanticDecoder` end
to end on the training scenes and reports

- perception of test scenes (decoded from the generic time index plus the patches:
  prior x sensory likelihood): entity accuracy, unary-label accuracy, predicate
  Hits@1 and Hits@2, for each top-down feedback (hard, soft, none) and choice of
  the embodied index (MAP, sampling);
- unary-label accuracy of novel subjects per feedback;
- episodic recall of the training episodes from their time indices with no
  sensory input;
- semantic-memory Hits@10 and MRR on held-out triples (triples of the test scenes
  that no training scene holds): the object ranked by
  :math:`\log P(o \mid s) + \log P(p \mid s, o)` under the generic time index,
  against RESCAL fitted to the training triples (:class:`KGEmbedding`), both
  filtered by the known triples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.log import logger
from cogattn._core.progress import progress_bar
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.tensorbrain.graphs import KnowledgeGraph
from cogattn.tensorbrain.ranking import FilterIndex, filtered_ranks, rank_metrics
from cogattn.tensorbrain.scenes import (
    PREDICATES,
    Scenes,
    make_entities,
    make_scenes,
    object_crops,
    render_scenes,
)

__all__ = ["run_perception_task"]


def _inputs(
    scenes: Scenes, crop: int, noise: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Per-triple arrays: patches (with pixel noise), boxes, targets."""
    crops = object_crops(render_scenes(scenes), scenes.positions, crop)
    if noise > 0:
        crops = crops + rng.normal(0.0, noise, size=crops.shape)
    crops = crops.astype(np.float32)
    t = scenes.triples
    sc, ss, pp, so = t.T
    size = scenes.pool.image_size
    boxes = (
        np.concatenate([scenes.positions[sc, ss], scenes.positions[sc, so]], 1) / size
    )
    ent = scenes.entities
    return {
        "scene": sc,
        "patch_s": crops[sc, ss],
        "patch_o": crops[sc, so],
        "boxes": boxes.astype(np.float32),
        "s": ent[sc, ss],
        "o": ent[sc, so],
        "p": pp,
        "labels_s": scenes.pool.labels[ent[sc, ss]],
        "labels_o": scenes.pool.labels[ent[sc, so]],
    }


def run_perception_task(
    *,
    n_known: int = 24,
    n_novel: int = 6,
    n_train_scenes: int = 200,
    n_test_scenes: int = 100,
    n_objects: int = 3,
    jitter: float = 4.0,
    noise: float = 0.0,
    train_feedback: str = "hard",
    n_repr: int = 64,
    beta: float = 1.0,
    n_steps: int = 1500,
    batch_size: int = 64,
    lr: float = 3e-3,
    recall_weight: float = 1.0,
    semantic_weight: float = 1.0,
    rescal_dim: int = 16,
    rescal_epochs: int = 100,
    device: Any = None,
    random_state: Any = None,
    verbose: bool | str | int | None = None,
) -> dict[str, float]:
    """Train the semantic decoder on procedural scenes and measure it.

    Parameters
    ----------
    n_known, n_novel : int
        Entities seen in training, and entities only in the novel-entity scenes.
    n_train_scenes, n_test_scenes, n_objects : int
        Stored episodes, test scenes (and as many novel-entity scenes), objects
        per scene.
    jitter : float
        Standard deviation (pixels) of the objects around their homes.
    noise : float
        Standard deviation of Gaussian noise added to every pixel of the patches
        (images in [0, 1]): it makes the sensory evidence unreliable.
    train_feedback : {"hard", "mixed"}
        Perception is trained with the true entity embodied (``"hard"``), or both
        with and without top-down feedback (``"mixed"``: the mean of the two
        losses), so that the read-outs also work without feedback.
    n_repr, beta : int, float
        Width of the representation layer; inverse temperature of the index layer.
    n_steps, batch_size, lr : int, int, float
        Adam steps over random batches of training triples.
    recall_weight, semantic_weight : float
        Weights of the episodic-recall and semantic-memory losses (decoded with no
        sensory input) beside the perception loss.
    rescal_dim, rescal_epochs : int
        The RESCAL baseline of the semantic-memory comparison.
    device, random_state, verbose
        As usual (``verbose``: a progress bar over training steps).

    Returns
    -------
    out : dict of str to float
        ``entity_acc_<feedback>_<choice>``, ``label_acc_<feedback>_<choice>``,
        ``predicate_hits1_<feedback>_<choice>``,
        ``predicate_hits2_<feedback>_<choice>``, ``novel_label_acc_<feedback>``,
        ``episodic_subject_recall``, ``episodic_object_hits1``,
        ``episodic_predicate_hits1``, ``semantic_hits10``, ``semantic_mrr``,
        ``rescal_hits10``, ``rescal_mrr``, ``n_heldout``, ``train_loss``.
    """
    import torch

    from cogattn._core.device import resolve_device
    from cogattn._core.seeding import torch_generator
    from cogattn.tensorbrain.decoder import SemanticDecoder
    from cogattn.tensorbrain.training import KGEmbedding

    for name, value, low in (
        ("n_known", n_known, 4),
        ("n_novel", n_novel, 1),
        ("n_train_scenes", n_train_scenes, 1),
        ("n_test_scenes", n_test_scenes, 1),
        ("n_steps", n_steps, 1),
        ("batch_size", batch_size, 1),
    ):
        check_int(value, name, low=low)
    check_option(train_feedback, ("hard", "mixed"), "train_feedback")
    check_positive(noise, "noise", strict=False)
    rng = check_random_state(random_state)
    device = resolve_device(device)
    gen = torch_generator(rng)  # initial weights, on the CPU
    sample_gen = torch_generator(rng, device=device)  # draws of choice="sample"
    crop = 16
    pool = make_entities(n_known + n_novel, random_state=rng)
    known = np.arange(n_known)
    novel = np.arange(n_known, n_known + n_novel)
    kw = {"n_objects": n_objects, "jitter": jitter, "random_state": rng}
    train = make_scenes(pool, n_train_scenes, allowed=known, **kw)
    test = make_scenes(pool, n_test_scenes, allowed=known, **kw)
    nov = make_scenes(pool, n_test_scenes, allowed=known, first=novel, **kw)
    data = {
        k: _inputs(s, crop, noise, rng)
        for k, s in (("train", train), ("test", test), ("novel", nov))
    }
    n_ent = n_known + n_novel  # novel entities have index units that are never trained

    model = SemanticDecoder(
        n_ent,
        len(PREDICATES),
        n_train_scenes,
        n_repr=n_repr,
        crop=crop,
        beta=beta,
        generator=gen,
    ).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    T = lambda x: torch.as_tensor(np.asarray(x), device=device)  # noqa: E731
    tr = {k: T(v) for k, v in data["train"].items()}
    n_tr = len(tr["s"])
    generic = n_train_scenes
    nll = torch.nn.functional.nll_loss

    def triple_loss(out: Any, idx: Any, labels: bool = True) -> Any:
        loss = nll(out.subject, tr["s"][idx]) + nll(out.object, tr["o"][idx])
        loss = loss + nll(out.predicate, tr["p"][idx])
        if labels:
            for i in range(3):
                loss = loss + nll(out.subject_labels[i], tr["labels_s"][idx, i])
                loss = loss + nll(out.object_labels[i], tr["labels_o"][idx, i])
        return loss

    model.train()
    losses = []
    for _ in progress_bar(range(n_steps), desc="decoder steps", verbose=verbose):
        idx = T(rng.integers(0, n_tr, batch_size))
        gt = torch.full((batch_size,), generic, device=device)
        tgt = {"subject": tr["s"][idx], "object": tr["o"][idx]}
        sensory = (tr["patch_s"][idx], tr["patch_o"][idx], tr["boxes"][idx])
        loss = triple_loss(model.decode(gt, *sensory, **tgt), idx)
        if train_feedback == "mixed":
            out = model.decode(gt, *sensory, feedback="none", **tgt)
            loss = 0.5 * (loss + triple_loss(out, idx))
        if recall_weight > 0:
            out = model.decode(tr["scene"][idx], **tgt)
            loss = loss + recall_weight * triple_loss(out, idx, labels=False)
        if semantic_weight > 0:
            out = model.decode(gt, **tgt)
            loss = loss + semantic_weight * triple_loss(out, idx, labels=False)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    model.eval()
    out: dict[str, float] = {"train_loss": float(np.mean(losses[-50:]))}

    with torch.no_grad():
        # perception of new scenes: generic time index plus patches
        for split in ("test", "novel"):
            d = {k: T(v) for k, v in data[split].items()}
            n = len(d["s"])
            gt = torch.full((n,), generic, device=device)
            for feedback in ("hard", "soft", "none"):
                for choice in ("map", "sample"):
                    if split == "novel" and choice == "sample":
                        continue
                    o = model.decode(
                        gt,
                        d["patch_s"],
                        d["patch_o"],
                        d["boxes"],
                        feedback=feedback,
                        choice=choice,
                        generator=sample_gen,
                    )
                    lab = torch.stack(
                        [
                            o.subject_labels[i].argmax(-1) == d["labels_s"][:, i]
                            for i in range(3)
                        ]
                        + [
                            o.object_labels[i].argmax(-1) == d["labels_o"][:, i]
                            for i in range(3)
                        ]
                    ).float()
                    if split == "novel":  # the novel entity is the subject
                        out[f"novel_label_acc_{feedback}"] = float(lab[:3].mean())
                        continue
                    key = f"{feedback}_{choice}"
                    ent = torch.stack(
                        [o.subject.argmax(-1) == d["s"], o.object.argmax(-1) == d["o"]]
                    ).float()
                    out[f"entity_acc_{key}"] = float(ent.mean())
                    out[f"label_acc_{key}"] = float(lab.mean())
                    ranks = filtered_ranks(o.predicate, d["p"])
                    out[f"predicate_hits1_{key}"] = float((ranks <= 1).float().mean())
                    out[f"predicate_hits2_{key}"] = float((ranks <= 2).float().mean())

        # episodic recall: a past time index, no sensory input
        ep = np.arange(n_train_scenes)
        o = model.decode(
            T(ep), subject=T(train.entities[:, 0]), object=T(train.entities[:, 1])
        )
        top = o.subject.topk(n_objects, -1).indices.cpu().numpy()
        hit = (top[:, :, None] == train.entities[:, None, :]).any(1)
        out["episodic_subject_recall"] = float(hit.mean())
        ranks_o, ranks_p = _episodic_ranks(model, train, T, n_ent)
        out["episodic_object_hits1"] = float(np.mean(ranks_o <= 1))
        out["episodic_predicate_hits1"] = float(np.mean(ranks_p <= 1))

        # semantic memory on held-out triples vs RESCAL
        tr_trip = np.unique(train.entity_triples()[:, 1:], axis=0)
        te_trip = np.unique(test.entity_triples()[:, 1:], axis=0)
        seen = {tuple(x) for x in tr_trip}
        held = np.array([x for x in te_trip if tuple(x) not in seen]).reshape(-1, 3)
        out["n_heldout"] = float(len(held))
        if len(held):
            index = FilterIndex(
                np.concatenate([tr_trip, te_trip]), n_ent, len(PREDICATES)
            )
            mask = index.mask(held[:, 0], held[:, 1])
            s_rep = np.repeat(held[:, 0], n_ent)
            o_rep = np.tile(np.arange(n_ent), len(held))
            o = model.decode(
                torch.full((len(s_rep),), generic, device=device),
                subject=T(s_rep),
                object=T(o_rep),
            )
            p_rep = np.repeat(held[:, 1], n_ent)
            score = (
                o.object[torch.arange(len(o_rep)), T(o_rep)]
                + o.predicate[torch.arange(len(p_rep)), T(p_rep)]
            )
            m = rank_metrics(
                filtered_ranks(score.view(len(held), n_ent), held[:, 2], mask)
            )
            out["semantic_hits10"], out["semantic_mrr"] = m["hits@10"], m["mrr"]
            kg = KnowledgeGraph(
                tr_trip, tuple(f"e{i}" for i in range(n_ent)), PREDICATES
            )
            with torch.enable_grad():  # fitted inside the no_grad evaluation block
                rescal = KGEmbedding(
                    "rescal",
                    rescal_dim,
                    n_epochs=rescal_epochs,
                    batch_size=128,
                    random_state=rng,
                    device=device,
                    verbose=False,
                ).fit(kg)
            sc = rescal.score_tails(held[:, 0], held[:, 1])
            m = rank_metrics(filtered_ranks(sc, held[:, 2], mask))
            out["rescal_hits10"], out["rescal_mrr"] = m["hits@10"], m["mrr"]
    logger.info("perception task: %s", out)
    return out


def _episodic_ranks(model: Any, scenes: Scenes, T: Any, n_ent: int) -> tuple[Any, Any]:
    """Return ranks of the object given (t, s) and of the predicate given (t, s, o)."""
    t = scenes.triples
    sc, ss, pp, so = t.T
    s = scenes.entities[sc, ss]
    o_ = scenes.entities[sc, so]
    out = model.decode(T(sc), subject=T(s), object=T(o_))
    # other objects of the same (episode, subject) are also right answers
    rows, cols = [], []
    for j in range(scenes.entities.shape[1]):
        other = scenes.entities[sc, j]
        keep = (j != ss) & (other != o_)
        rows.append(np.flatnonzero(keep))
        cols.append(other[keep])
    mask = np.zeros((len(t), n_ent), dtype=bool)
    mask[np.concatenate(rows), np.concatenate(cols)] = True
    ranks_o = filtered_ranks(out.object, T(o_), mask).cpu().numpy()
    ranks_p = filtered_ranks(out.predicate, T(pp)).cpu().numpy()
    return ranks_o, ranks_p
