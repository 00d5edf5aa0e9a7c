"""TRF estimator and lag helpers, against MNE, mTRF and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import require_reference
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn.encoders import _lags_fft
from cogattn.encoders.lags import (
    lag_samples,
    lagged_cross,
    lagged_design,
    lagged_gram,
    row_range,
)
from cogattn.encoders.stats import pearsonr
from cogattn.encoders.trf import TRF

# ----------------------------------------------------------------------------- lags


def test_lag_samples_matches_mne_convention():
    # MNE ReceptiveField: arange(round(tmin * sfreq), round(tmax * sfreq) + 1)
    from mne.decoding.receptive_field import _times_to_delays

    for tmin, tmax, sfreq in [(0, 0.5, 128), (-0.1, 0.4, 100), (-0.2, -0.05, 600.6)]:
        np.testing.assert_array_equal(
            lag_samples(tmin, tmax, sfreq), _times_to_delays(tmin, tmax, sfreq)
        )


def test_lagged_design_matches_mne_delay_time_series(rng):
    # reference: MNE's _delay_time_series + _reshape_for_est (feature-major columns)
    from mne.decoding.receptive_field import _delay_time_series, _reshape_for_est

    x = rng.standard_normal((40, 3))
    for tmin, tmax in [(0, 5), (-3, 4), (-6, -2)]:
        ref = _reshape_for_est(_delay_time_series(x[:, None], tmin, tmax, 1.0))
        np.testing.assert_array_equal(
            lagged_design(x, lag_samples(tmin, tmax, 1.0)), ref
        )


@settings(max_examples=30, deadline=None)
@given(
    n_times=st.integers(20, 60),
    n_feat=st.integers(1, 6),
    lo=st.integers(-6, 6),
    width=st.integers(0, 6),
    edges=st.sampled_from(["zero", "drop"]),
    seed=st.integers(0, 2**16),
    fft_route=st.booleans(),  # short FFT blocks or the lagged-design product
)
def test_gram_and_cross_equal_materialised_design(
    n_times, n_feat, lo, width, edges, seed, fft_route
):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_lags_fft, "fft_is_cheaper", lambda *args: fft_route)
        _check_gram_and_cross(n_times, n_feat, lo, width, edges, seed)


def _check_gram_and_cross(n_times, n_feat, lo, width, edges, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_times, n_feat))
    y = rng.standard_normal((n_times, 2))
    lags = np.arange(lo, lo + width + 1)
    design = lagged_design(x, lags, edges)
    t0, t1 = row_range(n_times, lags, edges)
    np.testing.assert_allclose(
        lagged_gram(x, lags, edges), design.T @ design, atol=1e-10
    )
    np.testing.assert_allclose(
        lagged_cross(x, y, lags, edges), design.T @ y[t0:t1], atol=1e-10
    )


@settings(max_examples=40, deadline=None)
@given(
    n_times=st.integers(1, 300),
    n_in=st.integers(1, 3),
    n_out=st.integers(1, 3),
    first_lag=st.integers(-320, 320),
    n_lags=st.integers(1, 90),
    seed=st.integers(0, 2**16),
)
def test_blocked_cross_correlation_equals_numpy_correlate(
    n_times, n_in, n_out, first_lag, n_lags, seed
):
    # reference: numpy.correlate of the zero-padded signals (full mode), per pair
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_times, n_in))
    y = rng.standard_normal((n_times, n_out))
    got = _lags_fft.blocked_cross_correlation(x, y, first_lag, n_lags)
    assert got.shape == (n_in, n_lags, n_out)
    lags = first_lag + np.arange(n_lags)
    for i in range(n_in):
        for j in range(n_out):
            # full[k] = sum_s y[s + k - (n - 1)] x[s]: lag k - (n - 1)
            full = np.correlate(y[:, j], x[:, i], mode="full")
            idx = lags + n_times - 1
            ok = (idx >= 0) & (idx < full.size)
            want = np.where(ok, full[np.clip(idx, 0, full.size - 1)], 0.0)
            np.testing.assert_allclose(got[i, :, j], want, atol=1e-10)


# ------------------------------------------------------------------- references


@pytest.mark.parametrize("n_trials", [1, 3])
@pytest.mark.parametrize("window", [(0.0, 0.1), (-0.05, 0.08), (-0.1, -0.03)])
def test_coef_equal_mne_time_delaying_ridge(rng, n_trials, window):
    # reference: mne.decoding.TimeDelayingRidge at the same alpha (unnormalised X'X)
    from mne.decoding import TimeDelayingRidge

    tmin, tmax = window
    x = rng.standard_normal((n_trials, 300, 3)) + 0.5
    y = rng.standard_normal((n_trials, 300, 2)) + 2.0
    tdr = TimeDelayingRidge(tmin, tmax, 100.0, alpha=7.0, fit_intercept=True)
    if n_trials == 1:
        tdr.fit(x[0], y[0])
    else:
        tdr.fit(x.transpose(1, 0, 2), y.transpose(1, 0, 2))
    model = TRF(tmin, tmax, 100.0, alpha=7.0).fit(list(x), list(y))
    scale = np.abs(tdr.coef_).max()
    np.testing.assert_allclose(model.coef_, tdr.coef_, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(model.intercept_, tdr.intercept_, atol=1e-8)
    np.testing.assert_allclose(model.predict([x[0]])[0], tdr.predict(x[0]), atol=1e-8)


def test_coef_equal_mne_receptive_field(rng):
    # reference: mne.decoding.ReceptiveField(estimator=alpha), epochs = trials
    from mne.decoding import ReceptiveField

    x = rng.standard_normal((4, 250, 2))
    y = rng.standard_normal((4, 250, 3))
    rf = ReceptiveField(-0.02, 0.1, 100.0, estimator=30.0)
    rf.fit(x.transpose(1, 0, 2), y.transpose(1, 0, 2))
    model = TRF(-0.02, 0.1, 100.0, alpha=30.0).fit(list(x), list(y))
    np.testing.assert_allclose(
        model.coef_, rf.coef_, atol=1e-6 * np.abs(rf.coef_).max()
    )
    np.testing.assert_allclose(model.times_, rf.delays_ / 100.0)
    np.testing.assert_array_equal(model.delays_, rf.delays_)


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("n_trials", [1, 3])
def test_coef_equal_mtrf(rng, direction, n_trials):
    # reference: mtrf.model.TRF.train; its lambda is averaged over trials and scaled
    # by fs, and its weights are ours times fs (see the trf module notes)
    MTRF = require_reference("mtrf.model").TRF

    fs, lam = 100, 0.3
    stim = [rng.standard_normal((300, 2)) + 0.3 for _ in range(n_trials)]
    resp = [rng.standard_normal((300, 3)) + 1.0 for _ in range(n_trials)]
    ref = MTRF(direction=1 if direction == "forward" else -1)
    one = n_trials == 1
    ref.train(stim[0] if one else stim, resp[0] if one else resp, fs, 0.0, 0.1, lam)
    model = TRF(
        0.0, 0.1, fs, alpha=lam * n_trials * fs, direction=direction,
        centering="columns",
    ).fit(stim, resp)  # fmt: skip
    w = ref.weights.transpose(2, 0, 1) / fs
    np.testing.assert_allclose(model.coef_, w, atol=1e-8 * np.abs(w).max())
    np.testing.assert_allclose(model.intercept_, ref.bias.ravel() / fs, atol=1e-10)
    np.testing.assert_allclose(model.times_, ref.times)


def test_drop_edges_equal_least_squares_on_kept_rows(trf_data):
    # reference: numpy ridge on the materialised design restricted to valid rows
    stim, resp, _ = trf_data
    lags = lag_samples(-0.02, 0.1, 100.0)
    model = TRF(-0.02, 0.1, 100.0, alpha=3.0, edges="drop", centering="columns")
    model.fit(stim, resp)
    design = np.concatenate([lagged_design(s, lags, "drop") for s in stim])
    t0, t1 = row_range(stim[0].shape[0], lags, "drop")
    y = np.concatenate([r[t0:t1] for r in resp])
    dc, yc = design - design.mean(0), y - y.mean(0)
    w = np.linalg.solve(dc.T @ dc + 3.0 * np.eye(dc.shape[1]), dc.T @ yc)
    coef = w.reshape(2, lags.size, 3).transpose(2, 0, 1)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-10)
    assert model.predict(stim)[0].shape == (t1 - t0, 3)


def test_forward_model_recovers_known_kernel(simulate, rng):
    stim, resp, kernel = simulate(rng, n_trials=6, n_times=2000, noise=0.3, cutoff=45)
    model = TRF(0.0, 0.1, 100.0, alpha=1e-3).fit(stim, resp)
    rel = np.abs(model.coef_ - kernel).max() / np.abs(kernel).max()
    assert rel < 0.05
    assert np.all(model.score(stim, resp) > 0.9)


def test_backward_patterns_closed_form(trf_data):
    # Haufe et al. (2014): A = cov(X) W cov(X W)^-1 on the centred lagged EEG
    stim, resp, _ = trf_data
    model = TRF(
        0.0, 0.1, 100.0, alpha=10.0, direction="backward", centering="columns"
    ).fit(stim, resp)
    lags = model.delays_
    design = np.concatenate([lagged_design(r, lags) for r in resp])
    w = model.coef_.transpose(1, 2, 0).reshape(-1, 2)
    cov_x = np.cov(design, rowvar=False)
    pat = cov_x @ w @ np.linalg.inv(np.cov(design @ w, rowvar=False))
    expect = pat.reshape(3, lags.size, 2).transpose(2, 0, 1)
    np.testing.assert_allclose(
        model.patterns_, expect, atol=1e-8 * np.abs(expect).max()
    )
    np.testing.assert_array_equal(lags, -np.arange(10, -1, -1))


# k-fold (statistics summed per fold), shuffled k-fold, folds that hold a trial out
# twice, and folds that train on fewer trials than they do not test
CV_FORMS = {
    "kfold": [([2, 3], [0, 1]), ([0, 1], [2, 3])],
    "shuffled": [([0, 2], [3, 1]), ([1, 3], [2, 0])],
    "overlapping": [([2, 3], [0, 1]), ([1, 3], [0, 2]), ([0, 1], [2, 3])],
    "forward_chaining": [([0], [1]), ([0, 1], [2]), ([1, 2], [3]), ([0, 1, 2, 3], [3])],
}


@pytest.mark.parametrize("form", sorted(CV_FORMS))
def test_cv_scores_equal_brute_force(trf_data, form):
    # held-out r from sufficient statistics == predicting the held-out trials of
    # a model fitted on the fold's training trials
    stim, resp, _ = trf_data
    folds = CV_FORMS[form]
    cv = 2 if form == "kfold" else folds
    alphas = [0.1, 10.0, 1e4]
    model = TRF(-0.02, 0.1, 100.0, alpha=alphas, cv=cv).fit(stim, resp)
    expect = np.zeros((3, 3))
    for train, test in folds:
        for i, a in enumerate(alphas):
            m = TRF(-0.02, 0.1, 100.0, alpha=a).fit(
                [stim[k] for k in train], [resp[k] for k in train]
            )
            pred = np.concatenate(m.predict([stim[k] for k in test]))
            r = pearsonr(np.concatenate([resp[k] for k in test]), pred)
            expect[i] += r / len(folds)
    np.testing.assert_allclose(model.cv_scores_, expect, atol=1e-9)
    assert model.best_alpha_ == alphas[int(np.argmax(expect.mean(1)))]


def test_fits_reusing_host_buffers_equal_fits_on_fresh_arrays(rng, monkeypatch):
    # the dense matrices of a host fit live in per-thread scratch buffers that the
    # next fit reuses (a smaller one reads a prefix view of them): results must not
    # depend on what an earlier fit of another shape left there
    from cogattn.encoders import _trf_buffers

    def data(n_feat: int, n_times: int) -> tuple[list, list]:
        x = [rng.standard_normal((n_times, n_feat)) for _ in range(4)]
        y = [rng.standard_normal((n_times, 3)) + 0.5 * xi[:, :1] for xi in x]
        return x, y

    # 8 x 70 augmented coefficients: block sums and Cholesky solves, as on real data
    big, small = data(7, 600), data(2, 300)

    def fit(d: tuple[list, list], tmax: float) -> TRF:
        return TRF(-0.1, tmax, 100.0, alpha=[1.0, 1e2, 1e4], cv=2).fit(*d)

    first = fit(big, 0.59)
    fit(small, 0.2)  # a smaller fit overwrites the front of every buffer
    again = fit(big, 0.59)
    monkeypatch.setattr(
        _trf_buffers, "scratch", lambda name, shape, dtype=np.float64: np.empty(shape)
    )
    fresh = fit(big, 0.59)
    for model in (first, again):
        np.testing.assert_array_equal(model.coef_, fresh.coef_)
        np.testing.assert_array_equal(model.cv_scores_, fresh.cv_scores_)


def test_alpha_per_target_picks_each_output(trf_data):
    stim, resp, _ = trf_data
    alphas = np.array([0.1, 10.0, 1e5])
    model = TRF(0.0, 0.1, 100.0, alpha=alphas, cv=2, alpha_per_target=True)
    model.fit(stim, resp)
    np.testing.assert_array_equal(
        model.best_alpha_, alphas[np.argmax(model.cv_scores_, axis=0)]
    )
    for o, a in enumerate(model.best_alpha_):
        single = TRF(0.0, 0.1, 100.0, alpha=a).fit(stim, [r[:, [o]] for r in resp])
        np.testing.assert_allclose(model.coef_[o], single.coef_[0], atol=1e-10)


def test_numpy_and_torch_agree(trf_data):
    import torch

    stim, resp, _ = trf_data
    kw = dict(tmin=-0.02, tmax=0.1, sfreq=100.0, alpha=[1.0, 100.0], cv=2)
    m_np = TRF(**kw).fit(stim, resp)
    m_t = TRF(**kw, backend="torch").fit(stim, resp)
    np.testing.assert_allclose(m_t.coef_, m_np.coef_, atol=1e-10)
    np.testing.assert_allclose(m_t.cv_scores_, m_np.cv_scores_, atol=1e-10)
    # tensors in -> torch backend inferred, tensors out
    tens = [torch.as_tensor(s) for s in stim]
    m_inf = TRF(**kw).fit(tens, [torch.as_tensor(r) for r in resp])
    pred = m_inf.predict(tens)
    assert isinstance(pred[0], torch.Tensor)
    np.testing.assert_allclose(pred[0].numpy(), m_np.predict(stim)[0], atol=1e-10)


def test_mne_raw_in_evoked_out(rng):
    import mne

    sfreq = 100.0
    info = mne.create_info(["C3", "Cz", "C4"], sfreq, "eeg")
    stim = rng.standard_normal((1500, 1))
    kernel = np.array([[0.0, 1.0, 2.0, 1.0, 0.0, -1.0]])  # lags 0..5
    y = np.stack(
        [
            np.convolve(stim[:, 0], k * (c + 1))[:1500]
            for c, k in enumerate(np.repeat(kernel, 3, 0))
        ],
        axis=1,
    )
    raw = mne.io.RawArray(
        (y + 0.01 * rng.standard_normal(y.shape)).T * 1e-6, info, verbose=False
    )
    model = TRF(0.0, 0.05, sfreq, alpha=1e-9).fit(stim, raw)
    assert model.info_["ch_names"] == ["C3", "Cz", "C4"]
    evoked = model.to_evoked()
    assert isinstance(evoked, mne.EvokedArray)
    np.testing.assert_allclose(evoked.times, np.arange(6) / sfreq, atol=1e-12)
    np.testing.assert_allclose(evoked.data[1] / 1e-6, 2 * kernel[0], atol=0.02)
    assert model.score(stim, raw).min() > 0.99


def test_sklearn_contract(trf_data):
    from sklearn.base import clone

    model = TRF(0.0, 0.1, 100.0, alpha=[1.0, 10.0], cv=2, edges="drop")
    assert not hasattr(model, "coef_")
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    stim, resp, _ = trf_data
    fitted = twin.fit(stim, resp)
    assert fitted is twin and twin.coef_.shape == (3, 2, 11)
    assert twin.set_params(alpha=2.0).alpha == 2.0
