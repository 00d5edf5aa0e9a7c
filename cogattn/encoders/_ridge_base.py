"""Shared machinery of the ridge estimators: backend choice, batches, predict."""

from __future__ import annotations

from collections.abc import Iterator
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
    check_ridge_data,
    check_score_func,
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

    @staticmethod
    def _batches(n_targets: int, size: int) -> Iterator[slice]:
        for start in range(0, n_targets, size):
            yield slice(start, min(start + size, n_targets))

    def _store(
        self, xp: ModuleType, as_tensor: bool, ravel: bool, **attrs: Any
    ) -> None:
        """Set fitted attributes: numpy, or backend arrays when fitted on tensors."""
        for key, value in attrs.items():
            if ravel and key in ("coef_", "intercept_"):
                value = value[0]
            value = xp.asarray(value) if as_tensor else xp.to_numpy(value)
            setattr(self, key, value)

    def _decision(self, X: Any) -> tuple[Any, ModuleType, bool]:
        check_is_fitted(self, "coef_")
        Xn = check_x_predict(X, self.n_features_in_, type(self).__name__)
        xp = get_backend(self.backend_)
        coef = xp.asarray(self.coef_)
        intercept = xp.asarray(self.intercept_)
        Xb = xp.asarray(Xn, dtype=coef.dtype)
        coef2 = coef[None, :] if coef.ndim == 1 else coef
        pred = xp.matmul(Xb, xp.transpose(coef2)) + intercept
        if coef.ndim == 1:
            pred = pred[:, 0]
        return pred, xp, is_tensor(X)

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
        pred, xp, tensor = self._decision(X)
        _, Yn, _, _ = check_ridge_data(X, y)
        Y = xp.asarray(Yn, dtype=xp.float64)
        P = xp.astype(pred, xp.float64)
        P = P[:, None] if P.ndim == 1 else P
        if score_func == "r2":
            out = r2_per_target(Y, P, xp=xp)
        else:
            out = pearson_per_target(Y, P, xp=xp)
        return out if tensor else xp.to_numpy(out)

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
        pred, xp, _ = self._decision(X)
        _, Yn, _, _ = check_ridge_data(X, y)
        Y = xp.asarray(Yn, dtype=xp.float64)
        P = xp.astype(pred, xp.float64)
        P = P[:, None] if P.ndim == 1 else P
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
