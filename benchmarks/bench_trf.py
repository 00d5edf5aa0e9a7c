"""TRF with cross-validated ridge: cogattn vs mTRF vs MNE ReceptiveField.

Forward (encoding) model: a stimulus of ``--n-features`` features (1 = speech
envelope) predicting 64 EEG channels, 10 trials x 60 s at 128 Hz, lags 0..0.5 s
(65 lags), 7 penalties, 5 folds over trials, then a refit on all trials at the best
penalty. Every package runs the same 7 x 5 fits plus the refit on the same inputs.

MNE is slow: by default it is timed on one fold x two penalties and the time is
scaled to the 36 fits (printed on its line).

Usage::

    python benchmarks/bench_trf.py            # full case
    python benchmarks/bench_trf.py --small    # runs in seconds
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from cogattn.encoders.trf import TRF


def make_data(n_trials, n_times, n_feat, n_ch, sfreq, seed=0):
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


def timed(fn, repeat=1):
    best = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best.append(time.perf_counter() - t0)
    return float(np.median(best)), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--n-features", type=int, default=1)
    ap.add_argument(
        "--mne-fits",
        type=int,
        default=2,
        help="ReceptiveField fits actually timed (scaled to all)",
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sfreq, n_ch, n_trials, n_folds = 128.0, 64, 10, 5
    seconds = 6 if args.small else 60
    alphas = np.logspace(1, 7, 7)
    stim, eeg = make_data(n_trials, int(seconds * sfreq), args.n_features, n_ch, sfreq)
    print(
        f"case: {n_trials} trials x {seconds} s at {sfreq:g} Hz, "
        f"{args.n_features} stimulus feature(s) -> {n_ch} channels, 65 lags, "
        f"{alphas.size} alphas, {n_folds} folds over trials + refit"
    )

    def run_cogattn(backend="numpy"):
        return TRF(0.0, 0.5, sfreq, alpha=alphas, cv=n_folds, backend=backend).fit(
            stim, eeg
        )

    run_cogattn()  # compile the numba kernel outside the timing
    t_cog, model = timed(run_cogattn, args.repeat)
    t_torch, model_t = timed(lambda: run_cogattn("torch"), args.repeat)
    print(
        f"{'name':<28}{'cogattn_s':>11}{'anchor_s':>11}{'ratio':>9}{'max_abs_diff':>15}"
    )

    # --- mTRF: its own CV loop (k folds over trials), then the refit
    from mtrf.model import TRF as MTRF

    lams = alphas / ((n_trials - n_trials // n_folds) * sfreq)

    def run_mtrf():
        m = MTRF(direction=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.train(
                stim,
                eeg,
                int(sfreq),
                0.0,
                0.5,
                list(lams),
                k=n_folds,
                verbose=False,
                seed=0,
            )
        return m

    t_mtrf, mt = timed(run_mtrf, 1)
    lam = float(mt.regularization)
    ref = TRF(0.0, 0.5, sfreq, alpha=lam * n_trials * sfreq, centering="columns").fit(
        stim, eeg
    )
    w = mt.weights.transpose(2, 0, 1) / sfreq
    d_mtrf = np.abs(ref.coef_ - w).max() / np.abs(w).max()
    print(
        f"{'trf_cv vs mtrf':<28}{t_cog:>11.3f}{t_mtrf:>11.3f}"
        f"{t_mtrf / t_cog:>9.1f}{d_mtrf:>15.2e}  (rel. coef, same lambda)"
    )

    # --- MNE ReceptiveField: same folds x alphas loop, timed on a subset
    from mne.decoding import ReceptiveField, TimeDelayingRidge

    X = np.stack(stim, axis=1)  # (n_times, n_trials, n_feat)
    Y = np.stack(eeg, axis=1)
    folds = np.array_split(np.arange(n_trials), n_folds)
    jobs = [(f, a) for f in folds for a in alphas]
    n_timed = min(args.mne_fits, len(jobs))

    def run_mne():
        for test, a in jobs[:n_timed]:
            train = np.setdiff1d(np.arange(n_trials), test)
            rf = ReceptiveField(0.0, 0.5, sfreq, estimator=float(a), scoring="corrcoef")
            rf.fit(X[:, train], Y[:, train])
            rf.score(X[:, test], Y[:, test])

    import mne

    mne.set_log_level("ERROR")
    t_sub, _ = timed(run_mne, 1)
    t_mne = t_sub * (len(jobs) + 1) / n_timed
    tdr = TimeDelayingRidge(0.0, 0.5, sfreq, alpha=float(model.best_alpha_))
    tdr.fit(X, Y)
    d_mne = np.abs(model.coef_ - tdr.coef_).max() / np.abs(tdr.coef_).max()
    print(
        f"{'trf_cv vs mne_rf':<28}{t_cog:>11.3f}{t_mne:>11.3f}"
        f"{t_mne / t_cog:>9.1f}{d_mne:>15.2e}  (rel. coef vs TimeDelayingRidge; "
        f"MNE timed on {n_timed}/{len(jobs) + 1} fits, scaled)"
    )
    d_t = (
        np.abs(np.asarray(model_t.coef_) - model.coef_).max()
        / np.abs(model.coef_).max()
    )
    print(
        f"{'trf_cv torch vs numpy':<28}{t_torch:>11.3f}{t_cog:>11.3f}"
        f"{t_cog / t_torch:>9.1f}{d_t:>15.2e}"
    )


if __name__ == "__main__":
    main()
