"""Fixations and saccades from raw gaze samples: I-VT and I-DT.

Both detectors follow Salvucci & Goldberg (2000) and work on positions converted to
degrees of visual angle (:class:`~cogattn.scanpath.geometry.ScreenGeometry`):

- **I-VT** (velocity threshold): the point-to-point speed is the central difference
  ``v_i = |p_{i+1} - p_{i-1}| / (t_{i+1} - t_{i-1})`` (one-sided at the ends), in
  degrees per second; runs of samples with ``v < velocity_threshold`` whose first and
  last samples are at least ``min_duration`` apart are fixations.
- **I-DT** (dispersion threshold): a window of ``min_duration`` worth of samples whose
  dispersion ``D = (max x - min x) + (max y - min y)`` (degrees) is at most
  ``dispersion_threshold`` starts a fixation, grown sample by sample while ``D`` stays
  below the threshold. The sample that breaks the criterion is not part of the fixation
  nor of the next window (as in pymovements' ``idt``).

Missing samples (NaN, e.g. blinks and track loss) never belong to a fixation. A
fixation's position is the mean of its samples; its onset is the time of its first
sample and its duration ``(stop - start) / sfreq`` (samples times the sampling period).
Saccades are the gaps between consecutive fixations: amplitude (the angle between the
two fixation positions), duration, and peak speed of the samples between them.

:func:`merge_fixations` is the usual clean-up of a velocity filter (as in Tobii's I-VT
fixation filter, Olsen 2012): neighbouring fixations separated by less than
``max_gap_s`` and ``max_angle_deg`` are merged (noise and microsaccades split them),
then fixations shorter than ``min_duration_s`` are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import (
    check_array,
    check_int,
    check_option,
    check_positive,
)
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath

__all__ = [
    "FixationEvents",
    "detect_fixations",
    "gaze_speed",
    "idt",
    "ivt",
    "merge_fixations",
    "scanpaths_from_recording",
]


@dataclass(frozen=True)
class FixationEvents:
    """Fixations found in a stream of gaze samples.

    Attributes
    ----------
    start, stop : numpy.ndarray of shape (n_fixations,), int64
        First sample and one past the last sample of each fixation.
    onset, duration : numpy.ndarray of shape (n_fixations,)
        Seconds from the first sample of the recording; seconds.
    x, y : numpy.ndarray of shape (n_fixations,)
        Mean position in pixels.
    screen : ScreenGeometry
    sfreq : float
        Sampling frequency in Hz.
    saccade_amplitude : numpy.ndarray of shape (n_fixations - 1,)
        Degrees between consecutive fixation positions.
    saccade_duration : numpy.ndarray of shape (n_fixations - 1,)
        Seconds from the end of one fixation to the start of the next.
    saccade_peak_speed : numpy.ndarray of shape (n_fixations - 1,)
        Largest sample speed (deg/s) between the two fixations (NaN where every
        sample between them is missing or the fixations are adjacent).
    """

    start: np.ndarray
    stop: np.ndarray
    onset: np.ndarray
    duration: np.ndarray
    x: np.ndarray
    y: np.ndarray
    screen: ScreenGeometry
    sfreq: float
    saccade_amplitude: np.ndarray
    saccade_duration: np.ndarray
    saccade_peak_speed: np.ndarray

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def to_scanpath(self, **kwargs: Any) -> Scanpath:
        """Return the fixations as a :class:`Scanpath` (positions clipped on screen).

        Parameters
        ----------
        **kwargs
            ``observer``, ``stimulus``.

        Returns
        -------
        scanpath : Scanpath
        """
        if len(self) == 0:
            raise ValidationError("no fixations were detected: nothing to convert")
        x = np.clip(self.x, 0, np.nextafter(self.screen.width_px, 0))
        y = np.clip(self.y, 0, np.nextafter(self.screen.height_px, 0))
        return Scanpath(x, y, self.duration, self.screen, onset=self.onset, **kwargs)

    def summary(self) -> dict[str, float]:
        """Fixation and saccade statistics.

        Returns
        -------
        stats : dict
            ``n_fixations``, ``fixation_rate_hz``, mean / median / sd of fixation
            duration (s), mean / median saccade amplitude (deg), median saccade
            duration (s) and median peak speed (deg/s).
        """
        n = len(self)
        span = (self.stop[-1] - self.start[0]) / self.sfreq if n else 0.0

        def stat(f: Any, a: np.ndarray) -> float:
            a = a[np.isfinite(a)]
            return float(f(a)) if a.size else float("nan")

        return {
            "n_fixations": float(n),
            "fixation_rate_hz": n / span if span > 0 else float("nan"),
            "fixation_duration_mean_s": stat(np.mean, self.duration),
            "fixation_duration_median_s": stat(np.median, self.duration),
            "fixation_duration_sd_s": stat(np.std, self.duration),
            "saccade_amplitude_mean_deg": stat(np.mean, self.saccade_amplitude),
            "saccade_amplitude_median_deg": stat(np.median, self.saccade_amplitude),
            "saccade_duration_median_s": stat(np.median, self.saccade_duration),
            "saccade_peak_speed_median_deg_s": stat(np.median, self.saccade_peak_speed),
        }


def _check_samples(
    x: Any, y: Any, sfreq: Any, screen: Any
) -> tuple[np.ndarray, np.ndarray, float]:
    if not isinstance(screen, ScreenGeometry):
        raise ValidationError(
            f"screen must be a ScreenGeometry, got {type(screen).__name__}"
        )
    x = np.ascontiguousarray(check_array(x, "x", ndim=1, finite=False, min_size=2))
    y = np.ascontiguousarray(
        check_array(y, "y", shape=(x.shape[0],), finite=False, min_size=2)
    )
    if np.isinf(x).any() or np.isinf(y).any():
        raise ValidationError(
            "x and y may hold NaN for missing samples but not infinite values"
        )
    if np.isnan(x).all():
        raise ValidationError("every gaze sample is missing (NaN): nothing to detect")
    sfreq = check_positive(sfreq, "sfreq")
    return x, y, sfreq


def gaze_speed(x_deg: Any, y_deg: Any, sfreq: float) -> np.ndarray:
    """Sample-to-sample speed in degrees per second (central differences).

    Parameters
    ----------
    x_deg, y_deg : array-like of shape (n_samples,)
        Gaze positions in degrees (NaN for missing samples).
    sfreq : float
        Sampling frequency in Hz.

    Returns
    -------
    speed : numpy.ndarray of shape (n_samples,)
        ``|p_{i+1} - p_{i-1}| * sfreq / 2``; one-sided at the two ends; NaN next to
        a missing sample.
    """
    x = np.asarray(x_deg, dtype=np.float64)
    y = np.asarray(y_deg, dtype=np.float64)
    sfreq = check_positive(sfreq, "sfreq")
    if x.shape[0] < 2:
        raise ValidationError("gaze_speed needs at least 2 samples")
    vx = np.gradient(x) * sfreq
    vy = np.gradient(y) * sfreq
    return np.hypot(vx, vy)


def _events(
    starts: np.ndarray,
    stops: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    speed: np.ndarray,
    sfreq: float,
    screen: ScreenGeometry,
) -> FixationEvents:
    n = starts.shape[0]
    fx = np.empty(n)
    fy = np.empty(n)
    csx = np.concatenate([[0.0], np.nancumsum(x)])
    csy = np.concatenate([[0.0], np.nancumsum(y)])
    valid = np.concatenate([[0], np.cumsum(~np.isnan(x))])
    cnt = valid[stops] - valid[starts]
    fx = (csx[stops] - csx[starts]) / np.maximum(cnt, 1)
    fy = (csy[stops] - csy[starts]) / np.maximum(cnt, 1)
    onset = starts / sfreq
    duration = (stops - starts) / sfreq
    amp = screen.amplitudes(fx[:-1], fy[:-1], fx[1:], fy[1:])
    sdur = (starts[1:] - stops[:-1]) / sfreq
    peak = np.full(max(n - 1, 0), np.nan)
    finite_speed = np.where(np.isfinite(speed), speed, -np.inf)
    for k in range(n - 1):  # one reduction per saccade, over its own samples
        seg = finite_speed[stops[k] : starts[k + 1]]
        if seg.size and seg.max() > -np.inf:
            peak[k] = seg.max()
    return FixationEvents(
        start=starts.astype(np.int64),
        stop=stops.astype(np.int64),
        onset=onset,
        duration=duration,
        x=fx,
        y=fy,
        screen=screen,
        sfreq=sfreq,
        saccade_amplitude=amp,
        saccade_duration=sdur,
        saccade_peak_speed=peak,
    )


def ivt(
    x: Any,
    y: Any,
    sfreq: float,
    screen: ScreenGeometry,
    *,
    velocity_threshold: float = 30.0,
    min_duration: float = 0.06,
) -> FixationEvents:
    """Velocity-threshold fixation identification (I-VT).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        Gaze positions in pixels; NaN marks missing samples.
    sfreq : float
        Sampling frequency in Hz.
    screen : ScreenGeometry
        Converts pixels to degrees.
    velocity_threshold : float
        Samples slower than this (deg/s) are fixation samples.
    min_duration : float
        Shortest fixation in seconds (first to last sample).

    Returns
    -------
    events : FixationEvents
    """
    from cogattn.scanpath._detection_numba import ivt_runs

    x, y, sfreq = _check_samples(x, y, sfreq, screen)
    thr = check_positive(velocity_threshold, "velocity_threshold")
    mind = check_positive(min_duration, "min_duration", strict=False)
    xd, yd = screen.to_degrees(x, y)
    speed = gaze_speed(xd, yd, sfreq)
    # times in samples, so that float rounding of seconds cannot flip a run
    samples = np.arange(x.shape[0], dtype=np.float64)
    starts, stops = ivt_runs(speed, samples, thr, round(mind * sfreq, 9))
    return _events(starts, stops, x, y, speed, sfreq, screen)


def idt(
    x: Any,
    y: Any,
    sfreq: float,
    screen: ScreenGeometry,
    *,
    dispersion_threshold: float = 1.0,
    min_duration: float = 0.1,
) -> FixationEvents:
    """Dispersion-threshold fixation identification (I-DT).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        Gaze positions in pixels; NaN marks missing samples.
    sfreq : float
        Sampling frequency in Hz.
    screen : ScreenGeometry
        Converts pixels to degrees.
    dispersion_threshold : float
        Largest dispersion ``(max x - min x) + (max y - min y)`` in degrees.
    min_duration : float
        Shortest fixation in seconds; the window holds
        ``max(2, round(min_duration * sfreq))`` samples.

    Returns
    -------
    events : FixationEvents
    """
    from cogattn.scanpath._detection_numba import idt_windows

    x, y, sfreq = _check_samples(x, y, sfreq, screen)
    thr = check_positive(dispersion_threshold, "dispersion_threshold")
    mind = check_positive(min_duration, "min_duration")
    n_min = max(2, round(mind * sfreq))
    xd, yd = screen.to_degrees(x, y)
    starts, stops = idt_windows(xd, yd, n_min, thr)
    speed = gaze_speed(xd, yd, sfreq)
    return _events(starts, stops, x, y, speed, sfreq, screen)


def detect_fixations(
    x: Any,
    y: Any,
    sfreq: float,
    screen: ScreenGeometry,
    *,
    method: str = "ivt",
    **kwargs: Any,
) -> FixationEvents:
    """Detect fixations with :func:`ivt` or :func:`idt`.

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        Gaze positions in pixels.
    sfreq : float
        Sampling frequency in Hz.
    screen : ScreenGeometry
        Screen geometry.
    method : {"ivt", "idt"}
        Detector.
    **kwargs
        Thresholds of the detector.

    Returns
    -------
    events : FixationEvents
    """
    check_option(method, ("ivt", "idt"), "method")
    return (ivt if method == "ivt" else idt)(x, y, sfreq, screen, **kwargs)


def merge_fixations(
    events: FixationEvents,
    x: Any,
    y: Any,
    *,
    max_gap_s: float = 0.075,
    max_angle_deg: float = 0.5,
    min_duration_s: float = 0.06,
) -> FixationEvents:
    """Merge fixations split by noise, then drop short ones.

    Parameters
    ----------
    events : FixationEvents
        Output of :func:`ivt` or :func:`idt` on ``x, y``.
    x, y : array-like of shape (n_samples,)
        The gaze samples the events were detected on (pixels).
    max_gap_s : float
        Largest gap between two fixations that may be merged (seconds).
    max_angle_deg : float
        Largest angle between their positions (degrees).
    min_duration_s : float
        Fixations shorter than this after merging are dropped.

    Returns
    -------
    events : FixationEvents
        Merged fixations (positions re-averaged over their samples).
    """
    if not isinstance(events, FixationEvents):
        raise ValidationError(
            f"events must be FixationEvents, got {type(events).__name__}"
        )
    x, y, sfreq = _check_samples(x, y, events.sfreq, events.screen)
    gap = check_positive(max_gap_s, "max_gap_s", strict=False)
    angle = check_positive(max_angle_deg, "max_angle_deg", strict=False)
    mind = check_positive(min_duration_s, "min_duration_s", strict=False)
    starts: list[int] = []
    stops: list[int] = []
    for a, b, fx, fy in zip(events.start, events.stop, events.x, events.y, strict=True):
        if starts:
            # compare with the running mean of the fixation being built
            sl = slice(starts[-1], stops[-1])
            mx, my = np.nanmean(x[sl]), np.nanmean(y[sl])
            close = events.screen.amplitudes(mx, my, fx, fy) <= angle
            if (a - stops[-1]) / sfreq <= gap and close:
                stops[-1] = int(b)
                continue
        starts.append(int(a))
        stops.append(int(b))
    st = np.array(starts, dtype=np.int64)
    sp = np.array(stops, dtype=np.int64)
    keep = (sp - st) / sfreq >= mind
    xd, yd = events.screen.to_degrees(x, y)
    speed = gaze_speed(xd, yd, sfreq)
    return _events(st[keep], sp[keep], x, y, speed, sfreq, events.screen)


def scanpaths_from_recording(
    recording: Any,
    *,
    segment_length: int = 10,
    method: str = "ivt",
    merge: bool = True,
    **kwargs: Any,
) -> list[Scanpath]:
    """Cut a recording's fixations into scanpaths of ``segment_length`` fixations.

    Parameters
    ----------
    recording : EyelinkRecording or any object with ``x``, ``y``, ``sfreq``,
        ``screen`` (and optionally ``path``)
        Gaze samples in pixels.
    segment_length : int
        Fixations per scanpath; a shorter remainder is dropped.
    method : {"ivt", "idt"}
        Detector.
    merge : bool
        Apply :func:`merge_fixations` with its defaults after detection.
    **kwargs
        Thresholds of the detector.

    Returns
    -------
    scanpaths : list of Scanpath
        Observer label: the recording's file name when it has one.
    """
    n = check_int(segment_length, "segment_length", low=1)
    ev = detect_fixations(
        recording.x,
        recording.y,
        recording.sfreq,
        recording.screen,
        method=method,
        **kwargs,
    )
    if merge:
        ev = merge_fixations(ev, recording.x, recording.y)
    path = getattr(recording, "path", None)
    observer = None if path is None else getattr(path, "name", str(path))
    if len(ev) < n:
        raise ValidationError(
            f"the recording has {len(ev)} fixations, fewer than segment_length={n}"
        )
    whole = ev.to_scanpath(observer=observer)
    return [
        Scanpath(
            whole.x[s : s + n],
            whole.y[s : s + n],
            whole.duration[s : s + n],
            whole.screen,
            onset=whole.onset[s : s + n],
            observer=observer,
        )
        for s in range(0, len(whole) - n + 1, n)
    ]
