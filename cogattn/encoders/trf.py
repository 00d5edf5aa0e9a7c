"""Temporal response functions: ridge regression on time-lagged inputs, over trials.

Regularisation
--------------
``alpha`` is added to the diagonal of the *unnormalised* lagged Gram matrix
``X.T @ X`` (summed over samples and trials), exactly as MNE's ``TimeDelayingRidge``
and ``ReceptiveField(estimator=alpha)``: the same ``alpha`` gives the same
coefficients. mTRF (``mtrf.model.TRF.train``) averages the Gram matrix over the
``n_trials`` training trials and adds ``lambda * sfreq``; its weights are ours times
``sfreq``. Its ``lambda`` therefore equals ``alpha / (n_trials * sfreq)`` here (with
``centering="columns"``, mTRF's unpenalised bias).
"""

from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from cogattn._core.backend import get_backend, infer_backend
from cogattn._core.errors import ValidationError
from cogattn._core.log import logger
from cogattn._core.progress import progress_bar
from cogattn._core.validation import check_int, check_option
from cogattn.encoders._ridge_checks import check_finite_sums
from cogattn.encoders._ridge_linalg import single_blas_thread
from cogattn.encoders._trf_buffers import HostBuffers
from cogattn.encoders._trf_folds import fold_sums, stat_groups
from cogattn.encoders._trf_inputs import (
    as_trials,
    check_alphas,
    check_pairs,
    to_host,
    trial_folds,
    trials_on,
)
from cogattn.encoders._trf_iterative import circulant_preconditioner, use_iterative
from cogattn.encoders._trf_solvers import (
    PARALLEL_MIN_COEF,
    build_problem,
    cv_scores_from_stats,
    intercepts,
    solve_alphas,
    solve_exact,
)
from cogattn.encoders._trf_stats import LaggedStats, each_group_stats
from cogattn.encoders._trf_structured import as_matvec
from cogattn.encoders.lags import (
    EDGE_MODES,
    lag_range,
    lag_samples,
    lagged_design,
    row_range,
)
from cogattn.encoders.mne_io import is_mne_instance, mne_to_trials, trf_to_evoked

__all__ = ["TRF", "as_trials", "check_alphas", "trial_folds"]

#: Fit tensors on the CPU with the numpy kernels (faster there); ``False`` runs the
#: device algebra on the CPU (the tests use it to check that code without a GPU).
HOST_KERNELS = True


class TRF(BaseEstimator):
    """Temporal response function (forward encoding or backward decoding model).

    Parameters
    ----------
    tmin, tmax : float
        Lag window of the stimulus-to-response relation, in seconds (both included;
        ``tmax >= tmin``). A backward model uses the response at ``t + tmin .. t +
        tmax`` to reconstruct the stimulus at ``t`` (decoder lags ``-tmax .. -tmin``).
    sfreq : float
        Sampling frequency of stimulus and response, in Hz.
    alpha : float | array-like of float
        Ridge penalty (> 0), on MNE's scale (see the module notes). Several values:
        chosen by cross-validation over trials.
    direction : {"forward", "backward"}
        ``"forward"`` predicts the response from the stimulus; ``"backward"``
        reconstructs the stimulus from the response.
    fit_intercept : bool
        Whether to fit an intercept.
    centering : {"signal", "columns"}
        How the intercept is handled: ``"signal"`` removes the mean of every signal
        before lagging (MNE); ``"columns"`` centres every lagged column (an
        unpenalised intercept, as mTRF and scikit-learn).
    edges : {"zero", "drop"}
        ``"zero"`` pads the trial edges with zeros (MNE, mTRF default); ``"drop"``
        uses only samples where every lag is inside the trial.
    cv : int | splitter | list of (train, test)
        Folds over trials for choosing ``alpha`` (default 5 contiguous folds).
    alpha_per_target : bool
        Choose the penalty separately for every output.
    picks : str | list | None
        Channels of an MNE response (``None``: all data channels).
    backend : str | None
        ``"numpy"``, ``"torch"`` or ``"torch_cuda"`` for the lagged statistics, the
        solves and the predictions; ``None`` follows the inputs (torch tensors select
        the torch backend on their device) or else the current backend. On a torch
        backend the trials are validated and processed on its device: no
        sample-length data goes through host memory.

    Attributes
    ----------
    coef_ : ndarray | torch.Tensor of shape (n_outputs, n_features, n_lags)
        Weights, MNE's layout. A tensor on the backend's device when fitted on a
        torch backend (tensor inputs or ``backend="torch"``/``"torch_cuda"``), a
        numpy array on the numpy backend; the same holds for ``intercept_``,
        ``cv_scores_`` and ``patterns_``.
    intercept_ : ndarray | torch.Tensor of shape (n_outputs,)
        Intercepts.
    delays_ : ndarray of int, shape (n_lags,)
        Lags of the fitted design, in samples.
    times_ : ndarray of shape (n_lags,)
        ``delays_ / sfreq``, in seconds.
    best_alpha_ : float | ndarray of shape (n_outputs,)
        Penalty used for the final fit (numpy, as ``alphas_``, on every backend).
    cv_scores_ : ndarray | torch.Tensor of shape (n_alphas, n_outputs) | None
        Held-out Pearson r for every penalty, averaged over folds (``None`` with a
        single penalty).
    alphas_ : ndarray of shape (n_alphas,)
        Penalties tried.
    patterns_ : ndarray | torch.Tensor of shape (n_outputs, n_features, n_lags) | None
        Haufe forward patterns of a backward model, ``cov(X) W cov(X W)^-1``.
    info_ : mne.Info | None
        Channels of an MNE response.
    """

    def __init__(
        self,
        tmin: float = 0.0,
        tmax: float = 0.5,
        sfreq: float = 128.0,
        alpha: float | Any = 1.0,
        direction: str = "forward",
        fit_intercept: bool = True,
        centering: str = "signal",
        edges: str = "zero",
        cv: Any = 5,
        alpha_per_target: bool = False,
        picks: Any = None,
        backend: str | None = None,
    ) -> None:
        self.tmin = tmin
        self.tmax = tmax
        self.sfreq = sfreq
        self.alpha = alpha
        self.direction = direction
        self.fit_intercept = fit_intercept
        self.centering = centering
        self.edges = edges
        self.cv = cv
        self.alpha_per_target = alpha_per_target
        self.picks = picks
        self.backend = backend

    # ------------------------------------------------------------------ helpers
    def _get_backend(self, *inputs: Any) -> Any:
        if self.backend is not None:
            return get_backend(self.backend)
        flat = [a[0] if isinstance(a, (list, tuple)) and len(a) else a for a in inputs]
        return infer_backend(*flat)

    def _response_trials(
        self, response: Any, backend: ModuleType
    ) -> tuple[list[Any], Any]:
        if is_mne_instance(response):
            trials, info = mne_to_trials(response, self.picks)
            if not np.isclose(info["sfreq"], float(self.sfreq)):
                raise ValidationError(
                    f"sfreq={self.sfreq} Hz does not match the MNE data "
                    f"({info['sfreq']} Hz); resample the data or set sfreq"
                )
            return trials_on(trials, "response", backend), info
        return trials_on(response, "response", backend), None

    def _lags(self) -> np.ndarray:
        lags = lag_samples(self.tmin, self.tmax, self.sfreq)
        return lags if self.direction == "forward" else -lags[::-1].copy()

    def _check_lag_window(self, lengths: list[int]) -> None:
        """Refuse a lag window longer than the shortest trial, before any lag array.

        The number of lags follows from ``tmin``, ``tmax`` and ``sfreq`` alone, so
        a window of millions of lags is refused without allocating them.

        Parameters
        ----------
        lengths : list of int
            Samples in each trial.

        Raises
        ------
        ValidationError
            When the shortest trial has no more samples than the lag window spans.
        """
        first, last = lag_range(self.tmin, self.tmax, self.sfreq)
        span = max(last, 0) - min(first, 0)
        k = int(np.argmin(lengths))
        shortest = lengths[k]
        if shortest <= span:
            raise ValidationError(
                f"trial {k}: a trial of {shortest} samples is too short for lags "
                f"{first}..{last} samples ({last - first + 1} lags from "
                f"tmin={self.tmin}, tmax={self.tmax}, sfreq={self.sfreq}); the "
                f"shortest trial has {shortest} samples and each trial needs more "
                f"than {span} samples (tmin/tmax too long)"
            )

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise ValidationError("this TRF is not fitted yet; call fit() first")

    # ---------------------------------------------------------------------- fit
    def fit(
        self,
        stimulus: Any,
        response: Any,
        *,
        verbose: bool | str | int | None = None,
    ) -> TRF:
        """Fit the TRF on a list of trials.

        Parameters
        ----------
        stimulus : list of array-like of shape (n_times, n_features)
            Stimulus trials (a single array is one trial).
        response : list of array-like of shape (n_times, n_channels) | mne.io.Raw | mne.Epochs
            Response trials, same number of trials and samples per trial.
        verbose : bool | str | int | None
            Progress bar over the trials' statistics (``False``: silent; ``None``:
            shown on a terminal when the log level allows it).

        Returns
        -------
        self : TRF
            Fitted; its arrays are tensors on the backend's device on a torch
            backend, numpy arrays on the numpy backend.
        """  # noqa: E501
        check_option(self.direction, ("forward", "backward"), "direction")
        check_option(self.edges, EDGE_MODES, "edges")
        check_option(self.fit_intercept, (True, False), "fit_intercept")
        check_option(self.centering, ("signal", "columns"), "centering")
        check_option(self.alpha_per_target, (True, False), "alpha_per_target")
        backend = self._get_backend(stimulus, response)
        stim = trials_on(stimulus, "stimulus", backend)
        resp, info = self._response_trials(response, backend)
        check_pairs(stim, resp)
        x, y = (stim, resp) if self.direction == "forward" else (resp, stim)
        self._check_lag_window([int(trial.shape[0]) for trial in x])
        lags = self._lags()
        for k, trial in enumerate(x):
            try:
                row_range(trial.shape[0], lags, self.edges)
            except ValidationError as err:
                raise ValidationError(
                    f"trial {k}: {err} (tmin/tmax too long)"
                ) from None
        alphas = check_alphas(self.alpha)
        centering = self.centering if self.fit_intercept else None
        with _blas_threads(x[0].shape[1] * lags.size):
            if backend.name != "numpy" and backend.device == "cpu" and HOST_KERNELS:
                self._fit_on_host(x, y, lags, alphas, centering, backend, verbose)
            else:
                self._fit_core(x, y, lags, alphas, centering, backend, verbose)
        self.info_ = info
        return self

    def _fit_on_host(
        self,
        x: list[Any],
        y: list[Any],
        lags: np.ndarray,
        alphas: np.ndarray,
        centering: str | None,
        backend: Any,
        verbose: bool | str | int | None,
    ) -> None:
        """Fit CPU tensors with the numpy kernels; fitted arrays become tensors.

        On the CPU the numpy path (BLAS products, numba kernels, the iterative
        solver) is faster than the same algebra as torch operations. The trials are
        read through DLPack without a copy.
        """
        host = get_backend("numpy")
        x_np = [np.from_dlpack(t.detach()) for t in x]
        y_np = [np.from_dlpack(t.detach()) for t in y]
        self._fit_core(x_np, y_np, lags, alphas, centering, host, verbose)
        for name in ("coef_", "intercept_", "cv_scores_", "patterns_"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, backend.asarray(value, dtype=backend.float64))

    def _fit_core(
        self,
        x: list[Any],
        y: list[Any],
        lags: np.ndarray,
        alphas: np.ndarray,
        centering: str | None,
        backend: Any,
        verbose: bool | str | int | None = False,
    ) -> None:
        n_feat, n_out, n_lags = x[0].shape[1], y[0].shape[1], lags.size
        on_host = backend.name == "numpy"
        bounds = [row_range(t.shape[0], lags, self.edges) for t in x]
        n_rows = float(sum(t1 - t0 for t0, t1 in bounds))
        # conjugate gradients, on Gram matrices kept as correlations and edge rows
        iterative = on_host and use_iterative(n_feat, n_lags, n_out, n_rows)
        # overflow is reported below as one clear error, not as numpy warnings
        folds = trial_folds(len(x), self.cv) if alphas.size > 1 else []
        # statistics summed per group of trials as they come: per k-fold test set
        # (each fold trains on the others), all trials without cross-validation,
        # otherwise per trial
        groups, kfold = stat_groups(folds, len(x))
        # host: dense matrices go to buffers reused from fit to fit (a fresh page
        # faults on its first write, and faulting threads wait on each other)
        dense = on_host and not iterative
        buffers = HostBuffers(n_feat, n_lags, len(groups)) if dense else None
        bar = progress_bar(total=len(x), desc="TRF", verbose=verbose, unit="trial")
        with bar, np.errstate(over="ignore", invalid="ignore"):
            stats = each_group_stats(
                list(zip(x, y, strict=True)), groups, lags, self.edges,
                factored=iterative, upper_only=on_host, done=bar.update,
                grams=buffers.groups() if buffers else None,
            )  # fmt: skip
            if len(stats) == 1:
                total = stats[0]
            else:  # host: the groups' Gram matrices hold blocks i <= j only
                # (read only those when large; a parallel kernel costs more on
                # small matrices than the whole sum)
                large = (n_feat + 1) * n_lags >= PARALLEL_MIN_COEF
                block = n_lags if dense and large else 0
                out = buffers.total() if block else None
                total = LaggedStats.sum(stats, block=block, out=out)
        # finite data whose squares overflow: every later product would be inf/NaN
        # (the cross products are bounded by these two by Cauchy-Schwarz)
        forward = self.direction == "forward"
        sums = total.gram.corr if iterative else total.gram
        check_finite_sums(sums, "stimulus" if forward else "response")
        check_finite_sums(total.y_sq, "response" if forward else "stimulus")
        self.cv_scores_ = None
        prob_all = build_problem(
            total, n_feat, n_lags, centering, backend,
            out=buffers.problem() if buffers else None,
        )  # fmt: skip
        precond = None
        if iterative:
            precond = circulant_preconditioner(prob_all.xtx, n_feat, n_lags)
        if alphas.size > 1:
            # (held-out trials, trials outside the training set) of every fold
            held_out = fold_sums(stats, folds, kfold)
            del stats  # the folds' sums may reuse the groups' arrays
            scores = np.zeros((alphas.size, n_out))
            if not on_host:
                scores = backend.asarray(scores, dtype=backend.float64)
            # host: each fold's centred Gram matrix and shifted systems reuse the
            # same two buffers
            fold_gram = buffers.fold() if buffers else None
            for test_st, out_st in held_out:  # a handful of folds; all alphas at once
                prob = build_problem(
                    total, n_feat, n_lags, centering, backend, minus=out_st,
                    out=fold_gram, upper_only=fold_gram is not None,
                )  # fmt: skip
                share = 1.0 if out_st is None else 1.0 - out_st.n_rows / total.n_rows
                work = buffers.system() if buffers else None
                into = buffers.coefs(alphas.size, n_out) if buffers else None
                coef = solve_alphas(prob, alphas, backend, precond, share, work, into)
                inter = intercepts(prob, coef, backend)
                r = cv_scores_from_stats(coef, inter, test_st, n_feat, n_lags, backend)
                if on_host:
                    scores += backend.to_numpy(r)
                else:
                    scores = scores + r
            self.cv_scores_ = scores / len(folds)
            if self.alpha_per_target:  # (n_outputs,) indices: the only host read
                idx = backend.to_numpy(backend.argmax(self.cv_scores_, axis=0))
                alpha_vec = alphas[np.asarray(idx, dtype=np.int64)]
                self.best_alpha_ = alpha_vec
            else:
                mean = backend.mean(self.cv_scores_, axis=1)
                best = alphas[int(backend.argmax(mean))]
                alpha_vec = np.full(n_out, best)
                self.best_alpha_ = float(best)
            logger.info("TRF: best alpha %s", self.best_alpha_)
        else:
            alpha_vec = np.full(n_out, alphas[0])
            self.best_alpha_ = float(alphas[0])
        prob = prob_all
        work = buffers.system() if buffers else None
        coef = solve_exact(prob, alpha_vec, backend, precond, work)
        inter = intercepts(prob, coef, backend)
        if on_host:
            coef_np = backend.to_numpy(coef)
            self.coef_ = (
                coef_np.reshape(n_feat, n_lags, n_out).transpose(2, 0, 1).copy()
            )
            self.intercept_ = backend.to_numpy(inter)
        else:
            self.coef_ = coef.reshape(n_feat, n_lags, n_out).permute(2, 0, 1)
            self.coef_ = self.coef_.contiguous()
            self.intercept_ = inter
        self.alphas_ = alphas
        self.delays_ = lags
        self.times_ = lags / float(self.sfreq)
        self.n_features_in_ = n_feat
        self.n_outputs_ = n_out
        self.patterns_ = None
        if self.direction == "backward" and on_host:
            cov_w = as_matvec(prob.xtx)(coef_np)
            pat = np.linalg.solve((coef_np.T @ cov_w).T, cov_w.T).T
            self.patterns_ = pat.reshape(n_feat, n_lags, n_out).transpose(2, 0, 1)
        elif self.direction == "backward":
            cov_w = prob.xtx @ coef
            pat = backend.solve((coef.T @ cov_w).T, cov_w.T).T
            self.patterns_ = pat.reshape(n_feat, n_lags, n_out).permute(2, 0, 1)

    # ------------------------------------------------------------------ predict
    def predict(self, X: Any) -> Any:
        """Predict the output trials from the input trials.

        Parameters
        ----------
        X : list of array-like of shape (n_times, n_features) | mne.io.Raw | mne.Epochs
            The stimulus (forward model) or the response (backward model).

        Returns
        -------
        pred : list of array of shape (n_rows, n_outputs)
            One prediction per trial, on the backend of ``X`` (or ``backend``):
            tensors on their device for tensors, numpy arrays for numpy input;
            ``n_rows`` is ``n_times`` with ``edges="zero"``.
        """
        self._check_fitted()
        backend = self._get_backend(X)
        if is_mne_instance(X):
            trials, _ = self._response_trials(X, backend)
        else:
            trials = trials_on(X, "X", backend)
        if trials[0].shape[1] != self.n_features_in_:
            raise ValidationError(
                f"X has {trials[0].shape[1]} features per sample, the model was fitted "
                f"with {self.n_features_in_}"
            )
        if backend.name != "numpy":  # one design and one product per trial
            n_coef = self.n_features_in_ * self.delays_.size
            coef = backend.asarray(self.coef_, dtype=backend.float64)
            w_t = coef.permute(1, 2, 0).reshape(n_coef, -1)
            inter = backend.asarray(self.intercept_, dtype=backend.float64)
            return [
                lagged_design(t, self.delays_, self.edges) @ w_t + inter for t in trials
            ]
        designs = [lagged_design(t, self.delays_, self.edges) for t in trials]
        sizes = np.cumsum([d.shape[0] for d in designs])[:-1]
        n_lags = self.delays_.size
        coef_np = backend.to_numpy(self.coef_)
        w = coef_np.transpose(1, 2, 0).reshape(self.n_features_in_ * n_lags, -1)
        w_b = backend.asarray(w, dtype=backend.float64)
        big = backend.asarray(np.concatenate(designs), dtype=backend.float64)
        pred = backend.matmul(big, w_b) + backend.asarray(self.intercept_)
        bounds = [0, *sizes.tolist(), int(pred.shape[0])]
        return [pred[bounds[k] : bounds[k + 1]] for k in range(len(designs))]

    def score(self, stimulus: Any, response: Any) -> np.ndarray:
        """Pearson r per output between prediction and data, over all trials.

        Parameters
        ----------
        stimulus : list of array-like of shape (n_times, n_features)
            Stimulus trials.
        response : list of array-like of shape (n_times, n_channels) | mne.io.Raw | mne.Epochs
            Response trials.

        Returns
        -------
        r : ndarray | torch.Tensor of shape (n_outputs,)
            A tensor on the backend's device on a torch backend (tensor inputs or
            ``backend="torch"``/``"torch_cuda"``), else a numpy array.
        """  # noqa: E501
        from cogattn.encoders.scores import pearson_per_target
        from cogattn.encoders.stats import pearsonr

        self._check_fitted()
        backend = self._get_backend(stimulus, response)
        stim = trials_on(stimulus, "stimulus", backend)
        resp, _ = self._response_trials(response, backend)
        check_pairs(stim, resp)
        x, y = (stim, resp) if self.direction == "forward" else (resp, stim)
        rows = [row_range(t.shape[0], self.delays_, self.edges) for t in y]
        if backend.name != "numpy":
            pred = backend.concatenate(self.predict(x))  # x is on backend already
            truth = backend.concatenate(
                [t[a:b] for t, (a, b) in zip(y, rows, strict=True)]
            )
            return pearson_per_target(truth, pred, xp=backend)
        pred = [backend.to_numpy(p) for p in self.predict(x)]
        truth = np.concatenate([t[a:b] for t, (a, b) in zip(y, rows, strict=True)])
        return pearsonr(truth, np.concatenate(pred))

    def to_evoked(self, feature: int = 0, info: Any = None) -> Any:
        """Return the forward TRF of one stimulus feature as an ``mne.EvokedArray``.

        Parameters
        ----------
        feature : int
            Stimulus feature index.
        info : mne.Info | None
            Channels (``None``: the ``info_`` of an MNE response given to ``fit``).

        Returns
        -------
        evoked : mne.EvokedArray
            Channels x lags, times in seconds.
        """
        self._check_fitted()
        if self.direction != "forward":
            raise ValidationError(
                "to_evoked needs a forward model (channels x lags); this TRF has "
                "direction='backward' (see patterns_)"
            )
        feature = check_int(feature, "feature", low=0, high=self.n_features_in_ - 1)
        info = self.info_ if info is None else info
        if info is None:
            raise ValidationError(
                "no channel info: fit with an mne.io.Raw / mne.Epochs response or "
                "pass info=mne.create_info(...)"
            )
        return trf_to_evoked(
            to_host(self.coef_[:, feature, :]),
            self.times_,
            info,
            comment=f"TRF {feature}",
        )


def _blas_threads(n_coef: int) -> Any:
    """One BLAS thread for small problems (many small products thrash threads)."""
    if n_coef > 1024:
        return contextlib.nullcontext()
    return single_blas_thread()  # one cached controller: no library scan per fit
