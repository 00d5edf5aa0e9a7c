"""Filtered ranks against a brute-force loop, closed forms, properties and PyKEEN."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from cogattn import ValidationError
from cogattn.tensorbrain.ranking import (
    FilterIndex,
    filter_index,
    filtered_ranks,
    rank_metrics,
    reciprocal_triples,
)
from tests._reference import require_reference

SETTINGS = settings(max_examples=40, deadline=None)


def brute_force_ranks(scores, targets, known, heads, relations, ties):
    """Independent reference: one Python loop per query and per candidate."""
    out = []
    for q in range(len(targets)):
        filt = {t for (h, r, t) in known if h == heads[q] and r == relations[q]}
        s_t = scores[q, targets[q]]
        better = equal = 0
        for e in range(scores.shape[1]):
            if e != targets[q] and e in filt:
                continue
            better += scores[q, e] > s_t
            equal += scores[q, e] == s_t
        out.append(
            {
                "optimistic": better + 1,
                "pessimistic": better + equal,
                "realistic": better + (equal + 1) / 2,
            }[ties]
        )
    return np.array(out, dtype=float)


@st.composite
def ranking_problems(draw):
    n_e = draw(st.integers(2, 7))
    n_r = draw(st.integers(1, 3))
    cells = st.tuples(
        st.integers(0, n_e - 1), st.integers(0, n_r - 1), st.integers(0, n_e - 1)
    )
    known = sorted(draw(st.sets(cells, min_size=1, max_size=25)))
    n_q = draw(st.integers(1, len(known)))
    queries = np.array(known[:n_q])
    # few distinct values so that ties are common
    scores = np.array(
        draw(
            st.lists(st.integers(-2, 2), min_size=2 * n_q * n_e, max_size=2 * n_q * n_e)
        ),
        dtype=float,
    ).reshape(2 * n_q, n_e)
    return n_e, n_r, np.array(known), queries, scores


@SETTINGS
@given(ranking_problems(), st.sampled_from(["realistic", "optimistic", "pessimistic"]))
def test_filtered_ranks_match_brute_force_both_directions(problem, ties):
    n_e, n_r, known, queries, scores = problem
    index = filter_index(known, n_e, n_r)
    both = reciprocal_triples(known, n_r).tolist()
    n_q = len(queries)
    # tail queries (h, r, ?) and head queries (?, r, t) = (t, r + n_r, ?)
    heads = np.concatenate([queries[:, 0], queries[:, 2]])
    rels = np.concatenate([queries[:, 1], queries[:, 1] + n_r])
    targets = np.concatenate([queries[:, 2], queries[:, 0]])
    got = filtered_ranks(scores, targets, index.mask(heads, rels), ties=ties)
    expected = brute_force_ranks(scores, targets, both, heads, rels, ties)
    np.testing.assert_allclose(got, expected)
    got_t = filtered_ranks(
        torch.as_tensor(scores),
        torch.as_tensor(targets),
        index.mask(heads, rels),
        ties=ties,
    )
    assert torch.is_tensor(got_t)
    np.testing.assert_allclose(got_t.numpy(), expected)
    assert len(got) == 2 * n_q


@SETTINGS
@given(ranking_problems())
def test_rank_properties(problem):
    n_e, n_r, known, queries, scores = problem
    n_q = len(queries)
    scores = scores[:n_q]
    targets = queries[:, 2]
    mask = filter_index(known, n_e, n_r).mask(queries[:, 0], queries[:, 1])
    raw = {
        t: filtered_ranks(scores, targets, ties=t)
        for t in ("optimistic", "realistic", "pessimistic")
    }
    filt = {t: filtered_ranks(scores, targets, mask, ties=t) for t in raw}
    assert np.all(raw["optimistic"] <= raw["realistic"])
    assert np.all(raw["realistic"] <= raw["pessimistic"])
    assert np.all(raw["optimistic"] >= 1) and np.all(raw["pessimistic"] <= n_e)
    for t in raw:  # filtering never worsens a rank
        assert np.all(filt[t] <= raw[t])
    # permuting the candidate entities leaves the ranks unchanged
    perm = np.random.default_rng(0).permutation(n_e)
    inv = np.argsort(perm)
    np.testing.assert_allclose(
        filtered_ranks(scores[:, perm], inv[targets], ties="realistic"),
        raw["realistic"],
    )


def test_closed_forms():
    scores = np.array([[0.1, 0.9, 0.5, 0.5], [1.0, 1.0, 1.0, 1.0]])
    np.testing.assert_allclose(
        filtered_ranks(scores, [2, 0], ties="optimistic"), [2, 1]
    )
    np.testing.assert_allclose(
        filtered_ranks(scores, [2, 0], ties="pessimistic"), [3, 4]
    )
    np.testing.assert_allclose(filtered_ranks(scores, [2, 0]), [2.5, 2.5])
    mask = np.array([[False, True, True, False], [False, True, False, False]])
    np.testing.assert_allclose(filtered_ranks(scores, [2, 0], mask), [1.5, 2.0])
    m = rank_metrics(np.array([1.0, 2.0, 4.0, 20.0]))
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0.25 + 0.05) / 4)
    assert m["mean_rank"] == pytest.approx(6.75)
    assert (m["hits@1"], m["hits@3"], m["hits@10"]) == (0.25, 0.5, 0.75)


def test_uniform_random_scores_give_the_chance_mrr(rng):
    """Closed form: with i.i.d. continuous scores the raw rank is uniform on 1..n."""
    n_e, n_q = 20, 40_000
    ranks = filtered_ranks(rng.random((n_q, n_e)), rng.integers(0, n_e, n_q))
    expected = np.mean(1.0 / np.arange(1, n_e + 1))
    assert rank_metrics(ranks)["mrr"] == pytest.approx(expected, abs=0.01)


def test_errors():
    with pytest.raises(ValidationError, match="ties"):
        filtered_ranks(np.zeros((1, 2)), [0], ties="average")
    with pytest.raises(ValidationError, match="targets must have values in"):
        filtered_ranks(np.zeros((1, 2)), [2])
    with pytest.raises(ValidationError, match="scores contains 1 NaN"):
        filtered_ranks(np.array([[np.nan, 0.0]]), [0])
    with pytest.raises(ValidationError, match=r"mask must have shape \(1, 2\)"):
        filtered_ranks(np.zeros((1, 2)), [0], sparse.csr_array((2, 2)))
    with pytest.raises(ValidationError, match="bool array"):
        filtered_ranks(np.zeros((1, 2)), [0], np.zeros((1, 2)))
    with pytest.raises(ValidationError, match="ranks must have values in"):
        rank_metrics(np.array([0.0]))
    with pytest.raises(ValidationError, match=r"known must have shape \(any, 3\)"):
        filter_index(np.zeros((2, 2), dtype=int), 2, 1)
    assert isinstance(filter_index(np.zeros((0, 3), dtype=int), 2, 1), FilterIndex)


def test_pykeen_parity_filtered_ranks(rng):
    """Anchor: PyKEEN 1.11's filter (create_sparse_positive_filter_, filter_scores_)
    and Ranks.from_scores give the same filtered ranks for the same score matrix."""
    require_reference("pykeen")
    from pykeen.evaluation.evaluator import (
        create_sparse_positive_filter_,
        filter_scores_,
    )
    from pykeen.evaluation.ranks import Ranks

    n_e, n_r = 12, 3
    known = np.unique(rng.integers(0, [n_e, n_r, n_e], size=(60, 3)), axis=0)
    batch = known[rng.choice(len(known), 25, replace=False)]
    scores = np.round(rng.normal(size=(len(batch), n_e)), 1)  # rounded: ties occur
    index = filter_index(known, n_e, n_r)
    for col, (heads, rels, targets) in {
        2: (batch[:, 0], batch[:, 1], batch[:, 2]),
        0: (batch[:, 2], batch[:, 1] + n_r, batch[:, 0]),
    }.items():
        ours = {
            t: filtered_ranks(scores, targets, index.mask(heads, rels), ties=t)
            for t in ("optimistic", "realistic", "pessimistic")
        }
        tb = torch.as_tensor(batch)
        flt, _ = create_sparse_positive_filter_(
            tb, torch.as_tensor(known), filter_col=col
        )
        s = torch.as_tensor(scores).clone()
        true = s[torch.arange(len(batch)), tb[:, col]].clone()
        s = filter_scores_(s, flt)
        s[torch.arange(len(batch)), tb[:, col]] = true
        ref = Ranks.from_scores(true[:, None], s)
        np.testing.assert_allclose(ours["optimistic"], ref.optimistic.numpy())
        np.testing.assert_allclose(ours["pessimistic"], ref.pessimistic.numpy())
        np.testing.assert_allclose(ours["realistic"], ref.realistic.numpy())
