"""Scoring functions against closed forms and PyKEEN's interaction functions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn import ValidationError
from cogattn.tensorbrain.scoring import MODELS, make_model
from tests._reference import require_reference

N_E, N_R, DIM = 7, 3, 4


def _model(name, reciprocal=True, seed=0):
    gen = torch.Generator().manual_seed(seed)
    m = make_model(
        name, N_E, N_R, DIM, reciprocal=reciprocal, init_scale=0.5, generator=gen
    )
    return m.double()


def _closed_form(m, name, h, r, t):
    """Score of one triple written out from the model's definition."""
    E, R = m.entity.detach(), m.relation.detach()
    if name == "distmult":
        return float(sum(E[h, i] * R[r, i] * E[t, i] for i in range(DIM)))
    if name == "rescal":
        W = R[r].view(DIM, DIM)
        return float(
            sum(E[h, i] * W[i, j] * E[t, j] for i in range(DIM) for j in range(DIM))
        )
    if name == "complex":
        eh = torch.complex(E[h, :DIM], E[h, DIM:])
        wr = torch.complex(R[r, :DIM], R[r, DIM:])
        et = torch.complex(E[t, :DIM], E[t, DIM:])
        return float(torch.sum(eh * wr * torch.conj(et)).real)
    core = m.core.detach()
    return float(
        sum(
            core[k, i, j] * E[h, i] * R[r, k] * E[t, j]
            for i in range(DIM)
            for j in range(DIM)
            for k in range(m.rel_dim)
        )
    )


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("reciprocal", [True, False])
def test_scores_match_closed_forms(name, reciprocal):
    m = _model(name, reciprocal)
    h = torch.tensor([0, 3, 6, 2])
    r = torch.tensor([0, 1, 2, 2])
    t = torch.tensor([5, 3, 1, 0])
    with torch.no_grad():
        tails = m.score_tails(h, r)
        heads = m.score_heads(r, t)
        trip = m.score_triples(h, r, t)
    assert tails.shape == heads.shape == (4, N_E)
    for b in range(4):
        hb, rb, tb = int(h[b]), int(r[b]), int(t[b])
        assert float(trip[b]) == pytest.approx(_closed_form(m, name, hb, rb, tb))
        for e in range(N_E):
            assert float(tails[b, e]) == pytest.approx(_closed_form(m, name, hb, rb, e))
            expected = (
                _closed_form(m, name, tb, rb + N_R, e)
                if reciprocal
                else _closed_form(m, name, e, rb, tb)
            )
            assert float(heads[b, e]) == pytest.approx(expected)


def test_complex_is_asymmetric_and_distmult_symmetric():
    """Closed form: DistMult scores (h, r, t) and (t, r, h) alike; ComplEx need not."""
    h, r, t = torch.tensor([1]), torch.tensor([0]), torch.tensor([4])
    for name, symmetric in (("distmult", True), ("complex", False)):
        m = _model(name, reciprocal=False)
        with torch.no_grad():
            a, b = m.score_triples(h, r, t), m.score_triples(t, r, h)
        assert bool(torch.isclose(a, b)) is symmetric


def test_factors_shapes():
    h, r, t = torch.tensor([0, 1]), torch.tensor([0, 1]), torch.tensor([2, 3])
    for name in MODELS:
        facs = _model(name).factors(h, r, t)
        assert len(facs) == 3 and all(f.shape[0] == 2 for f in facs)
    # ComplEx penalises moduli: |h|_i = sqrt(re^2 + im^2)
    m = _model("complex")
    f = m.factors(h, r, t)[0].detach()
    E = m.entity.detach()
    np.testing.assert_allclose(
        f, torch.sqrt(E[h, :DIM] ** 2 + E[h, DIM:] ** 2), rtol=1e-6
    )


def test_unknown_model():
    with pytest.raises(ValidationError, match="model"):
        make_model("transe", 2, 1, 2)


def test_pykeen_parity_interactions():
    """Anchor: PyKEEN 1.11's DistMult, ComplEx and RESCAL interaction modules give the
    same scores for the same embeddings."""
    require_reference("pykeen")
    from pykeen.nn.modules import (
        ComplExInteraction,
        DistMultInteraction,
        RESCALInteraction,
    )

    h, r, t = torch.tensor([0, 3, 6]), torch.tensor([0, 1, 2]), torch.tensor([5, 3, 1])
    for name, cls in (
        ("distmult", DistMultInteraction),
        ("complex", ComplExInteraction),
        ("rescal", RESCALInteraction),
    ):
        m = _model(name, reciprocal=False)
        E, R = m.entity.detach(), m.relation.detach()
        if name == "complex":
            to_c = lambda x: torch.complex(x[..., :DIM], x[..., DIM:])  # noqa: E731
            eh, wr, et = to_c(E[h]), to_c(R[r]), to_c(E[t])
        elif name == "rescal":
            eh, wr, et = E[h], R[r].view(-1, DIM, DIM), E[t]
        else:
            eh, wr, et = E[h], R[r], E[t]
        ref = cls()(eh, wr, et)
        with torch.no_grad():
            ours = m.score_triples(h, r, t)
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-10)
