"""Deep workspace modules: shapes, gradients, top-k writes, broadcast, determinism."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from cogattn import ValidationError  # noqa: E402
from cogattn.workspace import RIMCell, SharedWorkspace, top_k_mask  # noqa: E402


def _specialists(batch=3, n=6, d=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, n, d, generator=g, requires_grad=True)


def test_shapes_and_gradients_reach_every_parameter():
    ws = SharedWorkspace(8, n_slots=3, d_slot=5, top_k=2, device="cpu", random_state=0)
    h = _specialists()
    step = ws(h)
    assert step.specialists.shape == (3, 6, 8)
    assert step.memory.shape == (3, 3, 5)
    assert step.write_attention.shape == (3, 3, 6)
    assert step.read_attention.shape == (3, 6, 3)
    (step.specialists.square().sum() + step.memory.sum()).backward()
    for name, p in ws.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("k", [1, 2, 5])
def test_top_k_write_limits_writers_to_k(k):
    """Only k specialists carry attention mass; the others get exactly zero gradient."""
    ws = SharedWorkspace(8, n_slots=4, d_slot=6, top_k=k, random_state=1)
    h = _specialists(batch=4, n=7)
    step = ws(h)
    assert (step.writers.sum(dim=1) == k).all()
    mass = step.write_attention.sum(dim=1)  # (B, N): total weight over slots
    assert (mass[~step.writers] == 0).all()
    assert (mass[step.writers] > 0).all()
    torch.testing.assert_close(
        step.write_attention.sum(-1), torch.ones(4, 4), rtol=0, atol=1e-6
    )
    step.memory.sum().backward()  # the write path only
    grad_norm = h.grad.abs().sum(-1)
    assert (grad_norm[~step.writers] == 0).all()
    assert (grad_norm[step.writers] > 0).all()


def test_writers_are_the_best_bidders():
    """Brute force: the writers are the k specialists with the largest best logit."""
    ws = SharedWorkspace(8, n_slots=3, d_slot=4, top_k=3, d_attention=5, random_state=2)
    h = _specialists(batch=2, n=6).detach()
    step = ws(h)
    m = ws.initial_memory.detach()
    q = m @ ws.w_q.weight.detach().T
    k = h @ ws.w_k.weight.detach().T
    bids = (np.einsum("sa,bna->bsn", q.numpy(), k.numpy()) / np.sqrt(5)).max(1)
    expected = np.argsort(-bids, axis=1)[:, :3]
    for b in range(2):
        assert set(np.flatnonzero(step.writers[b].numpy())) == set(expected[b])


def test_broadcast_reaches_every_specialist():
    """Changing one writer changes every specialist's state after the broadcast."""
    ws = SharedWorkspace(8, n_slots=2, d_slot=6, top_k=1, random_state=3)
    h = _specialists(batch=1, n=5).detach()
    step = ws(h)
    winner = int(step.writers[0].nonzero()[0])
    h2 = h.clone()
    h2[0, winner] += 0.5
    step2 = ws(h2)
    delta = (step2.specialists - step.specialists - (h2 - h)).abs().sum(-1)[0]
    assert (delta > 1e-6).all()  # every specialist read the changed slots
    assert (step.read_attention.sum(-1) - 1).abs().max() < 1e-6


def test_same_seed_same_module():
    a = SharedWorkspace(8, random_state=5)
    b = SharedWorkspace(8, random_state=5)
    c = SharedWorkspace(8, random_state=6)
    h = _specialists().detach()
    torch.testing.assert_close(a(h).specialists, b(h).specialists, rtol=0, atol=0)
    assert not torch.equal(a(h).specialists, c(h).specialists)


def test_workspace_errors():
    with pytest.raises(ValidationError, match="n_slots must be an integer in \\[1"):
        SharedWorkspace(8, n_slots=0)
    ws = SharedWorkspace(8, top_k=7)
    with pytest.raises(ValidationError, match="top_k = 7 is larger than the number"):
        ws(_specialists(n=6))
    with pytest.raises(ValidationError, match="size 8 on the last axis"):
        SharedWorkspace(8)(_specialists(d=5))
    with pytest.raises(ValidationError, match="memory must have shape"):
        SharedWorkspace(8)(_specialists(), torch.zeros(3, 2, 2))
    with pytest.raises(ValidationError, match="k must be an integer in \\[1, 3\\]"):
        top_k_mask(torch.zeros(3), 4)


def test_rim_cell_updates_only_top_k_modules():
    cell = RIMCell(5, n_modules=6, d_hidden=7, top_k=2, random_state=0)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 5, generator=g)
    h0 = torch.randn(4, 6, 7, generator=g, requires_grad=True)
    h1, active = cell(x, h0)
    assert h1.shape == (4, 6, 7) and (active.sum(1) == 2).all()
    torch.testing.assert_close(h1[~active], h0[~active], rtol=0, atol=0)
    assert (h1[active] != h0[active]).any(dim=-1).all()
    # inactive modules pass their state through unchanged: identity gradient
    (h1 * torch.randn(h1.shape, generator=g)).sum().backward()
    assert cell.w_in.grad is not None and cell.w_in.grad.abs().sum() > 0
    # gradient reaches only the weights of modules that were active somewhere
    used = active.any(0)
    per_module = cell.w_in.grad.abs().sum((1, 2))
    assert (per_module[~used] == 0).all() and (per_module[used] > 0).all()


def test_rim_cell_errors_and_determinism():
    with pytest.raises(ValidationError, match="top_k = 7 is larger than n_modules"):
        RIMCell(5, n_modules=6, top_k=7)
    cell = RIMCell(5, random_state=1)
    with pytest.raises(ValidationError, match=r"shape \(batch, 5\)"):
        cell(torch.zeros(2, 4))
    x = torch.ones(2, 5)
    a, _ = RIMCell(5, random_state=1)(x)
    b, _ = RIMCell(5, random_state=1)(x)
    torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.gpu
def test_cuda_runs():
    if not torch.cuda.is_available():
        pytest.skip(reason="needs a CUDA device")
    ws = SharedWorkspace(8, device="cuda", random_state=0)
    step = ws(_specialists().detach().cuda())
    assert step.memory.is_cuda


def test_conscious_selection_takes_k_elements_and_their_gradient_only():
    from cogattn.workspace import ConsciousnessBottleneck

    cp = ConsciousnessBottleneck(7, 4, top_k=3, random_state=0)
    g = torch.Generator().manual_seed(1)
    h = torch.randn(5, 7, 4, generator=g, requires_grad=True)
    step = cp(h)
    assert step.conscious.shape == (5, 3, 4) and step.indices.shape == (5, 3)
    # brute force: the indices are the 3 best scores
    best = np.argsort(-step.scores.detach().numpy(), axis=1)[:, :3]
    np.testing.assert_array_equal(np.sort(best, 1), np.sort(step.indices.numpy(), 1))
    # equal weights are 1: a conscious element is its element times k * softmax
    w = torch.softmax(torch.gather(step.scores, 1, step.indices), dim=1) * 3
    elems = h[torch.arange(5)[:, None], step.indices]
    torch.testing.assert_close(step.conscious, elems * w[..., None])
    step.conscious.sum().backward()
    chosen = torch.zeros(5, 7, dtype=torch.bool)
    chosen[torch.arange(5)[:, None], step.indices] = True
    assert (h.grad.abs().sum(-1)[~chosen] == 0).all()


@pytest.mark.slow
def test_verifier_learns_a_predictable_sequence():
    """Trainable loss: the verifier's error falls when the present follows the past."""
    from cogattn.workspace import ConsciousnessBottleneck

    torch.manual_seed(0)
    cp = ConsciousnessBottleneck(6, 3, top_k=2, d_hidden=32, random_state=0)
    g = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(cp.parameters(), lr=2e-2)

    def batch():
        h0 = torch.randn(16, 6, 3, generator=g)
        return h0, torch.roll(h0, 1, dims=1) * 0.9  # the present is the past, shifted

    def loss_of(h0, h1):
        prev = cp(h0)
        return cp.verifier_loss(h1, cp(h1, prev), prev)

    with torch.no_grad():
        before = float(np.mean([float(loss_of(*batch())) for _ in range(4)]))
    for _ in range(60):
        opt.zero_grad()
        loss = loss_of(*batch())
        loss.backward()
        opt.step()
    with torch.no_grad():
        after = float(np.mean([float(loss_of(*batch())) for _ in range(4)]))
    assert after < 0.6 * before


def test_bottleneck_errors_and_noise_determinism():
    from cogattn.workspace import ConsciousnessBottleneck

    with pytest.raises(ValidationError, match="top_k = 5 is larger than n_elements"):
        ConsciousnessBottleneck(4, 3, top_k=5)
    cp = ConsciousnessBottleneck(4, 3, top_k=2, noise=1.0, random_state=3)
    with pytest.raises(ValidationError, match=r"shape \(batch, 4, 3\), got"):
        cp(torch.zeros(2, 5, 3))
    h = torch.randn(8, 4, 3, generator=torch.Generator().manual_seed(0))
    a = ConsciousnessBottleneck(4, 3, top_k=2, noise=1.0, random_state=3)(h).indices
    b = ConsciousnessBottleneck(4, 3, top_k=2, noise=1.0, random_state=3)(h).indices
    torch.testing.assert_close(a, b)


def _paired(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(n, 5, generator=g)
    mix = torch.randn(5, 3, generator=torch.Generator().manual_seed(99))
    return {"vision": a, "attr": torch.tanh(a @ mix)}


def test_multimodal_shapes_weights_and_losses():
    from cogattn.workspace import MultimodalWorkspace

    for selection in ("attention", "uniform", "random"):
        gw = MultimodalWorkspace({"vision": 5, "attr": 3}, d_workspace=4,
                                 selection=selection, random_state=0)  # fmt: skip
        x = _paired(8)
        codes = gw.encode(x)
        w = gw.selection_weights(codes)
        torch.testing.assert_close(w["vision"] + w["attr"], torch.ones(8))
        assert gw(x).shape == (8, 4)
        single = gw.selection_weights({"attr": codes["attr"]})["attr"]
        torch.testing.assert_close(single, torch.ones(8))
        out = gw.decode(gw(x))
        assert out["vision"].shape == (8, 5) and out["attr"].shape == (8, 3)
    # the contrastive loss is the symmetric cross-entropy of the cosine logits
    gw = MultimodalWorkspace({"vision": 5, "attr": 3}, d_workspace=4, random_state=0)
    x = _paired(8)
    c = gw.encode(x)
    za = torch.nn.functional.normalize(c["vision"], dim=1)
    zb = torch.nn.functional.normalize(c["attr"], dim=1)
    logits = za @ zb.T / 0.1
    p_ab = torch.log_softmax(logits, dim=1).diagonal().mean()
    p_ba = torch.log_softmax(logits.T, dim=1).diagonal().mean()
    ref = -0.5 * (p_ab + p_ba)
    torch.testing.assert_close(gw.contrastive_loss(x, temperature=0.1), ref)


@pytest.mark.slow
def test_multimodal_training_lowers_translation_and_cycle_losses():
    from cogattn.workspace import MultimodalWorkspace

    torch.manual_seed(0)
    gw = MultimodalWorkspace({"vision": 5, "attr": 3}, d_workspace=6, d_hidden=32,
                             random_state=0)  # fmt: skip
    opt = torch.optim.Adam(gw.parameters(), lr=1e-2)
    test = _paired(256, seed=1)

    def total(x):
        return (gw.translation_loss(x) + gw.demi_cycle_loss(x) + gw.cycle_loss(x)
                + 0.1 * gw.contrastive_loss(x) + gw.broadcast_loss(x))  # fmt: skip

    with torch.no_grad():
        before = float(gw.translation_loss(test)), float(gw.cycle_loss(test))
    for i in range(100):
        opt.zero_grad()
        total(_paired(32, seed=10 + i)).backward()
        opt.step()
    with torch.no_grad():
        after = float(gw.translation_loss(test)), float(gw.cycle_loss(test))
    # attr -> vision is not invertible (3 of 5 dimensions): part of the error stays
    assert after[0] < 0.5 * before[0] and after[1] < 0.5 * before[1]


def test_multimodal_errors():
    from cogattn.workspace import MultimodalWorkspace

    with pytest.raises(ValidationError, match="non-empty mapping"):
        MultimodalWorkspace({})
    with pytest.raises(ValidationError, match="invalid value for selection"):
        MultimodalWorkspace({"a": 2}, selection="best")
    gw = MultimodalWorkspace({"a": 2, "b": 3}, random_state=0)
    with pytest.raises(ValidationError, match="unknown domain 'c'"):
        gw.encode({"c": torch.zeros(2, 2)})
    with pytest.raises(ValidationError, match=r"shape \(batch, 3\), got \(2, 2\)"):
        gw.encode({"b": torch.zeros(2, 2)})
    with pytest.raises(ValidationError, match="different batch sizes"):
        gw.encode({"a": torch.zeros(2, 2), "b": torch.zeros(3, 3)})
    with pytest.raises(ValidationError, match="needs two paired domains"):
        gw.translation_loss({"a": torch.zeros(2, 2)})
