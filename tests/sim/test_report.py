"""Reports: PASS/FAIL lines, markdown tables, figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spec_factory import base_spec

from cogattn.sim import Check, run, write_report
from cogattn.sim.report import evaluate_check, markdown_table


@pytest.mark.parametrize(
    ("check", "measured", "line"),
    [
        (
            Check("closed form", "err", 0, atol=0.02),
            {"err": 0.0123},
            "PASS closed form: measured 0.0123 vs expected 0 (atol 0.02)",
        ),
        (
            Check("closed form", "err", 0, atol=0.02),
            {"err": -0.03},
            "FAIL closed form: measured -0.03 vs expected 0 (atol 0.02)",
        ),
        (  # |0.13 - 0.138| = 0.008 <= 0.1 * 0.138 = 0.0138
            Check("capacity", "c", 0.138, rtol=0.1),
            {"c": 0.13},
            "PASS capacity: measured 0.13 vs expected 0.138 (rtol 0.1)",
        ),
        (  # |0.12 - 0.138| = 0.018 > 0.0138
            Check("capacity", "c", 0.138, rtol=0.1),
            {"c": 0.12},
            "FAIL capacity: measured 0.12 vs expected 0.138 (rtol 0.1)",
        ),
        (
            Check("bounded", "p", 0.05, op="<="),
            {"p": 0.01},
            "PASS bounded: measured 0.01 vs expected 0.05 (measured <= expected)",
        ),
        (
            Check("bounded", "p", 0.05, op=">="),
            {"p": 0.01},
            "FAIL bounded: measured 0.01 vs expected 0.05 (measured >= expected)",
        ),
        (
            Check("count", "n", 6, op="=="),
            {"n": 6.0},
            "PASS count: measured 6 vs expected 6 (measured == expected)",
        ),
        (
            Check("nan", "x", 0, atol=1),
            {"x": math.nan},
            "FAIL nan: measured nan vs expected 0 (atol 1)",
        ),
        (
            Check("absent", "y", 0, atol=1),
            {"x": 1.0},
            "FAIL absent: the report measured no 'y' (it measured 'x')",
        ),
        (
            Check("text", "x", 0, atol=1),
            {"x": "high"},
            "FAIL text: measured 'x' is not a number ('high')",
        ),
    ],
)
def test_check_lines(check, measured, line) -> None:
    outcome = evaluate_check(check, measured)
    assert outcome.line == line
    assert outcome.passed == line.startswith("PASS")


@given(
    measured=st.floats(-1e6, 1e6),
    expected=st.floats(-1e6, 1e6),
    atol=st.floats(0, 1e6),
)
def test_atol_rule(measured, expected, atol) -> None:
    outcome = evaluate_check(Check("c", "m", expected, atol=atol), {"m": measured})
    assert outcome.passed == (abs(measured - expected) <= atol)


def test_markdown_table_by_hand() -> None:
    df = pd.DataFrame({"d": [1, 20], "name": ["a|b", "c"], "x": [0.5, 1 / 3]})
    assert markdown_table(df) == (
        "| d | name | x |\n"
        "| ---: | --- | ---: |\n"
        "| 1 | a\\|b | 0.5 |\n"
        "| 20 | c | 0.333333 |"
    )
    indexed = df.set_index("name")
    assert markdown_table(indexed).splitlines()[0] == "| name | d | x |"
    assert markdown_table(indexed, index=False).splitlines()[0] == "| d | x |"


def test_report_files(on_path, tmp_path) -> None:
    results = run(base_spec(), out=tmp_path / "r", verbose=False)
    summary = write_report(tmp_path / "r")
    assert summary.path == tmp_path / "r" / "report" / "report.md"
    assert summary.all_passed and len(summary.checks) == 1
    text = summary.path.read_text()
    assert text.startswith("# mc_halfnormal\n\nMonte-Carlo mean of |N(0, 1)|\n")
    assert "6 tasks: 6 done, 0 failed, 0 pending." in text
    assert f"- {summary.checks[0].line}" in text
    table = results.table.groupby("n_samples")["mean_abs"].agg(["mean", "std"])
    expected_row = f"| 500 | {table.loc[500, 'mean']:.6g} | {table.loc[500, 'std']:.6g}"
    assert expected_row in text
    assert "![estimate vs samples](estimate_vs_samples.png)" in text
    png = tmp_path / "r" / "report" / "estimate_vs_samples.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    assert matplotlib.image.imread(png).shape[:2] == (300, 400)
    csv = pd.read_csv(tmp_path / "r" / "report" / "estimates.csv", index_col=0)
    assert np.allclose(csv["mean_abs"].to_numpy(), table["mean"].to_numpy())
    assert not list((tmp_path / "r").rglob("*.tmp"))


def test_failing_check_in_report(on_path, tmp_path) -> None:
    spec = base_spec(
        checks=[
            {"name": "impossible", "measured": "abs_error", "expected": -1, "op": "<="}
        ]
    )
    results = run(spec, out=tmp_path / "r", verbose=False)
    assert not results.report.all_passed
    assert results.report.checks[0].line.startswith("FAIL impossible: measured ")
