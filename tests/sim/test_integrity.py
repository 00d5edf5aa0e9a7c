"""Run folders keep one spec's results, find damaged files and recompute them.

Two runs into one folder, damaged array files, an edited ``spec.toml``, a damaged
ledger, folders written before the integrity columns, and grids grown in place.
"""

from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pandas as pd
import pytest
from spec_factory import base_spec

import cogattn.sim.runner as runner_mod
from cogattn._core.errors import SpecError, StoreError
from cogattn.cli import main
from cogattn.sim import load_results, load_spec, run
from cogattn.sim.store import RunStore, check_run_dir


def _rows(run_dir) -> dict[str, tuple]:
    with sqlite3.connect(run_dir / "ledger.sqlite") as conn:
        return {
            k: (s, a, h)
            for k, s, a, h in conn.execute(
                "SELECT key, status, attempts, spec_hash FROM tasks"
            )
        }


def _arrays(results) -> dict[str, dict[str, np.ndarray]]:
    return {key: results.arrays(key) for key in results.table.index}


def _assert_same(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    left, right = _arrays(a), _arrays(b)
    assert left.keys() == right.keys()
    for key in left:
        for name in left[key]:
            assert left[key][name].tobytes() == right[key][name].tobytes()


# finding 1: two runs into one folder


def test_folder_is_checked_again_under_the_lock(on_path, tmp_path) -> None:
    """Run B passed its check, then run A took the folder: B must not write."""
    out = tmp_path / "run"
    spec_a, spec_b = load_spec(base_spec(seed=1)), load_spec(base_spec(seed=2))
    check_run_dir(out, spec_b)  # B's early check passes: the folder is new
    run(spec_a, out=out, verbose=False)
    before = _rows(out)
    with pytest.raises(SpecError, match=r"^out: .* holds a run of a different spec"):
        RunStore(out).open(spec_b)
    assert _rows(out) == before
    assert {h for _, _, h in before.values()} == {spec_a.identity_hash}


def test_racing_run_is_refused_not_mixed(on_path, tmp_path, monkeypatch) -> None:
    """Another run fills the folder between B's check and B's lock."""
    out = tmp_path / "run"
    real_check = runner_mod.check_run_dir

    def check_then_lose_the_race(run_dir, spec, *args):
        checked = real_check(run_dir, spec, *args)
        monkeypatch.setattr(runner_mod, "check_run_dir", real_check)
        run(base_spec(seed=1), out=out, verbose=False)  # run A, 0.5 s later
        return checked

    monkeypatch.setattr(runner_mod, "check_run_dir", check_then_lose_the_race)
    with pytest.raises(SpecError, match=r"holds a run of a different spec"):
        run(base_spec(seed=2), out=out, verbose=False)
    results = load_results(out)
    assert results.spec.seed == 1 and results.counts["done"] == 6
    seed_1 = load_spec(base_spec(seed=1)).identity_hash
    assert {h for _, _, h in _rows(out).values()} == {seed_1}


# finding 2: damaged result files, edited spec file, damaged ledger


def test_missing_or_damaged_arrays_are_recomputed(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    reference = run(base_spec(), out=tmp_path / "ref", verbose=False)
    first = run(base_spec(), out=out, verbose=False)
    keys = list(first.table.index)
    truncated, emptied, deleted = (out / "arrays" / f"{k}.npz" for k in keys[:3])
    truncated.write_bytes(truncated.read_bytes()[:100])
    emptied.write_bytes(b"")
    deleted.unlink()

    damaged = load_results(out)
    assert sorted(damaged.damaged) == sorted(keys[:3])
    assert damaged.counts == {"done": 3, "failed": 0, "pending": 3, "total": 6}
    assert not damaged.complete

    again = run(base_spec(), out=out, verbose=False)
    assert again.counts["done"] == 6 and not again.damaged
    assert again.report.all_passed
    rows = _rows(out)
    assert sorted(k for k, (_, a, _) in rows.items() if a == 2) == sorted(keys[:3])
    _assert_same(again, reference)


def test_swapped_array_is_caught_and_verify_recomputes(
    on_path, tmp_path, capsys
) -> None:
    out = tmp_path / "run"
    results = run(base_spec(), out=out, verbose=False)
    a, b = list(results.table.index)[:2]
    original = results.arrays(a)
    shutil.copy(out / "arrays" / f"{b}.npz", out / "arrays" / f"{a}.npz")
    with pytest.raises(StoreError, match=rf"^arrays: .*{a}\.npz.* --verify"):
        load_results(out).arrays(a)
    assert load_results(out, verify=True).damaged == [a]

    spec = tmp_path / "spec.toml"
    spec.write_text((out / "spec.toml").read_text())
    args = ["run", str(spec), "--out", str(out), "--quiet", "--verify"]
    assert main([*args, "--module", "mc_halfnormal"]) == 0
    assert "6 done, 0 failed, 0 pending" in capsys.readouterr().out
    fixed = load_results(out).arrays(a)
    assert all(fixed[n].tobytes() == original[n].tobytes() for n in original)


def test_edited_spec_file_is_refused(on_path, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    run(base_spec(), out=out, verbose=False)
    spec_file = out / "spec.toml"
    spec_file.write_text(spec_file.read_text().replace("seed = 7", "seed = 8"))
    with pytest.raises(StoreError, match=r"^spec: .*spec\.toml.* does not match"):
        load_results(out)
    assert main(["show", str(out)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not match the run's ledger" in err[0]
    run(base_spec(), out=out, verbose=False)  # the original spec puts it back
    assert load_results(out).spec.seed == 7


@pytest.mark.parametrize("damage", ["truncate", "garble", "empty"])
def test_damaged_ledger_is_one_line_exit_3(damage, on_path, tmp_path, capsys) -> None:
    out = tmp_path / "run"
    run(base_spec(), out=out, verbose=False)
    ledger = out / "ledger.sqlite"
    data = ledger.read_bytes()
    if damage == "truncate":
        ledger.write_bytes(data[: len(data) // 2])
    elif damage == "garble":
        ledger.write_bytes(data[:100] + b"\x5a" * (len(data) - 200) + data[-100:])
    else:
        ledger.write_bytes(b"")
    spec = tmp_path / "spec.toml"
    spec.write_text((out / "spec.toml").read_text())
    commands = [
        ["show", str(out)],
        ["report", str(out), "--module", "mc_halfnormal"],
        ["run", str(spec), "--out", str(out), "--module", "mc_halfnormal"],
    ]
    for args in commands:
        assert main(args) == 3, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err
        assert err[0].startswith("cogattn: error: ledger: ")
        assert "ledger.sqlite" in err[0] and "new folder" in err[0]


def test_folder_from_before_checksums_is_upgraded(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    first = run(base_spec(), out=out, verbose=False)
    with sqlite3.connect(out / "ledger.sqlite") as conn:  # the layout of schema 1
        for column in ("spec_hash", "checksum", "nbytes", "executor"):
            conn.execute(f"ALTER TABLE tasks DROP COLUMN {column}")
        conn.execute(
            "DELETE FROM meta WHERE name IN ('spec_text', 'lineage', 'schema')"
        )
    old = load_results(out)  # readable as it is
    _assert_same(old, first)
    again = run(base_spec(), out=out, verbose=False)  # upgrades, runs nothing
    assert {a for _, a, _ in _rows(out).values()} == {1}
    assert {h for _, _, h in _rows(out).values()} == {first.spec.identity_hash}
    _assert_same(again, first)
    key = first.table.index[0]
    shutil.copy(
        out / "arrays" / f"{first.table.index[1]}.npz", out / "arrays" / f"{key}.npz"
    )
    with pytest.raises(StoreError):  # checksums recorded by the upgrade
        load_results(out).arrays(key)


# finding 6 (last item): grids grow in place


def test_grid_grows_in_place(on_path, tmp_path) -> None:
    out = tmp_path / "run"
    small = run(base_spec(grid={"n_samples": [500, 2000]}), out=out, verbose=False)
    before = _rows(out)
    grown = run(base_spec(repetitions=3), out=out, verbose=False)
    assert grown.counts == {"done": 9, "failed": 0, "pending": 0, "total": 9}
    after = _rows(out)
    for key, row in before.items():
        assert after[key] == row  # kept, not recomputed
    fresh = run(base_spec(repetitions=3), out=tmp_path / "fresh", verbose=False)
    _assert_same(grown, fresh)
    assert set(small.table.index) < set(grown.table.index)
    with pytest.raises(SpecError, match=r"holds a run of a different spec"):
        run(base_spec(fixed={"sleep": 0.001}), out=out, verbose=False)
