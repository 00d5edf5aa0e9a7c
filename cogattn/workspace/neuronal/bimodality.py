r"""Measured bimodality of a sample: bimodality coefficient, one vs two Gaussians.

The sample bimodality coefficient (SAS; Pfister et al. 2013, Front. Psychol.) is

.. math::

    BC = \frac{g^2 + 1}{G_2 + \frac{3 (n - 1)^2}{(n - 2)(n - 3)}},

with ``g`` the bias-corrected sample skewness and ``G_2`` the bias-corrected excess
kurtosis. A uniform distribution has ``BC = 5/9``; values above ``5/9`` point to
bimodality, a normal distribution gives about ``1/3``.

:func:`mixture_bic_gain` fits one and two Gaussian components
(:class:`sklearn.mixture.GaussianMixture`) and returns ``BIC(1) - BIC(2)``; a gain
above 10 is strong evidence for two modes (Kass & Raftery 1995).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_array

__all__ = ["BC_UNIFORM", "bimodality_coefficient", "mixture_bic_gain"]

#: the bimodality coefficient of a uniform distribution, the usual cut-off
BC_UNIFORM = 5.0 / 9.0


def _sample(x: Any, minimum: int) -> np.ndarray:
    x = np.asarray(check_array(x, "x", ndim=1), float)
    if x.size < minimum:
        raise ValidationError(f"x needs at least {minimum} values, got {x.size}")
    return x


def bimodality_coefficient(x: Any) -> float:
    """Sample bimodality coefficient of ``x``.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample, ``n >= 4``.

    Returns
    -------
    bc : float
        In (0, 1]; above :data:`BC_UNIFORM` (5/9) suggests two modes. NaN when ``x``
        is constant.
    """
    x = _sample(x, 4)
    n = x.size
    d = x - x.mean()
    m2 = np.mean(d**2)
    if m2 == 0:
        return float("nan")
    m3 = np.mean(d**3)
    m4 = np.mean(d**4)
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0)
    return float((skew**2 + 1) / (kurt + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def mixture_bic_gain(
    x: Any, *, random_state: int | np.random.Generator | None = None
) -> float:
    """BIC of one Gaussian minus BIC of a two-component Gaussian mixture.

    Parameters
    ----------
    x : array-like of shape (n,)
        The sample, ``n >= 6``.
    random_state : int | numpy.random.Generator | None
        Seed of the mixture's initialisation.

    Returns
    -------
    gain : float
        Positive when two components describe ``x`` better than one after the BIC
        penalty; above 10 is strong evidence.
    """
    from sklearn.mixture import GaussianMixture

    x = _sample(x, 6)[:, None]
    if np.ptp(x) == 0:
        return 0.0
    seed = int(check_random_state(random_state).integers(0, 2**31 - 1))
    bic = [
        GaussianMixture(k, n_init=3, random_state=seed, reg_covar=1e-6).fit(x).bic(x)
        for k in (1, 2)
    ]
    return float(bic[0] - bic[1])
