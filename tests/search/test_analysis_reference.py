"""The digitised human / eccNET reference table (Gupta et al. 2021, NeurIPS)."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn.search.analysis import asymmetry_index, load_human_reference
from cogattn.search.displays import PARADIGMS
from cogattn.search.paradigms import get_spec


def test_table_rows_and_columns():
    ref = load_human_reference()
    assert ref["paradigm"].tolist() == list(PARADIGMS)
    assert ref["experiment"].tolist() == [1, 2, 3, 4, 5, 6]
    for col in ("human_source", "reference"):
        assert ref[col].str.len().min() > 10
    assert (
        ref["reference"]
        .str.contains("Gupta, Zhang, Wu, Wolfe & Kreiman \\(2021\\)")
        .all()
    )
    for _, row in ref.iterrows():
        sizes = tuple(int(v) for v in row["set_sizes"].split())
        assert sizes == get_spec(row["paradigm"]).set_sizes


def test_published_ai_follow_from_published_slopes():
    """AI recomputed from the digitised slopes matches the published AIs (2 dp)."""
    ref = load_human_reference()
    for who in ("human", "eccnet"):
        ai = asymmetry_index(
            ref[f"{who}_slope_easy"].to_numpy(), ref[f"{who}_slope_hard"].to_numpy()
        )
        np.testing.assert_allclose(ai, ref[f"{who}_ai"], atol=0.006)


def test_published_mean_asymmetry():
    """Mean AI over the six paradigms: humans 0.564, eccNET 0.513 (published)."""
    ref = load_human_reference()
    for who, mean in (("human", 0.564), ("eccnet", 0.513)):
        ai = asymmetry_index(
            ref[f"{who}_slope_easy"].to_numpy(), ref[f"{who}_slope_hard"].to_numpy()
        )
        assert ai.mean() == pytest.approx(mean, abs=0.001)


def test_returns_a_fresh_copy():
    a = load_human_reference()
    a.loc[0, "human_ai"] = -5.0
    assert load_human_reference().loc[0, "human_ai"] == pytest.approx(0.81)
