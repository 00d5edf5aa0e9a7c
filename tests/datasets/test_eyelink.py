import numpy as np
import pytest

from cogattn._core.errors import DataNotFoundError, ValidationError
from cogattn.datasets.eyelink import bundled_eyelink_recordings, read_eyelink
from cogattn.scanpath.detection import ivt
from tests._reference import require_reference


@pytest.fixture(scope="module")
def recordings():
    require_reference("eyelinkio")
    return {p.name: p for p in bundled_eyelink_recordings()}


def test_read_monocular(recordings):
    """Real EyeLink recording (eyelinkio test data): 1000 Hz, 1920 x 1080 screen."""
    rec = read_eyelink(recordings["test_raw.edf"])
    assert rec.sfreq == 1000.0
    assert rec.screen_px == (1920, 1080)
    assert rec.eye == "left"
    assert rec.x.shape == (66827,)
    assert np.isnan(rec.x).sum() >= 710  # blinks and track loss
    assert rec.parser_fixations.shape[1] == 4
    assert rec.times[1] == pytest.approx(0.001)


def test_ivt_agrees_with_eyelink_parser(recordings):
    """Anchor: the EyeLink online parser's fixations. Most parser fixations of at least
    100 ms contain an I-VT fixation centre within 1 degree of the parser's mean."""
    rec = read_eyelink(recordings["test_2_raw.edf"])
    ev = ivt(rec.x, rec.y, rec.sfreq, rec.screen, velocity_threshold=30.0)
    pf = rec.parser_fixations
    pf = pf[pf[:, 1] - pf[:, 0] >= 0.1]
    mid = (ev.onset + ev.duration / 2)[None, :]
    inside = (mid >= pf[:, :1]) & (mid <= pf[:, 1:2])
    hit = 0
    for k in range(len(pf)):
        j = np.flatnonzero(inside[k])
        if j.size:
            amp = rec.screen.amplitudes(pf[k, 2], pf[k, 3], ev.x[j], ev.y[j])
            hit += bool((amp < 1.0).any())
    assert hit / len(pf) > 0.8


def test_read_binocular_eyes(recordings):
    path = recordings["test_raw_binocular.edf"]
    left = read_eyelink(path, eye="left")
    right = read_eyelink(path, eye="right")
    assert left.sfreq == right.sfreq == 500.0
    assert not np.array_equal(left.x, right.x, equal_nan=True)


def test_read_errors(recordings, tmp_path):
    with pytest.raises(DataNotFoundError, match="no EDF file"):
        read_eyelink(tmp_path / "none.edf")
    with pytest.raises(ValidationError, match="records the left eye only"):
        read_eyelink(recordings["test_raw.edf"], eye="right")
    with pytest.raises(ValidationError, match="invalid value for eye"):
        read_eyelink(recordings["test_raw.edf"], eye="both")


def test_merged_fixations_match_the_parser(recordings):
    """Anchor: EyeLink's online parser. After merging fixations split by noise
    (0.5 deg, 75 ms; drop < 60 ms), I-VT finds a similar number of fixations and a
    similar median saccade amplitude on the 1000 Hz recording."""
    from cogattn.scanpath.detection import merge_fixations, scanpaths_from_recording

    rec = read_eyelink(recordings["test_2_raw.edf"])
    ev = merge_fixations(ivt(rec.x, rec.y, rec.sfreq, rec.screen), rec.x, rec.y)
    pf = rec.parser_fixations
    assert abs(len(ev) - len(pf)) <= 0.25 * len(pf)
    parser_amp = rec.screen.amplitudes(pf[:-1, 2], pf[:-1, 3], pf[1:, 2], pf[1:, 3])
    ours = np.median(ev.saccade_amplitude)
    assert ours == pytest.approx(np.median(parser_amp), rel=0.3)
    paths = scanpaths_from_recording(rec, segment_length=10)
    assert len(paths) == len(ev) // 10
    assert all(len(p) == 10 and p.observer == "test_2_raw.edf" for p in paths)
