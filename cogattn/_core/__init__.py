"""Shared foundations: backends, numba shim, validation, errors, logging, seeding.

Only the light pieces are imported here; :mod:`cogattn._core.backend` (torch) and
:mod:`cogattn._core.jit` (numba) load their libraries when they are used.
"""
