"""Shared machinery of the ridge estimators: backend choice, batches, predict."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from cogattn._core.backend import get_backend, infer_backend
from cogattn._core.errors import ValidationError
from cogattn._core.validation import (
    check_array,
    check_option,
    is_tensor,
    validate_type,
)
from cogattn.encoders._ridge_checks import (
    check_alphas,
    check_folds,
    check_ridge_data,
    check_score_func,
    check_solver,
    check_targets_batch,
    check_x_predict,
)
from cogattn.encoders.scores import pearson_per_target, r2_per_target

__all__ = ["RidgeBase", "choose_form", "default_targets_batch"]

#: largest default number of targets solved together
DEFAULT_TARGETS_BATCH = 2048


def default_targets_batch(n_targets: int) -> int:
    """Default batch: an eighth of the targets, within [256, 2048].

    Large enough for efficient matrix products, small enough to keep the working
    memory of a batch a fraction of the size of ``Y``.
    """
    return int(min(n_targets, max(256, min(DEFAULT_TARGETS_BATCH, -(-n_targets // 8)))))


def choose_form(solver: str, n_samples: int, n_features: int) -> str:
    """Resolve ``solver="auto"``: the kernel form when n_features > n_samples."""
    if solver == "auto":
        return "kernel" if n_features > n_samples else "primal"
    return solver


class RidgeBase(MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Common fit helpers and ``predict`` / ``score`` of the ridge estimators."""

    def _resolve_backend(self, X: Any, Y: Any) -> ModuleType:
        if self.backend is None:
            return infer_backend(X, Y)
        validate_type(self.backend, "str", "backend")
        check_option(self.backend, ("numpy", "torch", "torch_cuda"), "backend")
        return get_backend(self.backend)

    def _check_common(self) -> None:
        validate_type(self.fit_intercept, "bool", "fit_intercept")

    def _fit_data(self, X: Any, y: Any) -> tuple[ModuleType, Any, Any, bool, Any]:
        """Backend, common checks and validated data at the start of ``fit``.

        Returns the backend, ``X`` and ``y`` as 2-D arrays, whether ``y`` was 1-D
        and the compute dtype (see :func:`check_ridge_data`).
        """
        xp = self._resolve_backend(X, y)
        self._check_common()
        Xn, Yn, ravel, dtype = check_ridge_data(X, y)
        return xp, Xn, Yn, ravel, dtype

    def _check_cv(self, n_samples: int) -> tuple[Any, str, list]:
        """Check ``alphas`` and ``score_func``; split ``n_samples`` by ``cv``."""
        alphas = check_alphas(self.alphas)
        score_func = check_score_func(self.score_func)
        folds = check_folds(self.cv, n_samples)
        return alphas, score_func, folds

    def _solve_options(
        self, xp: ModuleType, dtype: Any, shape: tuple[int, int], n_targets: int
    ) -> dict[str, Any]:
        """Keyword arguments of the ridge drivers for data of ``shape``.

        Resolves ``solver`` (:func:`choose_form`) and ``n_targets_batch``
        (:func:`default_targets_batch` when ``None``).
        """
        form = choose_form(check_solver(self.solver), *shape)
        size = check_targets_batch(
            self.n_targets_batch, n_targets, default_targets_batch(n_targets)
        )
        return dict(
            fit_intercept=self.fit_intercept, form=form, xp=xp, dtype=dtype, batch=size
        )

    def _store(
        self, xp: ModuleType, X: Any, ravel: bool, n_features: int, **attrs: Any
    ) -> None:
        """Set fitted attributes: numpy, or backend arrays when fitted on tensors.

        Also sets ``n_features_in_`` and ``backend_``.
        """
        self.n_features_in_ = n_features
        self.backend_ = xp.name
        as_tensor = is_tensor(X)
        for key, value in attrs.items():
            if ravel and key in ("coef_", "intercept_"):
                value = value[0]
            value = xp.asarray(value) if as_tensor else xp.to_numpy(value)
            setattr(self, key, value)

    def _fitted_inputs(self, X: Any) -> tuple[Any, Any, ModuleType]:
        """Check ``X``; return it and the 2-D coefficients on the fit's backend."""
        check_is_fitted(self, "coef_")
        Xn = check_x_predict(X, self.n_features_in_, type(self).__name__)
        xp = get_backend(self.backend_)
        coef = xp.asarray(self.coef_)
        Xb = xp.asarray(Xn, dtype=coef.dtype)
        coef2 = coef[None, :] if coef.ndim == 1 else coef
        return Xb, coef2, xp

    def _decision(self, X: Any) -> tuple[Any, ModuleType, bool]:
        Xb, coef2, xp = self._fitted_inputs(X)
        intercept = xp.asarray(self.intercept_)
        pred = xp.matmul(Xb, xp.transpose(coef2)) + intercept
        if self.coef_.ndim == 1:
            pred = pred[:, 0]
        return pred, xp, is_tensor(X)

    def _observed_and_predicted(self, X: Any, y: Any) -> tuple[Any, Any, ModuleType]:
        """Return ``y`` and the prediction for ``X``, 2-D float64, and the backend."""
        pred, xp, _ = self._decision(X)
        _, Yn, _, _ = check_ridge_data(X, y)
        Y = xp.asarray(Yn, dtype=xp.float64)
        P = xp.astype(pred, xp.float64)
        P = P[:, None] if P.ndim == 1 else P
        return Y, P, xp

    def predict(self, X: Any) -> Any:
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features (numpy array or torch tensor).

        Returns
        -------
        Y_hat : array of shape (n_samples, n_targets) or (n_samples,)
            Predictions, a tensor when ``X`` is a tensor, else a numpy array.
        """
        pred, xp, tensor = self._decision(X)
        return pred if tensor else xp.to_numpy(pred)

    def score_targets(self, X: Any, y: Any, score_func: str | None = None) -> Any:
        """Score each target separately.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Observed targets.
        score_func : {"r2", "r"} | None
            Coefficient of determination or Pearson correlation; ``None`` uses the
            estimator's ``score_func`` (``"r2"`` for :class:`Ridge`).

        Returns
        -------
        scores : array of shape (n_targets,)
            Numpy array, or a tensor when ``X`` is a tensor. Constant target columns
            follow the rule of :mod:`cogattn.encoders.scores`.
        """
        score_func = check_score_func(
            getattr(self, "score_func", "r2") if score_func is None else score_func
        )
        Y, P, xp = self._observed_and_predicted(X, y)
        if score_func == "r2":
            out = r2_per_target(Y, P, xp=xp)
        else:
            out = pearson_per_target(Y, P, xp=xp)
        return out if is_tensor(X) else xp.to_numpy(out)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Coefficient of determination averaged over targets (scikit-learn rule).

        The per-target scores are those of
        :func:`cogattn.encoders.scores.r2_per_target` (a constant target scores
        1.0 when predicted exactly, else 0.0, as scikit-learn's
        ``r2_score(force_finite=True)``), computed on the model's backend.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples, n_targets) or (n_samples,)
            Observed targets.
        sample_weight : array-like of shape (n_samples,) | None
            Sample weights.

        Returns
        -------
        score : float
        """
        Y, P, xp = self._observed_and_predicted(X, y)
        weight = None
        if sample_weight is not None:
            weight = check_array(sample_weight, "sample_weight", ndim=1)
            if weight.shape[0] != Y.shape[0]:
                raise ValidationError(
                    f"sample_weight must have one value per sample ({Y.shape[0]}), "
                    f"got shape {tuple(weight.shape)}"
                )
            weight = xp.asarray(weight, dtype=xp.float64)
        return float(xp.mean(r2_per_target(Y, P, sample_weight=weight, xp=xp)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        return tags
