"""The trf_real_eeg experiment on the real MNE test recording: one task for real,
and the report's checks on the four event types.

Needs ``$COGATTN_DATA/mne_test/test_raw.fif``; skipped with the reason otherwise.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogattn import ValidationError
from cogattn.experiments.trf_real_eeg import TrfRealEegExperiment, run_point
from cogattn.sim.registry import ReportContent, get_experiment

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def data_folder(data_dir):
    if not (data_dir / "mne_test" / "test_raw.fif").is_file():
        pytest.skip(reason=f"real data not found: {data_dir / 'mne_test'} is missing")
    return str(data_dir)


def test_registered_by_name():
    assert get_experiment("trf_real_eeg") is TrfRealEegExperiment


def test_trial_rejects_bad_params(rng):
    with pytest.raises(ValidationError, match="event_id"):
        run_point(event_id=7, rng=rng)
    params = {"event_id": 1, "n_perms": 10}
    with pytest.raises(ValidationError, match=r"unknown parameter\(s\) \['n_perms'\]"):
        TrfRealEegExperiment.trial(params, rng)


def test_one_task_and_the_report_checks(data_folder):
    rows, arrays = [], {}
    for event_id in (1, 2, 3, 4):
        out = run_point(
            event_id=event_id,
            rng=np.random.default_rng(event_id),
            n_perm=200,
            data_dir=data_folder,
        )
        key = f"task{event_id}"
        arrays[key] = {k: v for k, v in out.items() if np.ndim(v) > 0}
        rows.append(
            {"event_id": event_id, **{k: v for k, v in out.items() if np.ndim(v) == 0}}
        )
        assert out["kernel"].shape == out["evoked"].shape == (60, 91)
        assert out["cv_r"].shape == out["p_values"].shape == (60,)
        assert out["trf_evoked_r"] > 0.9  # measured 0.95-0.99
    table = pd.DataFrame(rows, index=[f"task{e}" for e in (1, 2, 3, 4)])
    results = SimpleNamespace(table=table, arrays=lambda key: arrays[key])
    content = TrfRealEegExperiment.report(results)
    assert isinstance(content, ReportContent)
    m = content.measured
    # the spec's checks (experiments/trf_real_eeg.toml)
    assert m["min_trf_evoked_r"] >= 0.9
    assert m["joint_fraction_significant"] >= 0.5  # measured 0.73
    assert m["joint_median_cv_r"] >= 0.05  # measured 0.16
    assert m["visual_min_fraction_significant"] >= 0.5  # measured 0.65
    assert "trf_vs_evoked" in content.figures
    assert list(content.tables["per_event"]["event"]) == [
        "auditory/left",
        "auditory/right",
        "visual/left",
        "visual/right",
    ]
