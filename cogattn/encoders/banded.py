"""Banded ridge: one regularisation strength per feature space and per target.

With feature spaces ``X_1 ... X_m`` the model solves, for every target,
``min ||y - sum_i X_i b_i||^2 + sum_i exp(-delta_i) ||b_i||^2``. The search follows
the random-search scheme of himalaya's multiple-kernel ridge: each candidate
weighting ``gamma`` on the simplex (Dirichlet draws, the first one uniform) scales
space ``i`` by ``sqrt(gamma_i)``; an ordinary ridge over the alpha grid is then
cross-validated on the scaled features, which is banded ridge with per-space
strengths ``alpha / gamma_i``. Each target keeps the candidate with the best mean
CV score (a later candidate must beat the current best by more than the machine
epsilon of the data dtype) and ``deltas_ = log(gamma / alpha)``.

Every candidate reuses the sufficient-statistics solver of :class:`~cogattn.
encoders.ridge.RidgeCV`: in the primal form (n_features <= n_samples) scaling the
columns only rescales ``X^T X`` and ``X^T Y``; in the kernel form the working
kernel is ``sum_i gamma_i X_i X_i^T``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from cogattn._core.backend import get_backend
from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.validation import is_tensor
from cogattn.encoders._banded_weightings import (
    check_groups,
    check_weightings,
    dirichlet_weightings,
)
from cogattn.encoders._ridge_base import RidgeBase
from cogattn.encoders._ridge_checks import (
    check_ridge_data,
    check_score_func,
)
from cogattn.encoders._ridge_path import ridge_cv_path, ridge_refit
from cogattn.encoders.ridge import DEFAULT_ALPHAS
from cogattn.encoders.scores import pearson_per_target

__all__ = ["BandedRidgeCV"]


class BandedRidgeCV(RidgeBase):
    """Banded ridge regression with per-space, per-target regularisation by CV.

    Parameters
    ----------
    groups : sequence of (slice | array-like of int | int)
        Feature spaces: slices or column-index arrays of ``X``, or the sizes of
        consecutive column blocks. They must cover every column exactly once.
    alphas : array-like of shape (n_alphas,)
        Global strengths tried with every candidate weighting, all > 0.
    n_iter : int | array-like of shape (n_candidates, n_spaces)
        Number of random candidate weightings, or the candidates themselves
        (positive; rows summing to 1 keep ``best_alphas_`` meaningful).
    concentration : float | sequence of float
        Dirichlet concentrations of the random candidates, used in turn.
    fit_intercept : bool
        Whether to fit an intercept (per-fold centring).
    cv : int | splitter | iterable of (train, test)
        Folds; an int gives contiguous, unshuffled K-fold.
    score_func : {"r2", "r"}
        Score of each test fold, averaged over folds.
    solver : {"auto", "primal", "kernel"}
        Working basis (kernel form when n_features > n_samples with ``"auto"``).
    n_targets_batch : int | None
        Targets processed together.
    random_state : int | numpy.random.Generator | None
        Seed of the random candidates.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Compute backend; ``None`` follows the inputs (torch tensors are solved on
        their device, with no copy to the host), else the current backend.

    Attributes
    ----------
    coef_ : array of shape (n_targets, n_features) or (n_features,)
        Coefficients on the unscaled features.
    intercept_ : array of shape (n_targets,) or float
        Intercepts.
    deltas_ : array of shape (n_spaces, n_targets)
        Log space scalings ``log(gamma / alpha)``; space ``i`` of target ``t`` is
        penalised with ``exp(-deltas_[i, t])``.
    best_alphas_ : array of shape (n_targets,)
        Chosen global alpha per target.
    gammas_ : numpy.ndarray of shape (n_candidates, n_spaces)
        Candidate weightings tried.
    cv_scores_ : array of shape (n_candidates, n_targets)
        Best mean CV score of every candidate (over alphas).
    groups_ : list of numpy.ndarray
        Column indices of each space.
    n_features_in_ : int
        Number of features.
    backend_ : str
        Backend used.

    Notes
    -----
    ``coef_``, ``intercept_``, ``deltas_``, ``best_alphas_`` and ``cv_scores_``
    are numpy arrays, or tensors on the data's device when fitted on tensors.
    """

    def __init__(
        self,
        groups: Any = None,
        alphas: Any = DEFAULT_ALPHAS,
        n_iter: Any = 20,
        concentration: Any = (0.1, 1.0),
        *,
        fit_intercept: bool = True,
        cv: Any = 5,
        score_func: str = "r2",
        solver: str = "auto",
        n_targets_batch: int | None = None,
        random_state: Any = None,
        backend: str | None = None,
    ) -> None:
        self.groups = groups
        self.alphas = alphas
        self.n_iter = n_iter
        self.concentration = concentration
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.score_func = score_func
        self.solver = solver
        self.n_targets_batch = n_targets_batch
        self.random_state = random_state
        self.backend = backend

    def _space_groups(self, n_features: int) -> list[np.ndarray]:
        if self.groups is None:  # one space: banded ridge reduces to RidgeCV
            return [np.arange(n_features)]
        return check_groups(self.groups, n_features)

    def fit(
        self, X: Any, y: Any, *, verbose: bool | str | int | None = None
    ) -> BandedRidgeCV:
        """Search the space weightings and alphas by CV, then refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features of all spaces, side by side.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Targets.
        verbose : bool | str | int | None
            Progress bar over the candidate weightings (``False``: silent;
            ``None``: shown on a terminal when the log level allows it).

        Returns
        -------
        self : BandedRidgeCV
        """
        xp, Xn, Yn, ravel, dtype = self._fit_data(X, y)
        n, p = Xn.shape
        groups = self._space_groups(p)
        alphas, score_func, folds = self._check_cv(n)
        n_targets = Yn.shape[1]
        common = self._solve_options(xp, dtype, (n, p), n_targets)
        gammas = check_weightings(self.n_iter, len(groups))
        if gammas is None:
            gammas = dirichlet_weightings(
                self.n_iter, len(groups), self.concentration, self.random_state
            )
        space_of = np.empty(p, dtype=np.int64)
        for k, idx in enumerate(groups):
            space_of[idx] = k
        space_of = xp.asarray(space_of)
        X64 = xp.asarray(Xn, dtype=xp.float64)
        Yn = xp.asarray(Yn)  # indexed by target below, on the backend
        eps = float(np.finfo(dtype).eps)
        alphas_x = xp.asarray(alphas, dtype=xp.float64)
        slope = xp.asarray(np.log(alphas) * 1e-10, dtype=xp.float64)
        best_score = xp.full(n_targets, -np.inf, dtype=xp.float64)
        best_gamma = xp.zeros(n_targets, dtype=xp.int64)
        best_alpha = xp.ones(n_targets, dtype=xp.float64)
        cv_scores = xp.zeros((gammas.shape[0], n_targets), dtype=xp.float64)
        roots = [
            xp.asarray(np.sqrt(gamma), dtype=xp.float64)[space_of] for gamma in gammas
        ]
        every = xp.arange(n_targets)
        candidates = progress_bar(
            roots, desc="BandedRidgeCV", verbose=verbose, unit="candidate"
        )
        for g, root in enumerate(candidates):
            res = ridge_cv_path(
                X64 * root[None, :],
                Yn,
                alphas,
                folds,
                score_func=score_func,
                refit=False,
                **common,
            )
            best = res["best"]
            scores = res["scores"][best, every] + slope[best]
            cv_scores[g] = scores
            better = scores > best_score + eps
            best_score = xp.where(better, scores, best_score)
            best_gamma = xp.where(better, g, best_gamma)
            best_alpha = xp.where(better, alphas_x[best], best_alpha)
        coef = intercept = None
        for g, root in enumerate(roots):
            targets = every[best_gamma == g]
            if targets.shape[0] == 0:
                continue
            c, b = ridge_refit(
                X64 * root[None, :],
                Yn[:, targets],
                best_alpha[targets],
                **common,
            )
            if coef is None:
                coef = xp.zeros((n_targets, p), dtype=c.dtype)
                intercept = xp.zeros(n_targets, dtype=c.dtype)
            coef[targets] = c * xp.astype(root, c.dtype)[None, :]
            intercept[targets] = b
        gamma_best = xp.transpose(xp.asarray(gammas, dtype=xp.float64)[best_gamma])
        self.groups_ = groups
        self.gammas_ = gammas
        self._store(
            xp,
            X,
            ravel,
            p,
            coef_=coef,
            intercept_=intercept,
            cv_scores_=cv_scores,
            best_alphas_=best_alpha,
            deltas_=xp.log(gamma_best / best_alpha[None, :]),
        )
        return self

    def predict_split(self, X: Any) -> Any:
        """Contribution of each feature space to the prediction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features of all spaces.

        Returns
        -------
        Y_split : array of shape (n_spaces, n_samples, n_targets)
            ``X_i @ coef_i.T`` for every space ``i`` (no intercept):
            ``Y_split.sum(0) + intercept_`` equals :meth:`predict`. A tensor when
            ``X`` is a tensor.
        """
        Xb, coef, xp = self._fitted_inputs(X)
        parts = []
        for idx in self.groups_:
            ib = xp.asarray(idx)
            parts.append(xp.matmul(Xb[:, ib], xp.transpose(coef[:, ib])))
        out = xp.stack(parts, axis=0)
        return out if is_tensor(X) else xp.to_numpy(out)

    def _fit_backend(self) -> ModuleType:
        return get_backend(self.backend_)

    def score_split(self, X: Any, y: Any, score_func: str = "r2") -> Any:
        """Score each feature space's contribution to the prediction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features of all spaces.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Observed targets.
        score_func : {"r2", "r"}
            ``"r2"``: product-measure split of the coefficient of determination
            (as himalaya's ``r2_score_split``): with ``y`` and every space's
            prediction ``p_i`` centred over samples,
            ``r2_i = (2 y.p_i - p_i.sum_j p_j) / y.y``; the splits sum to the R^2
            of the joint (mean-matched) prediction. ``"r"``: Pearson correlation
            of each space's prediction with ``y``.

        Returns
        -------
        scores : array of shape (n_spaces, n_targets)
            A tensor when ``X`` is a tensor.
        """
        score_func = check_score_func(score_func)
        split = self.predict_split(X)
        xp = self._fit_backend()
        _, Yn, _, _ = check_ridge_data(X, y)
        if Yn.shape[1] != split.shape[2]:
            raise ValidationError(
                f"y has {Yn.shape[1]} target(s), but the model was fit on "
                f"{split.shape[2]}"
            )
        Y = xp.asarray(Yn, dtype=xp.float64)
        P = xp.astype(xp.asarray(split), xp.float64)
        if score_func == "r":
            out = xp.stack([pearson_per_target(Y, P[k], xp=xp) for k in range(len(P))])
        else:
            Yc = Y - xp.mean(Y, axis=0, keepdims=True)
            Pc = P - xp.mean(P, axis=1, keepdims=True)
            total = xp.sum(Pc, axis=0)
            sst = xp.sum(Yc**2, axis=0)
            ok = xp.astype(sst > 0, xp.float64)
            num = xp.sum(2.0 * Yc[None] * Pc - Pc * total[None], axis=1)
            out = num / (sst + (1.0 - ok))[None, :] * ok[None, :]
        return out if is_tensor(X) else xp.to_numpy(out)
