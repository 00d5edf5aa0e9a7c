"""TRF and lagged products keep torch tensors on their device and match numpy."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from _host_copies import refuse_host_copies  # noqa: E402

from cogattn.encoders import trf as trf_module  # noqa: E402
from cogattn.encoders.lags import (  # noqa: E402
    EDGE_MODES,
    lagged_cross,
    lagged_design,
    lagged_gram,
)
from cogattn.encoders.trf import TRF  # noqa: E402

HAS_CUDA = torch.cuda.is_available()
N_SAMPLES = 200  # the shortest trial; host copies of this many values are refused
SFREQ = 100.0
# lag windows in seconds: around zero, past only, future only (all negative lags)
WINDOWS = [(-0.05, 0.08), (0.02, 0.1), (-0.1, -0.03)]
LAG_SETS = [
    np.arange(-3, 5),
    np.arange(2, 7),
    np.arange(-8, -2),
    np.array([-4, -1, 0, 3, 7]),
    np.array([0]),
]
# torch and numpy sum the same products in a different order (float64)
RTOL, ATOL = 1e-9, 1e-11


@pytest.fixture(
    autouse=True, params=[True, False], ids=["host-kernels", "torch-algebra"]
)
def _cpu_route(request, monkeypatch) -> None:
    """CPU tensors: fitted by the numpy kernels, or by the device algebra on the CPU.

    The second route is what a GPU runs; forcing it here tests that code on machines
    without one.
    """
    monkeypatch.setattr(trf_module, "HOST_KERNELS", request.param)


def _trials(rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Four trials of different lengths, 2 stimulus features, 3 channels."""
    stim = [rng.standard_normal((N_SAMPLES + 23 * k, 2)) + 0.3 for k in range(4)]
    kernel = rng.standard_normal((2, 3))
    resp = [
        np.roll(s, 2, axis=0) @ kernel + rng.standard_normal((s.shape[0], 3)) + 1.0
        for s in stim
    ]
    return stim, resp


def _tensors(arrays: list[np.ndarray], device: str = "cpu") -> list:
    return [torch.as_tensor(a, device=device) for a in arrays]


def _np(x) -> np.ndarray:
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _assert_close(actual, expected) -> None:
    np.testing.assert_allclose(_np(actual), _np(expected), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("edges", EDGE_MODES)
@pytest.mark.parametrize("lags", LAG_SETS, ids=lambda a: f"{a[0]}..{a[-1]}")
def test_lagged_products_of_tensors_equal_numpy(rng, lags, edges) -> None:
    x = rng.standard_normal((40, 3))
    y = rng.standard_normal((40, 2))
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    design = lagged_design(xt, lags, edges)
    assert isinstance(design, torch.Tensor)
    np.testing.assert_array_equal(design.numpy(), lagged_design(x, lags, edges))
    gram = lagged_gram(xt, lags, edges)
    cross = lagged_cross(xt, yt, lags, edges)
    assert isinstance(gram, torch.Tensor) and isinstance(cross, torch.Tensor)
    _assert_close(gram, lagged_gram(x, lags, edges))
    _assert_close(cross, lagged_cross(x, y, lags, edges))
    d = design.numpy()
    np.testing.assert_allclose(gram.numpy(), d.T @ d, rtol=RTOL, atol=1e-10)


def test_lagged_products_of_float32_tensors_are_float64(rng) -> None:
    x = rng.standard_normal((50, 2)).astype(np.float32)
    lags = np.arange(-2, 4)
    gram = lagged_gram(torch.as_tensor(x), lags)
    cross = lagged_cross(torch.as_tensor(x), torch.as_tensor(x), lags)
    assert gram.dtype == cross.dtype == torch.float64
    _assert_close(gram, lagged_gram(x, lags))


@pytest.mark.parametrize("window", WINDOWS, ids=str)
@pytest.mark.parametrize("edges", EDGE_MODES)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_torch_cpu_equals_numpy(rng, direction, edges, window) -> None:
    stim, resp = _trials(rng)
    kw = dict(
        tmin=window[0],
        tmax=window[1],
        sfreq=SFREQ,
        alpha=[0.1, 10.0, 1000.0],
        cv=2,
        direction=direction,
        edges=edges,
    )
    ref = TRF(**kw).fit(stim, resp)
    model = TRF(**kw).fit(_tensors(stim), _tensors(resp))
    for name in ("coef_", "intercept_", "cv_scores_"):
        assert isinstance(getattr(model, name), torch.Tensor), name
        _assert_close(getattr(model, name), getattr(ref, name))
    assert model.best_alpha_ == ref.best_alpha_
    if direction == "backward":
        assert isinstance(model.patterns_, torch.Tensor)
        _assert_close(model.patterns_, ref.patterns_)
    x = stim if direction == "forward" else resp
    for p_t, p_np in zip(model.predict(_tensors(x)), ref.predict(x), strict=True):
        assert isinstance(p_t, torch.Tensor)
        _assert_close(p_t, p_np)
    score = model.score(_tensors(stim), _tensors(resp))
    assert isinstance(score, torch.Tensor)
    _assert_close(score, ref.score(stim, resp))


@pytest.mark.parametrize(
    ("centering", "fit_intercept"),
    [("signal", True), ("columns", True), ("signal", False)],
)
def test_torch_centering_and_alpha_per_target_equal_numpy(
    rng, centering, fit_intercept
) -> None:
    stim, resp = _trials(rng)
    kw = dict(
        tmin=-0.04,
        tmax=0.06,
        sfreq=SFREQ,
        alpha=[0.1, 10.0, 1000.0],
        cv=2,
        centering=centering,
        fit_intercept=fit_intercept,
        alpha_per_target=True,
    )
    ref = TRF(**kw).fit(stim, resp)
    model = TRF(**kw, backend="torch").fit(stim, resp)  # numpy in, torch backend
    assert isinstance(model.coef_, torch.Tensor)
    np.testing.assert_array_equal(model.best_alpha_, ref.best_alpha_)
    for name in ("coef_", "intercept_", "cv_scores_"):
        _assert_close(getattr(model, name), getattr(ref, name))


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_no_host_copy_and_tensor_results(rng, monkeypatch, direction) -> None:
    stim, resp = _trials(rng)
    st, rt = _tensors(stim), _tensors(resp)
    x = st if direction == "forward" else rt
    model = TRF(-0.05, 0.08, SFREQ, alpha=[1.0, 100.0], cv=2, direction=direction)
    with refuse_host_copies(monkeypatch, N_SAMPLES):
        model.fit(st, rt)
        pred = model.predict(x)
        score = model.score(st, rt)
    fitted = [model.coef_, model.intercept_, model.cv_scores_, score, *pred]
    if direction == "backward":
        fitted.append(model.patterns_)
    for value in fitted:
        assert isinstance(value, torch.Tensor) and value.device == st[0].device
        assert value.dtype == torch.float64


def test_one_tensor_trial_and_3d_tensor(rng) -> None:
    stim, resp = _trials(rng)
    n = N_SAMPLES
    s3 = torch.as_tensor(np.stack([s[:n] for s in stim]))
    r3 = torch.as_tensor(np.stack([r[:n] for r in resp]))
    model = TRF(0.0, 0.05, SFREQ, alpha=1.0).fit(s3, r3)
    ref = TRF(0.0, 0.05, SFREQ, alpha=1.0).fit(s3.numpy(), r3.numpy())
    _assert_close(model.coef_, ref.coef_)
    one = TRF(0.0, 0.05, SFREQ, alpha=1.0).fit(s3[0, :, 0], r3[0])  # 1-D stimulus
    assert isinstance(one.coef_, torch.Tensor) and one.coef_.shape == (3, 1, 6)


def test_results_follow_the_inputs_of_each_call(rng) -> None:
    stim, resp = _trials(rng)
    on_torch = TRF(0.0, 0.05, SFREQ).fit(_tensors(stim), _tensors(resp))
    on_numpy = TRF(0.0, 0.05, SFREQ).fit(stim, resp)
    assert isinstance(on_numpy.coef_, np.ndarray)
    assert isinstance(on_numpy.intercept_, np.ndarray)
    # numpy in -> numpy out, tensors in -> tensors out, whatever the model was fitted on
    pred_np = on_torch.predict(stim)
    assert isinstance(pred_np[0], np.ndarray)
    assert isinstance(on_torch.score(stim, resp), np.ndarray)
    pred_t = on_numpy.predict(_tensors(stim))
    assert isinstance(pred_t[0], torch.Tensor)
    _assert_close(pred_t[0], pred_np[0])


def test_float32_tensors_are_fitted_in_float64(rng) -> None:
    stim, resp = _trials(rng)
    s32 = [torch.as_tensor(s, dtype=torch.float32) for s in stim]
    r32 = [torch.as_tensor(r, dtype=torch.float32) for r in resp]
    model = TRF(0.0, 0.05, SFREQ).fit(s32, r32)
    ref = TRF(0.0, 0.05, SFREQ).fit(
        [s.numpy().astype(np.float64) for s in s32],
        [r.numpy().astype(np.float64) for r in r32],
    )
    assert model.coef_.dtype == torch.float64
    _assert_close(model.coef_, ref.coef_)


def test_to_evoked_from_tensor_fit(rng) -> None:
    mne = pytest.importorskip("mne")
    stim, resp = _trials(rng)
    model = TRF(0.0, 0.05, SFREQ).fit(_tensors(stim), _tensors(resp))
    info = mne.create_info(["C3", "Cz", "C4"], SFREQ, "eeg")
    evoked = model.to_evoked(1, info=info)
    np.testing.assert_array_equal(evoked.data, model.coef_[:, 1, :].numpy())


@pytest.mark.gpu
@pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA device")
@pytest.mark.parametrize("edges", EDGE_MODES)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_cuda_tensors_stay_on_cuda(rng, monkeypatch, direction, edges) -> None:
    stim, resp = _trials(rng)
    st, rt = _tensors(stim, "cuda"), _tensors(resp, "cuda")
    x = st if direction == "forward" else rt
    kw = dict(
        tmin=-0.05,
        tmax=0.08,
        sfreq=SFREQ,
        alpha=[1.0, 100.0],
        cv=2,
        direction=direction,
        edges=edges,
    )
    ref = TRF(**kw).fit(stim, resp)
    model = TRF(**kw)
    with refuse_host_copies(monkeypatch, N_SAMPLES):
        model.fit(st, rt)
        pred = model.predict(x)
        score = model.score(st, rt)
    for value in (model.coef_, model.intercept_, model.cv_scores_, score, *pred):
        assert isinstance(value, torch.Tensor) and value.device.type == "cuda"
    np.testing.assert_allclose(_np(model.coef_), ref.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(_np(score), ref.score(stim, resp), rtol=1e-7, atol=1e-9)
