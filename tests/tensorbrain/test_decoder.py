"""The semantic decoder: layer operations, memory without sensory input, training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cogattn import ValidationError
from cogattn.tensorbrain.decoder import SemanticDecoder


def _decoder(**kw):
    return SemanticDecoder(
        5, 4, 3, n_repr=8, crop=8, generator=torch.Generator().manual_seed(0), **kw
    )


def test_bottom_up_is_a_softmax_with_inverse_temperature():
    """Closed form: P(k|q) = softmax(beta (a_0k + a_k . sigmoid(q)))."""
    m = _decoder(beta=2.5)
    q = torch.randn(3, 8)
    sl = m.groups["entity"]
    n = torch.sigmoid(q) @ m.A[sl].T.detach() + m.a0[sl].detach()
    expected = torch.softmax(2.5 * n, -1)
    torch.testing.assert_close(m.bottom_up(q, "entity").exp(), expected)


def test_embodiment_hard_and_soft():
    m = _decoder(rho=0.5, phi=2.0)
    q = torch.randn(2, 8)
    logp = m.bottom_up(q, "entity")
    k = torch.tensor([1, 4])
    A = m.A[m.groups["entity"]]
    torch.testing.assert_close(
        m.embody(q, "entity", logp, k, "hard"), 0.5 * q + 2.0 * A[k]
    )
    torch.testing.assert_close(
        m.embody(q, "entity", logp, k, "soft"), 0.5 * q + 2.0 * logp.exp() @ A
    )
    assert m.embody(q, "entity", logp, k, "none") is q


def test_groups_partition_the_index_layer():
    m = _decoder()
    sizes = {k: s.stop - s.start for k, s in m.groups.items()}
    assert sizes == {
        "time": 4,
        "entity": 5,
        "predicate": 4,
        "label0": 4,
        "label1": 4,
        "label2": 2,
    }
    assert m.A.shape[0] == sum(sizes.values())


def test_memory_decoding_ignores_sensory_buffer_and_depends_on_time():
    m = _decoder()
    t = torch.tensor([0, 1, 3])
    s, o = torch.tensor([0, 1, 2]), torch.tensor([3, 4, 0])
    a = m.decode(t, subject=s, object=o)
    b = m.decode(t, subject=s, object=o)
    torch.testing.assert_close(a.subject, b.subject)
    assert a.subject.shape == (3, 5) and a.predicate.shape == (3, 4)
    assert [x.shape[1] for x in a.subject_labels] == [4, 4, 2]
    assert not torch.allclose(a.subject[0], a.subject[1])
    # sensory input changes the result
    patches = torch.rand(3, 3, 8, 8)
    c = m.decode(t, patches, patches, torch.rand(3, 4), subject=s, object=o)
    assert not torch.allclose(a.subject, c.subject)


def test_choices():
    m = _decoder(beta=50.0)
    t = torch.zeros(200, dtype=torch.long)
    out = m.decode(t, choice="map")
    torch.testing.assert_close(out.subject_choice, out.subject.argmax(-1))
    g = torch.Generator().manual_seed(1)
    m_low = _decoder(beta=0.01)
    out = m_low.decode(t, choice="sample", generator=g)
    # near-flat P(k|q): samples spread over the entities
    assert len(set(out.subject_choice.tolist())) == 5
    with pytest.raises(ValidationError, match="feedback"):
        m.decode(t, feedback="both")
    with pytest.raises(ValidationError, match="choice"):
        m.decode(t, choice="argmax")


def test_trains_to_recall_episodes():
    """Episodic memory: a few hundred steps store 3 episodes' subjects in a_t."""
    torch.manual_seed(0)
    m = _decoder()
    opt = torch.optim.Adam(m.parameters(), lr=0.02)
    t = torch.tensor([0, 1, 2])
    s, o = torch.tensor([4, 0, 2]), torch.tensor([1, 3, 0])
    p = torch.tensor([0, 3, 1])
    for _ in range(150):
        out = m.decode(t, subject=s, object=o)
        loss = sum(
            torch.nn.functional.nll_loss(x, y)
            for x, y in ((out.subject, s), (out.object, o), (out.predicate, p))
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        out = m.decode(t, choice="map")
    np.testing.assert_array_equal(out.subject_choice.numpy(), s.numpy())
    np.testing.assert_array_equal(out.object_choice.numpy(), o.numpy())
    np.testing.assert_array_equal(out.predicate.argmax(-1).numpy(), p.numpy())


@pytest.mark.gpu
def test_cuda_decoding():
    if not torch.cuda.is_available():
        pytest.skip(reason="needs a CUDA device")
    m = _decoder().cuda()
    t = torch.tensor([0, 1], device="cuda")
    g = torch.Generator(device="cuda").manual_seed(0)
    out = m.decode(
        t,
        torch.rand(2, 3, 8, 8, device="cuda"),
        torch.rand(2, 3, 8, 8, device="cuda"),
        torch.rand(2, 4, device="cuda"),
        choice="sample",
        generator=g,
    )
    assert out.subject.is_cuda and out.subject_choice.is_cuda
