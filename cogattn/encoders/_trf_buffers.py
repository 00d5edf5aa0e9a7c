"""Reused buffers for the dense matrices of a TRF fit on the host.

A freed array of several megabytes goes back to the operating system, and every page
of the next one faults on its first write; two threads faulting at once also wait on
each other. A host fit therefore takes its Gram matrices, systems and solutions from
the calling thread's scratch arrays (:mod:`cogattn._core.scratch`), which come back
with their pages mapped fit after fit.
"""

from __future__ import annotations

import numpy as np

from cogattn._core.scratch import KEEP_BYTES, scratch

__all__ = ["HostBuffers"]


class HostBuffers:
    """The dense matrices of a host fit, as scratch arrays of the calling thread.

    A fit asks for each at the point of use; the same names come back fit after
    fit, with their pages already mapped. The groups' Gram matrices are reused
    only while they take at most half of :data:`KEEP_BYTES` (many small trials
    would otherwise crowd out the other buffers); beyond that they are new arrays.
    """

    def __init__(self, n_features: int, n_lags: int, n_groups: int) -> None:
        self.aug = ((n_features + 1) * n_lags,) * 2  # Gram matrices of [x, 1]
        self.coef = (n_features * n_lags,) * 2  # centred normal equations
        self.n_groups = n_groups

    def groups(self) -> list[np.ndarray] | None:
        """Gram matrices of the groups of trials (``None``: new arrays)."""
        if self.n_groups * 8 * self.aug[0] ** 2 > KEEP_BYTES // 2:
            return None
        return [scratch(f"trf.group_gram_{k}", self.aug) for k in range(self.n_groups)]

    def total(self) -> np.ndarray:
        """Gram matrix of all trials."""
        return scratch("trf.total_gram", self.aug)

    def problem(self) -> np.ndarray:
        """Centred Gram matrix of all trials (the refit's)."""
        return scratch("trf.total_problem", self.coef)

    def fold(self) -> np.ndarray:
        """Centred Gram matrix of a fold's training trials."""
        return scratch("trf.fold_gram", self.coef)

    def coefs(self, n_alphas: int, n_outputs: int) -> np.ndarray:
        """Solutions of a fold for every penalty, ``(n_alphas, n_outputs, n_coef)``."""
        return scratch("trf.fold_coef", (n_alphas, n_outputs, self.coef[0]))

    def system(self) -> np.ndarray:
        """Buffer for a shifted system, factored in place."""
        return scratch("trf.fold_system", self.coef)
