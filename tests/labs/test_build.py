"""The lab builder: blanks, markers, and the two notebooks of one source."""

import json

import pytest

from cogattn._core.errors import ValidationError
from cogattn.labs.build import build_lab, lab_sources, main, render_lab, strip_blanks

CELL = """\
x = 3
alpha = best_alpha(scores)  # blank
total += 1  # blank
plot(x)  # blank
def f(y):
    # >>> blank
    z = y ** 2
    return z
    # <<< blank
print(alpha)"""


def test_student_version_blanks_marked_code():
    assert strip_blanks(CELL, student=True).splitlines() == [
        "x = 3",
        "alpha = ...  # your code here",
        "...  # your code here",
        "...  # your code here",
        "def f(y):",
        "    ...  # your code here",
        "print(alpha)",
    ]


def test_solution_version_drops_only_the_markers():
    assert strip_blanks(CELL, student=False).splitlines() == [
        "x = 3",
        "alpha = best_alpha(scores)",
        "total += 1",
        "plot(x)",
        "def f(y):",
        "    z = y ** 2",
        "    return z",
        "print(alpha)",
    ]


def test_comparison_lines_are_blanked_whole():
    assert strip_blanks("    ok = a == b  # blank", student=True) == (
        "    ok = ...  # your code here"
    )
    assert strip_blanks("    assert a >= b  # blank", student=True) == (
        "    ...  # your code here"
    )
    assert strip_blanks("f(x=1)  # blank", student=True) == "...  # your code here"
    assert strip_blanks("a, b.c = 1, 2  # blank", student=True) == (
        "a, b.c = ...  # your code here"
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("# >>> blank\nx = 1", "never closed"),
        ("x = 1\n# <<< blank", "without"),
        ("# >>> blank\n# >>> blank\n# <<< blank", "inside a block"),
    ],
)
def test_unbalanced_markers_are_clear_errors(text, match):
    with pytest.raises(ValidationError, match=match):
        strip_blanks(text, student=True)


SOURCE = """\
# %% [markdown]
# # Lab 99 - a test lab

# %%
answer = 6 * 7  # blank

# %% tags=["figure"]
import matplotlib.pyplot as plt
plt.plot([answer])
"""


def test_build_writes_both_notebooks_and_check_finds_drift(tmp_path):
    src = tmp_path / "99_test_lab.py"
    src.write_text(SOURCE)
    (tmp_path / "notes.py").write_text("x = 1\n")  # not a lab source
    assert lab_sources(tmp_path) == [src]
    written = build_lab(src)
    student_nb = tmp_path / "99_test_lab.ipynb"
    solution_nb = tmp_path / "solutions" / "99_test_lab.ipynb"
    assert written == [student_nb, solution_nb]
    student = json.loads(student_nb.read_text())
    solution = json.loads(solution_nb.read_text())
    code = ["".join(c["source"]) for c in student["cells"] if c["cell_type"] == "code"]
    assert code[0] == "answer = ...  # your code here"
    code = ["".join(c["source"]) for c in solution["cells"] if c["cell_type"] == "code"]
    assert code[0] == "answer = 6 * 7"
    assert solution["cells"][2]["metadata"]["tags"] == ["figure"]
    assert build_lab(src, check=True) == []
    assert main([str(tmp_path), "--check"]) == 0
    src.write_text(SOURCE.replace("6 * 7", "6 * 8"))  # blanked for students
    assert build_lab(src, check=True) == [solution_nb]
    src.write_text(SOURCE.replace("Lab 99", "Lab 98"))
    assert build_lab(src, check=True) == [student_nb, solution_nb]
    assert main([str(tmp_path), "--check"]) == 1


def test_missing_source_and_folder_are_clear_errors(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        render_lab(tmp_path / "01_none.py")
    with pytest.raises(ValidationError, match="labs folder"):
        lab_sources(tmp_path / "nowhere")
