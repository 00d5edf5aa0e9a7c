"""Fixtures for the visual-search tests: one small batch of displays per paradigm."""

from __future__ import annotations

import pytest

from cogattn.search.displays import PARADIGMS, SearchTrials, make_trials
from cogattn.search.paradigms import get_spec


@pytest.fixture(scope="session")
def trials_by_cell() -> dict[tuple[str, str], SearchTrials]:
    """Six displays per paradigm and condition at the largest published set size.

    Rendered once per session; the arrays are made read-only so no test can alter
    what another test sees.
    """
    out = {}
    for paradigm in PARADIGMS:
        size = max(get_spec(paradigm).set_sizes)
        for condition in ("easy", "hard"):
            trials = make_trials(paradigm, condition, size, 6, random_state=7)
            for arr in (trials.images, trials.target, trials.target_masks):
                arr.setflags(write=False)
            out[paradigm, condition] = trials
    return out
