"""Running a spec serially: stored results, resume, failures, run-folder rules."""

from __future__ import annotations

import json
import math
import sqlite3

import numpy as np
import pytest
from spec_factory import base_spec

from cogattn import SpecError, ValidationError
from cogattn.sim import load_results, load_spec, run
from cogattn.sim.store import RunStore
from cogattn.sim.tasks import make_tasks


def _ledger(run_dir) -> dict[str, tuple]:
    with sqlite3.connect(run_dir / "ledger.sqlite") as conn:
        rows = conn.execute(
            "SELECT key, status, attempts, finished, error, seed, versions FROM tasks"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_serial_run_stores_everything(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    results = run(base_spec(), out=out, verbose=False)
    table = results.table
    assert results.counts == {"done": 6, "failed": 0, "pending": 0, "total": 6}
    assert list(table.columns[:3]) == ["sleep", "n_samples", "repetition"]
    assert {"mean_abs", "sq_err", "gram_sum", "n_above_2"} <= set(table.columns)
    assert table["repetition"].tolist() == [0, 1] * 3
    assert results.failed.empty and results.pending == []
    # Reference: redraw each task's samples with numpy from its documented seed,
    # SeedSequence(spec.seed, spawn_key=(int(key[:16], 16),)).
    for task in make_tasks(load_spec(base_spec())):
        rng = np.random.default_rng(
            np.random.SeedSequence(7, spawn_key=(int(task.key[:16], 16),))
        )
        x = rng.standard_normal(task.params["n_samples"])
        assert table.loc[task.key, "mean_abs"] == float(np.abs(x).mean())
        arrays = results.arrays(task.key)
        assert np.array_equal(arrays["head"], x[:16])
        assert arrays["hist"].dtype.kind == "i" and arrays["gram"].shape == (40, 40)
    assert [k for k, _ in results.iter_arrays("head")] == list(table.index)
    assert sorted(p.name for p in (out / "arrays").iterdir()) == sorted(
        f"{k}.npz" for k in table.index
    )
    # the pooled estimate meets the closed form sqrt(2/pi) (atol 0.03 in the spec)
    assert results.report.all_passed
    pooled = np.average(table["mean_abs"], weights=table["n_samples"])
    assert abs(pooled - math.sqrt(2 / math.pi)) < 0.03
    rows = _ledger(out)
    assert all(r[0] == "done" and r[1] == 1 for r in rows.values())
    seed = json.loads(next(iter(rows.values()))[4])
    assert seed["entropy"] == 7 and len(seed["spawn_key"]) == 1
    assert set(json.loads(next(iter(rows.values()))[5])) == {
        "python",
        "numpy",
        "torch",
        "cogattn",
    }


def test_rerun_is_a_no_op_and_description_may_change(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    run(base_spec(), out=out, verbose=False)
    before = _ledger(out)
    again = run(base_spec(description="edited"), out=out, verbose=False)
    assert _ledger(out) == before
    assert again.counts["done"] == 6
    assert load_spec(out / "spec.toml", check_experiment=False).description == "edited"


def test_failed_task_is_recorded_and_only_it_is_retried(on_path, tmp_path) -> None:
    flag = tmp_path / "fail.flag"
    flag.touch()
    spec = base_spec(
        repetitions=1, fixed={"sleep": 0.0, "fail_if_exists": str(flag), "fail_n": 2000}
    )
    out = tmp_path / "run"
    results = run(spec, out=out, verbose=False)
    assert results.counts == {"done": 2, "failed": 1, "pending": 0, "total": 3}
    failed = results.failed
    assert failed["n_samples"].tolist() == [2000]
    error = failed["error"].iloc[0]
    assert "Traceback" in error and "RuntimeError: asked to fail while" in error
    assert not (out / "arrays" / f"{failed.index[0]}.npz").exists()
    first = _ledger(out)

    flag.unlink()
    results = run(spec, out=out, verbose=False)
    assert results.counts == {"done": 3, "failed": 0, "pending": 0, "total": 3}
    second = _ledger(out)
    bad = failed.index[0]
    assert second[bad][:2] == ("done", 2) and second[bad][3] is None
    for key in first:
        if key != bad:
            assert second[key] == first[key]  # untouched: not re-run


def test_bad_trial_output_fails_the_task(on_path, tmp_path) -> None:
    import mc_halfnormal

    original = mc_halfnormal.HalfNormalMean.trial
    try:
        mc_halfnormal.HalfNormalMean.trial = staticmethod(lambda params, rng: [1, 2])
        results = run(base_spec(repetitions=1), out=tmp_path / "r", verbose=False)
    finally:
        mc_halfnormal.HalfNormalMean.trial = staticmethod(original)
    assert results.counts["failed"] == 3
    error = results.failed["error"].iloc[0]
    assert "TypeError: trial() must return a dict, got list" in error
    assert not results.report.all_passed  # report() had no data: every check fails
    assert "## Report failed" in results.report.path.read_text()


def test_other_spec_in_run_folder_is_refused(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    run(base_spec(), out=out, verbose=False)
    before = _ledger(out)
    with pytest.raises(SpecError, match=r"^out: .* holds a run of a different spec"):
        run(base_spec(seed=8), out=out, verbose=False)
    assert _ledger(out) == before


def test_run_folder_rules(on_path, tmp_path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(ValidationError, match=r"^out: .* is not a cogattn run folder"):
        run(base_spec(), out=busy, verbose=False)
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ValidationError, match=r"is not a folder"):
        run(base_spec(), out=file / "sub", verbose=False)
    assert not (file.parent / "sub").exists()
    spec = load_spec(base_spec())
    with RunStore(tmp_path / "locked").open(spec):
        with pytest.raises(ValidationError, match=r"being written by another"):
            RunStore(tmp_path / "locked").open(spec)


def test_overrides_are_validated(on_path, tmp_path) -> None:
    out = tmp_path / "never"
    with pytest.raises(ValidationError, match=r"^executor: invalid value 'gpu'"):
        run(base_spec(), out=out, executor="gpu")
    with pytest.raises(ValidationError, match=r"^n_workers: must be an int >= 1"):
        run(base_spec(), out=out, n_workers=0)
    with pytest.raises(ValidationError, match=r"^scheduler: only used by executor"):
        run(base_spec(), out=out, executor="serial", scheduler="tcp://h:1")
    assert not out.exists()


def test_results_api_errors(on_path, tmp_path) -> None:
    results = run(base_spec(repetitions=1), out=tmp_path / "r", verbose=False)
    with pytest.raises(ValidationError, match=r"^key: no done task 'nope'"):
        results.arrays("nope")
    with pytest.raises(ValidationError, match=r"^run: .* is not a cogattn run folder"):
        load_results(tmp_path)
    assert "3 done, 0 failed, 0 pending" in repr(results)


def test_ledger_killed_while_being_created_is_reused(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "ledger.sqlite").touch()  # created, killed before its first commit
    results = run(base_spec(repetitions=1), out=out, verbose=False)
    assert results.counts["done"] == 3
