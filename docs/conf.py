"""Sphinx configuration of the cogattn documentation site (built offline)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# executed notebooks must keep their figures, whatever backend the shell asked for
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

import cogattn

project = "cogattn"
author = "the cogattn developers"
copyright = "2026, the cogattn developers"
version = release = cogattn.__version__

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]

root_doc = "index"
exclude_patterns = [
    "_build",
    "labs/[0-9]*.ipynb",  # student versions: the site shows the solutions
    "labs/*.py",
    "**.ipynb_checkpoints",
    "conf.py",
]

# Markdown and notebooks
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True


def _labs_without_their_data() -> list[str]:
    """Solution notebooks that read a recording this machine does not have."""
    from cogattn._core.errors import DataNotFoundError
    from cogattn.datasets import mne_test_path

    try:
        mne_test_path()
    except DataNotFoundError:
        labs = ROOT / "docs" / "labs"
        return [
            f"labs/solutions/{src.stem}.ipynb"
            for src in sorted(labs.glob("[0-9][0-9]_*.py"))
            if "cogattn.datasets" in src.read_text(encoding="utf-8")
        ]
    return []


# without COGATTN_DATA those labs are shown unexecuted rather than failing the build
nb_execution_excludepatterns = _labs_without_their_data()

# API reference
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

html_theme = "pydata_sphinx_theme"
html_title = f"cogattn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []


def _skip_metadata_routing(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_*_request`` methods."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return skip


def setup(app):
    """Connect the hooks of this configuration."""
    app.connect("autodoc-skip-member", _skip_metadata_routing)
