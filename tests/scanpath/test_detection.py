import numpy as np
import pytest

from cogattn._core.errors import ValidationError
from cogattn.scanpath.detection import detect_fixations, gaze_speed, idt, ivt
from cogattn.scanpath.geometry import ScreenGeometry
from tests._reference import require_reference

SFREQ = 1000.0


def _synthetic_gaze(rng, n_fix=12, sfreq=SFREQ):
    """Fixations (noisy plateaus) joined by 20 ms linear saccades, in pixels."""
    xs, ys, truth = [], [], []
    pos = np.array([512.0, 384.0])
    t = 0
    for _ in range(n_fix):
        dur = int(rng.integers(150, 400) * sfreq / 1000)
        xs.append(pos[0] + rng.normal(0, 0.1, dur))
        ys.append(pos[1] + rng.normal(0, 0.1, dur))
        truth.append((t, t + dur, *pos))
        t += dur
        nxt = rng.uniform([100, 100], [924, 668])
        ns = int(20 * sfreq / 1000)
        frac = np.arange(1, ns + 1) / (ns + 1)
        xs.append(pos[0] + frac * (nxt[0] - pos[0]))
        ys.append(pos[1] + frac * (nxt[1] - pos[1]))
        t += ns
        pos = nxt
    return np.concatenate(xs), np.concatenate(ys), np.array(truth)


@pytest.mark.parametrize("method", ["ivt", "idt"])
def test_detectors_recover_planted_fixations(rng, screen, method):
    x, y, truth = _synthetic_gaze(rng)
    ev = detect_fixations(x, y, SFREQ, screen, method=method)
    assert len(ev) == len(truth)
    np.testing.assert_allclose(ev.x, truth[:, 2], atol=0.5)
    np.testing.assert_allclose(ev.y, truth[:, 3], atol=0.5)
    true_dur = (truth[:, 1] - truth[:, 0]) / SFREQ
    np.testing.assert_allclose(ev.duration, true_dur, atol=0.006)
    amp = screen.amplitudes(truth[:-1, 2], truth[:-1, 3], truth[1:, 2], truth[1:, 3])
    np.testing.assert_allclose(ev.saccade_amplitude, amp, atol=0.05)
    sp = ev.to_scanpath(observer="synthetic")
    assert len(sp) == len(truth)
    stats = ev.summary()
    assert stats["n_fixations"] == len(truth)
    assert stats["saccade_peak_speed_median_deg_s"] > 30


def test_ivt_matches_pymovements(rng, screen):
    """Anchor: pymovements.events.ivt on the same speeds (deg/s), sample timesteps."""
    pm = require_reference("pymovements")
    x, y, _ = _synthetic_gaze(rng, n_fix=20)
    x = x + rng.normal(0, 2.0, x.shape)  # noisy enough that runs break up
    xd, yd = screen.to_degrees(x, y)
    speed = gaze_speed(xd, yd, SFREQ)
    ours = ivt(x, y, SFREQ, screen, velocity_threshold=60.0, min_duration=0.05)
    vel = np.stack([speed, np.zeros_like(speed)], axis=1)
    ref = pm.events.ivt(vel, minimum_duration=50, velocity_threshold=60.0)
    frame = ref.frame
    np.testing.assert_array_equal(ours.start, frame["onset"].to_numpy())
    np.testing.assert_array_equal(ours.stop - 1, frame["offset"].to_numpy())


def test_idt_matches_pymovements(rng, screen):
    """Anchor: pymovements.events.idt on the same positions in degrees.

    pymovements reports as offset the sample that broke the dispersion criterion (our
    exclusive stop), except for a fixation that runs to the last sample, whose offset
    is that last sample.
    """
    pm = require_reference("pymovements")
    x, y, _ = _synthetic_gaze(rng, n_fix=20)
    x = x + rng.normal(0, 3.0, x.shape)
    xd, yd = screen.to_degrees(x, y)
    ours = idt(x, y, SFREQ, screen, dispersion_threshold=0.5, min_duration=0.04)
    ref = pm.events.idt(
        np.stack([xd, yd], axis=1), minimum_duration=40, dispersion_threshold=0.5
    ).frame
    stops = ours.stop.copy()
    stops[stops == len(x)] = len(x) - 1
    assert len(ours) > 10
    np.testing.assert_array_equal(ours.start, ref["onset"].to_numpy())
    np.testing.assert_array_equal(stops, ref["offset"].to_numpy())


def test_idt_brute_force(rng):
    """Brute force: every reported fixation has dispersion below threshold, and adding
    the sample after it breaks the criterion (unless the data end)."""
    geo = ScreenGeometry(1024, 768, 40, 30, 57)
    x, y, _ = _synthetic_gaze(rng, n_fix=8)
    x = x + rng.normal(0, 3.0, x.shape)
    ev = idt(x, y, SFREQ, geo, dispersion_threshold=0.4, min_duration=0.03)
    xd, yd = geo.to_degrees(x, y)
    for a, b in zip(ev.start, ev.stop, strict=True):
        disp = np.ptp(xd[a:b]) + np.ptp(yd[a:b])
        assert disp < 0.4 + 1e-12 and b - a >= 30
        if b < len(x):
            assert np.ptp(xd[a : b + 1]) + np.ptp(yd[a : b + 1]) >= 0.4


def test_missing_samples_split_fixations(screen):
    x = np.full(600, 500.0)
    y = np.full(600, 300.0)
    x[290:310] = np.nan
    ev = ivt(x, y, SFREQ, screen, min_duration=0.05)
    assert len(ev) == 2
    assert ev.stop[0] <= 290 and ev.start[1] >= 310
    ev = idt(x, y, SFREQ, screen)
    assert len(ev) == 2


def test_detection_errors(screen):
    x = np.full(100, 5.0)
    with pytest.raises(ValidationError, match="every gaze sample is missing"):
        ivt(np.full(10, np.nan), np.full(10, np.nan), SFREQ, screen)
    with pytest.raises(ValidationError, match="not infinite"):
        ivt(np.r_[x[:-1], np.inf], x, SFREQ, screen)
    with pytest.raises(ValidationError, match="sfreq must be a finite number > 0"):
        idt(x, x, 0, screen)
    with pytest.raises(ValidationError, match="invalid value for method"):
        detect_fixations(x, x, SFREQ, screen, method="hmm")
    with pytest.raises(ValidationError, match=r"y must have shape \(100,\)"):
        ivt(x, x[:50], SFREQ, screen)
    ev = ivt(np.linspace(0, 1000, 100), np.full(100, 5.0), SFREQ, screen)
    with pytest.raises(ValidationError, match="no fixations were detected"):
        ev.to_scanpath()
