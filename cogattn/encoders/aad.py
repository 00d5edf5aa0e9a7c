"""Auditory attention decoding from EEG.

A backward TRF reconstructs the attended envelope; in every decision window the
competing stimulus that correlates best with the reconstruction is chosen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from cogattn._core.backend import infer_backend
from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.validation import check_array, check_positive
from cogattn.encoders.trf import TRF, as_trials, trial_folds

__all__ = [
    "AttentionDecoder",
    "accuracy_curve",
    "classify_windows",
    "window_correlations",
]


def window_correlations(
    reconstruction: Any, candidates: Any, window: int
) -> np.ndarray:
    """Pearson r between a reconstruction and every candidate, per decision window.

    Parameters
    ----------
    reconstruction : array-like of shape (n_times,)
        Reconstructed stimulus.
    candidates : array-like of shape (n_times, n_candidates)
        Competing stimuli (e.g. envelopes of the talkers).
    window : int
        Window length in samples; the trial is cut into ``n_times // window``
        consecutive, non-overlapping windows (a remainder is left out).

    Returns
    -------
    r : ndarray of shape (n_windows, n_candidates)
    """
    rec = check_array(reconstruction, "reconstruction", ndim=1)
    cand = check_array(candidates, "candidates", ndim=2)
    if cand.shape[0] != rec.shape[0]:
        raise ValidationError(
            f"reconstruction has {rec.shape[0]} samples but candidates has "
            f"{cand.shape[0]}"
        )
    window = int(window)
    if window < 2 or window > rec.shape[0]:
        raise ValidationError(
            f"window must be between 2 and {rec.shape[0]} samples, got {window}"
        )
    n_win = rec.shape[0] // window
    r_seg = rec[: n_win * window].reshape(n_win, window)
    c_seg = cand[: n_win * window].reshape(n_win, window, cand.shape[1])
    r_seg = r_seg - r_seg.mean(axis=1, keepdims=True)
    c_seg = c_seg - c_seg.mean(axis=1, keepdims=True)
    num = np.einsum("wt,wtc->wc", r_seg, c_seg)
    den = np.sqrt(
        np.einsum("wt,wt->w", r_seg, r_seg)[:, None]
        * np.einsum("wtc,wtc->wc", c_seg, c_seg)
    )
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def classify_windows(reconstruction: Any, candidates: Any, window: int) -> np.ndarray:
    """Index of the candidate that best matches the reconstruction, per window.

    Parameters
    ----------
    reconstruction : array-like of shape (n_times,)
        Reconstructed stimulus.
    candidates : array-like of shape (n_times, n_candidates)
        Competing stimuli.
    window : int
        Window length in samples.

    Returns
    -------
    choice : ndarray of int, shape (n_windows,)
    """
    return np.argmax(window_correlations(reconstruction, candidates, window), axis=1)


def accuracy_curve(
    reconstructions: list[Any],
    candidates: list[Any],
    attended: Any,
    window_lengths: Any,
    sfreq: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute the decoding accuracy for every decision-window length.

    Parameters
    ----------
    reconstructions : list of array-like of shape (n_times,)
        One reconstruction per trial.
    candidates : list of array-like of shape (n_times, n_candidates)
        Competing stimuli per trial.
    attended : array-like of int, shape (n_trials,)
        Column of the attended stimulus in every trial.
    window_lengths : array-like of shape (n_lengths,)
        Decision-window lengths, in seconds.
    sfreq : float
        Sampling frequency, in Hz.

    Returns
    -------
    accuracy : ndarray of shape (n_lengths,)
        Fraction of windows (pooled over trials) where the attended stimulus wins.
    n_windows : ndarray of int, shape (n_lengths,)
        Number of decisions behind every accuracy.
    """
    sfreq = check_positive(sfreq, "sfreq")
    lengths = check_array(window_lengths, "window_lengths", ndim=1)
    att = check_array(attended, "attended", ndim=1, dtype="integer")
    if not len(reconstructions) == len(candidates) == att.size:
        raise ValidationError(
            f"reconstructions, candidates and attended must have one entry per trial, "
            f"got {len(reconstructions)}, {len(candidates)} and {att.size}"
        )
    acc = np.zeros(lengths.size)
    counts = np.zeros(lengths.size, dtype=np.int64)
    for i, seconds in enumerate(lengths):  # a few lengths; windows are vectorised
        window = round(seconds * sfreq)
        hits = 0
        total = 0
        for rec, cand, a in zip(reconstructions, candidates, att, strict=True):
            choice = classify_windows(np.ravel(rec), cand, window)
            hits += int((choice == a).sum())
            total += choice.size
        acc[i] = hits / total if total else np.nan
        counts[i] = total
    return acc, counts


class AttentionDecoder(BaseEstimator):
    """Backward-model attention decoder with cross-validation over trials.

    Parameters
    ----------
    tmin, tmax : float
        Lags of the envelope-to-EEG relation, in seconds (EEG at ``t + tmin .. t +
        tmax`` reconstructs the envelope at ``t``).
    sfreq : float
        Sampling frequency, in Hz.
    alpha : float | array-like
        Ridge penalties (several: chosen by inner cross-validation over the
        training trials).
    cv : int
        Folds over trials for :meth:`cross_validate` (and the inner alpha search).
    backend : str | None
        Backend of the underlying :class:`~cogattn.encoders.trf.TRF`.

    Attributes
    ----------
    trf_ : TRF
        The fitted backward model.
    """

    def __init__(
        self,
        tmin: float = 0.0,
        tmax: float = 0.25,
        sfreq: float = 64.0,
        alpha: Any = 1e3,
        cv: int = 5,
        backend: str | None = None,
    ) -> None:
        self.tmin = tmin
        self.tmax = tmax
        self.sfreq = sfreq
        self.alpha = alpha
        self.cv = cv
        self.backend = backend

    def _trf(self, n_train: int) -> TRF:
        inner = min(int(self.cv), n_train) if n_train >= 2 else 2
        return TRF(
            self.tmin, self.tmax, self.sfreq, alpha=self.alpha,
            direction="backward", cv=inner, backend=self.backend,
        )  # fmt: skip

    def fit(
        self,
        eeg: Any,
        attended_stimulus: Any,
        *,
        verbose: bool | str | int | None = None,
    ) -> AttentionDecoder:
        """Train the decoder on the attended envelopes.

        Parameters
        ----------
        eeg : list of array-like of shape (n_times, n_channels)
            EEG trials.
        attended_stimulus : list of array-like of shape (n_times,) or (n_times, 1)
            Attended envelope of every trial.
        verbose : bool | str | int | None
            Progress bar of the TRF fit (see :meth:`TRF.fit`).

        Returns
        -------
        self : AttentionDecoder
        """
        eeg_t = as_trials(eeg, "eeg")
        self.trf_ = self._trf(len(eeg_t)).fit(attended_stimulus, eeg_t, verbose=verbose)
        return self

    def reconstruct(self, eeg: Any) -> list[np.ndarray]:
        """Reconstruct the attended envelope of every trial.

        Parameters
        ----------
        eeg : list of array-like of shape (n_times, n_channels)
            EEG trials.

        Returns
        -------
        reconstructions : list of ndarray of shape (n_times,)
        """
        if not hasattr(self, "trf_"):
            raise ValidationError("this AttentionDecoder is not fitted; call fit()")
        preds = self.trf_.predict(eeg)
        return [infer_backend(p).to_numpy(p)[:, 0] for p in preds]

    def cross_validate(
        self,
        eeg: Any,
        candidates: list[Any],
        attended: Any,
        window_lengths: Any,
        *,
        verbose: bool | str | int | None = None,
    ) -> dict[str, np.ndarray]:
        """Accuracy-versus-window-length curve with cross-validation over trials.

        Parameters
        ----------
        eeg : list of array-like of shape (n_times, n_channels)
            EEG trials.
        candidates : list of array-like of shape (n_times, n_candidates)
            Competing envelopes of every trial.
        attended : array-like of int, shape (n_trials,)
            Column of the attended envelope in every trial.
        window_lengths : array-like of shape (n_lengths,)
            Decision windows, in seconds.
        verbose : bool | str | int | None
            Progress bar over the folds (``False``: silent; ``None``: shown on a
            terminal when the log level allows it).

        Returns
        -------
        result : dict
            ``"window_lengths"``, ``"accuracy"`` and ``"n_windows"`` (n_lengths,),
            and ``"reconstructions"`` (list of held-out reconstructions).
        """
        eeg_t = as_trials(eeg, "eeg")
        cand = as_trials(candidates, "candidates")
        att = check_array(attended, "attended", ndim=1, dtype="integer")
        if not len(eeg_t) == len(cand) == att.size:
            raise ValidationError(
                f"eeg, candidates and attended need one entry per trial, got "
                f"{len(eeg_t)}, {len(cand)} and {att.size}"
            )
        if att.min() < 0 or att.max() >= cand[0].shape[1]:
            raise ValidationError(
                f"attended must index the {cand[0].shape[1]} candidate columns, got "
                f"values in [{att.min()}, {att.max()}]"
            )
        target = [c[:, a] for c, a in zip(cand, att, strict=True)]
        recs: list[np.ndarray] = [np.empty(0)] * len(eeg_t)
        folds = progress_bar(
            trial_folds(len(eeg_t), self.cv), desc="folds", verbose=verbose
        )
        for train, test in folds:  # a handful of folds
            dec = AttentionDecoder(
                self.tmin, self.tmax, self.sfreq, self.alpha, self.cv, self.backend
            ).fit([eeg_t[k] for k in train], [target[k] for k in train])
            for k, rec in zip(
                test, dec.reconstruct([eeg_t[k] for k in test]), strict=True
            ):
                recs[k] = rec
        acc, counts = accuracy_curve(recs, cand, att, window_lengths, self.sfreq)
        return {
            "window_lengths": np.asarray(window_lengths, dtype=float),
            "accuracy": acc,
            "n_windows": counts,
            "reconstructions": recs,
        }
