"""Torch tensors stay tensors on their device through fit, predict and score."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _host_copies import refuse_host_copies  # noqa: E402

from cogattn.encoders.banded import BandedRidgeCV  # noqa: E402
from cogattn.encoders.ridge import Ridge, RidgeCV  # noqa: E402

HAS_CUDA = torch.cuda.is_available()


def _estimators():
    return [
        Ridge(alpha=1.0),
        RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3),
        BandedRidgeCV(
            groups=[3, 3], alphas=[0.1, 1.0, 10.0], n_iter=3, cv=3, random_state=0
        ),
    ]


def _data(rng, device):
    X = rng.standard_normal((N_SAMPLES, 6))
    Y = X @ rng.standard_normal((6, 4)) + 0.5 * rng.standard_normal((N_SAMPLES, 4))
    return (
        X,
        Y,
        torch.as_tensor(X, device=device),
        torch.as_tensor(Y, device=device),
    )


N_SAMPLES = 60


@pytest.mark.parametrize("est", _estimators(), ids=lambda e: type(e).__name__)
def test_no_host_copy_and_tensor_results(est, rng, monkeypatch) -> None:
    X, Y, Xt, Yt = _data(rng, "cpu")
    ref = type(est)(**est.get_params()).fit(X, Y)
    with refuse_host_copies(monkeypatch, N_SAMPLES):
        est.fit(Xt, Yt)
        pred = est.predict(Xt)
        per_target = est.score_targets(Xt, Yt)
        score = est.score(Xt, Yt)
    assert est.backend_ == "torch"
    for value in (est.coef_, est.intercept_, pred, per_target):
        assert isinstance(value, torch.Tensor) and value.device == Xt.device
    np.testing.assert_allclose(est.coef_.numpy(), ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(pred.numpy(), ref.predict(X), rtol=1e-6, atol=1e-9)
    assert score == pytest.approx(ref.score(X, Y), rel=1e-9)


@pytest.mark.parametrize("est", _estimators(), ids=lambda e: type(e).__name__)
def test_numpy_inputs_give_numpy_results(est, rng) -> None:
    X, Y, _, _ = _data(rng, "cpu")
    est.fit(X, Y)
    for value in (est.coef_, est.intercept_, est.predict(X)):
        assert isinstance(value, np.ndarray)


def test_cv_must_be_a_known_form() -> None:
    from cogattn import ValidationError

    X = np.ones((10, 2))
    with pytest.raises(
        ValidationError,
        match=r"cv must be an int >= 2, a splitter with a split method, or a list "
        r"of \(train, test\) index pairs, got str \('x'\)",
    ):
        RidgeCV(cv="x").fit(X, X[:, 0])


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
@pytest.mark.parametrize("est", _estimators(), ids=lambda e: type(e).__name__)
def test_cuda_tensors_stay_on_cuda(est, rng, monkeypatch) -> None:
    X, Y, Xt, Yt = _data(rng, "cuda")
    ref = type(est)(**est.get_params()).fit(X, Y)
    with refuse_host_copies(monkeypatch, N_SAMPLES):
        est.fit(Xt, Yt)
        pred = est.predict(Xt)
        est.score(Xt, Yt)
    assert est.backend_ == "torch_cuda"
    assert est.coef_.device.type == "cuda" and pred.device.type == "cuda"
    np.testing.assert_allclose(est.coef_.cpu().numpy(), ref.coef_, rtol=1e-5)
