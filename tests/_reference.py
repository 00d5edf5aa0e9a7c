"""Anchor libraries of the reference tests: import them, or fail saying how to.

Reference tests compare cogattn with himalaya, mTRF-Python and other anchors. A test
run without an anchor must fail, not skip, so that an environment that lost the
``reference`` extra is noticed.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require_reference"]


def require_reference(module: str) -> ModuleType:
    """Import ``module`` for a reference comparison.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"himalaya.ridge"``.

    Returns
    -------
    mod : module
        The imported module.

    Raises
    ------
    ImportError
        When the module is missing; the message names the ``reference`` extra.
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(
            f"reference test needs {module!r}, which is not installed: install "
            "cogattn's 'reference' extra (pip install -e '.[reference]')"
        ) from err
