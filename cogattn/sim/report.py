"""Reports: the experiment's tables, figures and reference checks as markdown.

:func:`write_report` calls the experiment's ``report(results)`` and writes
``report/report.md`` (title, description, spec summary, task counts, one PASS/FAIL
line per check, tables, figure links), one PNG per figure and one CSV per table.
Matplotlib is imported only here, and only when a report is written.
"""

from __future__ import annotations

import math
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any, NamedTuple

from cogattn._core.log import logger
from cogattn.sim.ledger import atomic_write
from cogattn.sim.registry import ReportContent
from cogattn.sim.results import Results, load_results
from cogattn.sim.spec import Check, Spec

__all__ = [
    "CheckOutcome",
    "ReportSummary",
    "evaluate_check",
    "markdown_table",
    "write_report",
]


class CheckOutcome(NamedTuple):
    """The result of one reference check.

    Attributes
    ----------
    name : str
        The check's name.
    passed : bool
        Whether the measured number meets the reference.
    line : str
        ``"PASS name: measured ... vs expected ... (atol ...)"`` or ``"FAIL ..."``.
    """

    name: str
    passed: bool
    line: str


class ReportSummary(NamedTuple):
    """What :func:`write_report` wrote.

    Attributes
    ----------
    path : pathlib.Path
        The ``report.md`` file.
    all_passed : bool
        True when every check passed, the report could be built and the run is
        complete.
    checks : list of CheckOutcome
        One per check of the spec, in spec order.
    complete : bool
        Whether every task is done (none pending, failed or damaged).
    status : str
        ``""`` when complete, else ``"INCOMPLETE: ..."`` (the counts and what to
        do), also written at the top of ``report.md``.
    """

    path: Path
    all_passed: bool
    checks: list[CheckOutcome]
    complete: bool = True
    status: str = ""


def _num(value: float) -> str:
    return format(value, ".6g")


def evaluate_check(check: Check, measured: dict[str, Any]) -> CheckOutcome:
    """Compare one measured number with its reference.

    Parameters
    ----------
    check : Check
        The check from the spec.
    measured : dict of str to float
        The ``measured`` numbers of the experiment's report.

    Returns
    -------
    outcome : CheckOutcome
        ``atol``: ``|m - e| <= atol``; ``rtol``: ``|m - e| <= rtol * |e|``; ``op``:
        ``m <= e``, ``m >= e`` or ``m == e``. NaN never passes.
    """
    if check.measured not in measured:
        known = ", ".join(repr(k) for k in sorted(measured)) or "none"
        line = (
            f"FAIL {check.name}: the report measured no {check.measured!r} "
            f"(it measured {known})"
        )
        return CheckOutcome(check.name, False, line)
    try:
        value = float(measured[check.measured])
    except (TypeError, ValueError):
        line = (
            f"FAIL {check.name}: measured {check.measured!r} is not a number "
            f"({measured[check.measured]!r:.40})"
        )
        return CheckOutcome(check.name, False, line)
    expected = float(check.expected)
    diff = abs(value - expected)
    if check.atol is not None:
        passed = diff <= check.atol
        rule = f"(atol {_num(check.atol)})"
    elif check.rtol is not None:
        passed = diff <= check.rtol * abs(expected)
        rule = f"(rtol {_num(check.rtol)})"
    else:
        passed = {
            "<=": value <= expected,
            ">=": value >= expected,
            "==": value == expected,
        }[check.op or "=="]
        rule = f"(measured {check.op} expected)"
    passed = bool(passed) and not math.isnan(value)
    line = (
        f"{'PASS' if passed else 'FAIL'} {check.name}: measured {_num(value)} "
        f"vs expected {_num(expected)} {rule}"
    )
    return CheckOutcome(check.name, passed, line)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        text = _num(value)
    else:
        text = str(value)
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(df: Any, index: bool | None = None) -> str:
    """Format a DataFrame as a GitHub-flavoured markdown table.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; floats are written with 6 significant digits.
    index : bool | None
        Whether to write the index as the first column; ``None`` writes it unless
        it is a default range index.

    Returns
    -------
    text : str
        Header, alignment row (numbers right-aligned) and one line per row.
    """
    import pandas as pd

    if index is None:
        index = not isinstance(df.index, pd.RangeIndex)
    frame = df.reset_index() if index else df
    headers = [_cell(c) for c in frame.columns]
    align = [
        "---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---"
        for c in frame.columns
    ]
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return slug or "item"


def executor_text(results: Results) -> str:
    """Return the executor(s) that computed the stored tasks, in words."""
    if results.executors:
        return ", ".join(results.executors)
    return f"{results.spec.executor} (no task stored yet)"


def incomplete_text(results: Results) -> str:
    """Return ``""`` for a complete run, else one line: counts and what to do."""
    if results.complete:
        return ""
    c = results.counts
    damaged = len(results.damaged)
    return (
        f"INCOMPLETE: {c['done']} of {c['total']} tasks done, {c['failed']} failed, "
        f"{c['pending']} pending"
        + (f" ({damaged} with missing or damaged array files)" if damaged else "")
        + "; run the spec again into this folder to finish it"
    )


def _spec_lines(spec: Spec, executor: str) -> list[str]:
    lines = [
        f"- experiment: `{spec.experiment}`"
        + (f" (module `{spec.module}`)" if spec.module else ""),
        f"- seed: {spec.seed}, repetitions: {spec.repetitions}, "
        f"executor: {executor}, identity hash: `{spec.identity_hash[:8]}`",
    ]
    for name, value in spec.fixed.items():
        lines.append(f"- fixed `{name}` = {value!r}")
    for name, values in spec.grid.items():
        lines.append(f"- grid `{name}` ({len(values)} values): {values!r}")
    return lines


def _save_figure(fig: Any, path: Path) -> None:
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100))
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


def write_report(run_dir: str | os.PathLike) -> ReportSummary:
    """Write the report of a run folder.

    Parameters
    ----------
    run_dir : path-like
        A run folder (see :func:`cogattn.sim.run`).

    Returns
    -------
    summary : ReportSummary
        ``path`` of ``report/report.md``, ``all_passed`` and the check outcomes. An
        experiment whose ``report`` raises gives a report with the traceback and
        every check failed.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # no window; left alone if pyplot is already in use
    from cogattn.sim.spec import _resolve_experiment

    results: Results = load_results(run_dir)
    spec = results.spec
    out_dir = results.run_dir / "report"
    out_dir.mkdir(exist_ok=True)
    error = None
    cls = _resolve_experiment(spec.experiment, spec.module)  # SpecError: bad input
    try:
        content = cls.report(results)
        if not isinstance(content, ReportContent):
            raise TypeError(
                f"report() must return a ReportContent, got {type(content).__name__}"
            )
    except Exception:
        error = traceback.format_exc()
        logger.warning("report() of %r failed:\n%s", spec.experiment, error)
        content = ReportContent()
    checks = [evaluate_check(c, content.measured) for c in spec.checks]
    counts = results.counts

    status = incomplete_text(results)
    md = [f"# {spec.experiment}", ""]
    if status:
        md += [f"**{status}**", ""]
    if spec.description:
        md += [spec.description, ""]
    if content.text:
        md += [content.text.strip(), ""]
    md += ["## Spec", "", *_spec_lines(spec, executor_text(results)), ""]
    md += [
        "## Tasks",
        "",
        f"{counts['total']} tasks: {counts['done']} done, {counts['failed']} failed, "
        f"{counts['pending']} pending.",
        "",
    ]
    if error is not None:
        md += ["## Report failed", "", "```", error.rstrip(), "```", ""]
    if checks:
        md += ["## Checks", "", *(f"- {c.line}" for c in checks), ""]
    if content.measured:
        md += ["## Measured", ""]
        md += [f"- `{k}` = {_cell(v)}" for k, v in content.measured.items()]
        md.append("")
    for name, table in content.tables.items():
        slug = _slug(name)
        csv = table.to_csv().encode()
        atomic_write(out_dir / f"{slug}.csv", lambda f, data=csv: f.write(data))
        md += [f"## Table: {name}", "", markdown_table(table), ""]
        md += [f"([{slug}.csv]({slug}.csv))", ""]
    for name, fig in content.figures.items():
        slug = _slug(name)
        _save_figure(fig, out_dir / f"{slug}.png")
        md += [f"## Figure: {name}", "", f"![{name}]({slug}.png)", ""]
    path = out_dir / "report.md"
    text = "\n".join(md).rstrip() + "\n"
    atomic_write(path, lambda f: f.write(text.encode()))
    complete = results.complete
    all_passed = error is None and all(c.passed for c in checks) and complete
    return ReportSummary(path, all_passed, checks, complete, status)
