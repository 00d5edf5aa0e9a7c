"""scikit-learn estimator checks for Ridge, RidgeCV and BandedRidgeCV, on the numpy and
torch backends."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from cogattn.encoders.banded import BandedRidgeCV
from cogattn.encoders.ridge import Ridge, RidgeCV

# Object arrays are refused on purpose with a ValidationError that names the argument
# and its dtype (a silent cast can hide a column of strings or None), so the check
# that fits object arrays of numbers does not apply.
_REASONS = {
    "check_dtype_object": "object arrays are rejected with a clear ValidationError",
}

_ESTIMATORS = [
    est(backend=backend)
    for backend in ("numpy", "torch")
    for est in (
        lambda **kw: Ridge(**kw),
        lambda **kw: RidgeCV(alphas=(0.1, 1.0, 10.0), cv=3, **kw),
        lambda **kw: BandedRidgeCV(
            alphas=(0.1, 1.0, 10.0), n_iter=3, cv=3, random_state=0, **kw
        ),
    )
]


@parametrize_with_checks(_ESTIMATORS, expected_failed_checks=lambda est: _REASONS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
