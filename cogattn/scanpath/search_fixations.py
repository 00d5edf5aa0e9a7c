"""Scanpaths from the fixations of :mod:`cogattn.search` models.

The search models return, per trial, an array of fixations ``(row, col)`` in image
pixels with the initial central fixation in row 0 and unused rows set to -1
(:class:`cogattn.search.SearchResult.fixations`). The models have no fixation
durations; each fixation is given ``fixation_duration`` seconds, by default the
252.359 ms per fixation of the eccNET reaction-time conversion (Gupta et al. 2021), so
that a model scanpath's total duration matches its predicted search time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_array, check_positive
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath

__all__ = ["SEARCH_FIXATION_DURATION_S", "scanpaths_from_search"]

#: seconds per model fixation (eccNET's reaction-time slope, 252.359 ms)
SEARCH_FIXATION_DURATION_S = 0.252359


def scanpaths_from_search(
    fixations: Any,
    screen: ScreenGeometry,
    *,
    fixation_duration: float = SEARCH_FIXATION_DURATION_S,
    include_initial: bool = True,
    stimulus: str | None = None,
) -> list[Scanpath]:
    """Turn the fixation array of a search model into scanpaths.

    Parameters
    ----------
    fixations : array-like of shape (n_trials, n_rows, 2)
        ``(row, col)`` pixel positions per trial; rows with a negative entry are
        unused (``SearchResult.fixations``).
    screen : ScreenGeometry
        Geometry of the search image (e.g.
        ``ScreenGeometry.from_pixels_per_degree(W, H, 30)`` for the displays of
        :mod:`cogattn.search`).
    fixation_duration : float
        Seconds given to each fixation.
    include_initial : bool
        Whether the initial central fixation (row 0) is kept.
    stimulus : str | None
        Stimulus label stored on every scanpath.

    Returns
    -------
    scanpaths : list of Scanpath
        One per trial, with ``observer="model"``.
    """
    fix = check_array(fixations, "fixations", ndim=3, dtype="numeric")
    if fix.shape[2] != 2:
        raise ValidationError(
            f"fixations must have shape (n_trials, n_rows, 2) with (row, col) pairs, "
            f"got shape {fix.shape}"
        )
    duration = check_positive(fixation_duration, "fixation_duration", strict=False)
    fix = np.asarray(fix, dtype=np.float64)
    start = 0 if include_initial else 1
    out = []
    for t in range(fix.shape[0]):
        rows = fix[t, start:]
        valid = (rows >= 0).all(axis=1)
        if not valid.any():
            raise ValidationError(
                f"trial {t} has no fixation (every row is -1); nothing to convert"
            )
        gap = np.flatnonzero(~valid)
        if gap.size and valid[gap[0] :].any():
            raise ValidationError(
                f"trial {t}: unused rows (-1) must come after the fixations"
            )
        rows = rows[valid]
        try:
            out.append(
                Scanpath(
                    rows[:, 1],
                    rows[:, 0],
                    np.full(rows.shape[0], duration),
                    screen,
                    observer="model",
                    stimulus=stimulus,
                )
            )
        except ValidationError as err:
            raise ValidationError(f"trial {t}: {err}") from None
    return out
