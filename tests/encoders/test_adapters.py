"""Torch subject adapters with a shared decoder.

Anchors: a planted shared latent space (each subject's channels are a random
mixing of it; the targets a fixed map of it), ridge decoding from the new
subject's few samples alone as the baseline, and the frozen decoder's weights.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is needed for the adapters")

from cogattn.encoders.adapters import (  # noqa: E402
    SubjectAdapterModel,
    leave_one_subject_out,
)


def _subjects(seed, n_sub=4, n=200, k=4, d=12, noise=0.3, y_noise=0.1):
    rng = np.random.default_rng(seed)
    b = rng.standard_normal((k, d))
    xs, ys = [], []
    for i in range(n_sub):
        z = rng.standard_normal((n + 20 * i, k))  # different sample counts
        a = rng.standard_normal((k, 20 + 40 * i))  # different channel counts
        xs.append(z @ a + noise * rng.standard_normal((z.shape[0], a.shape[1])))
        ys.append(z @ b + y_noise * rng.standard_normal((z.shape[0], d)))
    return xs, ys


@pytest.fixture(autouse=True)
def _few_threads():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.mark.parametrize("seed", [0, 1])
def test_new_subject_trains_only_its_adapter(seed):
    """add_subject leaves the decoder and the other adapters unchanged and, from
    30 samples, decodes held-out data (r > 0.9) about as well as ridge fitted on
    those 30 samples (within 0.05), with 4 x n_channels instead of n_targets x
    n_channels weights."""
    from sklearn.linear_model import RidgeCV as SkRidgeCV

    xs, ys = _subjects(seed)
    model = SubjectAdapterModel(n_shared=4, n_epochs=300, random_state=seed)
    model.fit(xs[:3], ys[:3])
    before = [p.detach().clone() for p in model.decoder_.parameters()]
    adapter0 = model.adapters_[0].weight.detach().clone()
    idx = model.add_subject(xs[3][:30], ys[3][:30])
    assert idx == 3
    for p, q in zip(model.decoder_.parameters(), before, strict=True):
        assert torch.equal(p, q)
    assert torch.equal(model.adapters_[0].weight, adapter0)
    r = model.score(xs[3][30:], ys[3][30:], idx)
    base = SkRidgeCV(alphas=np.logspace(-2, 4, 13)).fit(xs[3][:30], ys[3][:30])
    pred = base.predict(xs[3][30:])
    r_base = np.array(
        [np.corrcoef(pred[:, j], ys[3][30:, j])[0, 1] for j in range(ys[3].shape[1])]
    )
    assert r.mean() > 0.9
    assert r.mean() > r_base.mean() - 0.05


def test_training_is_seeded_and_decreases_loss():
    """Same random_state, same weights; the loss falls during training."""
    xs, ys = _subjects(3)
    a = SubjectAdapterModel(n_shared=4, n_epochs=50, hidden=8, random_state=5)
    b = SubjectAdapterModel(n_shared=4, n_epochs=50, hidden=8, random_state=5)
    a.fit(xs, ys)
    b.fit(xs, ys)
    np.testing.assert_array_equal(a.predict(xs[0], 0), b.predict(xs[0], 0))
    assert a.loss_[-1] < 0.5 * a.loss_[0]
    torch.manual_seed(123)  # the global torch generator is left alone
    expected = torch.rand(3)
    torch.manual_seed(123)
    SubjectAdapterModel(n_shared=4, n_epochs=2, random_state=5).fit(xs, ys)
    assert torch.equal(torch.rand(3), expected)


def test_leave_one_subject_out():
    """Every held-out subject is decoded well from half of its samples."""
    xs, ys = _subjects(4)
    out = leave_one_subject_out(xs, ys, n_shared=4, n_epochs=200, random_state=0)
    assert out["r"].shape == (4, 12)
    assert out["mean_r"].min() > 0.85


def test_bad_input():
    """Mismatched samples, NaN channels, target widths, unfitted use, subjects."""
    xs, ys = _subjects(0, n_sub=3)
    with pytest.raises(ValueError, match=r"subjects\[1\] and targets\[1\] must have"):
        SubjectAdapterModel().fit(xs, [ys[0], ys[1][:-1], ys[2]])
    bad = [x.copy() for x in xs]
    bad[0][:, 4] = np.nan
    with pytest.raises(ValueError, match=r"subjects\[0\] has NaN"):
        SubjectAdapterModel().fit(bad, ys)
    with pytest.raises(ValueError, match="same features"):
        SubjectAdapterModel().fit(xs, [ys[0], ys[1][:, :2], ys[2]])
    with pytest.raises(ValueError, match="not fitted"):
        SubjectAdapterModel().predict(xs[0], 0)
    with pytest.raises(ValueError, match="at least 3 subjects"):
        leave_one_subject_out(xs[:2], ys[:2])


@pytest.mark.gpu
def test_cuda_matches_cpu():
    """Trained on CUDA, the adapters decode like the CPU model (same seed)."""
    if not torch.cuda.is_available():
        pytest.skip(reason="no CUDA device")
    xs, ys = _subjects(0, n_sub=3)
    cpu = SubjectAdapterModel(n_shared=4, n_epochs=100, random_state=0, device="cpu")
    gpu = SubjectAdapterModel(n_shared=4, n_epochs=100, random_state=0, device="cuda")
    cpu.fit(xs, ys)
    gpu.fit(xs, ys)
    assert next(gpu.decoder_.parameters()).device.type == "cuda"
    np.testing.assert_allclose(
        gpu.predict(xs[0], 0), cpu.predict(xs[0], 0), rtol=1e-3, atol=1e-3
    )
