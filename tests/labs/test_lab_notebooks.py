"""Every lab: built notebooks up to date, the lab format, and its solution executed.

The solution version runs in a fresh kernel with the inline matplotlib backend (as a
student's Jupyter would), so a figure cell that draws nothing, or draws to a
non-interactive backend, fails here; so does a check cell whose answer is wrong.
"""

from pathlib import Path

import pytest

from cogattn._core.errors import DataNotFoundError
from cogattn.datasets import mne_test_path
from cogattn.labs.build import build_lab, lab_sources, render_lab

LABS = Path(__file__).resolve().parents[2] / "docs" / "labs"
SOURCES = lab_sources(LABS)
FORMAT_HEADINGS = ("Objectives", "Prerequisites", "Time", "References")


def _text(nb, kind):
    return "\n".join(c.source for c in nb.cells if c.cell_type == kind)


def test_there_are_six_labs_or_more():
    assert len(SOURCES) >= 6, [p.name for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebooks_are_built_from_the_source(source):
    stale = build_lab(source, check=True)
    assert not stale, f"rebuild with: python -m cogattn.labs.build {LABS}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_lab_format(source):
    student, solution = render_lab(source)
    markdown = _text(solution, "markdown")
    for heading in FORMAT_HEADINGS:
        assert heading in markdown, f"{source.name} has no '{heading}' section"
    assert "$" in markdown, f"{source.name} states no equation"
    student_code = _text(student, "code")
    assert "...  # your code here" in student_code, f"{source.name} has no exercise"
    assert "check_" in _text(solution, "code"), f"{source.name} has no check cell"
    tagged = [c for c in solution.cells if "figure" in c.metadata.get("tags", [])]
    assert tagged, f"{source.name} has no cell tagged 'figure'"


def _execute(nb):
    from nbclient import NotebookClient

    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(LABS)}},
    ).execute()


def _skip_without_data(source):
    """Skip a lab that reads the MNE test recording when it is absent (data that
    ship inside installed packages are always there)."""
    if "load_mne_test" in source.read_text():
        try:
            mne_test_path()
        except DataNotFoundError as err:
            pytest.skip(reason=f"{source.name} needs a real recording: {err}")


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_version_stops_at_a_check(source, monkeypatch):
    """Run with every blank unfilled, a lab's first error is its first check's."""
    from nbclient.exceptions import CellExecutionError

    _skip_without_data(source)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    student, _ = render_lab(source)
    with pytest.raises(CellExecutionError) as info:
        _execute(student)
    assert info.value.ename == "LabCheckError", (
        f"{source.name}: the student version fails with {info.value.ename} before "
        f"any check cell: {info.value.evalue}"
    )
    assert "still `...`" in info.value.evalue or "returned None" in info.value.evalue


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_runs_and_every_figure_cell_shows_an_image(source, monkeypatch):
    _skip_without_data(source)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    _, solution = render_lab(source)
    _execute(solution)
    for number, cell in enumerate(solution.cells):
        if "figure" not in cell.metadata.get("tags", []):
            continue
        images = [
            o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})
        ]
        assert images, f"figure cell {number} of {source.name} shows no image"
        pngs = [o["data"]["image/png"] for o in images]
        assert len(set(pngs)) == len(pngs), (
            f"figure cell {number} of {source.name} shows the same figure twice"
        )
