"""Build a lab's student and solution notebooks from its one source script.

A lab source is a jupytext percent script (``docs/labs/NN_topic.py``) that holds the
full solution. Exercises are marked in code cells:

``answer = compute(x)  # blank``
    In the student notebook the right-hand side of a plain assignment becomes
    ``...``: ``answer = ...  # your code here``. Any other marked line (a call, an
    augmented assignment) becomes ``...`` as a whole.
``# >>> blank`` ... ``# <<< blank``
    The lines in between become one ``...  # your code here`` line, indented as the
    first of them (a function body, a loop).

The solution notebook is the script with the markers removed. Cells tagged ``figure``
must draw a figure (the lab tests check that they produce an image).

Usage::

    python -m cogattn.labs.build docs/labs          # rewrite every lab's notebooks
    python -m cogattn.labs.build docs/labs --check  # exit 1 when one is out of date
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import Any

from cogattn._core.errors import ValidationError

__all__ = ["SOLUTIONS_DIR", "build_lab", "lab_sources", "render_lab", "strip_blanks"]

#: Folder, beside the sources, that holds the solution notebooks.
SOLUTIONS_DIR = "solutions"
_LINE = re.compile(r"^(?P<code>.*?)\s*#\s*blank\s*$")
_ASSIGN = re.compile(r"^(?P<lhs>\s*[A-Za-z_][\w.\[\], ]*?)\s*=(?!=)")
_OPEN = re.compile(r"^(?P<indent>\s*)#\s*>>>\s*blank\s*$")
_CLOSE = re.compile(r"^\s*#\s*<<<\s*blank\s*$")
_FILL = "...  # your code here"
_SOURCE_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.py$")


def strip_blanks(source: str, *, student: bool) -> str:
    """Return a code cell's text for the student (blanked) or solution version.

    Parameters
    ----------
    source : str
        The cell's code, with ``# blank`` and ``# >>> blank`` / ``# <<< blank`` markers.
    student : bool
        Whether to blank the marked code (``True``) or only drop the markers.

    Returns
    -------
    text : str
    """
    out: list[str] = []
    block_indent: str | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        opened = _OPEN.match(line)
        if opened:
            if block_indent is not None:
                raise ValidationError(f"line {number}: '# >>> blank' inside a block")
            block_indent = opened["indent"]
            if student:
                out.append(f"{block_indent}{_FILL}")
            continue
        if _CLOSE.match(line):
            if block_indent is None:
                raise ValidationError(f"line {number}: '# <<< blank' without '# >>>'")
            block_indent = None
            continue
        if block_indent is not None:
            if not student:
                out.append(line)
            continue
        marked = _LINE.match(line)
        if marked is None:
            out.append(line)
        elif not student:
            out.append(marked["code"])
        else:
            code = marked["code"]
            assign = _ASSIGN.match(code)
            indent = code[: len(code) - len(code.lstrip())]
            out.append(f"{assign['lhs']} = {_FILL}" if assign else f"{indent}{_FILL}")
    if block_indent is not None:
        raise ValidationError("a '# >>> blank' block is never closed by '# <<< blank'")
    return "\n".join(out)


def render_lab(source: str | Path) -> tuple[Any, Any]:
    """Read a lab source script and return its (student, solution) notebooks.

    Parameters
    ----------
    source : path-like
        The jupytext percent script.

    Returns
    -------
    student, solution : nbformat.NotebookNode
        Notebooks without outputs.
    """
    import jupytext

    path = Path(source)
    if not path.is_file():
        raise ValidationError(f"lab source {str(path)!r} does not exist")
    notebook = jupytext.read(path, fmt="py:percent")
    notebook.metadata.pop("jupytext", None)
    versions = []
    for student in (True, False):
        nb = copy.deepcopy(notebook)
        for number, cell in enumerate(nb.cells):
            cell.id = f"cell-{number:03d}"  # stable ids: rebuilding changes nothing
            if cell.cell_type == "code":
                try:
                    cell.source = strip_blanks(cell.source, student=student)
                except ValidationError as err:
                    raise ValidationError(f"{path.name}: {err}") from None
        versions.append(nb)
    return versions[0], versions[1]


def lab_sources(folder: str | Path) -> list[Path]:
    """Return the lab source scripts (``NN_topic.py``) in ``folder``, in order.

    Parameters
    ----------
    folder : path-like
        The labs folder.

    Returns
    -------
    sources : list of pathlib.Path
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"labs folder {str(folder)!r} does not exist")
    return sorted(p for p in folder.glob("*.py") if _SOURCE_NAME.match(p.name))


def _notebook_text(nb: Any) -> str:
    import jupytext

    return jupytext.writes(nb, fmt="ipynb")


def build_lab(source: str | Path, *, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) a lab's student and solution notebooks.

    Parameters
    ----------
    source : path-like
        The lab source script ``NN_topic.py``.
    check : bool
        Compare with the notebooks on disk instead of writing them.

    Returns
    -------
    paths : list of pathlib.Path
        With ``check``, the notebooks that are missing or out of date; otherwise the
        notebooks written.
    """
    path = Path(source)
    student, solution = render_lab(path)
    targets = {
        path.with_suffix(".ipynb"): _notebook_text(student),
        path.parent / SOLUTIONS_DIR / path.with_suffix(".ipynb").name: _notebook_text(
            solution
        ),
    }
    result = []
    for target, text in targets.items():
        if check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                result.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        result.append(target)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: build or check every lab of a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m cogattn.labs.build", description=__doc__.splitlines()[0]
    )
    parser.add_argument("folder", help="the labs folder, e.g. docs/labs")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a notebook is out of date"
    )
    args = parser.parse_args(argv)
    stale: list[Path] = []
    for source in lab_sources(args.folder):
        paths = build_lab(source, check=args.check)
        if args.check:
            stale.extend(paths)
        else:
            for p in paths:
                print(f"wrote {p}")
    for p in stale:
        print(f"out of date: {p} (run python -m cogattn.labs.build {args.folder})")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
