"""Per-thread scratch arrays that hot kernels reuse from one call to the next.

A large array that is freed goes back to the operating system, and the next one of
the same size is mapped afresh: every page then faults on its first write. For
the lagged-product transforms of a TRF fit (a few milliseconds each, on arrays of
several megabytes) those faults were a third of the time, and two threads
faulting at once wait on each other in the kernel. A function that needs
temporaries of the same shapes call after call asks for them here instead.

Each thread has its own buffers, so threads never share one. Buffers are kept up
to :data:`KEEP_BYTES` per thread; a request beyond that is served by a fresh
array that is not kept.
"""

from __future__ import annotations

import threading
from math import prod

import numpy as np

__all__ = ["KEEP_BYTES", "scratch"]

#: Most bytes of scratch kept per thread between calls.
KEEP_BYTES = 128 * 2**20

_LOCAL = threading.local()


def scratch(name: str, shape: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
    """Return this thread's uninitialised scratch array ``name`` of this shape.

    The array's contents are whatever the previous user left. It stays valid only
    until the next request for ``name`` in the same thread: a function must copy
    anything it returns out of it.

    Parameters
    ----------
    name : str
        Which buffer: one name per temporary of the calling function (e.g.
        ``"lags_fft.x_spectra"``), so that two temporaries never share memory.
    shape : tuple of int
        Shape of the array.
    dtype : numpy dtype
        Element type.

    Returns
    -------
    array : ndarray
        C-contiguous, of ``shape`` and ``dtype``.
    """
    dtype = np.dtype(dtype)
    size = prod(shape)
    buffers: dict[str, np.ndarray] = vars(_LOCAL).setdefault("buffers", {})
    held = buffers.get(name)
    if held is not None and held.dtype == dtype and held.size >= size:
        return held[:size].reshape(shape)
    if held is not None:
        del buffers[name]
    kept = sum(b.nbytes for b in buffers.values())
    array = np.empty(size, dtype=dtype)
    if kept + array.nbytes <= KEEP_BYTES:
        buffers[name] = array
    return array.reshape(shape)
