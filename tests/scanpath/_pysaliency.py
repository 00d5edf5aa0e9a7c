"""Import pysaliency 0.2.22 on current numpy and setuptools (test-only shims).

pysaliency 0.2.22 installs with the project's constraints in a fresh virtual
environment (its Cython extension builds) but needs three workarounds to run:

1. ``import pysaliency`` imports ``pkg_resources`` (``resource_string``,
   ``resource_listdir``) for its MATLAB model and dataset scripts, and setuptools no
   longer ships ``pkg_resources``: a stand-in module with those two names is placed in
   ``sys.modules`` if the real one is missing (the metrics never call them).
2. ``pysaliency.numba_utils.general_roc_numba`` calls ``np.trapz``, removed in numpy
   2.4: the fixture sets ``numpy.trapz = numpy.trapezoid`` for the test only, through
   pytest's ``monkeypatch`` (undone afterwards).
3. ``import pysaliency`` imports torch (``external_models/deepgaze.py``) without
   declaring it; torch is a dependency of cogattn, so nothing is needed here, but a
   bare environment needs torch installed.
"""

from __future__ import annotations

import sys
import types

import numpy as np

from tests._reference import require_reference


def load_pysaliency(monkeypatch):
    """Return the pysaliency module with the shims in place (fails when missing)."""
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        shim = types.ModuleType("pkg_resources")
        shim.resource_string = lambda *args, **kwargs: b""
        shim.resource_listdir = lambda *args, **kwargs: []
        monkeypatch.setitem(sys.modules, "pkg_resources", shim)
    if not hasattr(np, "trapz"):
        monkeypatch.setattr(np, "trapz", np.trapezoid, raising=False)
    return require_reference("pysaliency")
