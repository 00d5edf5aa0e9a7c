"""TRF with cross-validated ridge: cogattn vs mTRF vs MNE ReceptiveField.

Cases (10 trials x 60 s at 128 Hz, lags -0.101 .. 0.398 s = 65 lags on both sides of
zero, 7 penalties, 5 folds over trials, then a refit on all trials at the best
penalty; every package runs the same 7 x 5 fits plus the refit on the same inputs):

- ``envelope``: forward model, 1 stimulus feature -> 64 EEG channels;
- ``spectrogram``: forward model, a 16-band spectrogram -> 64 channels;
- ``backward``: backward model (decoder), 64 channels -> the 1-feature envelope.

cogattn runs on numpy and on torch (CPU). Timing follows ``benchmarks/_timing.py``:
warm, interleaved ``A B A B``, median and minimum, load average and thread settings.
cogattn, the fast side, runs three times per anchor run (``A A A B A A A B``): its
median then rests on more runs than one shared-machine hiccup can move.
mTRF (``TRF.train`` with ``k`` folds) and MNE (``ReceptiveField`` over the 36 fits,
scored on the held-out fold) are timed on their full loops; MNE is scaled from a
subset only when one fit times 36 exceeds 5 minutes, and the row says so.

Usage::

    python benchmarks/bench_trf.py                     # all cases (long)
    python benchmarks/bench_trf.py --case envelope     # one case
    python benchmarks/bench_trf.py --small             # 6 s trials, seconds
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _timing import FULL_LOOP_LIMIT_S, compare, environment, header, row

from cogattn.encoders.trf import TRF

SFREQ = 128.0
TMIN, TMAX = -0.101, 0.398
N_CH, N_TRIALS, N_FOLDS = 64, 10, 5
#: cogattn runs per anchor run
FAST_RUNS = 3
ALPHAS = np.logspace(1, 7, 7)
#: case -> (stimulus features, direction)
CASES = {
    "envelope": (1, "forward"),
    "spectrogram": (16, "forward"),
    "backward": (1, "backward"),
}


def make_data(n_trials, n_times, n_feat, n_ch, sfreq, seed=0):
    """Low-passed rectified-noise stimuli and EEG = stimulus * kernel + noise."""
    rng = np.random.default_rng(seed)
    from scipy.signal import butter, sosfiltfilt

    sos = butter(4, 8.0, fs=sfreq, output="sos")
    stim = [
        np.abs(sosfiltfilt(sos, rng.standard_normal((n_times, n_feat)), axis=0))
        for _ in range(n_trials)
    ]
    lags = np.arange(int(0.5 * sfreq) + 1)
    kern = (
        rng.standard_normal((n_feat, lags.size, n_ch))
        * np.exp(-lags / 15.0)[None, :, None]
    )
    eeg = []
    for s in stim:
        y = np.zeros((n_times, n_ch))
        for a, lag in enumerate(lags):
            y[lag:] += s[: n_times - lag] @ kern[:, a, :]
        eeg.append(y + 2.0 * rng.standard_normal((n_times, n_ch)))
    return stim, eeg


def rel_diff(a, b) -> float:
    """Largest absolute difference relative to the largest entry of ``b``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / np.abs(b).max())


def run_case(case: str, seconds: float, repeat: int, anchors: str = "all") -> None:
    n_feat, direction = CASES[case]
    stim, eeg = make_data(N_TRIALS, int(seconds * SFREQ), n_feat, N_CH, SFREQ)
    x, y = (stim, eeg) if direction == "forward" else (eeg, stim)
    n_in, n_out = x[0].shape[1], y[0].shape[1]
    label = f"{case} {n_in}->{n_out} {direction} {seconds:g}s"
    print(
        f"# case {case}: {N_TRIALS} trials x {seconds:g} s at {SFREQ:g} Hz, "
        f"{n_in} input(s) -> {n_out} output(s), lags {TMIN}..{TMAX} s (65), "
        f"{ALPHAS.size} alphas, {N_FOLDS} folds over trials + refit",
        flush=True,
    )

    def cog(backend="numpy"):
        model = TRF(
            TMIN, TMAX, SFREQ, alpha=ALPHAS, cv=N_FOLDS, direction=direction,
            backend=backend,
        )  # fmt: skip
        return model.fit(stim, eeg)

    if anchors in ("all", "mtrf"):
        run_mtrf(cog, stim, eeg, direction, label, repeat)
    if anchors in ("all", "mne"):
        run_mne(cog, x, y, stim, eeg, direction, label, repeat)


def run_mtrf(cog, stim, eeg, direction, label, repeat) -> None:
    """mTRF: its own CV loop (k folds over trials), then the refit."""
    from mtrf.model import TRF as MTRF

    lams = ALPHAS / ((N_TRIALS - N_TRIALS // N_FOLDS) * SFREQ)

    def mtrf():
        m = MTRF(direction=1 if direction == "forward" else -1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.train(
                stim, eeg, int(SFREQ), TMIN, TMAX, list(lams), k=N_FOLDS,
                verbose=False, seed=0,
            )  # fmt: skip
        return m

    comp = compare(cog, mtrf, repeat=FAST_RUNS * repeat, repeat_b=repeat)
    model, mt = comp.out_a, comp.out_b
    lam = float(mt.regularization)
    ref = TRF(
        TMIN, TMAX, SFREQ, alpha=lam * N_TRIALS * SFREQ, centering="columns",
        direction=direction,
    ).fit(stim, eeg)  # fmt: skip
    w = mt.weights.transpose(2, 0, 1) / SFREQ
    print(
        row(
            f"{label} vs mtrf [numpy]",
            comp,
            f"rel coef {rel_diff(ref.coef_, w):.2e} (same lambda)",
        ),
        flush=True,
    )
    cog("torch")  # warm; mTRF is warm from the numpy row (a backward run is minutes)
    comp_t = compare(
        lambda: cog("torch"), mtrf, repeat=FAST_RUNS * repeat, repeat_b=repeat,
        warm=False,
    )  # fmt: skip
    print(
        row(
            f"{label} vs mtrf [torch]",
            comp_t,
            f"rel coef torch vs numpy {rel_diff(comp_t.out_a.coef_, model.coef_):.2e}",
        ),
        flush=True,
    )


def run_mne(cog, x, y, stim, eeg, direction, label, repeat) -> None:
    """MNE ReceptiveField: the same folds x alphas loop, then the refit."""
    import mne
    from mne.decoding import ReceptiveField, TimeDelayingRidge

    mne.set_log_level("ERROR")
    # MNE predicts y(t) from x(t - tau), tau in [tmin, tmax]; a backward TRF reads
    # the response at t + tmin .. t + tmax, i.e. MNE's window mirrored
    tmin, tmax = (TMIN, TMAX) if direction == "forward" else (-TMAX, -TMIN)
    X = np.stack(x, axis=1)  # (n_times, n_trials, n_in)
    Y = np.stack(y, axis=1)
    folds = np.array_split(np.arange(N_TRIALS), N_FOLDS)
    jobs = [(f, a) for f in folds for a in ALPHAS]

    def mne_fit(test, a):
        train = np.setdiff1d(np.arange(N_TRIALS), test)
        rf = ReceptiveField(tmin, tmax, SFREQ, estimator=float(a), scoring="corrcoef")
        rf.fit(X[:, train], Y[:, train])
        rf.score(X[:, test], Y[:, test])

    t0 = time.perf_counter()
    mne_fit(*jobs[0])  # warm, and the estimate of one fit
    one_fit = time.perf_counter() - t0
    n_timed = len(jobs)
    if one_fit * (len(jobs) + 1) > FULL_LOOP_LIMIT_S:
        n_timed = max(2, int(FULL_LOOP_LIMIT_S / 4 / one_fit))

    def mne_loop():
        for test, a in jobs[:n_timed]:
            mne_fit(test, a)
        if n_timed == len(jobs):  # the refit at the chosen alpha
            TimeDelayingRidge(tmin, tmax, SFREQ, alpha=float(ALPHAS[0])).fit(X, Y)

    scale = 1.0 if n_timed == len(jobs) else (len(jobs) + 1) / n_timed
    repeat_b = 1 if one_fit * len(jobs) > 60 else repeat
    for backend in ("numpy", "torch"):
        if backend != "numpy":
            cog(backend)  # warm; MNE is warm from the numpy row
        # cogattn's runs are cheap: as many as for a quick anchor, spread between
        # the anchor's runs however few of those there are
        comp_m = compare(
            lambda b=backend: cog(b), mne_loop, repeat=FAST_RUNS * repeat,
            repeat_b=repeat_b, warm=backend == "numpy", scale_b=scale,
        )  # fmt: skip
        if comp_m.out_b is None:  # warmed on the first backend only
            comp_m.out_b = True
        best = comp_m.out_a.best_alpha_
        alpha_ref = float(np.median(best)) if np.ndim(best) else float(best)
        tdr = TimeDelayingRidge(tmin, tmax, SFREQ, alpha=alpha_ref).fit(X, Y)
        coef_c = np.asarray(
            TRF(
                TMIN, TMAX, SFREQ, alpha=alpha_ref, direction=direction
            ).fit(stim, eeg).coef_
        )  # fmt: skip
        coef_t = tdr.coef_.reshape(coef_c.shape)
        print(
            row(
                f"{label} vs mne_rf [{backend}]",
                comp_m,
                f"rel coef vs TimeDelayingRidge {rel_diff(coef_c, coef_t):.2e}",
                note=f"MNE full loop: {len(jobs)} fits + refit"
                if scale == 1.0
                else f"MNE timed on {n_timed}/{len(jobs) + 1} fits",
            ),
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="6 s trials")
    ap.add_argument("--case", choices=sorted(CASES), help="one case only")
    ap.add_argument("--seconds", type=float, default=None, help="trial length")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per side")
    ap.add_argument(
        "--anchors", choices=("all", "mtrf", "mne"), default="all",
        help="anchor libraries to time",
    )  # fmt: skip
    args = ap.parse_args()
    seconds = args.seconds or (6.0 if args.small else 60.0)
    print(environment())
    print(header())
    for case in [args.case] if args.case else list(CASES):
        run_case(case, seconds, args.repeat, args.anchors)


if __name__ == "__main__":
    main()
