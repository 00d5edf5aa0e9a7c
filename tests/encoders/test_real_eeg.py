"""Forward TRF on the real MNE test recording: deconvolved ERPs and a permutation test.

Data: ``$COGATTN_DATA/mne_test/test_raw.fif`` and ``test-eve.fif`` (60 EEG channels,
600.6 Hz, 24 s; events 1-4 = auditory left/right, visual left/right).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cogattn.encoders.stats import circular_shift_test, fdr_bh
from cogattn.encoders.trf import TRF

pytestmark = pytest.mark.data

EVENT_IDS = (1, 2, 3, 4)
SFREQ = 150.0


@pytest.fixture(scope="module")
def recording(data_dir):
    import mne

    folder = data_dir / "mne_test"
    if not (folder / "test_raw.fif").is_file():
        pytest.skip(reason=f"real data not found: {folder / 'test_raw.fif'} is missing")
    raw = mne.io.read_raw_fif(folder / "test_raw.fif", preload=True, verbose=False)
    events = mne.read_events(folder / "test-eve.fif", verbose=False)
    raw.pick("eeg", exclude="bads")
    raw.filter(1.0, 30.0, verbose=False)
    raw.set_eeg_reference("average", verbose=False)
    raw, events = raw.resample(SFREQ, events=events, verbose=False)
    stim = np.zeros((raw.n_times, len(EVENT_IDS)))
    for k, code in enumerate(EVENT_IDS):  # one impulse train per event type
        stim[events[events[:, 2] == code, 0] - raw.first_samp, k] = 1.0
    return raw, events, stim


def test_trf_matches_averaged_erp(recording):
    import mne

    raw, events, stim = recording
    model = TRF(-0.1, 0.5, SFREQ, alpha=1e-3).fit(stim, raw)
    assert model.coef_.shape == (60, 4, 91)
    epochs = mne.Epochs(
        raw,
        events,
        event_id=list(EVENT_IDS),
        tmin=-0.1,
        tmax=0.5,
        baseline=None,
        preload=True,
        verbose=False,
    )
    corr = {}
    for k, code in enumerate(EVENT_IDS):
        erp = epochs[str(code)].average().data
        corr[code] = np.corrcoef(erp.ravel(), model.coef_[:, k].ravel())[0, 1]
    # measured: 0.97, 0.99, 0.95, 0.99 (overlapping events: deconvolved, not equal)
    assert min(corr.values()) > 0.9, corr
    evoked = model.to_evoked(feature=0)
    np.testing.assert_allclose(evoked.times[[0, -1]], [-0.1, 0.5], atol=1e-9)
    assert evoked.ch_names == raw.ch_names


def test_cross_validated_r_beats_circular_shift_null(recording):
    raw, _, stim = recording
    y = raw.get_data().T
    bounds = np.linspace(0, raw.n_times, 7).astype(int)  # 6 contiguous blocks
    stim_b = [stim[a:b] for a, b in itertools.pairwise(bounds)]
    eeg_b = [y[a:b] for a, b in itertools.pairwise(bounds)]
    model = TRF(-0.1, 0.5, SFREQ, alpha=np.logspace(-2, 3, 6), cv=6)
    model.fit(stim_b, eeg_b)
    preds = []
    for k in range(6):  # held-out prediction of every block
        train = [i for i in range(6) if i != k]
        fold = TRF(-0.1, 0.5, SFREQ, alpha=model.best_alpha_).fit(
            [stim_b[i] for i in train], [eeg_b[i] for i in train]
        )
        preds.append(fold.predict([stim_b[k]])[0])
    r, p, _ = circular_shift_test(y, np.concatenate(preds), n_perm=500, random_state=0)
    reject, _ = fdr_bh(p, alpha=0.05)
    assert np.median(r) > 0.1
    assert reject.mean() > 0.5  # most channels beat the null after FDR
    assert model.cv_scores_.shape == (6, 60)
