"""trf_to_evoked: from a coef array or from a fitted TRF, equal to TRF.to_evoked."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn import ValidationError
from cogattn.encoders import TRF, trf_to_evoked

mne = pytest.importorskip("mne")

SFREQ = 100.0


@pytest.fixture
def fitted(rng):
    info = mne.create_info(["C3", "Cz", "C4"], SFREQ, "eeg")
    stim = rng.standard_normal((800, 2))
    kernel = rng.standard_normal((3, 2, 6))
    y = np.zeros((800, 3))
    for lag in range(6):
        y[lag:] += stim[: 800 - lag] @ kernel[:, :, lag].T
    raw = mne.io.RawArray(
        (y + 0.05 * rng.standard_normal(y.shape)).T * 1e-6, info, verbose=False
    )
    return TRF(0.0, 0.05, SFREQ, alpha=1e-6).fit(stim, raw), stim, raw, info


@pytest.mark.parametrize("feature", [0, 1])
def test_model_alone_equals_method_and_hand_built_evoked(fitted, feature):
    model, *_ = fitted
    from_function = trf_to_evoked(model, feature=feature)
    from_method = model.to_evoked(feature=feature)
    by_hand = mne.EvokedArray(
        model.coef_[:, feature, :], model.info_, tmin=0.0, comment=f"TRF {feature}",
        nave=1, verbose=False,
    )  # fmt: skip
    for ev in (from_function, from_method):
        assert isinstance(ev, mne.EvokedArray)
        np.testing.assert_array_equal(ev.data, by_hand.data)
        np.testing.assert_allclose(ev.times, by_hand.times, atol=1e-12)
        np.testing.assert_allclose(ev.times, model.times_, atol=1e-12)
        assert ev.ch_names == by_hand.ch_names == ["C3", "Cz", "C4"]
        assert ev.comment == by_hand.comment
        assert ev.nave == 1


def test_coef_array_with_times_and_info_as_before(fitted):
    model, _, _, info = fitted
    ev = trf_to_evoked(model.coef_[:, 0, :], model.times_, info, comment="x")
    np.testing.assert_array_equal(ev.data, model.to_evoked().data)
    assert ev.comment == "x"


def test_info_given_overrides_model_fitted_on_arrays(rng):
    stim = rng.standard_normal((400, 1))
    y = np.column_stack([np.roll(stim[:, 0], 2), -np.roll(stim[:, 0], 3)])
    model = TRF(0.0, 0.05, SFREQ, alpha=1e-6).fit(stim, y)
    with pytest.raises(ValidationError, match="no channel info"):
        trf_to_evoked(model)
    info = mne.create_info(["a", "b"], SFREQ, "eeg")
    ev = trf_to_evoked(model, info=info)
    np.testing.assert_array_equal(ev.data, model.to_evoked(info=info).data)


def test_missing_times_or_info_with_an_array_is_a_clear_error(fitted):
    model, _, _, info = fitted
    coef = model.coef_[:, 0, :]
    with pytest.raises(ValidationError, match="needs times and info with a coef"):
        trf_to_evoked(coef)
    with pytest.raises(ValidationError, match="needs info with a coef array"):
        trf_to_evoked(coef, model.times_)
    with pytest.raises(ValidationError, match="one entry per lag"):
        trf_to_evoked(coef, model.times_[:-1], info)


def test_unfitted_backward_or_bad_feature_model(fitted):
    _, stim, raw, _ = fitted
    with pytest.raises(ValidationError, match="not fitted"):
        trf_to_evoked(TRF(0.0, 0.05, SFREQ))
    back = TRF(0.0, 0.05, SFREQ, direction="backward").fit(stim, raw)
    with pytest.raises(ValidationError, match="forward model"):
        trf_to_evoked(back)
    with pytest.raises(ValidationError):
        trf_to_evoked(fitted[0], feature=2)
