"""Ridge regression encoders with one regularisation strength per target.

:class:`RidgeCV` picks alpha per target by cross-validation from sufficient
statistics: ``X^T X`` and ``X^T Y`` are formed once, each fold's training statistics
are the totals minus the held-out fold's products, each training Gram matrix is
eigendecomposed once (float64), and all alphas are scored for a batch of targets
with a handful of matrix products (see :mod:`cogattn.encoders._ridge_solvers`).
The final model is refit on all samples with each target's best alpha.

Coefficients use the scikit-learn layout ``coef_`` of shape (n_targets,
n_features).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, is_tensor
from cogattn.encoders._ridge_base import RidgeBase
from cogattn.encoders._ridge_checks import check_alpha_max
from cogattn.encoders._ridge_path import ridge_cv_path, ridge_refit

__all__ = ["DEFAULT_ALPHAS", "Ridge", "RidgeCV"]

#: default alpha grid of :class:`RidgeCV`: 10 values, ``logspace(-2, 7)``
DEFAULT_ALPHAS = (1e-2, 1e-1, 1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7)


class Ridge(RidgeBase):
    """Ridge regression with a fixed alpha, shared or one per target.

    Minimises ``||y_t - X b_t - c_t||^2 + alpha_t ||b_t||^2`` for every target
    ``t``.

    Parameters
    ----------
    alpha : float | array-like of shape (n_targets,)
        Regularisation strength(s), > 0.
    fit_intercept : bool
        Whether to fit an intercept (features and targets are centred).
    solver : {"auto", "primal", "kernel"}
        ``"primal"`` eigendecomposes ``X^T X``, ``"kernel"`` the linear kernel
        ``X X^T`` (cheaper when n_features > n_samples); ``"auto"`` picks by shape.
        Both give the same coefficients.
    n_targets_batch : int | None
        Targets solved together; ``None`` picks a size that keeps working memory
        small.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Compute backend; ``None`` follows the inputs (torch tensors are solved on
        their device, with no copy to the host), else the current backend
        (:func:`cogattn._core.backend.get_backend`).

    Attributes
    ----------
    coef_ : array of shape (n_targets, n_features) or (n_features,)
        Coefficients (1-D when ``y`` was 1-D).
    intercept_ : array of shape (n_targets,) or float
        Intercepts.
    alphas_ : numpy.ndarray of shape (n_targets,)
        Alpha of each target.
    n_features_in_ : int
        Number of features.
    backend_ : str
        Backend used.

    Notes
    -----
    Data in float32 (both ``X`` and ``y``) is solved with float32 products and
    float64 Gram matrices and eigendecompositions; anything else in float64.
    Fitted attributes are numpy arrays, or tensors on the data's device when
    fitted on tensors.
    """

    def __init__(
        self,
        alpha: Any = 1.0,
        *,
        fit_intercept: bool = True,
        solver: str = "auto",
        n_targets_batch: int | None = None,
        backend: str | None = None,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.n_targets_batch = n_targets_batch
        self.backend = backend

    def fit(self, X: Any, y: Any) -> Ridge:
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Targets.

        Returns
        -------
        self : Ridge
        """
        xp, Xn, Yn, ravel, dtype = self._fit_data(X, y)
        n_targets = Yn.shape[1]
        alpha = self.alpha
        if is_tensor(alpha):  # hyper-parameters, read on the host
            alpha = alpha.tolist()
        alpha = check_array(np.atleast_1d(alpha), "alpha", ndim=1, finite=True)
        if np.any(alpha <= 0):
            raise ValidationError(f"alpha must be > 0, got {alpha[alpha <= 0][:5]}")
        check_alpha_max(alpha, "alpha")
        if alpha.size == 1:
            alpha = np.full(n_targets, float(alpha[0]))
        elif alpha.size != n_targets:
            raise ValidationError(
                f"alpha must be a float or have one value per target ({n_targets}), "
                f"got {alpha.size} values"
            )
        options = self._solve_options(xp, dtype, Xn.shape, n_targets)
        coef, intercept = ridge_refit(Xn, Yn, alpha, **options)
        self.alphas_ = alpha
        self._store(xp, X, ravel, Xn.shape[1], coef_=coef, intercept_=intercept)
        return self


class RidgeCV(RidgeBase):
    """Ridge regression with alpha chosen by cross-validation for every target.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        Candidate regularisation strengths, all > 0.
    fit_intercept : bool
        Whether to fit an intercept. Each training set is centred with its own
        means, so no information leaks from the test fold.
    cv : int | splitter | iterable of (train, test)
        An int gives contiguous, unshuffled K-fold (neural time series), the same
        folds as ``sklearn.model_selection.KFold(cv)``; otherwise a scikit-learn
        splitter or a list of (train, test) index arrays. Training sets need not
        be the complement of their test fold.
    score_func : {"r2", "r"}
        Score of each test fold: coefficient of determination (0 for a constant
        test target) or Pearson correlation. Scores are averaged over folds.
    solver : {"auto", "primal", "kernel"}
        Working basis: ``X^T X`` (primal) or the linear kernel ``X X^T``
        (kernel, used by ``"auto"`` when n_features > n_samples).
    n_targets_batch : int | None
        Targets processed together; ``None`` picks a size that keeps the working
        memory a fraction of ``y``.
    backend : {"numpy", "torch", "torch_cuda"} | None
        Compute backend; ``None`` follows the inputs (torch tensors are solved on
        their device, with no copy to the host), else the current backend.

    Attributes
    ----------
    coef_ : array of shape (n_targets, n_features) or (n_features,)
        Coefficients refit on all samples (1-D when ``y`` was 1-D).
    intercept_ : array of shape (n_targets,) or float
        Intercepts.
    best_alphas_ : array of shape (n_targets,)
        Chosen alpha per target. Ties (scores equal up to 1e-10 per unit of
        ``log(alpha)``) go to the larger alpha.
    cv_scores_ : array of shape (n_alphas, n_targets)
        Mean cross-validated score of every alpha for every target.
    n_features_in_ : int
        Number of features.
    backend_ : str
        Backend used.

    Notes
    -----
    Cost: one eigendecomposition per fold of a (q, q) matrix (q = n_features, or
    at most n_samples in kernel form) and, per batch of targets, about
    ``n_alphas * n_folds * min(n_test, q) * q`` multiply-adds per target. float32
    data uses float32 products with float64 Gram matrices and eigenvectors.
    Fitted arrays are numpy arrays, or tensors on the data's device when fitted on
    tensors.

    Examples
    --------
    >>> import numpy as np
    >>> from cogattn.encoders.ridge import RidgeCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 5))
    >>> Y = X @ rng.standard_normal((5, 3)) + rng.standard_normal((200, 3))
    >>> model = RidgeCV(alphas=[0.1, 1.0, 10.0]).fit(X, Y)
    >>> model.coef_.shape, model.cv_scores_.shape
    ((3, 5), (3, 3))
    """

    def __init__(
        self,
        alphas: Any = DEFAULT_ALPHAS,
        *,
        fit_intercept: bool = True,
        cv: Any = 5,
        score_func: str = "r2",
        solver: str = "auto",
        n_targets_batch: int | None = None,
        backend: str | None = None,
    ) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.score_func = score_func
        self.solver = solver
        self.n_targets_batch = n_targets_batch
        self.backend = backend

    def fit(
        self, X: Any, y: Any, *, verbose: bool | str | int | None = None
    ) -> RidgeCV:
        """Choose alpha per target by cross-validation and refit on all samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Targets.
        verbose : bool | str | int | None
            Progress bar over the batches of targets (``False``: silent;
            ``None``: shown on a terminal when the log level allows it).

        Returns
        -------
        self : RidgeCV
        """
        xp, Xn, Yn, ravel, dtype = self._fit_data(X, y)
        alphas, score_func, folds = self._check_cv(Xn.shape[0])
        options = self._solve_options(xp, dtype, Xn.shape, Yn.shape[1])
        res = ridge_cv_path(
            Xn, Yn, alphas, folds, score_func=score_func, verbose=verbose, **options
        )
        coef, intercept, cv_scores, best = (
            res["coef"],
            res["intercept"],
            res["scores"],
            res["best"],
        )
        self._store(
            xp,
            X,
            ravel,
            Xn.shape[1],
            coef_=coef,
            intercept_=intercept,
            best_alphas_=xp.asarray(alphas, dtype=xp.float64)[best],
            cv_scores_=cv_scores,
        )
        return self
