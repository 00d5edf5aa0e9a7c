"""Fixtures for the scanpath tests: a screen and seeded random scanpaths."""

from __future__ import annotations

import pytest

from cogattn.scanpath.geometry import ScreenGeometry


@pytest.fixture
def screen() -> ScreenGeometry:
    """A 1024 x 768 px screen, 40 x 30 cm, seen from 57 cm."""
    return ScreenGeometry(1024, 768, 40.0, 30.0, 57.0)
