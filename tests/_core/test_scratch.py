"""Per-thread scratch arrays: reuse, isolation between threads, the size cap."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cogattn._core import scratch as scratch_module
from cogattn._core.scratch import scratch
from cogattn.encoders import _lags_fft


def test_same_name_reuses_memory_and_other_names_do_not() -> None:
    a = scratch("test.a", (40, 30))
    b = scratch("test.a", (20, 10))  # smaller: a view of the same buffer
    c = scratch("test.c", (40, 30))
    assert a.shape == (40, 30) and b.shape == (20, 10)
    assert a.flags.c_contiguous and b.flags.c_contiguous
    assert np.shares_memory(a, b)
    assert not np.shares_memory(a, c)


def test_larger_request_or_new_dtype_gets_a_new_buffer() -> None:
    small = scratch("test.grow", (10,))
    big = scratch("test.grow", (1000,))
    assert big.shape == (1000,) and not np.shares_memory(small, big)
    cplx = scratch("test.grow", (10,), np.complex128)
    assert cplx.dtype == np.complex128 and not np.shares_memory(cplx, big)


def test_threads_never_share_a_buffer() -> None:
    seen: dict[str, np.ndarray] = {}

    def grab(key: str) -> None:
        seen[key] = scratch("test.thread", (64, 64))

    threads = [threading.Thread(target=grab, args=(k,)) for k in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    grab("main")
    assert not np.shares_memory(seen["x"], seen["y"])
    assert not np.shares_memory(seen["x"], seen["main"])


def test_requests_past_the_cap_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch_module, "KEEP_BYTES", 8 * 100)
    shared: dict[str, bool] = {}

    def body() -> None:  # a fresh thread: no buffers yet
        first = scratch("test.cap_big", (200,))  # 1600 bytes > cap: not kept
        shared["big"] = np.shares_memory(first, scratch("test.cap_big", (200,)))
        kept = scratch("test.cap_small", (50,))  # 400 bytes: kept
        shared["small"] = np.shares_memory(kept, scratch("test.cap_small", (50,)))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert shared == {"big": False, "small": True}


def test_blocked_correlations_return_copies_not_scratch() -> None:
    """A second call (same shapes) must leave the first call's results intact."""
    rng = np.random.default_rng(3)
    # one input channel and one target: the case where a transposed slice of the
    # scratch array would already be contiguous
    x, y = rng.standard_normal((300, 1)), rng.standard_normal((300, 1))
    first = _lags_fft.blocked_cross_correlation(x, y, -3, 9)
    kept = first.copy()
    _lags_fft.blocked_cross_correlation(y, x, 2, 9)
    np.testing.assert_array_equal(first, kept)
    # and the values are the direct sums: corr[0, k, 0] = sum_s x[s] y[s - 3 + k]
    ref = [
        sum(x[s, 0] * y[s + lag, 0] for s in range(300) if 0 <= s + lag < 300)
        for lag in range(-3, 6)
    ]
    np.testing.assert_allclose(first[0, :, 0], ref, rtol=1e-12, atol=1e-12)
